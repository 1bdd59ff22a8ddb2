"""Two tenants with small, hand-made portfolios, inserted through SQLAlchemy Core.

``acme`` is the tenant the tests call as; ``globex`` is the neighbour whose data must never
show. Some ids (``SHARED-*``) exist in both tenants with different contents, so a query that
joins or filters without ``tenant_id`` returns the wrong row, not just an extra one.

Dates are relative to ``AS_OF`` so that the expected past-due days read off the seed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert

from recoverly.compliance import complaints
from recoverly.domain.complaints import API_SOURCE, Issue, ReceiptChannel
from recoverly.domain.roles import Role
from recoverly.store.repositories import tenancy
from recoverly.store.repositories.complaints import NewComplaint
from recoverly.store.tables import (
    accounts,
    cases,
    contact_attempts,
    contact_points,
    debtors,
    holds,
    payments,
)

AS_OF = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)

HOME, NEIGHBOUR = "acme", "globex"

# Strings that only the neighbour's data contains: none may appear in a response to acme.
NEIGHBOUR_MARKERS = (
    "B-D1",
    "B-AC1",
    "B-P1",
    "B-K1",
    "Bob Baker",
    "Shared Name B",
    "globex",
    "GBP",
    "777.77",
    "888.88",
    "43.21",
    "+447700900123",
    "bob@example.org",
)

# For each path parameter: an id that exists only in the neighbour, and one of acme's own.
NEIGHBOUR_ONLY = {
    "case_id": "C-B-D1",
    "account_id": "B-AC1",
    "debtor_id": "B-D1",
    "complaint_id": "CMP-B1",
}
HOME_IDS = {
    "case_id": "C-A-D1",
    "account_id": "A-AC1",
    "debtor_id": "A-D1",
    "complaint_id": "CMP-A4",
    "alert_id": "1",
    "template": "final_notice",
    "hold_id": "1",
    "contact_id": "call-1",
}


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


def _debtor(tid: int, debtor_id: str, name: str, country: str, **extra: Any) -> dict[str, Any]:
    row = {
        "tenant_id": tid,
        "debtor_id": debtor_id,
        "debtor_type": "person",
        "name": name,
        "national_id": None,
        "country": country,
        "region": None,
        "timezone": "UTC",
        "language": "en",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return row | extra


def _point(tid: int, debtor_id: str, kind: str, value: str, **extra: Any) -> dict[str, Any]:
    row = {
        "tenant_id": tid,
        "debtor_id": debtor_id,
        "kind": kind,
        "value": value,
        "source": "portfolio.csv",
        "consent": "given",
        "verification": "verified",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return row | extra


def _case(tid: int, case_id: str, debtor_id: str, stage: str) -> dict[str, Any]:
    return {
        "tenant_id": tid,
        "case_id": case_id,
        "debtor_id": debtor_id,
        "stage": stage,
        "opened_at": NOW - timedelta(days=30),
        "closed_at": None,
    }


def _account(
    tid: int,
    account_id: str,
    debtor_id: str,
    case_id: str,
    currency: str,
    principal: int,
    since: date | None,
    *,
    product: str = "credit_card",
    interest: int = 0,
    fees: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    row = {
        "tenant_id": tid,
        "account_id": account_id,
        "debtor_id": debtor_id,
        "case_id": case_id,
        "product": product,
        "currency": currency,
        "principal_minor": principal,
        "interest_minor": interest,
        "fees_minor": fees,
        "original_amount_minor": None,
        "credit_limit_minor": None,
        "due_date": since or AS_OF + timedelta(days=10),
        "past_due_since": since,
        "open_date": None,
        "last_payment_date": None,
        "last_payment_minor": None,
        "attributes": {},
        "created_at": NOW,
        "updated_at": NOW,
    }
    return row | extra


def _hold(tid: int, case_id: str, kind: str, ends_at: datetime | None) -> dict[str, Any]:
    return {
        "tenant_id": tid,
        "case_id": case_id,
        "kind": kind,
        "starts_at": LONG_AGO,
        "ends_at": ends_at,
        "reason": f"{kind} on file",
        "created_at": LONG_AGO,
    }


def _payment(
    tid: int, payment_id: str, account_id: str, currency: str, minor: int, paid: datetime
) -> dict[str, Any]:
    return {
        "tenant_id": tid,
        "payment_id": payment_id,
        "account_id": account_id,
        "currency": currency,
        "amount_minor": minor,
        "paid_at": paid,
        "method": "card",
        "reference": None,
        "created_at": NOW,
    }


def _contact(
    tid: int, contact_id: str, debtor_id: str, channel: str, outcome: str, at: datetime
) -> dict[str, Any]:
    return {
        "tenant_id": tid,
        "contact_id": contact_id,
        "debtor_id": debtor_id,
        "account_id": None,
        "plan_id": None,
        "channel": channel,
        "direction": "outbound",
        "at": at,
        "outcome": outcome,
        "created_at": NOW,
    }


def _seed_home(conn: Connection, a: int) -> None:
    conn.execute(
        insert(debtors),
        [
            _debtor(
                a,
                "A-D1",
                "Alice Archer",
                "US",
                region="NY",
                timezone="America/New_York",
                national_id="123456789",
            ),
            _debtor(a, "A-D2", "Acme Widgets LLC", "DE", debtor_type="company"),
            _debtor(a, "A-D3", "alvin Abbot", "US", region="CA"),
            _debtor(a, "A-D4", "Percent%Person", "FR"),
            _debtor(a, "SHARED-D", "Shared Name A", "US"),
        ],
    )
    conn.execute(
        insert(contact_points),
        [
            _point(a, "A-D1", "phone", "+12125550101"),
            _point(a, "A-D1", "email", "alice@example.com"),
            _point(a, "A-D1", "address", "1 Main St, Albany NY", consent="withdrawn"),
        ],
    )
    conn.execute(
        insert(cases),
        [
            _case(a, "C-A-D1", "A-D1", "agent"),
            _case(a, "C-A-D2", "A-D2", "digital"),
            _case(a, "C-A-D3", "A-D3", "legal"),
            _case(a, "C-A-D4", "A-D4", "digital"),
            _case(a, "C-SHARED", "SHARED-D", "digital"),
        ],
    )
    conn.execute(
        insert(accounts),
        [
            # 45 days past due: 30-59; 1000.00 + 25.50 + 25.00
            _account(
                a,
                "A-AC1",
                "A-D1",
                "C-A-D1",
                "USD",
                100_000,
                days_ago(45),
                interest=2_550,
                fees=2_500,
                open_date=date(2023, 5, 2),
                original_amount_minor=300_000,
                credit_limit_minor=500_000,
                last_payment_date=date(2026, 2, 10),
                last_payment_minor=2_500,
                attributes={"branch": "north", "score_band": 3},
            ),
            _account(
                a,
                "A-AC2",
                "A-D1",
                "C-A-D1",
                "USD",
                20_000,
                days_ago(10),
                product="personal_loan",
            ),
            _account(a, "A-AC3", "A-D2", "C-A-D2", "EUR", 500_000, None, product="sme_invoice"),
            # Paid off long ago, still carrying the date: current, as the domain says.
            _account(a, "A-AC4", "A-D2", "C-A-D2", "EUR", 0, days_ago(200), product="sme_invoice"),
            # Falls due in five days: current.
            _account(a, "A-AC7", "A-D2", "C-A-D2", "EUR", 10_000, AS_OF + timedelta(days=5)),
            # 29 days: the last day of 1-29.
            _account(a, "A-AC5", "A-D3", "C-A-D3", "USD", 5_000, days_ago(29), product="bnpl"),
            # JPY has no minor digits; 180 days is the first of 180+.
            _account(a, "A-AC6", "A-D3", "C-A-D3", "JPY", 100_000, days_ago(180), product="bnpl"),
            _account(a, "A-AC8", "A-D4", "C-A-D4", "USD", 1_000, days_ago(60)),
            _account(
                a, "SHARED-AC", "SHARED-D", "C-SHARED", "USD", 99_99, days_ago(95), product="other"
            ),
        ],
    )
    conn.execute(
        insert(holds),
        [
            _hold(a, "C-A-D1", "dispute", None),
            _hold(a, "C-A-D2", "complaint", LONG_AGO + timedelta(days=31)),
        ],
    )
    conn.execute(
        insert(payments),
        [
            _payment(a, "A-P2", "A-AC1", "USD", 2_500, datetime(2026, 2, 10, tzinfo=UTC)),
            _payment(a, "A-P1", "A-AC1", "USD", 5_000, datetime(2026, 1, 10, tzinfo=UTC)),
            _payment(a, "SHARED-P", "SHARED-AC", "USD", 1_234, datetime(2026, 1, 5, tzinfo=UTC)),
        ],
    )
    conn.execute(
        insert(contact_attempts),
        [
            _contact(a, "A-K2", "A-D1", "sms", "delivered", datetime(2026, 2, 2, tzinfo=UTC)),
            _contact(a, "A-K1", "A-D1", "call", "no_answer", datetime(2026, 2, 1, tzinfo=UTC)),
            _contact(a, "A-K3", "A-D1", "call", "conversation", datetime(2026, 2, 3, tzinfo=UTC)),
            _contact(a, "SHARED-K", "SHARED-D", "email", "sent", datetime(2026, 2, 1, tzinfo=UTC)),
        ],
    )


def _seed_neighbour(conn: Connection, b: int) -> None:
    conn.execute(
        insert(debtors),
        [
            _debtor(b, "B-D1", "Bob Baker", "GB", national_id="QQ123456C"),
            _debtor(b, "SHARED-D", "Shared Name B", "GB"),
        ],
    )
    conn.execute(
        insert(contact_points),
        [
            _point(b, "B-D1", "phone", "+447700900123"),
            _point(b, "SHARED-D", "email", "bob@example.org"),
        ],
    )
    conn.execute(
        insert(cases),
        [_case(b, "C-B-D1", "B-D1", "legal"), _case(b, "C-SHARED", "SHARED-D", "legal")],
    )
    conn.execute(
        insert(accounts),
        [
            _account(b, "B-AC1", "B-D1", "C-B-D1", "GBP", 77_777, days_ago(60)),
            _account(b, "SHARED-AC", "SHARED-D", "C-SHARED", "GBP", 88_888, days_ago(400)),
        ],
    )
    conn.execute(insert(holds), [_hold(b, "C-B-D1", "bankruptcy", None)])
    conn.execute(
        insert(payments),
        [
            _payment(b, "B-P1", "B-AC1", "GBP", 1_111, datetime(2026, 1, 1, tzinfo=UTC)),
            _payment(b, "SHARED-P", "SHARED-AC", "GBP", 4_321, datetime(2026, 1, 1, tzinfo=UTC)),
        ],
    )
    conn.execute(
        insert(contact_attempts),
        [
            _contact(b, "B-K1", "B-D1", "call", "busy", datetime(2026, 1, 1, tzinfo=UTC)),
            _contact(b, "SHARED-K", "SHARED-D", "letter", "sent", datetime(2026, 1, 1, tzinfo=UTC)),
        ],
    )


def seed(engine: Engine) -> dict[tuple[str, Role], str]:
    """Insert both portfolios and a token per tenant and role; return the tokens."""
    tokens: dict[tuple[str, Role], str] = {}
    with engine.begin() as conn:
        # The neighbour first, so its rows take the low surrogate ids.
        b = tenancy.create_tenant(conn, NEIGHBOUR, NOW)
        a = tenancy.create_tenant(conn, HOME, NOW)
        _seed_neighbour(conn, b)
        _seed_home(conn, a)
        for tid, complaint_id, case_id in ((b, "CMP-B1", "C-B-D1"), (a, "CMP-A4", "C-A-D4")):
            complaint = NewComplaint(
                complaint_id,
                case_id,
                LONG_AGO,
                ReceiptChannel.PHONE,
                API_SOURCE,
                Issue.COMMUNICATION_TACTICS,
                "Too many calls.",
            )
            complaints.open_complaint(conn, tid, complaint, NOW)
        for name, tid in ((HOME, a), (NEIGHBOUR, b)):
            for role in Role:
                tokens[name, role] = tenancy.create_token(conn, tid, role, "test", NOW)
    return tokens
