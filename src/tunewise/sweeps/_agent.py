"""Agents join an existing sweep by name; ``status`` summarises one."""

from __future__ import annotations

import os
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tunewise.sweeps._config import NO_METRIC, SweepConfig, SweepConfigError, SweepConfigWarning
from tunewise.sweeps._runner import STOP_ATTR, SWEEP_ATTR, SweepRunner
from tunewise.trial import TrialState

__all__ = ["load_sweep", "run_agent", "sweep_status"]


def load_sweep(name: str, storage: Any) -> tuple[Any, SweepConfig]:
    """The study of sweep ``name`` and its sweep config, rebuilt from the study's system attrs.

    >>> import tempfile, pathlib
    >>> from tunewise.sweeps import run_sweep
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "train.py").write_text(
    ...     "import sys\\nlr = float(sys.argv[1].split('=')[1])\\nprint(f'loss={lr}')\\n")
    >>> _ = (d / "sweep.yaml").write_text(
    ...     "name: my-sweep\\nprogram: train.py\\nmethod: grid\\nmetric: {name: loss}\\n"
    ...     "parameters:\\n  lr: {values: [0.01, 0.1]}\\n")
    >>> _ = run_sweep(d / "sweep.yaml", echo=None)
    >>> study, config = load_sweep("my-sweep", f"sqlite:///{d}/tunewise.db")
    >>> len(study.trials), config.method, config.metric
    (2, 'grid', 'loss')
    """
    import tunewise as tw

    study = tw.load_study(name, storage)
    record = study.system_attrs.get(SWEEP_ATTR)
    if not isinstance(record, dict) or "config" not in record:
        raise ValueError(f"study {name!r} is not a sweep (it has no sweep config): start sweeps with "
                         f"`tunewise sweep run sweep.yaml`")
    with warnings.catch_warnings():  # said when the sweep file was run; not again for its stored copy
        warnings.simplefilter("ignore", SweepConfigWarning)
        # A sweep stored without a program (`tunewise sweep create`, for wandb.agent(id, function=...))
        # loads; agent_runner refuses to start its runs.
        config = SweepConfig.from_dict(record["config"], base_dir=record.get("base_dir") or ".",
                                       check_program=False, source=f"sweep {name!r}", require_program=False)
    return study, config


def _locate_program(config: SweepConfig, stored: str | None) -> SweepConfig:
    """On another machine the sweep's directory may not exist: look for the program here too."""
    if config.program is None:
        return config
    candidates = [stored, config.program_path, str(Path.cwd() / config.program),
                  str(Path.cwd() / Path(config.program).name)]
    for c in candidates:
        if c and os.path.isfile(c):
            config.program = c
            return config
    raise SweepConfigError(
        f"program {config.program!r} of this sweep is not on this machine (looked for "
        f"{', '.join(dict.fromkeys(c for c in candidates if c))}): run the agent from the directory holding it"
    )


def run_agent(name: str, storage: Any, *, workers: int = 1, count: int | None = None,
              log_dir: str | os.PathLike[str] | None = None,
              echo: Callable[[str], None] | None = print) -> Any:
    """Join sweep ``name`` in ``storage`` and run its program until the sweep is done; return the study.

    On other machines, ``storage`` is the database they share (``postgresql+psycopg://user@db/tunewise``);
    here a first runner stops after 2 runs and an agent finishes the sweep from the same SQLite file:

    >>> import tempfile, pathlib
    >>> from tunewise.sweeps import run_sweep
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "train.py").write_text(
    ...     "import sys\\nlr = float(sys.argv[1].split('=')[1])\\nprint(f'loss={(lr - 0.01) ** 2}')\\n")
    >>> _ = (d / "sweep.yaml").write_text(
    ...     "name: my-sweep\\nprogram: train.py\\nmethod: grid\\nmetric: {name: loss, goal: minimize}\\n"
    ...     "parameters:\\n  lr: {values: [0.001, 0.01, 0.1, 1.0]}\\n")
    >>> _ = run_sweep(d / "sweep.yaml", count=2, echo=None)
    >>> study = run_agent("my-sweep", f"sqlite:///{d}/tunewise.db", workers=2, log_dir=d / "runs", echo=None)
    >>> sorted(t.params["lr"] for t in study.trials)
    [0.001, 0.01, 0.1, 1.0]
    """
    return agent_runner(name, storage, workers=workers, count=count, log_dir=log_dir, echo=echo).run()


def sweep_name(name: str, storage: Any) -> str:
    """The sweep ``name`` denotes: itself, or for an id written W&B's way (``entity/project/id`` or
    ``project/id``, which ``wandb sweep`` prints for ``wandb agent``) the sweep named by its last part when
    no sweep has the whole name, as ``wandb agent`` and the stand-in's ``wandb.agent`` read it."""
    if "/" not in name:
        return name
    import tunewise as tw

    names = set(tw.get_all_study_names(storage))
    last = name.rsplit("/", 1)[-1]
    return last if name not in names and last in names else name


