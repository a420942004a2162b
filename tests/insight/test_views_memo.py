"""The per-study memo of the dashboard stays bounded however many distinct filters arrive."""

from __future__ import annotations

import tunewise as tw
from tunewise.insight._views import StudyView


def _view(n_trials: int) -> tuple[tw.storage.InMemoryStorage, StudyView]:
    store = tw.storage.InMemoryStorage()
    study = tw.create_study(name="s", storage=store, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=n_trials)
    view = StudyView(store, "s", min_interval=0.0)
    view.refresh()
    return store, view


def _page(view: StudyView, expr: str) -> dict:
    return view.page(offset=0, limit=5, sort="number", order="asc", states=None, filter_expr=expr)


def test_memo_never_holds_more_than_its_bound_and_evicts_least_recently_used():
    _, view = _view(300)
    bound = view.memo_size
    assert 0 < bound <= 64
    selections = []
    real_select = view._select
    view._select = lambda *a: selections.append(a[3]) or real_select(*a)  # count table computations
    for i in range(4 * bound):  # every filter distinct, as 800 clients' filters were
        out = _page(view, f"number>={i}")
        assert out["total"] == 300 - i and out["trials"][0]["number"] == i
        assert len(view._memo) <= bound
    assert len(view._memo) == bound and len(selections) == 4 * bound
    # The most recent filters are still cached; the oldest was evicted and is recomputed, correctly.
    _page(view, f"number>={4 * bound - 1}")
    assert len(selections) == 4 * bound
    assert _page(view, "number>=0")["total"] == 300 and len(selections) == 4 * bound + 1
    # A hit refreshes an entry's place: the filter just used survives bound - 1 newer ones.
    for i in range(bound - 1):
        _page(view, f"x>={i / 1000}")
    _page(view, "number>=0")
    assert len(selections) == 4 * bound + 1 + (bound - 1)
    # Filters that differ only in spaces share an entry.
    _page(view, "  number>=0 ")
    assert len(selections) == 4 * bound + bound


def test_a_result_computed_while_the_study_changed_is_not_kept():
    store, view = _view(10)
    study = tw.load_study("s", store)

    def compute():
        study.enqueue_trial({"x": 0.5})
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        view.refresh(force=True)  # another request saw the new trial meanwhile
        return "stale"

    assert view.memo("k", compute) == "stale"
    assert "k" not in view._memo and view.memo("k", lambda: "fresh") == "fresh"
    assert view.memo("k", lambda: "again") == "fresh"
