"""Optuna's output formats for the command line: ``-f/--format json|yaml|table|value`` and
``--flatten``, for the commands that print trials and studies as Optuna's do.

A record is a dict of columns; a column's value is a number, a string, None, a dict (``params``,
``user_attrs``: one nested column per key) or a list (``values``: one per objective).
``--flatten`` turns nested columns into ``params_x``, ``values_0``, ... JSON is strict (RFC
8259): NaN and infinities, which it cannot express, are written as null, as ``tunewise
export`` writes them.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

FORMATS = ("json", "yaml", "table", "value")
_DATETIME = "%Y-%m-%d %H:%M:%S"  # Optuna's, to the second

F = TypeVar("F", bound=Callable[..., Any])


def format_options(default: str | None,
                   flatten_help: str = "Flatten nested columns such as params.") -> Callable[[F], F]:
    """``-f/--format`` and ``--flatten``, as Optuna's commands take them."""
    shown = f" (default: {default})" if default else ""

    def decorate(f: F) -> F:
        f = click.option("--flatten", is_flag=True, help=flatten_help)(f)
        return click.option("-f", "--format", "output_format", type=click.Choice(FORMATS), default=default,
                            help=f"Output format{shown}.")(f)

    return decorate


def jsonable(v: Any) -> Any:
    """``v`` with every NaN and infinity (at any depth) replaced by None: JSON has no literal for them."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return v


def cell(v: Any) -> Any:
    """A value as a record holds it: datetimes to the second, durations as text, the rest as is."""
    if isinstance(v, _dt.datetime):
        return v.strftime(_DATETIME)
    if isinstance(v, _dt.timedelta):
        return str(v)
    return v


def trial_record(t: Any, n_objectives: int, with_user_attrs: bool) -> dict[str, Any]:
    """Optuna's columns of a trial: number, value (values), times, params, user_attrs, state."""
    record: dict[str, Any] = {"number": t.number}
    if n_objectives == 1:
        record["value"] = t.value
    else:
        record["values"] = list(t.values) if t.values is not None else [None] * n_objectives
    record.update(datetime_start=cell(t.datetime_start), datetime_complete=cell(t.datetime_complete),
                  duration=cell(t.duration), params=dict(t.params))
    if with_user_attrs:
        record["user_attrs"] = dict(t.user_attrs)
    record["state"] = t.state.name  # Optuna's: FAIL for a failed trial
    return record


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col, v in record.items():
        if isinstance(v, dict):
            out.update({f"{col}_{k}": x for k, x in sorted(v.items())})
        elif isinstance(v, list):
            out.update({f"{col}_{i}": x for i, x in enumerate(v)})
        else:
            out[col] = v
    return out


def render(records: dict[str, Any] | Sequence[dict[str, Any]], output_format: str, flatten: bool) -> str:
    """``records`` (one, or a list) in ``output_format``."""
    single = isinstance(records, dict)
    rows = [records] if isinstance(records, dict) else list(records)
    if flatten:
        rows = [_flat(r) for r in rows]
    if output_format == "json":
        return json.dumps(jsonable(rows[0] if single else rows), allow_nan=False)
    if output_format == "yaml":
        import yaml

        return str(yaml.safe_dump(rows[0] if single else rows)).strip()
    header: list[str] = []
    for r in rows:
        header += [c for c in r if c not in header]
    if output_format == "value":
        return "\n".join(" ".join("" if r.get(c) is None else str(r[c]) for c in header) for r in rows)
    return _table(header, rows)


def _table(header: list[str], rows: list[dict[str, Any]]) -> str:
    """A boxed table; a column of numbers only is aligned right, any other left; None is blank."""
    cols = []
    for c in header:
        values = [r.get(c) for r in rows]
        numeric = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values)
        texts = ["" if v is None else str(v) for v in values]
        width = max([len(c)] + [len(x) for x in texts])
        cols.append((c, texts, width, numeric))
    rule = "+" + "+".join("-" * (w + 2) for _, _, w, _ in cols) + "+"

    def line(cells: list[tuple[str, int, bool]]) -> str:
        return "|" + "|".join(f" {x.rjust(w) if right else x.ljust(w)} " for x, w, right in cells) + "|"

    out = [rule, line([(c, w, numeric) for c, _, w, numeric in cols]), rule]
    out += [line([(texts[i], w, numeric) for _, texts, w, numeric in cols]) for i in range(len(rows))]
    out.append(rule)
    return "\n".join(out)
