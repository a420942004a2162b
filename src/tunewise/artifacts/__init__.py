"""Files linked to a study or a trial (Optuna's ``optuna.artifacts``): a plot, a dataset, a checkpoint.

An artifact store keeps the bytes; the study or trial keeps, in its system attributes, the
artifact's metadata (``"artifacts:<id>"`` as a JSON string, the key and form Optuna uses), so
``get_all_artifact_meta`` finds a trial's files from any process that can open the storage.

- ``upload_artifact(artifact_store=..., file_path=..., study_or_trial=...)`` copies a file into the
  store and returns its id; on a running trial the metadata is written at once (a retried trial
  can find the checkpoint of the one that died);
- ``download_artifact(artifact_store=..., file_path=..., artifact_id=...)`` copies it back out;
- ``get_all_artifact_meta(study_or_trial)`` lists :class:`ArtifactMeta` (id, filename, mimetype,
  encoding);
- :class:`FileSystemArtifactStore` keeps the files in a folder; :class:`Backoff` retries another
  store's calls. Optuna's S3 and GCS stores have no counterpart here (a store is any object with
  ``open_reader``, ``write`` and ``remove``).

>>> import os, tempfile
>>> import tunewise as tw
>>> from tunewise.artifacts import FileSystemArtifactStore, upload_artifact, download_artifact
>>> from tunewise.artifacts import get_all_artifact_meta
>>> folder = tempfile.mkdtemp()
>>> store = FileSystemArtifactStore(folder)
>>> study = tw.create_study()
>>> trial = study.ask()
>>> with open(os.path.join(folder, "note.txt"), "w") as f:
...     _ = f.write("hello")
>>> artifact_id = upload_artifact(artifact_store=store, file_path=os.path.join(folder, "note.txt"),
...                               study_or_trial=trial)
>>> _ = study.tell(trial, 1.0)
>>> (meta,) = get_all_artifact_meta(study.trials[0])
>>> meta.filename, meta.mimetype, meta.artifact_id == artifact_id
('note.txt', 'text/plain', True)
>>> download_artifact(artifact_store=store, file_path=os.path.join(folder, "copy.txt"), artifact_id=artifact_id)
>>> open(os.path.join(folder, "copy.txt")).read()
'hello'
"""

from __future__ import annotations

import json
import mimetypes
import os
import pathlib
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from tunewise.exceptions import TunewiseError

if TYPE_CHECKING:
    from tunewise.storage import BaseStorage
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial

__all__ = [
    "ArtifactMeta",
    "ArtifactNotFound",
    "ArtifactStore",
    "Backoff",
    "Boto3ArtifactStore",
    "FileSystemArtifactStore",
    "GCSArtifactStore",
    "download_artifact",
    "get_all_artifact_meta",
    "upload_artifact",
]

_PREFIX = "artifacts:"  # Optuna's key prefix, so a study imported from Optuna keeps its artifacts


class ArtifactNotFound(TunewiseError, FileNotFoundError):
    """The store has no artifact with this id (Optuna's ``optuna.artifacts.exceptions.ArtifactNotFound``)."""


class ArtifactStore(Protocol):
    """What an artifact store does: read, write and remove the bytes of one artifact id."""

    def open_reader(self, artifact_id: str) -> BinaryIO: ...

    def write(self, artifact_id: str, content_body: BinaryIO) -> None: ...

    def remove(self, artifact_id: str) -> None: ...


@dataclass
class ArtifactMeta:
    """What the study or trial records about one artifact (Optuna's ``ArtifactMeta``)."""

    artifact_id: str
    filename: str
    mimetype: str
    encoding: str | None


class FileSystemArtifactStore:
    """Keep each artifact as one file, named by its id, in ``base_path`` (made at the first write
    if it does not exist; Optuna's store needs it made beforehand).

    >>> import io, tempfile
    >>> store = FileSystemArtifactStore(tempfile.mkdtemp())
    >>> store.write("a1", io.BytesIO(b"data"))
    >>> store.open_reader("a1").read()
    b'data'
    """

    def __init__(self, base_path: str | pathlib.Path) -> None:
        if not isinstance(base_path, (str, os.PathLike)):
            raise TypeError(f"base_path must be a folder path (str or pathlib.Path), got {base_path!r}")
        self._base_path = pathlib.Path(base_path)

    def _path(self, artifact_id: str) -> pathlib.Path:
        # An id names a file in the folder, never a path out of it.
        if not isinstance(artifact_id, str) or not artifact_id or artifact_id in (".", "..") \
                or "/" in artifact_id or "\\" in artifact_id or "\0" in artifact_id:
            raise ValueError(f"artifact_id must be a file name without a path (e.g. a UUID), got {artifact_id!r}")
        return self._base_path / artifact_id

    def open_reader(self, artifact_id: str) -> BinaryIO:
        path = self._path(artifact_id)
        try:
            return open(path, "rb")
        except FileNotFoundError as e:
            raise ArtifactNotFound(f"no artifact {artifact_id!r} in {self._base_path}") from e

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        path = self._path(artifact_id)
        partial = path.with_name(f".{artifact_id}.partial")
        self._base_path.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as f:
            shutil.copyfileobj(content_body, f)
        os.replace(partial, path)  # a reader never sees half a file

    def remove(self, artifact_id: str) -> None:
        try:
            os.remove(self._path(artifact_id))
        except FileNotFoundError as e:
            raise ArtifactNotFound(f"no artifact {artifact_id!r} in {self._base_path}") from e


