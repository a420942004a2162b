import math
import threading

import pytest

import tunewise as tw
from tunewise import TrialState


def _space_objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    layers = trial.suggest_int("num_layers", 2, 6)
    width = trial.suggest_int("hidden", 32, 512, step=32)
    opt = trial.suggest_categorical("optimizer", ["adam", "sgd", "adamw"])
    if opt == "sgd":
        trial.suggest_float("momentum", 0.8, 0.99)
    return math.log10(lr) + layers + width / 512


def test_define_by_run_space_with_conditional_param():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_space_objective, n_trials=40)
    assert len(study.trials) == 40
    for t in study.trials:
        assert t.state == TrialState.COMPLETE
        assert 1e-5 <= t.params["lr"] <= 1e-1
        assert t.params["hidden"] % 32 == 0
        assert ("momentum" in t.params) == (t.params["optimizer"] == "sgd")
    assert set(study.distributions) == {"lr", "num_layers", "hidden", "optimizer", "momentum"}
    best = study.best_trial
    assert study.best_value == min(t.value for t in study.trials)
    assert study.best_params == best.params


def test_seed_makes_results_reproducible():
    runs = []
    for _ in range(2):
        study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=42))
        study.optimize(_space_objective, n_trials=15)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def test_maximize_picks_largest():
    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)
    assert study.best_value == max(t.value for t in study.trials)


def test_enqueued_trials_run_first_and_keep_their_values():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"lr": 1e-3, "num_layers": 3})
    study.enqueue_trial({"lr": 1e-2, "num_layers": 4, "optimizer": "sgd"})
    study.optimize(_space_objective, n_trials=4)
    t0, t1 = study.trials[:2]
    assert (t0.params["lr"], t0.params["num_layers"]) == (1e-3, 3)
    assert (t1.params["lr"], t1.params["optimizer"]) == (1e-2, "sgd")
    assert len(study.trials) == 4


def test_enqueue_value_outside_known_distribution():
    """As Optuna: a number outside the range runs with a warning (the trial records a range widened
    to hold it); a choice not offered is refused when it is enqueued."""
    study = tw.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    study.enqueue_trial({"x": 5.0})
    with pytest.warns(UserWarning, match=r"Enqueued value 5.0 for parameter 'x' is outside Float\(low=0.0, high=1.0"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[1].params == {"x": 5.0}
    assert study.trials[1].distributions["x"] == tw.distributions.Float(0.0, 5.0)
    study.optimize(lambda t: t.suggest_categorical("c", ["a", "b"]), n_trials=1)
    with pytest.raises(ValueError, match="outside its distribution"):
        study.enqueue_trial({"c": "z"})


def test_same_name_with_other_kind_of_distribution_is_an_error():
    study = tw.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)

    def changed(t):  # another range is allowed (tests/compat/test_evolving_space.py), another kind is not
        return t.suggest_categorical("x", [0, 2])

    with pytest.raises(ValueError, match=r"parameter 'x' was a float parameter \(Float.*not its kind"):
        study.optimize(changed, n_trials=1)
    # The failing trial is recorded as FAILED, earlier trials are kept.
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2 + [TrialState.FAILED]


@pytest.mark.parametrize(
    "value, reason",
    [
        (float("nan"), "objective returned nan"),
        ("abc", "expected a float"),
        (None, "expected a float"),
        ([1.0, 2.0], "expected a float"),
    ],
)
def test_bad_return_values_are_failed_with_reason(value, reason):
    study = tw.create_study()
    study.optimize(lambda t: value, n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.FAILED] * 2
    assert reason in study.trials[0].system_attrs["fail_reason"]


def test_a_one_element_tensor_is_its_number_as_in_optuna():
    torch = pytest.importorskip("torch")
    study = tw.create_study()
    loss = torch.tensor(0.25, requires_grad=True) * 2  # `return loss` without .item()
    study.optimize(lambda t: loss, n_trials=1)
    study.optimize(lambda t: torch.tensor([0.75]), n_trials=1)
    study.optimize(lambda t: torch.tensor([0.5, 1.0]), n_trials=1)
    study.optimize(lambda t: torch.tensor(True), n_trials=1)
    assert [t.value for t in study.trials] == [0.5, 0.75, None, None]
    assert "tensor([0.5000, 1.0000]) (Tensor); expected a float" in study.trials[2].system_attrs["fail_reason"]
    assert "expected a float" in study.trials[3].system_attrs["fail_reason"]


