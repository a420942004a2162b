"""PBT under a ``max_trials`` budget with 2 worker processes.

Found by benchmarks/history/s18/fault_probe.py: ``PBTScheduler.trials_needed()`` says 4 members x
5 generations = 20 trials, but a worker idle while the other trained the generation's last member
started a trial that could only wait and end as "excess", and each counted against the budget: 20
segments took 24-33 trials, so with ``max_trials=20`` the last generation stayed WAITING. Now the
loop holds an idle worker until the scheduler admits a new trial (``admits_new_trial``: a segment
is queued, or the population is done), so the population finishes within ``trials_needed()``."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, SQLStorageClaimingBeforeStart, backend_url, unique
from tunewise.storage import SQLStorage
from tunewise.trial import TrialState

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WORKER = textwrap.dedent("""
    import sys, time
    import tunewise as tw

    url, name, ck = sys.argv[1:4]
    pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=4, max_step=10, seed=0,
                                     checkpoint_dir=ck)
    study = tw.create_study(study_name=name, storage=url, load_if_exists=True, direction="maximize",
                            sampler=tw.samplers.RandomSampler(seed=int(sys.argv[4])), scheduler=pbt,
                            max_trials=pbt.trials_needed())

    def objective(trial):
        lr = trial.suggest_float("lr", 0.01, 1.0)
        state = trial.load_checkpoint()
        start, acc = (0, 0.0) if state is None else (state["step"], state["acc"])
        for step in range(start + 1, 11):
            time.sleep(0.02 * (1 + trial.number % 3))  # members train at different speeds
            acc += lr
            trial.report(acc, step)
            trial.save_checkpoint({"step": step, "acc": acc})
            if trial.should_prune():
                raise tw.TrialPruned()
        return acc

    study.optimize(objective)
""")


def _run_two_workers(
    code: str, url: str, name: str, tmp_path: Any, returncodes: tuple[int, int] = (0, 0)
) -> list[tw.FrozenTrial]:
    """Run ``code`` (a worker script) in 2 processes on the study; they must exit with ``returncodes``
    (-9: killed by SIGKILL). The study's trials."""
    script = tmp_path / "worker.py"
    script.write_text(code)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), url, name, str(tmp_path), str(i)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    try:
        errs = [p.communicate(timeout=240)[1] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert [p.returncode for p in procs] == list(returncodes), [e[-2000:] for e in errs]
    return tw.load_study(study_name=name, storage=url).trials


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_two_worker_processes_finish_the_population_within_trials_needed(backend, tmp_path):
    url, name = backend_url(backend, tmp_path), unique("pbt-budget")
    pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=4, max_step=10)
    assert pbt.trials_needed() == 20
    tw.create_study(study_name=name, storage=url, direction="maximize")
    trials = _run_two_workers(WORKER, url, name, tmp_path)
    assert len(trials) == 20, collections.Counter(t.state for t in trials)  # no trial past the budget
    excess = [t.number for t in trials if t.system_attrs.get("pbt", {}).get("excess")]
    assert excess == []
    assert [t.number for t in trials if t.state == TrialState.WAITING] == []
    final = {
        t.system_attrs["pbt"]["lineage"]
        for t in trials
        if t.state == TrialState.COMPLETE and t.system_attrs["pbt"]["generation"] == 4
    }
    assert final == {0, 1, 2, 3}  # every member trained to the last generation


# Forces the interleaving of s25's failure (benchmarks/history/s25/pbt_budget_race.md): worker 1
# is admitted for the population's first member, then stalls between its admission and its start
# (as a worker descheduled under load) until the study has 4 trials or 3 s passed; worker 0 waits
# until worker 1 was admitted, then runs. Before the fix worker 0 was admitted for each member still
# to start and started all 4 (0-3), and worker 1's trial 4 could only be excess: 21 trials, the last
# segment WAITING. Now an admission for a new member claims one of the members not started, so
# worker 0 starts 3 and is held until worker 1 starts the fourth.
STALL = textwrap.dedent("""
    import os, sys, time
    from tunewise import _decisions

    _hold, _first = _decisions.hold_new_trial, [True]
    flag = os.path.join(sys.argv[3], "worker1-admitted")

    def hold_new_trial(study, **kw):
        if sys.argv[4] == "0" and _first[0]:
            while not os.path.exists(flag):
                time.sleep(0.01)
        out = _hold(study, **kw)
        if out is False:  # the hold ended without an admission: excess_wait ran out
            open(os.path.join(sys.argv[3], f"worker{sys.argv[4]}-held-out"), "w").close()
        if sys.argv[4] == "1" and _first[0]:
            open(flag, "w").close()
            give_up = time.monotonic() + 3.0
            while len(study.trials) < 4 and time.monotonic() < give_up:
                time.sleep(0.01)
        _first[0] = False
        return out

    _decisions.hold_new_trial = hold_new_trial
""")


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_worker_stalled_between_admission_and_start_starts_no_excess_trial(backend, tmp_path):
    url, name = backend_url(backend, tmp_path), unique("pbt-stall")
    tw.create_study(study_name=name, storage=url, direction="maximize")
    trials = _run_two_workers(STALL + WORKER, url, name, tmp_path)
    excess = [t.number for t in trials if t.system_attrs.get("pbt", {}).get("excess")]
    waiting = [t.number for t in trials if t.state == TrialState.WAITING]
    assert (len(trials), excess, waiting) == (20, [], []), collections.Counter(t.state for t in trials)
    assert sorted(t.system_attrs["pbt"]["lineage"] for t in trials if t.system_attrs["pbt"]["generation"] == 0) == [
        0,
        1,
        2,
        3,
    ]
    final = {
        t.system_attrs["pbt"]["lineage"]
        for t in trials
        if t.state == TrialState.COMPLETE and t.system_attrs["pbt"]["generation"] == 4
    }
    assert final == {0, 1, 2, 3}


