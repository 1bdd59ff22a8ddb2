"""What agents, integrations and payment systems report back: contacts, promises,
payments. Amounts are decimal strings, never floats; ids are the caller's, so a retried
request records nothing twice."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from recoverly.domain.events import Channel, Direction, Outcome, PaymentMethod

AMOUNT = Field(
    pattern=r"^\d+(\.\d+)?$",
    description="Decimal string in the account's currency, with at most its minor digits.",
    examples=["125.50"],
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PaymentIn(_In):
    payment_id: str = Field(min_length=1, max_length=64, description="The payment system's id.")
    account_id: str = Field(min_length=1, max_length=64)
    amount: str = AMOUNT
    paid_at: datetime = Field(description="When the money was received (ISO 8601, with offset).")
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    method: PaymentMethod | None = None
    reference: str | None = Field(default=None, max_length=128)


class PromiseIn(_In):
    promise_id: str = Field(min_length=1, max_length=64)
    account_id: str = Field(min_length=1, max_length=64)
    amount: str = AMOUNT
    due_date: date
    made_at: datetime | None = Field(default=None, description="Default: now.")
    currency: str | None = Field(default=None, min_length=3, max_length=3)


class ContactIn(_In):
    contact_id: str = Field(min_length=1, max_length=64)
    debtor_id: str = Field(min_length=1, max_length=64)
    account_id: str | None = Field(default=None, max_length=64)
    channel: Channel
    direction: Direction = Direction.OUTBOUND
    at: datetime | None = Field(default=None, description="Default: now.")
    outcome: Outcome


class RecordedOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"kind": "payment", "id": "PAY-1"}]})

    kind: str = Field(description="payment, promise or contact")
    id: str = Field(description="The id the record was sent with.")
