"""A second process holding a running trial, for the storage tests in which two processes write
one trial (``test_concurrent_attrs.py``, ``test_concurrent_reports.py``): a script run against the
checkout's ``src`` that prints "ready" once it holds the trial, then answers each line it is
sent on stdin with "ok"."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start(script: str, url: str, name: str, number: int, *args: str) -> subprocess.Popen:
    """``python -c script url name number *args``, once it has said "ready"."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), url, name, str(number), *args],
                            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", (line, proc.stderr.read() if proc.stderr else "")
    return proc


def say(proc: subprocess.Popen, line: str) -> None:
    """Send ``line`` and wait for its "ok"."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    answer = proc.stdout.readline()
    assert answer.strip() == "ok", (answer, proc.stderr.read() if proc.stderr else "")


def close(proc: subprocess.Popen) -> None:
    """Wait for the process to end (stdin closed) and check it ended well."""
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
