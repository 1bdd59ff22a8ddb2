"""Reading debtors, their contact points and their contact history, one tenant at a time.

Every query puts the caller's ``tenant_id`` in its WHERE clause, so another tenant's debtor
is indistinguishable from a missing one: the reader gets ``NotFound`` either way, with the
same message. Listings are ordered by id (contact history by time, then id) so that pages
are stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, select

from recoverly.domain.errors import NotFound
from recoverly.domain.events import Channel, ContactAttempt, Direction, Outcome
from recoverly.domain.parties import (
    Consent,
    ContactKind,
    ContactPoint,
    ContactPurpose,
    Debtor,
    DebtorType,
    Verification,
)
from recoverly.store.repositories.paging import Slice, page, row_exists
from recoverly.store.tables import contact_attempts, contact_points, debtors


@dataclass(frozen=True, slots=True)
class DebtorRecord:
    debtor: Debtor
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DebtorFilter:
    country: str | None = None
    debtor_type: DebtorType | None = None
    name_prefix: str | None = None


def debtor_from_row(row: Row[Any], points: Sequence[ContactPoint] = ()) -> Debtor:
    """A ``debtors`` row as the domain's ``Debtor``, with the contact points given."""
    return Debtor(
        debtor_id=row.debtor_id,
        name=row.name,
        country=row.country,
        timezone=row.timezone,
        debtor_type=DebtorType(row.debtor_type),
        region=row.region,
        language=row.language,
        national_id=row.national_id,
        contact_points=tuple(points),
    )


def _contact_attempt(row: Row[Any]) -> ContactAttempt:
    return ContactAttempt(
        contact_id=row.contact_id,
        debtor_id=row.debtor_id,
        channel=Channel(row.channel),
        at=row.at,
        outcome=Outcome(row.outcome),
        direction=Direction(row.direction),
        account_id=row.account_id,
        plan_id=row.plan_id,
    )


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def list_debtors(
    conn: Connection, tenant_id: int, where: DebtorFilter, limit: int, offset: int
) -> Slice[DebtorRecord]:
    """A page of debtors, without contact points (``get_debtor`` has them)."""
    conditions: list[ColumnElement[bool]] = [debtors.c.tenant_id == tenant_id]
    if where.country is not None:
        conditions.append(debtors.c.country == where.country)
    if where.debtor_type is not None:
        conditions.append(debtors.c.debtor_type == where.debtor_type.value)
    if where.name_prefix:
        # Case-insensitive; SQLite folds ASCII letters only.
        conditions.append(debtors.c.name.ilike(_like_prefix(where.name_prefix), escape="\\"))
    return page(
        conn,
        debtors,
        conditions,
        [debtors.c.debtor_id],
        limit,
        offset,
        lambda r: DebtorRecord(debtor_from_row(r), r.created_at, r.updated_at),
    )


def get_debtor(conn: Connection, tenant_id: int, debtor_id: str) -> DebtorRecord:
    """A debtor with all their contact points."""
    row = conn.execute(
        select(debtors).where(debtors.c.tenant_id == tenant_id, debtors.c.debtor_id == debtor_id)
    ).first()
    if row is None:
        raise NotFound(f"no debtor {debtor_id!r}")
    points = [
        ContactPoint(
            kind=ContactKind(p.kind),
            value=p.value,
            source=p.source,
            consent=Consent(p.consent),
            verification=Verification(p.verification),
            purpose=ContactPurpose(p.purpose),
            consent_at=p.consent_at,
        )
        for p in conn.execute(
            select(contact_points)
            .where(
                contact_points.c.tenant_id == tenant_id,
                contact_points.c.debtor_id == debtor_id,
            )
            .order_by(contact_points.c.kind, contact_points.c.created_at, contact_points.c.value)
        )
    ]
    return DebtorRecord(debtor_from_row(row, points), row.created_at, row.updated_at)


def list_contact_attempts(
    conn: Connection, tenant_id: int, debtor_id: str, limit: int, offset: int
) -> Slice[ContactAttempt]:
    """A debtor's contact history, oldest first."""
    if not row_exists(conn, debtors, tenant_id, debtor_id=debtor_id):
        raise NotFound(f"no debtor {debtor_id!r}")
    return page(
        conn,
        contact_attempts,
        [contact_attempts.c.tenant_id == tenant_id, contact_attempts.c.debtor_id == debtor_id],
        [contact_attempts.c.at, contact_attempts.c.contact_id],
        limit,
        offset,
        _contact_attempt,
    )
