"""The as-of default follows the pinned business date, so a demo's arrears stay put."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from recoverly.config import get_settings
from recoverly.domain.roles import Role
from tests.integration.api.conftest import Api
from tests.integration.api.seed import days_ago


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RECOVERLY_BUSINESS_DATE", "2026-03-09")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_accounts_are_aged_to_the_business_date_by_default(api: Api, pinned: None) -> None:
    body = api.ok("/api/v1/accounts/A-AC1", role=Role.AGENT)
    assert body["as_of"] == "2026-03-09"
    expected = (date(2026, 3, 9) - days_ago(45)).days
    assert body["past_due_days"] == expected
    later = api.ok("/api/v1/accounts/A-AC1", role=Role.AGENT, as_of="2026-04-08")
    assert later["past_due_days"] == expected + 30
