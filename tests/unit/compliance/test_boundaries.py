"""Boundary cases for the US, GB, CN and TH packs, against an oracle written here from the
rules as the research digest states them (zoneinfo and the holidays package only).

Every window edge is probed at the minute before and the minute of the opening and the
closing, in several zones, on ordinary days, on both DST change days, on weekends and on
public holidays; caps at the last allowed and the first blocked count; and for every
blocked contact ``next_allowed_at`` must be the oracle's, allowed itself, with the
minute before it blocked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest

from recoverly.compliance.check import check, parse

# (jurisdiction, zones, hours on a working day, hours on weekends and holidays)
WINDOWS = {
    "US": ((8, 0), (21, 0)),
    "CN": ((8, 0), (22, 0)),
    "GB": ((8, 0), (21, 0)),
}
TH_WORKING, TH_HOLIDAY = ((8, 0), (20, 0)), ((8, 0), (18, 0))
ZONES = {
    "US": [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    ],
    "CN": ["Asia/Shanghai", "Asia/Urumqi"],
    "GB": ["Europe/London"],
    "TH": ["Asia/Bangkok"],
}
DAYS = {
    # an ordinary Tuesday, the spring-forward and fall-back days of 2026
    "US": [date(2026, 3, 3), date(2026, 3, 8), date(2026, 11, 1)],
    "CN": [date(2026, 3, 3), date(2026, 10, 1), date(2026, 12, 31)],
    "GB": [date(2026, 3, 3), date(2026, 3, 29), date(2026, 10, 25)],
    # a Monday, a Friday, a Saturday, a Sunday, and Songkran (13 April, a Monday)
    "TH": [
        date(2026, 3, 2),
        date(2026, 3, 6),
        date(2026, 3, 7),
        date(2026, 3, 8),
        date(2026, 4, 13),
    ],
}


def hours(place: str, day: date) -> tuple[time, time]:
    if place == "TH":
        rest = day.weekday() >= 5 or day in holidays.country_holidays("TH", years=day.year)
        (a, b), (c, d) = TH_HOLIDAY if rest else TH_WORKING
    else:
        (a, b), (c, d) = WINDOWS[place]
    return time(a, b), time(c, d)


def at_local(zone: str, day: date, clock: time) -> datetime | None:
    """The UTC instant of a wall-clock time, None in a DST gap (first of two in autumn)."""
    tz = ZoneInfo(zone)
    wall = datetime.combine(day, clock)
    instant = wall.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        return None
    return instant


def oracle_next(place: str, zone: str, after: datetime) -> datetime:
    """The earliest minute at or after ``after`` inside the local window (hours only)."""
    local = after.astimezone(ZoneInfo(zone))
    for offset in range(10):
        day = local.date() + timedelta(days=offset)
        start, end = hours(place, day)
        if offset == 0 and start <= local.time() < end:
            return after
        if offset == 0 and local.time() >= end:
            continue
        opening = at_local(zone, day, start)
        if opening is not None and opening >= after:
            return opening
    raise AssertionError("no opening within ten days")


@dataclass(frozen=True)
class Case:
    name: str
    item: dict[str, Any]
    allowed: bool
    next_at: datetime | None


def contact(place: str, zone: str, at: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "id": "x",
        "jurisdiction": place,
        "debtor_timezone": zone,
        "channel": extra.pop("channel", "call"),
        "at": at.isoformat(),
        "debt_id": extra.pop("debt_id", "D1"),
        **extra,
    }


def window_cases() -> list[Case]:
    cases = []
    for place, zones in ZONES.items():
        for zone in zones:
            for day in DAYS[place]:
                start, end = hours(place, day)
                for clock, label in ((start, "opening"), (end, "closing")):
                    edge = at_local(zone, day, clock)
                    assert edge is not None
                    for minutes in (-1, 0):
                        at = edge + timedelta(minutes=minutes)
                        inside = oracle_next(place, zone, at) == at
                        cases.append(
                            Case(
                                f"{place} {zone} {day} {label}{minutes:+d}min",
                                contact(place, zone, at),
                                inside,
                                None if inside else oracle_next(place, zone, at),
                            )
                        )
    return cases


def call(at: datetime, outcome: str = "no_answer", **extra: str) -> dict[str, Any]:
    return {"channel": "call", "at": at.isoformat(), "outcome": outcome, "debt_id": "D1", **extra}


def cap_cases() -> list[Case]:
    cases = []
    for zone in ZONES["US"]:
        noon = at_local(zone, date(2026, 3, 10), time(12, 0))
        assert noon is not None
        seven_days = [call(noon - timedelta(days=d, hours=2)) for d in range(7)]
        for n in (6, 7):
            history = seven_days[:n]
            allowed = n < 7
            # Blocked: the oldest counted call (6 local days ago) leaves the span at the
            # next local midnight, and the window opens at 08:00.
            next_at = None if allowed else at_local(zone, date(2026, 3, 11), time(8, 0))
            cases.append(
                Case(
                    f"US {zone} call {n + 1} in 7 days",
                    contact("US", zone, noon, history=history),
                    allowed,
                    next_at,
                )
            )
        # Another debt's calls do not count.
        other = [call(noon - timedelta(days=d, hours=2), debt_id="D2") for d in range(7)]
        cases.append(
            Case(f"US {zone} other debt", contact("US", zone, noon, history=other), True, None)
        )
        # A conversation: days 1-7 blocked, day 8 at 08:00 allowed (P3), across DST.
        talk = at_local(zone, date(2026, 3, 5), time(19, 30))
        assert talk is not None
        spoken = [call(talk, "conversation", direction="inbound")]
        for day in (5, 8, 11):
            probe = at_local(zone, date(2026, 3, day), time(12, 0))
            assert probe is not None
            cases.append(
                Case(
                    f"US {zone} day {day - 4} after a conversation",
                    contact("US", zone, probe, history=spoken),
                    False,
                    at_local(zone, date(2026, 3, 12), time(8, 0)),
                )
            )
        day8 = at_local(zone, date(2026, 3, 12), time(8, 0))
        assert day8 is not None
        cases.append(
            Case(
                f"US {zone} day 8 after a conversation",
                contact("US", zone, day8, history=spoken),
                True,
                None,
            )
        )
        # Busy and failed calls are not placed calls.
        unplaced = [
            call(noon - timedelta(hours=h + 1), o) for h, o in enumerate(["busy", "failed"] * 4)
        ]
        cases.append(
            Case(
                f"US {zone} busy and failed",
                contact("US", zone, noon, history=unplaced),
                True,
                None,
            )
        )
    for zone in ZONES["CN"]:
        afternoon = at_local(zone, date(2026, 3, 10), time(15, 0))
        assert afternoon is not None
        for n in (2, 3):
            effective = [
                call(afternoon - timedelta(hours=h + 1), "conversation", debt_id=f"D{h}")
                for h in range(n)
            ]
            allowed = n < 3
            next_at = None if allowed else at_local(zone, date(2026, 3, 11), time(8, 0))
            cases.append(
                Case(
                    f"CN {zone} effective call {n + 1}",
                    contact("CN", zone, afternoon, history=effective),
                    allowed,
                    next_at,
                )
            )
        unanswered = [call(afternoon - timedelta(hours=h + 1)) for h in range(5)]
        cases.append(
            Case(
                f"CN {zone} unanswered calls",
                contact("CN", zone, afternoon, history=unanswered),
                True,
                None,
            )
        )
        inbound = [
            call(afternoon - timedelta(hours=h + 1), "conversation", direction="inbound")
            for h in range(3)
        ]
        cases.append(
            Case(
                f"CN {zone} inbound conversations",
                contact("CN", zone, afternoon, history=inbound),
                True,
                None,
            )
        )
    zone = "Asia/Bangkok"
    for day, label in ((date(2026, 3, 6), "Friday"), (date(2026, 3, 7), "Saturday")):
        probe = at_local(zone, day, time(16, 0))
        earlier = at_local(zone, day, time(9, 0))
        assert probe is not None
        assert earlier is not None
        for channel in ("sms", "letter", "call"):
            history = [{"channel": channel, "at": earlier.isoformat(), "outcome": "delivered"}]
            cases.append(
                Case(
                    f"TH second contact on a {label} after a {channel}",
                    contact("TH", zone, probe, channel="email", history=history),
                    False,
                    at_local(zone, day + timedelta(days=1), time(8, 0)),
                )
            )
        cases.append(
            Case(
                f"TH first contact on a {label}",
                contact("TH", zone, probe, channel="email"),
                True,
                None,
            )
        )
    for zone in ZONES["GB"] + ZONES["US"][:2]:
        noon = at_local(zone, date(2026, 3, 10), time(12, 0))
        assert noon is not None
        for flag in (
            "cease_communication",
            "dispute_open",
            "bankruptcy",
            "deceased",
            "breathing_space",
        ):
            place = "GB" if zone == "Europe/London" else "US"
            cases.append(
                Case(
                    f"{place} {zone} {flag}",
                    contact(place, zone, noon, flags={flag: True}),
                    False,
                    None,
                )
            )
    return cases


CASES = window_cases() + cap_cases()


def test_there_are_at_least_150_cases() -> None:
    assert len(CASES) >= 150
    assert {c.item["jurisdiction"] for c in CASES} >= {"US", "GB", "CN", "TH"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_boundary(case: Case) -> None:
    (decision,) = check(parse([case.item]))
    assert decision.allowed is case.allowed, decision.reasons
    assert decision.next_allowed_at == case.next_at
    if decision.next_allowed_at is not None:
        (then,) = check(parse([{**case.item, "at": decision.next_allowed_at.isoformat()}]))
        assert then.allowed
        before = decision.next_allowed_at - timedelta(minutes=1)
        if before > datetime.fromisoformat(case.item["at"]):
            (earlier,) = check(parse([{**case.item, "at": before.isoformat()}]))
            assert not earlier.allowed
