"""Debtors and the ways to reach them.

A debtor is a person or a company. Each contact point records where it came from, whether
the debtor consented to its use, and whether it is verified, because the compliance rules
of most jurisdictions turn on exactly those three facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
