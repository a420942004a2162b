"""How a study crosses processes: an in-memory study unpickled in another process is a read-only
snapshot.

An in-memory study lives in one process. Pickled into another (``client.submit(study.optimize)``
on a Dask cluster, a multiprocessing pool, a study kept in a pickled model), the copy would
record trials in itself only: the caller's study would never see them. So the copy stays
readable (its trials, best values, plots: a pickled ``SearchCV`` still reports its search), and
anything that would record something (``ask``, ``optimize``, ``tell``, ``enqueue_trial``,
``set_user_attr``) raises :class:`UnsharedStudyError`, which names the fix: a storage that every
process opens by URL. Within one process (``copy.deepcopy``, a pickle round trip) a study stays
a full study; ``optimize(n_jobs=k)`` and ``DaskExecutor`` ship trials to workers, never studies.
A study saved to resume later (``joblib.dump(study, f)`` by a process of this machine that has
ended, then ``joblib.load(f)``) is a full study again: nobody else can record in its original.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tunewise.exceptions import TunewiseError
from tunewise.storage._base import BaseStorage

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["SnapshotStorage", "UnsharedStudyError", "restored_state", "study_state"]


class UnsharedStudyError(TunewiseError, RuntimeError):
    """A study without persistent storage was used to record trials in another process."""


def _new_process_token() -> None:
    global _PROCESS
    _PROCESS = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"


def _saved_to_resume_later(origin: str) -> bool:
    """A study pickled by a process of this machine that has ended (``joblib.dump(study)`` then,
    later, ``joblib.load`` to go on, as Optuna users do): nobody else can record in the original,
    so this copy is the study. A process still running, or another machine, may still use it."""
    host, _, rest = origin.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists (another user's process, say)
    return False


_PROCESS = ""
_new_process_token()
if hasattr(os, "register_at_fork"):  # a forked child is another process, though it has our memory
    os.register_at_fork(after_in_child=_new_process_token)

# What only makes sense in the process that runs it: live trials, the running optimize() call,
# the heartbeat thread. Reset (or dropped) in the pickled state.
_PER_PROCESS: dict[str, Callable[[], Any]] = {
    "_live": dict, "_stop_requested": lambda: False, "_in_optimize": lambda: False,
    "_max_trials": lambda: None, "_deadline": lambda: None, "_sampler_ctx": lambda: None,
    "_admission_claim": lambda: None,
}
_ORIGIN = "_pickled_in"


def study_state(study: Study) -> dict[str, Any]:
    """``Study.__getstate__``: its attributes without per-process state, and where it was pickled."""
    state = dict(study.__dict__)
    for key, fresh in _PER_PROCESS.items():
        if key in state:
            state[key] = fresh()
    state.pop("_heartbeat", None)  # rebuilt on first use from the stored policy
    state[_ORIGIN] = _PROCESS
    return state


def restored_state(state: dict[str, Any]) -> dict[str, Any]:
    """``Study.__setstate__``: the attributes to restore; in another process, an in-memory
    storage becomes a read-only :class:`SnapshotStorage`."""
    state = dict(state)
    for key, fresh in _PER_PROCESS.items():  # also what a study pickled by an older version lacks
        state.setdefault(key, fresh())
    origin = state.pop(_ORIGIN, None)
    storage = state.get("_storage")
    if (origin is not None and origin != _PROCESS and isinstance(storage, BaseStorage)
            and not storage.is_persistent and not isinstance(storage, SnapshotStorage)
            and not _saved_to_resume_later(str(origin))):
        # Its methods are generated from BaseStorage's below, which mypy cannot see.
        state["_storage"] = SnapshotStorage(storage, str(state.get("study_name")))  # type: ignore[abstract]
    return state


# Everything of the storage interface that records something; the rest reads, and is delegated.
_WRITES = frozenset({
    "create_study", "create_study_with_attrs", "delete_study", "set_study_attr", "set_study_attr_item",
    "add_distribution", "enqueue_trial",
    "start_trial", "update_trial", "finish_trial", "record_late_result", "record_late_params", "try_claim",
    "record_heartbeat",
    "fail_stale_trials", "detach_trial", "claim_and_enqueue", "recover_stale_trials", "recover_trial", "release_claim",
    "start_retry_of", "claim_for_trial",
})


class SnapshotStorage(BaseStorage):
    """An in-memory storage unpickled in another process: every read is answered from the copy,
    every write raises :class:`UnsharedStudyError`."""

    def __init__(self, inner: BaseStorage, study_name: str) -> None:
        self._inner = inner
        self._study_name = study_name

    def refuse(self) -> UnsharedStudyError:
        return UnsharedStudyError(
            f"an in-memory study cannot be shared with other processes: pass storage=... to create_study. "
            f"Study {self._study_name!r} was pickled in another process and unpickled in this one (pid "
            f"{os.getpid()}), so trials run here would be recorded in this copy only and never reach the "
            f"original (this copy can still be read). Create the study with a storage every process opens, "
            f"e.g. tw.create_study(name, storage='sqlite:///tunewise.db') (PostgreSQL across machines), and "
            f"open it here with tw.load_study(name, storage); or let optimize(n_jobs=k) or "
            f"executor=tw.DaskExecutor(client) run the trials in workers."
        )

    @property
    def is_persistent(self) -> bool:
        return False

    @property
    def url(self) -> str | None:
        return None


def _reader(name: str) -> Callable[..., Any]:
    def read(self: SnapshotStorage, *args: Any, **kwargs: Any) -> Any:
        return getattr(self._inner, name)(*args, **kwargs)

    read.__name__ = name
    return read


def _writer(name: str) -> Callable[..., Any]:
    def write(self: SnapshotStorage, *args: Any, **kwargs: Any) -> Any:
        raise self.refuse()

    write.__name__ = name
    return write


# Generated from the interface, so a method added to BaseStorage is covered here too.
for _name, _member in vars(BaseStorage).items():
    if _name.startswith("_") or not callable(_member):
        continue
    setattr(SnapshotStorage, _name, _writer(_name) if _name in _WRITES else _reader(_name))
SnapshotStorage.__abstractmethods__ = frozenset()
