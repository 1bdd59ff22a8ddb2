"""Importing payments and contact history against the tenant's existing accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, select

from recoverly.ingest.service import import_contacts, import_payments, import_portfolio
from recoverly.store.repositories import tenancy
from recoverly.store.tables import contact_attempts, payments
from tests.integration.ingest.conftest import dump
from tests.integration.ingest.test_portfolio_import import AS_OF, GOOD


def _seed(engine: Engine, tenant_id: int, write) -> None:
    assert import_portfolio(engine, tenant_id, write("p.csv", GOOD), AS_OF).ok


def test_payments_import_converts_to_minor_units_and_upserts(
    engine: Engine, tenant_id: int, write
) -> None:
    _seed(engine, tenant_id, write)
    path = write(
        "pay.csv",
        "payment_id,account_id,amount,paid_at,currency,method\n"
        "P1,A1,100.25,2026-03-01,CNY,bank_transfer\n"
        "P2,A4,300,2026-03-02T10:15:00+09:00,,card\n",
    )
    assert import_payments(engine, tenant_id, path).ok
    assert import_payments(engine, tenant_id, path).ok  # a re-import updates, never duplicates
    with engine.connect() as conn:
        rows = {r.payment_id: r for r in conn.execute(select(payments))}
    assert len(rows) == 2
    assert (rows["P1"].amount_minor, rows["P1"].currency) == (10025, "CNY")
    assert (rows["P2"].amount_minor, rows["P2"].currency) == (300, "JPY")
    assert rows["P2"].paid_at == datetime(2026, 3, 2, 1, 15, tzinfo=UTC)


def test_payments_with_unknown_accounts_or_wrong_currency_are_rejected(
    engine: Engine, tenant_id: int, write
) -> None:
    _seed(engine, tenant_id, write)
    before = dump(engine)
    path = write(
        "pay.csv",
        "payment_id,account_id,amount,paid_at,currency\n"
        "P1,NOPE,1.00,2026-03-01,\n"
        "P2,A1,1.00,2026-03-01,USD\n"
        "P3,A4,1.5,2026-03-01,\n"
        "P4,A1,0,2026-03-01,\n"
        "P5,A1,1.00,yesterday,\n"
        "P5,A1,1.00,2026-03-01,\n",
    )
    report = import_payments(engine, tenant_id, path)
    got = [(f.line, f.column, f.message) for f in report.findings]
    assert got == [
        (2, 2, 'account_id: no account "NOPE" in this tenant'),
        (3, 5, "currency: USD differs from the account's CNY"),
        (4, 3, 'amount: "1.5" has more decimals than its currency\'s 0'),
        (5, 3, "amount: a payment must be greater than zero"),
        (6, 4, 'paid_at: "yesterday" is not an ISO 8601 date or date-time'),
        (7, 1, "payment_id: duplicate id, first used on line 6"),
    ]
    assert dump(engine) == before


def test_another_tenants_accounts_are_unknown(engine: Engine, tenant_id: int, write) -> None:
    _seed(engine, tenant_id, write)
    with engine.begin() as conn:
        other = tenancy.create_tenant(conn, "globex", datetime.now(UTC))
    path = write("pay.csv", "payment_id,account_id,amount,paid_at\nP1,A1,1.00,2026-03-01\n")
    report = import_payments(engine, other, path)
    assert [f.message for f in report.findings] == ['account_id: no account "A1" in this tenant']


def test_an_exported_plan_with_outcomes_imports_as_contact_history(
    engine: Engine, tenant_id: int, write
) -> None:
    _seed(engine, tenant_id, write)
    path = write(
        "plan.csv",
        "plan_id,case_id,debtor_id,account_id,channel,scheduled_at,jurisdiction,debtor_timezone,"
        "strategy_version,branch,outcome\n"
        "PL1,C-D1,D1,A1,sms,2026-03-09T02:00:00Z,CN,Asia/Shanghai,1,champion,delivered\n"
        "PL2,C-D2,,A3,call,2026-03-09T14:00:00Z,US-NY,America/New_York,1,challenger,no_answer\n",
    )
    report = import_contacts(engine, tenant_id, path)
    assert report.ok, [f.render() for f in report.findings]
    with engine.connect() as conn:
        rows = {r.contact_id: r for r in conn.execute(select(contact_attempts))}
    assert rows["PL2"].debtor_id == "D2"  # taken from the account
    assert rows["PL1"].plan_id == "PL1"
    assert rows["PL1"].outcome == "delivered"
    assert rows["PL2"].at == datetime(2026, 3, 9, 14, tzinfo=UTC)
    assert rows["PL1"].at.date() == date(2026, 3, 9)


def test_contacts_naming_unknown_or_mismatched_parties_are_rejected(
    engine: Engine, tenant_id: int, write
) -> None:
    _seed(engine, tenant_id, write)
    path = write(
        "c.csv",
        "contact_id,debtor_id,account_id,channel,at,outcome,direction\n"
        "K1,D404,,call,2026-03-09T10:00:00Z,conversation,\n"
        "K2,D2,A1,call,2026-03-09T10:00:00Z,conversation,\n"
        "K3,D1,,pigeon,2026-03-09T10:00:00Z,conversation,\n"
        "K4,D1,,call,2026-03-09T10:00:00Z,shrug,\n"
        "K5,D1,,call,2026-03-09T10:00:00Z,conversation,sideways\n"
        "K6,,,call,2026-03-09T10:00:00Z,conversation,inbound\n",
    )
    report = import_contacts(engine, tenant_id, path)
    assert [(f.line, f.column) for f in report.findings] == [
        (2, 2),
        (3, 3),
        (4, 4),
        (5, 6),
        (6, 7),
        (7, 2),
    ]
    assert not report.committed


def test_contacts_record_their_agent_and_a_file_without_agents_keeps_them(
    engine: Engine, tenant_id: int, write
) -> None:
    _seed(engine, tenant_id, write)
    with_agents = write(
        "c.csv",
        "contact_id,debtor_id,channel,at,outcome,agent\n"
        "K1,D1,call,2026-03-09T10:00:00Z,conversation,agent-7\n"
        "K2,D1,sms,2026-03-09T11:00:00Z,delivered,\n",
    )
    assert import_contacts(engine, tenant_id, with_agents).ok
    without = write(
        "again.csv",
        "contact_id,debtor_id,channel,at,outcome\nK1,D1,call,2026-03-09T10:00:00Z,no_answer\n",
    )
    assert import_contacts(engine, tenant_id, without).ok
    with engine.connect() as conn:
        rows = {r.contact_id: (r.agent, r.outcome) for r in conn.execute(select(contact_attempts))}
    assert rows == {"K1": ("agent-7", "no_answer"), "K2": (None, "delivered")}
    too_long = write(
        "long.csv",
        "contact_id,debtor_id,channel,at,outcome,agent\n"
        f"K3,D1,call,2026-03-09T10:00:00Z,conversation,{'a' * 129}\n",
    )
    report = import_contacts(engine, tenant_id, too_long)
    assert [(f.line, f.column, f.message) for f in report.findings] == [
        (2, 6, "agent: longer than 128 characters")
    ]
