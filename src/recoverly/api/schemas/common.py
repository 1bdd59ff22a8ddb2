"""Shapes every area shares: money, pages, errors, and masking of personal data."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from recoverly.domain.money import Money
from recoverly.domain.parties import Debtor, DebtorType
from recoverly.domain.roles import PersonalField, Role, mask, sees_in_clear

ItemT = TypeVar("ItemT")

MONEY_EXAMPLE: JsonDict = {"amount": "1234.50", "currency": "USD"}


class MoneyOut(BaseModel):
    """An exact amount: a decimal string, so that no client ever parses it as a float."""

    model_config = ConfigDict(frozen=True, json_schema_extra={"examples": [MONEY_EXAMPLE]})

    amount: str = Field(
        pattern=r"^-?\d+(\.\d+)?$",
        description="Decimal string with exactly the currency's ISO 4217 minor-unit digits.",
    )
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 currency code.")

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        return cls(amount=format(money.amount, "f"), currency=money.currency)

    @classmethod
    def maybe(cls, money: Money | None) -> MoneyOut | None:
        return None if money is None else cls.of(money)


class Page(BaseModel, Generic[ItemT]):
    """One page of a listing; ``total`` counts every item that matches the filters."""

    items: list[ItemT]
    total: int = Field(ge=0, description="Items matching the filters, on all pages.")
    limit: int = Field(ge=1, le=500, description="Page size asked for.")
    offset: int = Field(ge=0, description="Items skipped before this page.")


def page_example(item: JsonDict) -> JsonDict:
    return {"examples": [{"items": [item], "total": 1, "limit": 50, "offset": 0}]}


class FieldProblem(BaseModel):
    location: str = Field(description="Where the bad value is, e.g. `query.limit`.")
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable dotted code, e.g. `not_found` or `input.invalid`.")
    message: str = Field(description="What went wrong, in plain words.")
    fields: list[FieldProblem] | None = Field(
        default=None, description="For invalid input: each bad parameter and why."
    )


class ErrorOut(BaseModel):
    """Every error the API answers has this shape."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"error": {"code": "not_found", "message": "no case 'C-42'"}}]
        }
    )

    error: ErrorDetail


def personal(value: str | None, field: PersonalField, role: Role) -> str | None:
    """``value`` as the caller's role may see it: in clear or masked (``domain.roles``)."""
    return value if sees_in_clear(role, field) else mask(value, field)


def debtor_name(debtor: Debtor, role: Role) -> str:
    """A person's name as the caller's role may see it; companies' names are public."""
    if debtor.debtor_type == DebtorType.COMPANY:
        return debtor.name
    return personal(debtor.name, PersonalField.NAME, role) or ""


_ERROR_DESCRIPTIONS = {
    401: "No bearer token, or one that is unknown or revoked.",
    403: "Refused: the caller may not do this (or a webhook's signature does not match).",
    404: "No such object in the caller's tenant.",
    409: "Refused: the object's state forbids it now (e.g. a legal hold); the message says why.",
    422: "A parameter is invalid; `error.fields` says which and why.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the errors a route may answer, all with the ``ErrorOut`` body."""
    return {s: {"model": ErrorOut, "description": _ERROR_DESCRIPTIONS[s]} for s in statuses}
