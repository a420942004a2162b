"""Shared settings for the integration tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    # BLAS/OpenMP thread pools spin against each other on a shared 2-core machine (L-BFGS in
    # LogisticRegression ran 30x slower); the tests are single-threaded by design.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield
