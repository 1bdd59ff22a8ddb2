"""Arrangements against the store: apply new payments, settle promises, and turn what a
debtor said (a dispute, a request to stop) into holds that stop collection at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

import polars as pl
from sqlalchemy import Connection, bindparam, select, update

from recoverly.arrangements import allocation, promises
from recoverly.compliance import holds as compliance_holds
from recoverly.domain.cases import Hold, HoldKind, Stage
from recoverly.domain.events import Outcome
from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.evidence import log as evidence_log
from recoverly.store import bulk
from recoverly.store.frames import query_frame
from recoverly.store.repositories import cases as case_repo
from recoverly.store.repositories import tenancy
from recoverly.store.tables import (
    accounts,
    cases,
    payment_allocations,
    payments,
)
from recoverly.store.tables import (
    promises as promises_table,
)

# What a debtor says that stops collection, and the hold it becomes.
HOLD_FOR_OUTCOME = {
    Outcome.DISPUTE.value: HoldKind.DISPUTE,
    Outcome.CEASE_REQUEST.value: HoldKind.CEASE_COMMUNICATION,
}


def apply_payments(
    conn: Connection,
    tenant_id: int,
    payment_ids: Sequence[str],
    now: datetime,
    order: Sequence[str] = allocation.DEFAULT_ORDER,
) -> int:
    """Allocate the given payments (not yet allocated) and move the balances they paid.

    An account paid in full is no longer past due; a case whose accounts are all paid is
    closed. Returns the number of payments allocated.
    """
    if not payment_ids:
        return 0
    p, a = payments.c, accounts.c
    done = set(
        conn.execute(
            select(payment_allocations.c.payment_id).where(
                payment_allocations.c.tenant_id == tenant_id,
                payment_allocations.c.payment_id.in_(payment_ids),
            )
        ).scalars()
    )
    wanted = [i for i in payment_ids if i not in done]
    if not wanted:
        return 0
    paid = query_frame(
        conn,
        select(p.payment_id, p.account_id, p.currency, p.amount_minor, p.paid_at).where(
            p.tenant_id == tenant_id, p.payment_id.in_(wanted)
        ),
    )
    touched = paid["account_id"].unique().to_list()
    balances = query_frame(
        conn,
        select(a.account_id, a.fees_minor, a.interest_minor, a.principal_minor, a.case_id).where(
            a.tenant_id == tenant_id, a.account_id.in_(touched)
        ),
    )
    allocated, after = allocation.allocate(paid, balances.drop("case_id"), order)
    _log_payments(
        conn, tenant_id, paid.join(balances.select("account_id", "case_id"), on="account_id"), now
    )
    bulk.upsert(
        conn,
        payment_allocations,
        allocated,
        key=["tenant_id", "payment_id"],
        update=(),
        constants={"tenant_id": tenant_id, "allocated_at": now},
    )
    last = (
        paid.sort("paid_at")
        .group_by("account_id")
        .agg(pl.col("paid_at").last(), pl.col("amount_minor").last())
    )
    rows = after.join(last, on="account_id")
    conn.execute(
        update(accounts)
        .where(a.tenant_id == tenant_id, a.account_id == bindparam("b_account"))
        .values(
            fees_minor=bindparam("b_fees"),
            interest_minor=bindparam("b_interest"),
            principal_minor=bindparam("b_principal"),
            last_payment_date=bindparam("b_last_date"),
            last_payment_minor=bindparam("b_last_minor"),
            updated_at=now,
        ),
        [
            {
                "b_account": r["account_id"],
                "b_fees": r["fees_minor"],
                "b_interest": r["interest_minor"],
                "b_principal": r["principal_minor"],
                "b_last_date": r["paid_at"].date(),
                "b_last_minor": r["amount_minor"],
            }
            for r in rows.iter_rows(named=True)
        ],
    )
    cleared = after.filter(
        pl.col("fees_minor") + pl.col("interest_minor") + pl.col("principal_minor") == 0
    )["account_id"].to_list()
    if cleared:
        conn.execute(
            update(accounts)
            .where(a.tenant_id == tenant_id, a.account_id.in_(cleared))
            .values(past_due_since=None)
        )
    _close_paid_cases(conn, tenant_id, balances["case_id"].unique().to_list(), now)
    return allocated.height


def _close_paid_cases(conn: Connection, tenant_id: int, case_ids: list[str], now: datetime) -> None:
    a = accounts.c
    owing = set(
        conn.execute(
            select(a.case_id)
            .where(
                a.tenant_id == tenant_id,
                a.case_id.in_(case_ids),
                a.fees_minor + a.interest_minor + a.principal_minor > 0,
            )
            .distinct()
        ).scalars()
    )
    paid_off = [c for c in case_ids if c not in owing]
    if paid_off:
        conn.execute(
            update(cases)
            .where(
                cases.c.tenant_id == tenant_id,
                cases.c.case_id.in_(paid_off),
                cases.c.closed_at.is_(None),
            )
            .values(stage=Stage.CLOSED.value, closed_at=now)
        )


def settle_promises(
    conn: Connection,
    tenant_id: int,
    as_of: date,
    *,
    grace_days: int = 1,
    tolerance_percent: Decimal = Decimal(0),
) -> dict[str, int]:
    """Mark pending promises kept or broken as of a day; returns how many of each."""
    pr, p = promises_table.c, payments.c
    pending = query_frame(
        conn,
        select(pr.promise_id, pr.account_id, pr.amount_minor, pr.due_date, pr.made_at).where(
            pr.tenant_id == tenant_id, pr.status == promises.PENDING
        ),
    )
    if pending.height == 0:
        return {}
    paid = query_frame(
        conn,
        # Every payment on an account with a pending promise, each once (a join and
        # DISTINCT would merge two payments of the same amount at the same instant).
        select(p.account_id, p.amount_minor, p.paid_at).where(
            p.tenant_id == tenant_id,
            p.account_id.in_(
                select(pr.account_id).where(
                    pr.tenant_id == tenant_id, pr.status == promises.PENDING
                )
            ),
        ),
    )
    decided = promises.settle(
        pending, paid, as_of, grace_days=grace_days, tolerance_percent=tolerance_percent
    )
    if decided.height:
        conn.execute(
            update(promises_table)
            .where(pr.tenant_id == tenant_id, pr.promise_id == bindparam("b_id"))
            .values(status=bindparam("b_status")),
            [{"b_id": i, "b_status": s} for i, s in decided.iter_rows()],
        )
    return dict(decided.group_by("status").len().iter_rows())


def _log_payments(conn: Connection, tenant_id: int, paid: pl.DataFrame, now: datetime) -> None:
    """Each payment goes to the evidence log once, when it is allocated (in the same
    transaction): which account, how much (minor units and their currency, without which
    the number means nothing), and when it was paid."""
    tenant = tenancy.tenant_name(conn, tenant_id)
    evidence_log.append(
        conn,
        [
            Evidence(
                kind=EvidenceKind.PAYMENT,
                tenant_id=tenant_id,
                tenant=tenant,
                at=now,
                case_id=row["case_id"],
                facts=(
                    ("payment_id", row["payment_id"]),
                    ("account_id", row["account_id"]),
                    ("amount_minor", int(row["amount_minor"])),
                    ("currency", row["currency"]),
                    ("paid_at", row["paid_at"].isoformat()),
                ),
            )
            for row in paid.sort("payment_id").iter_rows(named=True)
        ],
        now,
    )


def holds_from_outcomes(
    conn: Connection, tenant_id: int, contacts: pl.DataFrame, now: datetime
) -> int:
    """Open a hold for every dispute or cease request among ``contacts`` (``debtor_id,
    outcome, at``) on the debtor's open cases, unless one of that kind is already open.
    Returns the number of holds opened."""
    said = contacts.filter(pl.col("outcome").is_in(list(HOLD_FOR_OUTCOME)))
    if said.height == 0:
        return 0
    first = said.group_by("debtor_id", "outcome").agg(pl.col("at").min())
    opened = 0
    for debtor_id, outcome, at in first.iter_rows():
        kind = HOLD_FOR_OUTCOME[outcome]
        for case_id in case_repo.open_case_ids(conn, tenant_id, debtor_id):
            if case_repo.active_holds(conn, tenant_id, case_id, kind, at):
                continue
            said_so = f"debtor: {outcome.replace('_', ' ')}"
            compliance_holds.place(
                conn, tenant_id, case_id, Hold(kind, at, None, said_so), said_so, now
            )
            opened += 1
    return opened
