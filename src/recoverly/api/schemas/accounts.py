"""Accounts and payments on the wire, with delinquency computed for the as-of date asked."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from recoverly.api.schemas.common import MONEY_EXAMPLE, MoneyOut, Page, page_example
from recoverly.domain.accounts import DelinquencyBucket, Product
from recoverly.domain.events import Payment, PaymentMethod
from recoverly.store.repositories.accounts import AccountRecord

ACCOUNT_EXAMPLE: JsonDict = {
    "account_id": "A-1001",
    "debtor_id": "D-77",
    "case_id": "C-D-77",
    "product": "credit_card",
    "currency": "USD",
    "balance": {
        "principal": MONEY_EXAMPLE,
        "interest": {"amount": "35.20", "currency": "USD"},
        "fees": {"amount": "25.00", "currency": "USD"},
        "total": {"amount": "1294.70", "currency": "USD"},
    },
    "due_date": "2026-01-15",
    "past_due_since": "2026-01-15",
    "as_of": "2026-03-01",
    "past_due_days": 45,
    "bucket": "30-59",
}


class BalanceOut(BaseModel):
    principal: MoneyOut
    interest: MoneyOut
    fees: MoneyOut
    total: MoneyOut = Field(description="principal + interest + fees")


class AccountOut(BaseModel):
    """An account; ``past_due_days`` and ``bucket`` are computed for ``as_of``, never stored."""

    model_config = ConfigDict(json_schema_extra={"examples": [ACCOUNT_EXAMPLE]})

    account_id: str
    debtor_id: str
    case_id: str
    product: Product
    currency: str = Field(description="ISO 4217 code of every amount of the account.")
    balance: BalanceOut
    due_date: date
    past_due_since: date | None = Field(
        description="Date of the oldest unpaid due amount; null when the account is current."
    )
    as_of: date = Field(description="The date past_due_days and bucket are computed for.")
    past_due_days: int = Field(ge=0)
    bucket: DelinquencyBucket

    @classmethod
    def of(cls, record: AccountRecord, as_of: date) -> AccountOut:
        return cls.model_validate(_account_fields(record, as_of))


def _account_fields(record: AccountRecord, as_of: date) -> dict[str, object]:
    account = record.account
    balance = account.balance
    return {
        "account_id": account.account_id,
        "debtor_id": account.debtor_id,
        "case_id": record.case_id,
        "product": account.product,
        "currency": account.currency,
        "balance": BalanceOut(
            principal=MoneyOut.of(balance.principal),
            interest=MoneyOut.of(balance.interest),
            fees=MoneyOut.of(balance.fees),
            total=MoneyOut.of(balance.total),
        ),
        "due_date": account.due_date,
        "past_due_since": account.past_due_since,
        "as_of": as_of,
        "past_due_days": account.past_due_days(as_of),
        "bucket": account.bucket(as_of),
    }


class AccountDetailOut(AccountOut):
    """An account with its history figures and the portfolio file's extra attributes."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **ACCOUNT_EXAMPLE,
                    "open_date": "2023-05-02",
                    "original_amount": {"amount": "3000.00", "currency": "USD"},
                    "credit_limit": {"amount": "5000.00", "currency": "USD"},
                    "last_payment_date": "2025-12-20",
                    "last_payment_amount": {"amount": "150.00", "currency": "USD"},
                    "attributes": {"branch": "north", "collateral": "none"},
                    "created_at": "2026-02-01T09:00:00Z",
                    "updated_at": "2026-02-01T09:00:00Z",
                }
            ]
        }
    )

    open_date: date | None
    original_amount: MoneyOut | None
    credit_limit: MoneyOut | None
    last_payment_date: date | None
    last_payment_amount: MoneyOut | None
    attributes: dict[str, str] = Field(
        description="Extra portfolio columns, kept as text and available to strategies."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, record: AccountRecord, as_of: date) -> AccountDetailOut:
        account = record.account
        return cls.model_validate(
            _account_fields(record, as_of)
            | {
                "open_date": account.open_date,
                "original_amount": MoneyOut.maybe(account.original_amount),
                "credit_limit": MoneyOut.maybe(account.credit_limit),
                "last_payment_date": account.last_payment_date,
                "last_payment_amount": MoneyOut.maybe(account.last_payment_amount),
                "attributes": dict(account.attributes),
                "created_at": record.created_at,
                "updated_at": record.updated_at,
            }
        )


class AccountPage(Page[AccountOut]):
    model_config = ConfigDict(json_schema_extra=page_example(ACCOUNT_EXAMPLE))


PAYMENT_EXAMPLE: JsonDict = {
    "payment_id": "P-5001",
    "account_id": "A-1001",
    "amount": {"amount": "150.00", "currency": "USD"},
    "paid_at": "2025-12-20T14:03:00Z",
    "method": "card",
    "reference": "INV-2025-12",
}


class PaymentOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [PAYMENT_EXAMPLE]})

    payment_id: str
    account_id: str
    amount: MoneyOut
    paid_at: datetime
    method: PaymentMethod
    reference: str | None

    @classmethod
    def of(cls, payment: Payment) -> PaymentOut:
        return cls(
            payment_id=payment.payment_id,
            account_id=payment.account_id,
            amount=MoneyOut.of(payment.amount),
            paid_at=payment.paid_at,
            method=payment.method,
            reference=payment.reference,
        )


class PaymentPage(Page[PaymentOut]):
    model_config = ConfigDict(json_schema_extra=page_example(PAYMENT_EXAMPLE))
