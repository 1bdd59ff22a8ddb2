"""An evidence entry's bytes: canonical JSON (RFC 8785) of the event, with one spelling
per instant whatever the time zone it was given in."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from recoverly.domain.evidence import Evidence, EvidenceKind

zones = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
instants = st.datetimes(
    min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30), timezones=zones
)


@given(instants, st.integers(0, 2**40))
def test_the_instant_is_utc_with_microseconds_and_a_z(at: datetime, index: int) -> None:
    event = Evidence(EvidenceKind.PAYMENT, 1, at, "C1", (("amount_minor", 1200),))
    entry = event.entry(index, "acme")
    body = json.loads(entry)
    assert body["at"] == at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert entry == rfc8785.dumps(body)
    assert body["index"] == index
