"""Personal-data reads: write them as they happen, list them for a compliance officer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from recoverly.store.tables import personal_data_reads


@dataclass(frozen=True, slots=True)
class Read:
    at: datetime
    actor: str
    role: str
    debtor_id: str
    fields: tuple[str, ...]
    purpose: str
    via: str


@dataclass(frozen=True, slots=True)
class ReadPage:
    items: tuple[Read, ...]
    total: int


def record(conn: Connection, tenant_id: int, reads: Sequence[Read]) -> None:
    if reads:
        conn.execute(
            insert(personal_data_reads),
            [
                {
                    "tenant_id": tenant_id,
                    "at": r.at,
                    "actor": r.actor,
                    "role": r.role,
                    "debtor_id": r.debtor_id,
                    "fields": ",".join(r.fields),
                    "purpose": r.purpose,
                    "via": r.via,
                }
                for r in reads
            ],
        )


def listing(
    conn: Connection,
    tenant_id: int,
    *,
    debtor_id: str | None,
    actor: str | None,
    limit: int,
    offset: int,
) -> ReadPage:
    """A tenant's reads, newest first, of one debtor or by one actor if named."""
    c = personal_data_reads.c
    where = [c.tenant_id == tenant_id]
    if debtor_id is not None:
        where.append(c.debtor_id == debtor_id)
    if actor is not None:
        where.append(c.actor == actor)
    total = conn.execute(select(func.count()).select_from(personal_data_reads).where(*where))
    rows = conn.execute(
        select(personal_data_reads)
        .where(*where)
        .order_by(c.at.desc(), c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return ReadPage(
        tuple(
            Read(r.at, r.actor, r.role, r.debtor_id, tuple(r.fields.split(",")), r.purpose, r.via)
            for r in rows
        ),
        int(total.scalar_one()),
    )
