"""``optuna.integration.dask.DaskStorage`` (optuna-examples' dask/dask_simple.py) and
``optuna.integration.BoTorchSampler`` (multi_objective/botorch_simple.py) under tunewise."""

from __future__ import annotations

import types
import warnings

import pytest

import tunewise as tw


def _objective(trial: tw.Trial) -> float:
    return (trial.suggest_float("x", -2, 2) - 1) ** 2


@pytest.mark.slow
def test_dask_tasks_share_the_study_through_dask_storage() -> None:
    """dask_simple.py: study.optimize submitted as several Dask tasks, in worker processes, on one study."""
    distributed = pytest.importorskip("distributed")
    import tunewise as optuna

    with distributed.Client(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as client:
        storage = optuna.integration.dask.DaskStorage()
        study = optuna.create_study(storage=storage, direction="minimize",
                                    sampler=tw.samplers.RandomSampler(seed=0))
        futures = [client.submit(study.optimize, _objective, n_trials=3, pure=False) for _ in range(3)]
        distributed.wait(futures)
        assert all(f.status == "finished" for f in futures)
    assert len(study.trials) == 9 and {t.state for t in study.trials} == {tw.TrialState.COMPLETE}
    assert sorted(t.number for t in study.trials) == list(range(9))  # one numbering across the worker processes


def test_dask_storage_refuses_what_workers_cannot_share(tmp_path: object) -> None:
    from tunewise.integration.dask import DaskStorage

    remote = types.SimpleNamespace(scheduler_info=lambda: {"workers": {"tcp://192.0.2.7:40000": {}}})
    with pytest.raises(ValueError, match="postgresql"):
        DaskStorage(client=remote)
    local = types.SimpleNamespace(scheduler_info=lambda: {"workers": {"tcp://127.0.0.1:40000": {}}})
    assert type(DaskStorage(client=local)).__name__ == "SQLStorage"
    with pytest.raises(ValueError, match="cannot be shared"):
        DaskStorage(tw.storages.InMemoryStorage())
    given = tw.storages.RDBStorage(f"sqlite:///{tmp_path}/s.db")
    assert DaskStorage(given) is given  # a storage passed in is used as it is


def test_botorch_sampler_is_the_gp_sampler_with_optunas_keywords() -> None:
    """botorch_simple.py: two objectives, a constraint function, 10 start-up trials."""
    import tunewise as optuna

    def objective(trial: tw.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0, 5)
        y = trial.suggest_float("y", 0, 3)
        trial.set_user_attr("constraint", [(x - 5) ** 2 + y**2 - 25 + 1e-3])
        return 4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2

    with pytest.warns(UserWarning, match="not BoTorch"):
        sampler = optuna.integration.BoTorchSampler(constraints_func=lambda t: t.user_attrs["constraint"],
                                                    n_startup_trials=4, seed=0)
    assert isinstance(sampler, tw.samplers.GPSampler) and sampler.n_startup_trials == 4
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(objective, n_trials=7)
    assert len(study.trials) == 7
    assert all(len(t.system_attrs["constraints"]) == 1 for t in study.trials)
    assert 1 <= len(study.best_trials) <= 7
    # a function is called (tests/compat/test_optuna_botorch_candidates_func.py); anything else is refused
    with pytest.raises(TypeError, match="candidates_func"):
        optuna.integration.BoTorchSampler(candidates_func=3)
