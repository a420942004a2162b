"""A clean, pre-imported process that forks ``n_jobs`` worker processes on request (Linux).

A fresh worker interpreter spends 1-2 s importing numpy, scipy and SQLAlchemy before it runs a
trial, and k workers starting together on a few cores pay that k times over. The zygote is one
fresh interpreter per parent process (started by the first ``optimize(n_jobs=k)``) that imports
what every worker needs once, then forks a worker per request. It runs no user code, opens no
database and starts no thread, so a fork of it is as clean as a fresh interpreter (unlike a fork
of the user's process, which may hold threads, locks, open connections or a GPU context), and
starts in milliseconds. Later ``optimize(n_jobs=k)`` calls in the same parent reuse it.

The parent talks to it over an authenticated local socket: ``("spawn", env, cwd, sys_path,
fds)`` (followed by the parent's current stdin/stdout/stderr, passed as file descriptors)
returns the new worker's pid; ``("poll", pid)`` returns its exit code or None. The zygote reaps
its children; it exits when the parent's connection closes or after 10 idle minutes. It is
replaced when variables read at import time (``OMP_NUM_THREADS`` and the like) change.
``TUNEWISE_WORKER_START=spawn`` turns it off (fresh interpreters, as on other platforms).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from multiprocessing import reduction
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

_log = logging.getLogger("tunewise")

_ENV_ADDRESS = "TUNEWISE_ZYGOTE_ADDRESS"
_ENV_AUTHKEY = "TUNEWISE_ZYGOTE_AUTHKEY"
_ENV_EAGER = "TUNEWISE_ZYGOTE_EAGER"
# Everything a worker imports before its first trial: loaded before the zygote answers.
_PRELOAD = ("cloudpickle", "tunewise", "tunewise.execution._worker")
# Loaded before the zygote answers too, if the parent had loaded it (it uses SQL storage: SQLAlchemy,
# ~0.5 s); otherwise later, like the next ones.
_PRELOAD_IF_PARENT = ("tunewise.storage._sql",)
# What samplers import on first use (TPE's model: scipy.special; the default sampler's QMC start:
# scipy.stats, ~1.2 s): loaded once the zygote is idle and no worker runs, so the first
# optimize() call neither waits for them nor shares its cores with them (its workers import what
# they need), and workers forked by later calls inherit them.
# threadpoolctl: each worker holds the BLAS libraries loaded here to its share of the cores.
_PRELOAD_LATER = ("scipy.special", "scipy.stats.qmc", "threadpoolctl")
_IDLE_EXIT = 600.0  # seconds without a request (and no worker running) before the zygote exits


# ---- zygote side ------------------------------------------------------------------------------------
def _child(conn: Connection, env: dict[str, str], cwd: str, path: list[str], fds: dict[int, int]) -> None:
    """In the forked worker: become a fresh worker process, run it, and exit."""
    code = 1
    try:
        conn.close()
        for target, fd in fds.items():  # the parent's current stdin/stdout/stderr, as Popen would inherit
            os.dup2(fd, target)
            os.close(fd)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the zygote ignores Ctrl-C; workers must not
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.path[:] = path
        # Forked children share the zygote's random state: give each its own, as a fresh interpreter has.
        random.seed()
        np = sys.modules.get("numpy")
        if np is not None:
            np.random.seed()
        from tunewise.execution._worker import main

        main()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:  # noqa: BLE001 - report like an interpreter would, then exit
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            atexit._run_exitfuncs()  # what a normal interpreter exit would run (log flushes and the like)
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001
                    pass
            os._exit(code)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is for the parent and the workers
    eager = [m for m in os.environ.get(_ENV_EAGER, "").split(",") if m in _PRELOAD_IF_PARENT]
    for name in (*_PRELOAD, *eager):
        importlib.import_module(name)
    conn = Client(os.environ[_ENV_ADDRESS], family="AF_UNIX", authkey=bytes.fromhex(os.environ[_ENV_AUTHKEY]))
    exited: dict[int, int] = {}
    running: set[int] = set()
    later = [m for m in _PRELOAD_IF_PARENT if m not in eager] + list(_PRELOAD_LATER)
    last_used = time.monotonic()
    while True:
        # Single-threaded on purpose: a fork must not copy a lock held by another thread.
        # Poll often while children may need reaping; otherwise wake rarely, and leave when idle
        # for long (it holds ~100 MB of imports; the parent starts a new one when needed).
        ready = conn.poll(0.05 if running else 5.0)
        if not ready and not running and time.monotonic() - last_used > _IDLE_EXIT:
            return
        while running:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            running.discard(pid)
            exited[pid] = os.waitstatus_to_exitcode(status)
        if not ready:
            # Idle with no worker running (so the import takes no core from a trial): one optional
            # module per tick, so a request waits for one import at most.
            if later and not running:
                try:
                    importlib.import_module(later.pop(0))
                except Exception:  # noqa: BLE001 - optional: a worker that needs it reports the error
                    pass
            continue
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone; running workers notice on their own connection
        last_used = time.monotonic()
        if msg[0] == "spawn":
            _, env, cwd, path, targets = msg
            fds = {target: reduction.recv_handle(conn) for target in targets}
            pid = os.fork()
            if pid == 0:
                _child(conn, env, cwd, path, fds)
            for fd in fds.values():
                os.close(fd)
            running.add(pid)
            conn.send(pid)
        elif msg[0] == "poll":
            pid = msg[1]
            conn.send(exited.pop(pid) if pid in exited else (None if pid in running else -1))
        else:  # pragma: no cover - protocol error
            conn.send(None)


# ---- parent side ------------------------------------------------------------------------------------
class _Zygote:
    def __init__(self) -> None:
        authkey = os.urandom(32)
        tmpdir = tempfile.mkdtemp(prefix="tunewise-zygote-")
        address = os.path.join(tmpdir, "zygote.sock")
        listener = Listener(address, family="AF_UNIX", authkey=authkey)
        env = dict(os.environ, **{_ENV_ADDRESS: address, _ENV_AUTHKEY: authkey.hex(),
                                  _ENV_EAGER: ",".join(m for m in _PRELOAD_IF_PARENT if m in sys.modules)})
        paths = [os.path.abspath(p) if p else os.getcwd() for p in sys.path]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        # -c, not -m: runpy would warn that the package already imported this module.
        self.proc = subprocess.Popen([sys.executable, "-c", "from tunewise.execution._zygote import main; main()"],
                                     env=env,
                                     stdin=subprocess.DEVNULL)
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.import_env = _import_env()
        accepted: list[Connection] = []
        acceptor = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
        acceptor.start()
        deadline = time.monotonic() + 120.0  # (monotonic: a step of the system clock must not end the wait)
        while acceptor.is_alive() and self.proc.poll() is None and time.monotonic() < deadline:
            acceptor.join(0.05)
        listener.close()
        try:
            os.unlink(address)
            os.rmdir(tmpdir)
        except OSError:
            pass
        if not accepted:
            self.proc.kill()
            raise RuntimeError(f"the worker zygote did not start (exit code {self.proc.poll()})")
        self.conn = accepted[0]

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.proc.poll() is None and not self.conn.closed

    def current(self) -> bool:
        """False when variables read at import time (thread counts, ...) changed since it started."""
        return self.import_env == _import_env()

    def request(self, *msg: Any) -> Any:
        with self.lock:
            self.conn.send(msg)
            return self.conn.recv()

    def spawn(self, env: dict[str, str]) -> int:
        paths = [os.path.abspath(p) if p else os.getcwd() for p in sys.path]
        # Pass the parent's stdin/stdout/stderr as they are now (pytest, a notebook or the user may
        # have redirected them since the zygote started), so a worker prints where Popen's would.
        targets = []
        for fd in (0, 1, 2):
            try:
                os.fstat(fd)
                targets.append(fd)
            except OSError:
                pass
        with self.lock:
            self.conn.send(("spawn", env, os.getcwd(), paths, targets))
            for fd in targets:
                reduction.send_handle(self.conn, fd, self.proc.pid)
            return self.conn.recv()  # type: ignore[no-any-return]

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _import_env() -> dict[str, str]:
    # numpy/BLAS read these when imported, i.e. once in the zygote: a change needs a new zygote.
    prefixes = ("OMP_", "OPENBLAS_", "MKL_", "NUMEXPR_", "VECLIB_", "PYTHON", "LD_")
    return {k: v for k, v in os.environ.items() if k.startswith(prefixes)}


_zygote: _Zygote | None = None
_zygote_lock = threading.Lock()


def _get_zygote() -> _Zygote | None:
    """The parent's zygote, started on first use; None where forking is not the safe choice."""
    global _zygote
    if not sys.platform.startswith("linux") or os.environ.get("TUNEWISE_WORKER_START", "zygote") != "zygote":
        return None
    with _zygote_lock:
        if _zygote is not None and not (_zygote.alive() and _zygote.current()):
            _zygote.close()
            _zygote = None
        if _zygote is None:
            try:
                _zygote = _Zygote()
            except Exception as e:  # noqa: BLE001 - fall back to fresh interpreters
                _log.debug("worker zygote unavailable (%s); starting fresh worker interpreters", e)
                return None
            atexit.register(_zygote.close)
        return _zygote


