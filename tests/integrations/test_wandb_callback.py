"""WeightsAndBiasesCallback against the real wandb in offline mode (no account, no network): what
each trial logged is read back from the offline run's transaction log."""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path

import pytest

wandb = pytest.importorskip("wandb")

import tunewise as tw  # noqa: E402
from tunewise.integrations.wandb import WeightsAndBiasesCallback  # noqa: E402


def _records(run_file: Path) -> list:
    """The records of an offline run's ``.wandb`` file (W&B's LevelDB-style log: a 7-byte file
    header, 32 KiB blocks, each record chunk with a 7-byte header: crc32, length, type)."""
    from wandb.proto import wandb_internal_pb2 as pb

    data = run_file.read_bytes()
    assert data[:4] == b":W&B"
    out, chunk, pos, block = [], b"", 7, 32768
    while pos + 7 <= len(data):
        left = block - pos % block
        if left < 7:  # the block's tail is padding
            pos += left
            continue
        _, length, kind = struct.unpack("<IHB", data[pos:pos + 7])
        if kind == 0 and length == 0:
            break
        chunk += data[pos + 7:pos + 7 + length]
        pos += 7 + length
        if kind in (1, 4):  # FULL or LAST
            rec = pb.Record()
            rec.ParseFromString(chunk)
            out.append(rec)
            chunk = b""
    return out


def _read_run(run_dir: Path) -> dict:
    (run_file,) = run_dir.glob("*.wandb")
    run: dict = {"history": [], "summary": {}, "config": {}, "exit": None}
    records = _records(run_file)
    for _ in range(600):  # wandb's service writes the file in the background: wait for its exit record
        if any(rec.WhichOneof("record_type") == "exit" for rec in records):
            break
        time.sleep(0.05)
        records = _records(run_file)
    for rec in records:
        kind = rec.WhichOneof("record_type")
        if kind == "history":
            run["history"].append({item.key or "/".join(item.nested_key): json.loads(item.value_json)
                                   for item in rec.history.item})
        elif kind == "summary":
            run["summary"].update({item.key or "/".join(item.nested_key): json.loads(item.value_json)
                                   for item in rec.summary.update})
        elif kind in ("config", "run"):  # the config given to wandb.init arrives with the run record
            config = rec.config if kind == "config" else rec.run.config
            run["config"].update({item.key: json.loads(item.value_json) for item in config.update})
        elif kind == "exit":
            run["exit"] = rec.exit.exit_code
    return run


@pytest.fixture
def offline(tmp_path, monkeypatch):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.setenv("WANDB_DISABLE_GIT", "true")
    monkeypatch.setenv("WANDB_ERROR_REPORTING", "false")
    return tmp_path


def _objective(trial):
    x = trial.suggest_float("x", -1.0, 1.0)
    for step in range(3):
        trial.report(x + step, step)
    if trial.number == 2:
        raise RuntimeError("diverged")
    return x * x


@pytest.mark.slow
def test_one_offline_run_per_study_with_a_row_per_trial(offline):
    cb = WeightsAndBiasesCallback(metric_name="loss", wandb_kwargs={"dir": str(offline), "project": "demo"})
    study = tw.create_study(name="quad", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=4, callbacks=[cb], catch=(RuntimeError,))
    cb.end(study)  # optimize leaves the study's run open for the script, as Optuna's callback does
    (run_dir,) = (offline / "wandb").glob("offline-run-*")
    run = _read_run(run_dir)
    rows = [{k: v for k, v in row.items() if not k.startswith("_")} for row in run["history"]]
    assert [r["trial_number"] for r in rows] == [0, 1, 2, 3]
    assert [r["state"] for r in rows] == ["COMPLETE", "COMPLETE", "FAILED", "COMPLETE"]
    for row, trial in zip(rows, study.trials, strict=True):
        assert row["params/x"] == pytest.approx(trial.params["x"])
        if trial.state == tw.TrialState.COMPLETE:
            assert row["loss"] == pytest.approx(trial.value)
    assert rows[-1]["best_value"] == pytest.approx(study.best_value)
    assert run["config"]["study_name"] == "quad" and run["exit"] == 0


@pytest.mark.slow
def test_one_offline_run_per_trial_with_its_reports(offline):
    cb = WeightsAndBiasesCallback(metric_name="loss", wandb_kwargs={"dir": str(offline)}, as_multirun=True)
    study = tw.create_study(name="quad", sampler=tw.samplers.RandomSampler(seed=1))
    study.optimize(_objective, n_trials=3, callbacks=[cb], catch=(RuntimeError,))
    runs = [_read_run(d) for d in (offline / "wandb").glob("offline-run-*")]
    by_number = {r["summary"]["trial_number"]: r for r in runs}
    assert sorted(by_number) == [0, 1, 2]
    for trial in study.trials:
        run = by_number[trial.number]
        assert run["config"]["x"] == pytest.approx(trial.params["x"])
        assert [row["intermediate_value"] for row in run["history"]] == pytest.approx(
            [trial.intermediate_values[s] for s in range(3)])
        assert run["summary"]["state"] == trial.state.value
        assert run["exit"] == (1 if trial.state == tw.TrialState.FAILED else 0)
        if trial.state == tw.TrialState.COMPLETE:
            assert run["summary"]["loss"] == pytest.approx(trial.value)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="metric_name"):
        WeightsAndBiasesCallback(metric_name="")
    with pytest.raises(TypeError, match="wandb_kwargs"):
        WeightsAndBiasesCallback(wandb_kwargs=["project"])
    with pytest.raises(ValueError, match="intermediate_metric"):
        WeightsAndBiasesCallback(metric_name="loss", intermediate_metric="loss")


@pytest.mark.slow
def test_track_in_wandb_logs_the_objectives_own_metrics_to_the_trials_run(offline):
    cb = WeightsAndBiasesCallback(metric_name="acc", wandb_kwargs={"dir": str(offline)}, as_multirun=True)

    @cb.track_in_wandb()
    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        for epoch in range(2):
            wandb.log({"val": x + epoch}, step=epoch)  # the trial's run is wandb.run
        wandb.run.summary["mine"] = trial.number
        return x

    study = tw.create_study(name="tracked", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=2, callbacks=[cb])
    runs = [_read_run(d) for d in (offline / "wandb").glob("offline-run-*")]
    assert len(runs) == 2  # one run per trial, not one more for the callback
    by_number = {r["summary"]["trial_number"]: r for r in runs}
    for trial in study.trials:
        run = by_number[trial.number]
        assert [row["val"] for row in run["history"] if "val" in row] == pytest.approx([trial.value, trial.value + 1])
        assert run["summary"]["mine"] == trial.number and run["summary"]["acc"] == pytest.approx(trial.value)
        assert run["config"]["x"] == pytest.approx(trial.params["x"]) and run["exit"] == 0


@pytest.mark.slow
def test_the_study_run_stays_open_after_optimize_for_the_script(offline):
    cb = WeightsAndBiasesCallback(metric_name="acc", wandb_kwargs={"dir": str(offline)})
    study = tw.create_study(name="after", direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=3, callbacks=[cb])
    wandb.run.summary["best accuracy"] = study.best_value  # as Optuna's wandb examples do
    wandb.finish()
    (run_dir,) = (offline / "wandb").glob("offline-run-*")
    run = _read_run(run_dir)
    assert run["summary"]["best accuracy"] == pytest.approx(study.best_value) and run["exit"] == 0
    assert len(run["history"]) == 3
