"""Write the study that tests/storage/test_old_databases.py opens, with the tunewise on sys.path.

The files next to this script were made with the releases that wrote each schema version::

    git worktree add /tmp/tw-v1 9f67544   # schema version 1 (c5e6315, the last one, does not import)
    PYTHONPATH=/tmp/tw-v1/src python tests/storage/data/make_old_databases.py v1
    git worktree add /tmp/tw-v2 643f815   # schema version 2 (issue 16), before the storage/_sql/ split
    PYTHONPATH=/tmp/tw-v2/src python tests/storage/data/make_old_databases.py v2

Each run writes ``<version>.sqlite.sql`` (the SQLite file's dump) and, with
TUNEWISE_TEST_POSTGRES_URL set, ``<version>.postgresql.sql`` (``pg_dump`` of a private schema,
its name replaced by ``__SCHEMA__``). Both hold the same study: COMPLETE, PRUNED and FAILED trials
with reports, a RUNNING trial left by a killed worker, a retry of the failed one and an enqueued
trial WAITING, user and system attributes (one NaN), a trial budget (max_trials=12) and a claim.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import tunewise as tw

HERE = Path(__file__).resolve().parent


def objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -1.0, 1.0)
    c = trial.suggest_categorical("c", ["a", "b"])
    trial.set_user_attr("c_is_a", c == "a")
    trial.report(x, 0)
    trial.report(x / 2, 1)
    if trial.number == 3:
        raise tw.TrialPruned()
    if trial.number == 4:
        raise ValueError("trial 4 fails")
    return x * x


def write_study(url: str) -> None:
    options = {"sampler": tw.samplers.RandomSampler(seed=0), "max_trials": 12}
    try:  # heartbeats off (the running trial stays RUNNING), where they are on by default (v2)
        study = tw.create_study(name="old", storage=url, heartbeat_interval=0, **options)
    except ValueError:  # v1: heartbeats are off unless asked for, and 0 is refused
        study = tw.create_study(name="old", storage=url, **options)
    study.set_user_attr("owner", "ana")
    study.set_user_attr("loss", float("nan"))
    study.set_system_attr("note", {"k": [1, 2]})
    study.optimize(objective, n_trials=6, catch=(ValueError,))
    running = study.ask()  # its worker was killed: it stays RUNNING
    running.suggest_float("x", -1.0, 1.0)
    storage, sid = study.storage, study._study_id
    storage.update_trial(running._trial_id, params=dict(running.params))
    storage.enqueue_trial(sid, {"x": 0.5, "c": "a"}, system_attrs={"retried_from": 4, "retry_attempt": 1})
    study.enqueue_trial({"x": 0.25, "c": "b"}, user_attrs={"why": "a hunch"})
    storage.try_claim(sid, "grid-0")
    storage.close()


def main(version: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "old.db"
        write_study(f"sqlite:///{path}")
        con = sqlite3.connect(path)
        (HERE / f"{version}.sqlite.sql").write_text("\n".join(con.iterdump()) + "\n")
        con.close()
    pg = os.environ.get("TUNEWISE_TEST_POSTGRES_URL")
    if not pg:
        return
    import sqlalchemy as sa

    schema = f"twold_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        url = sa.engine.make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"})
        write_study(url.render_as_string(hide_password=False))
        plain = sa.engine.make_url(pg).set(drivername="postgresql")
        dump = subprocess.run(
            ["pg_dump", "--schema", schema, "--no-owner", "--no-privileges", "--inserts",
             plain.render_as_string(hide_password=False)], check=True, capture_output=True, text=True).stdout
        lines = [line for line in dump.replace(schema, "__SCHEMA__").splitlines()
                 if not line.startswith("\\")]  # psql meta-commands (\restrict), not SQL
        (HERE / f"{version}.postgresql.sql").write_text("\n".join(lines) + "\n")
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
