"""Read Optuna's studies (RDB storage or journal file) without Optuna, to import them into tunewise.

Optuna keeps a study in its RDB storage (SQLite, PostgreSQL, MySQL: tables ``studies``,
``trials``, ``trial_params``, ``trial_values``...) or in a journal file (one JSON operation per
line, replayed in order). Both are read here with plain SQL over SQLAlchemy and ``json``, so
importing needs no Optuna install, and the source is only read: a SQLite file is opened
read-only, a journal file is never locked or written.

What a study holds is carried over field by field: directions, study user and system
attributes, and per trial its number, state (``FAIL`` becomes ``FAILED``), values (one per
objective, infinities included), parameters with the distribution each trial sampled them from
(Optuna lets a range change between trials; so does tunewise: ``FrozenTrial.distributions``),
intermediate values (NaN and infinities included), user and system attributes, and start and
completion times. :func:`import_optuna` writes each study in one transaction.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from tunewise import distributions as D
from tunewise.exceptions import StorageError
from tunewise.storage._sql._connection import first_line, mask

__all__ = ["OptunaStudy", "OptunaTrial", "import_optuna", "read_optuna"]

_STATES = {"RUNNING": "RUNNING", "WAITING": "WAITING", "COMPLETE": "COMPLETE", "PRUNED": "PRUNED",
           "FAIL": "FAILED"}
# Optuna's enums by value, as the journal writes them (optuna.trial.TrialState, optuna.study.StudyDirection).
_JOURNAL_STATES = {0: "RUNNING", 1: "COMPLETE", 2: "PRUNED", 3: "FAILED", 4: "WAITING"}
_DIRECTIONS = {"MINIMIZE": "minimize", "MAXIMIZE": "maximize", "NOT_SET": "minimize",
               1: "minimize", 2: "maximize", 0: "minimize"}
_SPECIAL = {"INF_POS": math.inf, "INF_NEG": -math.inf, "NAN": math.nan}


@dataclass
class OptunaTrial:
    """One Optuna trial as read (external parameter values, tunewise state names, epoch seconds)."""

    number: int
    state: str
    values: list[float] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    distributions: dict[str, D.Distribution] = field(default_factory=dict)
    intermediate_values: dict[int, float] = field(default_factory=dict)
    user_attrs: dict[str, Any] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    datetime_start: float | None = None
    datetime_complete: float | None = None


@dataclass
class OptunaStudy:
    """One Optuna study as read: what :func:`import_optuna` writes into a tunewise storage."""

    name: str
    directions: list[str]
    user_attrs: dict[str, Any] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    trials: list[OptunaTrial] = field(default_factory=list)


# ---- distributions ------------------------------------------------------------------------------------
def distribution(data: str | Mapping[str, Any]) -> D.Distribution:
    """The tunewise distribution of an Optuna distribution's JSON (every name Optuna has written).

    >>> distribution('{"name": "IntDistribution", "attributes": {"low": 4, "high": 128, "log": false, "step": 1}}')
    Int(low=4, high=128, log=False, step=1)
    >>> distribution({"name": "LogUniformDistribution", "attributes": {"low": 1e-05, "high": 0.1}})
    Float(low=1e-05, high=0.1, log=True, step=None)
    """
    return D.distribution_from_json(data)  # it reads Optuna's form too


def external(dist: D.Distribution, internal: float) -> Any:
    """A parameter value as the objective received it, from Optuna's stored (internal) float."""
    if isinstance(dist, D.Categorical):
        return dist.choices[int(internal)]
    if isinstance(dist, D.Int):
        return int(internal)
    return float(internal)


def _compatible(old: D.Distribution, new: D.Distribution) -> bool:
    # optuna.distributions.check_distribution_compatibility: a journal replay drops a parameter
    # another worker set with an incompatible distribution, as Optuna's own replay does.
    if type(old) is not type(new):
        return False
    return not isinstance(old, D.Categorical) or old == new


