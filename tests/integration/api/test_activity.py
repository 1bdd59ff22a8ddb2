"""Recording contacts, promises and payments over the API: the same rules and effects as
file imports, roles enforced, tenants kept apart, retries harmless."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update

from recoverly.domain.roles import Role
from recoverly.store.repositories import tenancy
from recoverly.store.tables import accounts, contact_attempts, holds, payments, promises, users
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME, NEIGHBOUR_ONLY


def _post(api: Api, path: str, body: dict[str, Any], role: Role = Role.AGENT) -> Any:
    token = api.tokens[HOME, role]
    return api.client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})


PAYMENT = {
    "payment_id": "WEB-1",
    "account_id": "A-AC1",
    "amount": "10.00",
    "paid_at": "2026-03-01T09:00:00Z",
}


def test_a_payment_is_recorded_once_and_moves_the_balance(api: Api, engine: Engine) -> None:
    with engine.connect() as conn:
        before = conn.execute(
            select(
                accounts.c.fees_minor + accounts.c.interest_minor + accounts.c.principal_minor
            ).where(accounts.c.account_id == "A-AC1")
        ).scalar_one()
    first = _post(api, "/api/v1/payments", PAYMENT)
    again = _post(api, "/api/v1/payments", PAYMENT)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == {"kind": "payment", "id": "WEB-1"}
    with engine.connect() as conn:
        after = conn.execute(
            select(
                accounts.c.fees_minor + accounts.c.interest_minor + accounts.c.principal_minor
            ).where(accounts.c.account_id == "A-AC1")
        ).scalar_one()
        count = len(conn.execute(select(payments).where(payments.c.payment_id == "WEB-1")).all())
    assert before - after == 1000
    assert count == 1


def test_bad_records_are_refused_with_the_reason(api: Api) -> None:
    wrong_ccy = _post(api, "/api/v1/payments", {**PAYMENT, "currency": "EUR"})
    assert wrong_ccy.status_code == 422
    assert "differs from the account's USD" in wrong_ccy.json()["error"]["message"]
    too_precise = _post(api, "/api/v1/payments", {**PAYMENT, "amount": "1.005"})
    assert too_precise.status_code == 422
    float_amount = _post(api, "/api/v1/payments", {**PAYMENT, "amount": 1.5})
    assert float_amount.status_code == 422


def test_another_tenants_account_is_unknown(api: Api) -> None:
    body = {**PAYMENT, "account_id": NEIGHBOUR_ONLY["account_id"]}
    refused = _post(api, "/api/v1/payments", body)
    assert refused.status_code == 422
    assert "no account" in refused.json()["error"]["message"]


def test_readonly_may_not_record(api: Api) -> None:
    assert _post(api, "/api/v1/payments", PAYMENT, role=Role.READONLY).status_code == 403


def test_a_dispute_recorded_by_an_agent_opens_a_hold(api: Api, engine: Engine) -> None:
    body = {"contact_id": "CALL-9", "debtor_id": "A-D1", "channel": "call", "outcome": "dispute"}
    assert _post(api, "/api/v1/contacts", body).status_code == 201
    with engine.connect() as conn:
        kinds = (
            conn.execute(
                select(holds.c.kind).where(holds.c.case_id == "C-A-D1", holds.c.ends_at.is_(None))
            )
            .scalars()
            .all()
        )
    assert "dispute" in kinds


def test_a_promise_is_recorded_pending(api: Api, engine: Engine) -> None:
    due = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()  # made now
    body = {"promise_id": "PR-9", "account_id": "A-AC1", "amount": "20", "due_date": due}
    assert _post(api, "/api/v1/promises", body).status_code == 201
    with engine.connect() as conn:
        status = conn.execute(
            select(promises.c.status).where(promises.c.promise_id == "PR-9")
        ).scalar_one()
    assert status == "pending"


def test_another_tenants_objects_cannot_be_written_to(api: Api, engine: Engine) -> None:
    promise = {
        "promise_id": "X1",
        "account_id": NEIGHBOUR_ONLY["account_id"],
        "amount": "1",
        "due_date": "2099-01-01",
    }
    contact = {
        "contact_id": "X2",
        "debtor_id": NEIGHBOUR_ONLY["debtor_id"],
        "channel": "call",
        "outcome": "dispute",
    }
    assert _post(api, "/api/v1/promises", promise).status_code == 422
    assert _post(api, "/api/v1/contacts", contact).status_code == 422
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(holds).where(holds.c.case_id == "C-B-D1", holds.c.kind == "dispute")
            ).first()
            is None
        )


def test_a_contact_recorded_by_a_person_records_them_as_its_agent(api: Api, engine: Engine) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        home = tenancy.tenant_id(conn, HOME)
        user_id = tenancy.create_user(conn, home, "maria", "not-a-hash", Role.AGENT, now)
        maria = tenancy.create_token(conn, home, Role.AGENT, "maria's", now, user_id)
    call = {"contact_id": "CALL-M", "debtor_id": "A-D1", "channel": "call", "outcome": "busy"}
    sent = api.client.post(
        "/api/v1/contacts", json=call, headers={"Authorization": f"Bearer {maria}"}
    )
    assert sent.status_code == 201, sent.text
    # An integration's token is no person: its contact has no agent, and correcting
    # maria's contact through it keeps her as the agent.
    assert _post(api, "/api/v1/contacts", {**call, "contact_id": "CALL-I"}).status_code == 201
    assert _post(api, "/api/v1/contacts", {**call, "outcome": "no_answer"}).status_code == 201

    def agents() -> dict[str, tuple[str | None, str]]:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    contact_attempts.c.contact_id,
                    contact_attempts.c.agent,
                    contact_attempts.c.outcome,
                ).where(contact_attempts.c.contact_id.in_(["CALL-M", "CALL-I"]))
            ).all()
        return {r.contact_id: (r.agent, r.outcome) for r in rows}

    assert agents() == {"CALL-M": ("maria", "no_answer"), "CALL-I": (None, "busy")}
    # A disabled person's token stops working.
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(disabled=True))
    refused = api.client.post(
        "/api/v1/contacts", json=call, headers={"Authorization": f"Bearer {maria}"}
    )
    assert refused.status_code == 401


def test_a_payment_is_in_the_evidence_log_once(api: Api, engine: Engine) -> None:
    import json

    from recoverly.store.tables import evidence_entries

    assert _post(api, "/api/v1/payments", PAYMENT).status_code == 201
    assert _post(api, "/api/v1/payments", PAYMENT).status_code == 201  # a retry
    e = evidence_entries.c
    with engine.connect() as conn:
        logged = [
            json.loads(entry)
            for entry in conn.execute(select(e.entry).where(e.kind == "payment")).scalars()
        ]
    assert len(logged) == 1
    assert logged[0]["payment_id"] == PAYMENT["payment_id"]
    assert logged[0]["account_id"] == PAYMENT["account_id"]
    assert logged[0]["amount_minor"] == 1000
    assert logged[0]["currency"] == "USD"  # the account's: 1000 means nothing without it
