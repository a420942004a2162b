"""PBT exploit/explore against hand-computed rankings; checkpoint files, formats and the cap."""

from __future__ import annotations

import os

import numpy as np
import pytest

import tunewise as tw
from tunewise import _decisions
from tunewise.schedulers import _checkpoint
from tunewise.trial import TrialState


def _pbt_objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 10.0)
    state = trial.load_checkpoint()
    start = 0 if state is None else state["step"]
    trial.set_user_attr("loaded", None if state is None else [state["owner"], state["step"], state["x"]])
    score = 0.0 if state is None else state["score"]
    for step in range(start + 1, 7):
        score += x  # the score grows by x per step: larger x is better (maximize)
        trial.report(score, step)
        trial.save_checkpoint({"step": step, "owner": trial.number, "x": x, "score": score})
        if trial.should_prune():
            raise tw.TrialPruned()
    return score


def _pbt_study(tmp_path, **kw) -> tw.Study:  # type: ignore[no-untyped-def]
    pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=4, quantile_fraction=0.25,
                                     resample_probability=0.0, max_step=6, seed=0,
                                     checkpoint_dir=str(tmp_path), **kw)
    study = tw.create_study(direction="maximize", scheduler=pbt)
    for x in (1.0, 4.0, 2.0, 3.0):
        study.enqueue_trial({"x": x})
    study.optimize(_pbt_objective, n_trials=12)
    return study


def test_exploit_copies_donor_checkpoint_and_config(tmp_path) -> None:  # type: ignore[no-untyped-def]
    study = _pbt_study(tmp_path)
    trials = study.trials
    assert [t.state for t in trials[:8]] == [TrialState.PRUNED] * 8
    assert [t.state for t in trials[8:]] == [TrialState.COMPLETE] * 4
    # Generation 0 ends at step 2 with scores 2, 8, 4, 6: trial 0 (x=1) is the bottom quarter and
    # clones trial 1 (x=4, the top quarter); the others keep their own state.
    gen1 = {t.system_attrs["pbt"]["lineage"]: t for t in trials[4:8]}
    cont0 = gen1[0]
    assert cont0.system_attrs["pbt"]["donor"] == 1 and cont0.system_attrs["pbt"]["clone_step"] == 2
    assert cont0.params["x"] in (pytest.approx(3.2), pytest.approx(4.8))  # x0.8 / x1.2 of the donor's 4
    assert cont0.user_attrs["loaded"] == [1, 2, 4.0]  # the donor's checkpoint, not its own (owner 0)
    for lin, own_x in ((1, 4.0), (2, 2.0), (3, 3.0)):
        t = gen1[lin]
        assert t.system_attrs["pbt"]["donor"] is None
        assert t.params["x"] == own_x
        assert t.user_attrs["loaded"] == [lin, 2, own_x]
    # Every continuation's first checkpoint comes from the trial it continues or its donor.
    for t in trials[4:]:
        st = t.system_attrs["pbt"]
        source = st["donor"] if st["donor"] is not None else st["parent"]
        assert t.user_attrs["loaded"][0] == source
    rows = tw.schedulers.lineage(study)
    assert len(rows) == 12 and {r["lineage"] for r in rows} == {0, 1, 2, 3}
    assert rows[4]["generation"] == 1


