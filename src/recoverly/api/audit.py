"""Personal data shown to a person is written to the audit trail before it is sent.

Routes that answer with debtors' personal data call :func:`disclose` with the debtors and
the fields the answer carries; what the caller's role sees in clear is recorded (masked
values are not personal data read), with who asked, when, why and through which route,
and committed at once: if the record cannot be written, the answer is not sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Header, Request
from sqlalchemy import Connection

from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.domain.parties import Debtor
from recoverly.domain.roles import PersonalField, personal_fields, sees_in_clear
from recoverly.evidence import log as evidence_log
from recoverly.store.repositories import cases, privacy, tenancy
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
    them in clear), and commit."""
    shown = [f for f in fields if sees_in_clear(caller.role, f)]
    route = _route(request)
    now = datetime.now(UTC)
    reads = []
    for debtor in debtors:
        held = personal_fields(debtor)
        personal = [f.value for f in shown if f in held]
        if personal:
            reads.append(
                privacy.Read(
                    now,
                    caller.subject,
                    caller.role.value,
                    debtor.debtor_id,
                    tuple(personal),
                    purpose,
                    f"{request.method} {route}",
                )
            )
    privacy.record(conn, caller.tenant_id, reads)
    _log(conn, caller.tenant_id, reads, now)
    conn.commit()


def _log(conn: Connection, tenant_id: int, reads: list[privacy.Read], now: datetime) -> None:
    """Each read also goes to the evidence log, filed under each of the debtor's cases, so
    a case's bundle shows who saw the person's data and why; ids only, never the data."""
    tenant = tenancy.tenant_name(conn, tenant_id)
    evidence_log.append(
        conn,
        [
            Evidence(
                kind=EvidenceKind.DATA_ACCESS,
                tenant_id=tenant_id,
                tenant=tenant,
                at=read.at,
                case_id=case_id,
                facts=(
                    ("debtor_id", read.debtor_id),
                    ("actor", read.actor),
                    ("role", read.role),
                    ("fields", ",".join(read.fields)),
                    ("purpose", read.purpose),
                    ("via", read.via),
                ),
            )
            for read in reads
            for case_id in cases.case_ids_of(conn, tenant_id, read.debtor_id)
        ],
        now,
    )


def _route(request: Request) -> str:
    """The route's template with its mount prefix: ``/api/v1/debtors/{debtor_id}``."""
    template = getattr(request.scope.get("route"), "path", None)
    if not isinstance(template, str):
        return request.url.path
    filled = template.format(**request.path_params)
    path = request.url.path
    prefix = path[: -len(filled)] if filled and path.endswith(filled) else ""
    return prefix + template
