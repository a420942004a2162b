from __future__ import annotations

import pytest

import tunewise as tw
from tests.insight._studies import make_mixed_study


@pytest.fixture(scope="module")
def mixed_study() -> tw.Study:
    return make_mixed_study()
