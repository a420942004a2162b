"""Installed as sitecustomize.py (on PYTHONPATH) by faults_clock_jump.py: every process's
time.time() (and time.time_ns) gets the offset written in $FAULTS_CLOCK_FILE (seconds), as a
system clock stepped by NTP, a VM resumed after a pause, or an operator would shift it. The
monotonic clock is left alone, as the kernel leaves CLOCK_MONOTONIC."""

import os
import time

_path = os.environ.get("FAULTS_CLOCK_FILE")
if _path:
    _real_time, _real_ns, _mono = time.time, time.time_ns, time.monotonic
    _state = {"read": -1.0, "offset": 0.0}

    def _offset() -> float:
        now = _mono()
        if now - _state["read"] > 0.05:
            _state["read"] = now
            try:
                with open(_path) as f:
                    _state["offset"] = float(f.read().strip() or 0)
            except (OSError, ValueError):
                pass
        return _state["offset"]

    time.time = lambda: _real_time() + _offset()  # noqa: E731
    time.time_ns = lambda: _real_ns() + int(_offset() * 1e9)  # noqa: E731
