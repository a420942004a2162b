"""Two processes report to one running trial: no report is lost.

A trial's reports are one JSON object per trial in the SQL storages, and every live write sent
the whole object as the writing process knew it: a process that did not know the other's steps
overwrote them. Found in session 20; each write now merges its steps into the stored ones (a
stored step keeps its value), in the database, so two processes reporting to a trial (the
asker and a process that tells or reports for it) keep every step.
"""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tests.storage._trial_process import close, say, start
from tunewise.trial import TrialState

# A process holding the running trial (trial number argv[3]) as a live Trial: it reports the
# steps it is told on stdin ("<step>" lines; "tell" finishes the trial with its last report),
# one write each, and answers "ok" after each; or, with argv[4] (a file that appears when both
# may start), reports the steps argv[5:] as fast as it can.
REPORTER = """
import os, sys, time
import tunewise as tw
url, name, number = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = tw.load_study(study_name=name, storage=url)
trial = tw.Trial(study, next(t for t in study.trials if t.number == number))
if len(sys.argv) > 4:
    print("ready", flush=True)
    while not os.path.exists(sys.argv[4]):
        time.sleep(0.005)
    for step in sys.argv[5:]:
        trial.report(float(step) / 100, int(step))
    print("done", flush=True)
else:
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "tell":
            study.tell(trial, state=tw.TrialState.PRUNED)
        else:
            trial.report(float(line) / 100, int(line))
        print("ok", flush=True)
"""


def _running_trial(url: str) -> tuple[str, int]:
    name = unique("reports")
    study = tw.create_study(study_name=name, storage=url)
    trial = study.ask()
    trial.detach()  # handed over: the processes below report to it
    return name, trial.number


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_two_processes_reporting_in_turn_to_one_trial_lose_no_step(backend, tmp_path):
    # In turn (one write at a time, so the outcome does not depend on timing): before, every
    # write replaced the stored reports with the writer's own, so only the last writer's steps
    # were left (the finish from the first process: [0, 2, 4, 6, 8]).
    url = backend_url(backend, tmp_path)
    name, number = _running_trial(url)
    a, b = start(REPORTER, url, name, number), start(REPORTER, url, name, number)
    for step in range(10):
        say(a if step % 2 == 0 else b, str(step))
    say(a, "tell")  # a finish from the process that knows only the even steps
    for p in (a, b):
        close(p)
    trial = tw.load_study(study_name=name, storage=url).trials[number]
    assert trial.state == TrialState.PRUNED
    assert trial.intermediate_values == {s: s / 100 for s in range(10)}


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_two_processes_reporting_at_once_to_one_trial_lose_no_step(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    name, number = _running_trial(url)
    go = tmp_path / "go"
    evens = [str(s) for s in range(0, 120, 2)]
    odds = [str(s) for s in range(1, 120, 2)]
    procs = [start(REPORTER, url, name, number, str(go), *steps) for steps in (evens, odds)]
    go.touch()
    for p in procs:
        close(p)
    trial = tw.load_study(study_name=name, storage=url).trials[number]
    assert trial.state == TrialState.RUNNING
    assert sorted(trial.intermediate_values) == list(range(120))
    assert trial.intermediate_values == {s: s / 100 for s in range(120)}
