"""pytest plugin (s28 mends): append each test phase's wall time and CPU time (this process and its
waited-for children) to $TW_DURATIONS_OUT as it ends, so a long directory run can be read while it
runs and a loaded machine's wall times can be checked against CPU. Use:
PYTHONPATH=benchmarks/history/s28 pytest -p tw_durations ..."""

from __future__ import annotations

import os

import pytest

_cpu: dict[tuple[str, str], float] = {}


def _cpu_now() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):  # type: ignore[no-untyped-def]
    start = _cpu_now()
    yield
    _cpu[(item.nodeid, "setup")] = _cpu_now() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):  # type: ignore[no-untyped-def]
    start = _cpu_now()
    yield
    _cpu[(item.nodeid, "call")] = _cpu_now() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):  # type: ignore[no-untyped-def]
    start = _cpu_now()
    yield
    _cpu[(item.nodeid, "teardown")] = _cpu_now() - start


def pytest_runtest_logreport(report):  # type: ignore[no-untyped-def]
    cpu = _cpu.pop((report.nodeid, report.when), float("nan"))
    with open(os.environ["TW_DURATIONS_OUT"], "a", encoding="utf-8") as f:
        f.write(f"{report.duration:.3f}\t{cpu:.3f}\t{report.when}\t{report.outcome}\t{report.nodeid}\n")
