"""``study.tell(number, value)`` from a study object that did not ask the trial, before the
process running it saved its parameters (session 29's mends "Open", session 30).

Before, the trial was finished with no parameters and its own process's later write was
refused: the configuration behind the result was lost. Now the tell has them: written at once
by another study object of this process, waited for from another process (its heartbeat thread
saves them soon after they are suggested), or, if they do not come, the tell is refused with a
message saying why and the trial finishes in its own process with its parameters."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tunewise as tw
from tunewise.storage import _heartbeat

OWNER = r"""
import sys, time
import tunewise as tw
from tunewise.storage import _heartbeat
_heartbeat._SAVE_PARAMS_AFTER = float(sys.argv[2])  # when its heartbeat thread first saves them
study = tw.load_study(study_name="s", storage=sys.argv[1])
t = study.ask()
x, y = t.suggest_float("x", 0, 1), t.suggest_int("y", 0, 9)
print(x, y, flush=True)
sys.stdin.readline()  # until the test has told (or tried to)
try:
    study.tell(t, x + y)
    print("told here", flush=True)
except ValueError:
    print("refused here", flush=True)
"""


def _owner(url, save_after):
    study = tw.create_study(study_name="s", storage=url, heartbeat_interval=10.0)
    proc = subprocess.Popen([sys.executable, "-c", OWNER, url, str(save_after)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    x, y = proc.stdout.readline().split()
    return study, proc, {"x": float(x), "y": int(y)}


def _finish(proc):
    return proc.communicate("go\n", timeout=60)[0].strip()


def test_a_tell_from_another_process_waits_for_the_parameters_it_chose(tmp_path):
    study, proc, chosen = _owner(f"sqlite:///{tmp_path / 'tw.db'}", save_after=0.5)
    try:
        told = study.tell(0, 1.0)
    finally:
        ended = _finish(proc)
    assert told.state == tw.TrialState.COMPLETE and told.value == 1.0
    assert study.trials[0].params == chosen  # before: {}
    assert ended == "refused here"  # it was told from outside first


def test_a_tell_refused_when_the_parameters_do_not_come_and_the_trial_ends_with_them(tmp_path, monkeypatch):
    monkeypatch.setattr(_heartbeat, "_AWAIT_OWNER_PARAMS", 0.5, raising=False)  # (absent before)
    study, proc, chosen = _owner(f"sqlite:///{tmp_path / 'tw.db'}", save_after=60.0)
    try:
        with pytest.raises(ValueError, match=r"trial 0 of study 's' is running in another process, which has "
                                             r"stored no parameters for it yet"):
            study.tell(0, 1.0)
    finally:
        ended = _finish(proc)
    assert ended == "told here"
    (trial,) = study.trials
    assert trial.state == tw.TrialState.COMPLETE and trial.params == chosen
    assert trial.value == pytest.approx(chosen["x"] + chosen["y"])


def test_a_tell_from_another_study_object_of_this_process_writes_its_parameters(tmp_path, monkeypatch):
    monkeypatch.setattr(_heartbeat, "_SAVE_PARAMS_AFTER", 60.0)  # not saved by the heartbeat meanwhile
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    asking = tw.create_study(study_name="s", storage=url, heartbeat_interval=10.0)
    t = asking.ask()
    x = t.suggest_float("x", 0, 1)
    told = tw.load_study(study_name="s", storage=url).tell(0, 2.0)
    assert told.value == 2.0 and told.params == {"x": x}
    assert asking.trials[0].params == {"x": x}  # before: {}


def test_a_detached_trial_with_no_parameters_is_told_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    asking = tw.create_study(study_name="s", storage=url)
    asking.ask().detach()  # handed over: nothing of it is pending anywhere
    told = tw.load_study(study_name="s", storage=url).tell(0, 3.0)
    assert told.state == tw.TrialState.COMPLETE and told.params == {}
