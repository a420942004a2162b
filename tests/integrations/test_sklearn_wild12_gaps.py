"""Third-party batch 12 (s32): where SearchCV answered other than scikit-learn's searches.

With ``refit=False``, scikit-learn's ``score`` and ``classes_`` raise AttributeError ("... was
initialized with `refit=False` ...", from ``_check_refit``); SearchCV raised NotFittedError.
``hasattr`` reads both as absent (NotFittedError subclasses AttributeError), but a script that
prints the exception's class or matches scikit-learn's message saw another one."""

from __future__ import annotations

import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.svm import SVC

from tunewise.integrations.sklearn import SearchCV

X, Y = load_iris(return_X_y=True)


@pytest.mark.parametrize("attr", ["score", "classes_"])
def test_refit_false_score_and_classes_raise_attribute_error_as_scikit_learn(attr: str) -> None:
    errors = []
    for search in (GridSearchCV(SVC(), {"C": [0.1, 1.0]}, cv=3, refit=False),
                   SearchCV(SVC(), param_grid={"C": [0.1, 1.0]}, cv=3, refit=False)):
        search.fit(X, Y)
        with pytest.raises(AttributeError) as info:
            search.score(X, Y) if attr == "score" else search.classes_  # noqa: B018
        errors.append(info.value)
        assert not hasattr(search, "classes_")
        assert search.best_params_ == {"C": 1.0}
    assert [type(e) for e in errors] == [AttributeError, AttributeError]
    assert all("initialized with `refit=False`" in str(e) for e in errors)


def test_unfitted_search_still_raises_not_fitted_error() -> None:
    with pytest.raises(NotFittedError):
        SearchCV(SVC(), param_grid={"C": [0.1, 1.0]}, cv=3).score(X, Y)
