"""optimize(n_jobs=2, resources={"gpu": 1}) on two fake GPUs while one worker is killed with
SIGKILL mid-trial and another is stopped (SIGSTOP) past the grace period and resumed: no trial
lost or left RUNNING, the budget exact, and never two trials at once on one device."""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import signal
import threading
import time

import pytest

import tunewise as tw
from tunewise.trial import TrialState


def _on_its_device(trial, d: str) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    device = os.environ["CUDA_VISIBLE_DEVICES"]
    start = time.time()
    with open(os.path.join(d, f"pid.{os.getpid()}"), "w") as f:
        f.write(device)
    with open(os.path.join(d, f"gpu{device}.lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            trial.set_user_attr("conflict", device)
        time.sleep(0.4)
        with open(os.path.join(d, "intervals"), "a") as f:
            f.write(json.dumps([device, start, time.time()]) + "\n")
    return x


def _attack(d: str, done: threading.Event) -> None:
    def workers() -> list[int]:
        return sorted(int(p.rsplit(".", 1)[1]) for p in glob.glob(os.path.join(d, "pid.*")))

    while len(workers()) < 2 and not done.is_set():
        time.sleep(0.02)
    if done.is_set():
        return
    killed = workers()[0]
    os.kill(killed, signal.SIGKILL)  # mid-trial: it wrote its pid as its trial started
    os.remove(os.path.join(d, f"pid.{killed}"))
    done.wait(1.0)
    alive = [p for p in workers() if os.path.exists(f"/proc/{p}")]
    if not alive or done.is_set():
        return
    try:
        os.kill(alive[0], signal.SIGSTOP)
    except ProcessLookupError:  # it exited since the listing (the run may be over)
        return
    try:
        done.wait(2.5)  # well past the 1 s grace period: its trial is failed as stale and retried
    finally:
        with contextlib.suppress(ProcessLookupError):  # the pool may have ended it meanwhile
            os.kill(alive[0], signal.SIGCONT)


@pytest.mark.slow
def test_killed_and_stopped_gpu_workers_lose_nothing_and_never_share_a_device(monkeypatch, tmp_path):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    d = str(tmp_path)
    url = f"sqlite:///{tmp_path / 's.db'}"
    study = tw.create_study(storage=url, study_name="gpu", sampler=tw.samplers.RandomSampler(seed=0),
                            heartbeat_interval=0.2, grace_period=1.0, max_trials=10)
    done = threading.Event()
    attacker = threading.Thread(target=_attack, args=(d, done))
    attacker.start()
    try:
        study.optimize(lambda t: _on_its_device(t, d), n_jobs=2, resources={"gpu": 1})
    finally:
        done.set()
        attacker.join()
    trials = tw.load_study(study_name="gpu", storage=url).trials
    assert not [t.number for t in trials if t.state in (TrialState.RUNNING, TrialState.WAITING)]
    retried = {t.system_attrs["retried_from"] for t in trials if "retried_from" in t.system_attrs}
    assert all(trials[n].state == TrialState.FAILED for n in retried)  # each lost trial was rerun
    assert len(trials) - len(retried) == 10  # the budget, exactly: a rerun does not count twice
    assert sum(t.state == TrialState.COMPLETE for t in trials) == 10  # no finished trial lost
    assert not [t.user_attrs["conflict"] for t in trials if "conflict" in t.user_attrs]
    spans = [json.loads(line) for line in open(os.path.join(d, "intervals"))]
    shared = [(a, b) for i, a in enumerate(spans) for b in spans[i + 1:]
              if a[0] == b[0] and a[1] < b[2] and b[1] < a[2]]
    assert shared == []  # the replacement got the dead worker's device; the resumed one kept its own
