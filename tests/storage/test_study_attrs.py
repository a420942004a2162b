"""Study user/system attributes: each set_user_attr / set_system_attr writes one key atomically.

Until issue 17 a call read every attribute and wrote them all back, so two workers setting
different keys at the same time lost each other's. Every storage now merges one item in place
(``BaseStorage.set_study_attr_item``); the stored layout is unchanged (one JSON dict per study
attribute "user" / "system"), so databases written before read the same, and every key set by
an older release is kept.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.storage import InMemoryStorage, get_storage

N_KEYS = 50


def _set_keys(url: str, name: str, worker: str, step: Any) -> None:
    study = tw.load_study(name, url)
    for i in range(N_KEYS):
        step.wait(30)  # both workers set their i-th keys at the same moment
        study.set_user_attr(f"{worker}-{i}", i)
        study.set_system_attr(f"{worker}-{i}", [worker, i])
    study.storage.close()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_two_processes_setting_different_keys_lose_none(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    name = unique("attrs")
    study = tw.create_study(name=name, storage=url)
    study.set_user_attr("before", "kept")
    system_before = study.system_attrs  # what create_study records (the sampler's settings)
    study.storage.close()
    ctx = multiprocessing.get_context("fork")
    step = ctx.Barrier(2)
    workers = [ctx.Process(target=_set_keys, args=(url, name, w, step)) for w in ("a", "b")]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
        assert p.exitcode == 0
    study = tw.load_study(name, url)
    expected = {f"{w}-{i}": i for w in ("a", "b") for i in range(N_KEYS)}
    assert study.user_attrs == {"before": "kept", **expected}
    assert study.system_attrs == {**system_before, **{f"{w}-{i}": [w, i] for w in ("a", "b") for i in range(N_KEYS)}}


@pytest.mark.parametrize("backend", ["memory", *SQL_BACKENDS])
def test_results_are_as_before_and_a_dict_written_whole_is_merged(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    storage = InMemoryStorage() if url is None else get_storage(url)
    study = tw.create_study(name=unique("attrs"), storage=storage)
    assert study.user_attrs == {}
    system_before = study.system_attrs  # what create_study records (the sampler's settings)
    # How every release before wrote them (and still may, e.g. an older worker): the whole dict.
    storage.set_study_attr(study._study_id, "user", {"old": 1, "nan": float("nan"), "nested": {"a": [1, None]}})
    study.set_user_attr("new", "x")
    study.set_user_attr("old", 2)  # replaced in place, keeping the order of the keys
    study.set_user_attr(5, "five")  # type: ignore[arg-type]  # a JSON key, as before
    attrs = study.user_attrs
    assert list(attrs) == ["old", "nan", "nested", "new", "5"]
    assert attrs["old"] == 2 and attrs["nan"] != attrs["nan"] and attrs["nested"] == {"a": [1, None]}
    assert attrs["new"] == "x" and attrs["5"] == "five"
    assert study.system_attrs == system_before
    study.set_system_attr("s", {"k": 1})
    assert storage.get_study_attrs(study._study_id)["system"] == {**system_before, "s": {"k": 1}}
    # A value JSON cannot hold is refused and nothing changes.
    with pytest.raises(TypeError):
        study.set_user_attr("bad", object())
    assert "bad" not in study.user_attrs and study.user_attrs["new"] == "x"
    # An attribute that holds no dict is not silently replaced.
    storage.set_study_attr(study._study_id, "user", [1, 2])
    with pytest.raises(TypeError, match=r"study attribute 'user' holds list \[1, 2\], not a dict"):
        study.set_user_attr("k", 1)
    assert storage.get_study_attrs(study._study_id)["user"] == [1, 2]
    storage.close()
