"""Receipts that arrive before their send is recorded are kept and applied later.

Providers post status callbacks within milliseconds of accepting a message, often
before the dispatcher has committed what the send returned; such a receipt must not
be lost, whichever of the two transactions commits first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, update

from recoverly.channels import receipts
from recoverly.channels.adapters.base import DeliveryReceipt, DeliveryStatus
from recoverly.store.repositories import outbox as repo
from recoverly.store.tables import contact_attempts, delivery_receipts, evidence_entries
from tests.integration.channels.test_dispatcher import _setup

NOON = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def _claim_one(engine: Engine) -> repo.Claimed:
    with engine.begin() as conn:
        (item,) = repo.claim(conn, "w1", NOON, timedelta(minutes=5), 1)
    return item


def _outcome(engine: Engine, item: repo.Claimed) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                select(contact_attempts.c.outcome).where(
                    contact_attempts.c.tenant_id == item.tenant_id,
                    contact_attempts.c.contact_id == item.plan_id,
                )
            ).scalar_one()
        )


def _sent(item: repo.Claimed, provider_id: str) -> repo.Settlement:
    return repo.Settlement(repo.SENT, outcome=repo.SENT, provider_id=provider_id)


def _receipt(provider_id: str, status: DeliveryStatus) -> DeliveryReceipt:
    return DeliveryReceipt(provider_id=provider_id, status=status, error_code=None, at=NOON)


def _logged(engine: Engine) -> list[str]:
    """The receipts in the evidence log, in order."""
    e = evidence_entries.c
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(e.kind)
                .where(e.kind.in_(["message_delivered", "message_failed"]))
                .order_by(e.entry_index)
            ).scalars()
        )


def test_a_receipt_before_the_send_is_recorded_applies_when_it_is(
    engine: Engine, tmp_path: Path
) -> None:
    _setup(engine, tmp_path, accounts=40)
    item = _claim_one(engine)
    with engine.begin() as conn:
        assert receipts.apply(conn, _receipt("SM-early", DeliveryStatus.DELIVERED)) is False
    assert _logged(engine) == []
    with engine.begin() as conn:  # as the dispatcher records a send
        assert repo.finish(conn, item, "w1", _sent(item, "SM-early"), NOON)
        assert receipts.apply_pending(conn, NOON, provider_id="SM-early") == 1
    assert _outcome(engine, item) == "delivered"
    with engine.begin() as conn:  # the same receipt again changes nothing
        assert receipts.apply(conn, _receipt("SM-early", DeliveryStatus.DELIVERED)) is False
        # nor does a contrary one after the final outcome
        assert receipts.apply(conn, _receipt("SM-early", DeliveryStatus.FAILED)) is False
    assert _outcome(engine, item) == "delivered"
    assert _logged(engine) == ["message_delivered"]  # once, however often it was said


def test_a_receipt_neither_transaction_saw_is_applied_by_the_next_pass(
    engine: Engine, tmp_path: Path
) -> None:
    """The race: the receipt's transaction found no send, the send's found no receipt."""
    _setup(engine, tmp_path, accounts=40)
    item = _claim_one(engine)
    with engine.begin() as conn:
        assert repo.finish(conn, item, "w1", _sent(item, "SM-race"), NOON)
        conn.execute(
            delivery_receipts.insert().values(
                provider_id="SM-race", outcome="failed", received_at=NOON
            )
        )
    assert _outcome(engine, item) == "sent"
    with engine.begin() as conn:
        assert receipts.apply_pending(conn, NOON) == 1
        assert receipts.apply_pending(conn, NOON) == 0
    assert _outcome(engine, item) == "failed"
    assert _logged(engine) == ["message_failed"]

    def unapplied() -> int:
        with engine.connect() as conn:
            rows = conn.execute(select(delivery_receipts.c.applied_at)).scalars().all()
        return sum(1 for at in rows if at is None)

    with engine.begin() as conn:
        conn.execute(update(delivery_receipts).values(applied_at=None))
    with engine.begin() as conn:  # a receipt older than the patience is given up on
        receipts.apply_pending(conn, NOON + repo.RECEIPT_PATIENCE * 2)
    assert unapplied() == 1
    with engine.begin() as conn:
        receipts.apply_pending(conn, NOON)
    assert unapplied() == 0
