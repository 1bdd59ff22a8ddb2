"""The FastAPI application: routers under ``/api/v1``, offline docs, one engine per app.

The engine lives on ``app.state`` rather than in a module global so that two apps (two
test databases, or SQLite and PostgreSQL side by side) never share connections.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline

from recoverly.api import errors
from recoverly.api.routers import (
    accounts,
    activity,
    audit,
    cases,
    complaints,
    compliance,
    debtors,
    desk,
    meta,
    privacy,
    qa,
    reports,
    webhooks,
)
from recoverly.api.routers.meta import package_version
from recoverly.config import get_settings
from recoverly.store import session

API_PREFIX = "/api/v1"

DESCRIPTION = """
Read access to a Recoverly tenant's collections portfolio.

**Authentication.** Every route except `/api/v1/health` needs
`Authorization: Bearer TOKEN`; issue one with
`recoverly token create --tenant NAME --role ROLE`. A missing, unknown or revoked token
gets 401.

**Tenants.** A token belongs to one tenant and sees only its data. Another tenant's
object answers 404, exactly as one that does not exist.

**Personal data.** People's names, national ids, phones, e-mail and postal addresses are masked
unless the token's role may see them (`GET /api/v1/me` lists what it sees in clear).

**Money** is `{"amount": "1234.50", "currency": "USD"}`: the amount is a decimal string
with the currency's ISO 4217 minor-unit digits. Never parse it as a float.

**Delinquency** (past-due days, buckets) is computed for the `as_of` query parameter
(default: today, UTC), never stored.

**Listings** answer `{"items", "total", "limit", "offset"}`, ordered by id (histories
oldest first); `limit` is 1 to 500, default 50.
"""

TAGS = [
    {"name": "cases", "description": "Debtor-level units of work, their stage and holds."},
    {"name": "accounts", "description": "Balances, delinquency for a date, payments."},
    {"name": "debtors", "description": "Who owes, how to reach them, contact history."},
    {"name": "activity", "description": "Record contacts and outcomes, promises, payments."},
    {"name": "reports", "description": "Collection KPIs by strategy branch."},
    {"name": "webhooks", "description": "Provider callbacks, authenticated by signature."},
    {"name": "desk", "description": "Place a call or send a message, when the rules allow."},
    {"name": "compliance", "description": "May this contact happen now, and if not, when?"},
    {"name": "audit", "description": "Who read whose personal data, when and why."},
    {"name": "privacy", "description": "A data subject's access to, and erasure of, their data."},
    {"name": "complaints", "description": "Complaints in a closed loop, on statutory clocks."},
    {"name": "qa", "description": "Conversation QA: texts screened, alerts queued for review."},
    {"name": "meta", "description": "Liveness and the caller's grants."},
]


def _operation_id(route: APIRoute) -> str:
    """Operation ids are the handler names (``list_cases``), so generated clients read well."""
    return route.name


def create_app(database_url: str | None = None) -> FastAPI:
    """The API over ``database_url`` (default ``RECOVERLY_DATABASE_URL``), schema migrated."""
    url = database_url or get_settings().database_url

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        session.dispose(url)

    app = FastAPIOffline(
        title="Recoverly API",
        version=package_version(),
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        # Swagger UI asks validator.swagger.io about the spec unless told not to: offline, never.
        swagger_ui_parameters={"persistAuthorization": True, "validatorUrl": None},
    )
    app.state.engine = session.open_engine(url)
    errors.install(app)
    for router in (
        meta.router,
        cases.router,
        desk.router,
        compliance.router,
        audit.router,
        complaints.router,
        complaints.pauses_router,
        qa.router,
        accounts.router,
        debtors.router,
        privacy.router,
        activity.router,
        reports.router,
        webhooks.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    return app
