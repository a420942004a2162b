"""A worker killed while ``create_study(..., warm_start=FromSimilarTasks(...))`` queues the
similar tasks' best configurations (s31 left open 4).

Each configuration is queued once across all workers and reloads: a claim per configuration, then
its WAITING trial. Before session 32 these were two storage steps (``try_claim``, then
``enqueue_trial``): a worker SIGKILLed in between left the configuration claimed and never queued,
and no resume queued it again (``benchmarks/history/s32/faults_warm_kill.py``). Now the claim and
the trial are one step (``claim_and_enqueue``), and the warm start's record is written by the
resume when a kill left it out.

The child is SIGKILLed after the first claim and before its trial exists, in whichever way its
tree makes those two steps: at ``enqueue_trial`` (two steps) or at the ``claim:enqueue`` crash
point inside the storage's transaction (one step).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.distributions import Float, Int
from tunewise.transfer import FromSimilarTasks, add_to_knowledge_base

SPACE = {"x": Float(-5, 5), "n": Int(1, 8)}
N = 3

CHILD = textwrap.dedent("""
    import os, signal, sys
    import tunewise as tw
    from tunewise.distributions import Float, Int
    from tunewise.storage import SQLStorage
    from tunewise.transfer import FromSimilarTasks

    def killed(*args, **kwargs):  # after the claim, before the trial: the worker dies
        os.kill(os.getpid(), signal.SIGKILL)

    SQLStorage.enqueue_trial = killed
    tw.create_study(name=sys.argv[2], storage=sys.argv[1], load_if_exists=True,
                    warm_start=FromSimilarTasks(top_k=5, n_tasks=2, n_unconditional={n},
                                                space={"x": Float(-5, 5), "n": Int(1, 8)}))
    print("NOT KILLED")
""").replace("{n}", str(N))


def _warm_start() -> FromSimilarTasks:
    return FromSimilarTasks(top_k=5, n_tasks=2, n_unconditional=N, space=SPACE)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_kill_between_a_configurations_claim_and_its_trial_loses_none(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    sources = []
    for name, centre in (("a", -3.0), ("b", 2.0)):
        src = tw.create_study(name=unique(name), storage=url, sampler=tw.samplers.RandomSampler(seed=0))
        src.optimize(lambda t, c=centre: (t.suggest_float("x", -5, 5) - c) ** 2 + 0.1 * t.suggest_int("n", 1, 8),
                     n_trials=12)
        add_to_knowledge_base(src, task=src.study_name, top_k=5)
        sources.append(src.study_name)
    name = unique("warm")
    env = dict(os.environ, TUNEWISE_FAULT_KILL="claim:enqueue")
    child = subprocess.run([sys.executable, "-c", CHILD, url, name], env=env, capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]

    ws = _warm_start()
    study = tw.create_study(name=name, storage=url, load_if_exists=True, warm_start=ws)  # the resume
    tw.create_study(name=name, storage=url, load_if_exists=True, warm_start=_warm_start())  # and another worker
    expected = [json.dumps(c, sort_keys=True) for c in ws.initial_configs[:N]]
    assert len(set(expected)) == N
    queued = [json.dumps(t.system_attrs["fixed_params"], sort_keys=True) for t in study.get_trials()
              if (t.system_attrs.get("transfer") or {}).get("kind") == "config"]
    assert sorted(queued) == sorted(expected)  # each once: none lost, none twice
    assert "transfer:warm_start" in study.system_attrs
    if backend == "postgresql":
        for n in (*sources, name):
            tw.delete_study(study_name=n, storage=url)
