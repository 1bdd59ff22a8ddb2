"""Retention periods per jurisdiction (``compliance/retention.yaml``), and the pure rule
that says from which day a debtor's personal data may be erased.

A period is a number of years after an event of the debtor's records: the last
collection activity, the last payment or the last call, depending on the kind of record.
The data may go once every applicable period has run, the first day after the last
anniversary (German periods count from the end of the event's calendar year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from recoverly.compliance.packs import most_specific
from recoverly.domain.cases import HoldKind
from recoverly.domain.errors import InvalidInput
from recoverly.domain.privacy import DebtorActivity


class RecordKind(StrEnum):
    """Kinds of record a law keeps for its own period, each counted from its own event."""

    COLLECTION_RECORDS = "collection_records"  # from the last collection activity
    ACCOUNTING_RECORDS = "accounting_records"  # from the last payment
    CALL_RECORDINGS = "call_recordings"  # from the last call


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Period(_Frozen):
    years: Annotated[int, Field(ge=1, le=30)]
    citation: str
    reading: str = ""
    from_year_end: bool = False


class Retention(_Frozen):
    """One jurisdiction's periods."""

    name: str
    periods: dict[RecordKind, Period]

    @model_validator(mode="after")
    def _collection_is_kept(self) -> Retention:
        # Every debtor has collection records: a jurisdiction without their period would
        # keep them for ever, or erase them at once.
        if RecordKind.COLLECTION_RECORDS not in self.periods:
            raise ValueError("every jurisdiction needs a collection_records period")
        return self


class Policy(_Frozen):
    jurisdictions: dict[str, Retention]
    legal_hold_kinds: dict[HoldKind, str]

    @model_validator(mode="after")
    def _has_default(self) -> Policy:
        if "*" not in self.jurisdictions:
            raise ValueError("retention.yaml needs a default jurisdiction '*'")
        return self


@cache
def policy() -> Policy:
    text = resources.files("recoverly.compliance").joinpath("retention.yaml").read_text("utf-8")
    try:
        return Policy.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(f"retention.yaml: {exc}") from exc


@dataclass(frozen=True, slots=True)
class RetentionEnd:
    """From which day a debtor's data may be erased, and the period that decides it."""

    jurisdiction: str  # the retention.yaml key that applied: US, DE, EU, *
    erasable_from: date
    kind: RecordKind
    period: Period

    def describe(self) -> str:
        return (
            f"{self.jurisdiction} {self.kind.value}: {self.period.years} years "
            f"({self.period.citation}), ended before {self.erasable_from.isoformat()}"
        )


def retention_end(activity: DebtorActivity, rules: Policy | None = None) -> RetentionEnd:
    """The first day on which every period applying to the debtor's records has run.

    Args:
        activity: the debtor's jurisdiction and the events the periods run from.
        rules: the policy (default: the shipped ``retention.yaml``).

    Returns:
        The latest of the periods' ends, with the period that set it.
    """
    rules = rules or policy()
    key = most_specific(activity.country, activity.region, rules.jurisdictions)
    retention = rules.jurisdictions[key]
    events = {
        RecordKind.COLLECTION_RECORDS: activity.last_activity,
        RecordKind.ACCOUNTING_RECORDS: activity.last_payment,
        RecordKind.CALL_RECORDINGS: activity.last_call,
    }
    ends = [
        (_end(event, period), kind, period)
        for kind, period in retention.periods.items()
        if (event := events[kind]) is not None
    ]
    # The kinds are in the file's order, so equal ends resolve to the first listed.
    end, kind, period = max(ends, key=lambda e: e[0])
    return RetentionEnd(key, end, kind, period)


def _end(event: datetime, period: Period) -> date:
    start = event.date()
    if period.from_year_end:
        # Counted from the end of the year (HGB §257(5), BGB §199(1)): kept through
        # 31 December of the year ``years`` later.
        return date(start.year + period.years + 1, 1, 1)
    return _add_years(start, period.years) + timedelta(days=1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: keep to 1 March
        return date(day.year + years, 3, 1)
