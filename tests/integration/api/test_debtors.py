"""``/debtors``: listing, name search, the debtor view, their accounts and contacts."""

from __future__ import annotations

from typing import Any

from tests.integration.api.conftest import Api
from tests.integration.api.seed import AS_OF

DEBTORS = "/api/v1/debtors"


DEBTOR_FILTERS: list[tuple[dict[str, str], list[str]]] = [
    ({"country": "us"}, ["A-D1", "A-D3", "SHARED-D"]),
    ({"debtor_type": "company"}, ["A-D2"]),
    ({"q": "al"}, ["A-D1", "A-D3"]),
    ({"q": "ALICE"}, ["A-D1"]),
    ({"q": "Archer"}, []),
    ({"q": "%"}, []),
    ({"q": "_"}, []),
    ({"q": "Percent%"}, ["A-D4"]),
    ({"q": "a", "debtor_type": "company"}, ["A-D2"]),
]


def debtor_ids(api: Api, **params: Any) -> list[str]:
    return [d["debtor_id"] for d in api.ok(DEBTORS, **params)["items"]]


class TestList:
    def test_lists_every_debtor_of_the_tenant_by_id(self, api: Api) -> None:
        body = api.ok(DEBTORS)
        assert [d["debtor_id"] for d in body["items"]] == [
            "A-D1",
            "A-D2",
            "A-D3",
            "A-D4",
            "SHARED-D",
        ]
        assert body["items"][0]["jurisdiction"] == "US-NY"
        assert "contact_points" not in body["items"][0]

    def test_filters(self, api: Api) -> None:
        for params, expected in DEBTOR_FILTERS:
            assert debtor_ids(api, **params) == expected, params

    def test_paginated(self, api: Api) -> None:
        body = api.ok(DEBTORS, limit=2, offset=2)
        assert ([d["debtor_id"] for d in body["items"]], body["total"]) == (["A-D3", "A-D4"], 5)


class TestRead:
    def test_a_debtor_with_contact_points(self, api: Api) -> None:
        debtor = api.ok(f"{DEBTORS}/A-D1")
        assert debtor["name"] == "Alice Archer"
        assert [(p["kind"], p["usable"]) for p in debtor["contact_points"]] == [
            ("address", False),
            ("email", True),
            ("phone", True),
        ]
        assert debtor["contact_points"][1]["consent"] == "given"

    def test_a_missing_debtor_is_404(self, api: Api) -> None:
        assert api.get(f"{DEBTORS}/NOPE").status_code == 404


class TestAccounts:
    def test_the_debtors_accounts_computed_for_as_of(self, api: Api) -> None:
        body = api.ok(f"{DEBTORS}/A-D3/accounts", as_of=AS_OF.isoformat())
        assert [(a["account_id"], a["bucket"]) for a in body["items"]] == [
            ("A-AC5", "1-29"),
            ("A-AC6", "180+"),
        ]

    def test_filtered_and_404_for_no_debtor(self, api: Api) -> None:
        body = api.ok(f"{DEBTORS}/A-D3/accounts", currency="JPY")
        assert [a["account_id"] for a in body["items"]] == ["A-AC6"]
        assert api.get(f"{DEBTORS}/NOPE/accounts").status_code == 404


class TestContacts:
    def test_oldest_first(self, api: Api) -> None:
        body = api.ok(f"{DEBTORS}/A-D1/contacts")
        assert [(c["contact_id"], c["right_party_contact"]) for c in body["items"]] == [
            ("A-K1", False),
            ("A-K2", False),
            ("A-K3", True),
        ]
        assert body["items"][0] == {
            "contact_id": "A-K1",
            "debtor_id": "A-D1",
            "account_id": None,
            "plan_id": None,
            "channel": "call",
            "direction": "outbound",
            "at": "2026-02-01T00:00:00Z",
            "outcome": "no_answer",
            "right_party_contact": False,
        }

    def test_paginated(self, api: Api) -> None:
        body = api.ok(f"{DEBTORS}/A-D1/contacts", limit=2, offset=2)
        assert ([c["contact_id"] for c in body["items"]], body["total"]) == (["A-K3"], 3)

    def test_no_contacts_is_an_empty_page_but_no_debtor_is_404(self, api: Api) -> None:
        assert api.ok(f"{DEBTORS}/A-D2/contacts")["total"] == 0
        assert api.get(f"{DEBTORS}/NOPE/contacts").status_code == 404
