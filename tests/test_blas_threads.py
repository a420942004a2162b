"""The tests run with one BLAS thread (the checkout's conftest.py), here and in the processes they
start: two OpenBLAS threads made the GP's small LAPACK calls 30-100x slower on a loaded 2-core
machine (s28: the EMMR terminator test, 84 GP fits, took 24.6 s of CPU, now 1.0 s)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

threadpoolctl = pytest.importorskip("threadpoolctl")


def _blas_threads() -> set[int]:
    import numpy  # noqa: F401  (its BLAS loaded)

    return {p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"}


def test_this_process_runs_one_blas_thread() -> None:
    assert _blas_threads() == {1}


def test_a_process_a_test_starts_runs_one_blas_thread() -> None:
    threads = os.environ.get("OPENBLAS_NUM_THREADS")  # "1", unless the developer's shell set it
    assert threads is not None
    code = (
        "import numpy, threadpoolctl; "
        "print(sorted({p['num_threads'] for p in threadpoolctl.threadpool_info() if p['user_api'] == 'blas'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == f"[{threads}]"
