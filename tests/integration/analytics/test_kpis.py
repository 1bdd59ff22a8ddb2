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
