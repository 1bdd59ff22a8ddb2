"""The columns of each importable file, as the contracts in ARCHITECTURE.md fix them.

Other columns of a portfolio are kept as account attributes; of the other files, ignored.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileSpec:
    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.required + self.optional)


PORTFOLIO = FileSpec(
    kind="portfolio",
    required=(
        "account_id",
        "debtor_id",
        "debtor_name",
        "country",
        "currency",
        "principal_outstanding",
        "due_date",
    ),
    optional=(
        "debtor_type",
        "national_id",
        "phone",
        "email",
        "address",
        "region",
        "timezone",
        "language",
        "product",
        "interest_outstanding",
        "fees_outstanding",
        "original_amount",
        "open_date",
        "days_past_due",
        "last_payment_date",
        "last_payment_amount",
        "credit_limit",
    ),
)

PAYMENTS = FileSpec(
    kind="payments",
    required=("payment_id", "account_id", "amount", "paid_at"),
    optional=("currency", "method", "reference"),
)

PROMISES = FileSpec(
    kind="promises",
    required=("promise_id", "account_id", "amount", "due_date", "made_at"),
    optional=("currency",),
)

# A contacts file is either contact history or an exported plan with an added outcome
# column: ``contact_id``/``at`` or ``plan_id``/``scheduled_at`` name the same things.
CONTACTS = FileSpec(
    kind="contacts",
    required=("channel", "outcome"),
    optional=(
        "contact_id",
        "plan_id",
        "debtor_id",
        "account_id",
        "case_id",
        "at",
        "scheduled_at",
        "direction",
        "jurisdiction",
        "debtor_timezone",
        "strategy_version",
        "branch",
        "agent",
        "recording_sha256",
    ),
)

# One complaint per row, about a case named directly or through its debtor.
COMPLAINTS = FileSpec(
    kind="complaints",
    required=("received_at", "channel", "text"),
    optional=("case_id", "debtor_id", "issue", "external_reference", "agent"),
)
