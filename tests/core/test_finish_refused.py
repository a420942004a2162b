"""A trial finished elsewhere while this process runs it (`tunewise tell` on it, tell() in another
process): the storage refuses this process's report or finish, the stored result stays, and
optimize() goes on with its budget (s29; before, a refused report ended optimize() on the error)."""

from __future__ import annotations

import logging

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, backend_url, unique


def _other_process_view(study, backend):
    """The same study opened as another process would (its own Study and, on SQL, its own storage)."""
    if backend == "memory":
        return tw.load_study(study_name=study.study_name, storage=study._storage)
    return tw.load_study(study_name=study.study_name, storage=study.storage.url)


@pytest.mark.parametrize("backend", BACKENDS)
def test_optimize_goes_on_when_a_report_of_its_trial_told_elsewhere_is_refused(backend, tmp_path, caplog):
    study = tw.create_study(
        storage=backend_url(backend, tmp_path),
        study_name=unique("told-then-report"),
        sampler=tw.samplers.RandomSampler(seed=0),
    )
    other = _other_process_view(study, backend)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.report(x, step=0)
        if trial.number == 1:
            other.tell(trial.number, 4.0)
            trial.report(x, step=1)  # refused: the trial is COMPLETE in the storage
            raise AssertionError("the refused report should have stopped this run")
        return x

    with caplog.at_level(logging.WARNING, logger="tunewise"):
        study.optimize(objective, n_trials=3)
    trials = study.trials
    assert [(t.number, t.state) for t in trials] == [(n, tw.TrialState.COMPLETE) for n in range(3)]
    assert trials[1].value == 4.0 and trials[0].value == trials[0].params["x"]
    assert any(
        "trial 1 was finished elsewhere meanwhile (COMPLETE with values [4.0]" in r.getMessage()
        and "stopped at its report" in r.getMessage()
        for r in caplog.records
    )
