"""Cases: the debtor-level unit of collections work, its stage and its holds.

A case groups a debtor's accounts in one tenant. Its stage says which tier works it
(digital first, then agents, then legal or an outside agency). Holds stop collection for a
reason the law or the creditor recognises; a hold with no end date lasts until lifted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Stage(StrEnum):
    DIGITAL = "digital"
    AGENT = "agent"
    LEGAL = "legal"
    AGENCY = "agency"
    CLOSED = "closed"


class HoldKind(StrEnum):
    DISPUTE = "dispute"
    COMPLAINT = "complaint"
    CEASE_COMMUNICATION = "cease_communication"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    BREATHING_SPACE = "breathing_space"
    VULNERABLE = "vulnerable"  # not a stop: no automated voice, a trained agent instead
    ATTORNEY = "attorney"  # represented for the debt: talk to the attorney, not the debtor
    NO_WORK_CONTACT = "no_work_contact"  # not at the place of employment
    OPT_OUT = "opt_out"  # not through one medium (the hold names the channel)
    TIME_BARRED = "time_barred"  # no legal action, nor a threat of one


@dataclass(frozen=True, slots=True)
class Hold:
    kind: HoldKind
    starts_at: datetime
    ends_at: datetime | None = None
    reason: str = ""
    channel: str | None = None  # the one channel it stops (an opt-out), else None
    hold_id: int | None = None  # the store's id, once stored

    def active(self, at: datetime) -> bool:
        return self.starts_at <= at and (self.ends_at is None or at < self.ends_at)


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    debtor_id: str
    stage: Stage
    opened_at: datetime
    closed_at: datetime | None = None
    holds: tuple[Hold, ...] = field(default=())

    def active_holds(self, at: datetime) -> tuple[Hold, ...]:
        return tuple(h for h in self.holds if h.active(at))

    def on_hold(self, at: datetime) -> bool:
        return bool(self.active_holds(at))


CASE_ID_PREFIX = "C-"


def case_id_for(debtor_id: str) -> str:
    """The id of a debtor's first case: stable, so that re-imports never duplicate it."""
    return f"{CASE_ID_PREFIX}{debtor_id}"
