"""The dashboard while its storage fails under it (session 28): the page's API says what is wrong
with the storage, instead of "internal error", and recovers once the storage does."""

from __future__ import annotations

import shutil
import time
import warnings
from typing import Any

import tunewise as tw

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from tunewise.insight import create_app

LOCAL = "http://127.0.0.1:8080"


def test_a_sqlite_file_corrupted_under_the_dashboard_is_reported_as_such_and_recovers(tmp_path):
    db = tmp_path / "tw.db"
    study = tw.create_study(storage=f"sqlite:///{db}", study_name="s", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)
    study.storage.close()  # checkpointed: every page in the file itself, none in the WAL
    shutil.copy(db, tmp_path / "backup.db")
    client = TestClient(create_app(f"sqlite:///{db}", min_refresh=0.0), raise_server_exceptions=False, base_url=LOCAL)
    assert client.get("/api/studies/s").json()["n_trials"] == 20

    with open(db, "r+b") as f:  # a truncated copy, a disk that lost its tail
        f.truncate(4096)
    for path in ("/api/studies", "/api/studies/s", "/api/studies/s/trials"):
        # A study view reads the storage again once its back-off has passed (at least 5x its last
        # read's time, so longer on a loaded machine); until then it serves what it read. So: only
        # 200 (what was read before) or 503, never 500, and 503 once the storage is read.
        r = _first_failure(client, path)
        assert r.status_code == 503, (path, r.status_code, r.text)
        message = r.json()["error"]["message"]
        assert "is corrupt" in message and str(db) in message and "Traceback" not in r.text

    shutil.copy(tmp_path / "backup.db", db)  # restored from the backup: served again
    assert client.get("/api/studies/s").json()["n_trials"] == 20


def _first_failure(client: TestClient, path: str, polls: int = 200) -> Any:
    for _ in range(polls):
        r = client.get(path)
        assert r.status_code in (200, 503), (path, r.status_code, r.text)
        if r.status_code == 503:
            return r
        time.sleep(0.05)
    return r
