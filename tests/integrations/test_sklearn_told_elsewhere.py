"""SearchCV on a shared storage whose running trial another process tells (`tunewise tell`): the
stored result stays, the search warns and goes on with its next configuration (s29; before, fit()
ended on tell()'s ValueError)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator

import tunewise as tw
from tunewise.integrations.sklearn import SearchCV


class _ToldWhileFitting(BaseEstimator):
    """Scores -|c - 2.5|; fitting c == 3 tells its running trial from outside first."""

    url = ""

    def __init__(self, c=1):
        self.c = c

    def fit(self, X, y=None):
        if self.c == 3:
            other = tw.load_study(study_name="cv", storage=self.url)
            running = other.get_trials(states=(tw.TrialState.RUNNING,))
            if running:
                other.tell(running[0].number, 99.0)
        return self

    def score(self, X, y=None):
        return -abs(self.c - 2.5)


@pytest.mark.parametrize("pruning", [False, True], ids=["folds-at-once", "fold-by-fold"])
def test_searchcv_goes_on_when_its_trial_is_told_by_another_process(tmp_path, pruning):
    url = f"sqlite:///{tmp_path / 'cv.db'}"
    _ToldWhileFitting.url = url
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20) % 2
    search = SearchCV(
        _ToldWhileFitting(), param_grid={"c": [1, 2, 3, 4]}, cv=4, storage=url, study_name="cv", pruning=pruning
    )
    with pytest.warns(
        UserWarning,
        match=r"trial 2 of study 'cv' was finished elsewhere meanwhile \(COMPLETE with "
        r"values \[99\.0\]\)",
    ):
        search.fit(X, y)
    trials = tw.load_study(study_name="cv", storage=url).trials
    assert [(t.number, t.state) for t in trials] == [(n, tw.TrialState.COMPLETE) for n in range(4)]
    # (Trial 2's parameters are stored only if its process saved them before the outside tell.)
    assert [trials[n].params["c"] for n in (0, 1, 3)] == [1, 2, 4] and trials[2].value == 99.0
    assert list(search.cv_results_["params"]) == [{"c": 1}, {"c": 2}, {"c": 4}]  # c=3's folds were not stored
    assert search.best_params_ == {"c": 2}
