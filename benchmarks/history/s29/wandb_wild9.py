"""Ninth batch of third-party W&B sweep setups run under W&B (offline) and under tunewise (session 29).

Session 28's harness (``../s28/wandb_wild8.py``, on sessions 27, 26, 25, 23, 22 and 21's) is loaded as is and its
``SETUPS`` swapped for this batch's: three scikit-learn sweeps from a repository named in no file under
``benchmarks/history`` or ``docs/`` (checked with ``grep -rli``): a grid dict whose ``values`` hold ``None`` run by
``wandb.agent(sweep_id, function=train, count=5)``, a YAML file loaded into a dict in Python and passed to
``wandb.sweep(sweep=..., project=...)``, and the same with argparse (``--count``, ``--sweep_file``) and the project
from an environment variable. The keys the brief lists that no runnable setup used are in run-side probes written
here (``wandb_wild9_runside/``): ``wandb.agent(..., count=3, project=, entity=)`` with ``config.update(...,
allow_val_change=True)`` on swept and program keys, a program key changed without it, ``run.log(step=i,
commit=False)``; ``method: bayes`` + ``goal: maximize`` + ``early_terminate`` with an argparse program that never
reads ``wandb.config``; one grid point of awkward values passed by ``${args}``, ``${args_no_boolean_flags}``,
``${args_json}`` and ``${args_no_hyphens}``.

    H=benchmarks/history/s29/wandb_wild9.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode wandb --work /tmp/s29w9/wb --json /tmp/s29w9/wandb.json
    .venv/bin/python $H --mode tunewise --work /tmp/s29w9/wb --tunewise-src /tmp/s29w9/before/src \
        --json /tmp/s29w9/before.json
    .venv/bin/python $H --report /tmp/s29w9/wandb.json /tmp/s29w9/before.json /tmp/s29w9/after.json
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild_s28", HERE.parent / "s28" / "wandb_wild8.py")
assert _spec is not None and _spec.loader is not None
S28 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild_s28"] = S28
_spec.loader.exec_module(S28)
H = S28.H
Setup = H.Setup

VP = "visakhpadmanabhan7/mlops"
VP_REV = "8458f96599777ff6a663741c6dbc64be898b04e2"
VP_DIR = "06_weights_biases"

NEW: dict[str, Any] = {
    "vp_iris_grid_none": Setup(
        VP,
        "python",
        script="train_wandb.py",
        cwd=VP_DIR,
        rev=VP_REV,
        paths=(f"{VP_DIR}/train_wandb.py",),
        data="none (load_iris)",
        note="grid dict (n_estimators 3 values x max_depth [3, 5, None]), goal maximize, wandb.sweep(config, "
        "project=) at import, a bare wandb.init() in the function, wandb.config attributes into "
        "RandomForestClassifier, wandb.agent(sweep_id, function=train, count=5); no wandb.finish()",
    ),
    "vp_wine_yaml_dict": Setup(
        VP,
        "python",
        script="train_wine.py",
        cwd=VP_DIR,
        rev=VP_REV,
        paths=(f"{VP_DIR}/train_wine.py", f"{VP_DIR}/sweep.yaml"),
        patches={f"{VP_DIR}/train_wine.py": [("count=20", "count=3")]},
        data="none (load_wine)",
        note="sweep.yaml (random; values with null; no program key) read with yaml.safe_load and passed to "
        "wandb.sweep(sweep=..., project=); wandb.init(project=) per run, four metrics logged in one call; "
        "n_jobs=-1 forests; count 20 -> 3",
    ),
    "vp_wine_argparse_env_project": Setup(
        VP,
        "python",
        script="train_wine_custom.py",
        cwd=VP_DIR,
        rev=VP_REV,
        args=("--dataset", "iris", "--count", "3", "--sweep_file", "sweep.yaml"),
        paths=(f"{VP_DIR}/train_wine_custom.py", f"{VP_DIR}/sweep.yaml"),
        data="none (load_iris / load_wine)",
        note="argparse (--dataset, --count, --sweep_file) as the repository's GitHub workflow calls it, the "
        "project from os.getenv('WANDB_PROJECT', ...), the sweep YAML loaded in Python, train() reads the "
        "module-level args; --count 3 (the workflow passes its own)",
    ),
}
RUNSIDE = HERE / "wandb_wild9_runside"
PROBE_MIRRORS = Path("/tmp/s29w9/mirrors")
_probe = dict(paths=(".",), data="none")
NEW.update(
    {
        "probe_config_update": Setup(
            "probe/runside", "python", script="config_update.py", **_probe,
            note="written here: bayes dict; wandb.agent(count=3, project=, entity=); config.update with and "
            "without allow_val_change on swept / program keys, attribute and item writes, a Namespace; "
            "run.log(step=i, commit=False) then run.log(step=i); summary after an unstepped log",
        ),
        "probe_bayes_hyperband_argparse": Setup(
            "probe/runside", "run", sweep="bayes_hyperband.yaml", count=3, **_probe,
            note="written here: method bayes, goal maximize, early_terminate hyperband (min_iter 1, eta 2), "
            "log_uniform_values / int_uniform / uniform, command [${env}, ${interpreter}, ${program}, ${args}], "
            "an argparse program with wandb.init(config=args)",
        ),
    }
)
for _cmd in ("args", "args_no_boolean_flags", "args_json", "args_no_hyphens"):
    NEW[f"probe_argv_{_cmd}"] = Setup(
        "probe/runside", "run", sweep=f"argv_{_cmd}.yaml", count=1, **_probe,
        note=f"written here: one grid point of awkward values (1e-05, 1.0, true, false, null, [8, 16], 'a b', "
        f"nested model.depth) passed by ${{{_cmd}}} to a program that prints its argv",
    )


def _runside_mirror() -> None:
    """A bare repository holding wandb_wild9_runside/ at one commit (the harness archives from mirrors)."""
    repo = PROBE_MIRRORS / "probe+runside" / "repo"
    if repo.exists():
        H.shutil.rmtree(repo)
    repo.mkdir(parents=True)
    run = H.subprocess.run
    run(["git", "init", "-q", "--bare", str(repo)], check=True)
    env = dict(H.os.environ, GIT_DIR=str(repo), GIT_WORK_TREE=str(RUNSIDE), GIT_AUTHOR_NAME="s29",
               GIT_AUTHOR_EMAIL="s29@localhost", GIT_COMMITTER_NAME="s29", GIT_COMMITTER_EMAIL="s29@localhost",
               GIT_AUTHOR_DATE="2026-12-07T12:00:00Z", GIT_COMMITTER_DATE="2026-12-07T12:00:00Z")
    run(["git", "add", "-A", "."], check=True, env=env, cwd=RUNSIDE)
    run(["git", "commit", "-q", "-m", "s29 run-side probes"], check=True, env=env, cwd=RUNSIDE)


# W&B's agent writes a run's parameter file in the order of the run's config (wandb_agent.py: config_util.
# save_config_file_from_dict, yaml.dump(..., sort_keys=False)); the inherited harness wrote it with yaml.safe_dump,
# which sorts the keys, so wandb.config's order under W&B offline was the harness's. Both writers keep the order now
# (W&B mode only; the values are the same).
H.SITECUSTOMIZE = H.SITECUSTOMIZE.replace("yaml.safe_dump(values, f)", "yaml.safe_dump(values, f, sort_keys=False)")
assert "sort_keys=False" in H.SITECUSTOMIZE
import yaml as _yaml  # noqa: E402

_safe_dump = _yaml.safe_dump


def _safe_dump_in_order(data: Any, stream: Any = None, **kw: Any) -> Any:
    return _safe_dump(data, stream, **{"sort_keys": False, **kw})


_yaml.safe_dump = _safe_dump_in_order

S28.RUNSIDE = RUNSIDE
S28.PROBE_MIRRORS = PROBE_MIRRORS
S28._runside_mirror = _runside_mirror
H.SETUPS.clear()
H.SETUPS.update(NEW)

if __name__ == "__main__":
    _runside_mirror()
    H.main()