def agent_runner(name: str, storage: Any, *, workers: int = 1, count: int | None = None,
                 log_dir: str | os.PathLike[str] | None = None,
                 echo: Callable[[str], None] | None = print) -> SweepRunner:
    """The runner :func:`run_agent` runs (the CLI reads its outcome for the exit status)."""
    name = sweep_name(name, storage)
    study, config = load_sweep(name, storage)
    record = study.system_attrs[SWEEP_ATTR]
    if config.program is None and any("${program}" in c for c in config.command):
        raise SweepConfigError(f"sweep {name!r} has no program to start (it was stored without one, for a "
                               f"script whose wandb.agent(id, function=...) makes the runs): run that script "
                               f"with `tunewise sweep python --storage ... SCRIPT`")
    config = _locate_program(config, record.get("program"))
    if log_dir is None:
        log_dir = Path.cwd() / "tunewise_runs" / name
    return SweepRunner(config, storage=study.storage, study_name=name, workers=workers, count=count,
                       log_dir=log_dir, echo=echo)


def sweep_status(name: str, storage: Any) -> dict[str, Any]:
    """Progress of sweep ``name``: runs per state, the best run so far, and why it stopped.

    >>> import tempfile, pathlib
    >>> from tunewise.sweeps import run_sweep
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "train.py").write_text("print('loss=0.5')\\n")
    >>> _ = (d / "sweep.yaml").write_text(
    ...     "name: my-sweep\\nprogram: train.py\\nmethod: random\\nmetric: {name: loss}\\n"
    ...     "parameters:\\n  lr: {min: 0.001, max: 0.1}\\nrun_cap: 3\\n")
    >>> _ = run_sweep(d / "sweep.yaml", echo=None)
    >>> sweep_status("my-sweep", f"sqlite:///{d}/tunewise.db")["states"]
    {'COMPLETE': 3}
    """
    name = sweep_name(name, storage)
    study, config = load_sweep(name, storage)
    trials = study.get_trials()
    states = Counter(t.state.value for t in trials)
    complete = [t for t in trials if t.state == TrialState.COMPLETE and t.value is not None]
    best = None
    pareto = None
    if len(config.directions) > 1:  # several metrics: the runs no other run beats on every metric
        pareto = [{"number": t.number, "values": dict(zip(config.metric_names, t.values or [], strict=False)),
                   "config": t.user_attrs.get("config", config.decode(t.params))} for t in study.best_trials]
    elif complete and config.has_metric:
        pick = min if config.goal == "minimize" else max
        b = pick(complete, key=lambda t: t.value)
        best = {"number": b.number, "value": b.value,
                "config": b.user_attrs.get("config", config.decode(b.params)),
                "log_file": b.user_attrs.get("log_file")}
    return {
        "name": name,
        "method": config.method,
        "metric": config.metric,
        "goal": config.goal,
        "program": config.program,
        "run_cap": config.run_cap,
        "n_runs": len(trials),
        "states": {s.value: states[s.value] for s in TrialState if states[s.value]},
        "best": best,
        "pareto": pareto,
        "stopped": study.system_attrs.get(STOP_ATTR),
    }


def format_status(status: dict[str, Any]) -> str:
    """The status as the text ``tunewise sweep status`` prints.

    >>> import tempfile, pathlib
    >>> from tunewise.sweeps import run_sweep, sweep_status
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "train.py").write_text(
    ...     "import sys\\nlr = float(sys.argv[1].split('=')[1])\\nprint(f'loss={lr}')\\n")
    >>> _ = (d / "sweep.yaml").write_text(
    ...     "name: my-sweep\\nprogram: train.py\\nmethod: grid\\nmetric: {name: loss}\\n"
    ...     "parameters:\\n  lr: {values: [0.01, 0.1]}\\n")
    >>> _ = run_sweep(d / "sweep.yaml", echo=None)
    >>> print(format_status(sweep_status("my-sweep", f"sqlite:///{d}/tunewise.db")))
    sweep my-sweep: method grid, minimize loss, program train.py
    runs: 2 (COMPLETE 2)
    best: run 0 loss=0.01
      lr: 0.01
      log: .../run-00000/output.log
    """
    ranked = f"{status['goal']} {status['metric']}" if status["metric"] != NO_METRIC else "no metric"
    lines = [f"sweep {status['name']}: method {status['method']}, {ranked}, program {status['program']}"]
    cap = f" of run_cap {status['run_cap']}" if status["run_cap"] else ""
    per_state = ", ".join(f"{k} {v}" for k, v in status["states"].items()) or "none yet"
    lines.append(f"runs: {status['n_runs']}{cap} ({per_state})")
    best = status["best"]
    if status.get("pareto") is not None:
        lines.append(f"Pareto front: {len(status['pareto'])} run(s) no other run beats on every metric")
        for run in status["pareto"]:
            shown = " ".join(f"{k}={v:.6g}" for k, v in run["values"].items())
            lines.append(f"  run {run['number']} {shown}: " + ", ".join(f"{k}={v}" for k, v in run["config"].items()))
    elif status["metric"] == NO_METRIC:
        pass  # no metric: nothing ranks the runs
    elif best is None:
        lines.append("best: no completed run yet")
    else:
        lines.append(f"best: run {best['number']} {status['metric']}={best['value']:.6g}")
        for k, v in best["config"].items():
            lines.append(f"  {k}: {v}")
        if best.get("log_file"):
            lines.append(f"  log: {best['log_file']}")
    if status["stopped"]:
        lines.append(f"stopped: {status['stopped']}")
    return "\n".join(lines)
