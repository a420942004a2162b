"""scikit-learn integration: :class:`SearchCV` and :func:`cross_validate_objective`.

Needs scikit-learn (``pip install "tunewise[sklearn]"``).

>>> import tunewise as tw
>>> from tunewise.integrations.sklearn import SearchCV, cross_validate_objective
"""

from __future__ import annotations

from tunewise.integrations._optional import require

require("sklearn", "sklearn", "tunewise.integrations.sklearn")

from tunewise.integrations.sklearn._objective import cross_validate_objective  # noqa: E402
from tunewise.integrations.sklearn._search import SearchCV  # noqa: E402
from tunewise.schedulers import StepPruner  # noqa: E402

__all__ = ["SearchCV", "StepPruner", "cross_validate_objective"]
