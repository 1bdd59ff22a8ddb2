"""Fixtures shared by the whole suite: a real database on SQLite and on PostgreSQL.

Tests that take ``database_url`` (or ``engine``) run once per backend. PostgreSQL comes
from ``RECOVERLY_TEST_DATABASE_URL`` (default the local server); each test worker gets a
database of its own, emptied between tests. Where no server answers the PostgreSQL runs
are skipped with the reason, unless ``RECOVERLY_REQUIRE_POSTGRES=1`` makes that a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from recoverly.store import session
from recoverly.store.base import metadata

# Property tests check invariants, not speed: a loaded CI machine must not fail them on a
# per-example deadline (speed is measured by benchmarks/, never by tests).
settings.register_profile("recoverly", deadline=None)
settings.load_profile("recoverly")

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test worker, dropped at the end."""
    base = os.environ.get("RECOVERLY_TEST_DATABASE_URL", PG_DEFAULT)
    try:
        admin = psycopg.connect(_libpq(base), autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        reason = f"no PostgreSQL server answers at {base}: {exc}".strip()
        if os.environ.get("RECOVERLY_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (RECOVERLY_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"recoverly_test_{worker}_{os.getpid()}"
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        yield url
        session.dispose(url)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'recoverly.db'}"
        session.open_engine(url)
        yield url
        session.dispose(url)
        return
    url = request.getfixturevalue("pg_url")
    engine = session.open_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield url


@pytest.fixture
def engine(database_url: str) -> Engine:
    return session.open_engine(database_url)
