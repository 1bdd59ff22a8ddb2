"""``/audit``: who read whose personal data, when, why and how."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from recoverly.api.deps import Conn, PageParams, require_roles
from recoverly.api.schemas.audit import ReadOut, ReadPage
from recoverly.api.schemas.common import error_responses
from recoverly.domain.roles import Role
from recoverly.store.repositories import privacy
from recoverly.store.repositories.tenancy import Principal

router = APIRouter(prefix="/audit", tags=["audit"], responses=error_responses(401, 403, 422))

Officer = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.COMPLIANCE))]


@router.get(
    "/personal-data-reads",
    summary="Personal-data reads",
    description=(
        "Every answer that showed a debtor's personal data in clear to a person: who "
        "(user or token), in which role, which fields, when, why (the caller's "
        "`X-Recoverly-Purpose` header) and through which route. Newest first; admins and "
        "compliance officers only."
    ),
)
def personal_data_reads(
    caller: Officer,
    conn: Conn,
    paging: PageParams,
    debtor_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=128)] = None,
) -> ReadPage:
    found = privacy.listing(
        conn,
        caller.tenant_id,
        debtor_id=debtor_id,
        actor=actor,
        limit=paging.limit,
        offset=paging.offset,
    )
    return ReadPage(
        items=[ReadOut.of(r) for r in found.items],
        total=found.total,
        limit=paging.limit,
        offset=paging.offset,
    )
