"""Parallel trials on one machine: ``study.optimize(..., n_jobs=k)`` runs k worker *processes*.

The parent process is the coordinator. Workers are fresh interpreters (``python -m
tunewise.execution._worker``), so nothing is forked mid-state and the user's script is never
re-imported (on Linux they are forked from a clean pre-imported "zygote" process, see _zygote.py,
so they start in milliseconds); the objective, sampler and scheduler reach them through cloudpickle, which ships
functions defined in ``__main__`` and closures by value. Workers talk to the parent over an
authenticated local socket to claim trial slots (so ``n_trials`` and ``timeout`` hold across
workers) and to report finished trials (so callbacks and the progress bar run in the parent).
With a persistent storage each worker opens it by URL; the in-memory storage is served by the
parent over the same socket.
"""

from __future__ import annotations

import logging
import os
import pickle
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection, Listener
from typing import TYPE_CHECKING, Any

import cloudpickle

from tunewise.execution._zygote import spawn_worker
from tunewise.trial import FrozenTrial

if TYPE_CHECKING:
    from tunewise.study import Callback, ObjectiveFunc, Study

_log = logging.getLogger("tunewise")

_ENV_ADDRESS = "TUNEWISE_COORDINATOR_ADDRESS"
_ENV_AUTHKEY = "TUNEWISE_COORDINATOR_AUTHKEY"


class WorkerError(RuntimeError):
    """An objective raised an exception in a worker process that could not be sent back as is."""


class _Coordinator:
    def __init__(self, study: Study, n_trials: int | None, deadline: float | None,
                 callbacks: list[Callback], progress: Any, payload: bytes) -> None:
        self.study = study
        self.n_trials = n_trials
        self.deadline = deadline
        self.callbacks = callbacks
        self.progress = progress
        self.payload = payload
        self.lock = threading.Lock()
        self.started = 0
        self.stop = False
        self.errors: list[tuple[bytes | None, str]] = []
        self.storage = study._storage

    def _may_start(self) -> bool:
        if self.stop or self.study._stop_requested:
            return False
        if self.deadline is not None and time.time() >= self.deadline:
            return False
        if self.n_trials is not None and self.started >= self.n_trials:
            return False
        self.started += 1
        return True

    def serve(self, conn: Connection) -> None:
        holding_slot = False
        try:
            while True:
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    return
                kind = msg[0]
                if kind == "hello":
                    conn.send_bytes(self.payload)
                elif kind == "slot":
                    with self.lock:
                        ok = self._may_start()
                    holding_slot = ok
                    conn.send(ok)
                elif kind == "done":
                    holding_slot = False
                    frozen: FrozenTrial = msg[1]
                    with self.lock:
                        self.progress.update(frozen)
                        for cb in self.callbacks:
                            try:
                                cb(self.study, frozen)
                            except Exception as e:  # a failing callback stops the run, as in-process
                                self.errors.append((_dumps_exc(e), f"callback {cb!r} raised {e!r}"))
                                self.stop = True
                    conn.send(self.stop or self.study._stop_requested)
                elif kind == "exhausted":
                    holding_slot = False
                    with self.lock:
                        self.stop = True
                        self.started -= 1
                    conn.send(True)
                elif kind == "error":
                    holding_slot = False
                    with self.lock:
                        self.errors.append((msg[1], msg[2]))
                        self.stop = True
                    conn.send(True)
                elif kind == "storage":
                    _, name, args, kwargs = msg
                    try:
                        result = getattr(self.storage, name)(*args, **kwargs)
                    except Exception as e:
                        conn.send(("err", _dumps_exc(e) or pickle.dumps(RuntimeError(repr(e)))))
                    else:
                        conn.send(("ok", result))
                else:  # pragma: no cover - protocol error
                    raise RuntimeError(f"unknown worker message {kind!r}")
        finally:
            if holding_slot:
                # The worker died inside a trial: give its slot back so n_trials is still met.
                with self.lock:
                    self.started -= 1
            conn.close()


def _dumps_exc(e: BaseException) -> bytes | None:
    try:
        data = cloudpickle.dumps(e)
        pickle.loads(data)
        return data
    except Exception:
        return None


