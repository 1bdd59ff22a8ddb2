"""Complaints in a closed loop over the API: taken in on the jurisdiction's clock, the
case held while they are reviewed, answered, closed with a root cause, hold lifted."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from recoverly.domain.complaints import imported_complaint_id
from recoverly.domain.roles import Role
from recoverly.ingest.service import import_complaints
from recoverly.store.repositories import tenancy
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME, NEIGHBOUR_ONLY

# The API's clock is the real one: the complaint came in yesterday, checks are tomorrow.
TODAY = datetime.now(UTC).date()
RECEIVED = datetime.combine(TODAY - timedelta(days=1), time(10, 0), tzinfo=UTC)
TOMORROW_NOON = datetime.combine(TODAY + timedelta(days=1), time(12, 0), tzinfo=UTC)
COMPLAINT = {
    "complaint_id": "CMP-9",
    "case_id": "C-A-D3",
    "channel": "phone",
    "received_at": RECEIVED.isoformat(),
    "issue": "communication_tactics",
    "text": "They called me three times a day.",
    "agent": "agent-7",
}


def _post(api: Api, path: str, body: Any, role: Role = Role.AGENT) -> Any:
    token = api.tokens[HOME, role]
    return api.client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})


def _check(api: Api) -> dict[str, Any]:
    found: dict[str, Any] = api.ok(
        "/api/v1/cases/C-A-D3/contact-check", channel="email", at=TOMORROW_NOON.isoformat()
    )
    return found


def test_a_complaint_holds_the_case_until_it_is_closed(api: Api) -> None:
    assert _check(api)["decision"] == "allow"
    taken = _post(api, "/api/v1/complaints", COMPLAINT)
    assert taken.status_code == 201, taken.text
    body = taken.json()
    assert body["status"] == "received"
    assert body["jurisdiction"] == "US-CA"
    # The US clock: acknowledge in 15 days, answer in 60.
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    assert body["acknowledge_by"] == (RECEIVED + timedelta(days=15)).strftime(stamp)
    assert body["respond_by"] == (RECEIVED + timedelta(days=60)).strftime(stamp)
    held = _check(api)
    assert held["decision"] == "block"
    assert held["reasons"][0]["message"] == "a complaint about this case is under review"
    answered = _post(
        api, "/api/v1/complaints/CMP-9/response", {"text": "We are sorry."}, Role.SUPERVISOR
    )
    assert answered.json()["status"] == "responded"
    assert _check(api)["decision"] == "block"  # answered is not closed
    closure = {"root_cause": "dialler retried too often", "resolution": "capped", "upheld": True}
    closed = _post(api, "/api/v1/complaints/CMP-9/closure", closure, Role.COMPLIANCE)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["upheld"] is True
    # The hold ended when the complaint closed: contacts from then on are allowed.
    assert _check(api)["decision"] == "allow"
    again = _post(api, "/api/v1/complaints/CMP-9/closure", closure, Role.COMPLIANCE)
    assert again.status_code == 403


def test_taking_the_same_complaint_twice_records_it_once(api: Api) -> None:
    assert _post(api, "/api/v1/complaints", COMPLAINT).status_code == 201
    assert _post(api, "/api/v1/complaints", COMPLAINT).status_code == 200
    listed = api.ok("/api/v1/complaints", role=Role.SUPERVISOR)
    assert [c["complaint_id"] for c in listed["items"]].count("CMP-9") == 1


def test_each_jurisdiction_runs_its_own_clock_and_overdue_ones_show(api: Api) -> None:
    # The seed's complaint on a French debtor (no clock encoded: the default 30 days),
    # received in 2020, is long overdue.
    seeded = api.ok("/api/v1/complaints/CMP-A4", role=Role.COMPLIANCE)
    assert seeded["jurisdiction"] == "FR"
    assert seeded["respond_by"] == "2020-01-31T00:00:00Z"
    assert seeded["overdue"] is True
    assert _post(api, "/api/v1/complaints", COMPLAINT).status_code == 201
    overdue = api.ok("/api/v1/complaints", role=Role.COMPLIANCE, overdue="true")
    assert [c["complaint_id"] for c in overdue["items"]] == ["CMP-A4"]


def test_roles_take_in_answer_and_read_as_their_job_needs(api: Api) -> None:
    assert _post(api, "/api/v1/complaints", COMPLAINT, Role.READONLY).status_code == 403
    assert _post(api, "/api/v1/complaints", COMPLAINT, Role.AGENT).status_code == 201
    assert api.get("/api/v1/complaints", role=Role.AGENT).status_code == 403
    refused = _post(api, "/api/v1/complaints/CMP-9/response", {"text": "x"}, Role.AGENT)
    assert refused.status_code == 403


def test_another_tenants_case_or_complaint_is_unknown(api: Api) -> None:
    theirs = {**COMPLAINT, "case_id": NEIGHBOUR_ONLY["case_id"]}
    assert _post(api, "/api/v1/complaints", theirs).status_code == 404
    path = f"/api/v1/complaints/{NEIGHBOUR_ONLY['complaint_id']}"
    answer = _post(api, path + "/response", {"text": "x"}, Role.ADMIN)
    assert answer.status_code == 404
    closure = {"root_cause": "x", "resolution": "y", "upheld": False}
    assert _post(api, path + "/closure", closure, Role.ADMIN).status_code == 404


def test_the_kpi_report_counts_complaints_received(api: Api) -> None:
    assert _post(api, "/api/v1/complaints", COMPLAINT).status_code == 201
    report = api.ok(
        "/api/v1/reports/kpis",
        role=Role.SUPERVISOR,
        as_of=TODAY.isoformat(),
        **{"from": (TODAY - timedelta(days=29)).isoformat()},
    )
    assert report["total"]["complaints"] == 1  # the seed's 2020 complaint is outside
    # It names agent-7, who made no contact in the period: a complaint, no rate.
    assert report["agents"] == {
        "agent-7": {"contacts": 0, "complaints": 1, "complaints_per_1000_contacts": None}
    }


def test_an_unclassified_complaint_gets_a_suggested_issue_the_reviewer_settles(api: Api) -> None:
    body = {
        **COMPLAINT,
        "complaint_id": "CMP-10",
        "text": "This debt is not mine. I paid it off in 2019 and have the bank statement.",
    }
    del body["issue"]
    taken = _post(api, "/api/v1/complaints", body).json()
    assert taken["issue"] == "unclassified"
    assert taken["suggested_issue"] not in (None, "unclassified")
    assert 0 < taken["suggestion_probability"] <= 1
    closure = {
        "root_cause": "paid",
        "resolution": "closed",
        "upheld": True,
        "issue": "attempts_to_collect_debt_not_owed",
    }
    closed = _post(api, "/api/v1/complaints/CMP-10/closure", closure, Role.COMPLIANCE).json()
    assert closed["issue"] == "attempts_to_collect_debt_not_owed"


def test_a_template_that_draws_upheld_complaints_is_paused_until_resumed(api: Api) -> None:
    closure = {"root_cause": "tone", "resolution": "apologised", "upheld": True}
    for n in range(3):
        body = {**COMPLAINT, "complaint_id": f"CMP-T{n}", "template": "final_notice"}
        assert _post(api, "/api/v1/complaints", body).status_code == 201
        path = f"/api/v1/complaints/CMP-T{n}/closure"
        assert _post(api, path, closure, Role.COMPLIANCE).status_code == 200
        paused = api.ok("/api/v1/template-pauses", role=Role.SUPERVISOR)["templates"]
        assert [p["template"] for p in paused] == ([] if n < 2 else ["final_notice"])
    assert paused[0]["reason"] == "3 upheld complaints in 30 days"
    resumed = _post(api, "/api/v1/template-pauses/final_notice/resume", {}, Role.SUPERVISOR)
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["templates"] == []
    # A resumed template starts again from zero: one more upheld complaint does not pause it.
    body = {**COMPLAINT, "complaint_id": "CMP-T9", "template": "final_notice"}
    _post(api, "/api/v1/complaints", body)
    _post(api, "/api/v1/complaints/CMP-T9/closure", closure, Role.COMPLIANCE)
    assert api.ok("/api/v1/template-pauses", role=Role.SUPERVISOR)["templates"] == []
    missing = _post(api, "/api/v1/template-pauses/final_notice/resume", {}, Role.SUPERVISOR)
    assert missing.status_code == 404
    assert _post(api, "/api/v1/template-pauses/x/resume", {}, Role.AGENT).status_code == 403


def test_the_kpi_report_gives_each_templates_complaints(api: Api) -> None:
    body = {**COMPLAINT, "complaint_id": "CMP-20", "template": "final_notice"}
    assert _post(api, "/api/v1/complaints", body).status_code == 201
    report = api.ok(
        "/api/v1/reports/kpis",
        role=Role.SUPERVISOR,
        as_of=TODAY.isoformat(),
        **{"from": (TODAY - timedelta(days=29)).isoformat()},
    )
    # No message of that template went out in the period: the rate has no denominator.
    assert report["templates"]["final_notice"] == {
        "messages": 0,
        "complaints": 1,
        "complaints_per_1000_messages": None,
    }


def test_an_imported_complaint_is_taken_in_exactly_as_one_sent_to_the_api(
    api: Api, engine: Engine, tmp_path: Path
) -> None:
    assert _check(api)["decision"] == "allow"
    path = tmp_path / "complaints.csv"
    path.write_text(
        "external_reference,case_id,received_at,channel,issue,text,agent\n"
        f"CFPB-77,C-A-D3,{RECEIVED.isoformat()},phone,communication_tactics,"
        "They called me three times a day.,agent-7\n",
        encoding="utf-8",
    )
    with engine.connect() as conn:
        home = tenancy.tenant_id(conn, HOME)
    assert import_complaints(engine, home, path, "cfpb").ok
    # The case is held, as a complaint sent to the API holds it.
    held = _check(api)
    assert held["decision"] == "block"
    assert held["reasons"][0]["message"] == "a complaint about this case is under review"
    imported_id = imported_complaint_id("cfpb", "CFPB-77")
    imported = api.ok(f"/api/v1/complaints/{imported_id}", role=Role.COMPLIANCE)
    assert _post(api, "/api/v1/complaints", COMPLAINT).status_code == 201
    posted = api.ok("/api/v1/complaints/CMP-9", role=Role.COMPLIANCE)
    differs = {k for k in posted if posted[k] != imported[k]}
    assert differs == {"complaint_id", "source", "external_reference"}
    assert (imported["source"], imported["external_reference"]) == ("cfpb", "CFPB-77")
    assert posted["source"] == "api"
    # Closing the imported one leaves the API one's hold: the case stays held.
    closure = {"root_cause": "dialler", "resolution": "capped", "upheld": True}
    closed = _post(api, f"/api/v1/complaints/{imported_id}/closure", closure, Role.COMPLIANCE)
    assert closed.status_code == 200
    assert _check(api)["decision"] == "block"
