"""Where a spooled result goes when its spool directory cannot take it (s33 faults, case 3).

The default fallbacks were the temporary directory and /dev/shm, which are often in memory
(tmpfs: /tmp is on this machine): a reboot before the storage is opened again loses the result,
and nothing said so unless the place was /dev/shm. The fallbacks now come in the order of what
survives a reboot (the user's state directory, /var/tmp, then the temporary directory, /dev/shm
last), and a result kept on a file system in memory is a warning that names its file and says it
does not survive a reboot.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

import tunewise as tw
from tests.storage._backends import more_than_the_pages_left, spool_dirs_full, sqlite_study_on_a_full_disk
from tunewise.exceptions import StorageError
from tunewise.storage import _spool
from tunewise.trial import TrialState


@pytest.fixture(autouse=True)
def _places(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(tmp_path / "spool"))
    monkeypatch.delenv("TUNEWISE_SPOOL_FALLBACK_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(_spool, "_PERSISTENT_TMP", tmp_path / "var-tmp", raising=False)  # not the real /var/tmp
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()


def test_the_state_directory_comes_before_the_temporary_directory(tmp_path, monkeypatch):
    url, study = sqlite_study_on_a_full_disk(tmp_path)
    spool_dirs_full(monkeypatch, tmp_path / "spool")
    with pytest.raises(StorageError, match=r"(?s)was not lost: it is kept in .*state/tunewise/spool/"):
        study.optimize(more_than_the_pages_left, n_trials=1)
    study.storage.close()
    kept = tmp_path / "state" / "tunewise" / "spool"
    assert len(os.listdir(kept)) == 1
    assert not os.listdir(tmp_path / "tmp")
    assert [t.state for t in tw.load_study("s", url).trials] == [TrialState.COMPLETE] * 3  # replayed from there
    assert os.listdir(kept) == []


def test_var_tmp_comes_before_the_temporary_directory(tmp_path, monkeypatch):
    url, study = sqlite_study_on_a_full_disk(tmp_path)
    name = f"tunewise-spool-{os.getuid()}"
    spool_dirs_full(monkeypatch, tmp_path / "spool", tmp_path / "state" / "tunewise" / "spool")
    with pytest.raises(StorageError, match="was not lost: it is kept in .*var-tmp/" + name):
        study.optimize(more_than_the_pages_left, n_trials=1)
    study.storage.close()
    assert len(os.listdir(tmp_path / "var-tmp" / name)) == 1
    assert [t.state for t in tw.load_study("s", url).trials] == [TrialState.COMPLETE] * 3


@pytest.fixture
def memory_dir():
    """A directory on a file system in memory (/dev/shm is tmpfs on Linux)."""
    try:
        with open("/proc/self/mounts") as f:
            tmpfs = any(line.split()[1:3] == ["/dev/shm", "tmpfs"] for line in f)
    except OSError:
        tmpfs = False
    if not tmpfs:
        pytest.skip("no tmpfs at /dev/shm")
    path = Path("/dev/shm") / f"tunewise-test-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_result_kept_only_in_memory_says_it_does_not_survive_a_reboot(tmp_path, monkeypatch, memory_dir, caplog):
    monkeypatch.setattr(tempfile, "tempdir", str(memory_dir))  # $TMPDIR on a tmpfs
    url, study = sqlite_study_on_a_full_disk(tmp_path)
    name = f"tunewise-spool-{os.getuid()}"
    spool_dirs_full(monkeypatch, tmp_path / "spool", tmp_path / "state" / "tunewise" / "spool",
                    tmp_path / "var-tmp" / name)
    with caplog.at_level("WARNING", logger="tunewise"), pytest.raises(StorageError) as info:
        study.optimize(more_than_the_pages_left, n_trials=1)
    study.storage.close()
    [kept] = os.listdir(memory_dir / name)
    warned = [r.getMessage() for r in caplog.records if kept in r.getMessage()]
    assert warned and "does not survive a reboot" in warned[0]
    assert f"{memory_dir / name / kept} does not survive a reboot" in str(info.value)


def test_a_primary_spool_in_memory_says_so_too(tmp_path, monkeypatch, memory_dir, caplog):
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(memory_dir / "spool"))
    study = tw.create_study(name="s", storage=f"sqlite:///{tmp_path / 'a.db'}", heartbeat_interval=None)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    with caplog.at_level("WARNING", logger="tunewise"):
        path = _spool.save(study.storage, trial._trial_id, TrialState.COMPLETE, [1.0], trial.params, {}, {}, {},
                           number=0, started=None, study="s")
    assert any(f"{path} does not survive a reboot" in r.getMessage() for r in caplog.records)

