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


def _other_process_view(study, backend):
    """The same study opened as another process would (its own Study and, on SQL, its own storage)."""
    if backend == "memory":
        return tw.load_study(study_name=study.study_name, storage=study._storage)
    return tw.load_study(study_name=study.study_name, storage=study.storage.url)


@pytest.mark.parametrize("backend", BACKENDS)
def test_tell_of_a_trial_told_meanwhile_by_another_process_raises_instead_of_dropping_the_value(backend, tmp_path):
    # The trial this process asked was told by another process (`tunewise tell`, a second
    # worker): this process's tell used to return the other result quietly, its own value dropped.
    study = tw.create_study(
        storage=backend_url(backend, tmp_path),
        study_name=unique("told-elsewhere"),
        sampler=tw.samplers.RandomSampler(seed=0),
    )
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    _other_process_view(study, backend).tell(trial.number, 4.0)
    with pytest.raises(ValueError, match=r"trial 0 of study .* is already COMPLETE with value 4\.0"):
        study.tell(trial, 5.0)
    assert study.tell(trial, 5.0, skip_if_finished=True).value == 4.0
    assert [(t.state, t.value) for t in study.trials] == [(tw.TrialState.COMPLETE, 4.0)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_optimize_warns_when_its_running_trial_was_told_by_another_process(backend, tmp_path, caplog):
    study = tw.create_study(
        storage=backend_url(backend, tmp_path),
        study_name=unique("told-elsewhere-opt"),
        sampler=tw.samplers.RandomSampler(seed=0),
    )
    other = _other_process_view(study, backend)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.flush()
        other.tell(trial.number, 4.0)
        return x

    study.optimize(objective, n_trials=1)
    assert [(t.state, t.value) for t in study.trials] == [(tw.TrialState.COMPLETE, 4.0)]
    assert any(
        "trial 0 finished COMPLETE" in r.getMessage()
        and "finished elsewhere" in r.getMessage()
        and "does not count" in r.getMessage()
        for r in caplog.records
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_name_with_a_lone_surrogate_is_refused_with_the_rule_on_every_storage(backend, tmp_path):
    # "a\udc80b" is what os.fsdecode() makes of an undecodable byte. Memory used to accept it and
    # SQLite/PostgreSQL to fail with UnicodeEncodeError ("'utf-8' codec can't encode..."), naming
    # neither the parameter nor the rule; a study that worked in memory broke on a database.
    url = backend_url(backend, tmp_path)
    with pytest.raises(ValueError, match=r"study name 'run-\\udc80' is not valid: it cannot be encoded as UTF-8"):
        tw.create_study(storage=url, study_name="run-\udc80")
    study = tw.create_study(storage=url, study_name=unique("surrogate"), sampler=tw.samplers.RandomSampler(seed=0))
    with pytest.raises(ValueError, match=r"parameter name 'a\\udc80b' is not valid: it cannot be encoded as UTF-8"):
        study.optimize(lambda t: t.suggest_float("a\udc80b", 0, 1), n_trials=1)
    assert [t.state for t in study.trials] == [tw.TrialState.FAIL]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_report_on_a_trial_finished_elsewhere_names_its_number_not_its_storage_id(backend, tmp_path):
    # SQL storages said "trial <storage id> is already COMPLETE" (on PostgreSQL an id such as
    # 53909 for the user's trial 3): the user's trial numbers are what they know.
    study = tw.create_study(
        storage=backend_url(backend, tmp_path),
        study_name=unique("report-told"),
        sampler=tw.samplers.RandomSampler(seed=0),
    )
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    _other_process_view(study, backend).tell(trial.number, 4.0)
    with pytest.raises(tw.exceptions.UpdateFinishedTrialError, match=r"^trial 2 of study .* is already COMPLETE"):
        trial.report(0.5, step=1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_tell_and_report_after_the_study_was_deleted_name_the_study(backend, tmp_path):
    # They raised KeyError("no trial with id 5 in <url>"): neither the study nor that it was deleted.
    url = backend_url(backend, tmp_path)
    name = unique("deleted-under-tell")
    study = tw.create_study(storage=url, study_name=name, sampler=tw.samplers.RandomSampler(seed=0))
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    tw.delete_study(study_name=name, storage=study._storage if backend == "memory" else url)
    with pytest.raises(tw.exceptions.StudyNotFoundError, match=rf"study '{name}' .*no longer exists"):
        trial.report(0.5, step=1)
    with pytest.raises(tw.exceptions.StudyNotFoundError, match=rf"study '{name}' .*no longer exists"):
        study.tell(trial, 1.0)
