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


@pytest.mark.parametrize("evaluator", ["RegretBoundEvaluator", "EMMREvaluator"])
def test_the_terminator_fits_its_gp_on_one_blas_thread_as_the_sampler_does(evaluator: str, monkeypatch) -> None:
    # s29: a user's process with 2 OpenBLAS threads paid them in the terminator's GP fits (the GP
    # sampler's fit holds itself to one thread); the tests' own single BLAS thread hid it.
    import tunewise as tw
    from tunewise import _gp_model
    from tunewise.terminator import EMMREvaluator, RegretBoundEvaluator

    seen: list[set[int]] = []
    fit = _gp_model.GPModel.fit

    def recording_fit(self, *args, **kwargs):
        seen.append(_blas_threads())
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(_gp_model.GPModel, "fit", recording_fit)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", -1, 1) - 0.3) ** 2 + t.suggest_float("y", 0, 1), n_trials=12)
    chosen = {"RegretBoundEvaluator": RegretBoundEvaluator, "EMMREvaluator": EMMREvaluator}[evaluator]()
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        assert _blas_threads() == {2}
        value = chosen.evaluate(study.trials, study.direction)
        assert _blas_threads() == {2}  # given back afterwards
    assert seen and all(threads == {1} for threads in seen)
    assert value == value  # a number


def test_one_blas_thread_helper_limits_and_gives_back() -> None:
    # s30: the helper the GP samplers and the terminator share lives in tunewise._blas, not in the
    # GP sampler's private module (which the terminator imported it from).
    from tunewise._blas import single_threaded_blas

    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        with single_threaded_blas():
            assert _blas_threads() == {1}
        assert _blas_threads() == {2}


@pytest.mark.parametrize("folder", ["samplers", "terminator"])
def test_the_gp_code_takes_the_blas_helper_from_its_own_module(folder: str) -> None:
    import ast
    from pathlib import Path

    import tunewise

    src = Path(tunewise.__file__).parent / folder
    users = []
    for path in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and any("threaded_blas" in a.name for a in node.names):
                users.append((path.name, node.module))
    assert users and all(module == "tunewise._blas" for _, module in users), users
