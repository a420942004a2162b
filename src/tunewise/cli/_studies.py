"""The commands on a storage's studies: ``studies``, ``trials``, ``best``, ``delete``, ``export``."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from typing import Any

import click

from tunewise.cli._formats import format_options, jsonable, render, trial_record
from tunewise.cli._group import existing_storage, one_study_name, storage_option
from tunewise.cli._table import fmt, table


@click.command()
@storage_option
@format_options(None, "Flatten nested columns such as direction.")
def studies(storage: str, output_format: str | None, flatten: bool) -> None:
    """List the studies in a storage.

    Without -f, a table with each study's best value; with -f json|yaml|table|value, Optuna's
    columns (name, direction, n_trials, datetime_start, and user_attrs when a study has any).
    """
    import tunewise as tw

    if output_format is not None or flatten:
        summaries = tw.get_all_study_summaries(existing_storage(storage), include_best_trial=False)
        records = []
        for s in summaries:
            start = None if s.datetime_start is None else s.datetime_start.strftime("%Y-%m-%d %H:%M:%S")
            records.append({"name": s.study_name, "direction": [d.upper() for d in s.directions],
                            "n_trials": s.n_trials, "datetime_start": start, "user_attrs": s.user_attrs})
        if not any(r["user_attrs"] for r in records):
            for r in records:
                del r["user_attrs"]
        click.echo(render(records, output_format or "table", flatten))
        return
    # Reserved studies (the knowledge base) are tunewise's bookkeeping, not the user's.
    all_studies = [s for s in existing_storage(storage).get_all_studies() if not s.name.startswith("__tunewise")]
    if not all_studies:
        click.echo("no studies")
        return
    rows = [[s.name, ",".join(s.directions), s.n_trials, s.n_complete, s.best_value] for s in all_studies]
    click.echo(table(["study", "direction", "trials", "complete", "best"], rows))


@click.command()
@click.argument("study", required=False)
@storage_option
@click.option("--study-name", default=None, help="The study's name (Optuna's spelling of STUDY).")
@click.option("--state", default=None, help="Only trials in this state (COMPLETE, PRUNED, FAILED, ...).")
@click.option("--limit", type=int, default=None, help="Show at most this many (the last ones).")
@format_options(None, "Flatten nested columns such as params and user_attrs.")
def trials(study: str | None, storage: str, study_name: str | None, state: str | None, limit: int | None,
           output_format: str | None, flatten: bool) -> None:
    """List the trials of STUDY (or --study-name NAME, as Optuna's trials command takes it).

    Without -f, a compact table; with -f json|yaml|table|value, Optuna's columns (number,
    value or values, datetime_start, datetime_complete, duration, params, user_attrs when a
    trial has any, state).
    """
    import tunewise as tw

    s = tw.load_study(one_study_name(study, study_name), existing_storage(storage))
    ts = s.get_trials()
    if state:
        st = tw.TrialState(state.upper())
        ts = [t for t in ts if t.state == st]
    if limit:
        ts = ts[-limit:]
    if output_format is not None or flatten:
        with_attrs = any(t.user_attrs for t in ts)
        click.echo(render([trial_record(t, len(s.directions), with_attrs) for t in ts], output_format or "table",
                          flatten))
        return
    names = sorted({k for t in ts for k in t.params})
    rows = [[t.number, t.state.value, t.value if len(s.directions) == 1 else t.values]
            + [t.params.get(n) for n in names] for t in ts]
    click.echo(table(["#", "state", "value"] + names, rows))


@click.command()
@click.argument("study")
@storage_option
def best(study: str, storage: str) -> None:
    """Show the best trial of STUDY."""
    import tunewise as tw

    s = tw.load_study(study, existing_storage(storage))
    if len(s.directions) > 1:
        for t in s.best_trials:
            click.echo(json.dumps({"number": t.number, "values": t.values, "params": t.params}))
        return
    t = s.best_trial
    click.echo(f"best trial: #{t.number}")
    click.echo(f"value: {fmt(t.value)}")
    click.echo("params:")
    for k, v in t.params.items():
        click.echo(f"  {k}: {fmt(v)}")


@click.command()
@click.argument("study")
@storage_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(study: str, storage: str, yes: bool) -> None:
    """Delete STUDY and all its trials."""
    import tunewise as tw

    if not yes:
        click.confirm(f"delete study {study!r} and all its trials?", abort=True)
    tw.delete_study(study, existing_storage(storage))
    click.echo(f"deleted {study}")


# A cell that is a plain number stays one, even when negative; "-1+2" is a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(v: Any) -> Any:
    """One CSV cell, safe to open in a spreadsheet.

    Text that a spreadsheet would run as a formula (it starts with = + - @ TAB or CR, OWASP's
    list) gets a leading single quote; numbers are written as numbers (NaN and infinities as
    Python writes them: nan, inf, -inf); lists and dicts as strict JSON; None as an empty cell.
    """
    if v is None:
        return ""
    if isinstance(v, (bool, int, float)):
        return v
    text = json.dumps(jsonable(v), allow_nan=False) if isinstance(v, (list, tuple, dict)) else str(v)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


@click.command()
@click.argument("study")
@storage_option
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write here instead of standard output.")
def export(study: str, storage: str, fmt: str, output: str | None) -> None:
    """Export every trial of STUDY as CSV or JSON.

    JSON is strict (RFC 8259): NaN and infinities, which it cannot express, are written as
    null. CSV has a column per parameter (params_NAME) and per user attribute
    (user_attrs_KEY), as Study.trials_dataframe() does; text that a spreadsheet would run as
    a formula (starting with = + - @ TAB or CR) is prefixed with a single quote, while
    numbers, negative ones included, stay numbers.
    """
    import tunewise as tw

    s = tw.load_study(study, existing_storage(storage))
    ts = s.get_trials()
    if fmt == "json":
        text = json.dumps(jsonable({"study": s.study_name, "directions": s.directions,
                                     "trials": [t.to_dict() for t in ts]}), indent=1, allow_nan=False)
    else:
        names = sorted({k for t in ts for k in t.params})
        attrs = sorted({k for t in ts for k in t.user_attrs})
        buf = io.StringIO()
        w = csv.writer(buf)
        nvals = len(s.directions)
        vcols = ["value"] if nvals == 1 else [f"values_{i}" for i in range(nvals)]
        w.writerow([_csv_cell(c) for c in ["number", "state"] + vcols + ["datetime_start", "datetime_complete"]
                    + [f"params_{n}" for n in names] + [f"user_attrs_{k}" for k in attrs]])
        for t in ts:
            vals = list(t.values) if t.values else [None] * nvals
            row = ([t.number, t.state.value] + vals + [t.datetime_start_ts, t.datetime_complete_ts]
                   + [t.params.get(n) for n in names] + [t.user_attrs.get(k) for k in attrs])
            w.writerow([_csv_cell(c) for c in row])
        text = buf.getvalue()
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
        click.echo(f"wrote {len(ts)} trials to {output}", err=True)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


COMMANDS = (studies, trials, best, delete, export)
