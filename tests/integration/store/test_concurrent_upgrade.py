"""Several processes meeting a new PostgreSQL database at once migrate it exactly once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

RECOVERLY = Path(sys.executable).parent / "recoverly"


@pytest.fixture
def empty_pg(pg_url: str) -> str:
    base = make_url(pg_url)
    name = f"{base.database}_fresh"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_three_commands_at_once_on_a_new_database_all_succeed(empty_pg: str) -> None:
    env = {"RECOVERLY_DATABASE_URL": empty_pg, "PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.Popen(
            [RECOVERLY, "status", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(*run.communicate(timeout=120), run.returncode) for run in runs]
    assert [code for _, _, code in results] == [0, 0, 0], [err for _, err, _ in results]
