"""Parallel trials on one machine: :class:`ProcessExecutor`, what ``study.optimize(..., n_jobs=k)``
uses, runs k worker *processes*.

The parent process is the coordinator. Workers are fresh interpreters (``python -m
tunewise.execution._worker``), so nothing is forked mid-state and the user's script is never
re-imported (on Linux they are forked from a clean pre-imported "zygote" process, see _zygote.py,
so they start in milliseconds); the objective, sampler and scheduler reach them through cloudpickle, which ships
functions defined in ``__main__`` and closures by value. Workers talk to the parent over an
authenticated local socket to claim trial slots (so ``n_trials`` and ``timeout`` hold across
workers) and to report finished trials (so callbacks and the progress bar run in the parent).
With a persistent storage each worker opens it by URL; the in-memory storage is served by the
parent over the same socket.

The parent always knows which trial each worker runs (a worker announces it when the trial
starts; with the in-memory storage the parent starts it), so when a worker dies (kill -9, the
OOM killer, a segfault) the parent fails that trial at once ("worker died: signal 9") and
retries it under the study's retry policy, then starts a replacement worker while work remains.
While workers keep dying with no trial finished in between, each replacement starts a little
later (no delay for the first round of n_jobs deaths, then 0.25 s doubling to 5 s), and once
there were ``max(4, 3 * n_jobs)`` such deaths over at least 30 s, ``optimize`` stops and raises
:class:`WorkerError` with the last exit status: see :class:`WorkerError` for why.
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

from tunewise.execution._executor import Executor
from tunewise.execution._resources import (
    LEDGER,
    DeviceLease,
    check_devices,
    cpu_share,
    trials_at_once,
    visible_devices,
    worker_env,
)
from tunewise.execution._worker import ShippedCallable
from tunewise.execution._zygote import held_interrupts, spawn_worker
from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from tunewise.execution._job import OptimizeJob

_log = logging.getLogger("tunewise")

_ENV_ADDRESS = "TUNEWISE_COORDINATOR_ADDRESS"
_ENV_AUTHKEY = "TUNEWISE_COORDINATOR_AUTHKEY"


class WorkerError(RuntimeError):
    """A worker process failed: an objective raised an exception that could not be sent back as
    is, or worker processes kept dying (killed, out of memory, crashed).

    The rule for dying workers: a worker that dies has its trial failed and retried and is
    replaced, however often that happens, as long as trials finish in between. Workers that keep
    dying with no trial finished are what an objective that kills its process every time looks
    like (a segfault, the out-of-memory killer on every configuration), and would otherwise loop
    forever writing FAILED trials: ``optimize()`` gives up with this error after
    ``max(4, 3 * n_jobs)`` deaths in a row *and* at least 30 s since the first of them. A burst of
    outside kills (preemption, an operator, a chaos test) shorter than that does not end the run,
    however many workers it kills; replacements after the first round of deaths start 0.25 s to
    5 s late (doubling), so a crash loop writes a few dozen FAILED trials before the error, not
    thousands.
    """


# A streak of worker deaths with no trial finished ends optimize() only once it lasts this long.
_GIVE_UP_AFTER = 30.0
_FIRST_DELAY = 0.25  # seconds before a replacement starts, after the first round of deaths in a row
_MAX_DELAY = 5.0


def _max_deaths_in_a_row(n_jobs: int) -> int:
    """Worker deaths with no trial finished in between after which optimize() may give up (if
    they span :data:`_GIVE_UP_AFTER`): enough that a few configurations that crash (and their
    retries) do not end a run, few enough that workers which cannot run at all (every trial
    crashes, a worker cannot start) end it after about three rounds."""
    return max(4, 3 * n_jobs)


def _respawn_delay(deaths_in_a_row: int, n_jobs: int) -> float:
    """Seconds before the replacement of a dead worker starts: none in the first round of
    ``n_jobs`` deaths in a row, then doubling from :data:`_FIRST_DELAY` to :data:`_MAX_DELAY`
    per round (a crash loop's back-off, as a process supervisor's)."""
    rounds = (deaths_in_a_row - 1) // max(1, n_jobs)
    if rounds <= 0:
        return 0.0
    return float(min(_MAX_DELAY, _FIRST_DELAY * 2 ** (rounds - 1)))


def _exit_status(rc: int) -> str:
    """'signal 9' or 'exit code 1', as the fail_reason "worker died: ..." says it."""
    return f"signal {-rc}" if rc < 0 else f"exit code {rc}"


def _describe_exit(rc: int) -> str:
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = "an unknown signal"
        hint = ": killed by hand or by the out-of-memory killer?" if -rc == signal.SIGKILL else ""
        return f"was killed by signal {-rc} ({name}{hint})"
    return f"exited with code {rc}"


class _WorkerLink:
    """What the coordinator knows about one worker process (one spawn)."""

    def __init__(self) -> None:
        self.trial_id: int | None = None  # the trial it runs, from its start until "done"
        self.params: dict[str, Any] = {}  # that trial's values so far, as the worker chose them
        self.holding_slot = False  # it was granted a trial slot it has not reported back
        self.dead = False  # reaped by the parent: anything it still sends is ignored
        self.closed = threading.Event()  # its connection reached EOF: every message was read


class _Coordinator:
    def __init__(self, job: OptimizeJob, payload: bytes, n_jobs: int) -> None:
        self.job = job
        self.payload = payload
        self.lock = threading.Lock()
        self.stop = False
        self.errors: list[tuple[bytes | None, str]] = []
        self.storage = job.study.storage  # served to the workers when it is in memory
        self.links: dict[int, _WorkerLink] = {}  # spawn id -> link, from the worker's hello
        self.deaths_in_a_row = 0  # worker deaths since a trial last finished
        self.streak_start = 0.0  # time.monotonic() of the first of them
        self.max_deaths_in_a_row = _max_deaths_in_a_row(n_jobs)
        self.gave_up: str | None = None  # why optimize() stopped because workers kept dying

    def work_remains(self) -> bool:
        with self.lock:
            return not self.stop and self.job.work_remains()

    def _report(self, frozen: FrozenTrial) -> None:
        """A trial of this call finished: the progress bar and the callbacks see it (under the lock)."""
        self.deaths_in_a_row = 0
        try:
            self.job.trial_finished(frozen)
        except Exception as e:  # a failing callback stops the run, as in-process
            self.errors.append((_dumps_exc(e), f"a callback raised {e!r}"))
            self.stop = True

    def serve(self, conn: Connection) -> None:
        link = _WorkerLink()  # replaced by the registered one at hello
        try:
            while True:
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    return
                kind = msg[0]
                if kind == "param":  # one-way: a value the worker's trial just chose
                    with self.lock:
                        if not link.dead and link.trial_id == msg[1]:
                            link.params[msg[2]] = msg[3]
                    continue
                if kind == "started":  # one-way: the trial this worker now runs
                    with self.lock:
                        if not link.dead:
                            link.trial_id, link.params = msg[1], {}
                    continue
                if kind == "hello":
                    with self.lock:
                        link = self.links.setdefault(msg[1], link)
                    conn.send_bytes(self.payload)
                elif kind == "slot":
                    with self.lock:
                        ok = not link.dead and not self.stop and self.job.claim_slot()
                        link.holding_slot = ok
                    conn.send(ok)
                elif kind == "done":
                    frozen: FrozenTrial = msg[1]
                    with self.lock:
                        if len(msg) > 2 and msg[2]:  # the worker's objective called study.stop()
                            self.job.study.stop()
                        if not link.dead:
                            link.holding_slot, link.trial_id = False, None
                            self._report(frozen)
                    conn.send(self.stop or self.job.stop_requested)
                elif kind == "exhausted":
                    with self.lock:
                        if link.holding_slot:
                            link.holding_slot = False
                            self.job.release_slot()
                        self.stop = True
                    conn.send(True)
                elif kind == "error":
                    with self.lock:
                        link.holding_slot, link.trial_id = False, None
                        self.errors.append((msg[1], msg[2]))
                        self.stop = True
                    conn.send(True)
                elif kind in ("storage", "storage_fn"):
                    _, name, args, kwargs = msg
                    try:
                        if kind == "storage_fn":  # a function argument, as cloudpickle bytes
                            args = tuple(a.restore() if isinstance(a, ShippedCallable) else a for a in args)
                        result: Any
                        if name == "recover_stale_trials" and "alive" in kwargs:
                            # The worker spares its own trials; the storage here may predate alive=.
                            from tunewise.storage._heartbeat import recover_sparing

                            study_id, grace, outcome = args
                            result = recover_sparing(self.storage, study_id, grace, outcome, kwargs["alive"])
                        else:
                            result = getattr(self.storage, name)(*args, **kwargs)
                    except Exception as e:
                        conn.send(("err", _dumps_exc(e) or pickle.dumps(RuntimeError(repr(e)))))
                    else:
                        if name == "start_trial":  # the parent starts it: no announcement needed
                            with self.lock:
                                if not link.dead:
                                    link.trial_id, link.params = result.trial_id, {}
                        conn.send(("ok", result))
                else:  # pragma: no cover - protocol error
                    raise RuntimeError(f"unknown worker message {kind!r}")
        except (EOFError, OSError):
            pass  # the worker died while we answered it; the parent reaps it
        finally:
            link.closed.set()
            conn.close()

    def reap(self, spawn_id: int, rc: int, *, report: bool = True) -> bool:
        """Worker ``spawn_id`` exited with status ``rc``: fail the trial it held (and retry it under
        the study's retry policy), give its slot back. True if it died (rather than finished)."""
        with self.lock:
            link = self.links.get(spawn_id)
        if link is not None:
            # Read what it sent before it died (its "started" or "done" may still be in the socket).
            link.closed.wait(5.0)
        with self.lock:
            trial_id = link.trial_id if link is not None else None
            params = dict(link.params) if link is not None else {}
            held = link.holding_slot if link is not None else False
            if link is not None:
                link.dead, link.trial_id, link.holding_slot = True, None, False
        died = rc != 0 or held
        if not died:
            return False
        status = _exit_status(rc)
        finished: FrozenTrial | None = None
        if trial_id is not None:
            try:
                # None: failed now (and retried); else it had finished before the worker died.
                finished = self.job.fail_lost_trial(trial_id, f"worker died: {status}", params=params)
            except Exception as e:  # noqa: BLE001 - the storage is out of reach: the heartbeat reaper will
                _log.warning("could not fail trial id %d of the dead worker: %s", trial_id, e)
        with self.lock:
            if finished is not None and report:
                self._report(finished)  # its result was written: it counts as this call's trial
            elif held:
                self.job.release_slot()  # give its slot back, so n_trials is still met
            if rc != 0 or finished is None:
                if self.deaths_in_a_row == 0:
                    self.streak_start = time.monotonic()
                self.deaths_in_a_row += 1
            span = time.monotonic() - self.streak_start
            if (self.deaths_in_a_row >= self.max_deaths_in_a_row and span >= _GIVE_UP_AFTER
                    and self.gave_up is None and report):
                self.gave_up = (
                    f"worker processes keep dying: {self.deaths_in_a_row} deaths in a row over {span:.0f} s with "
                    f"no trial finished in between (the last one {_describe_exit(rc)}); optimize() stopped. Their "
                    f"trials were marked FAILED with fail_reason 'worker died: ...'; the workers' output "
                    f"above may say why they died"
                )
                self.stop = True
        return True


def _dumps_exc(e: BaseException) -> bytes | None:
    try:
        data: bytes = cloudpickle.dumps(e)
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


class ProcessExecutor(Executor):
    """Run trials in ``n_jobs`` worker processes on this machine (what ``optimize(n_jobs=k)`` uses).

    Each worker is a clean Python process (never a fork of the caller), so the objective needs
    no ``if __name__ == "__main__":`` guard, and CPU-bound objectives run in parallel. The
    objective, sampler and scheduler reach the workers through ``cloudpickle`` (closures and
    functions defined in the script are fine). A worker that dies (``kill -9``, out of memory)
    has its trial failed at once ("worker died: signal 9"), retried, and is replaced.
    ``n_jobs=-1`` starts one worker per CPU.

    Each worker gets its share of the CPU threads (``cores // n_jobs``, or
    ``optimize(resources={"cpu": k})``) through ``OMP_NUM_THREADS`` and the like, torch and
    threadpoolctl, so k workers do not oversubscribe the cores (unless you set
    ``OMP_NUM_THREADS`` yourself). With ``resources={"gpu": g}`` each worker holds its GPUs for
    its life (``CUDA_VISIBLE_DEVICES``; CUDA reads it once per process); workers that find no
    device free start when one is.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4, executor=tw.ProcessExecutor(2))
    >>> len(study.trials)
    4
    """

    def __init__(self, n_jobs: int = -1) -> None:
        if n_jobs == -1:
            n_jobs = os.cpu_count() or 1
        if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
            raise ValueError(f"n_jobs must be a positive integer or -1 (one worker per CPU), got {n_jobs!r}")
        self.n_jobs = n_jobs

    def __repr__(self) -> str:
        return f"ProcessExecutor(n_jobs={self.n_jobs})"

    def run(self, job: OptimizeJob) -> None:
        try:
            payload = cloudpickle.dumps(job.remote())
        except Exception as e:
            raise TypeError(
                f"n_jobs={self.n_jobs} runs trials in worker processes, which need the objective, sampler "
                f"and scheduler to be picklable by cloudpickle; this failed: {e}"
            ) from e
        _run_workers(job, payload, self.n_jobs)


def _kill_stragglers(coord: _Coordinator, procs: dict[int, Any]) -> None:
    """The budget is used up: a worker whose trial was failed as stale (the worker was stopped
    with SIGSTOP, or hung, past the grace period; found here or by another worker) is killed, so
    optimize() returns instead of waiting for a process that may never run again. Its late
    result, if any, is kept by the storage as ``late_result``."""
    from tunewise.storage._heartbeat import on_ask

    storage = coord.job.study.storage
    try:
        # Nobody asks for a trial any more: find stale trials here (the last trial's worker may be
        # the stopped one); each is failed and, under the retry policy, queued for a later run.
        on_ask(coord.job.study)
    except Exception:  # noqa: BLE001 - the storage is out of reach: check again later
        return
    for spawn_id, p in list(procs.items()):
        with coord.lock:
            link = coord.links.get(spawn_id)
            trial_id = link.trial_id if link is not None and not link.dead else None
        if trial_id is None or p.poll() is not None:
            continue
        try:
            state = storage.get_trial(trial_id).state
        except Exception:  # noqa: BLE001 - the storage is out of reach: check again later
            continue
        if state == TrialState.FAILED:
            _log.warning("worker process %d still holds trial id %d, which was failed as stale; killing it",
                         p.pid, trial_id)
            p.kill()


def _run_workers(job: OptimizeJob, payload: bytes, n_jobs: int) -> None:
    # resources=: each worker holds its devices for its life (CUDA reads CUDA_VISIBLE_DEVICES once
    # per process), and gets its share of the CPU threads.
    resources = job.resources
    cpu_threads = cpu_share(resources, n_jobs)
    devices: list[str] = []
    if resources is not None and resources.gpu:
        devices = visible_devices()
        check_devices(resources, devices)
        fits = trials_at_once(resources, devices)
        if fits < n_jobs:
            _log.info("resources=%s on %d GPU(s): %d trials run at once, the other workers wait for a device",
                      resources.as_dict(), len(devices), fits)
    authkey = secrets.token_bytes(32)
    tmpdir = tempfile.mkdtemp(prefix="tunewise-")
    address = os.path.join(tmpdir, "coordinator.sock")
    listener = Listener(address, family="AF_UNIX", authkey=authkey)
    coord = _Coordinator(job, payload, n_jobs)
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
    spawned = 0

    procs: dict[int, Any] = {}
    leases: dict[int, DeviceLease] = {}
    waiting = 0  # workers to start once a device is free

    def spawn() -> bool:
        """Start a worker; False if no device is free for it (start it later)."""
        nonlocal spawned
        lease = None
        if devices:
            assert resources is not None
            lease = LEDGER.try_acquire(devices, resources.gpu)
            if lease is None:
                return False
        spawn_id, spawned = spawned, spawned + 1
        # The index also picks the worker's random stream (RemoteJob.open): never another's.
        e = dict(env, TUNEWISE_WORKER_INDEX=str(spawn_id), **worker_env(lease, cpu_threads))
        try:
            with held_interrupts():  # a Ctrl-C now is raised once the worker is in procs (and reaped)
                # A fork of the pre-imported zygote starts in milliseconds; a fresh interpreter in 1-2 s.
                forked = spawn_worker(e)
                procs[spawn_id] = forked if forked is not None else subprocess.Popen(cmd, env=e)
        finally:
            if lease is not None:
                if spawn_id in procs:
                    leases[spawn_id] = lease
                else:
                    lease.release()
        return True

    try:
        for _ in range(n_jobs):
            if not spawn():
                waiting += 1
        next_straggler_check = 0.0
        respawns: list[float] = []  # when each delayed replacement of a dead worker starts
        while procs or ((waiting or respawns) and coord.work_remains()):
            while waiting and coord.work_remains() and spawn():
                waiting -= 1  # a device came free: its worker starts now
            while respawns and respawns[0] <= time.monotonic() and coord.work_remains():
                respawns.pop(0)
                if not spawn():
                    waiting += 1
            if procs and time.monotonic() >= next_straggler_check and not coord.work_remains():
                next_straggler_check = time.monotonic() + 1.0
                _kill_stragglers(coord, procs)
            for spawn_id, p in list(procs.items()):
                rc = p.poll()
                if rc is None:
                    continue
                del procs[spawn_id]
                lease = leases.pop(spawn_id, None)
                if lease is not None:
                    lease.release()
                # A worker that died (killed, out of memory, segfault) had its trial failed and
                # retried: keep the pool full while there is work left.
                if coord.reap(spawn_id, rc):
                    replace = coord.work_remains()
                    delay = _respawn_delay(coord.deaths_in_a_row, n_jobs) if replace else 0.0
                    _log.warning("worker process %d died (%s)%s", p.pid, _exit_status(rc),
                                 "" if not replace else f"; starting a replacement in {delay:g} s" if delay
                                 else "; starting a replacement")
                    if replace and delay:
                        respawns.append(time.monotonic() + delay)
                        respawns.sort()
                    elif replace and not spawn():
                        waiting += 1
            time.sleep(0.02)
    except KeyboardInterrupt as e:
        from tunewise._interrupts import Terminated

        coord.stop = True
        if isinstance(e, Terminated):
            # SIGTERM reached this process only: pass it on, so each worker fails its running
            # trial and queues it to rerun (a stopped worker, not a bad trial).
            for p in procs.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
        else:
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
        for spawn_id, p in procs.items():  # interrupted or killed as stragglers: no trial left RUNNING
            rc = p.poll()
            coord.reap(spawn_id, -signal.SIGKILL if rc is None else rc, report=False)
        for lease in leases.values():
            lease.release()
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
    if coord.gave_up is not None:
        raise WorkerError(coord.gave_up)


def _wait_all(procs: list[Any], timeout: float, kill: bool = True) -> None:
    end = time.monotonic() + timeout  # (monotonic: a step of the system clock must not stretch or cut it)
    for p in procs:
        try:
            p.wait(timeout=max(0.0, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            if kill:
                p.kill()
                p.wait()
