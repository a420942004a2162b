"""A process that ignores Ctrl-C (SIGINT set to SIG_IGN: a background job started with ``cmd &``
from a script, or under nohup) keeps ignoring it during tunewise's storage writes (session 31's
faults). Before, the guard that defers Ctrl-C during a write replaced SIG_IGN with its own handler
and raised KeyboardInterrupt after the write: a Ctrl-C meant for the terminal's foreground stopped
such a run only when it happened to land in a write (``faults_races.py sigint``, first runs)."""

from __future__ import annotations

import os
import subprocess
import sys

CHILD = r"""
import os, signal, time
import tunewise as tw
from tunewise.study import _DeferInterrupt
signal.signal(signal.SIGINT, signal.SIG_IGN)
study = tw.create_study()
with _DeferInterrupt() as guard:  # as around a trial's finishing write
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)
guard.raise_if_fired()
assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
print("ran", len(study.trials), flush=True)
"""


def test_an_ignored_ctrl_c_stays_ignored_during_a_write():
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert proc.returncode == 0, proc.stderr[-800:]  # before: KeyboardInterrupt (exit 1)
    assert proc.stdout.strip() == "ran 3"


def test_ctrl_c_during_a_write_is_still_raised_after_it():
    # Python's own Ctrl-C handler (set explicitly: a suite run in the background starts with SIG_IGN).
    default = CHILD.replace("signal.SIG_IGN)\n", "signal.default_int_handler)\n", 1)
    proc = subprocess.run([sys.executable, "-c", default], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "KeyboardInterrupt" in proc.stderr
