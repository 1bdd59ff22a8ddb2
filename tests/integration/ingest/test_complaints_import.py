"""Complaints imported from a file: each taken in as the API takes one (its case held,
its jurisdiction's clock started, an issue suggested when none is given), once however
often the file is imported, and never when any row is wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, select

from recoverly.domain.complaints import imported_complaint_id
from recoverly.ingest.service import import_complaints, import_portfolio
from recoverly.store.repositories import tenancy
from recoverly.store.tables import cases, complaints, holds
from tests.integration.ingest.conftest import dump
from tests.integration.ingest.test_portfolio_import import AS_OF, GOOD

HEADER = "external_reference,case_id,debtor_id,received_at,channel,issue,text,agent\n"
# C-D2 is John Doe's case in New York (the US clock: 15 and 60 days); D1 is Li Wei in
# China (no clock encoded: Recoverly's 5 and 30 days).
FILE = (
    HEADER
    + "CFPB-1,C-D2,,2026-03-05T14:12:00Z,regulator,Communication tactics,"
    + '"They called me at work, three times.",agent-7\n'
    + "CFPB-2,,D1,2026-03-06,phone,,"
    + "This debt is not mine. I paid it off and have the bank statement.,\n"
    + ",C-D2,,2026-03-07T09:30:00-05:00,letter,false_statements_or_representation,"
    + "The letter said a court case had started.,\n"
)


def _seed(engine: Engine, tenant_id: int, write) -> None:
    assert import_portfolio(engine, tenant_id, write("p.csv", GOOD), AS_OF).ok


def _complaints(engine: Engine, tenant_id: int) -> dict[str, object]:
    with engine.connect() as conn:
        rows = conn.execute(select(complaints).where(complaints.c.tenant_id == tenant_id)).all()
    return {r.external_reference or r.complaint_id: r for r in rows}


def test_each_row_is_taken_in_on_its_jurisdictions_clock_and_holds_its_case(
    engine: Engine, tenant_id: int, write
) -> None:
    _seed(engine, tenant_id, write)
    report = import_complaints(engine, tenant_id, write("c.csv", FILE), "cfpb")
    assert report.ok, [f.render() for f in report.findings]
    assert report.rows_imported == 3
    found = _complaints(engine, tenant_id)
    work = found["CFPB-1"]
    received = datetime(2026, 3, 5, 14, 12, tzinfo=UTC)
    assert (work.case_id, work.jurisdiction, work.source) == ("C-D2", "US-NY", "cfpb")
    assert (work.channel, work.issue, work.agent) == (
        "regulator",
        "communication_tactics",
        "agent-7",
    )
    assert work.acknowledge_by == received + timedelta(days=15)
    assert work.respond_by == received + timedelta(days=60)
    assert work.suggested_issue is None  # it came classified
    assert work.complaint_id == imported_complaint_id("cfpb", "CFPB-1")
    # Named by its debtor: the debtor's one case; no issue given, so one is suggested.
    not_mine = found["CFPB-2"]
    assert (not_mine.case_id, not_mine.jurisdiction) == ("C-D1", "CN")
    assert not_mine.respond_by == datetime(2026, 3, 6, tzinfo=UTC) + timedelta(days=30)
    assert not_mine.issue == "unclassified"
    assert not_mine.suggested_issue == "attempts_to_collect_debt_not_owed"
    assert 0 < not_mine.suggestion_probability <= 1
    (letter,) = [r for r in found.values() if r.external_reference is None]
    assert letter.received_at == datetime(2026, 3, 7, 14, 30, tzinfo=UTC)
    with engine.connect() as conn:
        held = conn.execute(
            select(holds.c.case_id, holds.c.kind, holds.c.starts_at, holds.c.ends_at)
            .where(holds.c.tenant_id == tenant_id)
            .order_by(holds.c.starts_at)
        ).all()
    assert [(h.case_id, h.kind, h.ends_at) for h in held] == [
        ("C-D2", "complaint", None),
        ("C-D1", "complaint", None),
        ("C-D2", "complaint", None),
    ]
    assert held[0].starts_at == received


def test_importing_the_file_again_adds_nothing(engine: Engine, tenant_id: int, write) -> None:
    _seed(engine, tenant_id, write)
    path = write("c.csv", FILE)
    assert import_complaints(engine, tenant_id, path, "cfpb").ok
    before = dump(engine)
    again = import_complaints(engine, tenant_id, path, "cfpb")
    assert again.ok
    after = dump(engine)
    assert after["complaints"] == before["complaints"]
    assert after["holds"] == before["holds"]
    # A reference belongs to its source: another system's CFPB-1 is another complaint.
    assert import_complaints(engine, tenant_id, path, "ombudsman").ok
    assert len(dump(engine)["complaints"]) == 6


def test_a_bad_row_is_named_by_line_and_column_and_nothing_is_written(
    engine: Engine, tenant_id: int, write
) -> None:
    _seed(engine, tenant_id, write)
    before = dump(engine)
    path = write(
        "bad.csv",
        FILE
        + "R4,C-D404,,2026-03-05,phone,,Rude.,\n"
        + "R5,,D404,2026-03-05,phone,,Rude.,\n"
        + "R6,C-D1,D2,2026-03-05,phone,,Rude.,\n"
        + "R7,,,2026-03-05,phone,,Rude.,\n"
        + "R8,C-D1,,last tuesday,phone,,Rude.,\n"
        + "R9,C-D1,,2999-01-01,phone,,Rude.,\n"
        + "R10,C-D1,,2026-03-05,pigeon,,Rude.,\n"
        + "R11,C-D1,,2026-03-05,phone,rudeness,Rude.,\n"
        + "R12,C-D1,,2026-03-05,phone,,,\n"
        + "CFPB-1,C-D1,,2026-03-05,phone,,Rude.,\n",
    )
    report = import_complaints(engine, tenant_id, path, "cfpb")
    got = [(f.line, f.column, f.message) for f in report.findings]
    assert got == [
        (5, 2, 'case_id: no case "C-D404" in this tenant'),
        (6, 3, 'debtor_id: no debtor "D404" in this tenant'),
        (7, 2, 'case_id: "C-D1" belongs to another debtor'),
        (8, 2, "case_id: required when there is no debtor_id"),
        (9, 4, 'received_at: "last tuesday" is not an ISO 8601 date or date-time'),
        (10, 4, 'received_at: "2999-01-01" is in the future'),
        (
            11,
            5,
            'channel: "pigeon" is not a channel of receipt such as phone, email, '
            "letter or regulator",
        ),
        (
            12,
            6,
            'issue: "rudeness" is not a CFPB debt-collection issue such as '
            "communication_tactics (or the CFPB's name, Communication tactics)",
        ),
        (13, 7, "text: required but empty"),
        (14, 1, "external_reference: duplicate id, first used on line 2"),
    ]
    assert not report.committed
    assert dump(engine) == before


def test_a_debtor_stands_for_their_case_only_when_it_is_the_one_open(
    engine: Engine, tenant_id: int, write
) -> None:
    _seed(engine, tenant_id, write)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for case_id, closed_at in (("C-D1-old", now), ("C-D2-b", None)):
            debtor = "D1" if case_id == "C-D1-old" else "D2"
            conn.execute(
                insert(cases).values(
                    tenant_id=tenant_id,
                    case_id=case_id,
                    debtor_id=debtor,
                    stage="digital",
                    opened_at=now,
                    closed_at=closed_at,
                )
            )
    path = write(
        "c.csv",
        HEADER
        + "K1,,D1,2026-03-05,phone,,Rude.,\n"  # one open case and one closed: the open one
        + "K2,,D2,2026-03-05,phone,,Rude.,\n",  # two open cases: which one?
    )
    report = import_complaints(engine, tenant_id, path, "crm")
    assert [(f.line, f.column, f.message) for f in report.findings] == [
        (3, 3, 'debtor_id: "D2" has 2 cases; name one in case_id')
    ]
    one = write("one.csv", HEADER + "K1,,D1,2026-03-05,phone,,Rude.,\n")
    assert import_complaints(engine, tenant_id, one, "crm").ok
    assert _complaints(engine, tenant_id)["K1"].case_id == "C-D1"


def test_another_tenants_cases_and_debtors_are_unknown(
    engine: Engine, tenant_id: int, write
) -> None:
    _seed(engine, tenant_id, write)
    with engine.begin() as conn:
        other = tenancy.create_tenant(conn, "globex", datetime.now(UTC))
    report = import_complaints(engine, other, write("c.csv", FILE), "cfpb")
    assert [f.message for f in report.findings] == [
        'case_id: no case "C-D2" in this tenant',
        'debtor_id: no debtor "D1" in this tenant',
        'case_id: no case "C-D2" in this tenant',
    ]
    assert _complaints(engine, other) == {}
