"""A trial with some parameters stored, told by number from another process while its own
process had chosen more since its last save (session 30's faults, "Left open" 1; session 31).

Before, the trial was finished without the later parameters, and its own process's later writes
were refused: they were lost. Now the process that ran it adds the ones the stored trial lacks
(its heartbeat's next write, its own refused tell, or its detach at exit), never changing a stored
one, and names them in ``system_attrs["late_params"]``."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, backend_url, unique

OWNER = r"""
import sys, time
import tunewise as tw
study = tw.load_study(study_name="s", storage=sys.argv[1])
t = study.ask()
x = t.suggest_float("x", 0, 1)
time.sleep(0.5)  # its heartbeat thread has saved x (the next beat is 10 s away)
y = t.suggest_int("y", 0, 9)
print(x, y, flush=True)
sys.stdin.readline()  # until the test has told trial 0
if sys.argv[2] == "exit":
    t.suggest_int("z", 0, 9)
    sys.exit(0)  # a normal exit detaches the trials it asked: here, told already
try:
    study.tell(t, x + y)
    print("told here", flush=True)
except ValueError:
    print("refused here", flush=True)
"""


@pytest.mark.parametrize("ending", ["tell", "exit"])
def test_parameters_chosen_after_the_last_save_survive_a_tell_from_another_process(tmp_path, ending):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    study = tw.create_study(study_name="s", storage=url, heartbeat_interval=10.0)
    proc = subprocess.Popen([sys.executable, "-c", OWNER, url, ending],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        x, y = proc.stdout.readline().split()
        assert study.trials[0].params == {"x": float(x)}  # y not saved yet
        told = study.tell(0, 1.0)
    finally:
        said = proc.communicate("go\n", timeout=60)[0].strip()
    assert told.value == 1.0 and said == ("refused here" if ending == "tell" else "")
    (trial,) = tw.load_study(study_name="s", storage=url).trials
    assert trial.state == tw.TrialState.COMPLETE and trial.value == 1.0  # the tell's result stays
    assert trial.params["x"] == float(x) and trial.params["y"] == int(y)  # before: y lost
    assert trial.system_attrs["late_params"] == (["y"] if ending == "tell" else ["y", "z"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_record_late_params_adds_only_missing_names_to_a_finished_trial(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    name = unique("late")
    study = tw.create_study(study_name=name, storage=url)
    storage = study._storage
    reader = tw.load_study(study_name=name, storage=url) if url else study
    t = study.ask()
    x = t.suggest_float("x", 0, 1)
    t.suggest_int("y", 0, 9)
    study.tell(t, 1.0)
    assert len(reader.trials) == 1  # a reader that cached the trial before the late write
    tid = study.trials[0].trial_id
    assert storage.record_late_params(tid, {"x": 0.5, "y": 3}) == []  # y was stored with the tell
    assert storage.record_late_params(tid, {"x": 0.5, "w": 7}) == ["w"]
    got = reader.trials[0]
    assert got.params["x"] == x and got.params["w"] == 7  # x kept, w added: seen by the reader too
    assert got.system_attrs["late_params"] == ["w"]
    running = study.ask()
    assert storage.record_late_params(running._trial_id, {"v": 1}) == []  # only a finished trial takes them
    failed = study.ask()
    study.tell(failed, state=tw.TrialState.FAILED)
    assert storage.record_late_params(failed._trial_id, {"v": 1}) == []  # a late result keeps a FAILED one's
    with pytest.raises(ValueError):
        storage.record_late_params(tid, {"": 1})
