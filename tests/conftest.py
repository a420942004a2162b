"""Session set-up shared by the whole suite.

mypy-as-a-test (tests/test_typing.py) is started in the background once collection shows it will
run, so its two minutes of CPU overlap the tests that wait; see that module's docstring.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_typing import MYPY_DIR, start_mypy

_MYPY_PROC = pytest.StashKey[subprocess.Popen[bytes]]()


def _runs_mypy_test(session: pytest.Session) -> bool:
    return any(item.path.name == "test_typing.py" and item.name == "test_mypy_finds_no_errors"
               for item in session.items)


def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    if config.option.collectonly or not _runs_mypy_test(session) or importlib.util.find_spec("mypy") is None:
        return
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:  # one process runs every test
        result_dir = Path(tempfile.mkdtemp(prefix="tunewise-mypy-"))
        config.stash[_MYPY_PROC] = start_mypy(result_dir)
    elif config.getoption("dist", "load") == "each":  # every worker runs the test: each runs its own
        return
    else:  # xdist: gw0 starts it, and whichever worker is handed the test collects the result
        result_dir = Path(tempfile.gettempdir()) / f"tunewise-mypy-{workerinput['testrunuid']}"
        if workerinput["workerid"] == "gw0":
            start_mypy(result_dir)
    config.stash[MYPY_DIR] = result_dir


def pytest_sessionfinish(session: pytest.Session) -> None:
    # One process: a run that ended before the test (-x, Ctrl-C, a deselecting plugin) must not
    # leave mypy running. Under xdist the test may still be running on another worker when gw0
    # finishes, so the worker that reads the result removes its directory.
    proc = session.config.stash.get(_MYPY_PROC, None)
    if proc is None:
        return
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # the runner and mypy under it: it leads its own group
        proc.wait()
    shutil.rmtree(session.config.stash[MYPY_DIR], ignore_errors=True)


@pytest.fixture
def dask_client() -> Iterator[Any]:
    """A Dask client on a LocalCluster of its own (2 worker processes of 1 thread), closed after the
    test. One cluster per test: the fault tests stop a worker, which then leaves the cluster
    (tests/execution/test_dask_silent_worker.py, tests/faults/test_attack_dask_stopped_worker.py)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
