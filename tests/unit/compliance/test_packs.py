"""The TH, VN, ID, IN, PH, MX, GB, US-MA and US-WA packs at their boundaries: working days
against weekends and public holidays, closed days, per-day contact caps (P1, P2, P7-P10),
and state rules on top of the federal ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from recoverly.compliance.check import Decision, check, parse

BANGKOK, HO_CHI_MINH, JAKARTA, JAYAPURA = (
    "Asia/Bangkok",
    "Asia/Ho_Chi_Minh",
    "Asia/Jakarta",
    "Asia/Jayapura",
)


def _at(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


def _judge(
    jurisdiction: str,
    zone: str,
    at: datetime,
    channel: str = "call",
    history: list[dict[str, Any]] | None = None,
) -> Decision:
    item = {
        "id": "x",
        "jurisdiction": jurisdiction,
        "debtor_timezone": zone,
        "channel": channel,
        "at": at.isoformat(),
        "history": history or [],
    }
    (decision,) = check(parse([item]))
    return decision


def _sent(at: datetime, channel: str = "sms", outcome: str = "delivered") -> dict[str, Any]:
    return {"channel": channel, "at": at.isoformat(), "outcome": outcome}


# 2026-03-09 is a Monday; 2026-03-07 a Saturday; 2026-04-13 (Songkran) a Thai public
# holiday on a Monday; 2026-08-17 (Independence Day) an Indonesian one on a Monday.
@pytest.mark.parametrize(
    ("day", "hour", "minute", "allowed"),
    [
        ((2026, 3, 9), 7, 59, False),
        ((2026, 3, 9), 8, 0, True),
        ((2026, 3, 9), 19, 59, True),
        ((2026, 3, 9), 20, 0, False),
        ((2026, 3, 7), 17, 59, True),
        ((2026, 3, 7), 18, 0, False),
        ((2026, 3, 8), 18, 30, False),
        ((2026, 4, 13), 17, 59, True),
        ((2026, 4, 13), 18, 0, False),
    ],
)
def test_thailand_hours_by_kind_of_day(
    day: tuple[int, int, int], hour: int, minute: int, allowed: bool
) -> None:
    assert _judge("TH", BANGKOK, _at(BANGKOK, *day, hour, minute)).allowed is allowed


def test_thailand_after_hours_on_friday_waits_for_saturday_morning() -> None:
    late = _judge("TH", BANGKOK, _at(BANGKOK, 2026, 3, 6, 20, 0))
    assert late.next_allowed_at == _at(BANGKOK, 2026, 3, 7, 8, 0)


def test_thailand_allows_one_contact_a_day_on_any_channel() -> None:
    at = _at(BANGKOK, 2026, 3, 9, 15, 0)
    assert _judge("TH", BANGKOK, at, "email").allowed
    earlier = [_sent(_at(BANGKOK, 2026, 3, 9, 9, 0), "letter")]
    decision = _judge("TH", BANGKOK, at, "email", earlier)
    assert not decision.allowed
    assert decision.next_allowed_at == _at(BANGKOK, 2026, 3, 10, 8, 0)
    yesterday = [_sent(_at(BANGKOK, 2026, 3, 8, 17, 0), "call", "no_answer")]
    assert _judge("TH", BANGKOK, at, "email", yesterday).allowed


def test_vietnam_allows_the_fifth_reminder_but_not_the_sixth() -> None:
    at = _at(HO_CHI_MINH, 2026, 3, 9, 20, 0)
    four = [_sent(_at(HO_CHI_MINH, 2026, 3, 9, 7 + h, 0)) for h in range(4)]
    assert _judge("VN", HO_CHI_MINH, at, "sms", four).allowed
    five = [*four, _sent(_at(HO_CHI_MINH, 2026, 3, 9, 12, 0), "call", "no_answer")]
    decision = _judge("VN", HO_CHI_MINH, at, "sms", five)
    assert not decision.allowed
    assert decision.next_allowed_at == _at(HO_CHI_MINH, 2026, 3, 10, 7, 0)


@pytest.mark.parametrize(("hour", "allowed"), [(6, False), (7, True), (20, True), (21, False)])
def test_vietnam_hours(hour: int, allowed: bool) -> None:
    assert _judge("VN", HO_CHI_MINH, _at(HO_CHI_MINH, 2026, 3, 9, hour, 0)).allowed is allowed


def test_indonesia_never_on_sundays_and_saturdays_are_working_days() -> None:
    assert _judge("ID", JAKARTA, _at(JAKARTA, 2026, 3, 7, 10, 0)).allowed
    sunday = _judge("ID", JAKARTA, _at(JAKARTA, 2026, 3, 8, 10, 0))
    assert not sunday.allowed
    assert sunday.next_allowed_at == _at(JAKARTA, 2026, 3, 9, 8, 0)


def test_indonesia_skips_national_holidays_in_the_debtors_own_zone() -> None:
    # Saturday 15 August at 20:00 in Jayapura (WIT, UTC+9): the next day is a Sunday and
    # the one after it Independence Day, so the next opening is Tuesday 18 August 08:00 WIT.
    decision = _judge("ID", JAYAPURA, _at(JAYAPURA, 2026, 8, 15, 20, 0))
    assert not decision.allowed
    assert decision.next_allowed_at == _at(JAYAPURA, 2026, 8, 18, 8, 0)
    assert not _judge("ID", JAKARTA, _at(JAKARTA, 2026, 8, 17, 10, 0)).allowed


@pytest.mark.parametrize(
    ("jurisdiction", "zone", "opens", "closes"),
    [
        ("IN", "Asia/Kolkata", 8, 19),
        ("PH", "Asia/Manila", 6, 22),
        ("MX", "America/Mexico_City", 7, 22),
        ("MX-BCN", "America/Tijuana", 7, 22),
        ("GB", "Europe/London", 8, 21),
    ],
)
def test_window_edges(jurisdiction: str, zone: str, opens: int, closes: int) -> None:
    day = (2026, 3, 10)
    first = _at(zone, *day, opens, 0)
    assert _judge(jurisdiction, zone, first).allowed
    assert not _judge(jurisdiction, zone, first - timedelta(minutes=1)).allowed
    last = _at(zone, *day, closes, 0) - timedelta(minutes=1)
    assert _judge(jurisdiction, zone, last).allowed
    shut = _judge(jurisdiction, zone, last + timedelta(minutes=1))
    assert not shut.allowed
    assert shut.next_allowed_at == _at(zone, 2026, 3, 11, opens, 0)


def test_a_country_without_a_pack_gets_the_default_policy() -> None:
    zone = "Asia/Singapore"
    assert not _judge("SG", zone, _at(zone, 2026, 3, 10, 8, 59)).allowed
    assert _judge("SG", zone, _at(zone, 2026, 3, 10, 9, 0)).allowed


NEW_YORK = "America/New_York"


def _calls(at: datetime, n: int, debt: str = "D1") -> list[dict[str, Any]]:
    return [
        {
            "channel": "call",
            "at": (at - timedelta(days=d, hours=1)).isoformat(),
            "outcome": "no_answer",
            "debt_id": debt,
        }
        for d in range(n)
    ]


def test_massachusetts_allows_two_calls_per_debt_in_seven_days_on_top_of_federal() -> None:
    at = _at(NEW_YORK, 2026, 3, 10, 12, 0)
    item = {
        "id": "x",
        "jurisdiction": "US-MA",
        "debtor_timezone": NEW_YORK,
        "channel": "call",
        "at": at.isoformat(),
        "debt_id": "D1",
    }
    (one,) = check(parse([{**item, "history": _calls(at, 1)}]))
    assert one.allowed
    (two,) = check(parse([{**item, "history": _calls(at, 2)}]))
    assert [r.rule for r in two.reasons] == ["940 CMR 7.04(1)(f)"]
    # The calls were on 9 and 10 March: the span of 16 March no longer holds the first.
    assert two.next_allowed_at == _at(NEW_YORK, 2026, 3, 16, 8, 0)
    (other_debt,) = check(parse([{**item, "history": _calls(at, 2, "D2")}]))
    assert other_debt.allowed
    (night,) = check(parse([{**item, "at": _at(NEW_YORK, 2026, 3, 10, 21, 0).isoformat()}]))
    assert not night.allowed  # the federal hours still apply


def test_washington_counts_every_contact_three_a_week_and_keeps_federal_hours() -> None:
    at = _at("America/Los_Angeles", 2026, 3, 10, 12, 0)
    item = {
        "id": "x",
        "jurisdiction": "US-WA",
        "debtor_timezone": "America/Los_Angeles",
        "channel": "email",
        "at": at.isoformat(),
    }
    letters = [
        {"channel": "letter", "at": (at - timedelta(days=d)).isoformat(), "outcome": "delivered"}
        for d in (1, 3, 6)
    ]
    (blocked,) = check(parse([{**item, "history": letters}]))
    assert [r.rule for r in blocked.reasons] == ["RCW 19.16.250(13)"]
    (fine,) = check(parse([{**item, "history": letters[:2]}]))
    assert fine.allowed
    (early,) = check(
        parse([{**item, "at": _at("America/Los_Angeles", 2026, 3, 10, 7, 45).isoformat()}])
    )
    # 07:45 is inside Washington's window but not the federal one.
    assert [r.rule for r in early.reasons] == ["12 CFR 1006.6(b)(1)(i); 15 U.S.C. 1692c(a)(1)"]
    assert early.next_allowed_at == _at("America/Los_Angeles", 2026, 3, 10, 8, 0)


def test_a_subdivision_calendar_has_its_own_holidays() -> None:
    """A subdivision's pack may name its own calendar: Bavaria keeps Epiphany, Germany as
    a whole does not; an unknown subdivision is refused when the pack loads."""
    from datetime import date

    from recoverly.compliance.packs import holiday_dates, known_calendar

    epiphany = date(2026, 1, 6)
    assert epiphany in holiday_dates("DE-BY", range(2026, 2027))
    assert epiphany not in holiday_dates("DE", range(2026, 2027))
    assert known_calendar("DE-BY")
    assert known_calendar("TH")
    assert not known_calendar("DE-XX")
    assert not known_calendar("XX")
