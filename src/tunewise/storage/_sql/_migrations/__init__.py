"""Alembic migration scripts of the SQL schema, shipped in the package.

``versions/`` holds one revision per schema version: revision ``"000N"`` brings a database to
schema version N (the number ``tunewise_meta.schema_version`` records, which is how a release
that predates a revision recognises a newer database and names the release to install). The
revisions are run by :mod:`tunewise.storage._sql._schema` without an ``env.py``: Alembic's
version table is ``tunewise_alembic_version``, so it never meets Optuna's ``alembic_version``
in a shared database.

A new schema version: add ``versions/000N_what.py`` (``revision = "000N"``,
``down_revision = "000N-1"``, an ``upgrade()`` using ``alembic.op`` that ends with
``set_schema_version(N)``), add the table change to ``_schema.py``, bump
:data:`~tunewise.storage._base.SCHEMA_VERSION`, and add a dump written by the release before
to ``tests/storage/data/`` (see ``make_old_databases.py`` there).
"""

from __future__ import annotations

import os

__all__ = ["SCRIPT_LOCATION", "VERSION_TABLE", "revision_of"]

SCRIPT_LOCATION = os.path.dirname(os.path.abspath(__file__))
VERSION_TABLE = "tunewise_alembic_version"


def revision_of(schema_version: int) -> str:
    """The Alembic revision that brings a database to ``schema_version``.

    >>> revision_of(2)
    '0002'
    """
    return f"{schema_version:04d}"
