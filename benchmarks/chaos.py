"""Fault injection: attack tunewise as an operator would, and count what is lost or wasted.

Every scenario runs a study with a trial budget (``max_trials``), a heartbeat policy and a seeded
random sampler over a continuous space, attacks its workers while they run, waits until they
are done, and then counts, from the storage and from the objective's own ledger (each call
appends its parameters and result to a file and fsyncs it before returning, see
``_chaos_objective.py``):

- lost: results the objective computed that are not stored: neither their trial nor a retry
  of it (or of its retries) is COMPLETE with the same parameters and value (a trial failed as
  stale that finished after all may instead keep them as ``system_attrs["late_result"]``);
- duplicated: COMPLETE trials whose parameters repeat another COMPLETE trial's (with a seeded
  random sampler over a continuous space a repeat is a replayed draw or a trial run twice);
- budget: started trials minus ``max_trials``, counting as ``Study.optimize`` documents it
  (every non-WAITING trial, except that a retry of a stale trial does not count twice; if the
  stale trial completed after all, both ran and both count);
- stale left: trials still RUNNING when every worker has exited;
- failed: FAILED trials whose work was not recovered (no retry of them, or of their retries,
  COMPLETE), except those of an exhausted chain (below). The objective never raises, so every
  FAILED trial is the infrastructure's.
- exhausted (reported, not a failure): retry chains that ran ``max_retries + 1`` times and failed
  every time because this harness killed (or stopped) the worker running it: the study's retry
  policy gives such a configuration up as FAILED, as documented (``max_retries``); its work is
  not lost (it never finished) and the budget counts it once. In njobs-kill it happens when kills
  come faster than a replacement worker starts and finishes a trial (a PostgreSQL worker's
  start-up takes 1-3 s under load, the kill gap is 0.4-1.0 s): the only worker inside a trial
  is the one running the killed trial's retry (the oldest WAITING trial is claimed first), so
  the next kill can only pick it (s32: trials 6, 7, 8, 9 in a row, no result in between). The
  harness logs each kill's trial, so the row says how many of the chain's attempts it ended.

All five counts must be 0; the script prints one row per scenario and storage and exits 1 if any count
is not 0 (or a scenario timed out). Scenarios:

- cli-kill: SIGKILL random ``tunewise worker`` processes (3 running, each with its own
  ``--seed``) at random times, restart each killed one with the same command, as an operator
  (or systemd) would. Only workers that have started a trial are picked (a kill of a worker
  still importing tests nothing).
- njobs-kill: SIGKILL random worker processes of one ``study.optimize(n_jobs=2)``; the optimize
  process itself is left alone (keeping its pool full is its job) and is not restarted.
- pg-outage: PostgreSQL unreachable (a TCP proxy between the workers and the server drops every
  connection and refuses new ones; the shared server is never stopped) for less, then for more,
  than the storage's retry window, once a quarter of the budget has run. The 3 workers are
  ``study.optimize`` processes on ``SQLStorage(url, retry_seconds=...)`` (``tunewise worker``
  has no option for the retry window); one that exits is restarted a second later, again and
  again while the database is down, as an operator or a supervisor would.
- sigstop: SIGSTOP a ``tunewise worker`` inside a trial for longer than the grace period, then
  SIGCONT.

Every wait has a timeout, every process started is killed on exit, and each scenario has a
deadline. PostgreSQL rows run when ``TUNEWISE_TEST_POSTGRES_URL`` (or ``--postgres-url``) is set,
each on a study of its own.

    python benchmarks/chaos.py --quick       # about 2 minutes
    python benchmarks/chaos.py               # about 6 minutes
    python benchmarks/chaos.py --quick --only sigstop --backends sqlite
    PYTHONPATH=/path/to/other/tree/src python benchmarks/chaos.py --quick   # another tunewise

The table says which tunewise ran (its folder and commit). An older tree cannot open a database
that a newer one upgraded: give it a database of its own with ``--postgres-url``.
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _chaos_objective import BUSY_ENV, LEDGER_ENV, value_of  # noqa: E402

POSTGRES_ENV = "TUNEWISE_TEST_POSTGRES_URL"
SAMPLERS = {"random": "RandomSampler", "cmaes": "CmaEsSampler", "tpe": "TPESampler"}  # --sampler
OBJECTIVE = "_chaos_objective:objective"


@dataclass
class Settings:
    """Sizes of one run (``--quick`` or full)."""

    trials: int  # max_trials of the kill scenarios
    sigstop_trials: int
    outage_trials: int
    kills: int
    stops: int
    workers: int
    kill_gap: tuple[float, float]  # seconds between two kills, uniform
    heartbeat_interval: float
    grace_period: float
    max_retries: int
    short_outage: float
    short_retry: float
    long_outage: float
    long_retry: float
    deadline: float  # seconds one scenario may take before it is stopped and reported as a timeout
    sampler: str = "random"  # --sampler: the workers' sampler (random, cmaes, tpe)


QUICK = Settings(trials=80, sigstop_trials=200, outage_trials=90, kills=8, stops=2, workers=3,
                 kill_gap=(0.4, 1.0), heartbeat_interval=0.5, grace_period=3.0, max_retries=3,
                 short_outage=5.0, short_retry=30.0, long_outage=8.0, long_retry=3.0, deadline=90.0)
FULL = Settings(trials=400, sigstop_trials=600, outage_trials=400, kills=30, stops=6, workers=3,
                kill_gap=(0.5, 1.5), heartbeat_interval=0.5, grace_period=3.0, max_retries=3,
                short_outage=10.0, short_retry=30.0, long_outage=15.0, long_retry=5.0, deadline=300.0)


# ---- processes ---------------------------------------------------------------------------------
def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of ``pid`` from /proc, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # the command name may hold spaces and parentheses
    return int(fields[1]), fields[0]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _descendants(root: int) -> dict[int, int]:
    """Every live descendant of ``root``: pid -> parent pid (zombies left out)."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st is not None and st[1] != "Z":
                parents[int(name)] = st[0]
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    out: dict[int, int] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out[child] = parents[child]
            todo.append(child)
    return out


