"""Cases on the wire: the debtor-level view, its worst delinquency and its holds."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from recoverly.api.schemas.accounts import ACCOUNT_EXAMPLE, AccountOut
from recoverly.api.schemas.common import MONEY_EXAMPLE, MoneyOut, Page, debtor_name, page_example
from recoverly.domain.accounts import DelinquencyBucket
from recoverly.domain.cases import Hold, HoldKind, Stage
from recoverly.domain.events import Channel
from recoverly.domain.money import Money
from recoverly.domain.parties import Debtor, DebtorType
from recoverly.domain.roles import Role
from recoverly.store.repositories.accounts import AccountRecord
from recoverly.store.repositories.cases import CaseRecord

CASE_EXAMPLE: JsonDict = {
    "case_id": "C-D-77",
    "stage": "agent",
    "opened_at": "2026-02-01T09:00:00Z",
    "closed_at": None,
    "debtor": {
        "debtor_id": "D-77",
        "debtor_type": "person",
        "name": "Jane Doe",
        "country": "US",
        "region": "NY",
        "timezone": "America/New_York",
    },
    "account_count": 2,
    "balances": [MONEY_EXAMPLE],
    "as_of": "2026-03-01",
    "past_due_days": 45,
    "bucket": "30-59",
    "on_hold": False,
}


class DebtorBriefOut(BaseModel):
    """Who the case is about; the full debtor (with contact points) is under /debtors."""

    debtor_id: str
    debtor_type: DebtorType
    name: str
    country: str
    region: str | None
    timezone: str

    @classmethod
    def of(cls, debtor: Debtor, role: Role) -> DebtorBriefOut:
        return cls(
            debtor_id=debtor.debtor_id,
            debtor_type=debtor.debtor_type,
            name=debtor_name(debtor, role),
            country=debtor.country,
            region=debtor.region,
            timezone=debtor.timezone,
        )


class HoldOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "hold_id": 42,
                    "kind": "opt_out",
                    "channel": "sms",
                    "starts_at": "2026-03-09T14:30:00Z",
                    "ends_at": None,
                    "reason": "debtor texted STOP (agent-7)",
                    "active": True,
                }
            ]
        }
    )

    hold_id: int | None = Field(description="Null only for a hold not stored yet.")
    kind: HoldKind
    channel: Channel | None = Field(description="The one channel an opt-out stops.")
    starts_at: datetime
    ends_at: datetime | None = Field(description="Null: the hold lasts until lifted.")
    reason: str
    active: bool = Field(description="Whether the hold is in force at the time of the request.")

    @classmethod
    def of(cls, hold: Hold, now: datetime) -> HoldOut:
        return cls(
            hold_id=hold.hold_id,
            kind=hold.kind,
            channel=None if hold.channel is None else Channel(hold.channel),
            starts_at=hold.starts_at,
            ends_at=hold.ends_at,
            reason=hold.reason,
            active=hold.active(now),
        )


class HoldIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"kind": "opt_out", "channel": "sms", "reason": "debtor texted STOP"}]
        },
    )

    kind: HoldKind
    channel: Channel | None = Field(
        default=None, description="For `opt_out` only, and required there: the channel."
    )
    starts_at: AwareDatetime | None = Field(default=None, description="Default: now.")
    ends_at: AwareDatetime | None = Field(default=None, description="Default: until lifted.")
    reason: str = Field(min_length=1, max_length=500)


class HoldReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, examples=["validation sent 2026-03-12"])


def _balances(accounts: tuple[AccountRecord, ...]) -> list[MoneyOut]:
    """The case's outstanding balance in each currency it holds, by currency code."""
    sums: dict[str, Money] = {}
    for record in accounts:
        total = record.account.balance.total
        sums[total.currency] = sums[total.currency] + total if total.currency in sums else total
    return [MoneyOut.of(sums[c]) for c in sorted(sums)]


class CaseOut(BaseModel):
    """A case; ``past_due_days`` and ``bucket`` are those of its most past-due account."""

    model_config = ConfigDict(json_schema_extra={"examples": [CASE_EXAMPLE]})

    case_id: str
    stage: Stage
    opened_at: datetime
    closed_at: datetime | None
    debtor: DebtorBriefOut
    account_count: int = Field(ge=0)
    balances: list[MoneyOut] = Field(description="Outstanding balance per currency.")
    as_of: date = Field(description="The date past_due_days and bucket are computed for.")
    past_due_days: int = Field(ge=0)
    bucket: DelinquencyBucket
    on_hold: bool = Field(description="Whether any hold is in force at the time of the request.")

    @classmethod
    def of(cls, record: CaseRecord, as_of: date, now: datetime, role: Role) -> CaseOut:
        return cls.model_validate(_case_fields(record, as_of, now, role))


def _case_fields(record: CaseRecord, as_of: date, now: datetime, role: Role) -> dict[str, object]:
    case = record.case
    worst = max((r.account.past_due_days(as_of) for r in record.accounts), default=0)
    return {
        "case_id": case.case_id,
        "stage": case.stage,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "debtor": DebtorBriefOut.of(record.debtor, role),
        "account_count": len(record.accounts),
        "balances": _balances(record.accounts),
        "as_of": as_of,
        "past_due_days": worst,
        "bucket": DelinquencyBucket.for_days(worst),
        "on_hold": case.on_hold(now),
    }


class CaseDetailOut(CaseOut):
    """A case with every account (computed for ``as_of``) and every hold, past and present."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **CASE_EXAMPLE,
                    "accounts": [ACCOUNT_EXAMPLE],
                    "holds": [
                        {
                            "hold_id": 41,
                            "kind": "dispute",
                            "channel": None,
                            "starts_at": "2026-02-20T10:00:00Z",
                            "ends_at": "2026-02-27T10:00:00Z",
                            "reason": "debtor disputes the fees",
                            "active": False,
                        }
                    ],
                    "active_holds": 0,
                }
            ]
        }
    )

    accounts: list[AccountOut]
    holds: list[HoldOut]
    active_holds: int = Field(ge=0)

    @classmethod
    def of(cls, record: CaseRecord, as_of: date, now: datetime, role: Role) -> CaseDetailOut:
        return cls.model_validate(
            _case_fields(record, as_of, now, role)
            | {
                "accounts": [AccountOut.of(r, as_of) for r in record.accounts],
                "holds": [HoldOut.of(h, now) for h in record.case.holds],
                "active_holds": len(record.case.active_holds(now)),
            }
        )


class CasePage(Page[CaseOut]):
    model_config = ConfigDict(json_schema_extra=page_example(CASE_EXAMPLE))