@contextlib.contextmanager
def held_interrupts() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) until the block is done, then raise it: an exchange with the
    zygote interrupted between a request and its reply would leave the reply to answer the next
    request (a worker's pid read as another's exit code), and a worker spawned but not yet
    registered would run unseen."""
    from tunewise._interrupts import DeferInterrupt

    with DeferInterrupt() as guard:
        yield
    guard.raise_if_fired()


class ForkedWorker:
    """A worker process forked by the zygote, with the parts of ``subprocess.Popen`` we use."""

    def __init__(self, zygote: _Zygote, env: dict[str, str]) -> None:
        self._zygote = zygote
        self.pid: int = zygote.spawn(env)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            with held_interrupts():
                try:
                    rc = self._zygote.request("poll", self.pid)
                except (EOFError, OSError):
                    rc = -signal.SIGKILL  # the zygote died: its children were reparented; treat as lost
                    try:
                        os.kill(self.pid, signal.SIGKILL)
                    except OSError:
                        pass
                self.returncode = rc
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() >= end:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0.0)
            time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def spawn_worker(env: dict[str, str]) -> ForkedWorker | None:
    """Fork a worker with ``env`` from the zygote, or None (then start a fresh interpreter)."""
    zygote = _get_zygote()
    if zygote is None:
        return None
    try:
        return ForkedWorker(zygote, env)
    except (EOFError, OSError) as e:
        _log.debug("worker zygote failed (%s); starting a fresh worker interpreter", e)
        return None


if __name__ == "__main__":
    main()
