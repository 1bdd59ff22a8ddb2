"""Every tenant's data is invisible to every other tenant, on every route.

The walk reads the routes from ``/openapi.json``, so a route added later is walked without
anyone remembering to list it here. A path parameter the walk has no neighbour-only id for,
a required query parameter, or a method other than GET fails it until this file learns
about them: a new kind of route must come with a way to check its scoping.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI, routing
from sqlalchemy import select

from recoverly.api.deps import Caller, Conn
from recoverly.domain.errors import NotFound
from recoverly.domain.roles import Role
from recoverly.store.tables import debtors
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME_IDS, NEIGHBOUR_MARKERS, NEIGHBOUR_ONLY

API = "/api/v1"
MISSING = "NO-SUCH-ID"


def _api_paths(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {path: item for path, item in spec["paths"].items() if path.startswith(API)}


def _read_paths(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {path: item for path, item in _api_paths(spec).items() if "get" in item}


def _assert_nothing_of_the_neighbour(where: str, body: Any) -> None:
    text = json.dumps(body)
    leaked = [marker for marker in NEIGHBOUR_MARKERS if marker in text]
    assert not leaked, f"{where} shows the other tenant's data: {leaked}"


def _enum_values(spec: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The values of an enum query parameter (``X | None`` is an anyOf with a $ref)."""
    for option in schema.get("anyOf", [schema]):
        if "$ref" in option:
            option = spec["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]]
        if "enum" in option:
            return [str(v) for v in option["enum"]]
    return []


def _served_routes(app: FastAPI) -> list[Any]:
    """Every route the app serves, included routers flattened, across FastAPI versions."""
    contexts = getattr(routing, "iter_route_contexts", None)
    return list(app.routes if contexts is None else contexts(app.routes))


# Routes that write, and the test that keeps each within its tenant (the walk only reads);
# and POST routes that touch no stored data at all.
WRITES = {
    "/api/v1/compliance/check": "stateless: judges the contacts in its body, reads no store",
    "/api/v1/payments": "test_activity.py::test_another_tenants_account_is_unknown",
    "/api/v1/promises": "test_activity.py::test_another_tenants_objects_cannot_be_written_to",
    "/api/v1/contacts": "test_activity.py::test_another_tenants_objects_cannot_be_written_to",
    "/api/v1/complaints": "test_complaints.py::test_another_tenants_case_or_complaint_is_unknown",
    "/api/v1/complaints/{complaint_id}/response": "test_complaints.py::test_another_tenants_case_or_complaint_is_unknown",
    "/api/v1/complaints/{complaint_id}/closure": "test_complaints.py::test_another_tenants_case_or_complaint_is_unknown",
    "/api/v1/template-pauses/{template}/resume": "test_complaints.py::test_a_template_that_draws_upheld_complaints_is_paused_until_resumed",
    "/api/v1/qa/texts": "test_qa.py::test_the_queue_is_the_tenants_own",
    "/api/v1/qa/alerts/{alert_id}/review": "test_qa.py::test_the_queue_is_the_tenants_own",
    "/api/v1/debtors/{debtor_id}/erasure": "test_privacy.py::test_another_tenants_debtor_cannot_be_erased_or_exported",
    "/api/v1/webhooks/twilio/status": "channels/test_receipts_webhook.py (signed, by provider id)",
    "/api/v1/webhooks/twilio/inbound": "test_inbound_sms.py (signed; acts on the number's holders only)",
    "/api/v1/cases/{case_id}/holds": "test_desk.py::test_another_tenants_case_hold_and_message_are_unknown",
    "/api/v1/cases/{case_id}/holds/{hold_id}/release": "test_desk.py::test_another_tenants_case_hold_and_message_are_unknown",
    "/api/v1/cases/{case_id}/calls": "test_desk.py::test_another_tenants_case_hold_and_message_are_unknown",
    "/api/v1/cases/{case_id}/messages": "test_desk.py::test_another_tenants_case_hold_and_message_are_unknown",
    "/api/v1/cases/{case_id}/calls/{contact_id}/recording": "test_desk.py::test_a_recording_needs_a_call_of_the_cases_own_debtor",
}


def test_every_api_route_is_in_the_schema_and_walked_or_isolated(api: Api) -> None:
    """A route hidden from /openapi.json, a mount, or a write route nobody isolates would
    escape the checks."""
    paths = _api_paths(api.ok("/openapi.json"))
    routes = [r for r in _served_routes(api.app) if str(r.path).startswith(API)]
    # One path may be served by several routes (GET and POST /complaints), never by none.
    assert {str(r.path) for r in routes} == set(paths)
    for route in routes:
        assert getattr(route, "include_in_schema", False), f"{route.path} is not in the schema"
        assert route.path in paths, f"{route.path} is not walked"
        if not (route.methods or set()) <= {"GET", "HEAD"}:
            assert route.path in WRITES, f"{route.path} answers {route.methods}: isolate it"


def test_isolation_walk(api: Api) -> None:
    assert walk(api) >= 11


def walk(api: Api, only: str | None = None) -> int:
    """GET every route (or ``only`` one) as acme; return how many were walked."""
    spec = api.ok("/openapi.json")
    walked = 0
    for path, item in _read_paths(spec).items():
        if only is not None and path != only:
            continue
        parameters = item["get"].get("parameters", [])
        required = [p["name"] for p in parameters if p["in"] == "query" and p.get("required")]
        assert not required, f"{path}: teach the walk values for required {required}"
        names = [p["name"] for p in parameters if p["in"] == "path"]
        unknown = set(names) - NEIGHBOUR_ONLY.keys()
        assert not unknown, f"{path}: add a neighbour-only id for {unknown} to seed.py"
        if names:
            _walk_object_route(api, path, names)
        # Listings, including sub-listings of one's own objects, must filter within the tenant.
        _walk_listing(api, spec, path.format(**HOME_IDS), parameters)
        walked += 1
    return walked


def _walk_object_route(api: Api, path: str, names: list[str]) -> None:
    own = api.get(path.format(**HOME_IDS))
    assert own.status_code == 200, f"{path} with the tenant's own ids: {own.text}"
    _assert_nothing_of_the_neighbour(path, own.json())
    # Each parameter in turn takes the neighbour's id (the others stay valid own ids).
    for name in names:
        theirs = api.get(path.format(**(HOME_IDS | {name: NEIGHBOUR_ONLY[name]})))
        missing = api.get(path.format(**(HOME_IDS | {name: MISSING})))
        assert theirs.status_code == 404, f"{path} with another tenant's {name}: {theirs.text}"
        assert missing.status_code == 404
        # "Exactly as if it did not exist": the same answer but for the id echoed back.
        assert theirs.text.replace(NEIGHBOUR_ONLY[name], MISSING) == missing.text


def _walk_listing(
    api: Api, spec: dict[str, Any], path: str, parameters: list[dict[str, Any]]
) -> None:
    body = api.ok(path)
    _assert_nothing_of_the_neighbour(path, body)
    if "items" not in body:
        return
    # The seed is smaller than a page, so an unscoped count shows up as a mismatch.
    assert body["total"] == len(body["items"]), f"{path}: total counts other rows"
    for parameter in (p for p in parameters if p["in"] == "query"):
        name = parameter["name"]
        if name in NEIGHBOUR_ONLY:
            found = api.ok(path, **{name: NEIGHBOUR_ONLY[name]})
            assert (found["items"], found["total"]) == ([], 0), f"{path}?{name}= leaks"
        for value in _enum_values(spec, parameter["schema"]):
            found = api.ok(path, **{name: value}, as_of="2026-03-01")
            where = f"{path}?{name}={value}"
            _assert_nothing_of_the_neighbour(where, found)
            assert found["total"] == len(found["items"]), f"{where}: total counts other rows"
            # A filter matched through another tenant's rows shows as an item that does
            # not have the value it was selected for.
            for item in found["items"]:
                if name in item:
                    assert item[name] == value, f"{where} selected {item}"


def test_filters_reaching_into_other_tables_stay_in_the_tenant(api: Api) -> None:
    """``SHARED-*`` ids exist in both tenants: an unscoped subquery would match globex's."""

    def case_ids(**params: Any) -> list[str]:
        return [c["case_id"] for c in api.ok(f"{API}/cases", as_of="2026-03-01", **params)["items"]]

    # globex's SHARED-D lives in GB, its SHARED-AC is 400 days past due in GBP.
    assert case_ids(country="GB") == []
    assert case_ids(bucket="180+") == ["C-A-D3"]
    assert case_ids(min_balance="1", currency="GBP") == []
    shared = api.ok(f"{API}/cases/C-SHARED", as_of="2026-03-01")
    assert shared["debtor"]["name"] == "Shared Name A"
    assert [a["account_id"] for a in shared["accounts"]] == ["SHARED-AC"]
    assert shared["balances"] == [{"amount": "99.99", "currency": "USD"}]
    assert api.ok(f"{API}/accounts/SHARED-AC")["currency"] == "USD"
    payments = api.ok(f"{API}/accounts/SHARED-AC/payments")["items"]
    assert [p["amount"] for p in payments] == [{"amount": "12.34", "currency": "USD"}]
    contacts = api.ok(f"{API}/debtors/SHARED-D/contacts")["items"]
    assert [c["channel"] for c in contacts] == ["email"]
    assert api.ok(f"{API}/debtors/SHARED-D")["contact_points"] == []


def test_the_neighbour_sees_only_its_own(api: Api) -> None:
    """The same walk from the other side, briefly: globex sees its two cases only."""
    body = api.ok(f"{API}/cases", tenant="globex", role=Role.READONLY)
    assert [c["case_id"] for c in body["items"]] == ["C-B-D1", "C-SHARED"]
    assert api.get(f"{API}/debtors/A-D1", tenant="globex").status_code == 404


class TestTheWalkItself:
    """The walk must fail when someone adds a route that forgets the tenant."""

    def test_it_catches_an_unscoped_object_route(self, api: Api) -> None:
        path = f"{API}/debtors/{{debtor_id}}/name"

        @api.app.get(path, summary="Leaky", tags=["debtors"])
        def leaky(debtor_id: str, caller: Caller, conn: Conn) -> dict[str, str]:
            row = conn.execute(select(debtors.c.name).where(debtors.c.debtor_id == debtor_id))
            found = row.first()
            if found is None:
                raise NotFound(f"no debtor {debtor_id!r}")
            return {"name": found.name}

        with pytest.raises(AssertionError, match="another tenant's debtor_id"):
            walk(api, only=path)

    def test_it_catches_an_unscoped_listing(self, api: Api) -> None:
        @api.app.get(f"{API}/everyone", summary="Leaky", tags=["debtors"])
        def everyone(caller: Caller, conn: Conn) -> list[str]:
            return list(conn.execute(select(debtors.c.name)).scalars())

        with pytest.raises(AssertionError, match="other tenant's data"):
            walk(api, only=f"{API}/everyone")

    def test_it_refuses_a_path_parameter_it_has_no_id_for(self, api: Api) -> None:
        @api.app.get(f"{API}/payments/{{payment_id}}", summary="New", tags=["accounts"])
        def payment(payment_id: str, caller: Caller) -> dict[str, str]:
            raise NotFound(f"no payment {payment_id!r}")

        with pytest.raises(AssertionError, match="add a neighbour-only id"):
            walk(api, only=f"{API}/payments/{{payment_id}}")
