"""The migrations build exactly the schema the tables declare, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from recoverly.store.base import metadata
from recoverly.store.session import current_revision, head_revision


def test_the_database_is_at_head_and_matches_the_tables(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
