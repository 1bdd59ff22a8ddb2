"""Alembic environment: migrations run on the engine Recoverly hands over."""

from alembic import context
from sqlalchemy import text

from recoverly.store import tables  # noqa: F401 - registers every table on metadata
from recoverly.store.base import metadata

engine = context.config.attributes.get("engine")
if engine is None:
    from recoverly.config import get_settings
    from recoverly.store.session import create

    engine = create(get_settings().database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes starting on a new database at once (a server and a CLI
            # command) must not both create the schema: the second waits, then finds
            # the schema current and does nothing.
            connection.execute(text("SELECT pg_advisory_xact_lock(7310255)"))
        context.run_migrations()
    connection.commit()
