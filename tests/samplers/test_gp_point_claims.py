"""GPSampler's claim names the point it proposes, so parallel workers never run one point twice.

Found with a third-party script (session 24: four worker processes on one journal file, ten integer
parameters, an instant objective): 6 of 40 trials repeated another's parameters under tunewise
(Optuna's TPE: 0 of 40), and ``optimize(n_trials=40, n_jobs=4)`` on SQLite repeated 11. The GP
claimed the *state* it proposed from (the finished and running trial numbers), so two workers with
different states and the same optimum both won their claims; and a worker whose claim was refused
was asked again before the winner's trial showed, found its own key again and proposed the same
point without a claim; and a worker that saw no other trial running claimed nothing at all, which
with an objective faster than a proposal is every worker, every time (the other workers are busy
proposing, their trials not started yet).
"""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np
import pytest

import tunewise as tw
from tunewise.samplers import Proposal

logging.getLogger("tunewise").setLevel(logging.ERROR)


def _sum_of_ints(trial: tw.Trial) -> float:
    return float(sum(trial.suggest_int(f"x{i}", 1, 12) for i in range(6)))


def _study_with_history(n: int = 12) -> tw.Study:
    study = tw.create_study(direction="maximize", sampler=tw.samplers.QMCSampler(seed=0))
    study.optimize(_sum_of_ints, n_trials=n)
    return study


def _propose(sampler: tw.samplers.GPSampler, study: tw.Study) -> Proposal:
    """One proposal for a new trial while another trial runs (a parallel worker's view)."""
    running = study.ask()  # a trial another worker runs: the study is parallel, claims are made
    for i in range(6):
        running.suggest_int(f"x{i}", 1, 12)
    study.sampler = sampler
    ctx = study._sampler_context()
    view = tw.study._sampler_view(tw.study._PendingTrial(study))
    out = sampler.propose(ctx, view)
    assert isinstance(out, Proposal)
    return out


def test_asked_again_after_its_claim_the_sampler_proposes_another_point() -> None:
    # The loop asks again when another worker holds the claim; the winner's trial is not visible
    # yet, so the trials are the same as before. The sampler must move on (Proposal.claim's
    # contract), not repeat the point without a claim.
    study = _study_with_history()
    sampler = tw.samplers.GPSampler(seed=3)
    first = _propose(sampler, study)
    ctx = study._sampler_context()
    view = tw.study._sampler_view(tw.study._PendingTrial(study))
    second = sampler.propose(ctx, view)
    assert isinstance(second, Proposal)
    assert first.claim is not None and second.claim is not None
    assert second.claim != first.claim
    assert dict(second.params) != dict(first.params)


def test_a_worker_that_sees_no_other_trial_running_still_claims_its_point() -> None:
    # Separate worker processes with an instant objective: while this one proposes, the others
    # propose too, so no trial of theirs is RUNNING yet.
    study = _study_with_history()
    sampler = tw.samplers.GPSampler(seed=3)
    study.sampler = sampler
    out = sampler.propose(study._sampler_context(), tw.study._sampler_view(tw.study._PendingTrial(study)))
    assert isinstance(out, Proposal) and out.claim is not None


WORKER = """
import sys, tunewise as tw
tw.logging.set_verbosity(tw.logging.WARNING)
study = tw.load_study(study_name="claims", storage=sys.argv[1], sampler=tw.samplers.GPSampler())
study.optimize(lambda t: float(sum(t.suggest_int(f"x{i}", 1, 12) for i in range(6))), n_trials=8)
"""


def test_worker_processes_with_an_instant_objective_run_every_point_once(tmp_path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'claims.db'}"
    tw.create_study(study_name="claims", storage=url, direction="maximize")
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    workers = [subprocess.Popen([sys.executable, str(script), url]) for _ in range(3)]
    assert [w.wait(timeout=300) for w in workers] == [0, 0, 0]
    study = tw.load_study(study_name="claims", storage=url)
    points = Counter(tuple(sorted(t.params.items())) for t in study.trials)
    assert len(study.trials) == 24
    assert {p: n for p, n in points.items() if n > 1} == {}


@pytest.mark.parametrize("storage", [None, "sqlite"])
def test_parallel_workers_with_an_instant_objective_run_every_point_once(storage, tmp_path) -> None:
    url = None if storage is None else f"sqlite:///{tmp_path / 'claims.db'}"
    study = tw.create_study(direction="maximize", storage=url, sampler=tw.samplers.GPSampler(seed=None))
    study.optimize(_sum_of_ints, n_trials=30, n_jobs=3)
    points = Counter(tuple(sorted(t.params.items())) for t in study.trials)
    repeated = {p: n for p, n in points.items() if n > 1}
    assert len(study.trials) == 30
    assert repeated == {}, repeated
    assert np.isfinite(study.best_value)
