"""n_jobs runs trials in worker processes: exact counts, closures, errors, Ctrl-C."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import tunewise as tw
from tunewise import TrialState


def test_n_jobs_finishes_exact_n_trials_in_memory():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    offset = 3.0  # a closure over a local: shipped to workers by cloudpickle
    seen_pids = []

    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        trial.set_user_attr("pid", os.getpid())
        return (x - 0.5) ** 2 + offset

    study.optimize(objective, n_trials=17, n_jobs=2, callbacks=[lambda s, t: seen_pids.append(t.user_attrs["pid"])])
    assert len(study.trials) == 17
    assert sorted(t.number for t in study.trials) == list(range(17))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    pids = {t.user_attrs["pid"] for t in study.trials}
    assert os.getpid() not in pids  # ran in worker processes, not threads
    assert len(seen_pids) == 17  # callbacks ran in the parent for every trial


def test_n_jobs_grid_has_no_duplicates():
    grid = {"a": list(range(5)), "b": list(range(4))}
    study = tw.create_study(sampler=tw.samplers.GridSampler(grid))
    study.optimize(lambda t: t.suggest_int("a", 0, 4) * 10 + t.suggest_int("b", 0, 3), n_jobs=2)
    combos = [(t.params["a"], t.params["b"]) for t in study.trials if t.state == TrialState.COMPLETE]
    assert sorted(combos) == [(a, b) for a in range(5) for b in range(4)]


@pytest.mark.slow
def test_n_jobs_exception_propagates_and_keeps_trials():
    study = tw.create_study()

    def objective(trial):
        if trial.number == 3:
            raise ZeroDivisionError("trial three")
        return 1.0

    with pytest.raises(ZeroDivisionError, match="trial three"):
        study.optimize(objective, n_trials=20, n_jobs=2)
    failed = [t for t in study.trials if t.state == TrialState.FAILED]
    assert [t.number for t in failed] == [3]
    assert "ZeroDivisionError" in failed[0].system_attrs["fail_reason"]
    assert all(t.state == TrialState.COMPLETE for t in study.trials if t.number != 3)


@pytest.mark.slow
def test_objective_defined_in_main_script_runs_in_workers(tmp_path):
    script = tmp_path / "script.py"
    db = tmp_path / "s.db"
    # No `if __name__ == "__main__"` guard: workers must not re-import the script.
    script.write_text(textwrap.dedent(f"""
        import tunewise as tw
        scale = 2.0
        def objective(trial):
            return scale * trial.suggest_float("x", 0, 1)
        study = tw.create_study(name="m", storage="sqlite:///{db}", sampler=tw.samplers.RandomSampler(seed=0))
        study.optimize(objective, n_trials=12, n_jobs=2)
        print("TRIALS", len(study.trials))
    """))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "TRIALS 12" in out.stdout
    study = tw.load_study("m", f"sqlite:///{db}")
    assert sorted(t.number for t in study.trials) == list(range(12))


@pytest.mark.slow
def test_ctrl_c_leaves_no_trial_running(tmp_path):
    script = tmp_path / "script.py"
    db = tmp_path / "s.db"
    script.write_text(textwrap.dedent(f"""
        import signal, time, tunewise as tw
        # As in a terminal: a suite started in the background by a non-interactive shell has
        # SIGINT ignored, and a child interpreter inherits that (it then never sees Ctrl-C).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        def objective(trial):
            trial.suggest_float("x", 0, 1)
            time.sleep(0.2)
            return 1.0
        study = tw.create_study(name="c", storage="sqlite:///{db}")
        print("START", flush=True)
        study.optimize(objective, n_trials=1000, n_jobs=2)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    assert proc.stdout.readline().strip() == "START"
    deadline = time.time() + 60
    study = None
    while time.time() < deadline:
        time.sleep(0.5)
        try:
            study = tw.load_study("c", f"sqlite:///{db}")
            if len([t for t in study.trials if t.state == TrialState.COMPLETE]) >= 4:
                break
        except tw.TunewiseError:
            continue
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    proc.communicate(timeout=60)
    assert proc.returncode != 0
    study = tw.load_study("c", f"sqlite:///{db}")
    states = [t.state for t in study.trials]
    assert TrialState.RUNNING not in states
    assert states.count(TrialState.COMPLETE) >= 4
