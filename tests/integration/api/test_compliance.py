"""Asking the engine over the API: "may I contact this case now, and if not, when?", and
the ``compliance check`` contract over HTTP. Same answers as the CLI, tenants apart."""

from __future__ import annotations

from typing import Any

from recoverly.domain.roles import Role
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME, NEIGHBOUR_ONLY

CHECK = "/api/v1/cases/{}/contact-check"


def _post(api: Api, path: str, body: Any, role: Role = Role.AGENT) -> Any:
    token = api.tokens[HOME, role]
    return api.client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})


def test_an_open_dispute_blocks_every_contact_with_no_end(api: Api) -> None:
    found = api.ok(CHECK.format("C-A-D1"), role=Role.AGENT, at="2026-03-10T15:00:00Z")
    assert found["decision"] == "block"
    assert found["jurisdiction"] == "US-NY"
    assert [r["rule"] for r in found["reasons"]] == ["12 CFR 1006.38; policy P5"]
    assert found["next_allowed_at"] is None


def test_a_conversation_recorded_over_the_api_starts_the_quiet_week(api: Api) -> None:
    case = CHECK.format("C-A-D3")  # US-CA, in UTC for the seed's purposes
    assert api.ok(case, at="2026-03-11T12:00:00Z")["decision"] == "allow"
    late = api.ok(case, at="2026-03-11T22:00:00Z")
    assert late["decision"] == "block"
    assert late["next_allowed_at"] == "2026-03-12T08:00:00Z"
    talk = {
        "contact_id": "CALL-77",
        "debtor_id": "A-D3",
        "channel": "call",
        "direction": "inbound",
        "outcome": "conversation",
        "at": "2026-03-10T15:00:00Z",
    }
    assert _post(api, "/api/v1/contacts", talk).status_code == 201
    quiet = api.ok(case, at="2026-03-11T12:00:00Z")
    assert quiet["decision"] == "block"
    assert quiet["reasons"][0]["rule"] == "12 CFR 1006.14(b)(2)(i)(B)"
    assert quiet["next_allowed_at"] == "2026-03-17T08:00:00Z"
    # An e-mail is not a call: the quiet week does not stop it.
    assert api.ok(case, channel="email", at="2026-03-11T12:00:00Z")["decision"] == "allow"


def test_another_tenants_case_is_unknown(api: Api) -> None:
    response = api.get(CHECK.format(NEIGHBOUR_ONLY["case_id"]), at="2026-03-10T15:00:00Z")
    assert response.status_code == 404


def test_an_instant_without_offset_is_refused(api: Api) -> None:
    response = api.get(CHECK.format("C-A-D3"), at="2026-03-10T15:00:00")
    assert response.status_code == 422
    assert "offset" in response.text


def test_the_check_contract_over_http(api: Api) -> None:
    body = [
        {
            "id": "c1",
            "jurisdiction": "TH",
            "debtor_timezone": "Asia/Bangkok",
            "channel": "sms",
            "at": "2026-03-07T11:00:00Z",
        },
        {
            "id": "c2",
            "jurisdiction": "US-NY",
            "debtor_timezone": "America/New_York",
            "channel": "email",
            "at": "2026-03-09T15:00:00Z",
        },
    ]
    answer = _post(api, "/api/v1/compliance/check", body, role=Role.READONLY)
    assert answer.status_code == 200, answer.text
    first, second = answer.json()
    assert first["id"] == "c1"
    assert first["decision"] == "block"  # Saturday 18:00 in Bangkok: the weekend window
    assert first["next_allowed_at"] == "2026-03-08T01:00:00Z"
    assert second == {"id": "c2", "decision": "allow", "reasons": [], "next_allowed_at": None}
    bad = _post(api, "/api/v1/compliance/check", [{**body[0], "channel": "fax"}])
    assert bad.status_code == 422
    assert "channel" in bad.text
    assert api.client.post("/api/v1/compliance/check", json=body).status_code == 401
