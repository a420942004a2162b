"""A Study object whose study another process deleted (s24 optuna_wild5, "Found, not fixed").

Before session 24's fix, on SQL storages, ``set_user_attr`` / ``set_system_attr`` /
``set_metric_names`` on such a Study returned without an error: the attribute went into a row of a
study that no longer exists, and nobody was told. In-memory storage (and Optuna's RDB storage)
raise. Now every storage raises ``StudyNotFoundError``; the check rides on the statement that
writes the attribute.
"""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, backend_url, unique
from tunewise.exceptions import StudyNotFoundError
from tunewise.storage import InMemoryStorage, SQLStorage


def _deleted(backend: str, tmp_path) -> tw.Study:
    url = backend_url(backend, tmp_path)
    storage = InMemoryStorage() if url is None else SQLStorage(url)
    name = unique("deleted-elsewhere")
    study = tw.create_study(study_name=name, storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    study.set_user_attr("before", 1)
    # Deleted through another handle on the same database (another process, say); in memory,
    # through the same storage object (there is no other handle).
    other = storage if url is None else SQLStorage(url)
    tw.delete_study(study_name=name, storage=other)
    return study


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("write", ["set_user_attr", "set_system_attr", "set_metric_names"])
def test_a_write_to_a_study_deleted_elsewhere_raises(backend, write, tmp_path):
    study = _deleted(backend, tmp_path)
    with pytest.raises(StudyNotFoundError, match="deleted"):
        if write == "set_metric_names":
            study.set_metric_names(["loss"])
        else:
            getattr(study, write)("after", 2)


@pytest.mark.parametrize("backend", BACKENDS)
def test_nothing_is_stored_for_a_study_deleted_elsewhere(backend, tmp_path):
    study = _deleted(backend, tmp_path)
    storage = study._storage
    with pytest.raises(StudyNotFoundError):
        study.set_user_attr("after", 2)
    if isinstance(storage, SQLStorage):  # no row is left behind for the deleted study's id
        rows = storage._run(lambda cur: cur.rows(storage._stmts.q_attrs, sid=study._study_id), False)
        assert rows == []


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("read", ["trials", "best_value", "best_params"])
def test_a_read_of_a_study_deleted_elsewhere_raises_once_the_storage_is_asked(backend, read, tmp_path):
    # Reads of SQL storages consult the database (for trials written since the last read): that
    # read now finds the study gone, instead of answering from this process's cache.
    study = _deleted(backend, tmp_path)
    with pytest.raises(StudyNotFoundError, match="deleted"):
        getattr(study, read)


# Session 26 (s25 left `directions` open): what a Study answers once its study was deleted
# elsewhere. Its name and directions are fixed when the study is created and need no storage, so
# they answer from the Study object, as ``study_name`` does. Every operation that asks the storage
# raises StudyNotFoundError naming the study. Before, the study's attributes (``user_attrs``,
# ``system_attrs``, and ``metric_names``, kept among them) answered {} / None on SQL storages: the
# attribute rows were deleted with the study, which looked like a study without attributes.
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("read", ["user_attrs", "system_attrs", "metric_names"])
def test_the_attributes_of_a_study_deleted_elsewhere_raise(backend, read, tmp_path):
    study = _deleted(backend, tmp_path)
    with pytest.raises(StudyNotFoundError, match="deleted"):
        getattr(study, read)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("use", ["ask", "optimize", "enqueue_trial", "trials", "user_attrs"])
def test_the_error_names_the_deleted_study(backend, use, tmp_path):
    study = _deleted(backend, tmp_path)
    assert study.directions == ["minimize"]  # fixed at creation: no storage asked
    with pytest.raises(StudyNotFoundError, match=f"study '{study.study_name}' .*deleted"):
        if use == "optimize":
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        elif use == "enqueue_trial":
            study.enqueue_trial({"x": 0.5})
        elif use == "ask":
            study.ask()
        else:
            getattr(study, use)


def test_a_study_without_attributes_is_not_taken_for_a_deleted_one(tmp_path):
    storage = SQLStorage(f"sqlite:///{tmp_path / 'a.db'}")
    study = tw.create_study(study_name=unique("no-attrs"), storage=storage)
    assert study.user_attrs == {}  # (a guard: no row of its own, and it exists)
