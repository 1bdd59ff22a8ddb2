"""Liveness and the caller's own grants: what a client checks before anything else."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from recoverly.api.deps import Caller
from recoverly.api.schemas.common import error_responses
from recoverly.api.schemas.meta import CallerOut, HealthOut
from recoverly.domain.roles import PersonalField, sees_in_clear

router = APIRouter(tags=["meta"])


def package_version() -> str:
    try:
        return version("recoverly")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


@router.get(
    "/health",
    summary="Liveness",
    description="Answers 200 while the process serves requests. Needs no token.",
)
def health() -> HealthOut:
    return HealthOut(status="ok", version=package_version())


@router.get(
    "/me",
    summary="Who am I",
    description="The tenant and role of the bearer token, and which personal fields it sees.",
    responses=error_responses(401),
)
def me(caller: Caller) -> CallerOut:
    return CallerOut(
        tenant=caller.tenant,
        role=caller.role,
        sees_in_clear=[f for f in PersonalField if sees_in_clear(caller.role, f)],
    )
