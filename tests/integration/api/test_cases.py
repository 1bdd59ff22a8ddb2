"""``/cases``: listing, filters, pagination and the case view, on acme's seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.integration.api.conftest import Api
from tests.integration.api.seed import AS_OF

CASES = "/api/v1/cases"
ALL = ["C-A-D1", "C-A-D2", "C-A-D3", "C-A-D4", "C-SHARED"]


CASE_FILTERS: list[tuple[dict[str, str], list[str]]] = [
    ({"stage": "digital"}, ["C-A-D2", "C-A-D4", "C-SHARED"]),
    ({"stage": "closed"}, []),
    ({"debtor_id": "A-D3"}, ["C-A-D3"]),
    ({"country": "us"}, ["C-A-D1", "C-A-D3", "C-SHARED"]),
    ({"country": "DE"}, ["C-A-D2"]),
    ({"bucket": "current"}, ["C-A-D2"]),
    ({"bucket": "30-59"}, ["C-A-D1"]),
    ({"bucket": "60-89"}, ["C-A-D4"]),
    ({"bucket": "90-119"}, ["C-SHARED"]),
    ({"bucket": "180+"}, ["C-A-D3"]),
    ({"bucket": "1-29"}, []),
    ({"min_balance": "1250.50", "currency": "USD"}, ["C-A-D1"]),
    ({"min_balance": "1250.51", "currency": "usd"}, []),
    ({"min_balance": "99.99", "currency": "USD"}, ["C-A-D1", "C-SHARED"]),
    ({"min_balance": "0", "currency": "JPY"}, ["C-A-D3"]),
    ({"stage": "digital", "bucket": "current"}, ["C-A-D2"]),
]


BAD_PARAMETERS: list[dict[str, Any]] = [
    {"limit": 0},
    {"limit": 501},
    {"offset": -1},
    {"stage": "nope"},
    {"bucket": "31-60"},
    {"country": "USA"},
    {"as_of": "01/03/2026"},
    {"as_of": "0001-01-01"},
    {"min_balance": "1e3", "currency": "USD"},
    {"min_balance": "10"},
    {"min_balance": "10.001", "currency": "USD"},
    {"min_balance": "10", "currency": "XYZ"},
]


def case_ids(api: Api, **params: Any) -> list[str]:
    params.setdefault("as_of", AS_OF.isoformat())
    return [c["case_id"] for c in api.ok(CASES, **params)["items"]]


class TestList:
    def test_lists_every_case_of_the_tenant_by_id(self, api: Api) -> None:
        body = api.ok(CASES, as_of=AS_OF.isoformat())
        assert [c["case_id"] for c in body["items"]] == ALL
        assert (body["total"], body["limit"], body["offset"]) == (5, 50, 0)

    def test_an_item_summarises_the_case(self, api: Api) -> None:
        first = api.ok(CASES, as_of=AS_OF.isoformat())["items"][0]
        assert first == {
            "case_id": "C-A-D1",
            "stage": "agent",
            "opened_at": "2026-01-30T12:00:00Z",
            "closed_at": None,
            "debtor": {
                "debtor_id": "A-D1",
                "debtor_type": "person",
                "name": "Alice Archer",
                "country": "US",
                "region": "NY",
                "timezone": "America/New_York",
            },
            "account_count": 2,
            "balances": [{"amount": "1250.50", "currency": "USD"}],
            "as_of": "2026-03-01",
            "past_due_days": 45,
            "bucket": "30-59",
            "on_hold": True,
        }

    def test_as_of_defaults_to_today_utc(self, api: Api) -> None:
        before = datetime.now(UTC).date()
        item = api.ok(CASES)["items"][0]
        assert item["as_of"] in {before.isoformat(), datetime.now(UTC).date().isoformat()}

    def test_filters(self, api: Api) -> None:
        for params, expected in CASE_FILTERS:
            assert case_ids(api, **params) == expected, params

    def test_bucket_moves_with_as_of(self, api: Api) -> None:
        # A day earlier, C-A-D3's worst account is 179 days past due.
        day_before = (AS_OF - timedelta(days=1)).isoformat()
        assert case_ids(api, bucket="150-179", as_of=day_before) == ["C-A-D3"]

    def test_pages_are_stable_and_complete(self, api: Api) -> None:
        seen = []
        for offset in range(0, 6, 2):
            body = api.ok(CASES, limit=2, offset=offset)
            assert body["total"] == 5
            seen += [c["case_id"] for c in body["items"]]
        assert seen == ALL
        assert api.ok(CASES, offset=99)["items"] == []

    def test_bad_parameters_are_422_naming_them(self, api: Api) -> None:
        for params in BAD_PARAMETERS:
            response = api.get(CASES, **params)
            assert response.status_code == 422, (params, response.text)
            error = response.json()["error"]
            assert error["code"] == "input.invalid"
            named = next(iter(params)) if len(params) == 1 else "currency"
            assert named in error["message"] or "min_balance" in error["message"], error


class TestRead:
    def test_a_case_with_accounts_holds_and_debtor(self, api: Api) -> None:
        case = api.ok(f"{CASES}/C-A-D1", as_of=AS_OF.isoformat())
        assert case["debtor"]["name"] == "Alice Archer"
        assert [a["account_id"] for a in case["accounts"]] == ["A-AC1", "A-AC2"]
        assert [a["past_due_days"] for a in case["accounts"]] == [45, 10]
        assert [a["bucket"] for a in case["accounts"]] == ["30-59", "1-29"]
        assert [{k: v for k, v in h.items() if k != "hold_id"} for h in case["holds"]] == [
            {
                "kind": "dispute",
                "channel": None,
                "starts_at": "2020-01-01T00:00:00Z",
                "ends_at": None,
                "reason": "dispute on file",
                "active": True,
            }
        ]
        assert (case["active_holds"], case["on_hold"]) == (1, True)

    def test_an_ended_hold_is_listed_but_not_active(self, api: Api) -> None:
        case = api.ok(f"{CASES}/C-A-D2", as_of=AS_OF.isoformat())
        assert [h["active"] for h in case["holds"]] == [False]
        assert (case["active_holds"], case["on_hold"]) == (0, False)
        # A zero balance and a due date still ahead are both current.
        assert [a["bucket"] for a in case["accounts"]] == ["current"] * 3
        assert case["balances"] == [{"amount": "5100.00", "currency": "EUR"}]

    def test_balances_are_per_currency_and_exact(self, api: Api) -> None:
        case = api.ok(f"{CASES}/C-A-D3", as_of=AS_OF.isoformat())
        assert case["balances"] == [
            {"amount": "100000", "currency": "JPY"},
            {"amount": "50.00", "currency": "USD"},
        ]
        assert (case["past_due_days"], case["bucket"]) == (180, "180+")

    def test_a_missing_case_is_404(self, api: Api) -> None:
        response = api.get(f"{CASES}/C-NOPE")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "no case 'C-NOPE'"}}
