"""Eighth batch of third-party W&B sweep setups run under W&B (offline) and under tunewise (session 28).

Session 27's harness (``../s27/wandb_wild7.py``, itself on sessions 26, 25, 23, 22 and 21's) is loaded as is and its
``SETUPS`` swapped for this batch's, from repositories named in no file under ``benchmarks/history`` or ``docs/``
(each ``owner/name`` checked with ``grep -rli``): a dict sweep whose ``values`` are Python tuples and whose
``wandb.init(config=...)`` defaults hold tuples too (kernel sizes), YAML sweeps whose program reads
``wandb.config`` attributes inside ``with wandb.init()``, a grid YAML with a ``value:`` constant, and a notebook that
runs two ``wandb.agent`` calls on the same sweep (``count=3`` then ``count=2``). The keys the brief lists that no
runnable setup used (nested ``parameters:``, ``constant``, ``q_normal`` / ``log_normal``, command variants,
hyperband ``min_iter`` / ``s`` / ``eta`` with ``maximize``, ``wandb.config.get`` defaults, ``wandb.run.summary``
writes) are in ``wandb_wild8_probe.py`` and ``wandb_wild8_runside.py``.

    H=benchmarks/history/s28/wandb_wild8.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode wandb --work /tmp/s28w8/wb --json /tmp/s28w8/wandb.json
    .venv/bin/python $H --mode tunewise --work /tmp/s28w8/wb --tunewise-src /tmp/s28w8/before/src \
        --json /tmp/s28w8/before.json
    .venv/bin/python $H --report /tmp/s28w8/wandb.json /tmp/s28w8/before.json /tmp/s28w8/after.json
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild_s27", HERE.parent / "s27" / "wandb_wild7.py")
assert _spec is not None and _spec.loader is not None
S27 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild_s27"] = S27
_spec.loader.exec_module(S27)
H = S27.H
Setup = H.Setup

NEW: dict[str, Any] = {
    # ---- tuple values in a dict sweep and in wandb.init(config=...) defaults ------------------------------
    "lr2002_tuple_values": Setup(
        "Lr-2002/test_wandb_sweep",
        "python",
        script="wandb_sweep_test.py",
        rev="30e269152e81ff35461998d79288754c8c5853d3",
        paths=("wandb_sweep_test.py",),
        patches={
            "wandb_sweep_test.py": [
                ("wandb.agent(sweep_id, train)", "wandb.agent(sweep_id, train, count=3)"),
                ("'values': [5, 10]", "'values': [1, 2]"),
            ]
        },
        data="torchvision MNIST -> digits (session 21's stand-in)",
        note="random dict sweep whose kernel_size values are tuples (3, 3) / (5, 5) / (7, 7) passed to nn.Conv2d; "
        "wandb.init(config=defaults with tuples kernel_size / pool_size, group=); wandb.config attributes; "
        "wandb.agent(sweep_id, train) without count (3 added: a random sweep never ends); epoch values 5/10 -> 1/2; "
        "metric 'accuracy' is never logged (it logs 'Validation Accuracy')",
    ),
    # ---- YAML random sweep, program reads wandb.config inside `with wandb.init()` -----------------------
    "bucisl_yaml_random": Setup(
        "bu-cisl/wandb_tutorial",
        "run",
        sweep="sweep.yaml",
        rev="0d309ab656a8c123a0da26855aba39220c038925",
        paths=("sweep.yaml", "sweep_train.py"),
        patches={"sweep_train.py": [("for epoch in range(10):", "for epoch in range(2):")]},
        data="torchvision MNIST -> digits",
        note="YAML random: learning_rate min/max (uniform from float bounds), batch_size values; program "
        "sweep_train.py: `with wandb.init():`, config = wandb.config, wandb.watch(model, log='all'), "
        "wandb.log per epoch (epoch, loss, accuracy); metric loss minimize; epochs 10 -> 2",
    ),
    # ---- YAML grid with a `value:` constant ----------------------------------------------------------
    "rayan_yaml_grid_value": Setup(
        "rayan-syed/wandb_sweep",
        "run",
        sweep="sweep.yaml",
        rev="b850f4ef03c7889241401ea58a2154f82239e7af",
        paths=("sweep.yaml", "sweep.py"),
        patches={"sweep.py": [("for epoch in range(10):", "for epoch in range(2):")]},
        data="torchvision MNIST -> digits",
        note="YAML grid: learning_rate `value: .0001` (a YAML float written `.0001`, with the old min/max left "
        "as comments), batch_size values [16, 32, 64] (3 grid points); program sweep.py: train(config=None) "
        "with `with wandb.init():`; epochs 10 -> 2",
    ),
    # ---- a notebook running two agents on one sweep ------------------------------------------------------
    "rsong_two_agents_notebook": Setup(
        "rsong9527/wandb-sweep",
        "python",
        script="harness_nb.py",
        notebook="sweep_sample.ipynb",
        rev="HEAD",
        paths=("sweep_sample.ipynb",),
        data="none (the loss is random.random())",
        note="notebook: random dict with `value: 5` epochs and two `values:` lists, wandb.init(project=) then "
        "wandb.config attributes, run.finish(); wandb.agent(sweep_id, function=train, count=3) then a second "
        "wandb.agent(sweep_id, function=train_with_settings, count=2) on the same sweep with "
        "wandb.init(settings=wandb.Settings()); unseeded random.random() losses",
    ),
}
# ---- run-side probes written here (wandb_wild8_runside/), served from a local bare repository -----------------
RUNSIDE = HERE / "wandb_wild8_runside"
PROBE_MIRRORS = Path("/tmp/s28w8/mirrors")
NEW.update(
    {
        "probe_config_access": Setup(
            "probe/runside",
            "python",
            script="config_access.py",
            paths=("config_access.py",),
            data="none",
            note="written here: nested parameters + constant + q_normal + value None in a dict for wandb.sweep; "
            "wandb.init(config=nested defaults with a key the sweep does not set, a tuple); attribute / item / "
            ".get reads; the metric (maximize) only in wandb.run.summary; run.summary.update",
        ),
        "probe_hyperband_maximize": Setup(
            "probe/runside",
            "run",
            sweep="hyperband_maximize.yaml",
            count=4,
            paths=("hyperband_maximize.yaml", "hyperband_train.py"),
            data="none",
            note="written here: grid over a nested parameter, hyperband min_iter 1 eta 2 with goal maximize, command "
            "[${interpreter}, ${program}, ${args}] (no ${env}), val_acc logged once per epoch",
        ),
    }
)


def _runside_mirror() -> None:
    """A bare repository holding wandb_wild8_runside/ at one commit (the harness archives from mirrors)."""
    repo = PROBE_MIRRORS / "probe+runside" / "repo"
    if repo.exists():
        H.shutil.rmtree(repo)
    repo.mkdir(parents=True)
    run = H.subprocess.run
    run(["git", "init", "-q", "--bare", str(repo)], check=True)
    env = dict(H.os.environ, GIT_DIR=str(repo), GIT_WORK_TREE=str(RUNSIDE), GIT_AUTHOR_NAME="s28",
               GIT_AUTHOR_EMAIL="s28@localhost", GIT_COMMITTER_NAME="s28", GIT_COMMITTER_EMAIL="s28@localhost",
               GIT_AUTHOR_DATE="2026-12-07T12:00:00Z", GIT_COMMITTER_DATE="2026-12-07T12:00:00Z")
    run(["git", "add", "-A", "."], check=True, env=env, cwd=RUNSIDE)
    run(["git", "commit", "-q", "-m", "s28 run-side probes"], check=True, env=env, cwd=RUNSIDE)


_prepare27 = H.prepare
_git27 = H.git


def _prepare(name: str, setup: Any, work: Path) -> Path:
    if not setup.repo.startswith("probe/"):
        return _prepare27(name, setup, work)
    mirrors, H.MIRRORS = H.MIRRORS, PROBE_MIRRORS
    try:
        return _prepare27(name, setup, work)
    finally:
        H.MIRRORS = mirrors


def _git(repo: str, *args: str) -> str:
    if not repo.startswith("probe/"):
        return _git27(repo, *args)
    return H.subprocess.run(["git", "--git-dir", str(PROBE_MIRRORS / repo.replace("/", "+") / "repo"), *args],
                            capture_output=True, text=True, check=True).stdout


H.prepare = _prepare
H.git = _git
H.SETUPS.clear()
H.SETUPS.update(NEW)

if __name__ == "__main__":
    _runside_mirror()
    H.main()