def test_exceptions_in_catch_continue_others_propagate():
    calls = []

    def objective(trial):
        calls.append(trial.number)
        if trial.number % 2:
            raise ValueError(f"odd {trial.number}")
        return 1.0

    study = tw.create_study()
    study.optimize(objective, n_trials=6, catch=(ValueError,))
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE, TrialState.FAILED] * 3
    assert "ValueError: odd 1" in study.trials[1].system_attrs["fail_reason"]
    assert "Traceback" in study.trials[1].system_attrs["traceback"]

    with pytest.raises(ValueError, match="odd 7"):
        study.optimize(objective, n_trials=6)
    # The failing trial is stored; the one before it too. Nothing after it ran.
    assert len(study.trials) == 8
    assert study.trials[-1].state == TrialState.FAILED


def test_keyboard_interrupt_marks_trial_failed_not_running():
    def objective(trial):
        trial.suggest_float("x", 0, 1)
        raise KeyboardInterrupt

    study = tw.create_study()
    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=3)
    (t,) = study.trials
    assert t.state == TrialState.FAILED
    assert "KeyboardInterrupt" in t.system_attrs["fail_reason"]


def test_pruning_records_pruned_with_intermediate_values():
    class PruneAfterTwo(tw.schedulers.Scheduler):
        def should_prune(self, study, trial):
            return len(trial.intermediate_values) >= 2

    study = tw.create_study(scheduler=PruneAfterTwo())

    def objective(trial):
        for step in range(5):
            trial.report(step * 0.1, step)
            if trial.should_prune():
                raise tw.TrialPruned()
        return 1.0

    study.optimize(objective, n_trials=2)
    for t in study.trials:
        assert t.state == TrialState.PRUNED
        assert t.intermediate_values == {0: 0.0, 1: 0.1}
        assert t.value == 0.1


def test_report_records_nan_and_backward_steps_with_a_warning_as_optuna():
    study = tw.create_study()
    trial = study.ask()
    trial.report(0.5, 3)
    with pytest.warns(RuntimeWarning, match="step 2 after step 3"):
        trial.report(0.4, 2)
    with pytest.warns(RuntimeWarning, match="NaN"):
        trial.report(float("nan"), 4)
    with pytest.raises(TypeError, match="needs a number"):
        trial.report("x", 4)
    assert list(trial.intermediate_values) == [3, 2, 4]


def test_ask_and_tell():
    study = tw.create_study(direction="maximize")
    for _ in range(3):
        t = study.ask()
        x = t.suggest_float("x", 0, 1)
        study.tell(t, x)
    t = study.ask({"y": tw.distributions.Int(0, 3)})
    assert "y" in t.params
    study.tell(t, state=TrialState.PRUNED)
    t = study.ask()
    with pytest.warns(UserWarning, match="recorded as FAILED: objective returned nan"):
        study.tell(t, float("nan"))
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE] * 3 + [TrialState.PRUNED, TrialState.FAILED]


def test_timeout_stops_the_loop():
    import time

    study = tw.create_study()
    study.optimize(lambda t: time.sleep(0.05) or 1.0, timeout=0.3)
    assert 1 <= len(study.trials) <= 10


def test_callbacks_and_stop():
    seen = []

    def cb(study, trial):
        seen.append(trial.number)
        if trial.number == 4:
            study.stop()

    study = tw.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=100, callbacks=[cb])
    assert seen == [0, 1, 2, 3, 4]


def test_declarative_space_and_report():
    space = {
        "lr": tw.loguniform(1e-5, 1e-2),
        "hidden": tw.choice([64, 128]),
        "layers": tw.randint(2, 7),
        "dropout": tw.uniform(0.1, 0.5),
        "bs": tw.grid([32, 64]),
        "epochs": 3,
    }
    seen = []

    def train_fn(config):
        seen.append(config)
        for epoch in range(config["epochs"]):
            tw.report(config["dropout"] * (epoch + 1))
        # returns None: the last reported value is the score

    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(train_fn, space=space, n_trials=6)
    assert [c["bs"] for c in seen] == [32, 64] * 3
    for c, t in zip(seen, study.trials):
        assert 2 <= c["layers"] <= 6 and c["hidden"] in (64, 128) and c["epochs"] == 3
        assert t.value == pytest.approx(c["dropout"] * 3)
        assert sorted(t.intermediate_values) == [0, 1, 2]


