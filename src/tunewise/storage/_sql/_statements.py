"""The SQL tunewise runs: every statement, built once with SQLAlchemy Core for one dialect.

SQLite and PostgreSQL share most statements; where they differ it is here, and nowhere else:

- ``now``: SQLite takes the client clock as a parameter (same machine); PostgreSQL reads the
  server clock, so heartbeats from machines with skewed clocks still agree.
- Claiming the oldest WAITING trial: SQLite writers are serialized by ``BEGIN IMMEDIATE``;
  PostgreSQL workers skip rows another worker is claiming (``FOR UPDATE SKIP LOCKED``).
- PostgreSQL runs the hot writes (start, live update, finish) as single statements (data-modifying
  CTEs): one network round trip each. SQLite runs them as a few statements in one transaction,
  which costs nothing extra on the same machine.

The hot path executes the compiled text on the pooled DBAPI connection (see ``_connection.Cursor``):
SQLAlchemy's per-execute machinery costs several times what SQLite spends on these statements.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from tunewise.storage._sql._schema import TABLES
from tunewise.trial import TrialState

__all__ = ["Statements", "Stmt"]

# PostgreSQL's single-statement live write and finish go through only when the reports written
# extend the stored ones (see ``Statements.u_live``).
REPORTS_EXTEND_SQLITE = (
    "(:intermediate IS NULL OR intermediate = '{}' OR ("
    "substr(CAST(:intermediate AS BLOB), 1, length(CAST(intermediate AS BLOB)) - 1) = "
    "substr(CAST(intermediate AS BLOB), 1, length(CAST(intermediate AS BLOB)) - 1) AND "
    "substr(CAST(:intermediate AS BLOB), length(CAST(intermediate AS BLOB)), 1) IN (X'2C', X'7D')))")
REPORTS_EXTEND = ("(CAST(:intermediate AS TEXT) IS NULL OR intermediate = '{}' OR intermediate = :intermediate "
                  "OR substr(:intermediate, 1, length(intermediate)) = "
                  "substr(intermediate, 1, length(intermediate) - 1) || ',')")
# A live write or finish that sets attributes goes through only when the stored attributes are
# what this process last wrote or read (``:user_base`` / ``:system_base``): the new text is that
# base with the write's keys merged in. Otherwise another process changed them: the write changes
# nothing and the caller merges under a row lock (SQLStorage._merge_stored).
ATTRS_UNCHANGED_SQLITE = ("(:user_attrs IS NULL OR user_attrs = :user_base) AND "
                          "(:system_attrs IS NULL OR system_attrs = :system_base)")
ATTRS_UNCHANGED = ("(CAST(:user_attrs AS TEXT) IS NULL OR user_attrs = CAST(:user_base AS TEXT)) AND "
                   "(CAST(:system_attrs AS TEXT) IS NULL OR system_attrs = CAST(:system_base AS TEXT))")


#: Seconds a heartbeat may lie ahead of the clock that checks it before it counts as written
#: before the clock stepped back (see ``u_future_beats``).
FUTURE_BEAT = 1.0

class Stmt:
    """A statement built with SQLAlchemy Core, compiled once for the dialect.

    The hot path executes it on the pooled DBAPI connection directly: SQLAlchemy's per-execute
    machinery costs several times what SQLite itself spends on these small statements.
    """

    __slots__ = ("defaults", "sql")

    def __init__(self, stmt: sa.ClauseElement, dialect: sa.Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        self.sql = str(compiled)
        self.defaults = dict(compiled.params)


class Statements:
    """Every statement of :class:`~tunewise.storage.SQLStorage`, compiled for one database's dialect.

    Names say what a statement does: ``q_`` reads, ``i_`` inserts, ``u_`` updates, ``d_`` deletes,
    ``pg_`` the PostgreSQL single-statement writes (absent on SQLite). ``now_params()`` is the
    ``now`` parameter to pass where a statement reads the clock (empty on PostgreSQL).
    """

    pg_start: Stmt
    pg_live: Stmt
    pg_live_attrs: Stmt
    pg_finish: Stmt
    pg_finish_attrs: Stmt
    pg_started_at: Stmt
    pg_finished_at: Stmt
    pg_backend_busy: Stmt

    def __init__(self, dialect: sa.Dialect) -> None:
        is_sqlite = self.is_sqlite = dialect.name == "sqlite"
        st, tr, at, di, cl = (TABLES[k] for k in ("studies", "trials", "attrs", "dists", "claims"))
        bp = sa.bindparam
        dialect_insert: Any
        if is_sqlite:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert
            from sqlalchemy.dialects.sqlite.pysqlite import dialect as sqlite_dialect

            dialect_insert = sqlite_insert
            dialect = sqlite_dialect(paramstyle="named")
            # Same machine: the client clock is the database clock.
            now: Any = bp("now", type_=sa.Float)
        else:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            dialect_insert = pg_insert
            # The server clock, so heartbeats from machines with skewed clocks still agree.
            now = sa.cast(sa.func.extract("epoch", sa.func.clock_timestamp()), sa.Float)

        def c(stmt: Any) -> Stmt:
            return Stmt(stmt, dialect)

        def state_is(*states: TrialState) -> Any:
            return sa.or_(*(tr.c.state == s.value for s in states))

        sid, tid = bp("sid", type_=sa.Integer), bp("tid", type_=sa.Integer)
        grace = bp("grace", type_=sa.Float)
        cols = [tr.c.trial_id, tr.c.number, tr.c.state, tr.c.objective_values, tr.c.params, tr.c.intermediate,
                tr.c.user_attrs, tr.c.system_attrs, tr.c.datetime_start, tr.c.datetime_complete, tr.c.heartbeat,
                tr.c.seq]
        # The trials written since ``seq``, then one row of NULLs (and the study's seq) if the study
        # exists: a study deleted by another process is found by the read that looks for changes,
        # without a second statement.
        self.q_changed = c(sa.union_all(
            sa.select(*cols).where(tr.c.study_id == sid, tr.c.seq > bp("seq", type_=sa.BigInteger)),
            sa.select(*(sa.null() for _ in cols[:-1]), st.c.seq).where(st.c.study_id == sid)))
        self.q_trial = c(sa.select(tr.c.study_id, *cols).where(tr.c.trial_id == tid))
        self.q_state = c(sa.select(tr.c.state).where(tr.c.trial_id == tid))
        self.q_dists = c(sa.select(di.c.id, di.c.name, di.c.distribution).where(
            di.c.study_id == sid, di.c.id > bp("after", type_=sa.Integer)))
        self.q_dist = c(sa.select(di.c.distribution).where(di.c.study_id == sid, di.c.name == bp("name")))
        self.i_dist = c(dialect_insert(di).values(study_id=sid, name=bp("name"), distribution=bp("dist"))
                        .on_conflict_do_nothing().returning(di.c.distribution))
        waiting = sa.select(tr.c.trial_id, tr.c.number, tr.c.user_attrs, tr.c.system_attrs).where(
            tr.c.study_id == sid, tr.c.state == TrialState.WAITING.value).order_by(tr.c.number).limit(1)
        # SQLite writers are serialized by BEGIN IMMEDIATE; PostgreSQL workers skip rows another
        # worker is claiming right now instead of queueing behind it.
        self.q_waiting = c(waiting if is_sqlite else waiting.with_for_update(skip_locked=True))
        self.u_bump = c(sa.update(st).where(st.c.study_id == sid).values(seq=st.c.seq + 1).returning(st.c.seq))
        self.u_bump_new = c(sa.update(st).where(st.c.study_id == sid).values(
            seq=st.c.seq + 1, next_number=st.c.next_number + 1).returning(st.c.seq, st.c.next_number))
        self.u_bump_by_trial = c(sa.update(st).where(
            st.c.study_id == sa.select(tr.c.study_id).where(tr.c.trial_id == tid).scalar_subquery()
        ).values(seq=st.c.seq + 1).returning(st.c.study_id, st.c.seq))
        self.i_trial = c(sa.insert(tr).values(
            study_id=sid, number=bp("number", type_=sa.Integer), state=bp("state"), params=bp("params"),
            intermediate="{}", user_attrs=bp("user_attrs"), system_attrs=bp("system_attrs"),
            datetime_start=bp("start", type_=sa.Float), heartbeat=bp("hb", type_=sa.Float),
            seq=bp("seq", type_=sa.BigInteger), retried_from=bp("retried_from", type_=sa.Integer),
        ).returning(tr.c.trial_id))
        def keep(col: Any, name: str) -> Any:  # NULL parameter = leave the column as it is
            return sa.func.coalesce(bp(name, type_=sa.Text), col)

        self.u_claim = c(sa.update(tr).where(tr.c.trial_id == tid).values(
            state=TrialState.RUNNING.value, datetime_start=bp("start", type_=sa.Float), heartbeat=now,
            seq=bp("seq", type_=sa.BigInteger), user_attrs=keep(tr.c.user_attrs, "user_attrs"),
            system_attrs=keep(tr.c.system_attrs, "system_attrs")))

        live_fields = {
            "params": keep(tr.c.params, "params"), "intermediate": keep(tr.c.intermediate, "intermediate"),
            "user_attrs": keep(tr.c.user_attrs, "user_attrs"), "system_attrs": keep(tr.c.system_attrs, "system_attrs"),
            "seq": bp("seq", type_=sa.BigInteger),
        }
        # A live write is also a heartbeat, except for a detached trial (NULL: never stale), which stays so.
        beat = sa.case((tr.c.heartbeat.is_(None), None), else_=now)
        # The reports written must keep every step stored (another process may report to the same
        # trial): the write goes through when they extend the stored text (the stored entries,
        # then new ones: a string comparison, no JSON parsing); else it changes nothing and the
        # caller merges under a row lock (SQLStorage._merge_reports). REPORTS_EXTEND on PostgreSQL.
        if is_sqlite:  # as bytes: length() and substr() of a BLOB do not scan for characters
            extends: Any = sa.text(REPORTS_EXTEND_SQLITE)
        else:
            inter, stored = sa.cast(bp("intermediate", type_=sa.Text), sa.Text), tr.c.intermediate
            extends = sa.or_(inter.is_(None), stored == "{}", stored == inter, sa.func.substr(
                inter, 1, sa.func.length(stored)) == sa.func.substr(stored, 1, sa.func.length(stored) - 1) + ",")
        unchanged: Any = sa.text(ATTRS_UNCHANGED_SQLITE if is_sqlite else ATTRS_UNCHANGED)
        live = (tr.c.trial_id == tid, state_is(TrialState.RUNNING, TrialState.WAITING))
        self.u_live = c(sa.update(tr).where(*live, extends).values(heartbeat=beat, **live_fields))
        # A write that sets attributes: also the check that they are what this process last wrote.
        self.u_live_attrs = c(sa.update(tr).where(*live, extends, unchanged).values(heartbeat=beat, **live_fields))
        self.q_live_stored = c(sa.select(tr.c.state, tr.c.intermediate, tr.c.user_attrs, tr.c.system_attrs)
                               .where(tr.c.trial_id == tid).with_for_update())
        # The study row of a trial, locked: taken before the trial's row, in the order every write
        # to a trial takes them (its seq bump first), so two writers never wait on each other.
        self.q_lock_study_of = c(sa.select(st.c.study_id).where(
            st.c.study_id == sa.select(tr.c.study_id).where(tr.c.trial_id == tid).scalar_subquery())
            .with_for_update())
        # Only a live trial finishes: one failed as stale (perhaps already retried) keeps that decision.
        finish_fields = dict(state=bp("state"), objective_values=bp("values", type_=sa.Text),
                             value0=bp("value0", type_=sa.Float), datetime_complete=bp("end", type_=sa.Float),
                             **live_fields)
        self.u_finish = c(sa.update(tr).where(*live, extends).values(**finish_fields))
        self.u_finish_attrs = c(sa.update(tr).where(*live, extends, unchanged).values(**finish_fields))
        self.u_late = c(sa.update(tr).where(tr.c.trial_id == tid, tr.c.state == TrialState.FAILED.value)
                        .values(system_attrs=bp("system_attrs"), seq=bp("seq", type_=sa.BigInteger)))
        self.u_late_params = c(sa.update(tr).where(tr.c.trial_id == tid, tr.c.state == bp("state")).values(
            params=bp("params"), system_attrs=bp("system_attrs"), seq=bp("seq", type_=sa.BigInteger)))
        self.u_heartbeat = c(sa.update(tr).where(tr.c.trial_id == tid, tr.c.state == TrialState.RUNNING.value,
                                                 tr.c.heartbeat.is_not(None)).values(heartbeat=now))
        self.u_detach = c(sa.update(tr).where(tr.c.trial_id == tid, tr.c.state == TrialState.RUNNING.value)
                          .values(heartbeat=None, seq=bp("seq", type_=sa.BigInteger)))
        stale = (tr.c.study_id == sid, tr.c.state == TrialState.RUNNING.value, tr.c.heartbeat < now - grace)
        # A heartbeat ahead of the clock was written before the clock stepped back (NTP, an
        # operator), or by a machine whose clock runs ahead: its age cannot be told, and it would
        # look fresh for as long as the step. The stale check's cheap read lists such beats with the
        # stale ones; one that stays unchanged for a grace period (its worker stopped beating) gets
        # the time it was first seen, so a dead worker's trial is failed a grace period after that.
        self.q_stale_or_ahead = c(sa.select(
            tr.c.trial_id, tr.c.heartbeat, now.label("now"), (tr.c.heartbeat < now - grace).label("stale")).where(
            tr.c.study_id == sid, tr.c.state == TrialState.RUNNING.value,
            sa.or_(tr.c.heartbeat < now - grace, tr.c.heartbeat > now + FUTURE_BEAT)))
        self.u_future_beats = c(sa.update(tr).where(
            tr.c.trial_id == tid, tr.c.state == TrialState.RUNNING.value,
            tr.c.heartbeat == bp("beat", type_=sa.Float)).values(heartbeat=bp("since", type_=sa.Float)))
        self.q_stale = c(sa.select(*cols, now.label("now")).where(*stale))
        # The study's last write before a time (a beat, a start, a finish): when a lock stall began
        # at the latest (SQLStorage.recover_stale_trials; SQLite, after a wait for the write lock).
        before = bp("before", type_=sa.Float)
        self.q_last_write = c(sa.select(*(
            sa.select(sa.func.max(col)).where(tr.c.study_id == sid, col < before).scalar_subquery()
            for col in (tr.c.heartbeat, tr.c.datetime_start, tr.c.datetime_complete))))
        self.u_stale = c(sa.update(tr).where(
            tr.c.trial_id == tid, tr.c.state == TrialState.RUNNING.value, tr.c.heartbeat < now - grace,
        ).values(state=bp("state"), system_attrs=bp("system_attrs"),
                 datetime_complete=bp("end", type_=sa.Float), seq=bp("seq", type_=sa.BigInteger)))
        self.i_claim = c(dialect_insert(cl).values(study_id=sid, key=bp("key")).on_conflict_do_nothing())
        self.d_claim = c(sa.delete(cl).where(cl.c.study_id == sid, cl.c.key == bp("key")))
        self.q_claimed = c(sa.select(cl.c.key).where(cl.c.study_id == sid, cl.c.key == bp("key")))
        # Trial budget (max_trials): started = all trials (next_number, as numbers are dense) minus
        # the WAITING ones (a short range of the (study_id, state, number) index): O(1) in the study size.
        waiting_count = sa.select(sa.func.count()).select_from(tr).where(
            tr.c.study_id == sid, tr.c.state == TrialState.WAITING.value).scalar_subquery()
        self.q_started = c(sa.select(st.c.next_number - waiting_count).where(st.c.study_id == sid))
        self.q_retries = c(sa.select(sa.func.count()).select_from(tr).where(
            tr.c.study_id == sid, tr.c.retried_from.is_not(None), tr.c.state != TrialState.WAITING.value))
        # Once the budget is used only a retry may start: the oldest WAITING one.
        waiting_retry = sa.select(tr.c.trial_id, tr.c.number, tr.c.user_attrs, tr.c.system_attrs).where(
            tr.c.study_id == sid, tr.c.state == TrialState.WAITING.value, tr.c.retried_from.is_not(None)
        ).order_by(tr.c.number).limit(1)
        self.q_waiting_retry = c(waiting_retry if is_sqlite else waiting_retry.with_for_update(skip_locked=True))
        retry_of = sa.select(tr.c.trial_id, tr.c.number, tr.c.user_attrs, tr.c.system_attrs).where(
            tr.c.study_id == sid, tr.c.state == TrialState.WAITING.value,
            tr.c.retried_from == bp("number", type_=sa.Integer)).order_by(tr.c.number).limit(1)
        self.q_waiting_retry_of = c(retry_of if is_sqlite else retry_of.with_for_update(skip_locked=True))
        self.q_has_waiting_retry = c(sa.select(tr.c.trial_id).where(
            tr.c.study_id == sid, tr.c.state == TrialState.WAITING.value, tr.c.retried_from.is_not(None)).limit(1))
        self.q_lock_study = c(sa.select(st.c.study_id).where(st.c.study_id == sid).with_for_update())
        # A study attribute is written only while its study exists (no row, rowcount 0, once another
        # process deleted it): the check rides on the write, as a lookup of the study's primary key.
        def attr_of_existing_study() -> Any:
            return dialect_insert(at).from_select(
                ["study_id", "key", "value"],
                sa.select(sid, bp("key", type_=sa.String), bp("value", type_=sa.Text)).where(
                    sa.exists().where(st.c.study_id == sid)))

        ins_attr = attr_of_existing_study()
        self.i_attr = c(ins_attr.on_conflict_do_update(index_elements=[at.c.study_id, at.c.key],
                                                       set_={"value": ins_attr.excluded.value}))
        # With one row of NULLs exactly when the study exists: a study deleted by another process
        # is told from one without attributes by the same statement (get_study_attrs).
        self.q_attrs = c(sa.union_all(
            sa.select(at.c.key, at.c.value).where(at.c.study_id == sid),
            sa.select(sa.null(), sa.null()).where(st.c.study_id == sid)))
        # One entry of a dict-valued attribute (Study.set_user_attr): make sure the row exists, then
        # lock it while the entry is merged in (SQLite: BEGIN IMMEDIATE holds the lock already).
        self.i_attr_absent = c(attr_of_existing_study().on_conflict_do_nothing())
        self.q_attr_locked = c(sa.select(at.c.value).where(at.c.study_id == sid, at.c.key == bp("key"))
                               .with_for_update())
        self.q_study_id = c(sa.select(st.c.study_id).where(st.c.name == bp("name")))
        self.q_directions = c(sa.select(st.c.directions).where(st.c.study_id == sid))
        self.i_study = c(dialect_insert(st).values(
            name=bp("name"), directions=bp("directions"), next_number=0, seq=0,
            created=bp("created", type_=sa.Float),
        ).on_conflict_do_nothing().returning(st.c.study_id))
        self.q_studies = c(sa.select(st.c.study_id, st.c.name, st.c.directions, st.c.created)
                           .order_by(st.c.study_id))
        complete = tr.c.state == TrialState.COMPLETE.value
        self.q_summary = c(sa.select(
            tr.c.study_id, sa.func.count(), sa.func.sum(sa.case((complete, 1), else_=0)),
            sa.func.min(sa.case((complete, tr.c.value0))), sa.func.max(sa.case((complete, tr.c.value0))),
            sa.func.min(tr.c.datetime_start),
        ).group_by(tr.c.study_id))
        # The best COMPLETE trial by its first value (the lowest number among ties), for summaries.
        best = sa.select(tr.c.trial_id).where(tr.c.study_id == sid, complete)
        self.q_best_min = c(best.order_by(tr.c.value0.asc(), tr.c.number.asc()).limit(1))
        self.q_best_max = c(best.order_by(tr.c.value0.desc(), tr.c.number.asc()).limit(1))
        self.q_all_attrs = c(sa.select(at.c.study_id, at.c.key, at.c.value))
        self.d_study = c(sa.delete(st).where(st.c.study_id == sid))
        self.d_children = [c(sa.delete(TABLES[k]).where(TABLES[k].c.study_id == sid))
                           for k in ("trials", "attrs", "dists", "claims")]
        self.now_params: Callable[[], dict[str, Any]] = (lambda: {"now": time.time()}) if is_sqlite else dict
        if not is_sqlite:
            self._build_postgres(c)

    def _build_postgres(self, c: Callable[[Any], Stmt]) -> None:
        """Single-statement versions of the hot writes: one network round trip each.

        PostgreSQL runs data-modifying CTEs in one statement (and one implicit transaction); the
        study row updated in ``s`` stays locked until commit, which keeps ``seq`` in commit order.
        """
        now = "CAST(EXTRACT(epoch FROM clock_timestamp()) AS FLOAT)"
        # A prepared attribute patch (PreparedStart) applies when given and, if it names a trial
        # number, only to the trial with that number. Only a new trial gets it here; a claimed
        # WAITING trial gets a numbered patch only, merged with its stored attributes in Python
        # (see _start_trial_pg).
        applies = ("CAST(:{p} AS TEXT) IS NOT NULL AND "
                   "(CAST(:expect AS INTEGER) IS NULL OR {n} = CAST(:expect AS INTEGER))")
        self.pg_start = c(sa.text(f"""
