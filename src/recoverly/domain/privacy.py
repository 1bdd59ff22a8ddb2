"""Privacy values: what a debtor's retention clock runs from, what holds their data back,
and the pseudonym an erased debtor goes by.

Erasure keeps the rows the law or the ledgers need (cases, accounts, payments, the
complaint record, the contact log) and removes the person from them: names, national
ids, contact points and free text become a pseudonym or ``ERASED``. The pseudonym is
stable (derived from the tenant's key, which the rows keep anyway) so that repeated or
resumed erasures write the same value.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

ERASED = "[erased]"  # what erased free text (complaint narratives, notes) reads


def pseudonym(tenant_id: int, debtor_id: str) -> str:
    """``erased:<12 hex digits>``: the name an erased debtor's row carries from then on."""
    digest = hashlib.sha256(f"{tenant_id}:{debtor_id}".encode()).hexdigest()
    return f"erased:{digest[:12]}"


@dataclass(frozen=True, slots=True)
class DebtorActivity:
    """The events of one debtor's records that retention periods run from (UTC).

    ``last_activity`` is the latest of every collection event (a case opened or closed, a
    contact, a message sent, a promise, a payment, a complaint), and at least the day
    the debtor was recorded.
    """

    debtor_id: str
    country: str
    region: str | None
    open_cases: int
    last_activity: datetime
    last_payment: datetime | None = None
    last_call: datetime | None = None


class HoldGround(StrEnum):
    """Why a debtor's personal data may not be erased now."""

    OPEN_CASE = "open_case"  # the claim is still pursued (GDPR art. 17(1)(a), 17(3)(e))
    OPEN_COMPLAINT = "open_complaint"
    HOLD = "hold"  # a hold on a case whose kind means legal proceedings
    LEGAL_HOLD = "legal_hold"  # an explicit preservation order


@dataclass(frozen=True, slots=True)
class LegalHold:
    """One reason erasure must wait: its ground, the record it is (case, complaint or hold
    id) and why, in plain words. Carries no personal data: it goes into the audit."""

    ground: HoldGround
    ref: str
    why: str

    def describe(self) -> str:
        return f"{self.ground.value} {self.ref}: {self.why}"


class ErasureOutcome(StrEnum):
    ERASED = "erased"
    REFUSED = "refused"
    ALREADY_ERASED = "already_erased"


class ErasureTrigger(StrEnum):
    REQUEST = "request"  # the data subject asked (GDPR art. 17), through an officer
    RETENTION = "retention"  # the retention period ended (the purge job)
