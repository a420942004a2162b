"""Results that could not be written: kept on this machine until their storage is back.

When a trial finishes while its database stays out of reach for the storage's whole retry window
(a PostgreSQL outage, a network partition), the study does not drop the result: it writes the
finish as a small JSON file under the spool directory (``$TUNEWISE_SPOOL_DIR``, default
``~/.cache/tunewise/spool``), fsynced, one file per trial, named after the storage. When that
directory cannot take it (its disk is the one that is full, read-only, over quota), the file goes
to a fallback on another file system: ``$TUNEWISE_SPOOL_FALLBACK_DIR`` (one or more directories,
``os.pathsep``-separated) when set, else, in the order of what survives a reboot, the user's state
directory (``$XDG_STATE_HOME/tunewise/spool``, default ``~/.local/state/tunewise/spool``),
``tunewise-spool-<uid>`` under ``/var/tmp`` (kept across reboots), under the temporary directory
(``$TMPDIR``, ``/tmp``: often in memory, or cleaned at boot) and under ``/dev/shm`` (memory). A
result kept on a file system in memory (tmpfs) is logged as a warning that names its file and says
it does not survive a reboot. Every study that opens that storage on this
machine first writes the spooled results of every one of these places (``replay``) and then
deletes their files. A result whose trial was failed meanwhile (as stale, and perhaps retried) is
kept on the failed trial as ``system_attrs["late_result"]``: never lost, never counted twice.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.storage._base import BaseStorage
    from tunewise.trial import FrozenTrial

__all__ = ["SpoolError", "replay", "save", "spool_dir", "spool_dirs"]

_log = logging.getLogger("tunewise")


def spool_dir() -> Path:
    """Where unwritten results wait (``$TUNEWISE_SPOOL_DIR`` or ``~/.cache/tunewise/spool``)."""
    env = os.environ.get("TUNEWISE_SPOOL_DIR")
    return Path(env) if env else Path.home() / ".cache" / "tunewise" / "spool"


class SpoolError(OSError):
    """No spool place could keep a result; ``record`` is what would have been kept, ``file_name``
    the name it takes in a spool directory to be written by the next study (see the message)."""

    def __init__(self, message: str, record: Mapping[str, Any], file_name: str) -> None:
        super().__init__(message)
        self.record = dict(record)
        self.file_name = file_name


def _configured() -> list[Path]:
    """The fallbacks the user names in ``$TUNEWISE_SPOOL_FALLBACK_DIR`` (``os.pathsep``-separated)."""
    env = os.environ.get("TUNEWISE_SPOOL_FALLBACK_DIR")
    return [Path(p) for p in env.split(os.pathsep) if p] if env else []


_PERSISTENT_TMP = Path("/var/tmp")  # temporary files kept across reboots (FHS), unlike /tmp on many systems
_MEMORY_FILE_SYSTEMS = frozenset({"tmpfs", "ramfs"})


def _state_dir() -> Path | None:
    """``$XDG_STATE_HOME/tunewise/spool`` (default ``~/.local/state/tunewise/spool``); None without a home."""
    env = os.environ.get("XDG_STATE_HOME")
    if env and os.path.isabs(env):
        return Path(env) / "tunewise" / "spool"
    try:
        return Path.home() / ".local" / "state" / "tunewise" / "spool"
    except RuntimeError:  # no home directory to be found
        return None


def _fallback_dirs(*, configured_only: bool) -> list[Path]:
    """The fallback places, in the order a result tries them (``configured_only``: only
    ``$TUNEWISE_SPOOL_FALLBACK_DIR`` when it is set, the defaults otherwise); replay reads them all.

    The defaults come in the order of what survives a reboot: the user's state directory,
    ``/var/tmp``, the temporary directory (often memory, or cleaned at boot), ``/dev/shm`` (memory)."""
    configured = _configured()
    if configured and configured_only:
        return configured
    # A per-user directory: in a shared /tmp another user must not place results to be replayed.
    name = f"tunewise-spool-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    state = _state_dir()
    defaults = ([state] if state is not None else []) + [
        _PERSISTENT_TMP / name, Path(tempfile.gettempdir()) / name, Path("/dev/shm") / name]
    return configured + [d for d in dict.fromkeys(defaults) if d not in configured]


def in_memory(path: Path) -> bool:
    """Whether ``path`` lies on a file system kept in memory (tmpfs, ramfs): gone after a reboot.

    Read from ``/proc/self/mounts`` (the deepest mount point holding the path); where that cannot be
    read, a path under ``/dev/shm``."""
    try:
        real = os.path.realpath(path)
        best, kind = "", ""
        with open("/proc/self/mounts") as f:
            for line in f:
                fields = line.split()
                if len(fields) < 3:
                    continue
                mount = fields[1].replace("\\040", " ")
                if (real == mount or real.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
                    best, kind = mount, fields[2]
        return kind in _MEMORY_FILE_SYSTEMS
    except OSError:
        return str(path).startswith("/dev/shm/")


def reboot_note(path: Path) -> str:
    """What to add where a spooled result's file is named: '' on a disk, a warning in memory."""
    if not in_memory(path):
        return ""
    return (f" (on a file system in memory: {path} does not survive a reboot; open the storage again before the "
            f"machine restarts, or set TUNEWISE_SPOOL_DIR to a directory on disk)")