def _signal(pid: int, sig: int) -> bool:
    try:
        os.kill(pid, sig)
        return True
    except ProcessLookupError:
        return False


class Proc:
    """A process this harness started, in a process group of its own, logging to a file."""

    registry: list[Proc] = []  # every process started, for the cleanup at exit

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log_path: str, cwd: str) -> None:
        self.name = name
        self.cmd = cmd
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.log.write(f"$ {shlex.join(cmd)}\n".encode())
        self.log.flush()
        self.popen = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=self.log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.popen.pid
        self.killed = False  # by this harness, on purpose
        self.seen: set[int] = set()  # descendants seen alive, killed at cleanup too
        Proc.registry.append(self)

    def poll(self) -> int | None:
        return self.popen.poll()

    def descendants(self) -> dict[int, int]:
        d = _descendants(self.pid) if self.poll() is None else {}
        self.seen.update(d)
        return d

    def kill_all(self) -> None:
        """SIGKILL the process, its group and every descendant ever seen; reap it."""
        self.descendants()
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for pid in [self.pid, *self.seen]:
            _signal(pid, signal.SIGKILL)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if not self.log.closed:
            self.log.close()


def _cleanup() -> None:
    for p in Proc.registry:
        p.kill_all()


atexit.register(_cleanup)


# ---- one scenario on one storage -----------------------------------------------------------------
class Timeout(Exception):
    """The scenario's deadline passed."""


@dataclass
class Row:
    scenario: str
    backend: str
    faults: str
    max_trials: int
    counts: dict[str, int] = field(default_factory=dict)  # lost, duplicated, budget, stale, failed
    info: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.counts) and not any(self.counts.values())


