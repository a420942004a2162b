"""The package type-checks: the public API is typed, and mypy (configured in pyproject.toml) agrees
with the annotations, so users' type checkers see what the docs promise.

mypy on a cold cache takes about two minutes of one core, and most of the suite waits on
subprocesses, sleeps and servers: so in a run in one process tests/conftest.py starts it in the
background as soon as collection shows this test will run, and the test collects its result. It
fails exactly as a foreground run would. Under pytest-xdist both cores already run tests, so the
worker handed the test runs mypy itself, as does a run of this file alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600.0
RESULT = "result.json"
MYPY_DIR = pytest.StashKey[Path]()  # set by tests/conftest.py when it started mypy in the background

# Runs mypy and writes its exit code and output as one JSON file, renamed into place so a reader
# never sees half of it.
_RUNNER = """\
import json, os, subprocess, sys
result_dir, cmd = sys.argv[1], sys.argv[2:]
try:
    proc = subprocess.run(cmd, cwd=os.environ["TUNEWISE_MYPY_CWD"], capture_output=True, text=True,
                          timeout=float(os.environ["TUNEWISE_MYPY_TIMEOUT"]))
    result = {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}
except subprocess.TimeoutExpired as e:
    result = {"returncode": None, "stdout": str(e.stdout or ""), "stderr": f"mypy timed out: {e}"}
tmp = os.path.join(result_dir, "result.tmp")
with open(tmp, "w") as f:
    json.dump(result, f)
os.replace(tmp, os.path.join(result_dir, "result.json"))
"""


def mypy_command(cache_dir: Path) -> list[str]:
    return [sys.executable, "-m", "mypy", "--cache-dir", str(cache_dir)]


def start_mypy(result_dir: Path) -> subprocess.Popen[bytes]:
    """Start mypy in the background; its result lands in ``result_dir / RESULT``."""
    result_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TUNEWISE_MYPY_CWD=str(ROOT), TUNEWISE_MYPY_TIMEOUT=str(TIMEOUT))
    return subprocess.Popen([sys.executable, "-c", _RUNNER, str(result_dir),
                             *mypy_command(result_dir / "cache")],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def wait_for_result(result_dir: Path, timeout: float = TIMEOUT + 60) -> dict[str, object]:
    """The background run's result (polled)."""
    path = result_dir / RESULT
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"the background mypy run wrote no {path} in {timeout:.0f} s")
        time.sleep(0.2)
    result: dict[str, object] = json.loads(path.read_text())
    shutil.rmtree(result_dir, ignore_errors=True)
    return result


@pytest.mark.slow
def test_mypy_finds_no_errors(tmp_path, request):
    pytest.importorskip("mypy", reason="mypy comes with the test extra: pip install -e '.[test]'")
    result_dir = request.config.stash.get(MYPY_DIR, None)
    if result_dir is not None:
        result = wait_for_result(result_dir)
    else:
        proc = subprocess.run(mypy_command(tmp_path / "cache"), cwd=ROOT, capture_output=True, text=True,
                              timeout=TIMEOUT)
        result = {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}
    assert result["returncode"] == 0, str(result["stdout"])[-4000:] + str(result["stderr"])[-2000:]