# s25 left open (benchmarks/history/s25/pbt_budget_race.md, "Open"): worker 1 is admitted for
# the population's first member and is killed (SIGKILL) before its start; worker 0 then runs the
# study alone. The admission claimed a member key in a storage step of its own, so the dead
# worker's key stayed claimed and worker 0 was held for the last member until excess_wait (60 s;
# 67 s in all). Now the key is claimed in the start's own step: nothing is left claimed.
KILL = textwrap.dedent("""
    import os, signal, sys, time
    from tunewise import _decisions

    _hold, _first = _decisions.hold_new_trial, [True]
    flag = os.path.join(sys.argv[3], "worker1-admitted")

    def hold_new_trial(study, **kw):
        if sys.argv[4] == "0" and _first[0]:
            give_up = time.monotonic() + 30
            while not os.path.exists(flag) and time.monotonic() < give_up:
                time.sleep(0.01)
            time.sleep(0.2)
        out = _hold(study, **kw)
        if out is False:  # the hold ended without an admission: excess_wait ran out
            open(os.path.join(sys.argv[3], f"worker{sys.argv[4]}-held-out"), "w").close()
        if sys.argv[4] == "1" and _first[0]:
            open(flag, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)
        _first[0] = False
        return out

    _decisions.hold_new_trial = hold_new_trial
""")


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_worker_killed_between_admission_and_start_does_not_hold_the_last_member(backend, tmp_path):
    url, name = backend_url(backend, tmp_path), unique("pbt-kill")
    tw.create_study(study_name=name, storage=url, direction="maximize")
    trials = _run_two_workers(KILL + WORKER, url, name, tmp_path, returncodes=(0, -9))
    excess = [t.number for t in trials if t.system_attrs.get("pbt", {}).get("excess")]
    waiting = [t.number for t in trials if t.state == TrialState.WAITING]
    assert (len(trials), excess, waiting) == (20, [], [])
    # Not held until excess_wait (60 s) for a member claimed by the dead worker: every hold of
    # worker 0 ended with an admission
    assert not (tmp_path / "worker0-held-out").exists()