def test_declarative_space_rejects_garbage():
    study = tw.create_study()
    with pytest.raises(TypeError, match=r"space\['x'\] must be a distribution"):
        study.optimize(lambda c: 1.0, space={"x": object()}, n_trials=1)


def test_report_outside_a_trial_is_a_clear_error():
    with pytest.raises(RuntimeError, match="outside a trial"):
        tw.report(1.0)


def test_grid_sampler_runs_every_point_once_then_stops():
    grid = {"x": [0, 1, 2], "y": ["a", "b"]}
    study = tw.create_study(sampler=tw.samplers.GridSampler(grid))
    study.optimize(lambda t: t.suggest_int("x", 0, 2) + (t.suggest_categorical("y", ["a", "b"]) == "b"))
    combos = sorted((t.params["x"], t.params["y"]) for t in study.trials)
    assert combos == [(x, y) for x in (0, 1, 2) for y in ("a", "b")]
    with pytest.raises(tw.SearchExhausted):
        study.ask()


def test_grid_sampler_rejects_params_outside_grid():
    study = tw.create_study(sampler=tw.samplers.GridSampler({"x": [1, 2]}))
    with pytest.raises(ValueError, match="not in the GridSampler's search space"):
        study.optimize(lambda t: t.suggest_int("x", 1, 2) + t.suggest_float("z", 0, 1), n_trials=1)


def test_qmc_sampler_covers_the_cube_evenly():
    study = tw.create_study(sampler=tw.samplers.QMCSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=65)
    xs = sorted(t.params["x"] for t in study.trials[1:])
    # 64 Sobol points put exactly 8 in each eighth of the axis.
    import numpy as np

    assert list(np.histogram(xs, bins=8, range=(0, 1))[0]) == [8] * 8


def test_create_load_and_duplicate_names():
    storage = tw.storage.InMemoryStorage()
    tw.create_study(name="s", storage=storage)
    with pytest.raises(tw.DuplicatedStudyError, match="load_if_exists=True"):
        tw.create_study(name="s", storage=storage)
    again = tw.create_study(name="s", storage=storage, load_if_exists=True)
    assert again.study_name == "s"
    with pytest.raises(ValueError, match="exists with directions"):
        tw.create_study(name="s", storage=storage, direction="maximize", load_if_exists=True)
    with pytest.raises(tw.StudyNotFoundError, match="no study named 'nope'"):
        tw.load_study("nope", storage)
    assert tw.get_all_study_names(storage) == ["s"]
    tw.delete_study("s", storage)
    assert tw.get_all_study_names(storage) == []


def test_bad_arguments():
    with pytest.raises(ValueError, match="direction must be 'minimize' or 'maximize'"):
        tw.create_study(direction="up")
    study = tw.create_study()
    with pytest.raises(ValueError, match="n_trials must be"):
        study.optimize(lambda t: 1.0, n_trials=-1)
    with pytest.raises(ValueError, match="n_jobs must be"):
        study.optimize(lambda t: 1.0, n_trials=1, n_jobs=0)
    with pytest.raises(TypeError, match="catch must hold exception classes"):
        study.optimize(lambda t: 1.0, n_trials=1, catch=("ValueError",))
    with pytest.raises(TypeError, match="storage must be"):
        tw.create_study(storage=3)


def test_multi_objective_pareto_front():
    study = tw.create_study(directions=["minimize", "maximize"], sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=30)
    front = study.best_trials
    assert front
    for a in front:
        for b in study.trials:
            assert not (b.values[0] <= a.values[0] and b.values[1] >= a.values[1] and b.values != a.values)
    with pytest.raises(RuntimeError, match="best_trials"):
        _ = study.best_trial


def test_trials_dataframe():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_space_objective, n_trials=5)
    df = study.trials_dataframe()
    assert len(df) == 5
    assert {"number", "value", "state", "params_lr", "params_optimizer"} <= set(df.columns)


def test_storage_is_thread_safe_under_concurrent_ask_tell():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))

    def work():
        for _ in range(50):
            t = study.ask()
            study.tell(t, t.suggest_float("x", 0, 1))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    numbers = sorted(t.number for t in study.trials)
    assert numbers == list(range(200))
