"""Arrangements against the store: apply new payments, settle promises, and turn what a
debtor said (a dispute, a request to stop) into holds that stop collection at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
from sqlalchemy import Connection, bindparam, func, select, update

from recoverly.arrangements import allocation, promises
from recoverly.compliance import holds as compliance_holds
from recoverly.domain.cases import Hold, HoldKind, Stage
from recoverly.domain.errors import NotFound
from recoverly.domain.events import Channel, Outcome
from recoverly.domain.evidence import EvidenceKind
from recoverly.evidence import log as evidence_log
from recoverly.evidence.frames import instant
from recoverly.store import bulk
from recoverly.store.frames import query_frame
from recoverly.store.repositories import cases as case_repo
from recoverly.store.tables import (
    accounts,
    cases,
    contact_attempts,
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
        _log_settled(conn, tenant_id, decided.join(pending, on="promise_id"), as_of)
    return dict(decided.group_by("status").len().iter_rows())


def _log_settled(conn: Connection, tenant_id: int, decided: pl.DataFrame, as_of: date) -> None:
    """Log each promise kept or broken, as of the day that decided it."""
    now = datetime.now(UTC)
    for status, kind in (
        (promises.KEPT, EvidenceKind.PROMISE_KEPT),
        (promises.BROKEN, EvidenceKind.PROMISE_BROKEN),
    ):
        judged = decided.filter(pl.col("status") == status)
        _log_promises(conn, tenant_id, kind, judged, now, pl.lit(as_of.isoformat()).alias("as_of"))


def _log_promises(
    conn: Connection,
    tenant_id: int,
    kind: EvidenceKind,
    promised: pl.DataFrame,
    now: datetime,
    *facts: pl.Expr,
) -> None:
    """Log ``kind`` for each promise: its terms, and ``facts`` of the occasion."""
    evidence_log.append_frame(
        conn,
        tenant_id,
        kind,
        _with_case(conn, tenant_id, promised)
        .sort("promise_id")
        .select(
            "case_id",
            pl.lit(now).alias("at"),
            "promise_id",
            "account_id",
            pl.col("amount_minor").cast(pl.Int64),
            pl.col("due_date").cast(pl.String),
            *facts,
        ),
        now,
    )


def _log_payments(conn: Connection, tenant_id: int, paid: pl.DataFrame, now: datetime) -> None:
    """Each payment goes to the evidence log once, when it is allocated (in the same
    transaction): which account, how much (minor units and their currency, without which
    the number means nothing), and when it was paid."""
    evidence_log.append_frame(
        conn,
        tenant_id,
        EvidenceKind.PAYMENT,
        paid.sort("payment_id").select(
            "case_id",
            pl.lit(now).alias("at"),
            "payment_id",
            "account_id",
            pl.col("amount_minor").cast(pl.Int64),
            "currency",
            instant("paid_at"),
        ),
        now,
    )


def record_promises(conn: Connection, tenant_id: int, made: pl.DataFrame, now: datetime) -> int:
    """Keep promises to pay (``promise_id, account_id, amount_minor, due_date, made_at``
    and any other stored columns) and log each new one; returns how many rows were given.

    A promise's terms are fixed when it is made and its status is the system's to keep,
    so a promise seen again (a re-import) changes nothing and is not logged again.
    """
    pr = promises_table.c
    known = set(
        conn.execute(
            select(pr.promise_id).where(
                pr.tenant_id == tenant_id, pr.promise_id.in_(made["promise_id"].to_list())
            )
        ).scalars()
    )
    bulk.upsert(
        conn,
        promises_table,
        made,
        key=("tenant_id", "promise_id"),
        update=(),
        constants={"tenant_id": tenant_id, "status": promises.PENDING},
    )
    new = made.filter(~pl.col("promise_id").is_in(list(known))).unique("promise_id", keep="first")
    _log_promises(conn, tenant_id, EvidenceKind.PROMISE_MADE, new, now, instant("made_at"))
    return made.height


def _with_case(conn: Connection, tenant_id: int, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the ``case_id`` of each row's ``account_id``."""
    a = accounts.c
    owners = query_frame(
        conn,
        select(a.account_id, a.case_id).where(
            a.tenant_id == tenant_id, a.account_id.in_(frame["account_id"].unique().to_list())
        ),
    )
    return frame.join(owners, on="account_id", how="left")


CALLS = (Channel.CALL.value, Channel.VOICE_BOT.value)


