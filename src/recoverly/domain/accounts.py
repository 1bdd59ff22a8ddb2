"""Accounts and their delinquency, always computed for an as-of date.

Following Fineract's vocabulary, *past-due days* count from the day the oldest unpaid
amount fell due, and *delinquent days* start only after a grace period. Neither is stored:
a stored "days past due" is stale the next morning, so the store keeps the date from which
the account is past due and the numbers are derived for whatever date is asked about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from recoverly.domain.money import Money


class Product(StrEnum):
    CREDIT_CARD = "credit_card"
    PERSONAL_LOAN = "personal_loan"
    BNPL = "bnpl"
    ECOMMERCE_INSTALMENT = "ecommerce_instalment"
    EDUCATION_INSTALMENT = "education_instalment"
    MEDICAL_INSTALMENT = "medical_instalment"
    AUTO_LOAN = "auto_loan"
    MORTGAGE = "mortgage"
    SME_INVOICE = "sme_invoice"
    SUPPLY_CHAIN_RECEIVABLE = "supply_chain_receivable"
    OTHER = "other"


class DelinquencyBucket(StrEnum):
    """The industry's 30-day buckets, from current to 180 days and more."""

    CURRENT = "current"
    DPD_1_29 = "1-29"
    DPD_30_59 = "30-59"
    DPD_60_89 = "60-89"
    DPD_90_119 = "90-119"
    DPD_120_149 = "120-149"
    DPD_150_179 = "150-179"
    DPD_180_PLUS = "180+"

    @classmethod
    def for_days(cls, days: int) -> DelinquencyBucket:
        if days <= 0:
            return cls.CURRENT
        if days < 30:
            return cls.DPD_1_29
        return _BUCKETS_FROM_30[min(days // 30, 6) - 1]


_BUCKETS_FROM_30 = (
    DelinquencyBucket.DPD_30_59,
    DelinquencyBucket.DPD_60_89,
    DelinquencyBucket.DPD_90_119,
    DelinquencyBucket.DPD_120_149,
    DelinquencyBucket.DPD_150_179,
    DelinquencyBucket.DPD_180_PLUS,
)


@dataclass(frozen=True, slots=True)
class Balance:
    principal: Money
    interest: Money
    fees: Money

    @property
    def total(self) -> Money:
        return self.principal + self.interest + self.fees


@dataclass(frozen=True, slots=True)
class Account:
    account_id: str
    debtor_id: str
    product: str
    balance: Balance
    due_date: date
    past_due_since: date | None
    open_date: date | None = None
    original_amount: Money | None = None
    credit_limit: Money | None = None
    last_payment_date: date | None = None
    last_payment_amount: Money | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.balance.principal.currency

    def past_due_days(self, as_of: date) -> int:
        """Days from the oldest unpaid due date to ``as_of``; 0 when not past due."""
        if self.past_due_since is None or self.balance.total.is_zero():
            return 0
        return max(0, (as_of - self.past_due_since).days)

    def delinquent_days(self, as_of: date, grace_days: int = 0) -> int:
        """Past-due days beyond the grace period a product allows."""
        return max(0, self.past_due_days(as_of) - grace_days)

    def bucket(self, as_of: date, grace_days: int = 0) -> DelinquencyBucket:
        return DelinquencyBucket.for_days(self.delinquent_days(as_of, grace_days))


def past_due_since(due_date: date, reported_days: int | None, reported_as_of: date) -> date | None:
    """The date from which an account counts as past due, from what a portfolio file states.

    A file may give ``days_past_due`` as seen on its extraction date; that wins over the
    contractual due date, because arrears may be older than the latest instalment. An
    account reported current stays current until its next due date passes unpaid.
    """
    if reported_days is None:
        return due_date
    if reported_days > 0:
        return date.fromordinal(reported_as_of.toordinal() - reported_days)
    return due_date if due_date > reported_as_of else None
