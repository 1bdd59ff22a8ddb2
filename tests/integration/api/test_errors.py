"""Errors: one body shape, statuses mapped in one place, and no submitted value echoed."""

from __future__ import annotations

import logging

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from recoverly.api import create_app
from recoverly.api.errors import status_for
from recoverly.domain.errors import (
    InvalidInput,
    InvalidMoney,
    NotFound,
    RecoverlyError,
    UnknownCurrency,
)
from recoverly.domain.roles import Role
from recoverly.store import session
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME, seed


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


def test_a_database_that_refuses_connections_is_answered_503_without_parameters(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A real outage: the database stops accepting connections while the API runs."""
    base = make_url(pg_url)
    name = f"{base.database}_outage"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    url = base.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        tokens = seed(session.open_engine(url))
        client = TestClient(create_app(url))
        auth = {"Authorization": f"Bearer {tokens[HOME, Role.AGENT]}"}
        assert client.get("/api/v1/debtors", headers=auth).status_code == 200
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        with caplog.at_level(logging.ERROR, logger="recoverly"):
            response = client.get("/api/v1/debtors", params={"q": "Alice"}, headers=auth)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "store.unavailable"
        assert "Alice" not in caplog.text
        assert "Alice" not in response.text
    finally:
        session.dispose(url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
