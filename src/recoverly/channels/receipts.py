"""Delivery receipts: what a provider later says became of a message it accepted."""

from __future__ import annotations

from sqlalchemy import Connection

from recoverly.channels.adapters.base import DeliveryReceipt, DeliveryStatus
from recoverly.domain.events import Outcome
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
    return repo.record_receipt(conn, receipt.provider_id, outcome, receipt.at)
