"""Lookups an import needs: which accounts and debtors the tenant already has."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, select

from recoverly.store.tables import accounts, cases, debtors


def account_keys(
    conn: Connection, tenant_id: int, only: Sequence[str] | None = None
) -> pl.DataFrame:
    """``account_id, debtor_id, case_id, currency`` of the tenant's accounts (``only``
    those named, when given: one API record need not load a whole portfolio's keys)."""
    query = select(
        accounts.c.account_id, accounts.c.debtor_id, accounts.c.case_id, accounts.c.currency
    ).where(accounts.c.tenant_id == tenant_id)
    if only is not None:
        query = query.where(accounts.c.account_id.in_(only))
    rows = conn.execute(query).all()
    return pl.DataFrame(
        rows,
        schema={
            "account_id": pl.String,
            "debtor_id": pl.String,
            "case_id": pl.String,
            "currency": pl.String,
        },
        orient="row",
    )


def debtor_keys(
    conn: Connection, tenant_id: int, only: Sequence[str] | None = None
) -> pl.DataFrame:
    query = select(debtors.c.debtor_id).where(debtors.c.tenant_id == tenant_id)
    if only is not None:
        query = query.where(debtors.c.debtor_id.in_(only))
    rows = conn.execute(query).all()
    return pl.DataFrame(rows, schema={"debtor_id": pl.String}, orient="row")


def case_keys(conn: Connection, tenant_id: int) -> pl.DataFrame:
    """``case_id, debtor_id, open`` of the tenant's cases."""
    rows = conn.execute(
        select(cases.c.case_id, cases.c.debtor_id, cases.c.closed_at.is_(None)).where(
            cases.c.tenant_id == tenant_id
        )
    ).all()
    return pl.DataFrame(
        rows,
        schema={"case_id": pl.String, "debtor_id": pl.String, "open": pl.Boolean},
        orient="row",
    )


def erased_debtors(conn: Connection, tenant_id: int) -> frozenset[str]:
    """The tenant's debtors whose personal data was erased (few: read whole)."""
    query = select(debtors.c.debtor_id).where(
        debtors.c.tenant_id == tenant_id, debtors.c.erased_at.is_not(None)
    )
    return frozenset(conn.execute(query).scalars())
