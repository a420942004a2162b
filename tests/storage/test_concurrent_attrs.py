"""Two processes set attributes of one running trial: no key is lost.

Every live write and finish sent the trial's whole ``user_attrs`` / ``system_attrs`` dict as the
writing process knew it, and every storage replaced the stored dict with it: the keys another
process had set meanwhile were lost (session 20, "Left open"). Since session 21 a write carries
the keys its trial set since its last write (``LiveAttrs``) and the storage merges them per key,
in one atomic step: a key set elsewhere stays, and a key one process keeps updating is not put
back to an old value by another process that only read it.
"""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tests.storage._trial_process import close, say, start
from tunewise.trial import TrialState

# A process holding the running trial (number argv[3]) as a live Trial. On stdin: "u KEY VALUE" /
# "s KEY VALUE" sets a user / system attribute and stores it (flush), "tell" finishes the trial
# PRUNED; it answers "ok" after each. With argv[4] (a file that appears when both may start), it
# sets the user attributes argv[5:] (KEY=VALUE), one write each, as fast as it can.
SETTER = """
import os, sys, time
import tunewise as tw
url, name, number = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = tw.load_study(study_name=name, storage=url)
trial = tw.Trial(study, next(t for t in study.trials if t.number == number))
print("ready", flush=True)
if len(sys.argv) > 4:
    while not os.path.exists(sys.argv[4]):
        time.sleep(0.005)
    for item in sys.argv[5:]:
        key, value = item.split("=")
        trial.set_user_attr(key, int(value))
        trial.flush()
    print("done", flush=True)
else:
    for line in sys.stdin:
        words = line.split()
        if words[0] == "tell":
            study.tell(trial, state=tw.TrialState.PRUNED)
        elif words[0] == "u":
            trial.set_user_attr(words[1], int(words[2]))
            trial.flush()
        else:
            trial.set_system_attr(words[1], int(words[2]))
            trial.flush()
        print("ok", flush=True)
"""


def _running_trial(url: str) -> tuple[str, int]:
    study = tw.create_study(study_name=unique("attrs"), storage=url)
    trial = study.ask()
    trial.set_user_attr("before", 1)
    trial.detach()  # handed over: the processes below write to it
    return study.study_name, trial.number


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_two_processes_setting_attributes_in_turn_lose_no_key(backend, tmp_path):
    # In turn (one write at a time, so the outcome does not depend on timing). Before: each write
    # replaced the stored dicts with the writer's own, and the finish from process a left only
    # what a knew (its own keys and "before").
    url = backend_url(backend, tmp_path)
    name, number = _running_trial(url)
    a, b = start(SETTER, url, name, number), start(SETTER, url, name, number)
    for i in range(6):
        say(a, f"u a{i} {i}")
        say(b, f"u b{i} {i}")
        say(a if i % 2 else b, f"s sys{i} {i}")
    say(a, "u shared 1")
    say(b, "u b_last 7")  # b read "shared" never, and must not put it back to an older value
    say(a, "u shared 2")
    say(b, "s b_sys 8")
    say(a, "tell")  # a finish from a process that does not know b's keys
    for p in (a, b):
        close(p)
    trial = tw.load_study(study_name=name, storage=url).trials[number]
    assert trial.state == TrialState.PRUNED
    expected = {"before": 1, **{f"a{i}": i for i in range(6)}, **{f"b{i}": i for i in range(6)}, "shared": 2,
                "b_last": 7}
    assert trial.user_attrs == expected
    assert {k: v for k, v in trial.system_attrs.items() if k.startswith(("sys", "b_sys"))} == {
        **{f"sys{i}": i for i in range(6)}, "b_sys": 8}


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_two_processes_setting_attributes_at_once_lose_no_key(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    name, number = _running_trial(url)
    go = tmp_path / "go"
    keys = {w: [f"{w}{i}={i}" for i in range(60)] for w in ("a", "b")}
    procs = [start(SETTER, url, name, number, str(go), *items) for items in keys.values()]
    go.touch()
    for p in procs:
        close(p)
    trial = tw.load_study(study_name=name, storage=url).trials[number]
    assert trial.state == TrialState.RUNNING
    assert trial.user_attrs == {"before": 1, **{f"{w}{i}": i for w in ("a", "b") for i in range(60)}}
