"""W&B's Python sweep API in one process: ``wandb.sweep(config)`` then ``wandb.agent(id, function)``.

``tunewise sweep python train.py [ARGS]`` runs ``train.py`` with the ``wandb`` stand-in (see
:mod:`tunewise.sweeps._wandb_standin`) in *agent mode*: ``wandb.sweep(sweep_config)`` creates (or
resumes) a tunewise sweep from the dict, as a sweep file would (its ``method``, ``metric``,
``parameters``, ``early_terminate``, ``run_cap``...), and ``wandb.agent(sweep_id,
function=train, count=N)`` calls ``train`` once per run in this process: ``wandb.config`` holds
the run's parameters, each ``wandb.log`` of the metric is a report (so hyperband stops a poor run
inside its ``wandb.log``), and the run's summary value of the metric is its result. A run whose
function raises (or calls ``sys.exit`` with a code other than 0) is FAILED and the agent goes on,
as W&B's agent does.

The study lives in ``--storage`` (default ``sqlite:///<script dir>/tunewise.db``), named by the
sweep config's ``name`` (else ``sweep``); runs again resume it.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from tunewise.sweeps._protocol import summary_aggregate
from tunewise.trial import TrialState

ENV_AGENT = "TUNEWISE_WANDB_AGENT"  # set: the stand-in's wandb.sweep / wandb.agent run in-process
ENV_STORAGE = "TUNEWISE_WANDB_AGENT_STORAGE"


class _Pruned(BaseException):
    """Raised inside ``wandb.log`` when the sweep's early termination stops the run (a
    BaseException, so a training loop's ``except Exception`` does not swallow it)."""


def run_script(script: str, args: list[str], storage: str | None = None) -> None:
    """Run ``script`` as ``__main__`` with the stand-in as ``wandb`` in agent mode."""
    from tunewise.sweeps._wandb_standin import PATH

    os.environ[ENV_AGENT] = "1"
    # The default, the script's directory, is set here so that processes the script starts (from
    # other directories too) use the same sweeps.
    os.environ[ENV_STORAGE] = storage or "sqlite:///" + os.path.join(os.path.dirname(os.path.abspath(script)),
                                                                     "tunewise.db")
    # Python processes the script starts (a worker running wandb.agent on the sweep this process
    # made, as W&B users start `python worker.py -s SWEEP_ID`) import the stand-in too, in agent mode
    # with the same storage.
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (PATH, os.environ.get("PYTHONPATH")) if p)
    for name in [m for m in sys.modules if m == "wandb" or m.startswith("wandb.")]:
        del sys.modules[name]  # a real wandb imported earlier must not answer `import wandb`
    sys.path.insert(0, PATH)
    sys.path.insert(1, os.path.dirname(os.path.abspath(script)))
    sys.argv = [script, *args]
    runpy.run_path(script, run_name="__main__")


def stored_sweep_config(name: str) -> dict[str, Any] | None:
    """The config of the sweep ``name`` in the agent's storage (``--storage``), if it holds one."""
    storage = os.environ.get(ENV_STORAGE)
    if not storage:
        return None
    from tunewise.exceptions import StudyNotFoundError
    from tunewise.sweeps._agent import load_sweep
    from tunewise.sweeps._runner import SWEEP_ATTR

    try:
        study, _ = load_sweep(name, storage)
    except (StudyNotFoundError, ValueError):
        return None
    config = study.system_attrs[SWEEP_ATTR]["config"]
    return dict(config) if isinstance(config, dict) else None


def _agent_runner(sweep_config: Mapping[str, Any], count: int | None,
                  echo: Callable[[str], None] | None, caller: str) -> Any:
    """The SweepRunner of a sweep dict in agent mode: the script is the program, the storage the agent's."""
    from tunewise.sweeps._config import SweepConfig
    from tunewise.sweeps._runner import SweepRunner, default_storage

    script = os.path.abspath(sys.argv[0]) if sys.argv and os.path.isfile(sys.argv[0]) else None
    if script is None:
        raise RuntimeError(f"{caller} in agent mode needs the script's path in sys.argv[0] "
                           "(run it with `tunewise sweep python SCRIPT`)")
    raw = dict(sweep_config)
    if raw.get("program"):
        # The program (and command) `wandb agent ID` starts for each run, as W&B's CLI agent does from the
        # directory it runs in (`tunewise sweep agent` looks for it there too); wandb.agent(id, function) in
        # this process calls the function and never starts it. Not checked here: W&B's server does not.
        cfg = SweepConfig.from_dict(raw, base_dir=os.path.dirname(script), check_program=False)
    else:
        raw.pop("command", None)
        cfg = SweepConfig.from_dict({**raw, "program": script}, base_dir=os.path.dirname(script))
    if len(cfg.directions) > 1:
        raise ValueError(f"{caller} in one process supports one metric; run a sweep file with "
                         "`tunewise sweep run` for several")
    storage = os.environ.get(ENV_STORAGE) or default_storage(cfg)
    return SweepRunner(cfg, storage=storage, count=count, echo=echo)


def create_sweep(sweep_config: Mapping[str, Any]) -> None:
    """``wandb.sweep`` in agent mode: the sweep is stored (its study created, its config recorded)
    at once, as W&B's server stores it, so that ``wandb.agent(sweep_id)`` in a later process or
    a later invocation of the script finds it by name. An invalid config is refused here."""
    runner = _agent_runner(sweep_config, None, None, "wandb.sweep")
    runner.create()
    print(f"wandb.sweep: sweep {runner.study_name!r} stored in {runner.storage}", file=sys.stderr)


