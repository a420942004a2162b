"""The process executor's waits across a step of the system clock (s33 faults, case 2).

They were measured on ``time.time()``: a step forward while the worker zygote started made it
give up at once ("the worker zygote did not start"), and a step back stretched the wait for
workers to exit by the step (an hour). They are on the monotonic clock now.
"""

from __future__ import annotations

import subprocess
import time

from tunewise.execution import _local, _zygote


def _stepped(monkeypatch, step: float) -> None:
    """``time.time()`` steps by ``step`` after its first call, as the system clock can."""
    real = time.time
    calls = [0]

    def clock() -> float:
        calls[0] += 1
        return real() + (step if calls[0] > 1 else 0.0)

    monkeypatch.setattr(time, "time", clock)


def test_a_clock_step_forward_does_not_abort_the_zygote_start(monkeypatch):
    _stepped(monkeypatch, 3600.0)
    zygote = _zygote._Zygote()
    try:
        assert zygote.alive()
    finally:
        zygote.close()


class _Endless:
    """A worker that does not exit until killed; records the timeouts it was waited with."""

    def __init__(self) -> None:
        self.timeouts: list[float | None] = []
        self.killed = False

    def wait(self, timeout: float | None = None) -> int:
        self.timeouts.append(timeout)
        if self.killed:
            return -9
        raise subprocess.TimeoutExpired("worker", timeout or 0.0)

    def kill(self) -> None:
        self.killed = True


def test_a_clock_step_back_does_not_stretch_the_wait_for_workers(monkeypatch):
    _stepped(monkeypatch, -3600.0)
    worker = _Endless()
    _local._wait_all([worker], timeout=2.0)
    assert worker.killed
    assert worker.timeouts[0] is not None and worker.timeouts[0] <= 2.0
