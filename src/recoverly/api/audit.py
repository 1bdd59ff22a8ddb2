"""Personal data shown to a person is written to the audit trail before it is sent.

Routes that answer with debtors' personal data call :func:`disclose` with the debtors and
the fields the answer carries; what the caller's role sees in clear is recorded (masked
values are not personal data read), with who asked, when, why and through which route,
and committed at once: if the record cannot be written, the answer is not sent. The
recording itself (audit row and evidence entry) is ``compliance.privacy.reads``, shared
with the paths that are not HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Header, Request
from sqlalchemy import Connection

from recoverly.compliance.privacy.reads import record_reads
from recoverly.domain.parties import Debtor
from recoverly.domain.roles import PersonalField
from recoverly.store.repositories.tenancy import Principal

DEFAULT_PURPOSE = "collections"

Purpose = Annotated[
    str,
    Header(
        alias="X-Recoverly-Purpose",
        max_length=64,
        pattern=r"^[a-z][a-z0-9_.-]*$",
        description="Why personal data is read (kept in the audit trail); default collections.",
    ),
]


def disclose(
    conn: Connection,
    caller: Principal,
    request: Request,
    purpose: str,
    debtors: Iterable[Debtor],
    fields: Iterable[PersonalField],
) -> None:
    """Record that ``caller`` is shown ``fields`` of ``debtors`` (as far as the role sees
    them in clear), through the request's route, and commit."""
    record_reads(
        conn,
        caller.tenant_id,
        caller.subject,
        caller.role,
        debtors,
        fields,
        purpose,
        via(request),
        datetime.now(UTC),
    )
    conn.commit()


def via(request: Request) -> str:
    """How a read came: the method and the route's template (``GET /api/v1/debtors/{id}``)."""
    return f"{request.method} {_route(request)}"


def _route(request: Request) -> str:
    """The route's template with its mount prefix: ``/api/v1/debtors/{debtor_id}``."""
    template = getattr(request.scope.get("route"), "path", None)
    if not isinstance(template, str):
        return request.url.path
    filled = template.format(**request.path_params)
    path = request.url.path
    prefix = path[: -len(filled)] if filled and path.endswith(filled) else ""
    return prefix + template
