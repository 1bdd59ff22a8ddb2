"""Fixtures of the API tests: a seeded database on each backend and a client for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from recoverly.api import create_app
from recoverly.domain.roles import Role
from tests.integration.api.seed import HOME, seed


@dataclass
class Api:
    """A test client that sends the bearer token of a tenant and role."""

    app: FastAPI
    client: TestClient
    tokens: dict[tuple[str, Role], str]

    def get(
        self, path: str, *, tenant: str = HOME, role: Role | None = Role.ADMIN, **params: Any
    ) -> Any:
        headers = {} if role is None else {"Authorization": f"Bearer {self.tokens[tenant, role]}"}
        return self.client.get(path, params=params, headers=headers)

    def ok(self, path: str, **kwargs: Any) -> Any:
        """The JSON of a 200 answer."""
        response = self.get(path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def api(engine: Engine, database_url: str) -> Api:
    tokens = seed(engine)
    app = create_app(database_url)
    return Api(app, TestClient(app), tokens)
