"""``/accounts``: balances, delinquency computed for an as-of date, filters, payments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from recoverly.domain.accounts import DelinquencyBucket
from recoverly.store.repositories.delinquency import bucket_days
from tests.integration.api.conftest import Api
from tests.integration.api.seed import AS_OF

ACCOUNTS = "/api/v1/accounts"


ACCOUNT_FILTERS: list[tuple[dict[str, str], list[str]]] = [
    ({"product": "bnpl"}, ["A-AC5", "A-AC6"]),
    ({"currency": "eur"}, ["A-AC3", "A-AC4", "A-AC7"]),
    ({"debtor_id": "A-D1"}, ["A-AC1", "A-AC2"]),
    ({"case_id": "C-A-D3"}, ["A-AC5", "A-AC6"]),
    ({"bucket": "current"}, ["A-AC3", "A-AC4", "A-AC7"]),
    ({"bucket": "1-29"}, ["A-AC2", "A-AC5"]),
    ({"bucket": "30-59"}, ["A-AC1"]),
    ({"bucket": "180+"}, ["A-AC6"]),
    ({"bucket": "1-29", "currency": "USD", "debtor_id": "A-D3"}, ["A-AC5"]),
]


def account_ids(api: Api, path: str = ACCOUNTS, **params: Any) -> list[str]:
    params.setdefault("as_of", AS_OF.isoformat())
    return [a["account_id"] for a in api.ok(path, **params)["items"]]


class TestList:
    def test_lists_every_account_of_the_tenant_by_id(self, api: Api) -> None:
        assert account_ids(api) == [
            "A-AC1",
            "A-AC2",
            "A-AC3",
            "A-AC4",
            "A-AC5",
            "A-AC6",
            "A-AC7",
            "A-AC8",
            "SHARED-AC",
        ]

    def test_filters(self, api: Api) -> None:
        for params, expected in ACCOUNT_FILTERS:
            assert account_ids(api, **params) == expected, params

    def test_the_bucket_filter_agrees_with_the_computed_bucket(self, api: Api) -> None:
        """The SQL filter and the domain's computation must put every row in one place."""
        for shift in (-200, -31, -1, 0, 1, 30, 151):
            self._check_buckets(api, (AS_OF + timedelta(days=shift)).isoformat())

    @staticmethod
    def _check_buckets(api: Api, as_of: str) -> None:
        computed = {a["account_id"]: a["bucket"] for a in api.ok(ACCOUNTS, as_of=as_of)["items"]}
        for bucket in DelinquencyBucket:
            expected = sorted(k for k, v in computed.items() if v == bucket.value)
            assert account_ids(api, bucket=bucket.value, as_of=as_of) == expected, (as_of, bucket)
        cases = {c["case_id"]: c["bucket"] for c in api.ok("/api/v1/cases", as_of=as_of)["items"]}
        for bucket in DelinquencyBucket:
            found = api.ok("/api/v1/cases", bucket=bucket.value, as_of=as_of)["items"]
            expected = sorted(k for k, v in cases.items() if v == bucket.value)
            assert [c["case_id"] for c in found] == expected, (as_of, bucket)

    def test_bucket_ranges_follow_the_domain(self) -> None:
        for days in range(400):
            first, last = bucket_days(DelinquencyBucket.for_days(days))
            assert first <= days
            assert last is None or days <= last


class TestRead:
    def test_balance_components_and_delinquency_for_as_of(self, api: Api) -> None:
        account = api.ok(f"{ACCOUNTS}/A-AC1", as_of=AS_OF.isoformat())
        assert account == {
            "account_id": "A-AC1",
            "debtor_id": "A-D1",
            "case_id": "C-A-D1",
            "product": "credit_card",
            "currency": "USD",
            "balance": {
                "principal": {"amount": "1000.00", "currency": "USD"},
                "interest": {"amount": "25.50", "currency": "USD"},
                "fees": {"amount": "25.00", "currency": "USD"},
                "total": {"amount": "1050.50", "currency": "USD"},
            },
            "due_date": "2026-01-15",
            "past_due_since": "2026-01-15",
            "as_of": "2026-03-01",
            "past_due_days": 45,
            "bucket": "30-59",
            "open_date": "2023-05-02",
            "original_amount": {"amount": "3000.00", "currency": "USD"},
            "credit_limit": {"amount": "5000.00", "currency": "USD"},
            "last_payment_date": "2026-02-10",
            "last_payment_amount": {"amount": "25.00", "currency": "USD"},
            "attributes": {"branch": "north", "score_band": "3"},
            "created_at": "2026-03-01T12:00:00Z",
            "updated_at": "2026-03-01T12:00:00Z",
        }

    def test_delinquency_is_computed_for_the_date_asked(self, api: Api) -> None:
        # A-AC1 is past due since 2026-01-15.
        for as_of, days, bucket in [
            ("2026-01-15", 0, "current"),
            ("2026-01-16", 1, "1-29"),
            ("2026-07-14", 180, "180+"),
        ]:
            account = api.ok(f"{ACCOUNTS}/A-AC1", as_of=as_of)
            assert (account["past_due_days"], account["bucket"]) == (days, bucket), as_of

    def test_a_zero_balance_is_never_past_due(self, api: Api) -> None:
        account = api.ok(f"{ACCOUNTS}/A-AC4", as_of=AS_OF.isoformat())
        assert account["balance"]["total"] == {"amount": "0.00", "currency": "EUR"}
        assert (account["past_due_days"], account["bucket"]) == (0, "current")
        assert api.get(f"{ACCOUNTS}/NOPE").status_code == 404


class TestPayments:
    def test_oldest_first(self, api: Api) -> None:
        body = api.ok(f"{ACCOUNTS}/A-AC1/payments")
        assert [p["payment_id"] for p in body["items"]] == ["A-P1", "A-P2"]
        assert body["items"][0] == {
            "payment_id": "A-P1",
            "account_id": "A-AC1",
            "amount": {"amount": "50.00", "currency": "USD"},
            "paid_at": "2026-01-10T00:00:00Z",
            "method": "card",
            "reference": None,
        }
        assert body["total"] == 2

    def test_paginated(self, api: Api) -> None:
        body = api.ok(f"{ACCOUNTS}/A-AC1/payments", limit=1, offset=1)
        assert ([p["payment_id"] for p in body["items"]], body["total"]) == (["A-P2"], 2)

    def test_no_payments_is_an_empty_page_but_no_account_is_404(self, api: Api) -> None:
        assert api.ok(f"{ACCOUNTS}/A-AC2/payments")["items"] == []
        assert api.get(f"{ACCOUNTS}/NOPE/payments").status_code == 404
