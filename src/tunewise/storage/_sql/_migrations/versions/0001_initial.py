"""Schema version 1: the tables of the first release.

Databases created by tunewise are created at the newest version and stamped there; this revision
is what the chain starts from (and what a database of schema version 1 is stamped at).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tunewise_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "tunewise_studies",
        sa.Column("study_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(512), nullable=False, unique=True),
        sa.Column("directions", sa.Text, nullable=False),
        sa.Column("next_number", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "tunewise_study_attrs",
        sa.Column("study_id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "tunewise_distributions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("distribution", sa.Text, nullable=False),
        sa.UniqueConstraint("study_id", "name", name="uq_tunewise_distributions"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "tunewise_trials",
        sa.Column("trial_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_id", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("value0", sa.Float, nullable=True),
        sa.Column("objective_values", sa.Text, nullable=True),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("intermediate", sa.Text, nullable=False),
        sa.Column("user_attrs", sa.Text, nullable=False),
        sa.Column("system_attrs", sa.Text, nullable=False),
        sa.Column("datetime_start", sa.Float, nullable=True),
        sa.Column("datetime_complete", sa.Float, nullable=True),
        sa.Column("heartbeat", sa.Float, nullable=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("study_id", "number", name="uq_tunewise_trials_number"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_tunewise_trials_state", "tunewise_trials", ["study_id", "state", "number"])
    op.create_index("ix_tunewise_trials_seq", "tunewise_trials", ["study_id", "seq"])
    op.create_table(
        "tunewise_claims",
        sa.Column("study_id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
    )
    op.execute(sa.text("INSERT INTO tunewise_meta (key, value) VALUES ('schema_version', '1')"))
