"""A worker killed (SIGKILL) inside a scheduler's continuation: an ASHA promotion or a PBT segment.

Found by benchmarks/history/s18/fault_probe.py: the heartbeat's retry of the dead continuation
was enqueued with its parameters only, so it ran as a new configuration from scratch at the first
rung (the promotion was lost, its rung-0 work done twice) and, under PBT, as an "excess" trial
outside the population: the killed member's lineage never trained again. Now the retry is the same
continuation: it loads the checkpoint it was handed and trains the same segment."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.trial import TrialState

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# argv: url, study, checkpoint dir, scheduler ("asha" or "pbt"), kill ("1": the first continuation
# kills its own process), n_trials
SCRIPT = textwrap.dedent("""
    import json, os, signal, sys
    import tunewise as tw

    url, name, ck, kind, kill, n = sys.argv[1:7]
    if kind == "asha":
        sched = tw.schedulers.ASHAScheduler(1, 9, 3, mode="promote", checkpoint_dir=ck, top_reduction_factor=3)
    else:
        sched = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=4, max_step=8, seed=0,
                                           checkpoint_dir=ck)
    study = tw.create_study(study_name=name, storage=url, load_if_exists=True,
                            sampler=tw.samplers.RandomSampler(seed=0), scheduler=sched,
                            heartbeat_interval=0.2, grace_period=0.6, max_retries=1)

    def objective(trial):
        x = trial.suggest_float("x", 0.01, 1)
        state = trial.load_checkpoint()
        start, acc = (0, 0.0) if state is None else (state["step"], state["acc"])
        with open(os.path.join(ck, "ledger"), "a") as f:
            f.write(json.dumps([trial.number, start, state and state["x"]]) + "\\n")
        last = int(trial.budget) if kind == "asha" else 8
        for s in range(start + 1, last + 1):
            acc += x
            trial.report(acc, s)
            if kill == "1" and "continues" in trial.system_attrs and not os.path.exists(ck + "/killed"):
                open(ck + "/killed", "w").close()
                os.kill(os.getpid(), signal.SIGKILL)  # mid-segment
            trial.save_checkpoint({"step": s, "acc": acc, "x": x})
            if trial.should_prune():
                raise tw.TrialPruned()
        return acc

    study.optimize(objective, n_trials=int(n))
""")


def _run(tmp_path, url, name, kind, kill, n):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    return subprocess.run([sys.executable, str(script), url, name, str(tmp_path), kind, kill, str(n)], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_killed_promotion_is_retried_as_the_same_continuation(backend, tmp_path):
    url, name = backend_url(backend, tmp_path), unique("promo-kill")
    first = _run(tmp_path, url, name, "asha", "1", 20)
    assert first.returncode == -9, first.stderr[-2000:]  # it killed itself inside a continuation
    time.sleep(0.8)  # past the grace period: the next run fails the dead trial and retries it
    second = _run(tmp_path, url, name, "asha", "0", 2)
    assert second.returncode == 0, second.stderr[-2000:]
    trials = tw.load_study(study_name=name, storage=url).trials
    dead = next(t for t in trials if t.state == TrialState.FAILED)
    assert "continues" in dead.system_attrs
    retry = next(t for t in trials if t.system_attrs.get("retried_from") == dead.number)
    assert retry.state == TrialState.PRUNED or retry.state == TrialState.COMPLETE
    for key in ("continues", "resume_checkpoint"):
        assert retry.system_attrs[key] == dead.system_attrs[key]
    assert retry.system_attrs["asha"]["segment_rung"] == dead.system_attrs["asha"]["segment_rung"] == 1
    assert retry.params == dead.params
    # It trained on from the paused trial's checkpoint (step 1), not from scratch.
    ledger = [line.split(", ") for line in (tmp_path / "ledger").read_text().splitlines()]
    start = {int(row[0].strip("[")): int(row[1]) for row in ledger}
    assert start[retry.number] == start[dead.number] == 1
    assert min(retry.intermediate_values) == 2


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_killed_pbt_member_keeps_its_population_slot(backend, tmp_path):
    url, name = backend_url(backend, tmp_path), unique("pbt-kill")
    first = _run(tmp_path, url, name, "pbt", "1", 16)
    assert first.returncode == -9, first.stderr[-2000:]
    time.sleep(0.8)
    second = _run(tmp_path, url, name, "pbt", "0", 16)
    assert second.returncode == 0, second.stderr[-2000:]
    trials = tw.load_study(study_name=name, storage=url).trials
    dead = next(t for t in trials if t.state == TrialState.FAILED)
    retry = next(t for t in trials if t.system_attrs.get("retried_from") == dead.number)
    assert retry.system_attrs["pbt"]["lineage"] == dead.system_attrs["pbt"]["lineage"]
    assert not retry.system_attrs["pbt"].get("excess")
    # Every one of the 4 lineages trained to the last step (4 generations of 2 steps).
    finals = {t.system_attrs["pbt"]["lineage"] for t in trials
              if t.state == TrialState.COMPLETE and "lineage" in t.system_attrs.get("pbt", {})
              and max(t.intermediate_values) == 8}
    assert len(finals) == 4
    assert not [t for t in trials if t.system_attrs.get("pbt", {}).get("excess") and t.intermediate_values]


def test_a_pbt_root_killed_twice_before_its_first_report_keeps_its_lineage():
    # Found by the probe on PostgreSQL: root 0 and its retry both died before reporting; the retry
    # of the retry was taken for an "excess" trial and generation 0 waited for lineage 0 forever.
    from tunewise._decisions import context

    pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=4, max_step=8, seed=0)
    study = tw.create_study(scheduler=pbt)
    storage, sid = study._storage, study._study_id
    for number in range(4):
        t = storage.start_trial(sid)
        if number == 0:
            storage.finish_trial(t.trial_id, TrialState.FAILED, None)  # killed before its first report
    first = storage.enqueue_trial(sid, {}, system_attrs={"retried_from": 0})
    storage.finish_trial(storage.start_trial(sid).trial_id, TrialState.FAILED, None)  # killed again
    second = storage.enqueue_trial(sid, {}, system_attrs={"retried_from": first.number})
    storage.start_trial(sid)
    ctx = context(study)
    retry = next(t for t in ctx.get_trials() if t.number == second.number)
    assert pbt._state(ctx, retry)["lineage"] == 0
    _, by_lineage = pbt._segments(ctx.get_trials())
    assert second.number in [t.number for t in by_lineage[0]]  # generation 0 waits for it, then resolves
