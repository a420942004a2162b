"""pytest plugin (s28 mends, measurement only): undo the checkout conftest's one-BLAS-thread setting
(two threads in this process, OPENBLAS_NUM_THREADS=2 for the processes the tests start), to time
the tests as they ran before 44f924e. Use: PYTHONPATH=benchmarks/history/s28 pytest -p tw_blas2 ..."""

from __future__ import annotations

import os

import pytest

os.environ["OPENBLAS_NUM_THREADS"] = "2"


@pytest.fixture(autouse=True)
def _two_blas_threads():  # type: ignore[no-untyped-def]
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2):
        yield
