"""``tunewise dashboard``: serve the live, read-only web dashboard of a storage."""

from __future__ import annotations

import click

from tunewise.cli._group import existing_storage, storage_option

# How long one dashboard request waits for a database that went away before it answers 503 with
# the storage's message: the page asks again at its next poll. (With the storage's default, 60 s,
# every request hung for a minute while PostgreSQL was down: s30.)
READ_RETRY_SECONDS = 5.0


@click.command()
@storage_option
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
    if allowed_hosts:
        _HostAllowlist(allowed_hosts)  # a bad --allowed-host fails now, before the storage is opened
    store = existing_storage(storage, retry_seconds=READ_RETRY_SECONDS)
    store.get_all_studies()  # fail now, with the storage's own message, if it cannot be read
    url = f"http://{host if ':' not in host else '[' + host + ']'}:{port}/"
    click.echo(f"tunewise dashboard on {url}{'?token=...' if token else ''}  (Ctrl+C to stop)")
    serve(store, host=host, port=port, token=token, poll_interval=poll_interval, allowed_hosts=allowed_hosts)
