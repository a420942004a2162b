"""Run a sweep: ask the study for parameters, run the program as a subprocess, read its metrics.

Each worker is a thread that owns one subprocess at a time (the work happens in the subprocess,
so threads are enough); every call into the study goes through one lock, so samplers and
schedulers see a consistent state. Many agents on many machines share a sweep through the
study's storage: the sweep file is stored in the study's system attrs (``"sweep"``), ``run_cap``
is enforced with storage claims (one per run slot, so agents never overshoot it), and reaching
``metric.target`` is recorded in the study so every agent stops.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tunewise import _env_report, _loop_api
from tunewise._finish_outcome import Refusal
from tunewise.exceptions import (
    MaxTrialsReached,
    SearchExhausted,
    StudyNotFoundError,
    TunewiseError,
    UpdateFinishedTrialError,
)
from tunewise.sweeps._config import SweepConfig
from tunewise.sweeps._protocol import build_command, how_to_report, parse_metric_line, summary_aggregate
from tunewise.sweeps._resume import METRIC_ATTR, SWEEP_ATTR, check_resume, metric_record
from tunewise.trial import Trial, TrialState

if TYPE_CHECKING:
    from tunewise.storage import BaseStorage

__all__ = ["SWEEP_ATTR", "STOP_ATTR", "SweepRunner", "SweepRunnerError", "run_sweep"]

STOP_ATTR = "sweep_stopped"
#: The heartbeat policy of a sweep on persistent storage: a run whose agent died (no heartbeat for
#: the grace period) is failed by another agent and run again.
AGENT_HEARTBEAT: dict[str, float] = {"heartbeat_interval": 15.0, "grace_period": 120.0}
_STDERR_TAIL = 30  # lines of stderr kept with a failed run
_MAX_INITIAL_FAILURES = 5


def default_storage(config: SweepConfig) -> str:
    """``sqlite:///<directory of the sweep file>/tunewise.db``."""
    return "sqlite:///" + str(Path(config.base_dir) / "tunewise.db")


def default_study_name(config: SweepConfig) -> str:
    if config.name:
        return config.name
    stem = Path(config.source).stem
    return stem if stem and not stem.startswith("<") else "sweep"


class SweepRunnerError(TunewiseError, RuntimeError):
    """The sweep runner itself failed (not the program): the storage, a sampler or a bug.

    The run it was handling is marked FAILED with the reason, the other workers stop after their
    current run, and :meth:`SweepRunner.run` raises this error once they have.
    """


class _StartFailed(Exception):
    """A run was created but could not be prepared: the worker fails it with the cause."""

    def __init__(self, trial: Trial, cause: Exception) -> None:
        super().__init__(str(cause))
        self.trial = trial
        self.cause = cause


_PR_SET_PDEATHSIG = 1
_prctl: Any = None


def _ends_with_agent() -> Callable[[], None] | None:
    """On Linux, what makes a run's program get SIGTERM when the agent's thread that started it
    ends (``prctl(PR_SET_PDEATHSIG)``, set in the child before the program starts): an agent killed
    (SIGKILL, the OOM killer) left its program running in its own session until the program's
    end, its output read by nobody, holding its CPU or GPU while another agent ran it again (s27).
    Elsewhere None. The thread that starts a program waits for it, so only the agent's death
    (or its thread's) sends the signal. ``prctl`` is looked up here, in the agent: the child
    only calls it, and imports nothing between fork and exec."""
    global _prctl
    if not sys.platform.startswith("linux"):
        return None
    if _prctl is None:
        try:
            import ctypes

            _prctl = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError):
            _prctl = False
    if _prctl is False:
        return None
    prctl, agent, sig = _prctl, os.getpid(), int(signal.SIGTERM)

    def set_parent_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, sig)
        if os.getppid() != agent:  # the agent died before the call: no signal would come
            os.kill(os.getpid(), sig)

    return set_parent_death_signal


class _RunOutcome:
    __slots__ = ("killed_for", "last", "metrics", "preempting", "reader_error", "returncode", "stderr_tail")

    def __init__(self) -> None:
        self.killed_for: str | None = None  # "pruned", "timeout", "interrupted", "output", "finished elsewhere"
        self.last: float | None = None  # last value of the sweep's metric
        self.metrics: dict[str, float] = {}
        self.returncode: int | None = None
        self.preempting = False  # the program called wandb's run.mark_preempting()
        self.stderr_tail: list[str] = []
        self.reader_error: str | None = None  # reading the program's output failed (e.g. disk full for its log)


