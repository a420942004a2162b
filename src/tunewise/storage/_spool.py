"""Results that could not be written: kept on this machine until their storage is back.

When a trial finishes while its database stays out of reach for the storage's whole retry window
(a PostgreSQL outage, a network partition), the study does not drop the result: it writes the
finish as a small JSON file under the spool directory (``$TUNEWISE_SPOOL_DIR``, default
``~/.cache/tunewise/spool``), fsynced, one file per trial, named after the storage. Every study
that opens that storage on this machine first writes the spooled results (``replay``) and then
deletes their files. A result whose trial was failed meanwhile (as stale, and perhaps retried) is
kept on the failed trial as ``system_attrs["late_result"]``: never lost, never counted twice.
"""

from __future__ import annotations

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

__all__ = ["replay", "save", "spool_dir"]

_log = logging.getLogger("tunewise")


def spool_dir() -> Path:
    """Where unwritten results wait (``$TUNEWISE_SPOOL_DIR`` or ``~/.cache/tunewise/spool``)."""
    env = os.environ.get("TUNEWISE_SPOOL_DIR")
    return Path(env) if env else Path.home() / ".cache" / "tunewise" / "spool"


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
    folder = spool_dir()
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "url_hash": _prefix(storage), "trial_id": int(trial_id), "number": number, "started": started, "study": study,
        "state": TrialState(state).value,
        "values": values, "params": dict(params),
        "intermediate_values": {str(int(k)): float(v) for k, v in intermediate_values.items()},
        "user_attrs": dict(user_attrs), "system_attrs": dict(system_attrs), "saved": time.time(),
    }
    path = folder / f"{record['url_hash']}-{trial_id}-{uuid.uuid4().hex[:8]}.json"
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


def replay(storage: BaseStorage) -> int:
    """Write every spooled result of ``storage`` and delete its file; returns how many were written.

    A storage still out of reach leaves the files for the next time."""
    folder = spool_dir()
    prefix = _prefix(storage) + "-"
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".json")]
    except OSError:
        return 0  # no spool directory: nothing waits (the common case, one listdir)
    written = 0
    for name in sorted(names):
        path = folder / name
        try:
            record = json.loads(path.read_text())
            state = TrialState(record["state"])
            tid = int(record["trial_id"])
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
