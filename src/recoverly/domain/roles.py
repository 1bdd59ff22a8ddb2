"""Roles and what personal data each may see in clear.

Kept in one place so that the API, the web UI and exports mask the same fields for the
same roles, and so that a reviewer can read the whole policy at a glance.
"""

from __future__ import annotations

from enum import StrEnum

from recoverly.domain.parties import ContactKind, Debtor, DebtorType


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"
    COMPLIANCE = "compliance"
    READONLY = "readonly"


class PersonalField(StrEnum):
    NAME = "name"  # of a person; a company's name is not personal data
    NATIONAL_ID = "national_id"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    DATE_OF_BIRTH = "date_of_birth"


# Agents and supervisors must reach debtors, so they see who and how; only admins and
# compliance officers (who answer subject-access requests and regulators) see national
# ids; read-only users (reporting, analytics) need no one's identity at all.
_REACH = frozenset(
    {PersonalField.NAME, PersonalField.PHONE, PersonalField.EMAIL, PersonalField.ADDRESS}
)
_CLEAR: dict[Role, frozenset[PersonalField]] = {
    Role.ADMIN: frozenset(PersonalField),
    Role.COMPLIANCE: frozenset(PersonalField),
    Role.SUPERVISOR: _REACH,
    Role.AGENT: _REACH,
    Role.READONLY: frozenset(),
}


_FIELD_OF_KIND = {
    ContactKind.PHONE: PersonalField.PHONE,
    ContactKind.EMAIL: PersonalField.EMAIL,
    ContactKind.ADDRESS: PersonalField.ADDRESS,
}


def personal_fields(debtor: Debtor) -> tuple[PersonalField, ...]:
    """The personal fields a debtor's record holds, in ``PersonalField`` order; a
    company's name is not personal data."""
    held = {_FIELD_OF_KIND[p.kind] for p in debtor.contact_points}
    if debtor.name and debtor.debtor_type == DebtorType.PERSON:
        held.add(PersonalField.NAME)
    if debtor.national_id:
        held.add(PersonalField.NATIONAL_ID)
    return tuple(f for f in PersonalField if f in held)


def sees_in_clear(role: Role, field: PersonalField) -> bool:
    return field in _CLEAR[role]


def mask(value: str | None, field: PersonalField) -> str | None:
    """Hide all but what a person needs to recognise a value (last digits, domain)."""
    if value is None or value == "":
        return value
    if field == PersonalField.EMAIL and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if field == PersonalField.NAME:
        return " ".join(f"{part[:1]}***" for part in value.split())
    if field in (PersonalField.PHONE, PersonalField.NATIONAL_ID):
        keep = 2 if len(value) > 6 else 0
        return "*" * (len(value) - keep) + value[len(value) - keep :]
    return "***"