class Run:
    """The study, files and processes of one scenario on one storage."""

    def __init__(self, scenario: str, backend: str, url: str, root: str, settings: Settings,
                 max_trials: int, rng: random.Random, seed: int) -> None:
        import tunewise as tw

        self.s = settings
        self.rng = rng
        self.seed = seed
        self.max_trials = max_trials
        self.dir = os.path.join(root, f"{scenario}-{backend}")
        os.makedirs(self.dir)
        self.busy_dir = os.path.join(self.dir, "busy")
        os.makedirs(self.busy_dir)
        self.ledger = os.path.join(self.dir, "ledger.jsonl")
        self.url = url if backend == "postgresql" else f"sqlite:///{os.path.join(self.dir, 'chaos.db')}"
        self.worker_url = self.url  # what workers connect to (the proxy's address in an outage)
        self.study_name = f"chaos-{scenario}-{uuid.uuid4().hex[:8]}"
        self.deadline = time.monotonic() + settings.deadline
        # Results a worker could not write wait in a spool folder: one per scenario (shared by its
        # workers, as on one machine), so runs neither see each other's nor fill ~/.cache.
        self.spool_dir = os.path.join(self.dir, "spool")
        self.env = dict(os.environ, **{LEDGER_ENV: self.ledger, BUSY_ENV: self.busy_dir, "PYTHONUNBUFFERED": "1",
                                       "TUNEWISE_SPOOL_DIR": self.spool_dir})
        self.env["PYTHONPATH"] = os.pathsep.join(p for p in (HERE, os.environ.get("PYTHONPATH")) if p)
        self.procs: list[Proc] = []
        self.starts = 0
        self.ever_busy: set[int] = set()  # pids seen inside a trial
        self.crashes: list[str] = []  # exits this harness did not cause: "rc=1: <last log line>"
        self.killed_trials: list[int | None] = []  # per kill: the trial number its victim was inside, or None
        tw.create_study(name=self.study_name, storage=self.url, direction="minimize",
                        sampler=getattr(tw.samplers, SAMPLERS[settings.sampler])(seed=seed), max_trials=max_trials,
                        heartbeat_interval=settings.heartbeat_interval, grace_period=settings.grace_period,
                        max_retries=settings.max_retries)

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise Timeout(f"not done after {self.s.deadline:g} s")

    def _start(self, name: str, cmd: list[str]) -> Proc:
        self.starts += 1
        p = Proc(name, cmd, self.env, os.path.join(self.dir, f"{name}.log"), cwd=HERE)
        self.procs.append(p)
        return p

    def start_cli(self, slot: int) -> Proc:
        """``tunewise worker`` with the seed of its slot (a restart is the same command again)."""
        return self._start(f"worker{slot}", [
            sys.executable, "-m", "tunewise", "worker", "--study", self.study_name, "--storage", self.worker_url,
            "--objective", OBJECTIVE, "--max-trials", str(self.max_trials), "--sampler", self.s.sampler,
            "--seed", str(self.seed * 100 + slot)])

    def start_optimize(self, slot: int, n_jobs: int, retry_seconds: float | None = None) -> Proc:
        cmd = [sys.executable, os.path.join(HERE, "_chaos_objective.py"), "optimize", "--study", self.study_name,
               "--storage", self.worker_url, "--max-trials", str(self.max_trials), "--n-jobs", str(n_jobs),
               "--seed", str(self.seed * 100 + slot), "--sampler", self.s.sampler]
        if retry_seconds is not None:
            cmd += ["--retry-seconds", str(retry_seconds)]
        return self._start(f"optimize{slot}", cmd)

    def results(self) -> int:
        try:
            with open(self.ledger, "rb") as f:
                return f.read().count(b"\n")
        except FileNotFoundError:
            return 0

    def busy(self, pid: int) -> bool:
        return os.path.exists(os.path.join(self.busy_dir, str(pid)))

    def working(self, pids: list[int]) -> list[int]:
        """Those of ``pids`` that have started a trial (a kill of a worker still importing tests little)."""
        for name in os.listdir(self.busy_dir):
            self.ever_busy.add(int(name))
        return [pid for pid in pids if pid in self.ever_busy]

    def kill(self, proc: Proc, pid: int | None = None) -> None:
        pid = proc.pid if pid is None else pid
        if pid == proc.pid:
            proc.killed = True
        try:  # the trial the victim is inside, if it is (see _chaos_objective.objective)
            with open(os.path.join(self.busy_dir, str(pid))) as f:
                self.killed_trials.append(int(f.read().strip()))
        except (OSError, ValueError):
            self.killed_trials.append(None)
        _signal(pid, signal.SIGKILL)
        try:
            os.unlink(os.path.join(self.busy_dir, str(pid)))
        except OSError:
            pass

    def note_exit(self, proc: Proc, rc: int) -> None:
        if proc.killed or rc == 0:
            return
        proc.log.flush()
        with open(proc.log_path, errors="replace") as f:
            lines = [ln.strip() for ln in f if ln.strip()]
        self.crashes.append(f"{proc.name} rc={rc}: {lines[-1][:160] if lines else ''}")

    def supervise(self, slots: dict[int, Proc], restart: Callable[[int], Proc], on_tick: Callable[[], None],
                  restart_delay: float = 0.5, max_restarts: int = 40) -> None:
        """Restart every slot's process that exits non-zero until all have exited with 0."""
        done: set[int] = set()
        due: dict[int, float] = {}
        restarts = Counter[int]()
        while len(done) < len(slots):
            self.check_deadline()
            for slot, p in list(slots.items()):
                if slot in done or slot in due:
                    continue
                rc = p.poll()
                if rc is None:
                    continue
                self.note_exit(p, rc)
                if rc == 0:
                    done.add(slot)
                elif restarts[slot] >= max_restarts:
                    self.crashes.append(f"worker{slot}: gave up after {max_restarts} restarts")
                    done.add(slot)
                else:
                    restarts[slot] += 1
                    due[slot] = time.monotonic() + (0.0 if p.killed else restart_delay)
            for slot, when in list(due.items()):
                if time.monotonic() >= when:
                    del due[slot]
                    slots[slot] = restart(slot)
            on_tick()
            time.sleep(0.05)

    def wait_for_results(self, n: int) -> None:
        while self.results() < n:
            self.check_deadline()
            if self.procs and all(p.poll() is not None for p in self.procs[-self.s.workers:]):
                return
            time.sleep(0.05)

    def analyze(self) -> tuple[dict[str, int], dict[str, Any]]:
        from tunewise.storage._sql import SQLStorage
        from tunewise.trial import FrozenTrial, TrialState

        storage = SQLStorage(self.url, retry_seconds=10)
        try:
            trials = storage.get_trials(storage.get_study_id(self.study_name))
        finally:
            storage.close()
        by_number = {t.number: t for t in trials}
        retried_as: dict[int, list[int]] = {}  # trial number -> numbers of its retries
        for t in trials:
            if "retried_from" in t.system_attrs:
                retried_as.setdefault(int(t.system_attrs["retried_from"]), []).append(t.number)

        def chain(number: int) -> list[FrozenTrial]:
            """The trial and its retries, and theirs: every trial that re-ran its work."""
            out: list[FrozenTrial] = []
            todo = [number]
            while todo and len(out) < 1000:
                n = todo.pop()
                if n in by_number:
                    out.append(by_number[n])
                todo += retried_as.get(n, [])
            return out

        started = [t for t in trials if t.state != TrialState.WAITING]
        retries = [t for t in started if "retried_from" in t.system_attrs]
        # A retry re-runs a crashed trial and does not count twice; when the "crashed" trial
        # completed after all, both ran: the retry is a trial of its own.
        reruns = [t for t in retries if getattr(by_number.get(int(t.system_attrs["retried_from"])), "state",
                                                None) != TrialState.COMPLETE]
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        # A computed result is stored when its trial, or a retry of it, is COMPLETE with the same
        # parameters and value (a later trial that happens to draw the same parameters does not
        # store it: that is a replayed draw, and the result was lost in between).
        ledger, torn = _read_ledger(self.ledger)

        def keeps(t: FrozenTrial, key: str, value: float) -> bool:
            if t.state == TrialState.COMPLETE:
                return _key(t.params) == key and _same(t.value, value)
            # A trial failed as stale that finished after all may keep its late result as data.
            late = t.system_attrs.get("late_result")
            if not isinstance(late, dict) or late.get("state") != TrialState.COMPLETE.value:
                return False
            values = late.get("values") or [None]
            return _key(late.get("params") or t.params) == key and _same(values[0], value)

        lost = sum(not any(keeps(t, key, value) for t in chain(number)) for number, key, value in ledger)
        failed = [t for t in trials if t.state == TrialState.FAILED]
        # A chain (a first trial and its retries) that ran max_retries + 1 times and failed each
        # time: given up as the retry policy says, not lost work of the infrastructure's.
        firsts = [t for t in failed if "retried_from" not in t.system_attrs]
        exhausted = [c for c in (sorted(chain(t.number), key=lambda r: r.number) for t in firsts)
                     if len(c) == self.s.max_retries + 1 and all(r.state == TrialState.FAILED for r in c)]
        in_exhausted = {r.number for c in exhausted for r in c}
        killed = Counter(n for n in self.killed_trials if n is not None)
        counts = {
            "lost": lost,
            "duplicated": len(complete) - len({_key(t.params) for t in complete}),
            "budget": len(started) - len(reruns) - self.max_trials,
            "stale": sum(t.state == TrialState.RUNNING for t in trials),
            # A FAILED trial is recovered when a retry of it (or of its retries) is COMPLETE.
            "failed": sum(not any(r.state == TrialState.COMPLETE for r in chain(t.number)) for t in failed
                          if t.number not in in_exhausted),
        }
        info = {"trials": len(trials), "complete": len(complete), "retries": len(retries),
                "waiting": sum(t.state == TrialState.WAITING for t in trials), "failed_all": len(failed),
                "results": len(ledger), "torn": torn, "starts": self.starts, "crashes": self.crashes,
                "spooled": sum(len(files) for _, _, files in os.walk(self.spool_dir)),
                "kills_in_trials": sum(n is not None for n in self.killed_trials),
                "exhausted": [{"numbers": [r.number for r in c], "killed_by_harness": sum(killed[r.number] for r in c),
                               "reasons": sorted({str(r.system_attrs.get("fail_reason", ""))[:60] for r in c})}
                              for c in exhausted]}
        return counts, info

    def finish(self) -> None:
        for p in self.procs:
            p.kill_all()

    def drop_study(self) -> None:
        from tunewise.storage._sql import SQLStorage

        try:
            storage = SQLStorage(self.url, retry_seconds=5)
            try:
                storage.delete_study(storage.get_study_id(self.study_name))
            finally:
                storage.close()
        except Exception as e:  # noqa: BLE001 - best effort: a leftover study harms nobody
            print(f"  (could not delete study {self.study_name}: {e})", file=sys.stderr)


