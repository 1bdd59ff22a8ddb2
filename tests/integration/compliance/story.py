"""People with a row in every table that can hold their personal data, for privacy tests.

``person`` writes one debtor's whole history: contact points with consent, an account with
free-form attributes, a case, a hold, a strategy position, a planned and sent letter (its
PDF in the blob store, its evidence entry) with a provider error, a blocked contact, a contact attempt, a
promise, a payment with a payer reference and its allocation, a complaint with its
narrative and answers, a QA alert quoting the debtor, and a personal-data read. Each
personal string is returned, so a test can look for it anywhere in the database.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.evidence import log as evidence_log
from recoverly.store.base import metadata
from recoverly.store.blobs import LocalBlobStore
from recoverly.store.tables import (
    accounts,
    case_paths,
    cases,
    complaints,
    contact_attempts,
    contact_points,
    debtors,
    holds,
    outbox,
    payment_allocations,
    payments,
    personal_data_reads,
    plan_blocks,
    plan_items,
    promises,
    qa_alerts,
)


def at(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    debtor_id: str
    case_id: str
    account_id: str
    letter: str  # the letter PDF's SHA-256
    secrets: tuple[str, ...]  # every personal string written about them


def person(
    conn: Connection,
    tenant_id: int,
    debtor_id: str,
    *,
    country: str = "US",
    region: str | None = None,
    last_activity: datetime,
    closed: bool = True,
    blobs: LocalBlobStore | None = None,
    hold: tuple[str, datetime | None] | None = None,
) -> Person:
    """A debtor whose last collection activity (the case closing, or the payment when the
    case stays open) is ``last_activity``; a hold of ``(kind, ends_at)`` if given."""
    name = f"Name of {debtor_id}"
    national_id = f"NID-{debtor_id}"
    phone = f"+1555{zlib.crc32(debtor_id.encode()) % 10**7:07d}"
    email, address = f"{debtor_id.lower()}@example.com", f"1 Street of {debtor_id}"
    case_id, account_id, plan_id = f"C-{debtor_id}", f"AC-{debtor_id}", f"PL-{debtor_id}"
    early = last_activity - timedelta(days=60)
    conn.execute(
        insert(debtors).values(
            tenant_id=tenant_id,
            debtor_id=debtor_id,
            debtor_type="person",
            name=name,
            national_id=national_id,
            country=country,
            region=region,
            timezone="UTC",
            language="en",
            created_at=early - timedelta(days=300),
            updated_at=early,
        )
    )
    conn.execute(
        insert(contact_points),
        [
            _point(tenant_id, debtor_id, kind, value, early)
            for kind, value in (("phone", phone), ("email", email), ("address", address))
        ],
    )
    conn.execute(
        insert(cases).values(
            tenant_id=tenant_id,
            case_id=case_id,
            debtor_id=debtor_id,
            stage="closed" if closed else "agent",
            opened_at=early - timedelta(days=300),
            closed_at=last_activity if closed else None,
        )
    )
    conn.execute(
        insert(accounts).values(
            tenant_id=tenant_id,
            account_id=account_id,
            debtor_id=debtor_id,
            case_id=case_id,
            product="credit_card",
            currency="USD",
            principal_minor=0 if closed else 10_000,
            interest_minor=0,
            fees_minor=0,
            due_date=date(early.year, early.month, early.day),
            attributes={"employer": f"Employer of {debtor_id}"},
            created_at=early,
            updated_at=early,
        )
    )
    if hold is not None:
        kind, ends_at = hold
        conn.execute(
            insert(holds).values(
                tenant_id=tenant_id,
                case_id=case_id,
                kind=kind,
                starts_at=early,
                ends_at=ends_at,
                reason=f"{kind}: told by the sister of {name}",
                created_at=early,
            )
        )
    else:
        conn.execute(
            insert(holds).values(
                tenant_id=tenant_id,
                case_id=case_id,
                kind="cease_communication",
                starts_at=early,
                ends_at=early + timedelta(days=1),
                reason=f"{name} asked by phone",
                created_at=early,
            )
        )
    conn.execute(
        insert(case_paths).values(
            tenant_id=tenant_id,
            case_id=case_id,
            strategy_name="default",
            strategy_version=1,
            segment="low",
            branch="champion",
            step=1,
            due_on=early.date(),
            started_on=early.date(),
            status="active",
            updated_on=early.date(),
            bucket="1-29",
            bucket_since=early.date(),
        )
    )
    pdf = f"%PDF letter of tenant {tenant_id} to {name}, {address}".encode()
    letter = blobs.put(pdf, "application/pdf") if blobs else "0" * 64
    conn.execute(
        insert(plan_items).values(
            tenant_id=tenant_id,
            plan_id=plan_id,
            as_of=early.date(),
            case_id=case_id,
            debtor_id=debtor_id,
            account_id=account_id,
            action="contact",
            channel="letter",
            template="final_notice",
            scheduled_at=early,
            jurisdiction=country,
            debtor_timezone="UTC",
            language="en",
            strategy_name="default",
            strategy_version=1,
            branch="champion",
            segment="low",
            step=1,
            currency="USD",
            balance_minor=10_000,
            created_at=early,
        )
    )
    conn.execute(
        insert(outbox).values(
            tenant_id=tenant_id,
            plan_id=plan_id,
            channel="letter",
            template="final_notice",
            status="sent",
            attempts=2,
            not_before=early,
            provider_id=letter,
            last_error=f"address rejected: {address}",
            created_at=early,
            updated_at=early,
            sent_at=early,
        )
    )
    sent = Evidence(
        EvidenceKind.MESSAGE_SENT,
        tenant_id,
        early,
        case_id,
        (("plan_id", plan_id), ("channel", "letter"), ("provider_id", letter)),
    )
    evidence_log.append(conn, [sent], early)
    conn.execute(
        insert(plan_blocks).values(
            tenant_id=tenant_id,
            as_of=early.date(),
            case_id=case_id,
            channel="call",
            rule="us.inconvenient_time",
            citation="12 CFR 1006.6(b)(1)(i)",
            message="outside hours",
            strategy_name="default",
            strategy_version=1,
            branch="champion",
            segment="low",
            step=1,
            created_at=early,
        )
    )
    conn.execute(
        insert(contact_attempts).values(
            tenant_id=tenant_id,
            contact_id=f"K-{debtor_id}",
            debtor_id=debtor_id,
            account_id=account_id,
            channel="call",
            direction="outbound",
            at=early,
            outcome="conversation",
            created_at=early,
        )
    )
    conn.execute(
        insert(promises).values(
            tenant_id=tenant_id,
            promise_id=f"PR-{debtor_id}",
            account_id=account_id,
            currency="USD",
            amount_minor=5_000,
            due_date=early.date(),
            made_at=early,
            status="kept",
        )
    )
    paid = early if closed else last_activity
    conn.execute(
        insert(payments).values(
            tenant_id=tenant_id,
            payment_id=f"P-{debtor_id}",
            account_id=account_id,
            currency="USD",
            amount_minor=10_000,
            paid_at=paid,
            method="transfer",
            reference=f"transfer from {name}",
            created_at=paid,
        )
    )
    conn.execute(
        insert(payment_allocations).values(
            tenant_id=tenant_id,
            payment_id=f"P-{debtor_id}",
            account_id=account_id,
            fees_minor=0,
            interest_minor=0,
            principal_minor=10_000,
            excess_minor=0,
            allocated_at=paid,
        )
    )
    conn.execute(
        insert(complaints).values(
            tenant_id=tenant_id,
            complaint_id=f"CMP-{debtor_id}",
            case_id=case_id,
            debtor_id=debtor_id,
            received_at=early,
            channel="phone",
            source="api",
            jurisdiction=country,
            issue="communication_tactics",
            text=f"I am {name} and they called me at {phone}",
            status="closed",
            acknowledge_by=early + timedelta(days=5),
            respond_by=early + timedelta(days=30),
            response=f"Dear {name}, we apologise",
            responded_at=early + timedelta(days=2),
            root_cause=f"agent misdialled {phone}",
            resolution="coaching",
            upheld=True,
            closed_at=early + timedelta(days=3),
            created_at=early,
            updated_at=early,
        )
    )
    conn.execute(
        insert(qa_alerts).values(
            tenant_id=tenant_id,
            at=early,
            source_kind="note",
            source_id=f"NOTE-{debtor_id}",
            case_id=case_id,
            agent="agent-7",
            rule="qa.threat_arrest",
            category="threat",
            severity="high",
            citation="15 U.S.C. 1692e(4)",
            span_start=0,
            span_end=10,
            excerpt=f"{name} will go to jail",
            status="confirmed",
            reviewed_by="dpo",
            reviewed_at=early,
            review_note=f"called {name} back",
        )
    )
    conn.execute(
        insert(personal_data_reads).values(
            tenant_id=tenant_id,
            at=early,
            actor="token:1",
            role="agent",
            debtor_id=debtor_id,
            fields="name,phone",
            purpose="collections",
            via="GET /api/v1/debtors/{debtor_id}",
        )
    )
    secrets = (name, national_id, phone, email, address, f"Employer of {debtor_id}")
    return Person(debtor_id, case_id, account_id, letter, secrets)


def _point(tid: int, debtor_id: str, kind: str, value: str, when: datetime) -> dict[str, Any]:
    return {
        "tenant_id": tid,
        "debtor_id": debtor_id,
        "kind": kind,
        "value": value,
        "source": "portfolio.csv",
        "consent": "given",
        "consent_at": when,
        "purpose": "collection",
        "verification": "verified",
        "created_at": when,
        "updated_at": when,
    }


def everything(engine: Engine, tenant_id: int | None = None) -> str:
    """Every row of every table (of one tenant, if named), as one string to search."""
    parts = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            query = select(table)
            if tenant_id is not None and "tenant_id" in table.c:
                query = query.where(table.c.tenant_id == tenant_id)
            parts.extend(repr(tuple(row)) for row in conn.execute(query))
    return "\n".join(parts)
