"""KPIs from a small portfolio whose numbers can be worked out by hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select

from recoverly.analytics.kpis import Period, report
from recoverly.compliance import complaints
from recoverly.domain.complaints import API_SOURCE, Issue, ReceiptChannel
from recoverly.ingest.service import import_contacts, import_payments, import_portfolio
from recoverly.store.repositories import tenancy
from recoverly.store.repositories.complaints import NewComplaint
from recoverly.store.tables import contact_attempts, plan_items
from recoverly.strategy.run import run_day
from tests.integration.ingest.test_portfolio_import import GOOD

DAY1, DAY2 = date(2026, 3, 9), date(2026, 3, 10)
CONTACTS = (
    "contact_id,debtor_id,account_id,channel,direction,at,outcome\n"
    "K1,D1,A1,call,outbound,2026-03-09T03:00:00Z,conversation\n"
    "K2,D1,A1,call,outbound,2026-03-09T04:00:00Z,no_answer\n"
    "K3,D2,A3,call,outbound,2026-03-09T15:00:00Z,promise_to_pay\n"
    "K4,D2,A3,sms,outbound,2026-03-09T15:30:00Z,delivered\n"
)
PAYMENTS = "payment_id,account_id,amount,paid_at\nP1,A3,50.00,2026-03-09T18:00:00Z\n"


def _cycle(engine: Engine, tmp_path: Path) -> int:
    with engine.begin() as conn:
        tenant_id = tenancy.create_tenant(conn, "acme", datetime.now(UTC))
    files = {"p.csv": GOOD, "c.csv": CONTACTS, "pay.csv": PAYMENTS}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert import_portfolio(engine, tenant_id, tmp_path / "p.csv", DAY1).ok
    run_day(engine, tenant_id, DAY1)
    assert import_contacts(engine, tenant_id, tmp_path / "c.csv").ok
    assert import_payments(engine, tenant_id, tmp_path / "pay.csv").ok
    run_day(engine, tenant_id, DAY2)
    return tenant_id


def test_kpis_count_what_happened(engine: Engine, tmp_path: Path) -> None:
    tenant_id = _cycle(engine, tmp_path)
    with engine.connect() as conn:
        result = report(conn, tenant_id, Period(DAY1, DAY2))
    total = result["total"]
    assert result["runs"] == 2
    assert total["contacts"] == 4
    assert total["calls"] == 3
    assert total["right_party_contact_rate"] == round(2 / 3, 4)
    assert total["promise_rate"] == 0.5
    assert total["recovered"] == {"USD": "50.00"}
    assert total["liquidation_rate"]["USD"] == 1.0  # the only USD debt was paid in full
    delinquent = sum(n for b, n in total["opening_cases_by_bucket"].items() if b != "current")
    assert total["cure_rate"] == round(1 / delinquent, 4)
    # Each branch's numbers add up to the total.
    branches = result["branches"].values()
    assert sum(b["contacts"] for b in branches) == total["contacts"]


def test_report_kpis_cli_prints_the_same_json(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    _cycle(engine, tmp_path)
    env = dict(os.environ, RECOVERLY_DATABASE_URL=database_url)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "recoverly"),
            "report",
            "kpis",
            "--tenant",
            "acme",
            "--from",
            "2026-03-09",
            "--as-of",
            "2026-03-10",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["tenant"] == "acme"
    assert printed["total"]["recovered"] == {"USD": "50.00"}


def test_each_templates_complaints_per_1000_messages(engine: Engine, tmp_path: Path) -> None:
    tenant_id = _cycle(engine, tmp_path)
    with engine.begin() as conn:
        item = conn.execute(
            select(plan_items).where(
                plan_items.c.tenant_id == tenant_id, plan_items.c.template.is_not(None)
            )
        ).first()
        assert item is not None
        sent_at = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
        conn.execute(
            insert(contact_attempts).values(
                tenant_id=tenant_id,
                contact_id=item.plan_id,
                debtor_id=item.debtor_id,
                account_id=item.account_id,
                plan_id=item.plan_id,
                channel=item.channel,
                direction="outbound",
                at=sent_at,
                outcome="delivered",
                created_at=sent_at,
            )
        )
        complaint = NewComplaint(
            "CMP-1",
            item.case_id,
            sent_at,
            ReceiptChannel.EMAIL,
            API_SOURCE,
            Issue.COMMUNICATION_TACTICS,
            "Rude.",
            template=item.template,
        )
        complaints.open_complaint(conn, tenant_id, complaint, sent_at)
    with engine.connect() as conn:
        result = report(conn, tenant_id, Period(DAY1, DAY2))
    assert result["templates"][item.template] == {
        "messages": 1,
        "complaints": 1,
        "complaints_per_1000_messages": 1000.0,
    }


AGENT_CONTACTS = (
    "contact_id,debtor_id,account_id,channel,direction,at,outcome,agent\n"
    "K1,D1,A1,call,outbound,2026-03-09T03:00:00Z,conversation,agent-a\n"
    "K2,D1,,call,outbound,2026-03-09T05:00:00Z,no_answer,agent-b\n"
    "K3,D2,A3,call,outbound,2026-03-09T15:00:00Z,conversation,agent-a\n"
    "K4,D2,A3,sms,outbound,2026-03-09T16:00:00Z,delivered,\n"
    "K5,D3,A4,call,inbound,2026-03-09T09:00:00Z,conversation,agent-b\n"
    "K6,D3,A4,call,outbound,2026-03-10T12:00:00Z,conversation,agent-a\n"
)


def _agent_complaints(engine: Engine, tenant_id: int, tmp_path: Path) -> None:
    """Four complaints, attributed (by the rule in docs/kpis.md) as the comments say."""
    (tmp_path / "p.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "k.csv").write_text(AGENT_CONTACTS, encoding="utf-8")
    assert import_portfolio(engine, tenant_id, tmp_path / "p.csv", DAY1).ok
    assert import_contacts(engine, tenant_id, tmp_path / "k.csv").ok
    taken = [
        # No agent named: D1's last agent contact before 06:00 was K2, agent-b's.
        ("X1", "C-D1", datetime(2026, 3, 9, 6, 0, tzinfo=UTC), None),
        # Names agent-c, who made no contact in the period.
        ("X2", "C-D2", datetime(2026, 3, 9, 17, 0, tzinfo=UTC), "agent-c"),
        # D3's agent contact before 10:00 on the 10th is K5 (agent-b); K6 came after.
        ("X3", "C-D3", datetime(2026, 3, 10, 10, 0, tzinfo=UTC), None),
        # No agent had spoken to D2 before 14:00: nobody's.
        ("X4", "C-D2", datetime(2026, 3, 9, 14, 0, tzinfo=UTC), None),
    ]
    with engine.begin() as conn:
        for complaint_id, case_id, received, agent in taken:
            new = NewComplaint(
                complaint_id,
                case_id,
                received,
                ReceiptChannel.PHONE,
                API_SOURCE,
                Issue.COMMUNICATION_TACTICS,
                "Rude.",
                agent=agent,
            )
            complaints.open_complaint(conn, tenant_id, new, received)


def test_complaints_per_1000_contacts_by_agent(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        acme = tenancy.create_tenant(conn, "acme", datetime.now(UTC))
        globex = tenancy.create_tenant(conn, "globex", datetime.now(UTC))
    _agent_complaints(engine, acme, tmp_path)
    # Another tenant's agents share the names; none of its contacts or complaints count.
    _agent_complaints(engine, globex, tmp_path)
    with engine.begin() as conn:
        extra = NewComplaint(
            "X9",
            "C-D1",
            datetime(2026, 3, 10, 8, 0, tzinfo=UTC),
            ReceiptChannel.EMAIL,
            API_SOURCE,
            Issue.COMMUNICATION_TACTICS,
            "Rude again.",
        )
        complaints.open_complaint(conn, globex, extra, datetime.now(UTC))
    with engine.connect() as conn:
        result = report(conn, acme, Period(DAY1, DAY2))
    assert result["agents"] == {
        "agent-a": {"contacts": 3, "complaints": 0, "complaints_per_1000_contacts": 0.0},
        "agent-b": {"contacts": 2, "complaints": 2, "complaints_per_1000_contacts": 1000.0},
        "agent-c": {"contacts": 0, "complaints": 1, "complaints_per_1000_contacts": None},
    }
    assert result["total"]["complaints"] == 4  # X4 counts in total though nobody's
    with engine.connect() as conn:
        theirs = report(conn, globex, Period(DAY1, DAY2))
    assert theirs["agents"]["agent-b"]["complaints"] == 3
