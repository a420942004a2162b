"""How a sweep talks to its program: the command line it builds (macros) and the metric lines it reads.

Metric lines (one per line of the program's standard output):

- ``tunewise: {"loss": 0.31, "step": 4}``: a JSON object of metric -> number, optional ``step``.
  ``tunewise.report(value, step)`` prints this line when called from a program run by a sweep.
- ``loss=0.31`` or ``epoch=4 loss=0.31 step=4``: a line made only of ``name=number`` pairs
  (separated by spaces, commas or semicolons), so shell scripts and programs in other languages
  can report with a plain ``echo``.

A line that mixes text and numbers (``epoch 4 done, loss=0.3``) is treated as ordinary output:
being strict keeps log chatter from being read as a metric.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["MetricLine", "build_command", "format_value", "how_to_report", "nest", "parse_metric_line",
           "summary_aggregate"]

PREFIX = "tunewise:"
_NUM = r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)"
_KEY = r"[A-Za-z_][\w./-]*"  # a metric name a `name=value` line can carry
_PAIR = re.compile(r"(" + _KEY + r")\s*=\s*(" + _NUM + r")")
_PAIRS_LINE = re.compile(r"\s*(?:" + _KEY + r"\s*=\s*" + _NUM + r"\s*[,;]?\s*)+")


@dataclass(frozen=True)
class MetricLine:
    """The metrics one line reported, and its step (None: the next step).

    ``final`` marks the run's summary (``tunewise: {"loss": 0.2, "final": true}``, printed by the
    ``wandb`` stand-in for ``run.summary``): the run's result, not one more intermediate report.
    ``preempting`` (``tunewise: {"preempting": true}``, the stand-in's ``run.mark_preempting()``):
    if the program then exits non-zero, the run was preempted and its configuration runs again.
    """

    values: dict[str, float]
    step: int | None = None
    final: bool = False
    preempting: bool = False


def parse_metric_line(line: str) -> MetricLine | None:
    """The metrics in one line of output, or None if the line reports none.

    >>> parse_metric_line('tunewise: {"loss": 0.5, "step": 3}')
    MetricLine(values={'loss': 0.5}, step=3, final=False, preempting=False)
    >>> parse_metric_line("acc=0.91 step=2")
    MetricLine(values={'acc': 0.91}, step=2, final=False, preempting=False)
    >>> parse_metric_line("epoch 2 done") is None
    True
    """
    text = line.strip()
    if text.startswith(PREFIX):
        try:
            obj = json.loads(text[len(PREFIX):])
        except ValueError:
            return None
        if not isinstance(obj, Mapping):
            return None
        pairs = list(obj.items())
    elif "=" in text and _PAIRS_LINE.fullmatch(text):
        pairs = [(k, float(v)) for k, v in _PAIR.findall(text)]
    else:
        return None
    values: dict[str, float] = {}
    step: int | None = None
    final = preempting = False
    for key, value in pairs:
        if key == "final" and text.startswith(PREFIX):
            final = value is True
            continue
        if key == "preempting" and text.startswith(PREFIX):
            preempting = value is True
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if key == "step":
            if float(value).is_integer() and value >= 0:
                step = int(value)
            continue
        values[str(key)] = float(value)
    if not values and not preempting:
        return None
    return MetricLine(values, step, final, preempting)


def how_to_report(names: Sequence[str]) -> str:
    """The metric line a program prints to report ``names``, for messages: ``name=value`` pairs when every name
    fits one, else the JSON form (W&B allows any metric name, e.g. ``ndcg@10`` or ``Mean Merit``).

    >>> how_to_report(["loss"])
    '`tunewise: {"loss": value}` or `loss=value`'
    >>> how_to_report(["ndcg@10"])
    '`tunewise: {"ndcg@10": value}`'
    """
    shown = "`tunewise: {" + ", ".join(f"{json.dumps(n)}: value" for n in names) + "}`"
    if all(re.fullmatch(_KEY, n) for n in names):
        shown += " or `" + " ".join(f"{n}=value" for n in names) + "`"
    return shown


def summary_aggregate(summary: Mapping[str, Any], metric: str, goal: str) -> float | None:
    """The run's summary value of ``metric`` when ``define_metric(metric, summary=...)`` made it a set
    of aggregates (``metric.max``, ``metric.min``, ... in the flattened summary) instead of a number:
    the one in the goal's direction (``max`` to maximize, ``min`` to minimize), else ``best``, else
    None. It is the value W&B's bayes engine scores such a run by (the best of its history).

    >>> summary_aggregate({"acc.max": 0.9, "acc.min": 0.5, "loss": 0.3}, "acc", "maximize")
    0.9
    >>> summary_aggregate({"acc.mean": 0.7}, "acc", "maximize") is None
    True
    """
    for agg in ("max" if goal == "maximize" else "min", "best"):
        value = summary.get(f"{metric}.{agg}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def format_value(value: Any) -> str:
    """How a parameter value appears in ``${args}`` and the like: Python's ``str``, exactly as W&B's
    agent writes it (``--layers=[64, 32]``, ``--opt={'lr': 0.1}``, ``--amp=True``), so a program
    written for ``wandb agent`` parses what it always parsed."""
    return str(value)


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"opt.lr": 1}`` -> ``{"opt": {"lr": 1}}`` (nested parameters, as the program sees them)."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def interpreter_for(program: str | None) -> list[str]:
    """What ``${interpreter}`` expands to: this Python for ``.py``, ``sh`` for ``.sh``, else nothing
    (the program is run directly and must be executable)."""
    if program is None:
        return []
    if program.endswith(".py"):
        return [sys.executable]
    if program.endswith(".sh"):
        return ["/bin/sh"]
    return []


def build_command(command: Sequence[str], program: str | None, config: Mapping[str, Any],
                  args_json_file: str | None = None) -> list[str]:
    """The argv for one run: expand the macros of ``command`` with this run's ``config``, as W&B's agent does.

    ``config`` is the run's config as the program sees it: a group of nested parameters is one
    key whose value is a dict (:meth:`SweepConfig.nest`). ``${args}`` gives one ``--key=value``
    per top-level key (the value as Python's ``str``, W&B's format); ``${args_no_hyphens}``
    ``key=value``; ``${args_no_boolean_flags}`` ``--amp`` for ``amp: true`` and nothing for
    ``amp: false``; ``${args_no_equals}`` ``--key value``; ``${args_append_hydra}`` /
    ``${args_override_hydra}`` ``+key=value`` / ``++key=value``; ``${args_json}`` the config as
    JSON; ``${args_json_file}`` a file holding it. ``${envvar:NAME}`` is the environment
    variable ``NAME`` (W&B leaves ``NAME`` when it is unset). Standing alone, a macro expands to
    its tokens; inside a longer token (a tunewise extension) they are joined with spaces. An
    unknown macro standing alone is dropped and one inside a longer token is left as it is, as
    W&B's agent does (``--batch_size=${batch_size}`` reaches the program unchanged).

    >>> build_command(["python3", "${program}", "${args}"], "train.py", {"lr": 0.01, "opt": {"name": "adam"}})
    ['python3', 'train.py', '--lr=0.01', "--opt={'name': 'adam'}"]
    >>> build_command(["${program}", "--config", "${args_json}"], "run", {"a": {"b": 1}})
    ['run', '--config', '{"a": {"b": 1}}']
    >>> build_command(["${program}", "${args_no_boolean_flags}"], "t.py", {"amp": True, "ema": False, "lr": 0.1})
    ['t.py', '--amp', '--lr=0.1']
    """
    items = [(k, format_value(v)) for k, v in config.items()]
    # W&B's ${args_no_boolean_flags}: a true boolean is a bare flag (--amp), a false one is left out.
    flags = [f"--{k}" if v is True else f"--{k}={format_value(v)}" for k, v in config.items() if v is not False]
    env = ["/usr/bin/env"] if os.path.exists("/usr/bin/env") else []
    multi: dict[str, list[str]] = {
        "env": env,
        "interpreter": interpreter_for(program),
        "program": [program] if program is not None else [],
        "args": [f"--{k}={v}" for k, v in items],
        "args_no_hyphens": [f"{k}={v}" for k, v in items],
        "args_no_boolean_flags": flags,
        "args_no_equals": [t for k, v in items for t in (f"--{k}", v)],
        "args_append_hydra": [f"+{k}={v}" for k, v in items],
        "args_override_hydra": [f"++{k}={v}" for k, v in items],
        "args_json": [json.dumps(dict(config))],
        "args_json_file": [args_json_file] if args_json_file is not None else [],
    }

    def expand(name: str) -> list[str] | None:
        if name.startswith("envvar:"):
            return [os.environ.get(name[7:], name[7:])]
        return multi.get(name)

    out: list[str] = []
    for token in command:
        m = re.fullmatch(r"\$\{([\w:]+)\}", token)
        whole = expand(m.group(1)) if m else None
        if whole is not None:
            out.extend(whole)
            continue
        if m and not m.group(1).startswith("envvar:"):
            continue  # W&B's agent drops a token that is only an unknown macro
        out.append(re.sub(r"\$\{([\w:]+)\}", lambda mm: " ".join(expand(mm.group(1)) or [mm.group(0)]), token))
    return out