class Backoff:
    """Retry ``backend``'s calls with exponential backoff (Optuna's ``optuna.artifacts.Backoff``):
    up to ``max_retries`` more tries, waiting ``min_delay * multiplier**k`` seconds (at most
    ``max_delay``) after the k-th failure. ``ArtifactNotFound`` is not retried."""

    def __init__(self, backend: ArtifactStore, *, max_retries: int = 10, multiplier: float = 2,
                 min_delay: float = 0.1, max_delay: float = 30) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be a non-negative integer, got {max_retries!r}")
        if not 0 <= min_delay <= max_delay:
            raise ValueError(f"need 0 <= min_delay <= max_delay, got min_delay={min_delay!r}, max_delay={max_delay!r}")
        if multiplier < 1:
            raise ValueError(f"multiplier must be >= 1, got {multiplier!r}")
        self._backend = backend
        self._max_retries, self._multiplier = max_retries, multiplier
        self._min_delay, self._max_delay = min_delay, max_delay

    def _retry(self, call: Any) -> Any:
        for attempt in range(self._max_retries + 1):
            try:
                return call()
            except ArtifactNotFound:
                raise
            except Exception:
                if attempt == self._max_retries:
                    raise
                time.sleep(min(self._max_delay, self._min_delay * self._multiplier**attempt))
        raise AssertionError("unreachable")

    def open_reader(self, artifact_id: str) -> BinaryIO:
        return self._retry(lambda: self._backend.open_reader(artifact_id))  # type: ignore[no-any-return]

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        start = content_body.tell() if content_body.seekable() else None

        def write_once() -> None:
            if start is not None:
                content_body.seek(start)  # a failed try may have read part of it
            self._backend.write(artifact_id, content_body)

        self._retry(write_once)

    def remove(self, artifact_id: str) -> None:
        self._retry(lambda: self._backend.remove(artifact_id))


class _CloudStore:
    _name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            f"optuna.artifacts.{self._name} has no tunewise counterpart: use FileSystemArtifactStore (on a shared "
            f"or synced folder), or pass an object of your own with open_reader(id), write(id, body) and remove(id)"
        )


class Boto3ArtifactStore(_CloudStore):
    """Optuna's S3 store: not in tunewise (constructing it says what to use)."""

    _name = "Boto3ArtifactStore"


class GCSArtifactStore(_CloudStore):
    """Optuna's Google Cloud Storage store: not in tunewise (constructing it says what to use)."""

    _name = "GCSArtifactStore"


def _owner(study_or_trial: Any) -> tuple[str, Any]:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial

    if isinstance(study_or_trial, Study):
        return "study", study_or_trial
    if isinstance(study_or_trial, Trial):
        return "trial", study_or_trial
    if isinstance(study_or_trial, FrozenTrial):
        return "frozen", study_or_trial
    raise TypeError(f"study_or_trial must be a Study, a Trial or a FrozenTrial, got {study_or_trial!r}")


def upload_artifact(*, artifact_store: ArtifactStore, file_path: str, study_or_trial: Trial | FrozenTrial | Study,
                    storage: BaseStorage | None = None, mimetype: str | None = None,
                    encoding: str | None = None) -> str:
    """Copy ``file_path`` into ``artifact_store``, link it to the study or running trial, return its id.

    ``mimetype`` and ``encoding`` are guessed from the file name when not given. ``storage`` is
    accepted for Optuna's signature; the study or trial already knows its storage. A finished
    trial (a FrozenTrial) cannot take new artifacts: upload from the running trial, or to the study.
    """
    kind, owner = _owner(study_or_trial)
    if kind == "frozen":
        raise ValueError("upload_artifact needs the running trial (the Trial given to the objective) or the "
                         f"study; trial {owner.number} is a FrozenTrial, whose attributes are final")
    filename = os.path.basename(file_path)
    guessed_type, guessed_encoding = mimetypes.guess_type(filename)
    meta = ArtifactMeta(artifact_id=str(uuid.uuid4()), filename=filename,
                        mimetype=mimetype or guessed_type or "application/octet-stream",
                        encoding=encoding or guessed_encoding)
    with open(file_path, "rb") as body:
        artifact_store.write(meta.artifact_id, body)
    owner.set_system_attr(_PREFIX + meta.artifact_id, json.dumps(asdict(meta)))
    if kind == "trial" and hasattr(owner, "flush"):
        owner.flush()  # stored now: a retry of a trial that dies later still finds its checkpoint
    return meta.artifact_id


def get_all_artifact_meta(study_or_trial: Trial | FrozenTrial | Study, *,
                          storage: BaseStorage | None = None) -> list[ArtifactMeta]:
    """The metadata of every artifact linked to the study or trial, in upload order."""
    _, owner = _owner(study_or_trial)
    found = []
    for key, value in owner.system_attrs.items():
        if key.startswith(_PREFIX):
            fields = json.loads(value) if isinstance(value, str) else value
            found.append(ArtifactMeta(**fields))
    return found


def download_artifact(*, artifact_store: ArtifactStore, file_path: str, artifact_id: str) -> None:
    """Copy the artifact ``artifact_id`` to ``file_path``, which must not exist yet (as in Optuna)."""
    if os.path.exists(file_path):
        raise FileExistsError(f"file_path {file_path!r} already exists: download_artifact does not overwrite")
    with artifact_store.open_reader(artifact_id) as reader, open(file_path, "wb") as out:
        shutil.copyfileobj(reader, out)
