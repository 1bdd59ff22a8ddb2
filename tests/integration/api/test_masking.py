"""Personal data arrives masked or in clear exactly as ``domain.roles`` says for the role."""

from __future__ import annotations

import json

from recoverly.domain.roles import Role
from tests.integration.api.conftest import Api

ALICE = "/api/v1/debtors/A-D1"
PHONE, EMAIL, ADDRESS, NATIONAL_ID = (
    "+12125550101",
    "alice@example.com",
    "1 Main St, Albany NY",
    "123456789",
)


def points(body: dict[str, object]) -> dict[str, tuple[str, bool]]:
    return {p["kind"]: (p["value"], p["masked"]) for p in body["contact_points"]}  # type: ignore[attr-defined]


def test_readonly_sees_every_personal_field_masked(api: Api) -> None:
    body = api.ok(ALICE, role=Role.READONLY)
    assert points(body) == {
        "phone": ("**********01", True),
        "email": ("a***@example.com", True),
        "address": ("***", True),
    }
    assert body["national_id"] == "*******89"
    text = json.dumps(body)
    for secret in (PHONE, EMAIL, ADDRESS, NATIONAL_ID):
        assert secret not in text


def test_admin_sees_everything_in_clear(api: Api) -> None:
    body = api.ok(ALICE, role=Role.ADMIN)
    assert points(body) == {
        "phone": (PHONE, False),
        "email": (EMAIL, False),
        "address": (ADDRESS, False),
    }
    assert body["national_id"] == NATIONAL_ID


def test_agents_reach_debtors_but_do_not_see_national_ids(api: Api) -> None:
    for role in (Role.AGENT, Role.SUPERVISOR):
        body = api.ok(ALICE, role=role)
        assert points(body)["phone"] == (PHONE, False)
        assert body["national_id"] == "*******89"


def test_compliance_sees_national_ids(api: Api) -> None:
    assert api.ok(ALICE, role=Role.COMPLIANCE)["national_id"] == NATIONAL_ID


def test_listings_mask_too(api: Api) -> None:
    listed = api.ok("/api/v1/debtors", role=Role.AGENT)["items"][0]
    assert listed["national_id"] == "*******89"
    case = api.ok("/api/v1/cases/C-A-D1", role=Role.READONLY)
    assert NATIONAL_ID not in json.dumps(case)


def test_readonly_sees_people_by_initials_and_companies_by_name(api: Api) -> None:
    assert api.ok(ALICE, role=Role.READONLY)["name"] == "A*** A***"
    assert api.ok(ALICE, role=Role.AGENT)["name"] == "Alice Archer"
    assert api.ok("/api/v1/debtors/A-D2", role=Role.READONLY)["name"] == "Acme Widgets LLC"
    case = api.ok("/api/v1/cases/C-A-D1", role=Role.READONLY)
    assert case["debtor"]["name"] == "A*** A***"
    assert "Alice" not in json.dumps(api.ok("/api/v1/debtors", role=Role.READONLY))


def test_a_role_that_sees_names_masked_may_not_search_by_name(api: Api) -> None:
    refused = api.get("/api/v1/debtors", role=Role.READONLY, q="Ali")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "access.not_permitted"
    found = api.ok("/api/v1/debtors", role=Role.AGENT, q="Ali")
    assert [d["debtor_id"] for d in found["items"]] == ["A-D1"]
