"""The erasure audit (what was erased or refused, by whom, when and why) and legal holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from recoverly.domain.errors import NotFound
from recoverly.domain.privacy import ErasureOutcome, ErasureTrigger, LegalHold
from recoverly.store.tables import erasures, legal_holds


@dataclass(frozen=True, slots=True)
class Erasure:
    """One erasure, or one refused request for one: the audit row, without personal data."""

    debtor_id: str
    at: datetime
    actor: str
    trigger: ErasureTrigger
    reason: str
    outcome: ErasureOutcome
    holds: tuple[LegalHold, ...] = ()
    tables: dict[str, int] | None = None  # rows changed or deleted, by table
    pseudonym: str | None = None


def record(conn: Connection, tenant_id: int, erasure: Erasure) -> None:
    conn.execute(
        insert(erasures).values(
            tenant_id=tenant_id,
            debtor_id=erasure.debtor_id,
            at=erasure.at,
            actor=erasure.actor,
            trigger=erasure.trigger.value,
            reason=erasure.reason,
            outcome=erasure.outcome.value,
            holds=[{"ground": h.ground.value, "ref": h.ref, "why": h.why} for h in erasure.holds],
            tables=erasure.tables or {},
            pseudonym=erasure.pseudonym,
        )
    )


@dataclass(frozen=True, slots=True)
class PlacedHold:
    hold_id: int
    debtor_id: str
    reason: str
    placed_by: str
    placed_at: datetime
    released_by: str | None
    released_at: datetime | None


def _placed(row: Any) -> PlacedHold:
    return PlacedHold(
        int(row.id),
        row.debtor_id,
        row.reason,
        row.placed_by,
        row.placed_at,
        row.released_by,
        row.released_at,
    )


def place_legal_hold(
    conn: Connection, tenant_id: int, debtor_id: str, reason: str, by: str, at: datetime
) -> PlacedHold:
    """Place a legal hold on a debtor's records (the caller checked the debtor exists)."""
    row = conn.execute(
        insert(legal_holds)
        .values(tenant_id=tenant_id, debtor_id=debtor_id, reason=reason, placed_by=by, placed_at=at)
        .returning(*legal_holds.c)
    ).one()
    return _placed(row)


def release_legal_hold(
    conn: Connection, tenant_id: int, hold_id: int, by: str, at: datetime
) -> PlacedHold:
    """Release a legal hold; releasing one already released changes nothing.

    Raises:
        NotFound: the tenant has no legal hold with this id.
    """
    lh = legal_holds.c
    conn.execute(
        update(legal_holds)
        .where(lh.tenant_id == tenant_id, lh.id == hold_id, lh.released_at.is_(None))
        .values(released_by=by, released_at=at)
    )
    row = conn.execute(
        select(legal_holds).where(lh.tenant_id == tenant_id, lh.id == hold_id)
    ).first()
    if row is None:
        raise NotFound(f"no legal hold {hold_id}")
    return _placed(row)
