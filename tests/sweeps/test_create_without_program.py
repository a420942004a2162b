"""A W&B sweep file without `program`, created with `wandb sweep FILE` and run by a script's
`wandb.agent(id, function=...)` (CUNY-CL/yoyodyne's examples/wandb_sweeps/configs/grid.yaml, s31's
third-party batch 11): W&B's validator takes the file; tunewise refused it ("program is required"), and
had no command that stores a sweep without running it. Now `tunewise sweep create FILE` stores it and
prints its id, and `tunewise sweep python SCRIPT` runs the script's function agent on it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tunewise as tw
from tunewise.sweeps import SweepConfig
from tunewise.sweeps._config import SweepConfigError

GRID = textwrap.dedent("""\
    method: random
    seed: 0
    metric:
      name: val_accuracy
      goal: maximize
    parameters:
      model.class_path:
        value: pkg.models.LSTMModel
      model.init_args.decoder_dropout:
        distribution: uniform
        min: 0
        max: 0.5
      model.init_args.decoder_layers:
        values: [1, 2]
      data.batch_size:
        distribution: q_uniform
        q: 16
        min: 16
        max: 512
""")

SCRIPT = textwrap.dedent('''
    import argparse
    import wandb

    parser = argparse.ArgumentParser()
    parser.add_argument("--sweep_id")
    args = parser.parse_args()

    def train():
        wandb.init()
        cfg = wandb.config
        assert cfg["model.class_path"] == "pkg.models.LSTMModel"
        assert cfg["data.batch_size"] % 16 == 0
        wandb.log({"val_accuracy": 0.5 + 0.1 * cfg["model.init_args.decoder_layers"]})

    wandb.agent(args.sweep_id, function=train, count=3)
''')


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tunewise", "sweep", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_a_file_without_program_is_still_refused_where_a_program_must_start(tmp_path: Path) -> None:
    (tmp_path / "grid.yaml").write_text(GRID)
    with pytest.raises(SweepConfigError, match="program is required.*tunewise sweep create"):
        SweepConfig.from_file(tmp_path / "grid.yaml")
    config = SweepConfig.from_file(tmp_path / "grid.yaml", require_program=False)
    assert config.program is None and config.method == "random"


def test_create_then_function_agent_runs_the_stored_sweep(tmp_path: Path) -> None:
    (tmp_path / "grid.yaml").write_text(GRID)
    (tmp_path / "train_sweep.py").write_text(SCRIPT)
    storage = f"sqlite:///{tmp_path / 'sweeps.db'}"
    created = _cli("create", "grid.yaml", "--storage", storage, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    sweep_id = created.stdout.strip()
    assert sweep_id == "grid"  # the file's stem, as `tunewise sweep run` names it
    assert len(tw.load_study(sweep_id, storage).trials) == 0  # stored, nothing run

    ran = _cli("python", "--storage", storage, "train_sweep.py", "--sweep_id", sweep_id, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    study = tw.load_study(sweep_id, storage)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE] * 3
    assert {t.value for t in study.trials} <= {0.6, 0.7}
    assert all(t.params["data.batch_size"] % 16 == 0 for t in study.trials)


def test_agent_command_says_why_it_cannot_run_a_sweep_without_program(tmp_path: Path) -> None:
    (tmp_path / "grid.yaml").write_text(GRID)
    storage = f"sqlite:///{tmp_path / 'sweeps.db'}"
    assert _cli("create", "grid.yaml", "--storage", storage, cwd=tmp_path).returncode == 0
    agent = _cli("agent", "grid", "--storage", storage, cwd=tmp_path)
    assert agent.returncode != 0
    assert "has no program to start" in agent.stderr and "tunewise sweep python" in agent.stderr
