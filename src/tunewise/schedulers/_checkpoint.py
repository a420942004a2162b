"""Trial checkpoints kept as files in a checkpoint directory (never database blobs, never pickles).

``trial.save_checkpoint(obj)`` writes ``obj`` under ``<root>/<study>/trial-<id>/ckpt-<step>/``;
``trial.load_checkpoint()`` reads back the trial's latest checkpoint or, for a trial that
continues another one (an ASHA promotion, a PBT exploit), the checkpoint it was handed.

Formats (chosen from the object, so loading never runs code):

- plain data (dict/list/str/int/float/bool/None) -> ``data.json``;
- numpy arrays anywhere inside plain data -> ``data.json`` + ``arrays.npz`` (``allow_pickle=False``);
- torch tensors anywhere inside (e.g. ``model.state_dict()``) -> ``data.pt`` written with
  ``torch.save`` and read with ``torch.load(weights_only=True)``, which refuses arbitrary objects.

Tuples come back as lists. Anything else raises a TypeError naming the offending path.

Everything here works on a study's checkpoint root directory and trial ids; which directory that
is (the scheduler's ``checkpoint_dir``, next to an SQLite file, or a temporary one every worker
process shares) is decided by the loop, which also makes the hand-off when it enqueues a
continuation (``tunewise/_decisions.py``: ``checkpoint_root``, ``save_checkpoint``,
``load_checkpoint``). Nothing here reads or writes the storage.

Safety between workers: each trial directory has a lock file (``fcntl.flock``); deleting old
checkpoints (the per-trial cap) and handing a checkpoint to another trial both take that lock,
and a hand-off is a hard-linked snapshot in ``handoff/``, so a checkpoint another trial is about
to load is never deleted under it. A checkpoint is written in ``.partial/`` and renamed into place
whole; what a killed writer left there is removed by the next save on the same host.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import uuid
from collections.abc import Iterator
from typing import Any

__all__ = ["DEFAULT_KEEP", "RESUME_ATTR", "discard_handoff", "handoff", "latest_checkpoint", "load", "save",
           "trial_dir"]

#: Checkpoints kept per trial when neither the scheduler nor the call says otherwise.
DEFAULT_KEEP = 2
RESUME_ATTR = "resume_checkpoint"  # trial system attr: hand-off path relative to the study root
_CKPT_RE = re.compile(r"^ckpt-(\d+)$")


def trial_dir(root: str, trial_id: int) -> str:
    """The directory of one trial's checkpoints under the study's checkpoint ``root``."""
    return os.path.join(root, f"trial-{trial_id}")


@contextlib.contextmanager
def _locked(directory: str) -> Iterator[None]:
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, ".lock"), "a+") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no cross-process lock, single-writer use only
            yield
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _checkpoints(directory: str) -> list[tuple[int, str]]:
    if not os.path.isdir(directory):
        return []
    out = []
    for name in os.listdir(directory):
        m = _CKPT_RE.match(name)
        if m:
            out.append((int(m.group(1)), os.path.join(directory, name)))
    return sorted(out)


def latest_checkpoint(root: str, trial_id: int) -> tuple[int, str] | None:
    """``(step, path)`` of the newest checkpoint a trial saved itself, or None."""
    cps = _checkpoints(trial_dir(root, trial_id))
    return cps[-1] if cps else None


# ---- encoding -----------------------------------------------------------------------------
_ND = "__tunewise_ndarray__"


def _has_torch_tensor(obj: Any) -> bool:
    mod = type(obj).__module__
    if mod.startswith("torch") and type(obj).__name__ in ("Tensor", "Parameter"):
        return True
    if isinstance(obj, dict):
        return any(_has_torch_tensor(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return any(_has_torch_tensor(v) for v in obj)
    return False


def _encode(obj: Any, arrays: list[Any], path: str) -> Any:
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise TypeError(f"save_checkpoint(): dict keys must be strings, got {k!r} at {path}")
            out[k] = _encode(v, arrays, f"{path}[{k!r}]")
        return out
    if isinstance(obj, (list, tuple)):
        return [_encode(v, arrays, f"{path}[{i}]") for i, v in enumerate(obj)]
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None  # type: ignore[assignment]
    if np is not None:
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            if obj.dtype == object:
                raise TypeError(f"save_checkpoint(): numpy arrays of Python objects cannot be stored safely ({path})")
            arrays.append(obj)
            return {_ND: len(arrays) - 1}
    raise TypeError(
        f"save_checkpoint() stores plain data (dict/list/str/number/bool/None), numpy arrays and torch "
        f"tensors; got {type(obj).__name__} at {path}: convert it first (e.g. model.state_dict(), "
        f"estimator.coef_.copy())"
    )


def _decode(obj: Any, arrays: Any) -> Any:
    if isinstance(obj, dict):
        if len(obj) == 1 and _ND in obj:
            return arrays[f"a{obj[_ND]}"]
        return {k: _decode(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v, arrays) for v in obj]
    return obj


def _write(directory: str, obj: Any) -> None:
    if _has_torch_tensor(obj):
        import torch

        torch.save(obj, os.path.join(directory, "data.pt"))
        return
    arrays: list[Any] = []
    data = _encode(obj, arrays, "obj")
    with open(os.path.join(directory, "data.json"), "w") as fh:
        json.dump(data, fh)
    if arrays:
        import numpy as np

        np.savez(os.path.join(directory, "arrays.npz"), **{f"a{i}": a for i, a in enumerate(arrays)})


def _read(directory: str) -> Any:
    pt = os.path.join(directory, "data.pt")
    if os.path.exists(pt):
        import torch

        return torch.load(pt, weights_only=True)  # refuses anything but tensors and plain containers
    with open(os.path.join(directory, "data.json")) as fh:
        data = json.load(fh)
    npz = os.path.join(directory, "arrays.npz")
    if os.path.exists(npz):
        import numpy as np

        with np.load(npz, allow_pickle=False) as arrays:
            return _decode(data, {k: arrays[k] for k in arrays.files})
    return data


# ---- operations (the loop's save_checkpoint, load_checkpoint and hand-off call these) ----------
def save(root: str, trial_id: int, obj: Any, step: int, keep: int) -> str:
    """Write ``obj`` as trial ``trial_id``'s checkpoint at ``step``; keep its ``keep`` newest."""
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"save_checkpoint() step must be a non-negative integer, got {step!r}")
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise ValueError(f"keep must be a positive integer (checkpoints kept per trial), got {keep!r}")
    tdir = trial_dir(root, trial_id)
    os.makedirs(tdir, exist_ok=True)
    tmp = _partial_dir(root)
    try:
        _write(tmp, obj)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    final = os.path.join(tdir, f"ckpt-{step:010d}")
    with _locked(tdir):
        if os.path.exists(final):
            shutil.rmtree(final)
        os.rename(tmp, final)  # atomic: readers see a whole checkpoint or none
        for _, old in _checkpoints(tdir)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    return final


