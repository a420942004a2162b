"""Session 21's attack: faults that ``benchmarks/chaos.py`` and the s18-s20 probes do not make.

Built on ``benchmarks/chaos.py`` (its ``Run``: study, ledger, processes, and the same five counts:
lost, duplicated, budget ±, stale left, failed; all must be 0). Scenarios:

- njobs-sigstop: SIGSTOP a pool worker of one ``optimize(n_jobs=2)`` inside a trial for longer
  than the grace period, then SIGCONT (twice): its trial is failed as stale and retried meanwhile,
  so its late result must be kept apart, not counted or run twice.
- pg-restart: PostgreSQL restarted (``pg_ctlcluster 15 main restart``) mid-run under 2
  ``optimize`` processes (the server itself, not a proxy: every connection dies, the server is
  gone for a few seconds). PostgreSQL only; the server is started again in any case.
- grid-kill: a 40-point grid (``GridSampler``) with ``max_trials=40`` run by 2 processes, SIGKILLed
  at random and restarted: every point COMPLETE exactly once (``grid_missing`` / duplicated),
  budget exact.
- disk-full: the SQLite file on a 3 MB tmpfs (mounted here; skipped if mount is refused), 2
  processes whose trials write 20 kB user attributes until the filesystem is full, then room is
  made (a ballast file removed) and the workers restarted: results kept in the spool must reach
  the database.
- read-only: the same tmpfs remounted read-only for 4 s mid-run under 2 processes, then read-write.
- pbt-mixed: a PBT study (``max_trials = trials_needed()``) run by an ``optimize()`` process and an
  ask/tell loop in another process at once: ``excess`` trials (no work, budget used) and lineages
  that did not finish (issue 2 of the session).

Plus in-process checks (no processes): hostile study names and attribute keys (unicode, quotes,
NUL, 10 kB) on memory / SQLite / PostgreSQL, and a corrupted or truncated SQLite file at open.

    TUNEWISE_TEST_POSTGRES_URL=... python benchmarks/history/s21/fault_probe.py [--only a,b] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, BENCH)

import chaos  # noqa: E402
from chaos import QUICK, Run, Timeout, _optimize_workers, _signal  # noqa: E402

POSTGRES_URL = os.environ.get("TUNEWISE_TEST_POSTGRES_URL")
GRID = {"x": [round(-4.5 + i * 9 / 7, 6) for i in range(8)], "y": [-4.0, -2.0, 0.0, 2.0, 4.0]}

# A worker process for the scenarios chaos.py's worker does not cover: a grid, big attributes.
WORKER = r'''
import os, sys, time
sys.path.insert(0, sys.argv[1])
import _chaos_objective as co
import tunewise as tw
kind, name, url, max_trials, seed = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
if kind == "grid":
    import json
    sampler = tw.samplers.GridSampler(json.loads(sys.argv[7]), seed=seed)
    objective = co.objective
else:  # "big": 20 kB of user attributes per trial, written while it runs and with its finish
    sampler = tw.samplers.RandomSampler(seed=seed)
    def objective(trial):
        trial.set_user_attr("blob", "x" * 20000)
        trial.flush()
        return co.objective(trial)
study = tw.load_study(study_name=name, storage=url, sampler=sampler)
study.optimize(objective, max_trials=max_trials, catch=(Exception,))
print("done", flush=True)
'''

PBT_WORKER = r'''
import sys, time
import tunewise as tw
mode, name, url, ck = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=4, max_step=8, seed=0, checkpoint_dir=ck)
study = tw.load_study(study_name=name, storage=url, scheduler=pbt, sampler=tw.samplers.RandomSampler(seed=len(mode)))

def train(trial):
    lr = trial.suggest_float("lr", 0.01, 1.0)
    state = trial.load_checkpoint() or {"step": 0, "acc": 0.0}
    step, acc = state["step"], state["acc"]
    while step < 8:
        step += 1
        acc += lr
        time.sleep(0.02)
        trial.report(acc, step)
        trial.save_checkpoint({"step": step, "acc": acc})
        if trial.should_prune():
            raise tw.TrialPruned()
    return acc

if mode == "optimize":
    study.optimize(train, max_trials=pbt.trials_needed())
else:  # an ask/tell loop, one trial at a time, asking again when refused
    while True:
        try:
            trial = study.ask()
        except tw.exceptions.MaxTrialsReached:
            break
        except tw.exceptions.TrialNotAdmitted:
            if all(t.state.is_finished() for t in study.trials) and len(study.trials) >= pbt.trials_needed():
                break
            time.sleep(0.05)
            continue
        try:
            study.tell(trial, train(trial))
        except tw.TrialPruned:
            study.tell(trial, state=tw.TrialState.PRUNED)
print("done", flush=True)
'''


def _run(name: str, backend: str, max_trials: int, seed: int, root: str, settings: Any = QUICK) -> Run:
    rng = random.Random(f"{seed}-{name}-{backend}")
    return Run(name, backend, POSTGRES_URL or "", root, settings, max_trials, rng, seed)


def _start_worker(run: Run, slot: int, kind: str, extra: list[str] | None = None) -> chaos.Proc:
    cmd = [sys.executable, "-c", WORKER, BENCH, kind, run.study_name, run.worker_url, str(run.max_trials),
           str(run.seed * 100 + slot), *(extra or [])]
    return run._start(f"{kind}{slot}", cmd)


def njobs_sigstop(run: Run) -> str:
    s = run.s
    pause = s.grace_period + 2 * s.heartbeat_interval + 0.5
    proc = run.start_optimize(0, n_jobs=2)
    stops, stopped, until, next_stop = 0, None, 0.0, time.monotonic() + 1.0
    try:
        while proc.poll() is None:
            run.check_deadline()
            now = time.monotonic()
            if stopped is not None and now >= until:
                _signal(stopped, signal.SIGCONT)
                stopped, next_stop = None, now + 1.0
            elif stopped is None and stops < 2 and now >= next_stop:
                inside = [p for p in run.working(_optimize_workers(proc)) if run.busy(p)]
                if inside:
                    stopped = run.rng.choice(inside)
                    _signal(stopped, signal.SIGSTOP)
                    until = now + pause
                    stops += 1
            time.sleep(0.05)
    finally:
        if stopped is not None:
            _signal(stopped, signal.SIGCONT)
    run.note_exit(proc, proc.poll() or 0)
    return f"{stops} SIGSTOP of a pool worker for {pause:g} s (grace {s.grace_period:g} s)"


def pg_restart(run: Run) -> str:
    slots = {i: run.start_optimize(i, n_jobs=1) for i in range(2)}
    run.wait_for_results(run.max_trials // 4)
    t0 = time.monotonic()
    try:
        out = subprocess.run(["pg_ctlcluster", "15", "main", "restart"], capture_output=True, text=True, timeout=120)
        restarted = f"pg_ctlcluster restart rc={out.returncode} in {time.monotonic() - t0:.1f} s"
    finally:
        subprocess.run(["pg_ctlcluster", "15", "main", "start"], capture_output=True, timeout=120)  # never left down
    run.supervise(slots, lambda i: run.start_optimize(i, n_jobs=1), lambda: None, restart_delay=1.0)
    return restarted + " with 2 optimize processes"


def grid_kill(run: Run) -> str:
    grid = json.dumps(GRID)
    slots = {i: _start_worker(run, i, "grid", [grid]) for i in range(2)}
    kills, next_kill = 0, time.monotonic() + run.rng.uniform(0.5, 1.2)

    def tick() -> None:
        nonlocal kills, next_kill
        if kills < 6 and time.monotonic() >= next_kill:
            alive = [p for p in slots.values() if p.poll() is None and run.busy(p.pid)]
            if alive:
                run.kill(run.rng.choice(alive))
                kills += 1
                next_kill = time.monotonic() + run.rng.uniform(0.5, 1.2)

    run.supervise(slots, lambda i: _start_worker(run, i, "grid", [grid]), tick)
    return f"{kills} SIGKILL of 2 grid workers (40 points, max_trials=40)"


def _mount(path: str, size: str) -> bool:
    os.makedirs(path, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", path],
                          capture_output=True).returncode == 0


def _umount(path: str) -> None:
    subprocess.run(["umount", "-l", path], capture_output=True)


def disk_full(run: Run, mnt: str) -> str:
    ballast = os.path.join(mnt, "ballast")
    with open(ballast, "wb") as f:
        f.write(b"\0" * (1024 * 1024))  # 1 MB of the 3 MB: removed later to make room
    slots = {i: _start_worker(run, i, "big") for i in range(2)}
    full_at = None
    while full_at is None:
        run.check_deadline()
        logs = "".join(open(p.log_path, errors="replace").read() for p in run.procs)
        if "full" in logs.lower() or all(p.poll() is not None for p in slots.values()):
            full_at = time.monotonic()
        time.sleep(0.2)
    time.sleep(1.0)
    # The operator makes room (the filesystem grows to 64 MB), then restarts what stopped.
    os.unlink(ballast)
    grown = subprocess.run(["mount", "-o", "remount,size=64m", mnt], capture_output=True).returncode
    run.supervise(slots, lambda i: _start_worker(run, i, "big"), lambda: None, restart_delay=0.5)
    return f"3 MB tmpfs filled by 20 kB attributes, then grown to 64 MB (rc={grown}), workers restarted"


def read_only(run: Run, mnt: str) -> str:
    slots = {i: run.start_optimize(i, n_jobs=1) for i in range(2)}
    run.wait_for_results(run.max_trials // 4)
    rc = subprocess.run(["mount", "-o", "remount,ro", mnt], capture_output=True).returncode
    time.sleep(4.0)
    subprocess.run(["mount", "-o", "remount,rw", mnt], capture_output=True)
    run.supervise(slots, lambda i: run.start_optimize(i, n_jobs=1), lambda: None, restart_delay=1.0)
    return f"filesystem read-only for 4 s (remount rc={rc}) under 2 processes, restarted as they exit"


def pbt_mixed(backend: str, root: str) -> dict[str, Any]:
    import tunewise as tw

    d = os.path.join(root, f"pbt-mixed-{backend}")
    os.makedirs(d)
    url = POSTGRES_URL if backend == "postgresql" else f"sqlite:///{d}/pbt.db"
    name = f"pbt-mixed-{uuid.uuid4().hex[:8]}"
    pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=4, max_step=8, seed=0,
                                     checkpoint_dir=os.path.join(d, "ck"))
    tw.create_study(study_name=name, storage=url, direction="maximize", max_trials=pbt.trials_needed(),
                    heartbeat_interval=0.5, grace_period=3.0)
    env = dict(os.environ)
    procs = [subprocess.Popen([sys.executable, "-c", PBT_WORKER, mode, name, url, os.path.join(d, "ck")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
             for mode in ("optimize", "asktell")]
    outs = []
    for p in procs:
        try:
            outs.append(p.communicate(timeout=120)[0])
        except subprocess.TimeoutExpired:
            p.kill()
            outs.append(p.communicate()[0] + "\nTIMEOUT")
    trials = tw.load_study(study_name=name, storage=url).trials
    excess = [t.number for t in trials if t.system_attrs.get("pbt", {}).get("excess")]
    done = {t.system_attrs.get("pbt", {}).get("member") for t in trials if t.state == tw.TrialState.COMPLETE}
    res = {"trials": len(trials), "needed": pbt.trials_needed(), "excess": len(excess),
           "budget": len([t for t in trials if t.state != tw.TrialState.WAITING]) - pbt.trials_needed(),
           "waiting": sum(t.state == tw.TrialState.WAITING for t in trials),
           "running": sum(t.state == tw.TrialState.RUNNING for t in trials),
           "complete": sum(t.state == tw.TrialState.COMPLETE for t in trials), "members_done": len(done),
           "exit": [p.returncode for p in procs], "tail": [o.strip().splitlines()[-1:] for o in outs]}
    if backend == "postgresql":
        s = tw.load_study(study_name=name, storage=url)
        s.storage.delete_study(s._study_id)
    return res


def _round_trip(url: str | None, name: str, text: str) -> str:
    """Create study ``name``, use ``text`` as a study and trial attribute key and value, read back."""
    import tunewise as tw

    def objective(t: Any) -> float:
        t.set_user_attr(text, text)
        t.set_system_attr(text, [text])
        return float(t.suggest_float("x", 0, 1))

    try:
        study = tw.create_study(study_name=name, storage=url)
        study.set_user_attr(text, text)
        study.enqueue_trial({"x": 0.5}, user_attrs={text: text})
        study.optimize(objective, n_trials=2)
        back = tw.load_study(study_name=name, storage=url) if url else study
        ok = (back.study_name == name and back.user_attrs.get(text) == text and len(back.trials) == 2
              and all(t.user_attrs.get(text) == text and t.system_attrs.get(text) == [text] for t in back.trials))
        if url and url.startswith("postgresql"):
            back.storage.delete_study(back._study_id)
        return "round-trip" if ok else f"WRONG: {[t.user_attrs for t in back.trials]!r:.200}"
    except (ValueError, TypeError) as e:
        return f"refused: {type(e).__name__}: {str(e)[:140]}"
    except Exception as e:  # noqa: BLE001 - this is what the check looks for
        return f"UNEXPECTED {type(e).__name__}: {str(e)[:200]}"


def hostile_names() -> list[dict[str, Any]]:
    """Study names and attribute keys/values that are hard to store: each round-trips exactly or is
    refused with a ValueError/TypeError naming it; never a traceback from deep inside."""
    cases = {"unicode": "étude-研究-🚀", "quotes": "it's \"quoted\" `x`; DROP TABLE t;--", "nul": "a\x00b",
             "10kB": "n" * 10_000, "newline": "line1\nline2", "backslash": "c:\\path\\x"}
    out = []
    with tempfile.TemporaryDirectory() as d:
        backends = {"memory": None, "sqlite": f"sqlite:///{d}/h.db"}
        if POSTGRES_URL:
            backends["postgresql"] = POSTGRES_URL
        for backend, url in backends.items():
            for case, text in cases.items():
                name = f"{text}-{uuid.uuid4().hex[:6]}"
                out.append({"backend": backend, "case": case, "study name": _round_trip(url, name, "k"),
                            "attribute key and value": _round_trip(url, f"safe-{uuid.uuid4().hex[:8]}", text)})
    return out


def corrupt_open() -> list[dict[str, str]]:
    import tunewise as tw

    out = []
    with tempfile.TemporaryDirectory() as d:
        good = os.path.join(d, "good.db")
        study = tw.create_study(study_name="s", storage=f"sqlite:///{good}")
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)
        study.storage.close()
        import sqlite3

        con = sqlite3.connect(good)  # everything into the main file: the copies below have no -wal file
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
        con.close()
        data = open(good, "rb").read()
        variants = {"truncated-half": data[: len(data) // 2], "truncated-100B": data[:100],
                    "garbage": os.urandom(len(data)), "header-zeroed": b"\0" * 100 + data[100:],
                    "page-2-garbage": data[:4096] + os.urandom(4096) + data[8192:], "text-file": b"hello\n" * 50}
        for case, blob in variants.items():
            path = os.path.join(d, f"{case}.db")
            with open(path, "wb") as f:
                f.write(blob)
            try:
                st = tw.load_study(study_name="s", storage=f"sqlite:///{path}")
                n = len(st.trials)
                result = f"opened: {n} trials"
            except Exception as e:  # noqa: BLE001
                msg = str(e)
                result = f"{type(e).__name__} (names the file: {path in msg or os.path.basename(path) in msg}): " \
                         f"{msg.splitlines()[0][:160]}"
            out.append({"case": case, "result": result})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="njobs-sigstop,pg-restart,grid-kill,disk-full,read-only,pbt-mixed,"
                                          "hostile-names,corrupt-open")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    import tunewise as tw

    tw.logging.set_verbosity(tw.logging.WARNING)
    wanted = set(args.only.split(","))
    root = tempfile.mkdtemp(prefix="tw-s21-probe-")
    rows = []

    def scenario(name: str, backend: str, max_trials: int, fn: Any, url: str | None = None) -> None:
        print(f"{name} on {backend} ...", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        run = None
        row: dict[str, Any] = {"scenario": name, "backend": backend, "max_trials": max_trials}
        try:
            run = _run(name, backend, max_trials, args.seed, root)
            if url is not None:  # a SQLite file elsewhere (tmpfs)
                run.url = run.worker_url = url
                import tunewise as tw

                tw.create_study(study_name=run.study_name, storage=url, sampler=tw.samplers.RandomSampler(seed=0),
                                max_trials=max_trials, heartbeat_interval=0.5, grace_period=3.0, max_retries=3)
            row["faults"] = fn(run)
        except Timeout as e:
            row["error"] = f"TIMEOUT {e}"
        except Exception as e:  # noqa: BLE001
            row["error"] = f"{type(e).__name__}: {e}"
        finally:
            if run is not None:
                run.finish()
        if run is not None:
            try:
                row["counts"], info = run.analyze()
                row["info"] = {k: info[k] for k in ("trials", "complete", "retries", "failed_all", "results",
                                                    "spooled", "crashes")}
                if name == "grid-kill":
                    import tunewise as tw

                    st = tw.load_study(study_name=run.study_name, storage=run.url)
                    done = {(t.params["x"], t.params["y"]) for t in st.trials if t.state == tw.TrialState.COMPLETE}
                    want = {(x, y) for x in GRID["x"] for y in GRID["y"]}
                    row["counts"]["grid_missing"] = len(want - done)
                if name == "njobs-sigstop":
                    import tunewise as tw

                    st = tw.load_study(study_name=run.study_name, storage=run.url)
                    row["info"]["late_results"] = sum("late_result" in t.system_attrs for t in st.trials)
            except Exception as e:  # noqa: BLE001
                row["error"] = (row.get("error", "") + f"; analysis: {type(e).__name__}: {e}").strip("; ")
            if backend == "postgresql":
                run.drop_study()
        row["seconds"] = round(time.monotonic() - t0, 1)
        print(json.dumps(row), flush=True)
        rows.append(row)

    backends = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
    if "njobs-sigstop" in wanted:
        for b in backends:
            scenario("njobs-sigstop", b, 60, njobs_sigstop)
    if "pg-restart" in wanted and POSTGRES_URL:
        scenario("pg-restart", "postgresql", 80, pg_restart)
    if "grid-kill" in wanted:
        for b in backends:
            scenario("grid-kill", b, 40, grid_kill)
    if "disk-full" in wanted or "read-only" in wanted:
        mnt = os.path.join(root, "mnt")
        for name, fn, size in (("disk-full", disk_full, "3m"), ("read-only", read_only, "20m")):  # type: ignore[assignment]
            if name not in wanted:
                continue
            if not _mount(mnt, size):
                print(json.dumps({"scenario": name, "skipped": "mount -t tmpfs refused"}), flush=True)
                continue
            try:
                scenario(name, "sqlite", 40 if name == "disk-full" else 60, lambda r, fn=fn: fn(r, mnt),
                         url=f"sqlite:///{mnt}/{name}.db")
            finally:
                subprocess.run(["mount", "-o", "remount,rw", mnt], capture_output=True)
                _umount(mnt)
    if "pbt-mixed" in wanted:
        for b in backends:
            print(json.dumps({"scenario": "pbt-mixed", "backend": b, **pbt_mixed(b, root)}), flush=True)
    if "hostile-names" in wanted:
        for row in hostile_names():
            print(json.dumps({"scenario": "hostile-names", **row}, ensure_ascii=False)[:600], flush=True)
    if "corrupt-open" in wanted:
        for row in corrupt_open():
            print(json.dumps({"scenario": "corrupt-open", **row}), flush=True)
    chaos._cleanup()
    bad = [r for r in rows if r.get("error") or any((r.get("counts") or {}).values())]
    print(f"{len(rows)} process scenarios, {len(bad)} with a non-zero count or an error", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
