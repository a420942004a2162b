"""TensorBoardCallback: each COMPLETE trial's parameters and value, read back with TensorBoard's own
event reader and HParams plugin metadata (the tensorboard package, no TensorFlow)."""

from __future__ import annotations

import pathlib
import subprocess
import sys
from typing import Any

import pytest

import tunewise as tw

pytest.importorskip("tensorboard", reason="tensorboard is not installed (pip install 'tunewise[tensorboard]')")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.plugins.hparams import metadata  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

from tunewise.integrations.tensorboard import TensorBoardCallback  # noqa: E402


def _read(run_dir: pathlib.Path) -> tuple[dict[str, Any], dict[str, list[tuple[int, float]]]]:
    """The run's hparams (name -> value) and its scalars (tag -> [(step, value)])."""
    events = EventAccumulator(str(run_dir))
    events.Reload()
    tags = events.Tags()["tensors"]
    start = metadata.parse_session_start_info_plugin_data(
        events.SummaryMetadata(metadata.SESSION_START_INFO_TAG).plugin_data.content)
    hparams = {name: getattr(value, value.WhichOneof("kind")) for name, value in start.hparams.items()}
    scalars = {tag: [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in events.Tensors(tag)]
               for tag in tags if tag != metadata.SESSION_START_INFO_TAG}
    return hparams, scalars


def test_writes_each_complete_trials_params_and_value(tmp_path: pathlib.Path) -> None:
    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        n = trial.suggest_int("n", 1, 3)
        opt = trial.suggest_categorical("optimizer", ["sgd", "adam"])
        if trial.number == 1:
            trial.report(9.0, step=0)
            raise tw.TrialPruned()
        return x + n + (opt == "adam")

    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=3, callbacks=[TensorBoardCallback(tmp_path, metric_name="accuracy")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trial-0", "trial-2"]  # the pruned trial is not written
    for number in (0, 2):
        trial = study.trials[number]
        hparams, scalars = _read(tmp_path / f"trial-{number}")
        assert hparams == {"x": pytest.approx(trial.params["x"]), "n": trial.params["n"],
                           "optimizer": trial.params["optimizer"]}
        assert scalars == {"accuracy": [(number, pytest.approx(trial.value))]}


def test_categorical_choices_of_mixed_types_are_written_as_text(tmp_path: pathlib.Path) -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=1))
    callback = TensorBoardCallback(str(tmp_path), "loss")
    study.optimize(lambda t: float(t.suggest_categorical("c", [1, "two", None]) is None), n_trials=4,
                   callbacks=[callback])
    for trial in study.trials:
        hparams, _ = _read(tmp_path / f"trial-{trial.number}")
        assert hparams == {"c": str(trial.params["c"])}


def test_multi_objective_names_one_scalar_per_objective(tmp_path: pathlib.Path) -> None:
    study = tw.create_study(directions=["minimize", "maximize"], sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=1,
                   callbacks=[TensorBoardCallback(tmp_path / "a", "obj"),
                              TensorBoardCallback(tmp_path / "b", ["loss", "gain"])])
    _, scalars = _read(tmp_path / "a" / "trial-0")
    assert sorted(scalars) == ["obj_0", "obj_1"]
    _, scalars = _read(tmp_path / "b" / "trial-0")
    assert scalars["gain"] == [(0, 2.0)]
    with pytest.raises(ValueError, match="metric_name has 3 names"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=1, catch=(),
                       callbacks=[TensorBoardCallback(tmp_path / "c", ["a", "b", "c"])])


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="metric_name must be a non-empty string"):
        TensorBoardCallback("logs", "")
    with pytest.raises(TypeError, match="dirname must be the log directory"):
        TensorBoardCallback(None, "accuracy")  # type: ignore[arg-type]


def test_optuna_module_paths() -> None:
    import tunewise as optuna
    from tunewise.integration import TensorBoardCallback as FromIntegration
    from tunewise.integration.tensorboard import TensorBoardCallback as FromPath

    assert optuna.integration.TensorBoardCallback is FromIntegration is FromPath is TensorBoardCallback


def test_needs_no_tensorflow_and_names_the_extra_without_tensorboard() -> None:
    code = ("import sys; import tunewise.integrations.tensorboard; assert 'tensorflow' not in sys.modules\n"
            "for name in [m for m in sys.modules if m.startswith(('tensorboard', 'tunewise.integrations.tensorb'))]:"
            " del sys.modules[name]\n"
            "sys.modules['tensorboard'] = None\n"
            "import tunewise.integrations.tensorboard")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].endswith('pip install "tunewise[tensorboard]"')
