"""Engines for SQLite and PostgreSQL, and the schema kept at the latest migration.

Every command calls ``open_engine``: the first use of a database creates its schema and a
later release migrates it, so nobody has to remember ``recoverly db upgrade``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.engine import make_url

_engines: dict[str, Engine] = {}


def normalise_url(url: str) -> str:
    """Accept the libpq spelling ``postgresql://`` and use psycopg 3 for it."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite defers BEGIN on its own; take control of it (the "begin" listener below)
    # so that a whole import really is one transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Bulk imports touch several indexes at once; the default 2 MiB page cache thrashes.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def create(url: str) -> Engine:
    """An engine whose error messages never carry bound values (names, phones) into logs."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    else:
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("recoverly.store") / "migrations"))
    cfg.set_main_option(
        "file_template",
        "%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d%%(minute).2d_%%(slug)s",
    )
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest migration (a no-op when it is there)."""
    if current_revision(engine) != head_revision(engine):
        command.upgrade(alembic_config(engine), "head")


def open_engine(url: str) -> Engine:
    """An engine for ``url`` whose schema is at the latest migration; one per URL."""
    if url not in _engines:
        engine = create(url)
        upgrade(engine)
        _engines[url] = engine
    return _engines[url]


def dispose(url: str) -> None:
    """Close an engine's connections and forget it (tests, and servers shutting down)."""
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def refresh_statistics(engine: Engine, tables: Sequence[Table]) -> None:
    """Let the query planner see what a bulk write changed.

    PostgreSQL plans from table statistics that autovacuum refreshes only eventually; right
    after a million rows arrive it would still believe the tables hold a handful, and pick
    nested loops that take minutes (the daily run's snapshot, measured). ``ANALYZE``
    samples a bounded number of rows, so it costs a fraction of a second per table.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE " + ", ".join(t.name for t in tables))
        else:
            conn.exec_driver_sql("PRAGMA optimize")
        conn.commit()
