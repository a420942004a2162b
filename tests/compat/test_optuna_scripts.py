"""Optuna's own example scripts run under tunewise with only the import changed.

The scripts in ``optuna_scripts/`` are Optuna's (see its README; stored as ``.py.txt`` so that
pytest's doctest collection and ruff leave them alone); each test replaces
``import optuna`` with ``import tunewise as optuna`` (and ``from optuna.x`` with
``from tunewise.x``), shrinks the budget, runs the script as ``__main__`` and checks what it
produced. Nothing else in the scripts changes.
"""

from __future__ import annotations

import pathlib
import re
from typing import Any

import numpy as np
import pytest

import tunewise as tw

pytest.importorskip("sklearn")

SCRIPTS = pathlib.Path(__file__).parent / "optuna_scripts"


def _as_tunewise(source: str) -> str:
    out = re.sub(r"^import optuna$", "import tunewise as optuna", source, flags=re.M)
    out = re.sub(r"^from optuna\.", "from tunewise.", out, flags=re.M)
    assert "import tunewise as optuna" in out
    return out


def _run(name: str, budgets: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], str]:
    source = (SCRIPTS / f"{name}.txt").read_text()
    for old, new in budgets.items():
        assert old in source, f"{name} no longer contains {old!r}"
        source = source.replace(old, new)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    np.random.seed(0)  # the scripts split data with numpy's global generator
    exec(compile(_as_tunewise(source), str(SCRIPTS / name), "exec"), namespace)
    return namespace, capsys.readouterr().out


@pytest.mark.slow
def test_pruning_example_prunes_with_the_default_pruner(capsys: pytest.CaptureFixture[str]) -> None:
    """Optuna's basic/pruning.py calls should_prune() without giving a pruner: Optuna's default,
    the median rule, prunes most trials after the first 5 COMPLETE ones (it pruned 0 before)."""
    ns, out = _run("pruning.py", {"n_trials=100": "n_trials=20"}, capsys)
    study = ns["study"]
    assert isinstance(study, tw.Study)
    pruned = study.get_trials(states=[tw.TrialState.PRUNED])
    assert len(study.trials) == 20
    # Measured with 60 trials: 37-40 pruned (Optuna 5.1: 42-48), three seeds; here 15 trials follow startup.
    assert len(pruned) >= 5
    assert f"Number of pruned trials:  {len(pruned)}" in out
    assert study.best_trial.value > 0.5


@pytest.mark.slow
def test_sklearn_simple_example(capsys: pytest.CaptureFixture[str]) -> None:
    ns, out = _run("sklearn_simple.py", {"n_trials=100": "n_trials=4"}, capsys)
    study = ns["study"]
    assert len(study.get_trials(states=(tw.TrialState.COMPLETE,))) == 4
    assert study.best_value > 0.5
    assert f"FrozenTrial(number={study.best_trial.number}" in out  # print(study.best_trial)


def test_quadratic_example_resumes_and_stops_at_the_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    ns, out = _run("quadratic.py", {"timeout=2.0": "timeout=0.2"}, capsys)
    study = ns["study"]
    assert len(study.trials) >= 30  # 10, then 20 more, then what 0.2 s allow
    assert out.count("Best value: ") == 3
    assert study.best_value <= min(t.value for t in study.trials[:30])


def test_ask_and_tell_tutorial_with_hyperband_pruner(capsys: pytest.CaptureFixture[str]) -> None:
    ns, _ = _run("ask_and_tell_pruning.py", {}, capsys)
    study = ns["study"]
    states = [t.state for t in study.trials]
    assert len(states) == 12 and set(states) <= {tw.TrialState.COMPLETE, tw.TrialState.PRUNED}
    assert isinstance(study.scheduler, tw.schedulers.HyperbandScheduler) or \
        type(study.scheduler).__name__ == "HyperbandPruner"
    assert states.count(tw.TrialState.COMPLETE) >= 1
