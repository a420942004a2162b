"""A worker SIGKILLed exactly between two writes that must both happen (the windows session 18
left open, benchmarks/history/s18/faults.md "Left open"); the kill lands through
``tunewise.testing.faults.crash_point`` (``TUNEWISE_FAULT_KILL=<point>``).

- ``claim:enqueue``: a promotion was claimed and its continuation never enqueued: lost for good
  (nobody claims a key twice).
- ``stale:retry``: a dead worker's trial was failed as stale and its retry never enqueued: the
  trial was neither rerun nor left for anyone to rerun.
- ``pause:finish``: a segment that had published its pause (its rung result, its checkpoint)
  died before ending PRUNED; the heartbeat then retried it, so its rung was trained twice (and
  if it was promoted meanwhile, both ran).
- ``dead:retry`` (session 19 left it open): the parent of ``optimize(n_jobs=k)`` failed a dead
  worker's trial and died before enqueueing its retry: a FAILED trial nobody reruns.
- ``interrupt:retry`` (the same, for SIGTERM): a worker stopped by SIGTERM failed its trial and
  was killed before enqueueing the retry.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.storage import get_storage
from tunewise.testing.faults import KILL_ENV
from tunewise.trial import TrialState

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# argv: url, study, checkpoint dir, n_trials, suicide ("-1": none; else the trial number that
# SIGKILLs itself mid-run)
SCRIPT = textwrap.dedent("""
    import json, os, signal, sys, time
    import tunewise as tw

    url, name, ck, n, suicide = sys.argv[1:6]
    sched = tw.schedulers.ASHAScheduler(1, 9, 3, mode="promote", checkpoint_dir=ck)
    ledger = os.path.join(ck, "ledger")
    runs = open(ledger).read().count("\\n") if os.path.exists(ledger) else 0  # another seed for each run
    study = tw.create_study(study_name=name, storage=url, load_if_exists=True,
                            sampler=tw.samplers.RandomSampler(seed=runs), scheduler=sched,
                            heartbeat_interval=0.2, grace_period=0.6, max_retries=1)

    def objective(trial):
        x = trial.suggest_float("x", 0.01, 1)
        state = trial.load_checkpoint()
        start, acc = (0, 0.0) if state is None else (state["step"], state["acc"])
        with open(os.path.join(ck, "ledger"), "a") as f:
            f.write(json.dumps([trial.number, start, int(trial.budget), x]) + "\\n")
        if trial.number == int(suicide):
            time.sleep(0.3)  # the heartbeat thread saves x (a retry reruns the same configuration)
            os.kill(os.getpid(), signal.SIGKILL)
        for s in range(start + 1, int(trial.budget) + 1):
            acc += x
            trial.report(acc, s)
            trial.save_checkpoint({"step": s, "acc": acc, "x": x})
            if trial.should_prune():
                raise tw.TrialPruned()
        return acc

    study.optimize(objective, n_trials=int(n))
