"""Delinquency buckets as SQL filters on ``past_due_since``, for an as-of date.

Delinquency is never stored. A filter on a bucket becomes a range of ``past_due_since``
dates for the as-of date, and those ranges are derived from ``DelinquencyBucket.for_days``
itself, so the SQL filter and the values the domain computes for each row cannot disagree.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from sqlalchemy import ColumnElement, FromClause, and_, exists, not_, true

from recoverly.domain.accounts import DelinquencyBucket
from recoverly.store.tables import accounts, cases

_SCAN_DAYS = 2000  # well past the last bucket boundary


@cache
def bucket_days(bucket: DelinquencyBucket) -> tuple[int, int | None]:
    """The past-due days a bucket spans, as (first, last); last is None when open-ended."""
    days = [d for d in range(_SCAN_DAYS) if DelinquencyBucket.for_days(d) is bucket]
    return days[0], None if days[-1] == _SCAN_DAYS - 1 else days[-1]


def balance_minor(table: FromClause) -> ColumnElement[int]:
    return table.c.principal_minor + table.c.interest_minor + table.c.fees_minor


def _past_due_more_than(days: int, as_of: date) -> ColumnElement[bool]:
    """An account's past-due days on ``as_of`` exceed ``days`` (``Account.past_due_days``)."""
    return and_(
        accounts.c.past_due_since.is_not(None),
        balance_minor(accounts) != 0,
        accounts.c.past_due_since < as_of - timedelta(days=days),
    )


def account_in_bucket(bucket: DelinquencyBucket, as_of: date) -> ColumnElement[bool]:
    first, last = bucket_days(bucket)
    at_least = true() if first == 0 else _past_due_more_than(first - 1, as_of)
    at_most = true() if last is None else not_(_past_due_more_than(last, as_of))
    return and_(at_least, at_most)


def case_in_bucket(bucket: DelinquencyBucket, as_of: date) -> ColumnElement[bool]:
    """The bucket of a case is that of its most past-due account (current without any)."""

    def any_account(condition: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists().where(
            accounts.c.tenant_id == cases.c.tenant_id,
            accounts.c.case_id == cases.c.case_id,
            condition,
        )

    first, last = bucket_days(bucket)
    at_least = true() if first == 0 else any_account(_past_due_more_than(first - 1, as_of))
    at_most = true() if last is None else not_(any_account(_past_due_more_than(last, as_of)))
    return and_(at_least, at_most)
