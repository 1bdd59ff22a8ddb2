"""What happens on a case: payments, contact attempts and promises to pay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from recoverly.domain.money import Money


class Channel(StrEnum):
    CALL = "call"
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"
    VISIT = "visit"
    PUSH = "push"
    VOICE_BOT = "voice_bot"


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Outcome(StrEnum):
    """What a contact attempt came to; the first seven are the compliance contract's."""

    CONVERSATION = "conversation"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    BUSY = "busy"
    WRONG_PARTY = "wrong_party"
    DELIVERED = "delivered"
    FAILED = "failed"
    SENT = "sent"
    OPENED = "opened"
    CLICKED = "clicked"
    BOUNCED = "bounced"
    PROMISE_TO_PAY = "promise_to_pay"
    REFUSED_TO_PAY = "refused_to_pay"
    DISPUTE = "dispute"
    CEASE_REQUEST = "cease_request"
    CALLBACK_REQUESTED = "callback_requested"

    @property
    def right_party_contact(self) -> bool:
        """Whether the debtor themself was reached and spoken or written with."""
        return self in _RIGHT_PARTY


_RIGHT_PARTY = frozenset(
    {
        Outcome.CONVERSATION,
        Outcome.PROMISE_TO_PAY,
        Outcome.REFUSED_TO_PAY,
        Outcome.DISPUTE,
        Outcome.CEASE_REQUEST,
        Outcome.CALLBACK_REQUESTED,
    }
)


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    WALLET = "wallet"
    DIRECT_DEBIT = "direct_debit"
    CASH = "cash"
    CHEQUE = "cheque"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Payment:
    payment_id: str
    account_id: str
    amount: Money
    paid_at: datetime
    method: PaymentMethod = PaymentMethod.OTHER
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class ContactAttempt:
    contact_id: str
    debtor_id: str
    channel: Channel
    at: datetime
    outcome: Outcome
    direction: Direction = Direction.OUTBOUND
    account_id: str | None = None
    plan_id: str | None = None

    @property
    def right_party_contact(self) -> bool:
        return self.outcome.right_party_contact


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Promise:
    promise_id: str
    account_id: str
    amount: Money
    due_date: date
    made_at: datetime
    status: PromiseStatus = PromiseStatus.OPEN
