"""Published strategy versions are immutable, idempotent to re-publish, and per tenant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from recoverly.domain.errors import InvalidInput
from recoverly.store.repositories import strategies as repo
from recoverly.store.repositories import tenancy
from recoverly.strategy.loader import StrategyInvalid, default_text
from recoverly.strategy.service import publish

NOW = datetime(2026, 3, 9, 8, tzinfo=UTC)


@pytest.fixture
def tenants(engine: Engine) -> tuple[int, int]:
    with engine.begin() as conn:
        return (
            tenancy.create_tenant(conn, "acme", NOW),
            tenancy.create_tenant(conn, "globex", NOW),
        )


def test_publishing_is_idempotent_and_versions_never_change(
    engine: Engine, tenants: tuple[int, int]
) -> None:
    acme, globex = tenants
    text = default_text()
    with engine.begin() as conn:
        first, new = publish(conn, acme, text, "default.yaml", NOW)
        assert new
        assert (first.name, first.version) == ("default", 1)
        again, new = publish(conn, acme, text, "default.yaml", NOW)
        assert not new
        assert again.sha256 == first.sha256
    changed = text.replace("{wait: 7}", "{wait: 5}")
    with (
        pytest.raises(InvalidInput, match="already published with other content"),
        engine.begin() as conn,
    ):
        publish(conn, acme, changed, "changed.yaml", NOW)
    with engine.begin() as conn:
        second, new = publish(
            conn, acme, changed.replace("version: 1", "version: 2"), "v2.yaml", NOW
        )
        assert new
        assert second.version == 2
        assert [(p.name, p.version) for p in repo.listing(conn, acme)] == [
            ("default", 1),
            ("default", 2),
        ]
        assert repo.listing(conn, globex) == []
        assert repo.find(conn, acme, "default", 1).document == text  # type: ignore[union-attr]


def test_an_invalid_strategy_is_never_stored(engine: Engine, tenants: tuple[int, int]) -> None:
    acme, _ = tenants
    with pytest.raises(StrategyInvalid), engine.begin() as conn:
        publish(conn, acme, default_text().replace("weight: 20", "weight: 25"), "bad.yaml", NOW)
    with engine.connect() as conn:
        assert repo.listing(conn, acme) == []
