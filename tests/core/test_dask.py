"""Trials as tasks on a real dask.distributed LocalCluster with 2 worker processes."""

import os

import pytest

import tunewise as tw
from tunewise import TrialState

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def _objective(trial):
    import os

    trial.set_user_attr("pid", os.getpid())
    x = trial.suggest_float("x", -2, 2)
    return (x - 1) ** 2


def test_dask_runs_exact_trials_on_workers(client, tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    study = tw.create_study(storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    seen = []
    study.optimize(_objective, n_trials=12, executor=tw.DaskExecutor(client),
                   callbacks=[lambda s, t: seen.append(t.number)])
    trials = study.trials
    assert len(trials) == 12 and sorted(seen) == list(range(12))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    worker_pids = set(client.run(lambda: __import__("os").getpid()).values())
    assert {t.user_attrs["pid"] for t in trials} <= worker_pids


def test_dask_needs_persistent_storage(client):
    study = tw.create_study()
    with pytest.raises(ValueError, match="DaskExecutor needs a storage"):
        study.optimize(_objective, n_trials=1, executor=tw.DaskExecutor(client))


def test_dask_propagates_objective_errors(client, tmp_path):
    study = tw.create_study(storage=f"sqlite:///{tmp_path / 'e.db'}")

    def bad(trial):
        raise RuntimeError("broken objective")

    with pytest.raises(RuntimeError, match="broken objective"):
        study.optimize(bad, n_trials=4, executor=tw.DaskExecutor(client))
    assert all(t.state == TrialState.FAILED for t in study.trials)


def test_dask_obeys_the_study_wide_max_trials(client, tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    study = tw.create_study(storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=3)
    study.optimize(_objective, n_trials=50, max_trials=7, executor=tw.DaskExecutor(client))
    assert len(study.trials) == 7
    # A later call with a larger budget: the workers' cached studies must take the new budget.
    study.optimize(_objective, max_trials=9, executor=tw.DaskExecutor(client))
    trials = study.trials
    assert len(trials) == 9 and sorted(t.number for t in trials) == list(range(9))


def _n_trials(study):
    return len(study.trials)


def test_an_in_memory_study_sent_to_another_process_fails_loudly(client):
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=2)
    # The study reaches the worker process as a copy: trials run there would never reach it.
    with pytest.raises(tw.TunewiseError, match="an in-memory study cannot be shared with other processes: "
                                               "pass storage="):
        client.submit(study.optimize, _objective, n_trials=3, pure=False).result()
    assert len(study.trials) == 2
    assert client.submit(_n_trials, study, pure=False).result() == 2  # reading the copy is fine


def test_a_study_with_storage_can_be_sent_to_another_process(client, tmp_path):
    study = tw.create_study(storage=f"sqlite:///{tmp_path / 's.db'}", sampler=tw.samplers.RandomSampler(seed=0))
    client.submit(study.optimize, _objective, n_trials=3, pure=False).result()
    trials = study.trials
    assert len(trials) == 3 and all(t.state == TrialState.COMPLETE for t in trials)
    assert os.getpid() not in {t.user_attrs["pid"] for t in trials}


@pytest.mark.slow
def test_dask_calls_and_restarted_workers_never_replay_seeded_draws(client, tmp_path):
    study = tw.create_study(storage=f"sqlite:///{tmp_path / 'r.db'}", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=8, executor=tw.DaskExecutor(client))
    client.restart()  # new worker processes: nothing cached from the first call
    study.optimize(_objective, n_trials=8, executor=tw.DaskExecutor(client))
    xs = [t.params["x"] for t in study.trials]
    assert len(xs) == 16 and len(set(xs)) == 16