# ---- reading ------------------------------------------------------------------------------------------
def read_optuna(source: str, study_name: str | None = None) -> list[OptunaStudy]:
    """The studies of the Optuna storage at ``source`` (all, or the one named ``study_name``).

    ``source`` is an RDB URL (``sqlite:///optuna.db``, ``postgresql://...``,
    ``mysql+pymysql://...``) or the path of a journal file (``JournalFileBackend``) or of a
    SQLite file. Nothing is written to it.
    """
    if not isinstance(source, str) or not source:
        raise TypeError(f"source must be an Optuna storage URL or a file path, got {source!r}")
    if "://" not in source:
        path = os.path.abspath(os.path.expanduser(source))
        if not os.path.isfile(path):
            raise StorageError(f"Optuna storage {source!r}: no such file (give an RDB URL such as "
                               f"'sqlite:///optuna.db', or the path of a journal file)")
        with open(path, "rb") as f:
            head = f.read(16)
        if head == b"SQLite format 3\x00":
            studies = _read_rdb(f"sqlite:///{path}", source)
        else:
            studies = _read_journal(path, source)
    elif source.startswith("file://"):
        return read_optuna(source[len("file://"):], study_name)
    else:
        studies = _read_rdb(source, mask(source))
    if study_name is not None:
        chosen = [s for s in studies if s.name == study_name]
        if not chosen:
            names = ", ".join(repr(s.name) for s in studies) or "none"
            raise StorageError(f"Optuna storage {mask(source)!r} has no study named {study_name!r} "
                               f"(its studies: {names})")
        return chosen
    return studies


def _read_only_url(url: str) -> sa.URL:
    try:
        u = sa.engine.make_url(url)
    except Exception:  # noqa: BLE001 - SQLAlchemy raises ArgumentError or ValueError here
        raise StorageError(f"Optuna storage {mask(url)!r}: malformed URL; expected e.g. 'sqlite:///optuna.db', "
                           f"'postgresql://user:password@host/db' or 'mysql+pymysql://user:password@host/db'"
                           ) from None
    backend = u.get_backend_name()
    if backend == "sqlite":
        path = os.path.abspath(u.database or "")
        if not u.database or not os.path.isfile(path):
            raise StorageError(f"Optuna storage {mask(url)!r}: no such SQLite file {path!r}")
        # Read-only: SQLite does not even switch the journal mode of a file opened this way.
        return sa.engine.URL.create("sqlite", database=f"file:{path}", query={"mode": "ro", "uri": "true"})
    if backend in ("postgresql", "postgres") and u.drivername in ("postgresql", "postgres"):
        return u.set(drivername="postgresql+psycopg")
    if backend in ("mysql", "mariadb") and u.drivername in ("mysql", "mariadb"):
        return u.set(drivername=f"{backend}+pymysql")
    return u


_TABLES = ("studies", "study_directions", "study_user_attributes", "study_system_attributes", "trials",
           "trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes",
           "trial_system_attributes")


def _read_rdb(url: str, shown: str) -> list[OptunaStudy]:
    ro = _read_only_url(url)
    try:
        engine = sa.create_engine(ro)
    except Exception as e:  # noqa: BLE001 - a missing driver (pymysql...) or bad query parameters
        hint = ' (pip install pymysql)' if ro.get_backend_name() in ("mysql", "mariadb") else ""
        raise StorageError(f"Optuna storage {shown!r}: cannot open it: {first_line(e)}{hint}") from None
    try:
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            if not {"studies", "trials", "version_info"} <= tables:
                raise StorageError(f"Optuna storage {shown!r} is not an Optuna database (it has no tables "
                                   f"studies, trials and version_info)")
            missing = [t for t in _TABLES if t not in tables]
            columns = {c["name"] for c in sa.inspect(conn).get_columns("trial_values")} \
                if "trial_values" in tables else set()
            if missing or "value_type" not in columns:
                raise StorageError(f"Optuna storage {shown!r} has an Optuna schema older than 3.0 (missing: "
                                   f"{', '.join(missing) or 'trial_values.value_type'}); upgrade it first with "
                                   f"`optuna storage upgrade --storage URL` (Optuna 3.0 or later)")
            return _rdb_studies(conn)
    except sa.exc.DBAPIError as e:
        raise StorageError(f"Optuna storage {shown!r}: {first_line(e)}") from None
    finally:
        engine.dispose()


