"""``tunewise report`` and ``tunewise dashboard``."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the insight commands to the ``tunewise`` command line."""

    @group.command()
    @click.argument("study")
    @click.option("--storage", envvar="TUNEWISE_STORAGE", required=True,
                  help="Storage URL, e.g. sqlite:///tunewise.db (or set TUNEWISE_STORAGE).")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default="report.html",
                  show_default=True, help="The HTML file to write.")
    @click.option("--evaluator", type=click.Choice(["fanova", "permutation"]), default="fanova", show_default=True,
                  help="How to rank parameter importance.")
    def report(study: str, storage: str, output: str, evaluator: str) -> None:
        """Write a self-contained HTML report of STUDY (opens offline)."""
        import tunewise as tw
        from tunewise.insight import write_report

        s = tw.load_study(study, storage)
        path = write_report(s, output, importance_evaluator=evaluator)
        click.echo(f"wrote {path} ({len(s.get_trials())} trials)")

    @group.command()
    @click.option("--storage", envvar="TUNEWISE_STORAGE", required=True,
                  help="Storage URL, e.g. sqlite:///tunewise.db (or set TUNEWISE_STORAGE).")
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help="Address to listen on; anything but localhost exposes your studies, so add --token.")
    @click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
    @click.option("--token", envvar="TUNEWISE_DASHBOARD_TOKEN", default=None,
                  help="Require this token on every request (header 'Authorization: Bearer T' or ?token=T).")
    @click.option("--poll", "poll_interval", type=click.FloatRange(min=0.2), default=2.0, show_default=True,
                  help="Seconds between the page's live updates.")
    @click.option("--allowed-host", "allowed_hosts", multiple=True, envvar="TUNEWISE_DASHBOARD_ALLOWED_HOSTS",
                  metavar="HOST[:PORT]",
                  help="Also answer requests addressed to this name or address (repeatable; '*' for any). "
                       "By default only 127.0.0.1, localhost, [::1] and --host at --port are answered, "
                       "which blocks DNS-rebinding attacks.")
    def dashboard(storage: str, host: str, port: int, token: str | None, poll_interval: float,
                  allowed_hosts: tuple[str, ...]) -> None:
        """Serve a live, read-only web dashboard of every study in a storage."""
        from tunewise.insight import serve
        from tunewise.insight._dashboard import _HostAllowlist
        from tunewise.storage import get_storage

        if allowed_hosts:
            _HostAllowlist(allowed_hosts)  # a bad --allowed-host fails now, before the storage is opened
        store = get_storage(storage)
        store.get_all_studies()  # fail now, with the storage's own message, if it cannot be read
        url = f"http://{host if ':' not in host else '[' + host + ']'}:{port}/"
        click.echo(f"tunewise dashboard on {url}{'?token=...' if token else ''}  (Ctrl+C to stop)")
        serve(store, host=host, port=port, token=token, poll_interval=poll_interval, allowed_hosts=allowed_hosts)