def test_explore_on_categoricals_and_explicit_lists(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pbt = tw.schedulers.PBTScheduler(2, population_size=2, resample_probability=0.0, seed=1,
                                     hyperparam_mutations={"opt": ["a", "b", "c"], "lr": [0.1, 0.01, 0.001]},
                                     checkpoint_dir=str(tmp_path))
    study = tw.create_study(scheduler=pbt)
    study.enqueue_trial({"opt": "a", "lr": 0.001, "keep": 7})
    t = study.ask()
    t.suggest_categorical("opt", ["a", "b", "c"])
    t.suggest_float("lr", 1e-4, 1.0, log=True)
    t.suggest_int("keep", 0, 10)
    rng = np.random.default_rng(0)
    for _ in range(5):
        new = pbt._explore(study, {"opt": "a", "lr": 0.001, "keep": 7}, rng)
        assert new["opt"] == "b"  # the only neighbour of the first choice
        assert new["lr"] == 0.01  # the only neighbour of the last list item
        assert new["keep"] == 7  # not listed: copied unchanged
    pbt_all = tw.schedulers.PBTScheduler(2, resample_probability=0.0, seed=1)
    for _ in range(5):
        new = pbt_all._explore(study, {"opt": "b", "lr": 0.5, "keep": 10}, rng)
        assert new["opt"] in ("a", "c")
        assert new["lr"] in (pytest.approx(0.4), pytest.approx(0.6))
        assert new["keep"] in (8, 10)  # 10 * 1.2 is clipped to the upper bound


def test_checkpoint_cap_and_handoff_survives(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sched = tw.schedulers.ASHAScheduler(1, 9, 3, checkpoint_dir=str(tmp_path), keep_checkpoints=2)
    study = tw.create_study(scheduler=sched)
    t = study.ask()
    for step in range(1, 6):
        t.report(float(step), step)
        t.save_checkpoint({"step": step})
    tdir = os.path.dirname(t.save_checkpoint({"step": 5}))
    assert sorted(d for d in os.listdir(tdir) if d.startswith("ckpt-")) == ["ckpt-0000000004", "ckpt-0000000005"]
    rel = _checkpoint.handoff(_decisions.checkpoint_root(study), t._trial_id)
    assert rel is not None
    for step in range(6, 9):  # the source moves on and deletes its old checkpoints
        t.report(float(step), step)
        t.save_checkpoint({"step": step})
    assert t.load_checkpoint() == {"step": 8}
    study.tell(t, 8.0)
    study._storage.enqueue_trial(study._study_id, {}, system_attrs={"resume_checkpoint": rel})
    receiver = study.ask()
    assert receiver.load_checkpoint() == {"step": 5}


def test_checkpoint_formats(tmp_path) -> None:  # type: ignore[no-untyped-def]
    study = tw.create_study(scheduler=tw.schedulers.ASHAScheduler(checkpoint_dir=str(tmp_path)))
    t = study.ask()
    assert t.load_checkpoint() is None
    obj = {"w": np.arange(6.0).reshape(2, 3), "meta": {"epoch": 3, "tags": ("a", "b")}, "n": np.int64(4)}
    path = t.save_checkpoint(obj, step=3)
    assert sorted(os.listdir(path)) == ["arrays.npz", "data.json"]
    back = t.load_checkpoint()
    np.testing.assert_array_equal(back["w"], obj["w"])
    assert back["meta"] == {"epoch": 3, "tags": ["a", "b"]} and back["n"] == 4
    with pytest.raises(TypeError, match="save_checkpoint"):
        t.save_checkpoint({"model": object()})
    with pytest.raises(TypeError, match="keys must be strings"):
        t.save_checkpoint({1: 2})
    with pytest.raises(ValueError, match="step"):
        t.save_checkpoint({}, step=-1)


def test_checkpoint_torch_state_dict(tmp_path) -> None:  # type: ignore[no-untyped-def]
    torch = pytest.importorskip("torch")
    study = tw.create_study(scheduler=tw.schedulers.ASHAScheduler(checkpoint_dir=str(tmp_path)))
    t = study.ask()
    model = torch.nn.Linear(3, 2)
    path = t.save_checkpoint({"model": model.state_dict(), "epoch": 2}, step=2)
    assert os.listdir(path) == ["data.pt"]
    back = t.load_checkpoint()
    assert back["epoch"] == 2 and torch.equal(back["model"]["weight"], model.weight.detach())


def test_sqlite_checkpoints_live_next_to_the_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = tw.create_study(name="s", storage=url, scheduler=tw.schedulers.MedianScheduler())
    t = study.ask()
    path = t.save_checkpoint({"a": 1}, step=0)
    assert path.startswith(str(tmp_path / "study.db.checkpoints"))


@pytest.mark.parametrize(("kwargs", "word"), [
    ({"perturbation_interval": 0}, "perturbation_interval"),
    ({"perturbation_interval": 2, "population_size": 1}, "population_size"),
    ({"perturbation_interval": 2, "quantile_fraction": 0.7}, "quantile_fraction"),
    ({"perturbation_interval": 2, "resample_probability": 1.5}, "resample_probability"),
    ({"perturbation_interval": 2, "hyperparam_mutations": {"lr": 3}}, "hyperparam_mutations"),
    ({"perturbation_interval": 2, "perturbation_factors": (0.8, -1)}, "perturbation_factors"),
])
def test_pbt_bad_settings(kwargs, word) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=word):
        tw.schedulers.PBTScheduler(**kwargs)
