"""Resuming a sweep: the sweep file must still describe the runs already stored under its name.

A sweep's stored runs are only comparable with new ones if the metric, its goal and every
parameter's distribution are unchanged. Settings that do not change what a run means
(``run_cap``, ``timeout``, ``workers``, ``method``, ``seed``, ``target``...) may change freely.
The check runs before anything is written to the study or any run slot is claimed, so a refused
resume leaves the sweep exactly as it was.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import yaml

from tunewise.sweeps._config import LATENT_SUFFIX, SweepConfig, SweepConfigError, SweepConfigWarning

__all__ = ["METRIC_ATTR", "SWEEP_ATTR", "SweepChangedError", "check_resume", "metric_record"]

SWEEP_ATTR = "sweep"
# The metric and its goal as the sweep was created with them; written once, never overwritten.
METRIC_ATTR = "sweep_metric"


class SweepChangedError(SweepConfigError):
    """The sweep file no longer matches the sweep stored under its name (its metric, goal or
    parameters changed): the stored runs would be mixed with runs of another search.

    >>> issubclass(SweepChangedError, ValueError)
    True
    """


def metric_record(config: SweepConfig) -> dict[str, Any]:
    """What :data:`METRIC_ATTR` holds for ``config`` (with ``metrics``: every name and goal too)."""
    record: dict[str, Any] = {"name": config.metric, "goal": config.goal}
    if len(config.directions) > 1:
        record["names"], record["goals"] = config.metric_names, config.directions
    return record


def _flow(spec: Mapping[str, Any]) -> str:
    """A parameter as the one-line YAML a sweep file would give it."""
    return str(yaml.safe_dump(dict(spec), default_flow_style=True, sort_keys=False, width=10**9)).strip()


def _stored_config(record: Any, study_name: str) -> SweepConfig | None:
    if not isinstance(record, Mapping) or not isinstance(record.get("config"), Mapping):
        return None
    try:
        with warnings.catch_warnings():  # said when the file was run; not again for its stored copy
            warnings.simplefilter("ignore", SweepConfigWarning)
            return SweepConfig.from_dict(record["config"], base_dir=record.get("base_dir") or ".",
                                         check_program=False, source=f"sweep {study_name!r}")
    except SweepConfigError:
        return None  # written by another version of tunewise: the study's own records still apply


def _base_name(param_name: str) -> str:
    return param_name[: -len(LATENT_SUFFIX)] if param_name.endswith(LATENT_SUFFIX) else param_name


def find_changes(system_attrs: Mapping[str, Any], directions: list[str], distributions: Mapping[str, Any],
                 config: SweepConfig, study_name: str) -> list[str]:
    """Every difference between the stored sweep and ``config`` that changes what a run means."""
    problems: list[str] = []
    stored = _stored_config(system_attrs.get(SWEEP_ATTR), study_name)
    metric = system_attrs.get(METRIC_ATTR)
    if not isinstance(metric, Mapping):
        metric = metric_record(stored) if stored is not None else {}
    if metric.get("name") is not None and metric["name"] != config.metric:
        problems.append(f"metric.name: stored {metric['name']!r}, now {config.metric!r} (the stored runs "
                        f"report {metric['name']!r}; they would be shown as {config.metric!r})")
    if len(directions) > 1 or len(config.directions) > 1:
        stored_names = metric.get("names") or ([metric["name"]] if metric.get("name") else config.metric_names)
        if list(directions) != config.directions or stored_names != config.metric_names:
            problems.append(f"metrics: stored {list(zip(stored_names, directions))}, now "
                            f"{list(zip(config.metric_names, config.directions))}")
    else:
        goal = directions[0] if len(directions) == 1 else metric.get("goal")
        if goal is not None and goal != config.goal:
            problems.append(f"metric.goal: stored {goal!r}, now {config.goal!r}")

    reported: set[str] = set()
    if stored is not None:
        old = {p.name: p.to_json() for p in stored.parameters}
        new = {p.name: p.to_json() for p in config.parameters}
        for name in [*old, *(n for n in new if n not in old)]:
            if name not in new:
                problems.append(f"parameter {name!r}: stored {_flow(old[name])}, now absent from the file")
            elif name not in old:
                problems.append(f"parameter {name!r}: not in the stored sweep, now {_flow(new[name])}")
            elif old[name] != new[name]:
                problems.append(f"parameter {name!r}: stored {_flow(old[name])}, now {_flow(new[name])}")
            else:
                continue
            reported.add(name)
    # What the runs were actually sampled from (authoritative even if the stored file was
    # overwritten by an older tunewise that stored a changed file before failing).
    wanted = config.distributions()
    for pname, dist in distributions.items():
        name = _base_name(pname)
        if name in reported:
            continue
        if pname not in wanted:
            problems.append(f"parameter {name!r}: the stored runs were sampled from {dist!r}, "
                            f"now absent from the file")
            reported.add(name)
        elif wanted[pname] != dist:
            problems.append(f"parameter {name!r}: the stored runs were sampled from {dist!r}, "
                            f"now {wanted[pname]!r}")
            reported.add(name)
    return problems


def check_resume(storage: Any, study_id: int, study_name: str, config: SweepConfig) -> None:
    """Raise :class:`SweepChangedError` unless ``config`` may resume the stored sweep.

    ``storage`` is a tunewise storage holding the study ``study_id``. Reads only.
    """
    attrs = storage.get_study_attrs(study_id).get("system", {})
    # Name the file the user edited (a config rebuilt from the study has no file of its own).
    where = "" if config.source.startswith(("<", "sweep ")) else f"{config.source}: "
    rename = (f"give the changed sweep a new name (name: {study_name}-2 in the file, or another storage) "
              f"to start a new one")
    if SWEEP_ATTR not in attrs:
        n = storage.count_trials(study_id)
        if n:
            raise SweepChangedError(
                f"{where}study {study_name!r} already exists with {n} trial(s) and is not a sweep; "
                f"{rename}. Nothing was run."
            )
    problems = find_changes(attrs, storage.get_study_directions(study_id), storage.get_distributions(study_id),
                            config, study_name)
    if problems:
        raise SweepChangedError(
            f"{where}cannot resume sweep {study_name!r}: the file changed what its runs mean: "
            + "; ".join(problems)
            + f". A sweep keeps its metric and parameter distributions: put the stored ones back to resume "
              f"it, or {rename}. Nothing was run."
        )
