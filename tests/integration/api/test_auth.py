"""Bearer tokens: no token, a wrong one or a revoked one gets 401; roles gate by route."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import Engine

from recoverly.api.deps import require_roles
from recoverly.domain.roles import PersonalField, Role
from recoverly.store.repositories import tenancy
from recoverly.store.repositories.tenancy import Principal
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME, HOME_IDS

CASES = "/api/v1/cases"


class TestUnauthenticated:
    def test_no_header_gets_a_bare_challenge(self, api: Api) -> None:
        response = api.get(CASES, role=None)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="recoverly"'
        assert response.json()["error"]["code"] == "auth.unauthenticated"

    def test_a_bad_header_is_401(self, api: Api) -> None:
        for header in ("Bearer rcv_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "rcv_x"):
            response = api.client.get(CASES, headers={"Authorization": header})
            assert response.status_code == 401, header
            assert response.headers["WWW-Authenticate"].startswith('Bearer realm="recoverly"')

    def test_an_unknown_token_is_named_invalid(self, api: Api) -> None:
        response = api.client.get(CASES, headers={"Authorization": "Bearer rcv_nope"})
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]

    def test_a_revoked_token_is_401(self, api: Api, engine: Engine) -> None:
        token = api.tokens[HOME, Role.ADMIN]
        with engine.begin() as conn:
            assert tenancy.revoke_token(conn, token)
        assert api.get(CASES).status_code == 401

    def test_every_route_but_health_needs_a_token(self, api: Api) -> None:
        spec = api.ok("/openapi.json")
        open_routes = []
        for path, item in spec["paths"].items():
            if not path.startswith("/api/v1"):
                continue
            for method, operation in item.items():
                url = path.format(**HOME_IDS)
                response = api.client.request(method.upper(), url, json={})
                if response.status_code != 401:
                    open_routes.append((method, path, response.status_code))
                else:
                    assert operation["security"] == [{"bearer": []}], path
        # The webhook is the provider's: it carries a signature instead of a token.
        assert open_routes == [
            ("get", "/api/v1/health", 200),
            ("post", "/api/v1/webhooks/twilio/status", 403),
            ("post", "/api/v1/webhooks/twilio/inbound", 403),
        ]


def test_health_needs_no_token(api: Api) -> None:
    body = api.ok("/api/v1/health", role=None)
    assert body["status"] == "ok"


def test_me_tells_tenant_role_and_what_is_seen(api: Api) -> None:
    seen = {}
    for role in Role:
        body = api.ok("/api/v1/me", role=role)
        assert (body["tenant"], body["role"]) == (HOME, role.value)
        seen[role] = set(body["sees_in_clear"])
    assert seen[Role.ADMIN] == seen[Role.COMPLIANCE] == {f.value for f in PersonalField}
    assert seen[Role.AGENT] == seen[Role.SUPERVISOR] == {"name", "phone", "email", "address"}
    assert seen[Role.READONLY] == set()


def test_any_role_may_read(api: Api) -> None:
    for role in Role:
        assert api.get(CASES, role=role).status_code == 200, role


def test_require_roles_refuses_other_roles_with_403(api: Api) -> None:
    @api.app.get("/test-only/admin")
    def admin_only(
        principal: Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR))],
    ) -> dict[str, str]:
        return {"role": principal.role.value}

    assert api.ok("/test-only/admin", role=Role.SUPERVISOR) == {"role": "supervisor"}
    refused = api.get("/test-only/admin", role=Role.AGENT)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "access.not_permitted"
    assert api.get("/test-only/admin", role=None).status_code == 401