class SweepRunner:
    """Runs the sweep described by ``config`` against a study (created or resumed).

    ``storage``: a URL, a storage object, ``"memory"`` (in-process, for tests), or None for the
    sweep file's ``storage`` key, else ``sqlite:///<sweep dir>/tunewise.db``. ``workers`` runs
    that many programs at once; ``count`` caps the runs this runner starts (``run_cap`` caps the
    whole sweep, across agents).

    >>> import tempfile, pathlib, sys
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "f.py").write_text(
    ...     "import sys\\nx = float(sys.argv[1].split('=')[1])\\nprint(f'loss={(x - 1) ** 2}')\\n")
    >>> cfg = SweepConfig.from_dict({"program": str(d / "f.py"), "method": "random", "seed": 0,
    ...     "metric": {"name": "loss"}, "parameters": {"x": {"min": -2.0, "max": 2.0}}, "run_cap": 3,
    ...     "log_dir": str(d / "runs")})
    >>> study = SweepRunner(cfg, storage="memory", echo=None).run()
    >>> sorted(t.state.value for t in study.trials)
    ['COMPLETE', 'COMPLETE', 'COMPLETE']
    """

    def __init__(
        self,
        config: SweepConfig,
        *,
        storage: Any = None,
        study_name: str | None = None,
        workers: int | None = None,
        count: int | None = None,
        log_dir: str | os.PathLike[str] | None = None,
        echo: Callable[[str], None] | None = print,
        grace_period: float | None = None,
    ) -> None:
        self.config = config
        self.workers = int(workers if workers is not None else config.workers)
        if self.workers < 1:
            raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise ValueError(f"count must be an integer >= 1 or None, got {count!r}")
        self.count = count
        if storage is None:
            storage = _relative_to(config.storage, config.base_dir) if config.storage else default_storage(config)
        if storage in ("memory", ":memory:"):
            from tunewise.storage import InMemoryStorage

            storage = InMemoryStorage()
        self.storage = storage
        self.study_name = study_name or default_study_name(config)
        if log_dir is None:
            log_dir = config.log_dir if config.log_dir is not None else Path(config.base_dir) / "tunewise_runs"
            log_dir = (Path(config.base_dir) / log_dir).resolve()
            log_dir = log_dir / self.study_name
        self.log_dir = Path(log_dir)
        self.echo = echo
        self.grace_period = float(grace_period if grace_period is not None else config.grace_period)
        self.study: Any = None
        self.agent_index = 0
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._abort = threading.Event()
        self.stop_reason: str | None = None
        self._started = 0
        self._finished_states: list[TrialState] = []
        self._ran_through = 0  # FAILED runs whose program ended normally (no metric): not errors
        self._error: str | None = None  # the first runner error, raised by run()
        self._next_slot = 0
        self._exhausted: str | None = None  # why the sampler has nothing left (the grid ran through)
        self._claims: tuple[BaseStorage, int] | None = None  # (storage, study id) of the run-slot claims

    # ---- study ---------------------------------------------------------------------------
    def _open_study(self) -> Any:
        study, store, study_id = self._record_sweep()
        self._claims = (store, study_id)
        # Every runner of a sweep (a resumed `run`, each agent) takes its own index, and all but
        # the first reseed their sampler: with one shared seed they would propose the same points.
        index = 0
        while not store.try_claim(study_id, f"sweep:agent:{index}"):
            index += 1
        self.agent_index = index
        if index > 0:
            seed = None if self.config.seed is None else self.config.seed + 7919 * index
            study.sampler.reseed(seed)
        return study

    def _record_sweep(self) -> tuple[Any, BaseStorage, int]:
        """Create (or resume) the sweep's study and store its config; no run slot is claimed."""
        import tunewise as tw
        from tunewise.storage import get_storage

        store = get_storage(self.storage)
        # A changed metric or parameter is refused before anything is written or claimed.
        try:
            existing: int | None = store.get_study_id(self.study_name)
        except StudyNotFoundError:
            existing = None
        if existing is not None:
            check_resume(store, existing, self.study_name, self.config)
        heartbeat: dict[str, Any] = {}
        if store.is_persistent:
            # A killed agent's runs are detected and failed by the other agents.
            heartbeat = dict(AGENT_HEARTBEAT)
        study = tw.create_study(
            name=self.study_name, storage=store, directions=self.config.directions,
            sampler=self.config.make_sampler(), scheduler=self.config.make_scheduler(),
            load_if_exists=True, **heartbeat,
        )
        study_id = store.get_study_id(self.study_name)
        if existing is None:
            # Another runner may have created the same sweep meanwhile, from another file.
            check_resume(store, study_id, self.study_name, self.config)
        stored = study.system_attrs.get(SWEEP_ATTR)
        record = {"config": _jsonable(self.config.to_dict()), "base_dir": self.config.base_dir,
                  "program": self.config.program_path}
        if stored is None or stored != record:
            if isinstance(stored, dict) and isinstance(stored.get("config"), dict):
                # What every agent of the sweep reads from now on (its run_cap, method...) changes:
                # not from a file caught half-written, and not silently.
                _check_settled(self.config, self.study_name)
                changed = [k for k in dict.fromkeys([*stored["config"], *record["config"]])
                           if stored["config"].get(k) != record["config"].get(k)]
                if changed:
                    self._say(f"sweep {self.study_name!r}: the sweep file changes {', '.join(changed)}; stored for "
                              f"every agent of the sweep")
            study.set_system_attr(SWEEP_ATTR, record)
        if METRIC_ATTR not in study.system_attrs:
            study.set_system_attr(METRIC_ATTR, metric_record(self.config))
        return study, store, study_id

    def create(self) -> Any:
        """Create (or resume) the sweep's study with its config stored, and run nothing: what W&B's
        ``wandb.sweep`` does on W&B's server, so that agents started later find the sweep by name."""
        self.study = self._record_sweep()[0]
        return self.study

    # ---- public --------------------------------------------------------------------------
    def run(self) -> Any:
        """Run until ``run_cap``, ``count``, the grid's end, ``metric.target`` or Ctrl-C; return the study.

        Raises :class:`~tunewise.sweeps.SweepChangedError` (before any run starts) if the study
        holds this sweep with another metric or other parameter distributions, and
        :class:`SweepRunnerError` if the runner itself failed (the run it held is FAILED).
        """
        self.study = self._open_study()
        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise SweepRunnerError(f"cannot create the sweep's log directory {str(self.log_dir)!r}: "
                                   f"{e.strerror or e}; set log_dir in the sweep file to a writable "
                                   f"directory") from None
        ranked = f"metric {self.config.metric} ({self.config.goal})" if self.config.has_metric else "no metric"
        self._say(f"sweep {self.study_name!r}: method {self.config.method}, {ranked}, {self.workers} worker(s), "
                  f"logs in {self.log_dir}")
        threads = [threading.Thread(target=self._worker, name=f"tunewise-sweep-{i}", daemon=True)
                   for i in range(self.workers)]
        for t in threads:
            t.start()
        try:
            for t in threads:
                while t.is_alive():
                    t.join(0.2)
        except KeyboardInterrupt:
            self._abort.set()
            self._stop.set()
            for t in threads:
                t.join(self.grace_period + 5)
            raise
        if self._error is not None:
            raise SweepRunnerError(f"sweep {self.study_name!r} stopped: {self._error}")
        if self.stop_reason:
            self._say(f"sweep stopped: {self.stop_reason}")
        return self.study

    @property
    def finished_states(self) -> list[TrialState]:
        """The final state of each run this runner finished, in order."""
        return list(self._finished_states)

    # ---- workers -------------------------------------------------------------------------
    def _say(self, msg: str) -> None:
        if self.echo is not None:
            self.echo(msg)

    def _set_stop(self, reason: str) -> None:
        if not self._stop.is_set():
            self.stop_reason = reason
        self._stop.set()

    def _claim_slot(self) -> bool:
        """Take one of the sweep's ``run_cap`` run slots (shared by every agent through storage)."""
        cap = self.config.run_cap
        if cap is None:
            return True
        assert self._claims is not None, "the study is opened first"
        store, study_id = self._claims
        while self._next_slot < cap:
            slot = self._next_slot
            self._next_slot += 1
            if store.try_claim(study_id, f"sweep:run:{slot}"):
                return True
        return False

    def _start_trial(self) -> tuple[Trial, dict[str, Any]] | None:
        with self._lock:
            if self._stop.is_set():
                return None
            stopped = self.study.system_attrs.get(STOP_ATTR)
            if stopped:
                self._set_stop(str(stopped))
                return None
            if self.count is not None and self._started >= self.count:
                self._set_stop(f"ran {self.count} run(s) (count)")
                return None
            if not self._claim_slot():
                # Every slot is taken, but a run of a dead agent may still hold one: its retry
                # runs here (_rerun_dead_runs), as at the end of a grid.
                self._exhausted = f"run_cap of {self.config.run_cap} runs reached"
                return None
            try:
                trial = self.study.ask()
            except MaxTrialsReached as e:
                self._set_stop(f"study budget reached ({e})")
                return None
            except SearchExhausted as e:
                self._exhausted = f"grid finished ({e})"
                return None
            return self._prepared(trial)

    def _rerun_dead_runs(self) -> tuple[Trial, dict[str, Any]] | None:
        """The grid ran through, or every ``run_cap`` slot is taken, while runs of other agents
        may still be RUNNING: as ``optimize()`` at the end of a grid or budget, wait for them,
        failing those whose agent died (no heartbeat for the sweep's grace period) and queueing
        their retries, and run a retry here. Without it an agent killed mid-run left its run
        RUNNING for good and its grid point (s27) or run_cap slot (s30) never ran: the other
        agents ended the sweep. None when nothing runs any more (the sweep stops). Waits outside
        the lock: this agent's other runs still finish."""
        while not self._stop.is_set() and self.study.await_retry():
            with self._lock:
                if self._stop.is_set():
                    return None
                if self.count is not None and self._started >= self.count:
                    self._set_stop(f"ran {self.count} run(s) (count)")
                    return None
                try:  # only a queued retry may start (the grid is through)
                    trial = self.study.ask_retry()
                except SearchExhausted:  # (MaxTrialsReached too) another agent started the retry first
                    continue
                return self._prepared(trial)  # (a retry takes no run_cap slot: its run had one)
        self._set_stop(self._exhausted or "grid finished")
        return None

    def _prepared(self, trial: Trial) -> tuple[Trial, dict[str, Any]]:
        """Under the lock: record a started run's configuration, run directory and log file."""
        with self._lock:
            self._started += 1
            try:
                config = self.config.sample(trial.suggest)
                run_dir = self.log_dir / f"run-{trial.number:05d}"
                run_dir.mkdir(parents=True, exist_ok=True)
                trial.set_user_attr("config", config)
                trial.set_user_attr("log_file", str(run_dir / "output.log"))
                trial.set_system_attr("sweep_run_dir", str(run_dir))
                trial.flush()  # the run's config and log file show while it runs
            except Exception as e:  # noqa: BLE001 - the run exists: the worker must fail it
                raise _StartFailed(trial, e) from e
            return trial, config

    def _worker(self) -> None:
        # Nothing may escape a worker thread: it would print a traceback, leave its run RUNNING
        # and let run() return as if the sweep had finished.
        trial: Trial | None = None
        try:
            while not self._stop.is_set():
                trial = None
                lease = self._lease_devices()  # resources: gpu: a run waits (unstarted) for its devices
                if lease is False:
                    return
                try:
                    started = self._start_trial()
                    if started is None and self._exhausted is not None:
                        started = self._rerun_dead_runs()
                    if started is None:
                        return
                    trial, config = started
                    self._run_one(trial, config, lease)
                finally:
                    if lease:
                        lease.release()
        except _StartFailed as e:
            self._runner_failed(e.trial, e.cause)
        except Exception as e:  # noqa: BLE001 - a runner bug must not leave the trial RUNNING
            self._runner_failed(trial, e)

    def _lease_devices(self) -> Any:
        """The GPUs of the next run (``resources: {gpu: ...}``), None if it asks for none, False if
        the sweep stopped while it waited."""
        gpu = (self.config.resources or {}).get("gpu")
        if not gpu:
            return None
        from tunewise.execution import acquire_devices

        lease = acquire_devices(gpu, give_up=self._stop.is_set)
        return False if lease is None else lease

    def _runner_failed(self, trial: Trial | None, error: Exception) -> None:
        reason = f"{type(error).__name__}: {error}"
        with self._lock:
            if trial is not None:
                where = f"run {trial.number} was marked FAILED"
                try:
                    running = self.study.get_trials(states=(TrialState.RUNNING,))
                    if any(t.number == trial.number for t in running):
                        self._fail(trial, f"the sweep runner failed: {reason}")
                except Exception as e:  # noqa: BLE001 - reported with the first error below
                    where = f"run {trial.number} could not be marked FAILED ({type(e).__name__}: {e})"
                reason = f"{reason} ({where})"
            if self._error is None:
                self._error = f"the sweep runner failed: {reason}"
        self._set_stop(f"runner error: {reason}")

    def _run_one(self, trial: Trial, config: dict[str, Any], lease: Any = None) -> None:
        cfg = self.config
        run_dir = Path(trial.system_attrs["sweep_run_dir"])
        params_file = run_dir / "params.json"
        nested = cfg.nest(config)
        params_file.write_text(json.dumps(nested, indent=1) + "\n", encoding="utf-8")
        argv = build_command(cfg.command, self._program(), nested, str(params_file))
        self._say(f"[run {trial.number}] " + " ".join(f"{k}={_short(v)}" for k, v in config.items()))
        env = dict(os.environ)
        env.update({
            _env_report.ENV_TRIAL: str(trial.number),
            _env_report.ENV_METRIC: cfg.metric if cfg.has_metric else "",
            "TUNEWISE_STUDY": self.study_name,
            "TUNEWISE_RUN_DIR": str(run_dir),
            "TUNEWISE_PARAMS_FILE": str(params_file),
            "PYTHONUNBUFFERED": "1",  # metric lines must arrive as they are printed, for pruning
        })
        if lease is not None:  # the run sees only its GPUs
            env["CUDA_VISIBLE_DEVICES"] = env["TUNEWISE_TRIAL_DEVICES"] = ",".join(lease.devices)
            trial.set_system_attr("devices", list(lease.devices))
        cpu = (cfg.resources or {}).get("cpu")
        if cpu:
            for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TUNEWISE_TRIAL_CPUS"):
                env[var] = str(int(cpu))
        if cfg.wandb_stand_in:
            # What W&B's agent sets for a sweep run: the stand-in's run belongs to the sweep while
            # they are there (a process that removes them starts runs of its own, as in W&B).
            env["WANDB_SWEEP_ID"] = self.study_name
            env["WANDB_RUN_ID"] = f"trial-{trial.number}"
            # `import wandb` in the program finds the stand-in first, even where wandb is installed.
            from tunewise.sweeps._wandb_standin import PATH as standin

            env["PYTHONPATH"] = os.pathsep.join([standin, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
            env.setdefault("WANDB_MODE", "offline")  # a child that finds the real wandb stays offline
        t0 = time.monotonic()
        log_path = run_dir / "output.log"
        with open(log_path, "w", encoding="utf-8", errors="replace") as log:
            log.write("$ " + " ".join(argv) + "\n")
            log.flush()
            try:
                proc = subprocess.Popen(
                    argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                    env=env, text=True, errors="replace", bufsize=1,
                    start_new_session=True,  # its own process group: a kill reaches the program's children
                    preexec_fn=_ends_with_agent(),
                )
            except OSError as e:
                with self._lock:
                    self._fail(trial, f"cannot start the program {argv!r}: {e}")
                return
            outcome = self._monitor(trial, proc, log)
        elapsed = time.monotonic() - t0
        with self._lock:
            self._finish(trial, outcome, elapsed)

    def _program(self) -> str | None:
        return self.config.program_path

    def _monitor(self, trial: Trial, proc: subprocess.Popen[str], log: IO[str]) -> _RunOutcome:
        cfg = self.config
        out = _RunOutcome()
        log_lock = threading.Lock()
        lines: queue.Queue[str | None] = queue.Queue()
        tail: collections.deque[str] = collections.deque(maxlen=_STDERR_TAIL)

        def read_stdout() -> None:
            assert proc.stdout is not None
            try:
                for line in proc.stdout:
                    with log_lock:
                        log.write(line)
                    lines.put(line)
            except Exception as e:  # noqa: BLE001 - fails the run with the reason, not a thread traceback
                out.reader_error = out.reader_error or f"{type(e).__name__}: {e}"
            finally:
                lines.put(None)

        def read_stderr() -> None:
            assert proc.stderr is not None
            try:
                for line in proc.stderr:
                    with log_lock:
                        log.write(line)
                    tail.append(line.rstrip("\n"))
            except Exception as e:  # noqa: BLE001 - fails the run with the reason, not a thread traceback
                out.reader_error = out.reader_error or f"{type(e).__name__}: {e}"

        readers = [threading.Thread(target=read_stdout, daemon=True), threading.Thread(target=read_stderr, daemon=True)]
        for r in readers:
            r.start()
        deadline = None if cfg.timeout is None else time.monotonic() + cfg.timeout
        eof = False
        exited_at: float | None = None
        while True:
            if self._abort.is_set():
                out.killed_for = "interrupted"
                break
            if out.reader_error is not None:
                out.killed_for = "output"  # nothing reads (all) its output any more: it would block
                break
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                out.killed_for = "timeout"
                break
            if eof:
                try:
                    proc.wait(timeout=0.2 if deadline is None else max(0.0, min(0.2, deadline - now)))
                    break
                except subprocess.TimeoutExpired:
                    continue
            wait = 0.2 if deadline is None else max(0.0, min(0.2, deadline - now))
            try:
                line = lines.get(timeout=wait)
            except queue.Empty:
                # The program exited but something it started still holds stdout open: stop
                # waiting for the end of its output once the pipe has been quiet for a second.
                if proc.poll() is not None:
                    exited_at = exited_at if exited_at is not None else time.monotonic()
                    if time.monotonic() - exited_at > 1.0:
                        # Its leftover children belong to the run: end them with it.
                        with contextlib.suppress(ProcessLookupError, PermissionError):
                            os.killpg(proc.pid, signal.SIGTERM)
                        break
                continue
            if line is None:
                eof = True
                continue
            m = parse_metric_line(line)
            if m is None:
                continue
            if m.preempting:
                out.preempting = True
            out.metrics.update(m.values)
            if len(cfg.directions) > 1:  # several metrics: the run's last values, no pruning
                continue
            if m.final and cfg.metric not in m.values:
                # define_metric(metric, summary="max") left aggregates in the summary, not the number
                aggregate = summary_aggregate(m.values, cfg.metric, cfg.goal)
                if aggregate is not None:
                    out.last = aggregate
                continue
            if cfg.metric not in m.values:
                continue
            if m.final:  # the run's summary: its result, not one more report
                out.last = m.values[cfg.metric]
                continue
            value = m.values[cfg.metric]
            if value != value:  # NaN: the run diverged; keep it out of the scheduler
                out.last = value
                continue
            out.last = value
            with self._lock:
                try:
                    trial.report(value, m.step)
                except ValueError as e:  # a step going backwards: note it and keep the run going
                    with log_lock:
                        log.write(f"[tunewise] ignored metric line: {e}\n")
                    continue
                except UpdateFinishedTrialError:
                    # Its trial was finished meanwhile by someone else (`tunewise tell`, or failed as
                    # stale by another agent): nothing this run reports can count any more.
                    out.killed_for = "finished elsewhere"
                    break
                # Only early_terminate stops a run (W&B's meaning): no default pruning rule applies.
                prune = cfg.early_terminate is not None and trial.should_prune()
            if prune:
                out.killed_for = "pruned"
                break
        if out.killed_for is not None:
            self._kill(proc)
        for r in readers:
            r.join(timeout=2.0)  # grandchildren may hold the pipes open; do not wait for them
        out.returncode = proc.returncode
        out.stderr_tail = list(tail)
        return out

    def _kill(self, proc: subprocess.Popen[str]) -> None:
        """SIGTERM the run's process group, then SIGKILL after the grace period."""
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=self.grace_period)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    # ---- finishing -----------------------------------------------------------------------
    def _finish_multi(self, trial: Trial, out: _RunOutcome, elapsed: float) -> None:
        values, problem = _finish_multi_values(self.config, out)
        if values is None:
            self._fail(trial, str(problem), errored=False)
            return
        if self._tell(trial, values) is None:
            return
        shown = " ".join(f"{n}={_short(v)}" for n, v in zip(self.config.metric_names, values, strict=True))
        self._say(f"[run {trial.number}] COMPLETE {shown} ({elapsed:.1f} s)")

    def _fail(self, trial: Trial, reason: str, *, errored: bool = True) -> None:
        """FAILED with ``reason``. ``errored=False``: the program or function ended normally but reported
        no usable metric; W&B's agent counts such a run as done, so it does not stop the sweep early."""
        told = self._tell(trial, state=TrialState.FAILED, fail_reason=reason)
        if told is not None:
            self._ran_through += not errored
            self._say(f"[run {trial.number}] FAILED: {reason}")
        self._check_failures()

    def _tell(self, trial: Trial, values: float | list[float] | None = None, *, state: TrialState | None = None,
              fail_reason: str | None = None) -> Any:
        """Tell the study ``trial``'s result: the trial as stored, or None when someone else had
        finished it meanwhile (`tunewise tell` on this run's trial, say): then the stored result
        stays, this run's does not count, and the runner says so and goes on with its next run."""
        outcome = _loop_api.tell(self.study, trial, values, state, fail_reason)
        self._finished_states.append(outcome.trial.state)
        if outcome.refused is not Refusal.ALREADY_FINISHED:
            return outcome.trial
        self._say(f"[run {trial.number}] was finished elsewhere meanwhile ({outcome.stored_result()}, e.g. by "
                  f"`tunewise tell`): this run's result does not count")
        return None

    def _check_failures(self) -> None:
        # The first runs all errored: stop. As W&B's agent, which stops after 5 errored runs in a row, a run
        # that ended normally (only its metric missing) is not an error.
        states = self._finished_states
        if (len(states) >= _MAX_INITIAL_FAILURES and all(s == TrialState.FAILED for s in states)
                and not self._ran_through):
            self._set_stop(f"the first {len(states)} runs all failed: see their logs in {self.log_dir}")

    def _finish(self, trial: Trial, out: _RunOutcome, elapsed: float) -> None:
        cfg = self.config
        if out.metrics:
            trial.set_user_attr("metrics", out.metrics)
        trial.set_system_attr("sweep_returncode", out.returncode)
        if out.stderr_tail:
            trial.set_system_attr("stderr_tail", "\n".join(out.stderr_tail))
        trial.set_user_attr("run_seconds", round(elapsed, 3))
        if out.killed_for == "finished elsewhere":
            self._fail(trial, "stopped: its trial was finished elsewhere meanwhile, so its reports were refused")
            return
        if out.killed_for == "pruned":
            if self._tell(trial, state=TrialState.PRUNED) is None:
                return
            self._say(f"[run {trial.number}] PRUNED at step {max(trial.intermediate_values)} "
                      f"({cfg.metric}={_short(out.last)}, {elapsed:.1f} s)")
            return
        if out.killed_for == "timeout":
            self._fail(trial, f"timed out after {cfg.timeout:g} s (timeout) and was killed")
            return
        if out.killed_for == "interrupted":
            self._fail(trial, "interrupted: the sweep runner was stopped (Ctrl-C)")
            return
        if out.reader_error is not None:
            self._fail(trial, f"the sweep runner could not read the program's output or write its log "
                              f"{trial.user_attrs.get('log_file')}: {out.reader_error}")
            return
        if out.returncode != 0:
            code = out.returncode
            how = (f"was killed by signal {signal.Signals(-code).name}" if code is not None and code < 0
                   else f"exited with code {code}")
            tail = "\n".join(out.stderr_tail[-10:])
            if out.preempting:
                # W&B requeues a run that called mark_preempting() and then exited non-zero: its
                # configuration runs again (a new run here; the program resumes from its own checkpoint).
                self.study.enqueue_trial(dict(trial.params))
                how = f"was preempted (it called mark_preempting(), then {how}): its configuration is queued again"
            self._fail(trial, f"the program {how}" + (f"; end of its stderr:\n{tail}" if tail else " (no stderr)"))
            return
        if len(cfg.directions) > 1:
            self._finish_multi(trial, out, elapsed)
            return
        if not cfg.has_metric:  # W&B's grid/random sweep without a metric: the run is only recorded
            if self._tell(trial, 0.0) is not None:
                self._say(f"[run {trial.number}] COMPLETE (exit 0; the sweep has no metric) ({elapsed:.1f} s)")
            return
        if out.last is None:
            tail = "\n".join(out.stderr_tail[-10:])  # e.g. the wandb stand-in saying why a value was not one
            self._fail(trial, f"the program exited normally but never printed the metric {cfg.metric!r}: print "
                              f"a line {how_to_report([cfg.metric])}, or call "
                              f"tunewise.report(value) (or wandb.log({{{cfg.metric!r}: value}}))"
                              + (f"; end of its stderr:\n{tail}" if tail else ""), errored=False)
            return
        if out.last != out.last:
            self._fail(trial, f"the last value of {cfg.metric!r} was NaN", errored=False)
            return
        if self._tell(trial, out.last) is None:
            return
        self._say(f"[run {trial.number}] COMPLETE {cfg.metric}={_short(out.last)} ({elapsed:.1f} s)")
        if cfg.target is not None:
            reached = out.last <= cfg.target if cfg.goal == "minimize" else out.last >= cfg.target
            if reached:
                reason = f"run {trial.number} reached the target {cfg.metric}={cfg.target:g} ({out.last:g})"
                self.study.set_system_attr(STOP_ATTR, reason)
                self._set_stop(reason)


def _finish_multi_values(cfg: SweepConfig, out: _RunOutcome) -> tuple[list[float] | None, str | None]:
    """The run's last value of each of the sweep's metrics, or why it has none."""
    missing = [n for n in cfg.metric_names if n not in out.metrics]
    if missing:
        return None, (f"the program exited normally but never printed the metric(s) {', '.join(map(repr, missing))}: "
                      f"print a line {how_to_report(cfg.metric_names)} with every metric of the sweep")
    values = [out.metrics[n] for n in cfg.metric_names]
    nan = [n for n, v in zip(cfg.metric_names, values, strict=True) if v != v]
    if nan:
        return None, f"the last value of {', '.join(map(repr, nan))} was NaN"
    return values, None


# A sweep file changed less than this long ago may still be being written in place (an editor, a
# script's `cat > sweep.yaml`): a resume that would change the stored sweep reads it again once it
# has been quiet that long. (s30: 5 of the 222 prefixes of a sweep file parsed as a valid sweep
# with run_cap dropped or cut, and a resumed run stored it for every agent.)
_SETTLE_SECONDS = 0.5
_SETTLE_MAX_WAIT = 10.0


def _check_settled(config: SweepConfig, study_name: str) -> None:
    """Raise SweepConfigError if ``config``'s sweep file no longer holds ``config`` once it has
    stopped changing (it was read while being written). A config not read from a file passes."""
    import warnings

    from tunewise.sweeps._config import SweepConfigError, SweepConfigWarning

    path = Path(config.source)
    try:
        st = path.stat()
    except OSError:
        return  # built in Python, or the file is gone: nothing to read again
    sig, since = (st.st_ino, st.st_size, st.st_mtime_ns), time.monotonic()
    start = since
    # Changed lately (or stamped in the future by another machine's clock): wait until it is quiet.
    quiet = time.time() - st.st_mtime >= _SETTLE_SECONDS
    while not quiet and time.monotonic() - since < _SETTLE_SECONDS and time.monotonic() - start < _SETTLE_MAX_WAIT:
        time.sleep(0.05)
        try:
            st = path.stat()
        except OSError:
            continue  # replaced by rename: the new file appears in a moment
        now = (st.st_ino, st.st_size, st.st_mtime_ns)
        if now != sig:
            sig, since = now, time.monotonic()
    try:
        with warnings.catch_warnings():  # said at the first read
            warnings.simplefilter("ignore", SweepConfigWarning)
            again = SweepConfig.from_file(path, check_program=False)
    except SweepConfigError as e:
        raise SweepConfigError(f"{e}\n(the sweep file changed while it was read; sweep {study_name!r} was left as it "
                               f"was)") from None
    if again.to_dict() != config.to_dict():
        raise SweepConfigError(
            f"{path}: the sweep file changed while it was read (written in place by an editor or a script?); sweep "
            f"{study_name!r} was left as it was: run the command again once the file is saved"
        )


def _relative_to(url: str, base_dir: str) -> str:
    """A relative SQLite path in a sweep file is relative to the sweep file, like its program."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix):].startswith("/") or url[len(prefix):] in ("", ":memory:"):
        return url
    path = (Path(base_dir) / url[len(prefix):]).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return prefix + str(path)


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _jsonable(obj: Any) -> Any:
    return json.loads(json.dumps(obj, default=str))


def run_sweep(path: str | os.PathLike[str], *, storage: Any = None, workers: int | None = None,
              count: int | None = None, echo: Callable[[str], None] | None = print) -> Any:
    """Run the sweep file at ``path`` (create or resume its study) and return the study.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "train.py").write_text(
    ...     "import sys\\nlr = float(sys.argv[1].split('=')[1])\\nprint(f'loss={(lr - 0.01) ** 2}')\\n")
    >>> _ = (d / "sweep.yaml").write_text(
    ...     "program: train.py\\nmethod: grid\\nmetric: {name: loss, goal: minimize}\\n"
    ...     "parameters:\\n  lr: {values: [0.001, 0.01, 0.1]}\\n")
    >>> study = run_sweep(d / "sweep.yaml", workers=2, echo=None)
    >>> study.best_trial.user_attrs["config"]
    {'lr': 0.01}
    """
    config = SweepConfig.from_file(path)
    return SweepRunner(config, storage=storage, workers=workers, count=count, echo=echo).run()
