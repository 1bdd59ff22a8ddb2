"""The facts collection KPIs are computed from, for a tenant and a period, each tagged
with the strategy branch that worked the case (``unassigned`` before any run)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection, Select, and_, func, or_, select

from recoverly.store.frames import query_frame
from recoverly.store.tables import (
    accounts,
    case_paths,
    cases,
    complaints,
    contact_attempts,
    daily_runs,
    outbox,
    payments,
    plan_items,
    promises,
)

UNASSIGNED = "unassigned"

# Grouped by the raw column: PostgreSQL does not match a coalesce() with a bound parameter
# in SELECT to the same expression in GROUP BY. Nulls become UNASSIGNED in _branched.
BRANCH = case_paths.c.branch.label("branch")


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
    """``branch, channel, direction, outcome, template`` of every contact in ``[since,
    until)`` (``template``: the planned message's, if it was one)."""
    c, p = contact_attempts.c, plan_items.c
    branch = func.coalesce(p.branch, case_paths.c.branch).label("branch")
    query = (
        select(branch, c.channel, c.direction, c.outcome, p.template)
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
    )
    return _branched(conn, query)


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
    query = (
        select(
            BRANCH,
            p.currency,
            func.sum(p.amount_minor).label("amount_minor"),
            func.count().label("count"),
        )
        .select_from(_by_account_case(payments))
        .where(p.tenant_id == tenant_id, p.paid_at >= since, p.paid_at < until)
        .group_by(case_paths.c.branch, p.currency)
    )
    return _branched(conn, query)


def promises_in(conn: Connection, tenant_id: int, start: date, end: date) -> pl.DataFrame:
    """Promises made in the period and promises due in it, with their status."""
    pr = promises.c
    query = (
        select(BRANCH, pr.status, pr.made_at, pr.due_date)
        .select_from(_by_account_case(promises))
        .where(
            pr.tenant_id == tenant_id,
            or_(
                and_(pr.made_at >= _instant(start), pr.made_at < _instant(end + timedelta(days=1))),
                pr.due_date.between(start, end),
            ),
        )
    )
    return _branched(conn, query)


def costs_in(conn: Connection, tenant_id: int, since: datetime, until: datetime) -> pl.DataFrame:
    o, p = outbox.c, plan_items.c
    query = (
        select(
            p.branch,
            o.cost_currency.label("currency"),
            func.sum(o.cost_minor).label("cost_minor"),
            func.count().label("count"),
        )
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
    )
    return _branched(conn, query)


def complaints_in(
    conn: Connection, tenant_id: int, since: datetime, until: datetime
) -> pl.DataFrame:
    """Complaints received in the period, by the strategy branch of their case."""
    c = complaints.c
    query = (
        select(BRANCH, func.count().label("count"))
        .select_from(
            complaints.outerjoin(
                case_paths,
                and_(case_paths.c.tenant_id == c.tenant_id, case_paths.c.case_id == c.case_id),
            )
        )
        .where(c.tenant_id == tenant_id, c.received_at >= since, c.received_at < until)
        .group_by(case_paths.c.branch)
    )
    return _branched(conn, query)


def complaints_by_template(
    conn: Connection, tenant_id: int, since: datetime, until: datetime
) -> dict[str, int]:
    """Complaints received in the period about each message template."""
    c = complaints.c
    rows = conn.execute(
        select(c.template, func.count())
        .where(
            c.tenant_id == tenant_id,
            c.template.is_not(None),
            c.received_at >= since,
            c.received_at < until,
        )
        .group_by(c.template)
    ).all()
    return {str(t): int(n) for t, n in rows}


def agent_contacts(
    conn: Connection, tenant_id: int, since: datetime, until: datetime
) -> dict[str, int]:
    """Contacts each agent made or took in the period, in both directions."""
    c = contact_attempts.c
    rows = conn.execute(
        select(c.agent, func.count())
        .where(c.tenant_id == tenant_id, c.agent.is_not(None), c.at >= since, c.at < until)
        .group_by(c.agent)
    ).all()
    return {str(a): int(n) for a, n in rows}


def complaints_by_agent(
    conn: Connection, tenant_id: int, since: datetime, until: datetime
) -> dict[str, int]:
    """Complaints received in the period, each counted for the agent it names, or else
    for the agent of its case's last contact by an agent before it was received;
    complaints that neither gives an agent are not counted."""
    c, ca, a = complaints.c, contact_attempts.c, accounts.c
    # A contact is on the complaint's case when its account is, or when it names only
    # the debtor (contacts with a debtor are about all their cases).
    last_agent = (
        select(ca.agent)
        .select_from(
            contact_attempts.outerjoin(
                accounts, and_(a.tenant_id == ca.tenant_id, a.account_id == ca.account_id)
            )
        )
        .where(
            ca.tenant_id == c.tenant_id,
            ca.debtor_id == c.debtor_id,
            ca.agent.is_not(None),
            ca.at < c.received_at,
            or_(ca.account_id.is_(None), a.case_id == c.case_id),
        )
        .order_by(ca.at.desc(), ca.contact_id.desc())
        .limit(1)
        .scalar_subquery()
    )
    agents = conn.execute(
        select(func.coalesce(c.agent, last_agent)).where(
            c.tenant_id == tenant_id, c.received_at >= since, c.received_at < until
        )
    ).scalars()
    return dict(Counter(str(agent) for agent in agents if agent is not None))


def _instant(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _branched(conn: Connection, query: Select[Any]) -> pl.DataFrame:
    return query_frame(conn, query).with_columns(pl.col("branch").fill_null(UNASSIGNED))
