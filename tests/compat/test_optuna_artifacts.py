"""``optuna.artifacts`` under ``import tunewise as optuna``: files linked to a study or trial."""

from __future__ import annotations

import io
import json
import pathlib

import pytest

import tunewise as tw
from tunewise.artifacts import (
    ArtifactMeta,
    ArtifactNotFound,
    Backoff,
    Boto3ArtifactStore,
    FileSystemArtifactStore,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)


def _file(folder: pathlib.Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def test_upload_links_the_file_to_trial_and_study_and_download_copies_it_back(tmp_path: pathlib.Path) -> None:
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    store = FileSystemArtifactStore(base_path=store_dir)
    storage = f"sqlite:///{tmp_path}/a.db"
    study = tw.create_study(study_name="s", storage=storage)
    data_id = upload_artifact(artifact_store=store, file_path=_file(tmp_path, "data.csv", b"x,y\n1,2\n"),
                              study_or_trial=study)

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        upload_artifact(artifact_store=store, file_path=_file(tmp_path, "fig.png", str(x).encode()),
                        study_or_trial=trial)
        return x

    study.optimize(objective, n_trials=3)
    reopened = tw.load_study(study_name="s", storage=storage)
    assert [m.filename for m in get_all_artifact_meta(reopened)] == ["data.csv"]
    assert get_all_artifact_meta(reopened)[0] == ArtifactMeta(data_id, "data.csv", "text/csv", None)
    for trial in reopened.trials:
        (meta,) = get_all_artifact_meta(trial, storage=reopened.storage)
        assert (meta.filename, meta.mimetype) == ("fig.png", "image/png")
        out = tmp_path / f"best-{trial.number}.png"
        download_artifact(artifact_store=store, file_path=str(out), artifact_id=meta.artifact_id)
        assert out.read_bytes() == str(trial.params["x"]).encode()
        # Optuna's own key and form, so studies copied from Optuna keep their artifacts
        assert json.loads(trial.system_attrs[f"artifacts:{meta.artifact_id}"])["filename"] == "fig.png"
    with pytest.raises(FileExistsError, match="already exists"):
        download_artifact(artifact_store=store, file_path=str(tmp_path / "best-0.png"), artifact_id=data_id)


def test_a_running_trials_artifact_is_stored_at_once(tmp_path: pathlib.Path) -> None:
    """pytorch_checkpoint.py: a retry looks for the checkpoint of the trial that died mid-run."""
    store = FileSystemArtifactStore(tmp_path)
    storage = f"sqlite:///{tmp_path}/a.db"
    study = tw.create_study(study_name="s", storage=storage)
    trial = study.ask()
    artifact_id = upload_artifact(artifact_store=store, file_path=_file(tmp_path, "ckpt.pt", b"w"),
                                  study_or_trial=trial)
    other = tw.load_study(study_name="s", storage=storage)  # another process's view while it runs
    assert [m.artifact_id for m in get_all_artifact_meta(other.trials[0])] == [artifact_id]


def test_wrong_inputs_say_what_is_expected(tmp_path: pathlib.Path) -> None:
    store = FileSystemArtifactStore(tmp_path)
    with pytest.raises(ArtifactNotFound):
        store.open_reader("missing")
    with pytest.raises(ValueError, match="without a path"):
        store.open_reader("../etc/passwd")
    with pytest.raises(TypeError, match="Study, a Trial or a FrozenTrial"):
        get_all_artifact_meta("study")  # type: ignore[arg-type]
    study = tw.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    with pytest.raises(ValueError, match="FrozenTrial"):
        upload_artifact(artifact_store=store, file_path=_file(tmp_path, "f", b""), study_or_trial=study.trials[0])
    with pytest.raises(NotImplementedError, match="FileSystemArtifactStore"):
        Boto3ArtifactStore("bucket")


def test_backoff_retries_a_flaky_store(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inner = FileSystemArtifactStore(tmp_path)
    calls = {"write": 0}

    class Flaky:
        def open_reader(self, artifact_id: str) -> io.BufferedReader:
            return inner.open_reader(artifact_id)  # type: ignore[return-value]

        def write(self, artifact_id: str, body: io.BytesIO) -> None:
            calls["write"] += 1
            body.read(2)  # a partial read before the failure
            if calls["write"] < 3:
                raise ConnectionError("flaky")
            inner.write(artifact_id, body)

        def remove(self, artifact_id: str) -> None:
            inner.remove(artifact_id)

    store = Backoff(Flaky(), max_retries=3, min_delay=0.0, max_delay=0.0)
    store.write("a", io.BytesIO(b"abcdef"))
    assert calls["write"] == 3
    assert inner.open_reader("a").read() == b"cdef"  # the body is re-read from its start on each try
    store.remove("a")
    with pytest.raises(ArtifactNotFound):  # not retried
        store.remove("a")


def test_the_store_folder_is_made_at_the_first_write(tmp_path: pathlib.Path) -> None:
    store = FileSystemArtifactStore(tmp_path / "not" / "yet")
    store.write("a1", io.BytesIO(b"model"))
    assert store.open_reader("a1").read() == b"model"