def record_contacts(conn: Connection, tenant_id: int, rows: pl.DataFrame, now: datetime) -> int:
    """Keep contact attempts (``contact_attempts`` rows) and act on what they say.

    A call's outcome (new, or changed: a call is recorded when it is placed and again
    when it ends) goes to the evidence log with its recording's hash; a dispute or a
    request to stop takes effect at once, so the next plan and the dispatcher's
    send-time check both see the hold. Returns the number of rows written.
    """
    c = contact_attempts.c
    calls = rows.filter(pl.col("channel").is_in(CALLS))
    before = query_frame(
        conn,
        select(c.contact_id, c.outcome.label("was"), c.recording_sha256.label("had")).where(
            c.tenant_id == tenant_id, c.contact_id.in_(calls["contact_id"].to_list())
        ),
    )
    updated = ["debtor_id", "account_id", "plan_id", "channel", "direction", "at", "outcome"]
    written = bulk.upsert(
        conn,
        contact_attempts,
        rows,
        key=("tenant_id", "contact_id"),
        update=updated + [k for k in ("agent", "recording_sha256") if k in rows.columns],
        constants={"tenant_id": tenant_id, "created_at": now},
    )
    _log_calls(conn, tenant_id, calls, before, now)
    holds_from_outcomes(conn, tenant_id, rows.select("debtor_id", "outcome", "at"), now)
    return written


def attach_recording(
    conn: Connection, tenant_id: int, debtor_id: str, contact_id: str, sha256: str, now: datetime
) -> None:
    """Name the recording of one of the debtor's calls; the call goes to the evidence log
    again, now with the recording's hash."""
    c = contact_attempts.c
    call = query_frame(
        conn,
        select(
            c.contact_id,
            c.debtor_id,
            c.account_id,
            c.plan_id,
            c.channel,
            c.direction,
            c.at,
            c.outcome,
            c.agent,
        ).where(
            c.tenant_id == tenant_id,
            c.contact_id == contact_id,
            c.debtor_id == debtor_id,
            c.channel.in_(CALLS),
        ),
    )
    if call.height == 0:
        raise NotFound(f"no call {contact_id!r} with this case's debtor")
    record_contacts(
        conn, tenant_id, call.with_columns(pl.lit(sha256).alias("recording_sha256")), now
    )


def _log_calls(
    conn: Connection, tenant_id: int, calls: pl.DataFrame, before: pl.DataFrame, now: datetime
) -> None:
    """Log each call whose outcome or recording is new: what it reached, when, who made
    it, and the SHA-256 of its recording (the blob store's name for it)."""
    if calls.height == 0:
        return
    if "recording_sha256" not in calls.columns:
        calls = calls.with_columns(pl.lit(None, pl.String).alias("recording_sha256"))
    if "agent" not in calls.columns:
        calls = calls.with_columns(pl.lit(None, pl.String).alias("agent"))
    changed = (
        calls.unique("contact_id", keep="last")
        .join(before, on="contact_id", how="left")
        .filter(
            pl.col("was").is_null()
            | (pl.col("was") != pl.col("outcome"))
            | (pl.col("recording_sha256").is_not_null() & pl.col("had").is_null())
            | (pl.col("recording_sha256") != pl.col("had"))
        )
    )
    evidence_log.append_frame(
        conn,
        tenant_id,
        EvidenceKind.CALL_OUTCOME,
        _case_of_contact(conn, tenant_id, changed)
        .sort("contact_id")
        .select(
            "case_id",
            pl.lit(now).alias("at"),
            "contact_id",
            "channel",
            "direction",
            "outcome",
            instant("at").alias("called_at"),
            "agent",
            "recording_sha256",
        ),
        now,
    )


def _case_of_contact(conn: Connection, tenant_id: int, contacts: pl.DataFrame) -> pl.DataFrame:
    """``contacts`` with a ``case_id``: the account's case, else the debtor's first open
    case (a call about no account in particular)."""
    if contacts.height == 0:
        return contacts.with_columns(pl.lit(None, pl.String).alias("case_id"))
    by_account = _with_case(conn, tenant_id, contacts)
    k = cases.c
    debtors_cases = query_frame(
        conn,
        select(k.debtor_id, func.min(k.case_id).label("debtor_case"))
        .where(
            k.tenant_id == tenant_id,
            k.closed_at.is_(None),
            k.debtor_id.in_(contacts["debtor_id"].unique().to_list()),
        )
        .group_by(k.debtor_id),
    )
    return by_account.join(debtors_cases, on="debtor_id", how="left").with_columns(
        pl.coalesce("case_id", "debtor_case").alias("case_id")
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
    first = (
        said.group_by("debtor_id", "outcome").agg(pl.col("at").min()).sort("debtor_id", "outcome")
    )
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
