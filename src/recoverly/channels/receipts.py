"""Delivery receipts: what a provider later says became of a message it accepted.

A receipt that settles a contact's outcome goes to the evidence log in the transaction
that applies it, so a bundle shows a message delivered (or not) exactly when the
contact record says so, once however often the provider repeats itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from recoverly.channels.adapters.base import DeliveryReceipt, DeliveryStatus
from recoverly.domain.events import Outcome
from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.evidence import log as evidence_log
from recoverly.store.repositories import outbox as repo

# Only final statuses change the contact's outcome; queued and sent say nothing new.
OUTCOME = {
    DeliveryStatus.DELIVERED: Outcome.DELIVERED.value,
    DeliveryStatus.UNDELIVERED: Outcome.FAILED.value,
    DeliveryStatus.FAILED: Outcome.FAILED.value,
}


def apply(conn: Connection, receipt: DeliveryReceipt) -> bool:
    """Record a receipt; idempotent, and a late ``sent`` never undoes ``delivered``."""
    outcome = OUTCOME.get(receipt.status)
    if outcome is None:
        return False
    applied = repo.record_receipt(conn, receipt.provider_id, outcome, receipt.at)
    _log(conn, applied, receipt.at)
    return bool(applied)


def apply_pending(conn: Connection, now: datetime, *, provider_id: str | None = None) -> int:
    """Apply receipts that arrived before their send was recorded (only ``provider_id``'s,
    if given); returns how many contacts' outcomes they changed."""
    applied = repo.apply_receipts(conn, now, provider_id=provider_id)
    _log(conn, applied, now)
    return len(applied)


def _log(conn: Connection, applied: Sequence[repo.AppliedReceipt], now: datetime) -> None:
    evidence_log.append(
        conn,
        [
            Evidence(
                kind=EvidenceKind.MESSAGE_DELIVERED
                if a.outcome == Outcome.DELIVERED.value
                else EvidenceKind.MESSAGE_FAILED,
                tenant_id=a.tenant_id,
                at=now,
                case_id=a.case_id,
                facts=(
                    ("plan_id", a.plan_id),
                    ("channel", a.channel),
                    ("provider_id", a.provider_id),
                    ("received_at", a.received_at.isoformat()),
                ),
            )
            for a in applied
        ],
        now,
    )
