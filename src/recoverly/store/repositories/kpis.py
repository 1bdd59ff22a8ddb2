"""The facts collection KPIs are computed from, for a tenant and a period, each tagged
with the strategy branch that worked the case (``unassigned`` before any run)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, and_, func, select

from recoverly.store.tables import (
    accounts,
    case_paths,
    cases,
    contact_attempts,
    daily_runs,
    holds,
    outbox,
    payments,
    plan_items,
    promises,
)

UNASSIGNED = "unassigned"


def _branch_of_case() -> Any:
    # Grouped by the raw column: PostgreSQL does not match a coalesce() with a bound
    # parameter in SELECT to the same expression in GROUP BY. Nulls become UNASSIGNED
    # in _frame.
    return case_paths.c.branch


def runs(conn: Connection, tenant_id: int, start: date, end: date) -> list[tuple[date, Any]]:
    d = daily_runs.c
    return [
        (r.as_of, r.summary)
        for r in conn.execute(
            select(d.as_of, d.summary)
            .where(d.tenant_id == tenant_id, d.status == "done", d.as_of.between(start, end))
            .order_by(d.as_of)
        )
    ]


def contacts(conn: Connection, tenant_id: int, since: datetime, until: datetime) -> pl.DataFrame:
    """``branch, channel, direction, outcome`` of every contact in ``[since, until)``."""
    c, p = contact_attempts.c, plan_items.c
    branch = func.coalesce(p.branch, case_paths.c.branch).label("branch")
    rows = conn.execute(
        select(branch, c.channel, c.direction, c.outcome)
        .select_from(
            contact_attempts.outerjoin(
                plan_items, and_(p.tenant_id == c.tenant_id, p.plan_id == c.plan_id)
            )
            .outerjoin(
                cases,
                and_(cases.c.tenant_id == c.tenant_id, cases.c.debtor_id == c.debtor_id),
            )
            .outerjoin(
                case_paths,
                and_(
                    case_paths.c.tenant_id == c.tenant_id,
                    case_paths.c.case_id == cases.c.case_id,
                ),
            )
        )
        .where(c.tenant_id == tenant_id, c.at >= since, c.at < until)
    ).all()
    return _frame(
        rows,
        {
            "branch": pl.String,
            "channel": pl.String,
            "direction": pl.String,
            "outcome": pl.String,
        },
    )


def _by_account_case(table: Any) -> Any:
    a = accounts.c
    return table.join(
        accounts, and_(a.tenant_id == table.c.tenant_id, a.account_id == table.c.account_id)
    ).outerjoin(
        case_paths,
        and_(case_paths.c.tenant_id == a.tenant_id, case_paths.c.case_id == a.case_id),
    )


def payments_in(conn: Connection, tenant_id: int, since: datetime, until: datetime) -> pl.DataFrame:
    p = payments.c
    rows = conn.execute(
        select(_branch_of_case(), p.currency, func.sum(p.amount_minor), func.count())
        .select_from(_by_account_case(payments))
        .where(p.tenant_id == tenant_id, p.paid_at >= since, p.paid_at < until)
        .group_by(_branch_of_case(), p.currency)
    ).all()
    return _frame(
        rows,
        {
            "branch": pl.String,
            "currency": pl.String,
            "amount_minor": pl.Int64,
            "count": pl.Int64,
        },
    )


def promises_in(conn: Connection, tenant_id: int, start: date, end: date) -> pl.DataFrame:
    """Promises made in the period and promises due in it, with their status."""
    pr = promises.c
    rows = conn.execute(
        select(_branch_of_case(), pr.status, pr.made_at, pr.due_date)
        .select_from(_by_account_case(promises))
        .where(pr.tenant_id == tenant_id)
    ).all()
    frame = _frame(
        rows,
        {
            "branch": pl.String,
            "status": pl.String,
            "made_at": pl.Datetime("us", "UTC"),
            "due_date": pl.Date,
        },
    )
    return frame.filter(
        pl.col("made_at").dt.date().is_between(start, end)
        | pl.col("due_date").is_between(start, end)
    )


def costs_in(conn: Connection, tenant_id: int, since: datetime, until: datetime) -> pl.DataFrame:
    o, p = outbox.c, plan_items.c
    rows = conn.execute(
        select(p.branch, o.cost_currency, func.sum(o.cost_minor), func.count())
        .select_from(
            outbox.join(plan_items, and_(p.tenant_id == o.tenant_id, p.plan_id == o.plan_id))
        )
        .where(
            o.tenant_id == tenant_id,
            o.sent_at >= since,
            o.sent_at < until,
            o.cost_minor.is_not(None),
        )
        .group_by(p.branch, o.cost_currency)
    ).all()
    return _frame(
        rows,
        {
            "branch": pl.String,
            "currency": pl.String,
            "cost_minor": pl.Decimal(24, 6),
            "count": pl.Int64,
        },
    )


def complaints_in(
    conn: Connection, tenant_id: int, since: datetime, until: datetime
) -> pl.DataFrame:
    h = holds.c
    rows = conn.execute(
        select(_branch_of_case(), func.count())
        .select_from(
            holds.outerjoin(
                case_paths,
                and_(case_paths.c.tenant_id == h.tenant_id, case_paths.c.case_id == h.case_id),
            )
        )
        .where(
            h.tenant_id == tenant_id,
            h.kind == "complaint",
            h.created_at >= since,
            h.created_at < until,
        )
        .group_by(_branch_of_case())
    ).all()
    return _frame(rows, {"branch": pl.String, "count": pl.Int64})


def _frame(rows: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    frame = pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    return frame.with_columns(pl.col("branch").fill_null(UNASSIGNED))
