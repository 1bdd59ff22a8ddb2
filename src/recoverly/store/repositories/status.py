"""What a tenant's part of the store holds, for ``recoverly status``."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from recoverly.store.tables import (
    accounts,
    cases,
    contact_attempts,
    debtors,
    holds,
    import_runs,
    payments,
    promises,
    strategies,
)

_COUNTED = {
    "debtors": debtors,
    "accounts": accounts,
    "cases": cases,
    "payments": payments,
    "contacts": contact_attempts,
    "promises": promises,
    "holds": holds,
    "imports": import_runs,
    "strategies": strategies,
}


def counts(conn: Connection, tenant_id: int) -> dict[str, int]:
    return {
        name: int(
            conn.execute(
                select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)
            ).scalar_one()
        )
        for name, table in _COUNTED.items()
    }


def open_cases_by_stage(conn: Connection, tenant_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(cases.c.stage, func.count())
        .where(cases.c.tenant_id == tenant_id, cases.c.closed_at.is_(None))
        .group_by(cases.c.stage)
    ).all()
    return {stage: int(n) for stage, n in rows}