WITH w AS (
    SELECT trial_id FROM tunewise_trials
    WHERE study_id = :sid AND state = 'WAITING' AND :claim
    ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED
), s AS (
    UPDATE tunewise_studies
    SET seq = seq + 1, next_number = next_number + (CASE WHEN EXISTS (SELECT 1 FROM w) THEN 0 ELSE 1 END)
    WHERE study_id = :sid RETURNING seq, next_number
), claimed AS (
    UPDATE tunewise_trials t SET state = 'RUNNING', datetime_start = :start, heartbeat = {now}, seq = s.seq
    FROM w, s WHERE t.trial_id = w.trial_id
    RETURNING t.trial_id, t.number, t.user_attrs, t.system_attrs, TRUE
), created AS (
    INSERT INTO tunewise_trials (study_id, number, state, params, intermediate, user_attrs, system_attrs,
                                 datetime_start, heartbeat, seq)
    SELECT :sid, s.next_number - 1, 'RUNNING', '{{}}', '{{}}',
        CASE WHEN {applies.format(n="s.next_number - 1", p="user_patch")} THEN :user_patch ELSE '{{}}' END,
        CASE WHEN {applies.format(n="s.next_number - 1", p="sys_patch")} THEN :sys_patch ELSE '{{}}' END,
        :start, {now}, s.seq
    FROM s WHERE NOT EXISTS (SELECT 1 FROM w)
    RETURNING trial_id, number, user_attrs, system_attrs, FALSE
)
SELECT * FROM claimed UNION ALL SELECT * FROM created
""").bindparams(sa.bindparam("sid", type_=sa.Integer), sa.bindparam("claim", type_=sa.Boolean),
                sa.bindparam("start", type_=sa.Float), sa.bindparam("expect", type_=sa.Integer),
                sa.bindparam("user_patch", type_=sa.Text), sa.bindparam("sys_patch", type_=sa.Text)))
        bump = """WITH s AS (
    UPDATE tunewise_studies SET seq = seq + 1
    WHERE study_id = (SELECT study_id FROM tunewise_trials WHERE trial_id = :tid) RETURNING seq
)"""
        keep = ("params = COALESCE(:params, params), intermediate = COALESCE(:intermediate, intermediate), "
                "user_attrs = COALESCE(:user_attrs, user_attrs), system_attrs = COALESCE(:system_attrs, system_attrs), "
                "seq = (SELECT seq FROM s)")
        texts = [sa.bindparam(k, type_=sa.Text) for k in ("params", "intermediate", "user_attrs", "system_attrs")]
        bases = [sa.bindparam(k, type_=sa.Text) for k in ("user_base", "system_base")]
        live = f"""{bump}