def run_program_agent(sweep_config: Mapping[str, Any], count: int | None,
                      echo: Callable[[str], None] | None = print) -> None:
    """``wandb.agent(sweep_id)`` without a function in agent mode: W&B's ``wandb.agent`` then runs as
    ``wandb agent ID`` does, starting the sweep's ``program`` (with its ``command``) for each run, up to
    ``count``, from the directory the script runs in. Here, as ``tunewise sweep agent NAME``."""
    from tunewise.sweeps._agent import _locate_program, load_sweep
    from tunewise.sweeps._runner import SWEEP_ATTR, SweepRunner

    name = str(sweep_config.get("name") or "sweep")
    program = sweep_config.get("program")
    if not program:
        raise ValueError(f"wandb.agent({name!r}) without a function starts the sweep's program, and this "
                         f"sweep has none: add `program` to the sweep config, or pass function=")
    study, config = load_sweep(name, os.environ.get(ENV_STORAGE))
    # W&B's agent starts the program from its own working directory; the script's folder is the fallback.
    here = os.path.abspath(str(program))
    config = _locate_program(config, here if os.path.isfile(here) else study.system_attrs[SWEEP_ATTR].get("program"))
    runner = SweepRunner(config, storage=study.storage, study_name=name, count=count,
                         log_dir=os.path.join(os.getcwd(), "tunewise_runs", name), echo=echo)
    # Each program is a run of the sweep, as under `tunewise sweep agent`, not a script in agent mode.
    saved = os.environ.pop(ENV_AGENT, None)
    try:
        runner.run()
    finally:
        if saved is not None:
            os.environ[ENV_AGENT] = saved


def run_agent(sweep_config: Mapping[str, Any], function: Callable[[], Any], count: int | None,
              standin: Any, echo: Callable[[str], None] | None = print) -> None:
    """``wandb.agent`` in agent mode: ``function`` once per run of the sweep (module doc)."""
    runner = _agent_runner(sweep_config, count, echo, "wandb.agent")
    cfg, storage = runner.config, runner.storage
    study = runner.study = runner._open_study()
    from tunewise.logging import trial_logger

    trial_logger(study).enabled = False  # the agent prints its own line per run
    runner.log_dir.mkdir(parents=True, exist_ok=True)
    metric, maximize = cfg.metric, cfg.goal == "maximize"
    shown = f"metric {metric} ({cfg.goal})" if cfg.has_metric else "no metric"
    runner._say(f"sweep {runner.study_name!r} in this process: method {cfg.method}, {shown}, study in {storage}")
    while True:
        started = runner._start_trial()
        if started is None:
            break
        trial, params = started
        seen: dict[str, Any] = {"last": None, "final": {}}

        def sink(payload: Mapping[str, Any], trial: Any = trial, seen: dict[str, Any] = seen) -> None:
            if payload.get("final"):
                seen["final"] = dict(payload)
                return
            value = payload.get(metric)
            if not isinstance(value, (int, float)):
                return
            seen["last"] = float(value)
            if "step" in payload:
                trial.report(float(value), int(payload["step"]))
                if study.scheduler is not None and trial.should_prune():
                    raise _Pruned()

        standin._agent_begin(cfg.nest(params), sink, metric)
        try:
            try:
                function()
            except SystemExit as e:
                # W&B's agent runs the function in a thread of its own, so a SystemExit (sys.exit, an
                # argparse error in the training code the function calls) ends that run, not the
                # agent. sys.exit(0) is a normal end; another code fails the run.
                if e.code not in (None, 0):
                    standin._agent_end()
                    runner._fail(trial, f"the function raised SystemExit({e.code!r}) (sys.exit, or an "
                                        f"argparse error in the code it called)")
                    continue
            standin.finish()
        except _Pruned:
            standin._agent_end()
            if runner._tell(trial, state=TrialState.PRUNED) is None:
                continue
            runner._say(f"[run {trial.number}] PRUNED at step {max(trial.intermediate_values)} "
                        f"({metric}={seen['last']})")
            continue
        except KeyboardInterrupt:
            standin._agent_end()
            runner._fail(trial, "interrupted (Ctrl-C)")
            raise
        except Exception as e:  # noqa: BLE001 - the run failed; the agent goes on, as W&B's does
            standin._agent_end()
            tail = "".join(traceback.format_exception(e)[-3:]).strip()
            runner._fail(trial, f"the function raised {type(e).__name__}: {e}\n{tail}")
            continue
        standin._agent_end()
        if not cfg.has_metric:  # a grid/random sweep without a metric: the run is only recorded
            trial.set_user_attr("metrics", {k: v for k, v in seen["final"].items() if k != "final"})
            if runner._tell(trial, 0.0) is not None:
                runner._say(f"[run {trial.number}] COMPLETE (the sweep has no metric)")
            continue
        value = seen["final"].get(metric)
        if value is None:  # define_metric(metric, summary="max") left aggregates in the summary
            value = summary_aggregate(seen["final"], metric, cfg.goal)
        if value is None:
            value = seen["last"]
        if not isinstance(value, (int, float)) or value != value:
            runner._fail(trial, f"the run never logged a number for the metric {metric!r}: call "
                                f"wandb.log({{{metric!r}: value}})", errored=False)
            continue
        trial.set_user_attr("metrics", {k: v for k, v in seen["final"].items() if k != "final"})
        if runner._tell(trial, float(value)) is None:
            continue
        runner._say(f"[run {trial.number}] COMPLETE {metric}={float(value):.6g}")
        if cfg.target is not None and ((value >= cfg.target) if maximize else (value <= cfg.target)):
            runner._say(f"sweep stopped: run {trial.number} reached the target {metric}={cfg.target:g}")
            break
    if runner.stop_reason:
        runner._say(f"sweep stopped: {runner.stop_reason}")