def _record_holds(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each hold of this process's optimize() answered: False means it ended without an
    admission, after waiting the scheduler's whole ``excess_wait`` (or a stop or timeout)."""
    from tunewise import _decisions

    answers: list[bool] = []
    hold = _decisions.hold_new_trial

    def recorded(study: tw.Study, **kw: Any) -> bool:
        answers.append(hold(study, **kw))
        return answers[-1]

    monkeypatch.setattr(_decisions, "hold_new_trial", recorded)
    return answers


def test_a_worker_is_not_held_when_no_member_trains(tmp_path, monkeypatch):
    # The last member of generation 1 fails in its objective (caught): no member trains and
    # nothing is queued, so waiting would not help: the worker resolves the generation itself
    # (PBTScheduler.idle_suggestions) and starts its first segment; no excess trial uses the budget.
    holds = _record_holds(monkeypatch)
    pbt = tw.schedulers.PBTScheduler(
        perturbation_interval=2, population_size=4, max_step=6, seed=0, checkpoint_dir=str(tmp_path), excess_wait=30
    )
    study = tw.create_study(
        storage=f"sqlite:///{tmp_path / 'pbt.db'}",
        direction="maximize",
        sampler=tw.samplers.RandomSampler(seed=0),
        scheduler=pbt,
    )

    def objective(trial):
        lr = trial.suggest_float("lr", 0.01, 1.0)
        state = trial.load_checkpoint()
        start, acc = (0, 0.0) if state is None else (state["step"], state["acc"])
        if trial.system_attrs.get("pbt", {}).get("lineage") == 3 and start == 2:
            raise ValueError("member 3 fails in generation 1")
        for step in range(start + 1, 7):
            acc += lr
            trial.report(acc, step)
            trial.save_checkpoint({"step": step, "acc": acc})
            if trial.should_prune():
                raise tw.TrialPruned()
        return acc

    study.optimize(objective, n_trials=12, catch=(ValueError,))
    # Every hold ended with an admission: none waited out excess_wait (30 s) for a member nobody trains
    assert len(holds) == 12 and all(holds), holds
    final = {
        t.system_attrs["pbt"]["lineage"]
        for t in study.trials
        if t.state == TrialState.COMPLETE and t.system_attrs.get("pbt", {}).get("generation") == 2
    }
    assert final == {0, 1, 2}
    assert [t.number for t in study.trials if t.system_attrs.get("pbt", {}).get("excess")] == []


@pytest.mark.parametrize("storage", [SQLStorage, SQLStorageClaimingBeforeStart])
def test_a_worker_is_not_held_once_the_budget_is_used(tmp_path, monkeypatch, storage):
    # At the end of a budget, a queued segment reserved by a worker whose start the budget then
    # refused stays reserved: the other worker was held excess_wait (60 s by default) for it,
    # though its own start could only be refused too (s25: 64 s for a 4 s run). Now the hold ends
    # once the budget is used, and the start decides (refused here; a queued retry would start).
    # (Since s27 an admission reserves a segment only on a storage that does not claim at the
    # start; on tunewise's a reservation left behind is not waited for at all.)
    pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=2, excess_wait=30)
    study = tw.create_study(
        storage=storage(f"sqlite:///{tmp_path / 'pbt.db'}"), direction="maximize", scheduler=pbt, max_trials=2
    )
    for _ in range(2):
        t = study.ask()
        study.tell(t, t.suggest_float("lr", 0.01, 1.0))
    study.enqueue_trial({"lr": 0.5})
    waiting = study.get_trials(states=(TrialState.WAITING,))[0].number
    assert study._storage.try_claim(study._study_id, f"start:{waiting}")  # reserved by a refused worker

    holds = _record_holds(monkeypatch)
    study.optimize(lambda trial: trial.suggest_float("lr", 0.01, 1.0), n_trials=1)
    assert holds == [True]  # the hold ended at once; it did not run out after excess_wait (30 s)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.WAITING]


# s26 left open (benchmarks/history/s26/faults.md, case 2): worker 1 is admitted for a queued
# segment and is killed (SIGKILL) before its start. The admission reserved the segment (a claim on
# ``start:<n>``) in a storage step of its own, so the dead worker's reservation stayed and worker 0
# was held until excess_wait (60 s) before it took the segment. Now nothing is reserved: the start
# takes a queued segment or starts nothing (``_decisions.QUEUED_ONLY``).
QUEUED_KILL = textwrap.dedent("""
    import os, signal, sys
    from tunewise import _decisions
    from tunewise.trial import TrialState

    _admitted, _hold = _decisions._admitted, _decisions.hold_new_trial
    me, tmp = sys.argv[4], sys.argv[3]

    def admitted(loop, ctx, admits, claims=None, study=None):
        queued = [t.number for t in ctx.get_trials(states=(TrialState.WAITING,))]
        out = _admitted(loop, ctx, admits, claims, study)
        if me == "1" and out and queued:  # admitted for a queued segment: killed before its start
            with open(os.path.join(tmp, "worker1-killed"), "w") as f:
                f.write(repr(queued))
            os.kill(os.getpid(), signal.SIGKILL)
        return out

    def hold_new_trial(study, **kw):
        out = _hold(study, **kw)
        if out is False:  # the hold ended without an admission: excess_wait ran out
            with open(os.path.join(tmp, f"worker{me}-held-out"), "a") as f:
                f.write("x")
        return out

    _decisions._admitted = admitted
    _decisions.hold_new_trial = hold_new_trial
""")


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_worker_killed_between_its_admission_for_a_queued_segment_and_its_start_holds_nobody(backend, tmp_path):
    url, name = backend_url(backend, tmp_path), unique("pbt-queued-kill")
    tw.create_study(study_name=name, storage=url, direction="maximize")
    trials = _run_two_workers(QUEUED_KILL + WORKER, url, name, tmp_path, returncodes=(0, -9))
    assert (tmp_path / "worker1-killed").exists()  # killed after an admission with a segment queued
    excess = [t.number for t in trials if t.system_attrs.get("pbt", {}).get("excess")]
    left = [t.number for t in trials if t.state in (TrialState.WAITING, TrialState.RUNNING)]
    assert (len(trials), excess, left) == (20, [], [])
    # Every hold of worker 0 ended with an admission: none ran out after excess_wait (60 s)
    # waiting for a segment the dead worker had reserved
    assert not (tmp_path / "worker0-held-out").exists()
