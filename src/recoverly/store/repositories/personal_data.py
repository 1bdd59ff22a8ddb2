"""Where a debtor's personal data lives, table by table: to export it and to erase it.

``HOLDINGS`` is the register a data-protection officer asks for: every table that holds
rows about a debtor, how those rows are found (by the debtor, or through the debtor's
cases, accounts or planned messages), and what erasure does to them. Tables that hold
nothing about any debtor are in ``NOT_ABOUT_A_DEBTOR`` with the reason; a test fails
when a new table is in neither, so no table escapes export or erasure.

Erasure keeps what the law or the ledgers need (the complaint record, money, the contact
log, the decisions that planned contacts) and removes the person: the name becomes a
pseudonym; national id, contact points, payment references, free-form account attributes
and every free text that may quote or name the debtor are removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    case,
    delete,
    exists,
    not_,
    select,
    update,
)

from recoverly.domain.events import Channel
from recoverly.domain.privacy import ERASED
from recoverly.store.tables import (
    accounts,
    case_paths,
    cases,
    complaints,
    contact_attempts,
    contact_points,
    debtors,
    erasures,
    evidence_entries,
    holds,
    legal_holds,
    outbox,
    payment_allocations,
    payments,
    personal_data_reads,
    plan_blocks,
    plan_items,
    promises,
    qa_alerts,
)


class Link(StrEnum):
    """How a table's rows about a debtor are found."""

    DEBTOR = "debtor_id"
    CASE = "case_id"
    ACCOUNT = "account_id"
    PLAN = "plan_id"


@dataclass(frozen=True, slots=True)
class Holding:
    table: Table
    link: Link
    erasure: str  # what erasing the debtor does to these rows


# In export order: the person, their debts, what was done, what they said, who looked.
HOLDINGS: tuple[Holding, ...] = (
    Holding(debtors, Link.DEBTOR, "name becomes the pseudonym; national id removed"),
    Holding(contact_points, Link.DEBTOR, "deleted"),
    Holding(accounts, Link.DEBTOR, "kept (balances); free-form attributes removed"),
    Holding(cases, Link.DEBTOR, "kept"),
    Holding(holds, Link.CASE, "kept; reasons (free text) removed"),
    Holding(legal_holds, Link.DEBTOR, "kept (only released ones exist); reasons removed"),
    Holding(case_paths, Link.CASE, "kept (strategy positions)"),
    Holding(plan_items, Link.DEBTOR, "kept (the decisions that planned contacts)"),
    Holding(plan_blocks, Link.CASE, "kept (the rules that blocked contacts)"),
    Holding(outbox, Link.PLAN, "kept; provider errors (may echo an address) removed"),
    Holding(contact_attempts, Link.DEBTOR, "kept (the contact log evidences compliance)"),
    Holding(promises, Link.ACCOUNT, "kept (ledger)"),
    Holding(payments, Link.ACCOUNT, "kept (ledger); payer references removed"),
    Holding(payment_allocations, Link.ACCOUNT, "kept (ledger)"),
    Holding(complaints, Link.DEBTOR, "kept (complaint record); narrative and answers erased"),
    Holding(qa_alerts, Link.CASE, "kept; quoted words and review notes erased"),
    Holding(personal_data_reads, Link.DEBTOR, "kept (the audit of reads)"),
    Holding(erasures, Link.DEBTOR, "kept (the audit of erasures)"),
    # Append-only: erasing an entry would break every proof above it, so entries hold no
    # personal data in clear (ids, kinds, times, SHA-256 of what was said).
    Holding(evidence_entries, Link.CASE, "kept (the evidence log; no personal data in clear)"),
)

NOT_ABOUT_A_DEBTOR: Mapping[str, str] = {
    "tenants": "the tenants themselves",
    "users": "staff log-ins, not debtors",
    "api_tokens": "staff tokens, not debtors",
    "import_runs": "file names and row counts only",
    "strategies": "strategy documents",
    "daily_runs": "run summaries: counts only",
    "template_pauses": "templates taken out of use",
    "delivery_receipts": "provider ids and outcomes; reach a debtor only through the outbox",
    "evidence_log": "the log's id and position counter",
    "tree_heads": "signed roots of the evidence log",
    "evidence_nodes": "hashes of the evidence log's subtrees",
}