""")


def _run(tmp_path, url, name, n, *, kill_at=None, suicide=-1):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    env.pop(KILL_ENV, None)
    if kill_at is not None:
        env[KILL_ENV] = kill_at
    return subprocess.run([sys.executable, str(script), url, name, str(tmp_path), str(n), str(suicide)], env=env,
                          capture_output=True, text=True, timeout=180)


def _paused(trials):
    """(trial, rung) of every segment that recorded a pause."""
    return [(t, t.system_attrs["asha"]["paused"]) for t in trials
            if t.system_attrs.get("asha", {}).get("paused") is not None]


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_kill_between_claiming_a_promotion_and_enqueueing_it_loses_nothing(backend, tmp_path):
    url, name = backend_url(backend, tmp_path), unique("claim-kill")
    first = _run(tmp_path, url, name, 30, kill_at="claim:enqueue")
    assert first.returncode == -9, first.stderr[-2000:]  # killed at its first promotion
    time.sleep(0.8)  # past the grace period
    second = _run(tmp_path, url, name, 12)
    assert second.returncode == 0, second.stderr[-2000:]
    storage = get_storage(url)
    sid = storage.get_study_id(name)
    trials = storage.get_trials(sid)
    continued = {(t.system_attrs["continues"], t.system_attrs["asha"]["segment_rung"] - 1)
                 for t in trials if "continues" in t.system_attrs}
    # Every promotion some worker claimed is queued or ran: a claimed key nobody enqueued is lost
    # (try_claim answers False for it: claimed already).
    claimed_not_run = [(t.number, k) for t, k in _paused(trials) if (t.number, k) not in continued
                       and not storage.try_claim(sid, f"asha:promote:{t.trial_id}:{k}")]
    assert claimed_not_run == []
    assert continued  # the promotion the kill hit was carried out after all


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_kill_between_failing_a_stale_trial_and_enqueueing_its_retry_loses_nothing(backend, tmp_path):
    url, name = backend_url(backend, tmp_path), unique("stale-kill")
    first = _run(tmp_path, url, name, 10, suicide=2)  # trial 2's worker dies: trial 2 goes stale
    assert first.returncode == -9, first.stderr[-2000:]
    time.sleep(0.8)
    second = _run(tmp_path, url, name, 10, kill_at="stale:retry")  # fails trial 2, dies before the retry
    assert second.returncode == -9, second.stderr[-2000:]
    time.sleep(0.8)
    third = _run(tmp_path, url, name, 3)
    assert third.returncode == 0, third.stderr[-2000:]
    trials = tw.load_study(study_name=name, storage=url).trials
    assert trials[2].state == TrialState.FAILED
    retries = [t for t in trials if t.system_attrs.get("retried_from") == 2]
    assert len(retries) == 1, [(t.number, t.state, t.system_attrs.get("retried_from")) for t in trials]
    ledger = [json.loads(line) for line in (tmp_path / "ledger").read_text().splitlines()]
    assert retries[0].params["x"] == next(x for number, _, _, x in ledger if number == 2)  # the same configuration
    assert retries[0].state in (TrialState.COMPLETE, TrialState.PRUNED)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_segment_killed_after_publishing_its_pause_is_not_trained_twice(backend, tmp_path):
    url, name = backend_url(backend, tmp_path), unique("pause-kill")
    first = _run(tmp_path, url, name, 30, kill_at="pause:finish")
    assert first.returncode == -9, first.stderr[-2000:]
    killed = json.loads((tmp_path / "ledger").read_text().splitlines()[-1])[0]  # the segment that ran last
    time.sleep(0.8)
    second = _run(tmp_path, url, name, 12)
    assert second.returncode == 0, second.stderr[-2000:]
    trials = tw.load_study(study_name=name, storage=url).trials
    victim = trials[killed]
    assert victim.system_attrs["asha"]["paused"] == 0
    # Its pause was published with its rung result and checkpoint: it ends as the PAUSE it was,
    # and no retry trains the same configuration's rung again.
    assert victim.state == TrialState.PRUNED
    assert not [t for t in trials if t.system_attrs.get("retried_from") == victim.number]
    ledger = [json.loads(line) for line in (tmp_path / "ledger").read_text().splitlines()]
    segments = collections.Counter((x, start, budget) for _, start, budget, x in ledger)
    assert [k for k, n in segments.items() if n > 1] == []
    assert [t for t in trials if t.state == TrialState.RUNNING] == []


POOL = textwrap.dedent("""
    import json, os, sys
    import tunewise as tw

    url, ck = sys.argv[1:3]
    sched = tw.schedulers.ASHAScheduler(1, 9, 3, mode="promote", checkpoint_dir=ck)
    study = tw.create_study(storage=url if url != "memory" else None, scheduler=sched,
                            sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial):
        x = trial.suggest_float("x", 0.01, 1)
        state = trial.load_checkpoint()
        start, acc = (0, 0.0) if state is None else (state["step"], state["acc"])
        with open(os.path.join(ck, "ledger"), "a") as f:
            f.write(json.dumps([trial.number, start, int(trial.budget), x]) + "\\n")
        for s in range(start + 1, int(trial.budget) + 1):
            acc += x
            trial.report(acc, s)
            trial.save_checkpoint({"step": s, "acc": acc, "x": x})
            if trial.should_prune():
                raise tw.TrialPruned()
        return acc

    study.optimize(objective, n_trials=30, n_jobs=2)
    print(json.dumps([[t.number, t.state.value, t.system_attrs.get("retried_from"),
                       t.system_attrs.get("asha", {}).get("paused"), t.system_attrs.get("fail_reason")]
                      for t in study.trials]))
""")


@pytest.mark.parametrize("url", ["memory", "sqlite"])
def test_pool_workers_killed_after_publishing_their_pause_end_pruned_not_retried(url, tmp_path):
    # Every worker process of optimize(n_jobs=2) dies at its first published PAUSE: the parent
    # finds its trial RUNNING and ends it PRUNED (its rung result is recorded), and asks for the
    # promotions the dead worker may not have enqueued.
    script = tmp_path / "pool.py"
    script.write_text(POOL)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"), **{KILL_ENV: "pause:finish"})
    target = "memory" if url == "memory" else f"sqlite:///{tmp_path / 'tw.db'}"
    out = subprocess.run([sys.executable, str(script), target, str(tmp_path)], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    trials = json.loads(out.stdout.strip().splitlines()[-1])
    assert [n for n, _, retried, _, _ in trials if retried is not None] == []  # nothing retried
    assert [n for n, state, _, paused, _ in trials if paused is not None and state != "PRUNED"] == []
    assert [n for n, state, *_ in trials if state in ("RUNNING", "FAILED")] == []
    died = [n for n, state, _, _, reason in trials if state == "PRUNED" and str(reason).startswith("worker died")]
    assert len(died) >= 3, trials
    ledger = [json.loads(line) for line in (tmp_path / "ledger").read_text().splitlines()]
    segments = collections.Counter((x, start, budget) for _, start, budget, x in ledger)
    assert [k for k, n in segments.items() if n > 1] == []


# argv: url, study, ledger dir, n_trials, n_jobs, victim (the trial number whose first run dies),
# how it dies ("KILL": SIGKILL of its worker process; "TERM": SIGTERM, which fails and retries it)
DEAD = textwrap.dedent("""
    import json, os, signal, sys, time
    import tunewise as tw

    url, name, d, n, jobs, victim, how = sys.argv[1:8]
    ledger = os.path.join(d, "ledger")
    runs = open(ledger).read().count("\\n") if os.path.exists(ledger) else 0
    study = tw.create_study(study_name=name, storage=url, load_if_exists=True,
                            sampler=tw.samplers.RandomSampler(seed=runs),
                            heartbeat_interval=0.2, grace_period=0.6, max_retries=1)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        with open(ledger, "a") as f:
            f.write(json.dumps([trial.number, x]) + "\\n")
        if trial.number == int(victim):
            time.sleep(0.3)  # the heartbeat thread saves x (a retry reruns the same configuration)
            os.kill(os.getpid(), getattr(signal, "SIG" + how))
            time.sleep(60)  # SIGTERM interrupts this sleep
        return x

    study.optimize(objective, n_trials=int(n), n_jobs=int(jobs))