def _key(params: dict[str, Any]) -> str:
    return json.dumps({k: float(v) for k, v in params.items()}, sort_keys=True)


def _same(a: float | None, b: float) -> bool:
    return a is not None and abs(float(a) - b) <= 1e-9 * max(1.0, abs(b))


def _read_ledger(path: str) -> tuple[set[tuple[int, str, float]], int]:
    """Results the objective computed: (trial number, canonical params, value); and unreadable lines."""
    out: set[tuple[int, str, float]] = set()
    torn = 0
    try:
        with open(path) as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    torn += 1
                    continue
                if value_of(rec["params"]) != rec["value"]:  # the ledger itself must be sound
                    raise RuntimeError(f"ledger line does not match its objective: {line!r}")
                out.add((int(rec["number"]), _key(rec["params"]), float(rec["value"])))
    except FileNotFoundError:
        pass
    return out, torn


# ---- scenarios -----------------------------------------------------------------------------------
def scenario_cli_kill(run: Run) -> str:
    s = run.s
    slots = {i: run.start_cli(i) for i in range(s.workers)}
    kills = 0
    next_kill = time.monotonic() + run.rng.uniform(*s.kill_gap)

    def tick() -> None:
        nonlocal kills, next_kill
        if kills >= s.kills or time.monotonic() < next_kill:
            return
        alive = {p.pid: p for p in slots.values() if p.poll() is None}
        working = run.working(sorted(alive))
        if not working:
            return  # try again at the next tick
        run.kill(alive[run.rng.choice(working)])
        kills += 1
        next_kill = time.monotonic() + run.rng.uniform(*s.kill_gap)

    run.supervise(slots, run.start_cli, tick)
    return f"{kills} SIGKILL of {s.workers} workers"


