"""Debtors and the ways to reach them.

A debtor is a person or a company. Each contact point records where it came from, what it
may be used for, whether (and when) the debtor consented to its use, and whether it is
verified, because the compliance and data-protection rules of most jurisdictions turn on
exactly those facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class DebtorType(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"


# The kind of contact point each channel reaches a debtor through. A channel not listed
# (push needs an app installation, which Recoverly does not record yet) reaches nobody.
REACHED_THROUGH: dict[str, ContactKind] = {
    "call": ContactKind.PHONE,
    "sms": ContactKind.PHONE,
    "voice_bot": ContactKind.PHONE,
    "email": ContactKind.EMAIL,
    "letter": ContactKind.ADDRESS,
}


class Party(StrEnum):
    """Who a contact is with. Collection rules turn on it: most jurisdictions allow talking
    about the debt only with the people liable for it (and those the law treats as them),
    and let collectors ask others at most where the debtor can be reached."""

    DEBTOR = "debtor"
    SPOUSE = "spouse"
    GUARDIAN = "guardian"  # of a minor or an incapacitated debtor
    EXECUTOR = "executor"  # or administrator of a deceased debtor's estate
    ATTORNEY = "attorney"  # the debtor's, for this debt
    GUARANTOR = "guarantor"  # co-signer, co-maker: liable for the debt
    DESIGNATED_CONTACT = "designated_contact"  # named by the debtor in advance
    THIRD_PARTY = "third_party"  # anyone else: family, friends, neighbours, employer


class Purpose(StrEnum):
    """Why a contact is made: to collect, or only to find where the debtor is."""

    COLLECTION = "collection"
    LOCATION = "location"


class Place(StrEnum):
    """Where the contact reaches the person: at home (or a personal address or number),
    or at their place of employment."""

    HOME = "home"
    WORK = "work"


class Consent(StrEnum):
    """Whether the debtor agreed to be contacted through this point."""

    UNKNOWN = "unknown"
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ContactPurpose(StrEnum):
    """What a contact point was given for: purpose limitation (GDPR art. 5(1)(b)) means a
    point given for servicing an account is not thereby available for collecting on it."""

    COLLECTION = "collection"
    SERVICING = "servicing"


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class ContactPoint:
    kind: ContactKind
    value: str
    source: str
    consent: Consent = Consent.UNKNOWN
    verification: Verification = Verification.UNVERIFIED
    purpose: ContactPurpose = ContactPurpose.COLLECTION
    consent_at: datetime | None = None  # when consent was given or withdrawn, if known

    @property
    def usable(self) -> bool:
        """A point may be used unless consent was withdrawn or it is known to be wrong."""
        return self.consent != Consent.WITHDRAWN and self.verification != Verification.INVALID


@dataclass(frozen=True, slots=True)
class Debtor:
    debtor_id: str
    name: str
    country: str
    timezone: str
    debtor_type: DebtorType = DebtorType.PERSON
    region: str | None = None
    language: str | None = None
    national_id: str | None = None
    contact_points: tuple[ContactPoint, ...] = field(default=())

    @property
    def jurisdiction(self) -> str:
        """ISO 3166-1 alpha-2, with ``-`` and the ISO 3166-2 subdivision when known."""
        return f"{self.country}-{self.region}" if self.region else self.country
