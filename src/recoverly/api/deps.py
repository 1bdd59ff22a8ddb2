"""What routes receive by injection: a connection, the caller, paging and the as-of date.

The caller (``Principal``) carries the tenant id that every repository call is scoped by;
routes get it only from here, from the bearer token, never from a parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine

from recoverly.api.errors import UnauthenticatedError
from recoverly.config import get_settings
from recoverly.domain.errors import InvalidInput, NotPermitted
from recoverly.domain.roles import Role
from recoverly.store.repositories import tenancy
from recoverly.store.repositories.tenancy import Principal

MAX_LIMIT = 500
EARLIEST_AS_OF, LATEST_AS_OF = date(1900, 1, 1), date(2999, 12, 31)

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A token from `recoverly token create --tenant NAME --role ROLE`.",
)


def connection(request: Request) -> Iterator[Connection]:
    """One connection per request, shared by authentication and the route."""
    engine: Engine = request.app.state.engine
    with engine.connect() as conn:
        yield conn


Conn = Annotated[Connection, Depends(connection)]


def caller(
    conn: Conn,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The tenant and role of the bearer token; 401 when there is none or it is unknown."""
    if credentials is None:
        raise UnauthenticatedError(
            "this endpoint needs an 'Authorization: Bearer TOKEN' header", token_given=False
        )
    principal = tenancy.principal_for_token(conn, credentials.credentials)
    if principal is None:
        raise UnauthenticatedError("the bearer token is unknown or revoked", token_given=True)
    return principal


Caller = Annotated[Principal, Depends(caller)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting only ``roles``; for routes that change or export data."""
    allowed = frozenset(roles)

    def check(principal: Caller) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise NotPermitted(
                f"role {principal.role.value} may not do this; needs one of: {names}"
            )
        return principal

    return check


def as_of(
    as_of: Annotated[
        date | None,
        Query(
            description="Date past-due days and buckets are computed for (default: the "
            "business date, RECOVERLY_BUSINESS_DATE, or else today in UTC).",
            examples=["2026-03-01"],
        ),
    ] = None,
) -> date:
    if as_of is None:
        return get_settings().today()
    # Buckets subtract up to a few hundred days; keep that far from date.min and date.max.
    if not EARLIEST_AS_OF <= as_of <= LATEST_AS_OF:
        raise InvalidInput(
            f"as_of must be between {EARLIEST_AS_OF} and {LATEST_AS_OF}; got {as_of}"
        )
    return as_of


AsOf = Annotated[date, Depends(as_of)]


def now() -> datetime:
    """The request's instant, for deciding which holds are in force."""
    return datetime.now(UTC)


Now = Annotated[datetime, Depends(now)]


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = 50,
    offset: Annotated[
        int, Query(ge=0, le=1_000_000_000, description="Items to skip before the page.")
    ] = 0,
) -> Paging:
    return Paging(limit, offset)


PageParams = Annotated[Paging, Depends(paging)]