def _t(name: str, *cols: sa.ColumnClause[Any]) -> sa.TableClause:
    return sa.table(name, *cols)


def _c(name: str, type_: Any = None) -> sa.ColumnClause[Any]:
    return sa.column(name, type_) if type_ is not None else sa.column(name)


def _utc_seconds(value: Any) -> float | None:
    # Optuna's RDB storage keeps naive UTC datetimes (its TrialModel); typed columns parse them.
    if value is None:
        return None
    if isinstance(value, str):
        value = _dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=_dt.UTC).timestamp()  # type: ignore[no-any-return]


def _number(row_value: Any, row_type: Any) -> float:
    kind = getattr(row_type, "name", row_type)
    if kind in _SPECIAL:
        return _SPECIAL[kind]
    return float(row_value)


def _rdb_studies(conn: sa.Connection) -> list[OptunaStudy]:
    studies_t = _t("studies", _c("study_id"), _c("study_name"))
    rows = conn.execute(sa.select(studies_t.c.study_id, studies_t.c.study_name).order_by(studies_t.c.study_id)).all()
    out: list[OptunaStudy] = []
    for sid, name in rows:
        out.append(_rdb_study(conn, int(sid), str(name)))
    return out


def _rdb_study(conn: sa.Connection, sid: int, name: str) -> OptunaStudy:
    dirs_t = _t("study_directions", _c("study_id"), _c("direction"), _c("objective"))
    directions = [_DIRECTIONS[d] for (d,) in conn.execute(
        sa.select(dirs_t.c.direction).where(dirs_t.c.study_id == sid).order_by(dirs_t.c.objective))]
    study = OptunaStudy(name=name, directions=directions or ["minimize"])
    for table, into in (("study_user_attributes", study.user_attrs), ("study_system_attributes", study.system_attrs)):
        t = _t(table, _c("study_id"), _c("key"), _c("value_json"))
        for key, value in conn.execute(sa.select(t.c.key, t.c.value_json).where(t.c.study_id == sid)):
            into[key] = json.loads(value)

    trials_t = _t("trials", _c("trial_id"), _c("number"), _c("study_id"), _c("state"),
                  _c("datetime_start", sa.DateTime()), _c("datetime_complete", sa.DateTime()))
    by_id: dict[int, OptunaTrial] = {}
    for tid, number, state, start, complete in conn.execute(
            sa.select(trials_t.c.trial_id, trials_t.c.number, trials_t.c.state, trials_t.c.datetime_start,
                      trials_t.c.datetime_complete).where(trials_t.c.study_id == sid).order_by(trials_t.c.number)):
        by_id[int(tid)] = OptunaTrial(number=int(number), state=_STATES[str(getattr(state, "name", state))],
                                      datetime_start=_utc_seconds(start), datetime_complete=_utc_seconds(complete))
    ids = sa.select(trials_t.c.trial_id).where(trials_t.c.study_id == sid).scalar_subquery()

    params_t = _t("trial_params", _c("param_id"), _c("trial_id"), _c("param_name"), _c("param_value"),
                  _c("distribution_json"))
    for tid, pname, value, dist_json in conn.execute(  # in the order they were suggested
            sa.select(params_t.c.trial_id, params_t.c.param_name, params_t.c.param_value, params_t.c.distribution_json)
            .where(params_t.c.trial_id.in_(ids)).order_by(params_t.c.param_id)):
        trial = by_id[int(tid)]
        dist = distribution(dist_json)
        trial.distributions[pname] = dist
        trial.params[pname] = external(dist, value)

    values_t = _t("trial_values", _c("trial_id"), _c("objective"), _c("value"), _c("value_type"))
    values: dict[int, dict[int, float]] = {}
    for tid, objective, value, kind in conn.execute(
            sa.select(values_t.c.trial_id, values_t.c.objective, values_t.c.value, values_t.c.value_type)
            .where(values_t.c.trial_id.in_(ids))):
        values.setdefault(int(tid), {})[int(objective)] = _number(value, kind)
    for tid, by_objective in values.items():
        by_id[tid].values = [by_objective[i] for i in sorted(by_objective)]

    inter_t = _t("trial_intermediate_values", _c("trial_id"), _c("step"), _c("intermediate_value"),
                 _c("intermediate_value_type"))
    for tid, step, value, kind in conn.execute(
            sa.select(inter_t.c.trial_id, inter_t.c.step, inter_t.c.intermediate_value,
                      inter_t.c.intermediate_value_type).where(inter_t.c.trial_id.in_(ids))):
        by_id[int(tid)].intermediate_values[int(step)] = _number(value, kind)

    for table, attr in (("trial_user_attributes", "user_attrs"), ("trial_system_attributes", "system_attrs")):
        t = _t(table, _c("trial_id"), _c("key"), _c("value_json"))
        for tid, key, value in conn.execute(sa.select(t.c.trial_id, t.c.key, t.c.value_json)
                                            .where(t.c.trial_id.in_(ids))):
            getattr(by_id[int(tid)], attr)[key] = json.loads(value)
    for trial in by_id.values():  # steps in order, as Optuna returns them
        trial.intermediate_values = dict(sorted(trial.intermediate_values.items()))
    study.trials = sorted(by_id.values(), key=lambda t: t.number)
    return study