def spool_dirs() -> list[Path]:
    """Every place a spooled result may wait: :func:`spool_dir` first, then the fallbacks."""
    primary = spool_dir()
    return [primary] + [d for d in _fallback_dirs(configured_only=False) if d != primary]


def _own_dir(folder: Path) -> bool:
    """``folder`` is ours alone (a default fallback lives in a shared temporary directory)."""
    if not hasattr(os, "getuid"):
        return True
    try:
        st = folder.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _write(folder: Path, name: str, record: Mapping[str, Any], *, private: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
    if private and not _own_dir(folder):
        raise OSError(errno.EACCES, f"{folder} is not a directory of this user's alone; not used")
    path = folder / name
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(record, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def _prefix(storage: BaseStorage) -> str:
    # The URL names the database (the password is not part of its identity).
    url = str(storage.url or "")
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def save(storage: BaseStorage, trial_id: int, state: TrialState, values: list[float] | None,
         params: Mapping[str, Any], intermediate_values: Mapping[int, float], user_attrs: Mapping[str, Any],
         system_attrs: Mapping[str, Any], *, number: int | None = None, started: float | None = None,
         study: str | None = None) -> Path:
    """Keep one finished trial's result on disk (atomically, fsynced); returns the file.

    ``number`` and ``started`` (the trial's start, seconds since the epoch) identify the trial
    beyond its id: a database replaced under the same URL reuses ids for other trials.
    ``study`` (its study's name) and ``number`` name the trial in the messages of :func:`replay`."""
    record = {
        "url_hash": _prefix(storage), "trial_id": int(trial_id), "number": number, "started": started, "study": study,
        "state": TrialState(state).value,
        "values": values, "params": dict(params),
        "intermediate_values": {str(int(k)): float(v) for k, v in intermediate_values.items()},
        "user_attrs": dict(user_attrs), "system_attrs": dict(system_attrs), "saved": time.time(),
    }
    name = f"{record['url_hash']}-{trial_id}-{uuid.uuid4().hex[:8]}.json"
    primary = spool_dir()
    try:
        path = _write(primary, name, record, private=False)
    except OSError as e:
        failures = [f"{primary}: {e}"]
    else:
        note = reboot_note(path)
        if note:
            _log.warning("the result of %s is kept in %s%s", _named(record, trial_id), path, note)
        return path
    # The spool's own disk is the full one (or read-only): another file system keeps the result.
    fallbacks = [d for d in _fallback_dirs(configured_only=True) if d != primary]
    for folder in fallbacks:
        try:
            path = _write(folder, name, record, private=folder not in _configured())
        except OSError as e:
            failures.append(f"{folder}: {e}")
            continue
        _log.warning("the spool directory %s could not keep the result of %s (%s): kept in %s instead%s", primary,
                     _named(record, trial_id), "; ".join(failures), path, reboot_note(path))
        return path
    raise SpoolError("; ".join(failures), record, name)


def replay(storage: BaseStorage) -> int:
    """Write every spooled result of ``storage`` and delete its file; returns how many were written.

    Reads the spool directory and every fallback (:func:`spool_dirs`). A storage still out of
    reach leaves the files for the next time."""
    prefix = _prefix(storage) + "-"
    paths: list[Path] = []
    configured = _configured()
    for folder in spool_dirs():
        try:
            names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".json")]
        except OSError:
            continue  # no such directory: nothing waits there (the common case, one listdir each)
        if names and folder != spool_dir() and folder not in configured and not _own_dir(folder):
            _log.warning("spool fallback %s is not a directory of this user's alone: its files are not written", folder)
            continue
        paths += [folder / n for n in sorted(names)]
    written = 0
    for path in paths:
        try:
            record = json.loads(path.read_text())
            state = TrialState(record["state"])
            tid = int(record["trial_id"])
        except FileNotFoundError:
            continue  # another process opening the storage at the same time wrote it and deleted the file
        except (OSError, ValueError, KeyError, TypeError) as e:
            _log.warning("spooled result %s cannot be read (%s); left in place", path, e)
            continue
        try:
            other = _another_trial(record, storage.get_trial(tid))
            if other:
                _log.warning("spooled result %s is not the result of trial id %d of this storage (%s): the "
                             "database was replaced; kept as %s.orphaned, not written", path, tid, other, path.name)
                os.replace(path, path.with_name(path.name + ".orphaned"))
                continue
            done = storage.finish_trial(
                tid, state, record["values"], params=record["params"],
                intermediate_values={int(k): v for k, v in record["intermediate_values"].items()},
                user_attrs=record["user_attrs"], system_attrs=record["system_attrs"])
            if not done:
                stored = storage.get_trial(tid)
                if stored.state is TrialState.FAILED and "late_result" not in stored.system_attrs:
                    storage.record_late_result(tid, {"state": state.value, "values": record["values"],
                                                     "params": record["params"], "time": record.get("saved")})
        except KeyError:
            _log.warning("spooled result %s names trial id %d, which the storage does not have; left in place",
                         path, tid)
            continue
        except Exception as e:  # noqa: BLE001 - still out of reach: try again next time
            _log.warning("could not write the spooled result %s yet: %s", path, e)
            return written
        written += 1
        try:
            os.unlink(path)
        except OSError:
            pass
        _log.warning("wrote the result of %s, kept in %s while the storage was out of reach", _named(record, tid),
                     path)
    return written


def _named(record: Mapping[str, Any], trial_id: int) -> str:
    """The spooled trial as a user knows it ("trial 3 of study 'lr-search'"); by its storage id
    only for a file spooled before the number and study were kept."""
    number, study = record.get("number"), record.get("study")
    if isinstance(number, int) and isinstance(study, str):
        return f"trial {number} of study {study!r}"
    if isinstance(number, int):
        return f"trial {number} (id {trial_id})"
    return f"trial id {trial_id}"


def _another_trial(record: Mapping[str, Any], stored: FrozenTrial) -> str:
    """Why the stored trial is not the one ``record`` was spooled for ('' when it is, or when the
    record cannot tell: one spooled before it kept the number and the start)."""
    number, started = record.get("number"), record.get("started")
    if number is not None and stored.number != number:
        return f"trial number {stored.number}, not {number}"
    if started is not None and stored.datetime_start_ts is not None and abs(stored.datetime_start_ts - started) > 0.01:
        return "it started at another time"
    params = record.get("params") or {}
    changed = [n for n, v in stored.params.items() if n in params and params[n] != v]
    if changed:
        return f"other values of {', '.join(map(repr, changed))}"
    return ""