def _scope(table: Table, link: Link, tenant_id: int, debtor_id: str) -> ColumnElement[bool]:
    """The condition selecting ``table``'s rows about one debtor of one tenant."""
    t = table.c
    if link is Link.DEBTOR:
        return and_(t.tenant_id == tenant_id, t.debtor_id == debtor_id)
    owner: Select[Any]
    if link is Link.CASE:
        owner = select(cases.c.case_id).where(
            cases.c.tenant_id == tenant_id, cases.c.debtor_id == debtor_id
        )
    elif link is Link.ACCOUNT:
        owner = select(accounts.c.account_id).where(
            accounts.c.tenant_id == tenant_id, accounts.c.debtor_id == debtor_id
        )
    else:
        owner = select(plan_items.c.plan_id).where(
            plan_items.c.tenant_id == tenant_id, plan_items.c.debtor_id == debtor_id
        )
    return and_(t.tenant_id == tenant_id, t[link.value].in_(owner))


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes):  # evidence entries and hashes, as their bundles spell hashes
        return value.hex()
    return value


def rows_about(conn: Connection, tenant_id: int, debtor_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every holding about the debtor, JSON-ready, without the tenant id.

    Money stays in minor units beside its currency, exactly as stored.
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for holding in HOLDINGS:
        table = holding.table
        order = list(table.primary_key.columns)
        rows = conn.execute(
            select(table).where(_scope(table, holding.link, tenant_id, debtor_id)).order_by(*order)
        ).mappings()
        found[table.name] = [
            {k: _json_safe(v) for k, v in row.items() if k != "tenant_id"} for row in rows
        ]
    return found


def letters_of(conn: Connection, tenant_id: int, debtor_id: str) -> list[str]:
    """The blob hashes of letters sent to the debtor that no one else's message shares.

    A letter carries the debtor's name and postal address; the letter channel records the
    PDF's SHA-256 as the message's provider id.
    """
    mine = _scope(outbox, Link.PLAN, tenant_id, debtor_id)
    other = outbox.alias("other")
    shared = exists().where(
        other.c.provider_id == outbox.c.provider_id,
        not_(
            and_(
                other.c.tenant_id == tenant_id,
                other.c.plan_id.in_(
                    select(plan_items.c.plan_id).where(
                        plan_items.c.tenant_id == tenant_id, plan_items.c.debtor_id == debtor_id
                    )
                ),
            )
        ),
    )
    query = (
        select(outbox.c.provider_id)
        .where(
            mine,
            outbox.c.channel == Channel.LETTER.value,
            outbox.c.provider_id.is_not(None),
            not_(shared),
        )
        .distinct()
        .order_by(outbox.c.provider_id)
    )
    return [str(h) for h in conn.execute(query).scalars()]


def erase(
    conn: Connection, tenant_id: int, debtor_id: str, pseudonym: str, now: datetime
) -> dict[str, int]:
    """Remove the debtor's personal data from every holding, in the caller's transaction.

    Returns:
        Rows changed or deleted, by table (tables with none left out): what the audit
        records instead of what was erased.
    """

    def scope(table: Table, link: Link) -> ColumnElement[bool]:
        return _scope(table, link, tenant_id, debtor_id)

    statements = {
        "debtors": update(debtors)
        .where(scope(debtors, Link.DEBTOR))
        .values(name=pseudonym, national_id=None, erased_at=now, updated_at=now),
        "contact_points": delete(contact_points).where(scope(contact_points, Link.DEBTOR)),
        "accounts": update(accounts)
        .where(scope(accounts, Link.DEBTOR))
        .values(attributes={}, updated_at=now),
        "holds": update(holds)
        .where(scope(holds, Link.CASE), holds.c.reason != "")
        .values(reason=""),
        "legal_holds": update(legal_holds)
        .where(scope(legal_holds, Link.DEBTOR), legal_holds.c.reason != ERASED)
        .values(reason=ERASED),
        "outbox": update(outbox)
        .where(scope(outbox, Link.PLAN), outbox.c.last_error.is_not(None))
        .values(last_error=None),
        "payments": update(payments)
        .where(scope(payments, Link.ACCOUNT), payments.c.reference.is_not(None))
        .values(reference=None),
        "complaints": update(complaints)
        .where(scope(complaints, Link.DEBTOR))
        .values(
            text=ERASED,
            response=_erased_if_set(complaints.c.response),
            root_cause=_erased_if_set(complaints.c.root_cause),
            resolution=_erased_if_set(complaints.c.resolution),
            updated_at=now,
        ),
        "qa_alerts": update(qa_alerts)
        .where(scope(qa_alerts, Link.CASE))
        .values(excerpt=ERASED, review_note=_erased_if_set(qa_alerts.c.review_note)),
    }
    changed: dict[str, int] = {}
    for name, statement in statements.items():
        count = conn.execute(statement).rowcount
        if count:
            changed[name] = count
    return changed


def _erased_if_set(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((column.is_(None), None), else_=ERASED)
