"""Every answer that shows a person's data in clear is in the audit trail first: who,
which fields, when, why and how; masked answers are not reads; tenants stay apart."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from recoverly.domain.roles import Role
from recoverly.store.tables import personal_data_reads
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME, NEIGHBOUR

READS = "/api/v1/audit/personal-data-reads"


def _reads(api: Api, role: Role = Role.COMPLIANCE, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.ok(READS, role=role, **params)["items"]
    return items


def test_an_agent_reading_a_debtor_is_recorded_with_fields_and_purpose(api: Api) -> None:
    token = api.tokens[HOME, Role.AGENT]
    shown = api.client.get(
        "/api/v1/debtors/A-D1",
        headers={"Authorization": f"Bearer {token}", "X-Recoverly-Purpose": "hardship-review"},
    )
    assert shown.status_code == 200
    (read,) = _reads(api, debtor_id="A-D1")
    # Agents see names and contact points in clear, not national ids.
    assert read["fields"] == ["name", "phone", "email", "address"]
    assert read["role"] == "agent"
    assert read["purpose"] == "hardship-review"
    assert read["via"] == "GET /api/v1/debtors/{debtor_id}"
    assert read["actor"]


def test_listings_record_each_person_shown_but_not_companies(api: Api) -> None:
    listed = api.ok("/api/v1/cases", role=Role.SUPERVISOR)
    people = {
        c["debtor"]["debtor_id"] for c in listed["items"] if c["debtor"]["debtor_type"] == "person"
    }
    reads = _reads(api)
    assert {r["debtor_id"] for r in reads} == people
    assert all(r["fields"] == ["name"] and r["purpose"] == "collections" for r in reads)
    assert "A-D2" not in {r["debtor_id"] for r in reads}  # a company's name is public


def test_masked_answers_are_not_personal_data_reads(api: Api, engine: Engine) -> None:
    api.ok("/api/v1/debtors/A-D1", role=Role.READONLY)
    api.ok("/api/v1/debtors", role=Role.READONLY)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(personal_data_reads)).scalar_one()
    assert count == 0


def test_only_officers_read_the_trail_and_only_their_tenants(api: Api) -> None:
    api.ok("/api/v1/debtors/A-D1", role=Role.AGENT)
    assert api.get(READS, role=Role.AGENT).status_code == 403
    assert api.get(READS, role=Role.SUPERVISOR).status_code == 403
    assert len(_reads(api, role=Role.ADMIN)) == 1
    assert _reads(api, role=Role.ADMIN, debtor_id="A-D2") == []
    assert api.ok(READS, tenant=NEIGHBOUR, role=Role.ADMIN)["total"] == 0


def test_a_bad_purpose_is_refused_before_anything_is_shown(api: Api, engine: Engine) -> None:
    token = api.tokens[HOME, Role.AGENT]
    refused = api.client.get(
        "/api/v1/debtors/A-D1",
        headers={"Authorization": f"Bearer {token}", "X-Recoverly-Purpose": "Just Curious!"},
    )
    assert refused.status_code == 422
    assert "Alice" not in refused.text
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(personal_data_reads)).scalar_one()
    assert count == 0