_PARTIAL = ".partial"  # under the study root: checkpoints being written, named <host>-<pid>-<random>


def _partial_dir(root: str) -> str:
    """A new directory to write a checkpoint in before it is renamed into its trial directory.

    They all live in one folder of the study root, so that what a killed writer left half
    written (kill -9 inside ``save_checkpoint``) is found without listing every trial directory:
    each save removes the ones of writers on this host that no longer run."""
    folder = os.path.join(root, _PARTIAL)
    os.makedirs(folder, exist_ok=True)
    host = re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname())
    for name in os.listdir(folder):
        h, _, rest = name.partition("-")
        pid = rest.partition("-")[0]
        if h == host and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
    path = os.path.join(folder, f"{host}-{os.getpid()}-{uuid.uuid4().hex}")
    os.makedirs(path)
    return path


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def load(root: str, trial_id: int, resume: str | None, number: int) -> Any:
    """Trial ``trial_id``'s own latest checkpoint, else the hand-off ``resume`` (a path relative to
    ``root``, the trial's ``resume_checkpoint`` system attr), else None. ``number`` names the
    trial in errors."""
    own = latest_checkpoint(root, trial_id)
    if own is not None:
        return _read(own[1])
    if resume:
        path = os.path.join(root, resume)
        if os.path.isdir(path):
            return _read(path)
        raise FileNotFoundError(
            f"trial {number} continues from checkpoint {path!r}, which no longer exists; "
            f"was the checkpoint directory deleted?"
        )
    return None


def handoff(root: str, source_trial_id: int, max_step: int | None = None) -> str | None:
    """Snapshot ``source_trial_id``'s latest checkpoint (at or before ``max_step``) for another trial.

    Returns the snapshot path relative to the study's checkpoint root (store it as the
    receiving trial's ``resume_checkpoint`` system attr), or None if the source saved none.
    Files are hard-linked (they are never modified after the atomic rename), copied if the
    file system cannot link.
    """
    src_dir = trial_dir(root, source_trial_id)
    rel = os.path.join("handoff", f"from-{source_trial_id}-{uuid.uuid4().hex[:12]}")
    dst = os.path.join(root, rel)
    with _locked(src_dir):
        cps = [c for c in _checkpoints(src_dir) if max_step is None or c[0] <= max_step]
        if not cps:
            return None
        src = cps[-1][1]
        os.makedirs(dst)
        for name in os.listdir(src):
            s, d = os.path.join(src, name), os.path.join(dst, name)
            try:
                os.link(s, d)
            except OSError:
                shutil.copy2(s, d)
    return rel


def discard_handoff(root: str, rel: str | None) -> None:
    """Remove a snapshot :func:`handoff` made that no trial will load (its continuation was
    claimed by another worker first)."""
    if rel:
        shutil.rmtree(os.path.join(root, rel), ignore_errors=True)