UPDATE tunewise_trials SET heartbeat = CASE WHEN heartbeat IS NULL THEN NULL ELSE {now} END, {keep}
WHERE trial_id = :tid AND state IN ('RUNNING', 'WAITING') AND {REPORTS_EXTEND}"""
        self.pg_live = c(sa.text(f"{live} RETURNING trial_id").bindparams(sa.bindparam("tid", type_=sa.Integer),
                                                                           *texts))
        self.pg_live_attrs = c(sa.text(f"{live} AND {ATTRS_UNCHANGED} RETURNING trial_id").bindparams(
            sa.bindparam("tid", type_=sa.Integer), *texts, *bases))
        finish = f"""{bump}
UPDATE tunewise_trials SET state = :state, objective_values = :values, value0 = :value0,
    datetime_complete = :end, {keep}
WHERE trial_id = :tid AND state IN ('RUNNING', 'WAITING') AND {REPORTS_EXTEND}"""
        finish_params: list[Any] = [
            sa.bindparam("tid", type_=sa.Integer), sa.bindparam("state", type_=sa.Text),
            sa.bindparam("values", type_=sa.Text), sa.bindparam("value0", type_=sa.Float),
            sa.bindparam("end", type_=sa.Float), *texts]
        self.pg_finish = c(sa.text(f"{finish} RETURNING trial_id").bindparams(*finish_params))
        self.pg_finish_attrs = c(sa.text(f"{finish} AND {ATTRS_UNCHANGED} RETURNING trial_id").bindparams(
            *finish_params, *bases))
        # After a single statement's answer was lost (the connection dropped): what it did, if it
        # ran. A start is found by the client's datetime_start (a float of time.time()), a finish
        # by its trial, state and datetime_complete. Read only on that rare path.
        self.pg_started_at = c(sa.text(
            "SELECT trial_id, number, user_attrs, system_attrs FROM tunewise_trials "
            "WHERE study_id = :sid AND state = 'RUNNING' AND datetime_start = :start"
        ).bindparams(sa.bindparam("sid", type_=sa.Integer), sa.bindparam("start", type_=sa.Float)))
        self.pg_finished_at = c(sa.text(
            "SELECT trial_id FROM tunewise_trials WHERE trial_id = :tid AND state = :state AND datetime_complete = :end"
        ).bindparams(sa.bindparam("tid", type_=sa.Integer), sa.bindparam("state", type_=sa.Text),
                     sa.bindparam("end", type_=sa.Float)))
        # Whether a server process (the one a lost answer came from) still runs a statement or
        # a transaction: until it is done, what it wrote cannot be read yet.
        self.pg_backend_busy = c(sa.text(
            "SELECT 1 FROM pg_stat_activity WHERE pid = :pid "
            "AND state IN ('active', 'idle in transaction', 'fastpath function call')"
        ).bindparams(sa.bindparam("pid", type_=sa.Integer)))
