"""Schema version 2: ``tunewise_trials.retried_from``, filled from each retry's system_attrs.

The number of the crashed trial a retry reruns, as a real column: matching JSON text by
substring is fooled by any parameter or attribute that happens to be named "retried_from".
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if "retried_from" not in {c["name"] for c in sa.inspect(conn).get_columns("tunewise_trials")}:
        op.add_column("tunewise_trials", sa.Column("retried_from", sa.Integer, nullable=True))
    trials = sa.table("tunewise_trials", sa.column("trial_id", sa.Integer), sa.column("system_attrs", sa.Text),
                      sa.column("retried_from", sa.Integer))
    # Only rows whose text mentions the key can hold it; parse them to be sure.
    rows = conn.execute(sa.select(trials.c.trial_id, trials.c.system_attrs).where(
        trials.c.system_attrs.like('%"retried_from":%'))).all()
    for tid, text in rows:
        retried = json.loads(text).get("retried_from")
        if isinstance(retried, int) and not isinstance(retried, bool):
            conn.execute(sa.update(trials).where(trials.c.trial_id == tid).values(retried_from=retried))
    op.execute(sa.text("UPDATE tunewise_meta SET value = '2' WHERE key = 'schema_version'"))
