"""``tunewise report``: a self-contained HTML report of a study."""

from __future__ import annotations

import click

from tunewise.cli._group import existing_storage, storage_option


@click.command()
@click.argument("study")
@storage_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default="report.html",
              show_default=True, help="The HTML file to write.")
@click.option("--evaluator", type=click.Choice(["fanova", "permutation"]), default="fanova", show_default=True,
              help="How to rank parameter importance.")
def report(study: str, storage: str, output: str, evaluator: str) -> None:
    """Write a self-contained HTML report of STUDY (opens offline)."""
    import tunewise as tw
    from tunewise.insight import write_report

    s = tw.load_study(study, existing_storage(storage))
    path = write_report(s, output, importance_evaluator=evaluator)
    click.echo(f"wrote {path} ({len(s.get_trials())} trials)")
