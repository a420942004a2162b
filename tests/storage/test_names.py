"""Names follow one rule on every storage: at most 512 characters, no NUL (what PostgreSQL stores).

A name SQLite or memory accepted and PostgreSQL rejected (with a raw driver error) made a study
break the day it moved to PostgreSQL; now every storage rejects it alike, at the boundary, with a
ValueError that names the name and the rule.
"""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, backend_url, unique
from tunewise import distributions as D
from tunewise.storage import InMemoryStorage, get_storage
from tunewise.trial import TrialState

MAX_NAME_LENGTH = 512  # the width of the SQL schema's name columns

NUL_RULE = (r"it contains a NUL character \('\\x00'\); names are non-empty strings of at most 512 characters "
            r"without NUL, on every storage \(PostgreSQL cannot store NUL\)")
LONG_RULE = r"it is 513 characters long; names are non-empty strings of at most 512 characters without NUL"
KEY_NUL_RULE = r"it contains a NUL character \('\\x00'\); keys are strings of at most 512 characters without NUL"


@pytest.fixture(params=BACKENDS)
def storage(request, tmp_path):
    url = backend_url(request.param, tmp_path)
    s = InMemoryStorage() if url is None else get_storage(url)
    yield s
    s.close()


def _long(prefix: str, length: int) -> str:
    return prefix + "x" * (length - len(prefix) - 8) + unique("")[1:]  # unique: PostgreSQL is shared


def test_study_names_with_nul_or_over_512_characters_are_refused_alike(storage):
    name = unique("a\x00b")
    with pytest.raises(ValueError, match=rf"^study name 'a\\x00b-\w+' is not valid: {NUL_RULE}$"):
        storage.create_study(name, ["minimize"])
    with pytest.raises(ValueError, match=NUL_RULE):
        storage.get_study_id(name)  # a lookup too: PostgreSQL cannot even compare it
    long = _long("s", MAX_NAME_LENGTH + 1)
    shown = rf"'s{'x' * 39}'\.\.\. \(513 characters\)"
    with pytest.raises(ValueError, match=rf"^study name {shown} is not valid: {LONG_RULE}"):
        storage.create_study(long, ["minimize"])
    assert [s.name for s in storage.get_all_studies() if s.name in (name, long)] == []
    # 512 characters is the limit, kept by every storage (PostgreSQL's column holds exactly that).
    ok = _long("s", MAX_NAME_LENGTH)
    sid = storage.create_study(ok, ["minimize"])
    assert storage.get_study_id(ok) == sid


def test_the_public_api_refuses_them_with_the_same_message(storage):
    with pytest.raises(ValueError, match=rf"study name 'bad\\x00' is not valid: {NUL_RULE}"):
        tw.create_study(name="bad\x00", storage=storage)
    study = tw.create_study(name=unique("s"), storage=storage)
    with pytest.raises(ValueError, match=rf"study user attribute key 'k\\x00' is not valid: {KEY_NUL_RULE}"):
        study.set_user_attr("k\x00", 1)
    assert study.user_attrs == {}
    trial = study.ask()
    with pytest.raises(ValueError, match=rf"parameter name 'lr\\x00' is not valid: {NUL_RULE}"):
        trial.suggest_float("lr\x00", 0, 1)
    with pytest.raises(ValueError, match=rf"parameter name '{'p' * 40}'\.\.\. \(513 characters\) is not valid"):
        trial.suggest_float("p" * 513, 0, 1)
    assert trial.suggest_float("p" * 512, 0, 1) >= 0  # the longest name there is, on every storage
    study.tell(trial, 1.0)
    assert study.trials[0].state == TrialState.COMPLETE
    assert list(study.trials[0].params) == ["p" * 512]


def test_parameter_names_and_attribute_keys_are_checked_where_they_enter(storage):
    sid = storage.create_study(unique("s"), ["minimize"])
    with pytest.raises(ValueError, match=rf"parameter name 'x\\x00' is not valid: {NUL_RULE}"):
        storage.add_distribution(sid, "x\x00", D.Float(0, 1))
    with pytest.raises(ValueError, match=rf"parameter name 'x\\x00' is not valid: {NUL_RULE}"):
        storage.enqueue_trial(sid, {"x\x00": 0.5})
    with pytest.raises(ValueError, match=rf"user attribute key 'u\\x00' is not valid: {KEY_NUL_RULE}"):
        storage.enqueue_trial(sid, {}, user_attrs={"u\x00": 1})
    t = storage.start_trial(sid)
    with pytest.raises(ValueError, match=rf"user attribute key 'u\\x00' is not valid: {KEY_NUL_RULE}"):
        storage.update_trial(t.trial_id, user_attrs={"u\x00": 1})
    with pytest.raises(ValueError, match=rf"system attribute key 's{'x' * 39}'\.\.\. \(600 characters\)"):
        storage.finish_trial(t.trial_id, TrialState.COMPLETE, [1.0], system_attrs={"s" + "x" * 599: 1})
    with pytest.raises(ValueError, match=rf"parameter name 'p\\x00' is not valid: {NUL_RULE}"):
        storage.finish_trial(t.trial_id, TrialState.COMPLETE, [1.0], params={"p\x00": 1})
    with pytest.raises(ValueError, match=rf"study attribute key 'k\\x00' is not valid: {KEY_NUL_RULE}"):
        storage.set_study_attr(sid, "k\x00", 1)
    with pytest.raises(ValueError, match=rf"claim key 'c\\x00' is not valid: {KEY_NUL_RULE}"):
        storage.try_claim(sid, "c\x00")
    # Nothing was half-written: the trial is still RUNNING and can finish normally.
    assert storage.get_trial(t.trial_id).state == TrialState.RUNNING
    assert storage.finish_trial(t.trial_id, TrialState.COMPLETE, [1.0], user_attrs={"u": 1})
    assert [x.state for x in storage.get_trials(sid)] == [TrialState.COMPLETE]


def test_string_values_with_nul_are_stored_alike(storage):
    # Values are JSON text (NUL escaped as \u0000), which every storage keeps as it is.
    sid = storage.create_study(unique("s"), ["minimize"])
    choices = ("a\x00b", "c")
    storage.add_distribution(sid, "c", D.Categorical(choices))
    storage.set_study_attr(sid, "user", {"note": "x\x00y"})
    t = storage.start_trial(sid)
    assert storage.finish_trial(t.trial_id, TrialState.COMPLETE, [1.0], params={"c": "a\x00b"},
                                user_attrs={"u": "v\x00w"}, system_attrs={"s": ["\x00"]})
    [done] = storage.get_trials(sid)
    assert (done.params, done.user_attrs, done.system_attrs) == ({"c": "a\x00b"}, {"u": "v\x00w"}, {"s": ["\x00"]})
    assert storage.get_study_attrs(sid) == {"user": {"note": "x\x00y"}}
    assert storage.get_distributions(sid)["c"] == D.Categorical(choices)