""")


def _run_dead(tmp_path, url, name, n, *, jobs=1, victim=-1, how="KILL", kill_at=None):
    script = tmp_path / "dead.py"
    script.write_text(DEAD)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    env.pop(KILL_ENV, None)
    if kill_at is not None:
        env[KILL_ENV] = kill_at
    return subprocess.run([sys.executable, str(script), url, name, str(tmp_path), str(n), str(jobs), str(victim),
                           how], env=env, capture_output=True, text=True, timeout=180)


def _retried_once(url, name, tmp_path, victim):
    """The victim ended FAILED with exactly one retry, which ran the victim's configuration."""
    trials = tw.load_study(study_name=name, storage=url).trials
    assert trials[victim].state == TrialState.FAILED
    retries = [t for t in trials if t.system_attrs.get("retried_from") == victim]
    assert len(retries) == 1, [(t.number, t.state, t.system_attrs.get("retried_from"),
                                t.system_attrs.get("fail_reason")) for t in trials]
    ledger = [json.loads(line) for line in (tmp_path / "ledger").read_text().splitlines()]
    assert retries[0].params["x"] == next(x for number, x in ledger if number == victim)
    assert retries[0].state == TrialState.COMPLETE
    assert [t.number for t in trials if t.state == TrialState.RUNNING] == []


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_pool_parent_killed_between_failing_a_dead_workers_trial_and_enqueueing_its_retry_loses_nothing(
        backend, tmp_path):
    # optimize(n_jobs=2): trial 1's worker process dies; the parent fails the trial and is
    # SIGKILLed before (old code: after the FAILED write, so no retry ever) or inside (now: the
    # same transaction, rolled back, so the trial is still RUNNING and goes stale) the retry.
    url, name = backend_url(backend, tmp_path), unique("dead-kill")
    first = _run_dead(tmp_path, url, name, 6, jobs=2, victim=1, kill_at="dead:retry")
    assert first.returncode == -9, first.stderr[-2000:]
    assert "worker died" not in first.stderr  # the parent died at the point, before logging the retry
    time.sleep(0.8)  # past the grace period
    second = _run_dead(tmp_path, url, name, 3)
    assert second.returncode == 0, second.stderr[-2000:]
    _retried_once(url, name, tmp_path, 1)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_worker_killed_between_failing_its_sigtermed_trial_and_enqueueing_its_retry_loses_nothing(
        backend, tmp_path):
    # SIGTERM fails the running trial ("interrupted (SIGTERM)") and queues its retry; the worker
    # is SIGKILLed between the two (old code) or inside the one transaction (now).
    url, name = backend_url(backend, tmp_path), unique("term-kill")
    first = _run_dead(tmp_path, url, name, 6, victim=1, how="TERM", kill_at="interrupt:retry")
    assert first.returncode == -9, first.stderr[-2000:]
    time.sleep(0.8)
    second = _run_dead(tmp_path, url, name, 3)
    assert second.returncode == 0, second.stderr[-2000:]
    _retried_once(url, name, tmp_path, 1)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
@pytest.mark.parametrize("how", ["KILL", "TERM"])
def test_a_dead_or_stopped_trial_is_failed_and_retried_once_without_a_kill(backend, how, tmp_path):
    # The same paths with no kill in the window: the trial is FAILED and retried exactly once.
    url, name = backend_url(backend, tmp_path), unique("dead-ok")
    jobs = 2 if how == "KILL" else 1
    first = _run_dead(tmp_path, url, name, 4, jobs=jobs, victim=1, how=how)
    assert first.returncode == (0 if how == "KILL" else -15), first.stderr[-2000:]
    if how == "TERM":
        second = _run_dead(tmp_path, url, name, 3)  # runs the retry queued by the stopped worker
        assert second.returncode == 0, second.stderr[-2000:]
    _retried_once(url, name, tmp_path, 1)
