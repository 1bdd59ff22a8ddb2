"""Helpers for import tests: a tenant, files written from text, and a dump of the store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from recoverly.store.base import metadata
from recoverly.store.repositories import tenancy


@pytest.fixture
def tenant_id(engine: Engine) -> int:
    with engine.begin() as conn:
        return tenancy.create_tenant(conn, "acme", datetime.now(UTC))


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write ``text`` (or raw bytes) to a file in the test's directory."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return _write


def dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted: equal dumps mean an untouched database."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return out
