"""A study is never visible without its budget, heartbeat policy and metric (session 31's faults).

``create_study`` wrote the study's row, then each of those attributes in writes of their own. A
process killed in between (``faults_pg_create_kill.py --what study-open``: killed 60 ms into
``create_study`` on PostgreSQL) left a study with no attributes at all; a worker that loaded it
then ran without the study's ``max_trials``. Now they are stored in the study's own transaction.
The kill is played here by the first write after that step failing."""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.storage import SQLStorage


class _Killed(BaseException):
    pass


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_creator_killed_after_the_study_row_leaves_its_budget_policy_and_metric(backend, tmp_path, monkeypatch):
    url = backend_url(backend, tmp_path)
    name = unique("atomic")

    def killed(*args, **kwargs):
        raise _Killed

    monkeypatch.setattr(SQLStorage, "set_study_attr", killed)
    monkeypatch.setattr(SQLStorage, "set_study_attr_item", killed)
    with pytest.raises(_Killed):
        tw.create_study(study_name=name, storage=url, max_trials=5, heartbeat_interval=0.5, grace_period=2.0,
                        metric="loss")
    monkeypatch.undo()
    other = SQLStorage(url)  # another process, say
    attrs = other.get_study_attrs(other.get_study_id(name))
    assert attrs.get("max_trials") == 5  # before: {} (no attribute at all)
    assert attrs.get("heartbeat") == {"interval": 0.5, "grace": 2.0, "max_retries": 1}
    assert attrs.get("system", {}).get("metric") == "loss"
    study = tw.load_study(study_name=name, storage=url)
    study.optimize(lambda t: t.suggest_float("x", 0, 1))  # no n_trials: the stored budget ends it
    assert len(study.trials) == 5
    if backend != "sqlite":
        tw.delete_study(study_name=name, storage=url)


def test_create_study_with_attrs_refuses_a_duplicate_and_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    tw.create_study(study_name="s", storage=url, max_trials=3)
    with pytest.raises(tw.DuplicatedStudyError):
        tw.create_study(study_name="s", storage=url, max_trials=9)
    storage = SQLStorage(url)
    assert storage.get_study_attrs(storage.get_study_id("s"))["max_trials"] == 3
