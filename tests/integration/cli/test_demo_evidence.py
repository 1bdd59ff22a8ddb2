"""A few days of ``recoverly demo`` leave every kind of evidence entry, through real paths.

The demo is the small picture of a collections operation: the daily run, the dispatcher,
receipts, an agent at the desk, debtors who pay, promise, dispute, text STOP and START and
complain, a supervisor and a back office. Each kind of ``EvidenceKind`` has a producer in
that picture; a kind added later without one fails here until it is given one or excused
below with the reason.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from recoverly.domain.evidence import EvidenceKind
from recoverly.evidence.audit import audit
from recoverly.store import session
from recoverly.store.tables import evidence_entries, personal_data_reads
from tests.integration.cli.test_import_cli import cli

# Kinds a short demo cannot show, and why; each has its own tests elsewhere.
EXCUSED = {
    EvidenceKind.PROMISE_BROKEN: "a promise falls due 1-7 days after it is made and is "
    "broken only after a grace day: a cycle short enough for a test ends first "
    "(tests/integration/ingest/test_arrangements_import.py)",
}


def test_a_four_day_demo_logs_every_kind_of_event(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    done = cli(
        url, "demo", "--accounts", "300", "--days", "4", "--seed", "3",
        "--workdir", str(tmp_path / "demo"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Desk, texts back, complaints and back office" in done.stdout
    engine = session.open_engine(url)
    try:
        with engine.connect() as conn:
            kinds = dict(
                conn.execute(
                    select(evidence_entries.c.kind, func.count()).group_by(evidence_entries.c.kind)
                ).all()
            )
            agent_reads = conn.execute(
                select(func.count()).where(
                    personal_data_reads.c.actor == "demo-agent",
                    personal_data_reads.c.purpose == "call",
                )
            ).scalar_one()
            report = audit(conn)
    finally:
        session.dispose(url)
    missing = [k.value for k in EvidenceKind if k not in EXCUSED and not kinds.get(k.value)]
    assert missing == []
    assert report.ok, report
    # Every number the agent was shown is in the audit trail and in the log, once each.
    assert agent_reads == kinds[EvidenceKind.DATA_ACCESS.value] > 0
