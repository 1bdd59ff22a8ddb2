"""A data subject's rights over the API: the export of everything held about them, and
erasure, refused with 409 naming each hold while one applies; officers only; tenants
apart."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select, update

from recoverly.domain.roles import Role
from recoverly.store.tables import cases, erasures
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME, NEIGHBOUR, NOW

API = "/api/v1"


def _erase(api: Api, debtor_id: str, role: Role = Role.COMPLIANCE, tenant: str = HOME) -> Any:
    token = api.tokens[tenant, role]
    return api.client.post(
        f"{API}/debtors/{debtor_id}/erasure",
        json={"reason": "the debtor's letter of 2 March"},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_export_holds_the_person_and_is_an_audited_read(api: Api) -> None:
    body = api.ok(f"{API}/debtors/A-D1/personal-data", role=Role.COMPLIANCE)
    records = body["records"]
    assert records["debtors"][0]["name"] == "Alice Archer"
    assert records["debtors"][0]["national_id"] == "123456789"
    assert {p["value"] for p in records["contact_points"]} == {
        "+12125550101",
        "alice@example.com",
        "1 Main St, Albany NY",
    }
    assert [a["account_id"] for a in records["accounts"]] == ["A-AC1", "A-AC2"]
    assert [p["payment_id"] for p in records["payments"]] == ["A-P1", "A-P2"]
    assert [h["kind"] for h in records["holds"]] == ["dispute"]
    assert len(records["contact_attempts"]) == 3
    assert body["retention"]["jurisdiction"] == "US"
    (read,) = api.ok(f"{API}/audit/personal-data-reads", debtor_id="A-D1")["items"]
    assert read["purpose"] == "subject-access"
    assert read["via"] == "GET /api/v1/debtors/{debtor_id}/personal-data"
    assert read["fields"] == ["name", "national_id", "phone", "email", "address"]


def test_only_admins_and_compliance_officers_export_or_erase(api: Api) -> None:
    for role in (Role.AGENT, Role.SUPERVISOR, Role.READONLY):
        assert api.get(f"{API}/debtors/A-D1/personal-data", role=role).status_code == 403
        assert _erase(api, "A-D3", role).status_code == 403
    assert api.get(f"{API}/debtors/A-D1/personal-data", role=Role.ADMIN).status_code == 200


def test_a_held_debtor_is_refused_with_409_naming_each_hold_and_the_request_kept(
    api: Api, engine: Engine
) -> None:
    refused = _erase(api, "A-D1")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "privacy.erasure.legal_hold"
    assert "open_case C-A-D1" in error["message"]
    assert "dispute on C-A-D1" in error["message"]
    assert api.ok(f"{API}/debtors/A-D1")["name"] == "Alice Archer"
    with engine.connect() as conn:
        (row,) = conn.execute(select(erasures)).all()
    assert (row.debtor_id, row.outcome, row.trigger) == ("A-D1", "refused", "request")
    assert [h["ground"] for h in row.holds] == ["open_case", "hold"]


def test_a_debtor_free_of_holds_is_erased(api: Api, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(cases).where(cases.c.case_id == "C-A-D3").values(closed_at=NOW))
    done = _erase(api, "A-D3")
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["outcome"] == "erased"
    assert body["pseudonym"].startswith("erased:")
    debtor = api.ok(f"{API}/debtors/A-D3")
    assert debtor["name"] == body["pseudonym"]
    assert debtor["contact_points"] == []


def test_another_tenants_debtor_cannot_be_erased_or_exported(api: Api) -> None:
    theirs, missing = _erase(api, "B-D1"), _erase(api, "NO-SUCH-ID")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text.replace("B-D1", "NO-SUCH-ID") == missing.text
    assert api.get(f"{API}/debtors/B-D1/personal-data").status_code == 404
    bob = api.ok(f"{API}/debtors/B-D1", tenant=NEIGHBOUR)
    assert bob["name"] == "Bob Baker"
