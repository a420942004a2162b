"""Read-only SQLite: a ``mode=ro`` URL, or a file (or directory) this user cannot write, opens
for reading; every write is refused with a StorageError that says the storage is read-only."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import tunewise as tw
from tunewise.exceptions import StorageError
from tunewise.storage import SQLStorage


def _study_file(directory: Path) -> Path:
    path = directory / "study.db"
    study = tw.create_study(name="s", storage=f"sqlite:///{path}", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    study._storage.close()
    assert not os.path.exists(f"{path}-wal")  # closed cleanly: everything is in the file
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("form", ["query", "uri"])
def test_a_mode_ro_url_reads_and_refuses_every_write(tmp_path, form):
    path = _study_file(tmp_path)
    values = [t.value for t in tw.load_study("s", f"sqlite:///{path}").trials]
    before = _digest(path)
    url = f"sqlite:///{path}?mode=ro" if form == "query" else f"sqlite:///file:{path}?mode=ro&uri=true"
    study = tw.load_study("s", url)
    assert [t.value for t in study.trials] == values
    assert study.best_trial.value == min(values)
    read_only = r"the SQLite file '.*study\.db' is read-only: it was opened read-only \(the URL asks for mode=ro\)"
    with pytest.raises(StorageError, match=read_only) as info:
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert info.value.__cause__ is None
    with pytest.raises(StorageError, match=read_only):
        study.set_user_attr("note", "x")
    with pytest.raises(StorageError, match=read_only):
        tw.create_study(name="other", storage=url)
    study._storage.close()
    assert _digest(path) == before
    assert tw.get_all_study_names(f"sqlite:///{path}") == ["s"]
    assert len(tw.load_study("s", f"sqlite:///{path}").trials) == 5


def test_mode_ro_never_creates_a_file(tmp_path):
    path = tmp_path / "missing.db"
    with pytest.raises(StorageError, match=r"cannot open '.*missing\.db' read-only \(the URL asks for mode=ro\): "
                                           r"the file does not exist"):
        SQLStorage(f"sqlite:///{path}?mode=ro")
    assert not path.exists()


def test_mode_ro_on_a_database_without_tunewise_tables_says_so(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a)")
    con.close()
    with pytest.raises(StorageError, match=r"holds no tunewise tables, and they cannot be created: it is opened "
                                           r"read-only \(the URL asks for mode=ro\)"):
        SQLStorage(f"sqlite:///file:{path}?mode=ro&uri=true")


_AS_OTHER_USER = r"""
import json, sys
import tunewise as tw
url = sys.argv[1]
out = {}
study = tw.load_study("s", url)
out["values"] = [t.value for t in study.trials]
try:
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
except Exception as e:
    out["write"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
"""


def _unprivileged() -> list[str]:
    """The command prefix that runs a process as a user the file permissions apply to."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:  # root ignores file permissions; without a way to drop them, skip
        pytest.skip("running as root without setpriv: permissions do not stop root's writes")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.mark.parametrize("dir_mode", [0o555, 0o777], ids=["dir-0555", "dir-0777"])
@pytest.mark.slow
def test_a_file_this_user_cannot_write_opens_read_only(tmp_path, dir_mode):
    prefix = _unprivileged()
    # A directory the unprivileged user can reach (pytest's own tmp_path is private to root).
    top = Path(tempfile.mkdtemp(prefix="tw-ro-"))
    try:
        os.chmod(top, 0o755)
        data = top / "data"
        data.mkdir()
        path = _study_file(data)
        reader = tw.load_study("s", f"sqlite:///{path}")
        values = [t.value for t in reader.trials]
        reader._storage.close()
        # Closed: no -wal or -shm file left, as on read-only media (SQLite cannot create them there).
        assert sorted(os.listdir(data)) == ["study.db"]
        os.chmod(path, 0o444)
        os.chmod(data, dir_mode)
        src = str(Path(tw.__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": src, "HOME": str(top)}
        proc = subprocess.run([*prefix, sys.executable, "-c", _AS_OTHER_USER, f"sqlite:///{path}"],
                              capture_output=True, text=True, env=env, timeout=120, cwd=str(top))
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        assert out["values"] == values
        assert out["write"].startswith(f"StorageError: storage 'sqlite:///{path}': the SQLite file '{path}' is "
                                       f"read-only: it was opened read-only (the file is not writable by this "
                                       f"user), so nothing can be written")
    finally:
        for root, dirs, _files in os.walk(top):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(top, ignore_errors=True)
