"""Hostile input from user code (session 28): it gets an error that names the problem where it is
given, and no trial is left RUNNING or loses its result because of it."""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, backend_url, unique

BAD_KEYS = ["a\x00b", "k" * 600]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("key", BAD_KEYS, ids=["nul", "600-chars"])
def test_a_bad_user_attribute_key_fails_its_trial_instead_of_leaving_it_running(backend, key, tmp_path):
    # The key used to be checked only by the storage's write of the finished trial: that write
    # failed, the objective's result was lost and the trial stayed RUNNING for good.
    study = tw.create_study(
        storage=backend_url(backend, tmp_path),
        study_name=unique("bad-attr-key"),
        sampler=tw.samplers.RandomSampler(seed=0),
    )

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.set_user_attr(key, 1)
        return x

    with pytest.raises(ValueError, match="user attribute key .* is not valid"):
        study.optimize(objective, n_trials=1)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert [t.state for t in study.trials] == [tw.TrialState.FAIL, tw.TrialState.COMPLETE]
    assert "user attribute key" in study.trials[0].system_attrs["fail_reason"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_ask_tell_a_bad_user_attribute_key_is_refused_and_the_trial_can_still_be_told(backend, tmp_path):
    study = tw.create_study(
        storage=backend_url(backend, tmp_path),
        study_name=unique("bad-attr-key-ask"),
        sampler=tw.samplers.RandomSampler(seed=0),
    )
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    with pytest.raises(ValueError, match="contains a NUL character"):
        trial.set_user_attr("a\x00b", 1)
    trial.set_user_attr("good", 2)
    assert study.tell(trial, 0.5).state == tw.TrialState.COMPLETE
    assert study.trials[0].user_attrs == {"good": 2} and study.trials[0].value == 0.5
