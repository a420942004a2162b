"""pytest plugin: per test, wall time and the CPU time it used, to tell CPU-bound tests from waiting ones.

CPU is this process's user+sys (getrusage SELF) plus that of the child processes it waited for
(getrusage CHILDREN) during the test's setup, call and teardown. A process the test started and
killed without waiting is not counted (rare: the fault tests wait for what they kill). On a
loaded machine wall time grows with the load and CPU time does not, so ``cpu / wall`` near 0 says
the test waits (sleeps, heartbeats, polling, servers) and near 1 (or above, with children on the
other core) that it computes.

    PYTHONPATH=benchmarks/history/s31 .venv/bin/python -m pytest -p suite_cpu_plugin tests/faults
    # writes one JSON line per test to $SUITE_CPU_OUT (default suite_cpu.jsonl in the cwd)
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Generator

import pytest

_OUT = os.environ.get("SUITE_CPU_OUT", "suite_cpu.jsonl")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    wall0, cpu0 = time.monotonic(), _cpu()
    try:
        return (yield)
    finally:
        wall, cpu = time.monotonic() - wall0, _cpu() - cpu0
        with open(_OUT, "a") as f:
            f.write(json.dumps({"nodeid": item.nodeid, "wall": round(wall, 3), "cpu": round(cpu, 3),
                                "load1": round(os.getloadavg()[0], 2)}) + "\n")