def _optimize_workers(proc: Proc) -> list[int]:
    """Pids of the worker processes of an optimize(n_jobs) process (forked by its zygote, or not)."""
    tree = proc.descendants()
    zygotes = {pid for pid, ppid in tree.items() if ppid == proc.pid and "_zygote" in _cmdline(pid)}
    return sorted(pid for pid, ppid in tree.items()
                  if ppid in zygotes or "tunewise.execution._worker" in _cmdline(pid))


def scenario_njobs_kill(run: Run) -> str:
    s = run.s
    proc = run.start_optimize(0, n_jobs=2)
    kills = 0
    next_kill = time.monotonic() + run.rng.uniform(*s.kill_gap)
    while proc.poll() is None:
        run.check_deadline()
        if kills < s.kills and time.monotonic() >= next_kill:
            workers = run.working(_optimize_workers(proc))
            if workers:
                run.kill(proc, run.rng.choice(workers))
                kills += 1
                next_kill = time.monotonic() + run.rng.uniform(*s.kill_gap)
        time.sleep(0.05)
    run.note_exit(proc, proc.poll() or 0)
    return f"{kills} SIGKILL of 2 pool workers"


def _outage(run: Run, seconds: float, retry_seconds: float, postgres_url: str) -> str:
    import sqlalchemy as sa

    url = sa.engine.make_url(postgres_url)
    from tunewise.testing.faults import FlakyProxy

    proxy = FlakyProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        run.worker_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        slots = {i: run.start_optimize(i, n_jobs=1, retry_seconds=retry_seconds) for i in range(run.s.workers)}
        run.wait_for_results(run.max_trials // 4)
        proxy.down()
        t_down = time.monotonic()
        up = threading.Timer(seconds, proxy.up)
        up.daemon = True
        up.start()
        try:
            # Workers that give up are restarted (an operator's restart); while the database is
            # down a restart fails at once, so wait a second between tries.
            run.supervise(slots, lambda i: run.start_optimize(i, n_jobs=1, retry_seconds=retry_seconds),
                          lambda: None, restart_delay=1.0)
        finally:
            up.cancel()
            proxy.up()
        if time.monotonic() - t_down < seconds:
            return f"outage {seconds:g} s (retry window {retry_seconds:g} s): run ended during it"
    finally:
        proxy.close()
    return f"outage {seconds:g} s, retry window {retry_seconds:g} s"


def scenario_outage_short(run: Run, postgres_url: str) -> str:
    return _outage(run, run.s.short_outage, run.s.short_retry, postgres_url)


def scenario_outage_long(run: Run, postgres_url: str) -> str:
    return _outage(run, run.s.long_outage, run.s.long_retry, postgres_url)


def scenario_sigstop(run: Run) -> str:
    s = run.s
    pause = s.grace_period + 2 * s.heartbeat_interval + 0.5
    slots = {i: run.start_cli(i) for i in range(s.workers)}
    run.wait_for_results(5)
    stops = 0
    state: dict[str, Any] = {"stopped": None, "until": 0.0, "next": time.monotonic()}

    def tick() -> None:
        nonlocal stops
        now = time.monotonic()
        if state["stopped"] is not None:
            if now >= state["until"]:
                _signal(state["stopped"].pid, signal.SIGCONT)
                state["stopped"] = None
                state["next"] = now + 1.0
            return
        if stops >= s.stops or now < state["next"]:
            return
        inside = [p for p in slots.values() if p.poll() is None and run.busy(p.pid)]
        if inside:  # stopped inside a trial, so that trial goes stale
            p = run.rng.choice(inside)
            if _signal(p.pid, signal.SIGSTOP):
                state["stopped"], state["until"] = p, now + pause
                stops += 1

    try:
        run.supervise(slots, run.start_cli, tick)
    finally:
        if state["stopped"] is not None:
            _signal(state["stopped"].pid, signal.SIGCONT)
    return f"{stops} SIGSTOP of {pause:g} s (grace {s.grace_period:g} s)"


SCENARIOS: list[tuple[str, tuple[str, ...], str]] = [
    # name, storages, what its max_trials is taken from
    ("cli-kill", ("sqlite", "postgresql"), "trials"),
    ("njobs-kill", ("sqlite", "postgresql"), "trials"),
    ("pg-outage-short", ("postgresql",), "outage_trials"),
    ("pg-outage-long", ("postgresql",), "outage_trials"),
    ("sigstop", ("sqlite", "postgresql"), "sigstop_trials"),
]


def run_one(name: str, backend: str, settings: Settings, root: str, seed: int, postgres_url: str | None,
            keep: bool) -> Row:
    max_trials = getattr(settings, dict((n, a) for n, _, a in SCENARIOS)[name])
    row = Row(name, backend, "", max_trials)
    rng = random.Random(f"{seed}-{name}-{backend}")
    t0 = time.monotonic()
    run: Run | None = None
    try:
        run = Run(name, backend, postgres_url or "", root, settings, max_trials, rng, seed)
        if name == "cli-kill":
            row.faults = scenario_cli_kill(run)
        elif name == "njobs-kill":
            row.faults = scenario_njobs_kill(run)
        elif name == "pg-outage-short":
            row.faults = scenario_outage_short(run, postgres_url or "")
        elif name == "pg-outage-long":
            row.faults = scenario_outage_long(run, postgres_url or "")
        else:
            row.faults = scenario_sigstop(run)
    except Timeout as e:
        row.error = f"TIMEOUT: {e}"
    except Exception as e:  # noqa: BLE001 - report it in the table and go on with the next scenario
        row.error = f"{type(e).__name__}: {e}"
    finally:
        if run is not None:
            run.finish()
    row.seconds = time.monotonic() - t0
    if run is not None:
        try:
            row.counts, row.info = run.analyze()
        except Exception as e:  # noqa: BLE001
            row.error = (row.error + "; " if row.error else "") + f"analysis failed: {type(e).__name__}: {e}"
        if backend == "postgresql" and not keep:
            run.drop_study()
        row.info["dir"] = run.dir
    return row


# ---- report --------------------------------------------------------------------------------------
COLUMNS = [("lost", "lost"), ("duplicated", "dup"), ("budget", "budget ±"), ("stale", "stale left"),
           ("failed", "failed")]


def _source() -> str:
    """Where the tunewise under test comes from: its folder and git commit (and whether it has edits)."""
    import tunewise

    where = os.path.dirname(os.path.dirname(os.path.abspath(tunewise.__file__)))
    try:
        rev = subprocess.run(["git", "-C", where, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", where, "status", "--porcelain", "--untracked-files=no", "--", "."],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return where
    return f"{where} (commit {rev}{', with uncommitted changes' if dirty else ''})" if rev else where


def print_table(rows: list[Row], command: str, settings: Settings, seed: int) -> None:
    print()
    print(f"command: {command}")
    print(f"tunewise: {_source()}")
    print(f"heartbeat_interval={settings.heartbeat_interval:g} s, grace_period={settings.grace_period:g} s, "
          f"max_retries={settings.max_retries}; objective sleeps 0.05-0.3 s; {SAMPLERS[settings.sampler]} seeds "
          f"{seed * 100}+slot; {settings.workers} workers")
    print()
    head = ["scenario", "storage", "faults", "max_trials", *(h for _, h in COLUMNS), "exhausted", "trials",
            "complete", "retries", "s", "notes"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        cells = [r.scenario, r.backend, r.faults or "-", str(r.max_trials)]
        cells += [(f"{r.counts[k]:+d}" if k == "budget" else str(r.counts[k])) if r.counts else "?"
                  for k, _ in COLUMNS]
        i = r.info
        cells.append(str(len(i.get("exhausted", []))) if r.counts else "?")
        cells += [str(i.get("trials", "?")), str(i.get("complete", "?")), str(i.get("retries", "?")),
                  f"{r.seconds:.0f}"]
        notes = []
        if r.error:
            notes.append(r.error)
        if i.get("waiting"):
            notes.append(f"{i['waiting']} WAITING left")
        if i.get("spooled"):
            notes.append(f"{i['spooled']} files left in the spool")
        if i.get("torn"):
            notes.append(f"{i['torn']} torn ledger lines")
        for c in i.get("exhausted", []):
            notes.append(f"retries exhausted (max_retries={settings.max_retries}, FAILED by policy): trials "
                         f"{c['numbers']}, {c['killed_by_harness']} of {len(c['numbers'])} attempts ended by this "
                         f"harness's kills ({', '.join(c['reasons'])})")
        crashes = i.get("crashes") or []
        if crashes:
            notes.append(f"{len(crashes)} worker exits with an error, e.g. {crashes[0][:120]}")
        cells.append("; ".join(notes).replace("|", "/") or ("ok" if r.ok else ""))
        print("| " + " | ".join(cells) + " |")
    print()
    bad = [r for r in rows if not r.ok]
    print(f"every count 0 in {len(rows) - len(bad)} of {len(rows)} runs" + ("" if not bad else "; not in: " + ", ".join(
        f"{r.scenario}/{r.backend}" for r in bad)))
    dirs = {os.path.dirname(r.info["dir"]) for r in rows if "dir" in r.info}
    if dirs:
        print(f"logs, ledgers and SQLite files: {', '.join(sorted(dirs))}")


def main(argv: list[str] | None = None) -> int:
    names = [n for n, _, _ in SCENARIOS]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small budgets and few faults (about 2 minutes)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default=",".join(names), help=f"comma-separated scenarios of {names}")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get(POSTGRES_ENV),
                        help=f"PostgreSQL URL (default: ${POSTGRES_ENV}); a fresh study per run")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL studies (deleted by default)")
    parser.add_argument("--sampler", choices=sorted(SAMPLERS), default="random",
                        help="the workers' sampler (default random; cmaes rebuilds its state from the storage)")
    args = parser.parse_args(argv)
    settings = dataclasses.replace(QUICK if args.quick else FULL, sampler=args.sampler)
    wanted = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in names]
    if unknown:
        parser.error(f"unknown scenario(s) {unknown}; choose from {names}")
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if any(b not in ("sqlite", "postgresql") for b in backends):
        parser.error(f"--backends takes sqlite and/or postgresql, got {args.backends!r}")
    if "postgresql" in backends and not args.postgres_url:
        print(f"PostgreSQL rows skipped: set {POSTGRES_ENV} or pass --postgres-url", file=sys.stderr)
        backends.remove("postgresql")

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)  # the atexit cleanup kills every process started

    signal.signal(signal.SIGTERM, stop)
    root = tempfile.mkdtemp(prefix="tunewise-chaos-")
    command = shlex.join([os.path.relpath(sys.executable) if sys.executable.startswith(os.getcwd())
                          else sys.executable, *sys.argv]) if argv is None else shlex.join(argv)
    rows = []
    for name, storages, _ in SCENARIOS:
        for backend in storages:
            if name in wanted and backend in backends:
                print(f"{name} on {backend} ...", file=sys.stderr, flush=True)
                row = run_one(name, backend, settings, root, args.seed, args.postgres_url, args.keep)
                print(f"  {row.faults or row.error}: {row.counts} in {row.seconds:.0f} s", file=sys.stderr,
                      flush=True)
                rows.append(row)
    _cleanup()
    print_table(rows, command, settings, args.seed)
    return 0 if rows and all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