def _worker_env(address: str, authkey: bytes) -> dict[str, str]:
    env = dict(os.environ)
    env[_ENV_ADDRESS] = address
    env[_ENV_AUTHKEY] = authkey.hex()
    # Objectives importable in the parent (pickled by reference) must import in workers too.
    paths = [os.path.abspath(p) if p else os.getcwd() for p in sys.path]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def run_local_processes(study: Study, func: ObjectiveFunc, n_trials: int | None, deadline: float | None,
                        catch: tuple[type[BaseException], ...], callbacks: list[Callback], progress: Any,
                        n_jobs: int) -> None:
    storage = study._storage
    try:
        payload = cloudpickle.dumps({
            "func": func,
            "catch": catch,
            "sampler": study.sampler,
            "scheduler": study.scheduler,
            "study_name": study.study_name,
            "storage_url": storage.url if storage.is_persistent else None,
            "study_options": getattr(study, "_worker_options", lambda: {})(),
        })
    except Exception as e:
        raise TypeError(
            f"n_jobs={n_jobs} runs trials in worker processes, which need the objective, sampler and "
            f"scheduler to be picklable by cloudpickle; this failed: {e}"
        ) from e
    authkey = secrets.token_bytes(32)
    tmpdir = tempfile.mkdtemp(prefix="tunewise-")
    address = os.path.join(tmpdir, "coordinator.sock")
    listener = Listener(address, family="AF_UNIX", authkey=authkey)
    coord = _Coordinator(study, n_trials, deadline, callbacks, progress, payload)
    threads: list[threading.Thread] = []
    stop_accepting = threading.Event()

    def accept_loop() -> None:
        while not stop_accepting.is_set():
            try:
                conn = listener.accept()
            except Exception:
                if stop_accepting.is_set():
                    return
                continue
            t = threading.Thread(target=coord.serve, args=(conn,), daemon=True)
            t.start()
            threads.append(t)

    acceptor = threading.Thread(target=accept_loop, daemon=True)
    acceptor.start()
    env = _worker_env(address, authkey)
    cmd = [sys.executable, "-m", "tunewise.execution._worker"]

    def spawn(index: int) -> Any:
        e = dict(env, TUNEWISE_WORKER_INDEX=str(index))
        # A fork of the pre-imported zygote starts in milliseconds; a fresh interpreter in 1-2 s.
        forked = spawn_worker(e)
        return forked if forked is not None else subprocess.Popen(cmd, env=e)

    procs = {i: spawn(i) for i in range(n_jobs)}
    respawns = 0
    try:
        while procs:
            for i, p in list(procs.items()):
                rc = p.poll()
                if rc is None:
                    continue
                del procs[i]
                if rc != 0 and not coord.stop:
                    # A worker died (killed, out of memory, segfault). Its trial is left to the
                    # heartbeat reaper; the slot went back to the pool, so start a replacement.
                    _log.warning("worker process %d exited with code %s; starting a replacement", p.pid, rc)
                    if respawns < 3 * n_jobs:
                        respawns += 1
                        procs[i] = spawn(i)
            time.sleep(0.02)
    except KeyboardInterrupt:
        coord.stop = True
        # A terminal's Ctrl-C reaches the workers too (same process group); give them time to
        # fail their running trial, and pass the signal on only to those that did not get it.
        _wait_all(list(procs.values()), 3.0, kill=False)
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        _wait_all(list(procs.values()), 15.0)
        raise
    finally:
        stop_accepting.set()
        try:
            listener.close()
        except Exception:
            pass
        _wait_all(list(procs.values()), 5.0)
        for t in threads:
            t.join(timeout=1.0)
        try:
            os.rmdir(tmpdir)
        except OSError:
            pass
    if coord.errors:
        data, tb = coord.errors[0]
        if data is not None:
            exc = pickle.loads(data)
            if isinstance(exc, BaseException):
                raise exc from WorkerError(f"raised in a worker process:\n{tb}")
        raise WorkerError(f"an objective raised in a worker process:\n{tb}")


def _wait_all(procs: list[Any], timeout: float, kill: bool = True) -> None:
    end = time.time() + timeout
    for p in procs:
        try:
            p.wait(timeout=max(0.0, end - time.time()))
        except subprocess.TimeoutExpired:
            if kill:
                p.kill()
                p.wait()