# ---- the journal ----------------------------------------------------------------------------------------
def _journal_lines(path: str) -> Iterator[dict[str, Any]]:
    """The operations of a journal file; a last line still being written (no newline) or left
    broken by a writer that died (not JSON) is left out, as Optuna's own reader does."""
    broken: StorageError | None = None  # a line that is not JSON: an error unless it ends a journal
    read = 0
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            if broken is not None:
                raise broken
            if not line.endswith(b"\n"):
                return
            if not line.strip():
                continue
            try:
                operation = json.loads(line)
            except json.JSONDecodeError as e:
                broken = StorageError(f"Optuna journal {path!r}: line {number} is not JSON ({e.msg}); is this an "
                                      f"Optuna journal file?")
                continue
            read += 1
            yield operation
    if broken is not None and not read:  # not one operation: not a journal at all
        raise broken


def _when(text: str | None) -> float | None:
    # Aware UTC ISO times (Optuna 3.1+); a naive one is local time, as Optuna reads it.
    return None if text is None else _dt.datetime.fromisoformat(text).timestamp()


def _read_journal(path: str, shown: str) -> list[OptunaStudy]:
    studies: dict[int, OptunaStudy] = {}
    next_study = 0
    trials: dict[int, tuple[int, OptunaTrial]] = {}  # Optuna's trial id -> (study id, trial)
    next_trial = 0

    def live(log: dict[str, Any]) -> OptunaTrial | None:
        entry = trials.get(log["trial_id"])
        if entry is None or entry[0] not in studies:
            return None
        t = entry[1]
        return None if t.state in ("COMPLETE", "PRUNED", "FAILED") else t

    try:
        for log in _journal_lines(path):
            op = log["op_code"]
            if op == 0:  # CREATE_STUDY
                if any(s.name == log["study_name"] for s in studies.values()):
                    continue
                studies[next_study] = OptunaStudy(log["study_name"], [_DIRECTIONS[d] for d in log["directions"]])
                next_study += 1
            elif op == 1:  # DELETE_STUDY
                studies.pop(log["study_id"], None)
            elif op in (2, 3):  # SET_STUDY_USER_ATTR, SET_STUDY_SYSTEM_ATTR
                study = studies.get(log["study_id"])
                if study is not None:
                    target = study.user_attrs if op == 2 else study.system_attrs
                    target.update(log["user_attr" if op == 2 else "system_attr"])
            elif op == 4:  # CREATE_TRIAL
                sid = log["study_id"]
                study = studies.get(sid)
                if study is None:
                    continue
                dists = {k: distribution(v) for k, v in log.get("distributions", {}).items()}
                values = log.get("values")
                if values is None and log.get("value") is not None:
                    values = [log["value"]]
                trial = OptunaTrial(
                    number=len(study.trials), state=_JOURNAL_STATES[int(log.get("state", 0))],
                    values=None if values is None else [float(v) for v in values],
                    params={k: external(dists[k], v) for k, v in log.get("params", {}).items()},
                    distributions=dists,
                    intermediate_values={int(k): float(v) for k, v in log.get("intermediate_values", {}).items()},
                    user_attrs=dict(log.get("user_attrs", {})), system_attrs=dict(log.get("system_attrs", {})),
                    datetime_start=_when(log.get("datetime_start")),
                    datetime_complete=_when(log.get("datetime_complete")),
                )
                study.trials.append(trial)
                trials[next_trial] = (sid, trial)
                next_trial += 1
            elif op == 5:  # SET_TRIAL_PARAM
                t = live(log)
                if t is None:
                    continue
                dist = distribution(log["distribution"])
                name = log["param_name"]
                study = studies[trials[log["trial_id"]][0]]
                previous = next((p.distributions[name] for p in study.trials if name in p.distributions and p is not t),
                                None)
                if previous is not None and not _compatible(previous, dist):
                    continue
                t.params[name] = external(dist, log["param_value_internal"])
                t.distributions[name] = dist
            elif op == 6:  # SET_TRIAL_STATE_VALUES
                t = live(log)
                if t is None:
                    continue
                state = _JOURNAL_STATES[int(log["state"])]
                if state == "RUNNING" and t.state == "RUNNING":
                    continue  # another worker took this WAITING trial first
                if state == "RUNNING":
                    t.datetime_start = _when(log.get("datetime_start"))
                if state in ("COMPLETE", "PRUNED", "FAILED"):
                    t.datetime_complete = _when(log.get("datetime_complete"))
                t.state = state
                if log.get("values") is not None:
                    t.values = [float(v) for v in log["values"]]
            elif op == 7:  # SET_TRIAL_INTERMEDIATE_VALUE
                t = live(log)
                if t is not None:
                    t.intermediate_values[int(log["step"])] = float(log["intermediate_value"])
            elif op in (8, 9):  # SET_TRIAL_USER_ATTR, SET_TRIAL_SYSTEM_ATTR
                t = live(log)
                if t is not None:
                    (t.user_attrs if op == 8 else t.system_attrs).update(log["user_attr" if op == 8 else "system_attr"])
            elif op != 10:  # 10 (DISCARD_TRIALS) is written by Rustuna only; Optuna ignores it too
                raise ValueError(f"unknown operation code {op!r}")
    except (KeyError, TypeError, ValueError) as e:
        if isinstance(e, StorageError):
            raise
        raise StorageError(f"Optuna journal {shown!r} holds an operation this importer cannot read "
                           f"({type(e).__name__}: {e}); is this an Optuna journal file?") from None
    for study in studies.values():
        for t in study.trials:
            t.intermediate_values = dict(sorted(t.intermediate_values.items()))
    return list(studies.values())


