"""Fault probe, session 19: session 18's probe (benchmarks/history/s18/fault_probe.py), plus kills
landed exactly in the windows session 18 left open, and PBT held to its honest budget.

Changes from session 18's probe:

- ``--kill-at POINT[,POINT...]`` (promote, hyperband, pbt): every worker's first run has
  ``TUNEWISE_FAULT_KILL=<point>`` (``tunewise.testing.faults.crash_point``), so it SIGKILLs itself
  the first time it reaches that point: ``claim:enqueue`` (a promotion / PBT generation claimed,
  its continuations not enqueued yet), ``stale:retry`` (a stale trial failed, its retry not
  enqueued yet; the points sit inside the storage transactions since session 19, so the kill
  rolls both back), ``pause:finish`` (a PAUSE/STOP published, the trial not finished PRUNED
  yet). A worker that killed itself is restarted without it (as a supervisor would); the random
  kills of session 18 follow. ``info_window_kills`` counts the kills that landed in a window.
- pbt: ``max_trials`` is ``PBTScheduler.trials_needed()`` = 20 (session 18 gave 30 of room for
  the "excess" trials idle workers started; now they wait), so ``slots_lost`` also counts a
  last generation left WAITING because the budget ran out.

Session 18's docstring follows.

Fault probe, session 18: the faults benchmarks/chaos.py does not cover, counted.

Scenarios (each on SQLite and, with ``TUNEWISE_TEST_POSTGRES_URL`` set, PostgreSQL where it
applies); every count printed must be 0, except the ``info`` columns:

- promote / hyperband: ``ASHAScheduler(mode="promote")`` / ``HyperbandScheduler`` with
  checkpoints (a 4 MB array each, so that a kill often lands inside ``save_checkpoint``); 3
  ``study.optimize`` worker processes share a ``max_trials`` budget; random ones are SIGKILLed
  (half of the kills timed while the victim is inside ``save_checkpoint``) and restarted.
  Counts: ``lost`` (a segment's value the objective returned that is not stored), ``promo_lost``
  (a claimed promotion that never ran to the end and is not queued either: no finished or
  WAITING trial continues that trial at that rung, directly or through retries; or a retry of a
  continuation that restarted as a new configuration; session 19: not one whose continuation was
  killed max_retries + 1 times, counted as ``info_retries_used_up``), ``promo_twice`` (one configuration's segment
  at one rung finished twice),
  ``bad_load`` (a continuation loaded a checkpoint that is torn, another configuration's, or of
  the wrong step), ``leaked`` (``.tmp-*`` partial writes left on disk, or trial directories
  holding more than ``keep_checkpoints``), ``budget`` (started trials minus retries minus
  ``max_trials``), ``running`` (RUNNING trials once every worker exited).
- pbt: ``PBTScheduler`` (population 4, 5 generations, ``max_trials`` 30: idle workers' "excess"
  trials count against it), 2 workers, same attack. Counts: ``lost``,
  ``slots_lost`` (lineages that never reach the last generation; session 19: not one whose segment
  was killed max_retries + 1 times, counted as ``info_retries_used_up``), ``gen_twice`` (session 19: a
  member's segment of one generation finished twice), ``bad_load`` (a segment
  loaded a checkpoint that is not its parent's or its donor's at the recorded step), ``bad_donor``
  (an exploit copied a member that ended FAILED without having arrived), ``budget``,
  ``running``.
- signals: SIGINT / SIGTERM to ``study.optimize(n_jobs=1)``, ``optimize(n_jobs=2)`` and
  ``tunewise worker`` mid-trial (also with an objective that ignores SIGTERM and SIGINT), then
  the same command started again to finish the budget. Counts: ``orphans`` (trial processes
  alive after the stopped process exited), ``running`` (RUNNING trials after the restart
  finished), ``lost`` (values computed, not stored), ``budget``; info: the exit time and how
  many trials the stopped run left RUNNING (the restart fails and retries those).
- crash: objectives that end their process under ``optimize(n_jobs=2)``: ``os.abort()``, a
  segfault through ctypes, ``os._exit(0)``, ``os._exit(3)``. Counts: ``unclear`` (the crashed
  trial is not FAILED with a reason naming the signal or exit code), ``budget``, ``running``,
  ``pool`` (the pool did not keep two trials running at once after the crash).
- dask: ``DaskExecutor`` on a ``LocalCluster`` of 2 worker processes; a dask worker process is
  SIGKILLed mid-trial (twice). Counts: ``lost``, ``dup``, ``budget``, ``running``, ``failed``
  (work not recovered).
- files: SQLite files truncated, zero-length, not a database, from a newer schema; a path with
  spaces and unicode; 4 processes creating one study name at once (SQLite and PostgreSQL).
  Counts: ``unclear`` (the error does not name the file and the problem), ``lost`` (trials of the
  concurrently created study missing), ``dup_studies``.

    .venv/bin/python benchmarks/history/s19/fault_probe.py --quick
    .venv/bin/python benchmarks/history/s19/fault_probe.py --quick --only promote,hyperband,pbt \
        --kill-at claim:enqueue,stale:retry,pause:finish

Exit status 1 if any count is not 0. Every process started is killed on exit.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import glob
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_RETRIES = 2  # the workers' retry policy (max_retries)
POSTGRES_ENV = "TUNEWISE_TEST_POSTGRES_URL"
_PROCS: list[subprocess.Popen[bytes]] = []


def _kill_all() -> None:
    for p in _PROCS:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


atexit.register(_kill_all)


def _spawn(cmd: list[str], log: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    fh = open(log, "ab")
    p = subprocess.Popen(cmd, stdout=fh, stderr=fh, env={**os.environ, **(env or {})}, cwd=HERE,
                         start_new_session=True)  # own group: SIGINT is not ignored, and killpg ends its children
    _PROCS.append(p)
    return p


def _ledger(path: str, row: dict[str, Any]) -> None:
    with open(path, "a") as f:
        f.write(json.dumps(row) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _read_ledger(path: str) -> list[dict[str, Any]]:
    if not os.path.exists(path):
        return []
    out = []
    for line in open(path):
        with contextlib.suppress(json.JSONDecodeError):  # a line cut by a kill
            out.append(json.loads(line))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


# ---- objectives (run in the worker processes; configured by environment) --------------------
def _digest(arr: Any) -> str:
    return hashlib.sha1(arr.tobytes()).hexdigest()


def objective_segments(trial: Any) -> float:
    """ASHA promote / Hyperband segment: trains from the loaded checkpoint to ``trial.budget``."""
    import numpy as np

    import tunewise as tw

    d = os.environ["PROBE_DIR"]
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    state = trial.load_checkpoint()
    start, problem = 0, None
    if state is not None:
        start = int(state["step"])
        if state["params"] != [x, y]:
            problem = f"checkpoint of {state['params']}, params {[x, y]}"
        elif _digest(state["blob"]) != state["digest"]:
            problem = "torn checkpoint"
    cont = trial.system_attrs.get("continues")
    if cont is not None and state is None:
        problem = "continuation without a checkpoint"
    if problem:
        _ledger(os.path.join(d, "ledger"), {"bad_load": problem, "number": trial.number})
    budget = int(trial.budget)
    value = 0.0
    for s in range(start + 1, budget + 1):
        value = (x - 0.3) ** 2 + (y - 0.6) ** 2 + 1.0 / s
        trial.report(value, s)
        time.sleep(0.004)
    blob = np.random.default_rng(trial.number).random(500_000)  # 4 MB: the write takes a while
    marker = os.path.join(d, f"saving.{os.getpid()}")
    open(marker, "w").close()
    trial.save_checkpoint({"step": budget, "params": [x, y], "blob": blob, "digest": _digest(blob)})
    os.remove(marker)
    if trial.should_prune():
        raise tw.TrialPruned()
    _ledger(os.path.join(d, "ledger"), {"done": trial.number, "value": value, "params": [x, y]})
    return value


def objective_pbt(trial: Any) -> float:
    """PBT member: a checkpoint per step that records whose it is (lineage segment) and its step."""
    import numpy as np

    import tunewise as tw

    d = os.environ["PROBE_DIR"]
    lr = trial.suggest_float("lr", 0.01, 1.0)
    state = trial.load_checkpoint()
    st = trial.system_attrs.get("pbt", {})
    start, acc = 0, 0.0
    if state is not None:
        start, acc = int(state["step"]), float(state["acc"])
        donor = st.get("donor")
        want_step = st.get("clone_step") if donor is not None else st.get("start_step")
        want_owner = donor if donor is not None else st.get("parent")
        problem = None
        if _digest(state["blob"]) != state["digest"]:
            problem = "torn checkpoint"
        elif want_owner is not None and (state["owner"], start) != (want_owner, want_step):
            problem = f"loaded trial {state['owner']} step {start}, expected trial {want_owner} step {want_step}"
        if problem:
            _ledger(os.path.join(d, "ledger"), {"bad_load": problem, "number": trial.number})
    elif st.get("parent") is not None:
        _ledger(os.path.join(d, "ledger"), {"bad_load": "continuation without a checkpoint", "number": trial.number})
    max_step = int(os.environ["PROBE_MAX_STEP"])
    for s in range(start + 1, max_step + 1):
        acc += lr * (1.0 - acc / 20.0)
        trial.report(acc, s)
        time.sleep(0.01)
        blob = np.random.default_rng(trial.number * 100 + s).random(250_000)
        marker = os.path.join(d, f"saving.{os.getpid()}")
        open(marker, "w").close()
        trial.save_checkpoint({"step": s, "acc": acc, "owner": trial.number, "blob": blob, "digest": _digest(blob)})
        os.remove(marker)
        if trial.should_prune():
            raise tw.TrialPruned()
    _ledger(os.path.join(d, "ledger"), {"done": trial.number, "value": acc, "params": [lr]})
    return acc


def objective_plain(trial: Any) -> float:
    """A trial of about 0.6 s (busy), then a ledger row (fsynced) before returning its value."""
    d = os.environ["PROBE_DIR"]
    if os.environ.get("PROBE_IGNORE_TERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    x = trial.suggest_float("x", 0.0, 1.0)
    _ledger(os.path.join(d, "pids"), {"pid": os.getpid(), "number": trial.number, "t": time.time()})
    crash = os.environ.get("PROBE_CRASH")
    if crash and trial.number == 2 and "retried_from" not in trial.system_attrs:
        time.sleep(0.2)
        if crash == "abort":
            os.abort()
        if crash == "segv":
            import ctypes

            ctypes.string_at(0)
        if crash == "exit0":
            os._exit(0)
        if crash == "exit3":
            os._exit(3)
    t0 = time.time()
    while time.time() - t0 < float(os.environ.get("PROBE_SECONDS", "0.6")):
        pass
    _ledger(os.path.join(d, "ledger"), {"done": trial.number, "value": x, "params": [x], "t0": t0, "t1": time.time()})
    return x


# ---- worker entry point -------------------------------------------------------------------
def _make_scheduler(kind: str, ckpt: str) -> Any:
    import tunewise as tw

    if kind == "promote":
        return tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote", checkpoint_dir=ckpt, keep_checkpoints=1)
    if kind == "hyperband":
        return tw.schedulers.HyperbandScheduler(1, 27, 3, mode="promote", checkpoint_dir=ckpt, keep_checkpoints=1)
    if kind == "pbt":
        return tw.schedulers.PBTScheduler(perturbation_interval=3, population_size=4, max_step=15, seed=0,
                                          checkpoint_dir=ckpt, keep_checkpoints=2)
    return None


def worker_main(cfg: dict[str, Any]) -> None:
    import faulthandler

    import tunewise as tw

    faulthandler.register(signal.SIGUSR1, all_threads=True)  # the probe asks a hung worker where it is

    os.environ["PROBE_DIR"] = cfg["dir"]
    sched = _make_scheduler(cfg["kind"], os.path.join(cfg["dir"], "ckpt"))
    study = tw.create_study(study_name=cfg["study"], storage=cfg["url"], load_if_exists=True,
                            direction=cfg.get("direction", "minimize"),
                            sampler=tw.samplers.RandomSampler(seed=cfg["seed"]), scheduler=sched,
                            heartbeat_interval=0.3, grace_period=1.2, max_retries=MAX_RETRIES,
                            max_trials=cfg["max_trials"])
    fn = {"promote": objective_segments, "hyperband": objective_segments, "pbt": objective_pbt}.get(
        cfg["kind"], objective_plain)
    study.optimize(fn, n_jobs=cfg.get("n_jobs", 1))


# ---- counting -------------------------------------------------------------------------------
def _trials(url: str, study: str) -> list[Any]:
    import tunewise as tw

    return tw.load_study(study_name=study, storage=url).trials


def _budget(trials: list[Any], max_trials: int) -> int:
    started = [t for t in trials if t.state.name != "WAITING"]
    retries = sum(1 for t in started if "retried_from" in t.system_attrs
                  and not any(u.number == t.system_attrs["retried_from"] and "late_result" in u.system_attrs
                              for u in trials))
    return len(started) - retries - max_trials


def _lost(trials: list[Any], ledger: list[dict[str, Any]]) -> int:
    stored = {t.number: t for t in trials}
    lost = 0
    for row in ledger:
        if "done" not in row:
            continue
        t = stored.get(row["done"])
        if t is None:
            lost += 1
            continue
        if t.state.name == "COMPLETE" and t.value == row["value"]:
            continue
        if t.system_attrs.get("late_result") is not None:
            continue
        # retried and the retry completed with the same parameters
        if any(u.state.name == "COMPLETE" and t.number in u.system_attrs.get("retry_history", ())
               and list(u.params.values()) == row["params"] for u in trials):
            continue
        lost += 1
    return lost


def _disk(ckpt: str, keep: int) -> int:
    # Partial writes of killed workers: .tmp-* in trial directories (nothing ever removed them), or
    # entries of .partial/ older than a later save (which should have removed them).
    leaked = len(glob.glob(os.path.join(ckpt, "**", ".tmp-*"), recursive=True))
    saves = [os.path.getmtime(p) for p in glob.glob(os.path.join(ckpt, "*", "trial-*", "ckpt-*"))]
    last_save = max(saves, default=0.0)
    leaked += sum(1 for p in glob.glob(os.path.join(ckpt, "*", ".partial", "*")) if os.path.getmtime(p) < last_save - 1)
    for tdir in glob.glob(os.path.join(ckpt, "*", "trial-*")):
        leaked += max(0, len(glob.glob(os.path.join(tdir, "ckpt-*"))) - keep)
    return leaked


def _claims(url: str, study: str) -> list[str]:
    import sqlalchemy as sa

    import tunewise as tw

    sid = tw.load_study(study_name=study, storage=url)._study_id
    eng = sa.create_engine(url)
    try:
        with eng.connect() as c:
            cols = [col["name"] for col in sa.inspect(c).get_columns("tunewise_claims")]
            key = next(k for k in ("claim_key", "key", "name") if k in cols)
            rows = c.execute(sa.text(f"select {key} from tunewise_claims where study_id = :s"), {"s": sid}).all()
    finally:
        eng.dispose()
    return [r[0] for r in rows]


def count_segments(url: str, study: str, d: str, max_trials: int) -> dict[str, int]:
    trials = _trials(url, study)
    by_number = {t.number: t for t in trials}
    by_id = {t.trial_id: t for t in trials}
    ledger = _read_ledger(os.path.join(d, "ledger"))
    finished = ("COMPLETE", "PRUNED")

    def carried_out(number: int, rung: int) -> bool:
        # finished, or still queued (WAITING: the budget ran out; the next run takes it)
        return any(t.system_attrs.get("continues") == number and t.system_attrs.get("asha", {}).get("segment_rung")
                   == rung and t.state.name in (*finished, "WAITING") for t in trials)

    def retries_used_up(number: int, rung: int) -> bool:
        # session 19: the continuation ran and was killed max_retries + 1 times (the retry policy's
        # limit, the workers' choice): FAILED for good, not lost in a window
        return any(t.system_attrs.get("continues") == number and t.system_attrs.get("asha", {}).get("segment_rung")
                   == rung and t.state.name == "FAILED" and int(t.system_attrs.get("retry_attempt", 0)) >= MAX_RETRIES
                   for t in trials)

    promo_lost = exhausted = 0
    for key in _claims(url, study):
        if not key.startswith("asha:promote:"):
            continue
        _, _, tid, k = key.split(":")
        src = by_id.get(int(tid))
        if src is not None and not carried_out(src.number, int(k) + 1):
            if retries_used_up(src.number, int(k) + 1):
                exhausted += 1
            else:
                promo_lost += 1
    # a retry of a continuation that restarted as a new configuration
    promo_lost += sum(1 for t in trials if "retried_from" in t.system_attrs and "continues" not in t.system_attrs
                      and "continues" in by_number[t.system_attrs["retried_from"]].system_attrs)
    seen: dict[tuple[Any, ...], int] = {}
    for t in trials:
        if t.state.name in finished and "asha" in t.system_attrs:
            key2 = (tuple(sorted(t.params.items())), t.system_attrs["asha"].get("segment_rung"))
            seen[key2] = seen.get(key2, 0) + 1
    return {
        "lost": _lost(trials, ledger),
        "promo_lost": promo_lost,
        "promo_twice": sum(n - 1 for n in seen.values()),
        "bad_load": sum(1 for r in ledger if "bad_load" in r),
        "leaked": _disk(os.path.join(d, "ckpt"), 1),
        "budget": _budget(trials, max_trials),
        "running": sum(1 for t in trials if t.state.name == "RUNNING"),
        "info_trials": len(trials),
        "info_failed": sum(1 for t in trials if t.state.name == "FAILED"),
        "info_retries_used_up": exhausted,
    }


def count_pbt(url: str, study: str, d: str, max_trials: int, generations: int) -> dict[str, int]:
    trials = _trials(url, study)
    by_number = {t.number: t for t in trials}
    ledger = _read_ledger(os.path.join(d, "ledger"))
    lineages: dict[int, int] = {}
    bad_donor = 0
    for t in trials:
        st = t.system_attrs.get("pbt") or {}
        if "lineage" in st and t.state.name in ("COMPLETE", "PRUNED"):
            lineages[st["lineage"]] = max(lineages.get(st["lineage"], -1), int(st["generation"]))
        donor = st.get("donor")
        if donor is not None:
            dt = by_number[donor]
            if dt.state.name == "FAILED" and "arrived" not in (dt.system_attrs.get("pbt") or {}):
                bad_donor += 1
    reached = {r for r, g in lineages.items() if g >= generations - 1}
    # session 19: a lineage whose segment was killed max_retries + 1 times (the retry policy's
    # limit, the workers' choice) is FAILED for good, not lost in a window: info_retries_used_up
    used_up = {(t.system_attrs.get("pbt") or {}).get("lineage") for t in trials if t.state.name == "FAILED"
               and int(t.system_attrs.get("retry_attempt", 0)) >= MAX_RETRIES} - reached - {None}
    slots_lost = 4 - len(reached) - len(used_up)
    # session 19: a member's segment (lineage, generation) that finished twice (trained twice: e.g. a
    # retry of a segment whose arrival was recorded before its worker died)
    segs: dict[tuple[int, int], int] = {}
    for t in trials:
        st = t.system_attrs.get("pbt") or {}
        if "lineage" in st and not st.get("excess") and t.state.name in ("COMPLETE", "PRUNED"):
            segs[(st["lineage"], st["generation"])] = segs.get((st["lineage"], st["generation"]), 0) + 1
    return {
        "lost": _lost(trials, ledger),
        "slots_lost": slots_lost,
        "gen_twice": sum(n - 1 for n in segs.values()),
        "bad_load": sum(1 for r in ledger if "bad_load" in r),
        "bad_donor": bad_donor,
        "leaked": _disk(os.path.join(d, "ckpt"), 2),
        "budget": _budget(trials, max_trials),
        "running": sum(1 for t in trials if t.state.name == "RUNNING"),
        "info_trials": len(trials),
        "info_failed": sum(1 for t in trials if t.state.name == "FAILED"),
        "info_retries_used_up": len(used_up),
    }


# ---- scenarios ------------------------------------------------------------------------------
def _worker_cmd(cfg: dict[str, Any]) -> list[str]:
    return [sys.executable, os.path.abspath(__file__), "_worker", json.dumps(cfg)]


KILL_AT: str | None = None  # --kill-at: the crash point of every worker's first run
WINDOW_KILLS = [0]


def _attack_workers(cfgs: list[dict[str, Any]], d: str, rng: random.Random, kills: int,
                    deadline: float) -> int:
    armed = {"TUNEWISE_FAULT_KILL": KILL_AT} if KILL_AT else None
    procs = [_spawn(_worker_cmd(c), os.path.join(d, f"w{i}.log"), env=armed) for i, c in enumerate(cfgs)]
    first_run = [bool(KILL_AT)] * len(procs)
    done_kills = 0
    time.sleep(2.0)
    # (an armed worker that killed itself is still to be restarted: all of them may be gone at once)
    while time.time() < deadline and (any(p.poll() is None for p in procs) or any(first_run)):
        for i, p in enumerate(procs):  # a worker that killed itself at the crash point: restart it, unarmed
            if first_run[i] and p.poll() is not None:
                first_run[i] = False
                WINDOW_KILLS[0] += p.returncode == -signal.SIGKILL
                procs[i] = _spawn(_worker_cmd(cfgs[i]), os.path.join(d, f"w{i}.log"))
        if done_kills < kills:
            time.sleep(rng.uniform(0.3, 1.2))
            live = [i for i, p in enumerate(procs) if p.poll() is None]
            if not live:
                continue  # (session 19: was break; armed workers may all have killed themselves meanwhile)
            if rng.random() < 0.5:  # wait (briefly) for a worker inside save_checkpoint
                t_end = time.time() + 1.5
                while time.time() < t_end:
                    saving = [int(m.rsplit(".", 1)[1]) for m in glob.glob(os.path.join(d, "saving.*"))]
                    hit = [i for i in live if procs[i].pid in saving]
                    if hit:
                        live = hit
                        break
                    time.sleep(0.002)
            i = rng.choice(live)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(procs[i].pid, signal.SIGKILL)
            procs[i].wait()
            first_run[i] = False
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(d, f"saving.{procs[i].pid}"))
            done_kills += 1
            procs[i] = _spawn(_worker_cmd(cfgs[i]), os.path.join(d, f"w{i}.log"))  # as a supervisor would
        else:
            time.sleep(0.2)
    timed_out = any(p.poll() is None for p in procs)
    for p in procs:
        if p.poll() is None:
            os.kill(p.pid, signal.SIGUSR1)
    time.sleep(0.5)
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return int(timed_out)


def _cleanup(d: str, counts: dict[str, int]) -> None:
    if os.environ.get("PROBE_KEEP") and any(v for k, v in counts.items() if not k.startswith("info")):
        print(f"  kept {d}")
        return
    shutil.rmtree(d, ignore_errors=True)


def _fresh_url(backend: str, d: str, pg: str | None) -> str:
    return f"sqlite:///{os.path.join(d, 'study.db')}" if backend == "sqlite" else str(pg)


def scenario_segments(kind: str, backend: str, pg: str | None, seed: int, quick: bool) -> dict[str, int]:
    d = tempfile.mkdtemp(prefix=f"probe-{kind}-")
    url = _fresh_url(backend, d, pg)
    study = f"probe-{kind}-{uuid.uuid4().hex[:8]}"
    max_trials = 60 if quick else 120
    rng = random.Random(seed)
    cfgs = [{"dir": d, "url": url, "study": study, "kind": kind, "seed": seed * 10 + i, "max_trials": max_trials}
            for i in range(3)]
    timeout = _attack_workers(cfgs, d, rng, kills=6 if quick else 12, deadline=time.time() + (150 if quick else 300))
    out = count_segments(url, study, d, max_trials)
    out["timeout"] = timeout
    out["info_window_kills"], WINDOW_KILLS[0] = WINDOW_KILLS[0], 0
    _cleanup(d, out)
    return out


def scenario_pbt(backend: str, pg: str | None, seed: int, quick: bool) -> dict[str, int]:
    d = tempfile.mkdtemp(prefix="probe-pbt-")
    url = _fresh_url(backend, d, pg)
    study = f"probe-pbt-{uuid.uuid4().hex[:8]}"
    # 4 members x 5 generations = PBTScheduler.trials_needed(): idle workers wait for the next
    # segment instead of starting "excess" trials (session 19), so the budget is exact
    max_trials = 20
    os.environ["PROBE_MAX_STEP"] = "15"
    rng = random.Random(seed)
    cfgs = [{"dir": d, "url": url, "study": study, "kind": "pbt", "seed": seed * 10 + i, "max_trials": max_trials,
             "direction": "maximize"} for i in range(2)]
    timeout = _attack_workers(cfgs, d, rng, kills=3 if quick else 5, deadline=time.time() + (150 if quick else 240))
    out = count_pbt(url, study, d, max_trials, generations=5)
    out["timeout"] = timeout
    out["info_window_kills"], WINDOW_KILLS[0] = WINDOW_KILLS[0], 0
    _cleanup(d, out)
    return out


def scenario_signal(backend: str, pg: str | None, how: str, sig: int, ignore: bool) -> dict[str, int]:
    d = tempfile.mkdtemp(prefix="probe-sig-")
    url = _fresh_url(backend, d, pg)
    study = f"probe-sig-{uuid.uuid4().hex[:8]}"
    max_trials = 10
    env = {"PROBE_DIR": d, **({"PROBE_IGNORE_TERM": "1"} if ignore else {})}
    cfg = {"dir": d, "url": url, "study": study, "kind": "plain", "seed": 1, "max_trials": max_trials,
           "n_jobs": 2 if how == "njobs2" else 1}
    if how == "cli":
        import tunewise as tw

        tw.create_study(study_name=study, storage=url, heartbeat_interval=0.3, grace_period=1.2, max_retries=2,
                        max_trials=max_trials)
        cmd = [sys.executable, "-m", "tunewise", "worker", "--study", study, "--storage", url, "--objective",
               "fault_probe:objective_plain", "--seed", "1"]
    else:
        cmd = _worker_cmd(cfg)
    p = _spawn(cmd, os.path.join(d, "run.log"), env)
    pids = os.path.join(d, "pids")
    t_end = time.time() + 60
    while time.time() < t_end and len(_read_ledger(pids)) < 3:  # mid-trial, a few trials in
        time.sleep(0.01)
    time.sleep(0.2)
    os.kill(p.pid, sig)
    t0 = time.time()
    try:
        p.wait(timeout=30)
        exit_s = round(time.time() - t0, 1)
    except subprocess.TimeoutExpired:
        exit_s = 99.0
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    time.sleep(0.3)
    orphans = [r["pid"] for r in _read_ledger(pids) if r["pid"] != p.pid and _alive(r["pid"])]
    for pid in orphans:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    trials = _trials(url, study)
    left_running = sum(1 for t in trials if t.state.name == "RUNNING")
    time.sleep(1.3)  # past the grace period: the restart fails what is stale
    p2 = _spawn(cmd, os.path.join(d, "run2.log"), {**env, "PROBE_IGNORE_TERM": ""})
    try:
        p2.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(p2.pid, signal.SIGKILL)
        p2.wait()
    trials = _trials(url, study)
    out = {"orphans": len(orphans), "running": sum(1 for t in trials if t.state.name == "RUNNING"),
           "lost": _lost(trials, _read_ledger(os.path.join(d, "ledger"))),
           "budget": _budget(trials, max_trials), "slow_exit": int(exit_s > 10),
           "info_exit_s": exit_s, "info_left_running": left_running}  # type: ignore[dict-item]
    shutil.rmtree(d, ignore_errors=True)
    return out


def scenario_crash(backend: str, pg: str | None, kind: str) -> dict[str, int]:
    d = tempfile.mkdtemp(prefix="probe-crash-")
    url = _fresh_url(backend, d, pg)
    study = f"probe-crash-{uuid.uuid4().hex[:8]}"
    max_trials = 8
    cfg = {"dir": d, "url": url, "study": study, "kind": "plain", "seed": 1, "max_trials": max_trials, "n_jobs": 2}
    p = _spawn(_worker_cmd(cfg), os.path.join(d, "run.log"), {"PROBE_DIR": d, "PROBE_CRASH": kind,
                                                               "PROBE_SECONDS": "0.4"})
    try:
        p.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    trials = _trials(url, study)
    crashed = next((t for t in trials if t.number == 2), None)
    reason = "" if crashed is None else str(crashed.system_attrs.get("fail_reason", ""))
    want = {"abort": "signal 6", "segv": "signal 11", "exit0": "exit code 0", "exit3": "exit code 3"}[kind]
    rows = [r for r in _read_ledger(os.path.join(d, "ledger")) if r.get("number", 0) > 2 or r.get("done", 0) > 2]
    overlap = any(a["t0"] < b["t1"] and b["t0"] < a["t1"] for i, a in enumerate(rows) for b in rows[i + 1:])
    out = {"unclear": int(crashed is None or crashed.state.name != "FAILED" or want not in reason),
           "budget": _budget(trials, max_trials), "running": sum(1 for t in trials if t.state.name == "RUNNING"),
           "pool": int(not overlap), "lost": _lost(trials, _read_ledger(os.path.join(d, "ledger")))}
    shutil.rmtree(d, ignore_errors=True)
    return out


def scenario_dask(backend: str, pg: str | None) -> dict[str, int]:
    import psutil
    from distributed import Client, LocalCluster

    import tunewise as tw

    d = tempfile.mkdtemp(prefix="probe-dask-")
    url = _fresh_url(backend, d, pg)
    study_name = f"probe-dask-{uuid.uuid4().hex[:8]}"
    os.environ["PROBE_DIR"] = d
    os.environ["PROBE_SECONDS"] = "0.5"
    max_trials = 16
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        study = tw.create_study(study_name=study_name, storage=url, sampler=tw.samplers.RandomSampler(seed=3),
                                heartbeat_interval=0.3, grace_period=1.2, max_retries=2, max_trials=max_trials)
        import threading

        stop = threading.Event()

        def attack() -> None:
            pids = os.path.join(d, "pids")
            for n_seen in (3, 8):
                while not stop.is_set() and len(_read_ledger(pids)) < n_seen:
                    time.sleep(0.01)
                if stop.is_set():
                    return
                time.sleep(0.15)
                workers = [c.pid for c in psutil.Process().children(recursive=True)
                           if "python" in c.name() and c.pid != os.getpid()]
                running = [r["pid"] for r in _read_ledger(pids)]
                victim = next((pid for pid in reversed(running) if pid in workers), None)
                if victim is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(victim, signal.SIGKILL)

        th = threading.Thread(target=attack, daemon=True)
        th.start()
        t0 = time.time()
        err = 0
        try:
            study.optimize(objective_plain, executor=tw.DaskExecutor(client), timeout=120)
        except Exception as e:  # noqa: BLE001 - counted
            print("  dask optimize raised", type(e).__name__, e)
            err = 1
        stop.set()
        th.join()
    trials = _trials(url, study_name)
    params = [tuple(t.params.values()) for t in trials if t.state.name == "COMPLETE"]
    unrecovered = sum(1 for t in trials if t.state.name == "FAILED"
                      and not any(t.number in u.system_attrs.get("retry_history", ()) and u.state.name == "COMPLETE"
                                  for u in trials))
    out = {"lost": _lost(trials, _read_ledger(os.path.join(d, "ledger"))), "dup": len(params) - len(set(params)),
           "budget": _budget(trials, max_trials), "running": sum(1 for t in trials if t.state.name == "RUNNING"),
           "failed": unrecovered, "raised": err, "info_s": round(time.time() - t0, 1)}  # type: ignore[dict-item]
    shutil.rmtree(d, ignore_errors=True)
    return out


def _concurrent_create(url: str, d: str) -> dict[str, int]:
    name = f"probe-conc-{uuid.uuid4().hex[:8]}"
    code = ("import sys, time, tunewise as tw\n"
            "t0 = float(sys.argv[3])\n"
            "while time.time() < t0: time.sleep(0.001)\n"
            "s = tw.create_study(study_name=sys.argv[2], storage=sys.argv[1], load_if_exists=True,\n"
            "                    sampler=tw.samplers.RandomSampler())\n"
            "s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=3)\n")
    t0 = time.time() + 4.0
    ps = [_spawn([sys.executable, "-c", code, url, name, str(t0)], os.path.join(d, f"c{i}.log")) for i in range(4)]
    errors = sum(1 for p in ps if p.wait(timeout=120) != 0)
    import tunewise as tw

    names = [s.name for s in tw.storage.get_storage(url).get_all_studies() if s.name == name]
    n = len(tw.load_study(study_name=name, storage=url).trials)
    return {"errors": errors, "lost": 12 - n, "dup_studies": len(names) - 1}


def scenario_files(pg: str | None) -> dict[str, int]:
    import sqlite3

    import tunewise as tw

    d = tempfile.mkdtemp(prefix="probe-files-")
    good = os.path.join(d, "good.db")
    code = ("import tunewise as tw, sys\n"
            "s = tw.create_study(study_name='a', storage=sys.argv[1])\n"
            "s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=30)\n")
    subprocess.run([sys.executable, "-c", code, f"sqlite:///{good}"], check=True, capture_output=True)
    size = os.path.getsize(good)
    cases: dict[str, tuple[str, tuple[str, ...]]] = {}

    def case(name: str, words: tuple[str, ...]) -> str:
        path = os.path.join(d, name)
        cases[name] = (path, words)
        return path

    for frac in (2, 4):
        shutil.copy(good, case(f"half{frac}.db", ("corrupt",)))
        with open(cases[f"half{frac}.db"][0], "r+b") as f:
            f.truncate(size // frac)
    open(case("zero.db", ("no study",)), "wb").close()  # an empty file is an empty database
    with open(case("text.db", ("corrupt", "not a database")), "w") as f:
        f.write("this is not a database\n")
    shutil.copy(good, case("newer.db", ("newer", "upgrade")))
    c = sqlite3.connect(cases["newer.db"][0])
    c.execute("update tunewise_meta set value='99' where key='schema_version'")
    c.commit()
    c.close()
    unclear = 0
    for name, (path, words) in cases.items():
        try:
            tw.load_study(study_name="a", storage=f"sqlite:///{path}")
            msg = "(no error)"
        except Exception as e:  # noqa: BLE001 - judged below
            msg = f"{type(e).__name__}: {e}"
        ok = path in msg and any(w in msg for w in words)
        unclear += not ok
        print(f"  {name:10s} {'ok ' if ok else 'BAD'} {msg[:160]}")
    odd = os.path.join(d, "dir with spaces ü", "étude données.db")
    os.makedirs(os.path.dirname(odd))
    s = tw.create_study(study_name="ü name", storage=f"sqlite:///{odd}")
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    odd_lost = 3 - len(tw.load_study(study_name="ü name", storage=f"sqlite:///{odd}").trials)
    out = {"unclear": unclear, "odd_path_lost": odd_lost}
    for label, url in (("sqlite", f"sqlite:///{os.path.join(d, 'conc.db')}"), ("postgres", pg)):
        if url is None:
            continue
        for k, v in _concurrent_create(url, d).items():
            out[f"conc_{label}_{k}"] = v
    shutil.rmtree(d, ignore_errors=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="promote,hyperband,pbt,signals,crash,dask,files")
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--kill-at", default="", help="comma-separated crash points (tunewise.testing.faults): each "
                    "scenario of promote, hyperband, pbt runs once per point, every worker's first run armed")
    args = ap.parse_args()
    global KILL_AT
    pg = os.environ.get(POSTGRES_ENV)
    backends = [b for b in args.backends.split(",") if b == "sqlite" or (b == "postgres" and pg)]
    only = args.only.split(",")
    import tunewise

    print(f"tunewise from {os.path.dirname(tunewise.__file__)}")
    bad = 0

    def row(name: str, counts: dict[str, int]) -> None:
        nonlocal bad
        hard = {k: v for k, v in counts.items() if not k.startswith("info")}
        flag = "FAIL" if any(hard.values()) else "ok"
        bad += flag == "FAIL"
        print(f"{name:34s} {flag:4s} " + " ".join(f"{k}={v}" for k, v in counts.items()), flush=True)

    for rep in range(args.repeats):
        seed = args.seed + rep
        for b in backends:
            for point in args.kill_at.split(",") if args.kill_at else [None]:
                KILL_AT = point
                tag = f"/{point}" if point else ""
                for kind in ("promote", "hyperband"):
                    if kind in only:
                        row(f"{kind}/{b}/seed{seed}{tag}", scenario_segments(kind, b, pg, seed, args.quick))
                if "pbt" in only:
                    row(f"pbt/{b}/seed{seed}{tag}", scenario_pbt(b, pg, seed, args.quick))
            KILL_AT = None
        if rep:
            continue
        for b in backends:
            if "signals" in only:
                for how in ("njobs1", "njobs2", "cli"):
                    for sig in (signal.SIGINT, signal.SIGTERM):
                        for ignore in (False, True):
                            if ignore and (how == "njobs1" or args.quick and sig == signal.SIGINT):
                                continue  # in-process: the objective's SIG_IGN is the user's own choice
                            row(f"signal/{b}/{how}/{sig.name}{'/ign' if ignore else ''}",
                                scenario_signal(b, pg, how, sig, ignore))
            if "crash" in only:
                for kind in ("abort", "segv", "exit0", "exit3"):
                    row(f"crash/{b}/{kind}", scenario_crash(b, pg, kind))
            if "dask" in only:
                row(f"dask/{b}", scenario_dask(b, pg))
        if "files" in only:
            row("files", scenario_files(pg if "postgres" in backends else None))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_worker":
        sys.path.insert(0, HERE)
        worker_main(json.loads(sys.argv[2]))
    else:
        sys.exit(main())
