"""Every read of personal data by a person, recorded twice: the audit trail and the log.

A person shown a debtor's data in clear (an agent dialling a number, a supervisor opening a
debtor) leaves a ``personal_data_reads`` row (who, when, which fields, why, through what)
and a ``data_access`` entry in the evidence log under each of the debtor's cases, so a
case's bundle shows who saw the person's data. One function writes both, whatever the
path: the API's routes (``api/audit.py`` adds the route and commits), the agent desk
service (``channels/desk.py``) and the demo's simulated agents.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection

from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.domain.parties import Debtor
from recoverly.domain.roles import PersonalField, Role, personal_fields, sees_in_clear
from recoverly.evidence import log as evidence_log
from recoverly.store.repositories import cases, privacy


def record_reads(
    conn: Connection,
    tenant_id: int,
    actor: str,
    role: Role,
    debtors: Iterable[Debtor],
    fields: Iterable[PersonalField],
    purpose: str,
    via: str,
    now: datetime,
) -> list[privacy.Read]:
    """Record that ``actor`` (in ``role``) is shown ``fields`` of ``debtors``, in the
    caller's transaction (the caller commits before it shows anything).

    Only what the role sees in clear and the debtor's record holds is a read: a masked
    value, or a field the debtor has none of, discloses nothing.

    Args:
        actor: who reads (a user's log-in name or a token's subject).
        purpose: why (``collections``, ``call``, …), kept with the read.
        via: through what (``POST /api/v1/cases/{case_id}/calls``, ``demo desk``).

    Returns:
        The reads written, one per debtor with something shown.
    """
    shown = [f for f in fields if sees_in_clear(role, f)]
    reads = []
    for debtor in debtors:
        held = personal_fields(debtor)
        personal = tuple(f.value for f in shown if f in held)
        if personal:
            reads.append(
                privacy.Read(now, actor, role.value, debtor.debtor_id, personal, purpose, via)
            )
    privacy.record(conn, tenant_id, reads)
    _log(conn, tenant_id, reads, now)
    return reads


def _log(conn: Connection, tenant_id: int, reads: list[privacy.Read], now: datetime) -> None:
    """Each read also goes to the evidence log, filed under each of the debtor's cases, so
    a case's bundle shows who saw the person's data and why; ids only, never the data."""
    if not reads:
        return
    evidence_log.append(
        conn,
        [
            Evidence(
                kind=EvidenceKind.DATA_ACCESS,
                tenant_id=tenant_id,
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
