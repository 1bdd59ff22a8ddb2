"""Publishing strategies: a validated document becomes an immutable, numbered version."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Connection

from recoverly.domain.errors import InvalidInput
from recoverly.store.repositories import strategies as repo
from recoverly.store.repositories.strategies import PublishedStrategy
from recoverly.strategy.loader import parse


def publish(
    conn: Connection, tenant_id: int, text: str, source: str, now: datetime
) -> tuple[PublishedStrategy, bool]:
    """Store a strategy version; returns it and whether it is new.

    Publishing the same document again is a no-op, so scripts can publish on every run.
    A version, once published, never changes: other content under the same name and
    version is refused, because past decisions name that version.

    Raises:
        StrategyInvalid: the document is not a valid strategy.
        InvalidInput: the version exists with other content.
    """
    strategy = parse(text, source)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = repo.find(conn, tenant_id, strategy.name, strategy.version)
    if existing is not None:
        if existing.sha256 != digest:
            raise InvalidInput(
                f"{source}: version {strategy.version} of strategy {strategy.name!r} is already "
                f"published with other content (on {existing.published_at:%Y-%m-%d}); "
                "give the changed strategy a new version"
            )
        return existing, False
    published = PublishedStrategy(strategy.name, strategy.version, text, digest, now)
    repo.add(conn, tenant_id, published)
    return published, True
