"""``study.optimize(..., show_progress_bar=True)`` prints the trial lines with ``tqdm.write`` while
the bar is shown, as Optuna's does: above the bar, on stdout (a script's ``> log.txt`` keeps them;
s29 third-party batch 9, Feeek's ``optimize(show_progress_bar=True)``). Before, tunewise's own
handler wrote them to stderr through the bar. Afterwards the handlers are as they were."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

import tunewise as tw

pytest.importorskip("tqdm")


def _objective(trial: tw.Trial) -> float:
    return trial.suggest_float("x", 0, 1)


@pytest.fixture(autouse=True)
def _info_verbosity() -> Iterator[None]:
    """tunewise's default logging (INFO, its handler on), whatever earlier tests in this process left."""
    verbosity = tw.logging.get_verbosity()
    tw.logging.set_verbosity(tw.logging.INFO)
    tw.logging.enable_default_handler()
    yield
    tw.logging.set_verbosity(verbosity)


def test_trial_lines_go_through_tqdm_write_while_the_bar_is_shown(capsys: pytest.CaptureFixture[str]) -> None:
    logger = logging.getLogger("tunewise")
    handlers = list(logger.handlers)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=2, show_progress_bar=True)
    out, err = capsys.readouterr()
    assert "Trial 1 finished with value" in out
    assert "Trial 1 finished" not in err and "2/2" in err  # the bar itself stays on stderr
    assert list(logger.handlers) == handlers


def test_a_disabled_default_handler_stays_disabled(capsys: pytest.CaptureFixture[str]) -> None:
    logger = logging.getLogger("tunewise")
    tw.logging.disable_default_handler()
    try:
        handlers = list(logger.handlers)
        study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
        study.optimize(_objective, n_trials=2, show_progress_bar=True)
        out, err = capsys.readouterr()
        assert "finished with value" not in out + err  # the user silenced tunewise: the bar does not undo it
        assert list(logger.handlers) == handlers
    finally:
        tw.logging.enable_default_handler()
