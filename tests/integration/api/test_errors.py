"""Errors: one body shape, statuses mapped in one place, and no submitted value echoed."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError, StatementError

from recoverly.api.errors import status_for
from recoverly.domain.errors import (
    InvalidInput,
    InvalidMoney,
    NotFound,
    RecoverlyError,
    UnknownCurrency,
)
from recoverly.store.repositories import reads
from tests.integration.api.conftest import Api


class _SubNotFound(NotFound):
    code = "case.not_found"


class _RefusalError(RecoverlyError):
    code = "arrangement.promise.already_broken"


def test_statuses_follow_the_error_class_and_its_parents() -> None:
    assert status_for(NotFound("x")) == 404
    assert status_for(_SubNotFound("x")) == 404
    assert status_for(InvalidInput("x")) == 422
    assert status_for(InvalidMoney("x")) == 422
    assert status_for(UnknownCurrency("x")) == 422
    assert status_for(_RefusalError("x")) == 400


def test_invalid_parameters_name_each_one_without_echoing_it(api: Api) -> None:
    response = api.get("/api/v1/debtors", limit=0, country="Alice Archer")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "input.invalid"
    assert {f["location"] for f in error["fields"]} == {"query.limit", "query.country"}
    assert "Alice" not in response.text


def test_an_unknown_route_answers_the_same_shape(api: Api) -> None:
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (StatementError("boom", "SELECT 1", {"name": "Alice Archer"}, None), 500, "store.error"),
        (
            OperationalError("SELECT 1", {"name": "Alice Archer"}, Exception()),
            503,
            "store.unavailable",
        ),
    ],
)
def test_store_errors_are_answered_and_logged_without_their_parameters(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    status: int,
    code: str,
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(reads, "list_debtors", fail)
    with caplog.at_level(logging.ERROR, logger="recoverly"):
        response = api.get("/api/v1/debtors", q="Alice")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert "store error" in caplog.text
    assert "Alice" not in caplog.text
    assert "Alice" not in response.text
