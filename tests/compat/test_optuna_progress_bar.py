"""``from optuna.progress_bar import _ProgressBar`` (Optuna's module path; optuna-distributed imports it)."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

import tunewise as tw
from tunewise.progress_bar import _ProgressBar


def _study() -> tw.Study:
    return tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))


def test_bar_of_n_trials_shows_the_best_trial_and_routes_log_lines_through_tqdm(capsys, caplog) -> None:
    caplog.set_level(logging.INFO, logger="tunewise")
    study = _study()
    logger = tw.logging.get_logger("tunewise")
    handlers = list(logger.handlers)
    bar = _ProgressBar(is_valid=True, n_trials=3)
    assert any(type(h).__name__ == "_TqdmLoggingHandler" for h in logger.handlers)
    for _ in range(3):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        bar.update(elapsed_seconds=0.5, study=study)
    assert bar._bar.n == 3
    assert bar._bar.desc == f"Best trial: {study.best_trial.number}. Best value: {study.best_value:.6g}: "
    bar.close()
    assert list(logger.handlers) == handlers  # the default handler is back, the tqdm one gone
    out, err = capsys.readouterr()
    assert "3/3" in err and "Trial 2 finished with value" in out  # tqdm.write prints to stdout, as in Optuna


def test_bar_of_a_timeout_advances_by_the_elapsed_seconds_clipped_at_the_timeout() -> None:
    bar = _ProgressBar(is_valid=True, timeout=10.0)
    study = _study()
    bar.update(4.0, study)  # no trial yet: no best value, no error
    bar.update(12.0, study)
    assert bar._bar.n == pytest.approx(10.0)
    bar.close()


def test_nothing_is_shown_without_a_budget_or_when_not_valid(capsys) -> None:
    with pytest.warns(UserWarning, match="n_trials and timeout are None"):
        bar = _ProgressBar(is_valid=True)
    bar.update(1.0, _study())
    bar.close()
    _ProgressBar(is_valid=False, n_trials=2).close()
    assert "it/s" not in capsys.readouterr().err


def test_module_is_an_attribute_of_the_package_as_in_optuna() -> None:
    """``optuna.progress_bar`` without importing it first (a fresh interpreter: no test imported it)."""
    code = "import tunewise as optuna; print(optuna.progress_bar._ProgressBar.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "_ProgressBar", out.stderr
