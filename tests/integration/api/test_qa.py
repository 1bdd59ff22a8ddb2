"""Conversation QA over the API: notes screened as they are saved, alerts queued once for
review, reviewed out, and an agent with repeated serious alerts flagged to supervisors."""

from __future__ import annotations

from typing import Any

from recoverly.domain.roles import Role
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME, NEIGHBOUR

NOTE = {
    "text_id": "NOTE-1",
    "kind": "note",
    "text": "Told him he would go to jail if he did not pay.",
    "case_id": "C-A-D1",
    "agent": "agent-7",
}


def _post(api: Api, path: str, body: Any, role: Role = Role.AGENT, tenant: str = HOME) -> Any:
    token = api.tokens[tenant, role]
    return api.client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})


def test_a_note_is_screened_and_its_alert_queued_once(api: Api) -> None:
    first = _post(api, "/api/v1/qa/texts", NOTE)
    assert first.status_code == 200, first.text
    assert [a["rule"] for a in first.json()["alerts"]] == ["qa.threat_arrest"]
    assert first.json()["alerts"][0]["text"] == "go to jail"
    assert _post(api, "/api/v1/qa/texts", NOTE).status_code == 200  # saved again
    queue = api.ok("/api/v1/qa/alerts", role=Role.COMPLIANCE, status="open")
    assert queue["total"] == 1
    (alert,) = queue["items"]
    assert (alert["source_id"], alert["agent"], alert["excerpt"]) == (
        "NOTE-1",
        "agent-7",
        "go to jail",
    )


def test_a_clean_note_queues_nothing(api: Api) -> None:
    clean = {**NOTE, "text_id": "NOTE-2", "text": "Agreed a plan of 6 payments of $40."}
    assert _post(api, "/api/v1/qa/texts", clean).json()["alerts"] == []
    assert api.ok("/api/v1/qa/alerts", role=Role.COMPLIANCE)["total"] == 0


def test_repeated_serious_alerts_warn_the_supervisor_and_dismissals_do_not_count(api: Api) -> None:
    for n in range(1, 4):
        answer = _post(api, "/api/v1/qa/texts", {**NOTE, "text_id": f"NOTE-{n}"}).json()
    assert answer["agent_warning"] is True
    watch = api.ok("/api/v1/qa/agents", role=Role.SUPERVISOR)
    assert watch["agents"] == [{"agent": "agent-7", "high_alerts": 3, "warning": True}]
    queue = api.ok("/api/v1/qa/alerts", role=Role.SUPERVISOR, agent="agent-7")["items"]
    dismissed = _post(
        api,
        f"/api/v1/qa/alerts/{queue[0]['id']}/review",
        {"outcome": "dismissed", "note": "quoting the debtor"},
        Role.COMPLIANCE,
    )
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["status"] == "dismissed"
    watch = api.ok("/api/v1/qa/agents", role=Role.SUPERVISOR)
    assert watch["agents"] == [{"agent": "agent-7", "high_alerts": 2, "warning": False}]
    again = _post(
        api, f"/api/v1/qa/alerts/{queue[0]['id']}/review", {"outcome": "confirmed"}, Role.COMPLIANCE
    )
    assert again.status_code == 403


def test_agents_screen_but_do_not_review(api: Api) -> None:
    assert _post(api, "/api/v1/qa/texts", NOTE, Role.READONLY).status_code == 403
    assert api.get("/api/v1/qa/alerts", role=Role.AGENT).status_code == 403
    assert api.get("/api/v1/qa/agents", role=Role.AGENT).status_code == 403


def test_the_queue_is_the_tenants_own(api: Api) -> None:
    assert _post(api, "/api/v1/qa/texts", NOTE, tenant=NEIGHBOUR).status_code == 200
    theirs = api.ok("/api/v1/qa/alerts", tenant=NEIGHBOUR, role=Role.ADMIN)["items"]
    assert len(theirs) == 1
    assert api.ok("/api/v1/qa/alerts", role=Role.ADMIN)["total"] == 0
    review = _post(
        api, f"/api/v1/qa/alerts/{theirs[0]['id']}/review", {"outcome": "confirmed"}, Role.ADMIN
    )
    assert review.status_code == 404
