"""pytest settings for the whole checkout: the tests under tests/ and the doctests in src/tunewise.

pyproject.toml collects both (``testpaths`` and ``--doctest-modules``). A doctest is collected by
importing its module, and some modules need an optional extra (``tunewise.integrations.torch``
needs torch). Without that extra such a module is left out of the doctests, and the run says so,
instead of failing collection for everyone who installed only some extras; a doctest that fails
only because it calls into a missing extra (a plot without plotly) is reported as skipped.

A docstring example that takes seconds (it starts a Dask cluster, creates an MLflow database)
carries ``# doctest: +SLOW`` on one of its lines: its doctest is marked ``slow``, so the fast lane
(``pytest -m "not slow"``) leaves it out and the full run still checks it.

Every test and doctest runs with one BLAS thread, and so do the processes they start (examples,
workers, the CLI) unless told otherwise: the tests are single-threaded by design, and BLAS thread
pools spin against each other on a shared 2-core machine (the GP's small LAPACK calls ran 30-100x
slower with two OpenBLAS threads under load, L-BFGS in LogisticRegression 30x).
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

_PACKAGE = Path(__file__).resolve().parent / "src" / "tunewise"
# Keras 3 loads its backend on import, TensorFlow unless told: the tests run it on torch (TensorFlow is
# no test dependency). Set before any test or doctest module imports keras.
os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # the processes the tests start (see the docstring)
_left_out: list[str] = []
SLOW = doctest.register_optionflag("SLOW")  # registered before any docstring is parsed


def _missing_extra(exc: BaseException | None) -> str | None:
    """What is missing when ``exc`` (or an error chained to it) says an optional extra is absent.

    That is a missing module outside tunewise, or our own error naming the extra to install
    (``pip install "tunewise[lightning]"``). A tunewise module that fails to import for any other
    reason is a bug, and collection must show it.
    """
    while exc is not None:
        if isinstance(exc, ModuleNotFoundError) and exc.name and exc.name.partition(".")[0] != "tunewise":
            return exc.name
        extra = re.search(r"tunewise\[\w+\]", str(exc))
        if isinstance(exc, ImportError) and extra:
            return extra.group()
        exc = exc.__cause__ or exc.__context__
    return None


def _module_name(path: Path) -> str | None:
    try:
        parts = path.relative_to(_PACKAGE).parts
    except ValueError:
        return None
    if path.is_dir():
        if not (path / "__init__.py").is_file():
            return None
    elif path.suffix == ".py" and path.name != "__main__.py":  # pytest never imports __main__.py
        parts = path.relative_to(_PACKAGE).with_suffix("").parts
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
    else:
        return None
    return ".".join(("tunewise", *parts))


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    # pyproject's addopts run the suite on pytest-xdist workers (--numprocesses, --dist). With xdist
    # disabled (`-p no:xdist`) or not installed, the same command runs every test in this one process.
    if not pluginmanager.has_plugin("xdist"):
        group = parser.getgroup("xdist", "pytest-xdist (disabled or not installed: one process runs every test)")
        group.addoption("--numprocesses", dest="numprocesses", default=None, help="ignored without pytest-xdist")
        group.addoption("--dist", dest="dist", default="no", help="ignored without pytest-xdist")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if not config.option.doctestmodules:
        return None
    module = _module_name(collection_path)
    if module is None:
        return None
    try:
        importlib.import_module(module)
    except ImportError as exc:
        if "has no tunewise counterpart" in str(exc):  # an Optuna module name kept only to say what to use
            return True
        missing = _missing_extra(exc)
        if missing is None:
            return None  # a real import error: let the collection report it
        _left_out.append(f"{module} (needs {missing})")
        return True
    return None


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread() -> Generator[None, None, None]:
    """This process's BLAS, loaded before ``OPENBLAS_NUM_THREADS`` was set, held to one thread (see
    the docstring; it was set for tests/integrations only, so a whole run's tests after them had it
    and those before did not)."""
    try:
        from threadpoolctl import threadpool_limits  # (scikit-learn's dependency)
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1):
        yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest.DoctestItem) and item.dtest is not None \
                and any(example.options.get(SLOW) for example in item.dtest.examples):
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker collected: its controller prints the summary
        workeroutput["tunewise_doctests_left_out"] = _left_out


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    _left_out.extend(getattr(node, "workeroutput", {}).get("tunewise_doctests_left_out", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _left_out:
        terminalreporter.write_line(
            "doctests left out, optional package not installed: " + ", ".join(sorted(set(_left_out)))
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if isinstance(item, pytest.DoctestItem) and report.failed and call.excinfo is not None:
        error = call.excinfo.value
        missing = _missing_extra(error.exc_info[1]) if isinstance(error, doctest.UnexpectedException) else None
        if missing is not None:
            report.outcome = "skipped"
            report.longrepr = (str(item.path), (item.reportinfo()[1] or 0) + 1, f"Skipped: needs {missing}")
    return report
