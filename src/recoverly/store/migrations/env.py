"""Alembic environment: migrations run on the engine Recoverly hands over."""

from alembic import context

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
        context.run_migrations()
    connection.commit()