# ---- importing ----------------------------------------------------------------------------------------
def import_optuna(source: str, storage: Any, *, study_name: str | None = None) -> dict[str, int]:
    """Copy the studies of an Optuna storage into a tunewise storage; the number of trials of each.

    ``source``: an Optuna RDB URL (``sqlite:///optuna.db``, ``postgresql://...``,
    ``mysql+pymysql://...``, MySQL needing ``pip install pymysql``) or the path of a journal
    file; it is only read, and Optuna need not be installed. ``storage``: the tunewise storage
    (a ``sqlite:///`` or ``postgresql+psycopg://`` URL, or a :class:`~tunewise.storage.SQLStorage`).
    ``study_name``: import only that study. Each study is written in one transaction, under its
    Optuna name; a study of that name already in ``storage`` is an error (nothing is overwritten).

    Everything Optuna stores about a trial is kept: number, state, values, parameters with the
    distribution each trial sampled them from, intermediate values, user and system attributes,
    start and completion times. The imported study resumes like any other: ``tw.load_study(name,
    storage).optimize(objective)``.

    >>> import os, tempfile, json, tunewise as tw
    >>> journal = os.path.join(tempfile.mkdtemp(), "optuna.log")
    >>> with open(journal, "w") as f:  # what optuna.storages.JournalStorage writes
    ...     for op in ({"op_code": 0, "worker_id": "w", "study_name": "demo", "directions": [1]},
    ...                {"op_code": 4, "worker_id": "w", "study_id": 0, "datetime_start": "2024-05-01T10:00:00+00:00"},
    ...                {"op_code": 5, "worker_id": "w", "trial_id": 0, "param_name": "x", "param_value_internal": 0.5,
    ...                 "distribution": '{"name": "FloatDistribution", "attributes": '
    ...                                 '{"low": 0.0, "high": 1.0, "log": false, "step": null}}'},
    ...                {"op_code": 6, "worker_id": "w", "trial_id": 0, "state": 1, "values": [0.25],
    ...                 "datetime_complete": "2024-05-01T10:00:05+00:00"}):
    ...         _ = f.write(json.dumps(op) + "\\n")
    >>> url = f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'tw.db')}"
    >>> tw.import_optuna(journal, url)
    {'demo': 1}
    >>> study = tw.load_study("demo", url)
    >>> study.best_params, study.best_trial.duration.total_seconds()
    ({'x': 0.5}, 5.0)
    """
    from tunewise.storage._sql._storage import SQLStorage

    if isinstance(storage, str):
        target, close = SQLStorage(storage), True
    elif isinstance(storage, SQLStorage):
        target, close = storage, False
    else:
        raise TypeError(f"storage must be a tunewise storage URL ('sqlite:///tunewise.db', "
                        f"'postgresql+psycopg://...') or a SQLStorage, got {storage!r}; an in-memory study "
                        f"cannot keep the imported trials' times")
    studies = read_optuna(source, study_name)
    if not studies:
        raise StorageError(f"Optuna storage {mask(source)!r} holds no study")
    try:
        existing = {s.name for s in target.get_all_studies()} & {s.name for s in studies}
        if existing:
            from tunewise.exceptions import DuplicatedStudyError

            raise DuplicatedStudyError(
                f"{target.url!r} already has a study named {sorted(existing)[0]!r}; delete it first "
                f"(`tunewise delete NAME --storage URL`), import into another storage, or pick other studies "
                f"with study_name= (--study)")
        done: dict[str, int] = {}
        for study in studies:
            target._import_study(study, source=mask(source))
            done[study.name] = len(study.trials)
        return done
    finally:
        if close:
            target.close()


def study_distributions(trials: Iterable[OptunaTrial]) -> dict[str, D.Distribution]:
    """The study's distribution of each parameter: the one its latest trial sampled it from (what a
    resumed script suggests); earlier trials whose own differs keep theirs."""
    out: dict[str, D.Distribution] = {}
    for t in trials:  # by number: later trials overwrite
        out.update(t.distributions)
    return out
