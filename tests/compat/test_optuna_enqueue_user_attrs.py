"""``enqueue_trial(params, user_attrs=...)`` with something that is not a dict.

Public code warm-starts a study from a data frame with
``study.enqueue_trial(params=row_without_metric, user_attrs=row[metric_name])``: a number where a
dict of attributes belongs. Optuna's in-memory storage keeps whatever it is given (its RDB storage
fails on ``.items()``); tunewise refused it with ``TypeError: 'float' object is not iterable`` from
inside the storage. It still refuses it, on every storage, with a message that says what
``user_attrs`` must be; a list of ``(name, value)`` pairs keeps working as before.
"""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, backend_url, unique

tw.logging.set_verbosity(tw.logging.WARNING)


def _study(backend: str, tmp_path) -> tw.Study:  # type: ignore[name-defined]
    url = backend_url(backend, tmp_path)
    return tw.create_study(name=unique("enqueue"), storage=url) if url else tw.create_study()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("bad", [0.25, 3, "acc", [1.0, 2.0]])
def test_user_attrs_that_are_not_a_dict_are_refused_with_a_message_that_says_so(backend, bad, tmp_path):
    study = _study(backend, tmp_path)
    with pytest.raises(TypeError, match=r"user attribute keys come from a dict of names to values, got "):
        study.enqueue_trial({"x": 1.0}, user_attrs=bad)
    assert study.trials == []  # nothing was queued


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_dict_or_pairs_still_work(backend, tmp_path):
    study = _study(backend, tmp_path)
    study.enqueue_trial({"x": 1.0}, user_attrs={"metric": 0.25})
    study.enqueue_trial({"x": 2.0}, user_attrs=[("metric", 0.5)])
    study.enqueue_trial({"x": 3.0}, user_attrs=None)
    study.optimize(lambda t: t.suggest_float("x", 0, 4), n_trials=3)
    assert [(t.params["x"], t.user_attrs) for t in study.trials] == [
        (1.0, {"metric": 0.25}),
        (2.0, {"metric": 0.5}),
        (3.0, {}),
    ]
