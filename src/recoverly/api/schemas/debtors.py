"""Debtors, their contact points and contact history, masked for the caller's role."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from recoverly.api.schemas.common import Page, debtor_name, page_example, personal
from recoverly.domain.events import Channel, ContactAttempt, Direction, Outcome
from recoverly.domain.parties import (
    Consent,
    ContactKind,
    ContactPoint,
    ContactPurpose,
    Debtor,
    DebtorType,
    Verification,
)
from recoverly.domain.roles import PersonalField, Role
from recoverly.store.repositories.debtors import DebtorRecord

DEBTOR_EXAMPLE: JsonDict = {
    "debtor_id": "D-77",
    "debtor_type": "person",
    "name": "Jane Doe",
    "national_id": "*********89",
    "country": "US",
    "region": "NY",
    "jurisdiction": "US-NY",
    "timezone": "America/New_York",
    "language": "en-US",
}

_FIELD_OF_KIND = {
    ContactKind.PHONE: PersonalField.PHONE,
    ContactKind.EMAIL: PersonalField.EMAIL,
    ContactKind.ADDRESS: PersonalField.ADDRESS,
}


class DebtorOut(BaseModel):
    """A debtor; ``national_id`` is masked unless the caller's role may see it in clear."""

    model_config = ConfigDict(json_schema_extra={"examples": [DEBTOR_EXAMPLE]})

    debtor_id: str
    debtor_type: DebtorType
    name: str
    national_id: str | None = Field(description="Masked for roles that may not see it.")
    country: str = Field(description="ISO 3166-1 alpha-2.")
    region: str | None = Field(description="ISO 3166-2 subdivision code, without country.")
    jurisdiction: str = Field(description="country, or country-region when known.")
    timezone: str = Field(description="IANA time zone the debtor lives in.")
    language: str | None = Field(description="BCP 47 language tag.")

    @classmethod
    def of(cls, debtor: Debtor, role: Role) -> DebtorOut:
        return cls.model_validate(_debtor_fields(debtor, role))


def _debtor_fields(debtor: Debtor, role: Role) -> dict[str, object]:
    return {
        "debtor_id": debtor.debtor_id,
        "debtor_type": debtor.debtor_type,
        "name": debtor_name(debtor, role),
        "national_id": personal(debtor.national_id, PersonalField.NATIONAL_ID, role),
        "country": debtor.country,
        "region": debtor.region,
        "jurisdiction": debtor.jurisdiction,
        "timezone": debtor.timezone,
        "language": debtor.language,
    }


class ContactPointOut(BaseModel):
    kind: ContactKind
    value: str = Field(description="Masked unless the caller's role may see it in clear.")
    masked: bool = Field(description="Whether `value` is masked for the caller.")
    source: str = Field(description="Where the contact point came from.")
    consent: Consent
    consent_at: datetime | None = Field(description="When consent was given or withdrawn.")
    purpose: ContactPurpose = Field(description="What the point may be used for.")
    verification: Verification
    usable: bool = Field(description="False when consent was withdrawn or it is invalid.")

    @classmethod
    def of(cls, point: ContactPoint, role: Role) -> ContactPointOut:
        field = _FIELD_OF_KIND[point.kind]
        shown = personal(point.value, field, role) or ""
        return cls(
            kind=point.kind,
            value=shown,
            masked=shown != point.value,
            source=point.source,
            consent=point.consent,
            consent_at=point.consent_at,
            purpose=point.purpose,
            verification=point.verification,
            usable=point.usable,
        )


class DebtorDetailOut(DebtorOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **DEBTOR_EXAMPLE,
                    "contact_points": [
                        {
                            "kind": "phone",
                            "value": "**********67",
                            "masked": True,
                            "source": "portfolio.csv",
                            "consent": "given",
                            "consent_at": "2026-01-15T10:00:00Z",
                            "purpose": "collection",
                            "verification": "verified",
                            "usable": True,
                        }
                    ],
                    "created_at": "2026-02-01T09:00:00Z",
                    "updated_at": "2026-02-01T09:00:00Z",
                }
            ]
        }
    )

    contact_points: list[ContactPointOut]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of_record(cls, record: DebtorRecord, role: Role) -> DebtorDetailOut:
        return cls.model_validate(
            _debtor_fields(record.debtor, role)
            | {
                "contact_points": [
                    ContactPointOut.of(p, role) for p in record.debtor.contact_points
                ],
                "created_at": record.created_at,
                "updated_at": record.updated_at,
            }
        )


class DebtorPage(Page[DebtorOut]):
    model_config = ConfigDict(json_schema_extra=page_example(DEBTOR_EXAMPLE))


CONTACT_EXAMPLE: JsonDict = {
    "contact_id": "K-9001",
    "debtor_id": "D-77",
    "account_id": "A-1001",
    "plan_id": "PL-2026-03-01-17",
    "channel": "call",
    "direction": "outbound",
    "at": "2026-03-01T15:00:00Z",
    "outcome": "no_answer",
    "right_party_contact": False,
}


class ContactAttemptOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [CONTACT_EXAMPLE]})

    contact_id: str
    debtor_id: str
    account_id: str | None
    plan_id: str | None = Field(description="The daily plan row that scheduled it, if any.")
    channel: Channel
    direction: Direction
    at: datetime
    outcome: Outcome
    right_party_contact: bool = Field(description="Whether the debtor themself was reached.")

    @classmethod
    def of(cls, attempt: ContactAttempt) -> ContactAttemptOut:
        return cls(
            contact_id=attempt.contact_id,
            debtor_id=attempt.debtor_id,
            account_id=attempt.account_id,
            plan_id=attempt.plan_id,
            channel=attempt.channel,
            direction=attempt.direction,
            at=attempt.at,
            outcome=attempt.outcome,
            right_party_contact=attempt.right_party_contact,
        )


class ContactAttemptPage(Page[ContactAttemptOut]):
    model_config = ConfigDict(json_schema_extra=page_example(CONTACT_EXAMPLE))
