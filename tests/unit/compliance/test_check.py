"""``compliance check`` at the boundaries: minutes, DST, the 7th and 8th call, a
conversation's quiet week, debts and debtors, holds; and ``next_allowed_at`` is allowed
while the minute before it is not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoverly.compliance.check import Decision, check, parse
from recoverly.domain.errors import InvalidInput

NY, CHICAGO, SHANGHAI = "America/New_York", "America/Chicago", "Asia/Shanghai"


def _local(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


def _contact(
    at: datetime,
    *,
    zone: str = NY,
    jurisdiction: str = "US",
    channel: str = "call",
    debt: str | None = "D1",
    history: list[dict[str, Any]] | None = None,
    **flags: bool,
) -> dict[str, Any]:
    return {
        "id": "c",
        "jurisdiction": jurisdiction,
        "debtor_timezone": zone,
        "channel": channel,
        "at": at.isoformat(),
        "debt_id": debt,
        "history": history or [],
        "flags": flags,
    }


def _past(
    at: datetime,
    outcome: str = "no_answer",
    channel: str = "call",
    debt: str | None = "D1",
    **kw: str,
) -> dict[str, Any]:
    return {"channel": channel, "at": at.isoformat(), "outcome": outcome, "debt_id": debt, **kw}


def _one(item: dict[str, Any]) -> Decision:
    (decision,) = check(parse([item]))
    return decision


def _next(item: dict[str, Any]) -> datetime | None:
    return _one(item).next_allowed_at


@pytest.mark.parametrize(
    ("hour", "minute", "allowed"),
    [(7, 59, False), (8, 0, True), (20, 59, True), (21, 0, False), (0, 0, False)],
)
def test_us_window_is_half_open(hour: int, minute: int, allowed: bool) -> None:
    assert _one(_contact(_local(NY, 2026, 3, 10, hour, minute))).allowed is allowed


def test_too_late_waits_for_tomorrow_morning_local() -> None:
    assert _next(_contact(_local(NY, 2026, 3, 10, 21, 0))) == _local(NY, 2026, 3, 11, 8, 0)


def test_seconds_before_the_opening_wait_for_the_opening_minute() -> None:
    at = _local(NY, 2026, 3, 10, 7, 59) + timedelta(seconds=30)
    assert _next(_contact(at)) == _local(NY, 2026, 3, 10, 8, 0)


@pytest.mark.parametrize("day", [8, 9])  # 8 March 2026: clocks go forward in New York
def test_dst_spring_forward_uses_local_eight(day: int) -> None:
    early = _local(NY, 2026, 3, day, 7, 30)
    assert _next(_contact(early)) == _local(NY, 2026, 3, day, 8, 0)


def test_dst_fall_back_hour_is_judged_by_the_wall_clock() -> None:
    # 1 November 2026 01:30 happens twice in New York; both are before 08:00.
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST
    for at in (first, second):
        assert _next(_contact(at)) == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # 08:00 EST


def test_the_seventh_call_is_allowed_and_the_eighth_is_not() -> None:
    at = _local(NY, 2026, 3, 10, 12, 0)
    six = [_past(at - timedelta(days=d, hours=1)) for d in range(6)]
    assert _one(_contact(at, history=six)).allowed
    seven = [*six, _past(at - timedelta(days=6, hours=1))]
    decision = _one(_contact(at, history=seven))
    assert not decision.allowed
    assert decision.reasons[0].rule == "12 CFR 1006.14(b)(2)(i)(A)"
    # The oldest call (6 local days ago) leaves the 7 days at tomorrow's local midnight,
    # and the window opens at 08:00.
    assert decision.next_allowed_at == _local(NY, 2026, 3, 11, 8, 0)


def test_busy_and_failed_calls_are_not_placed_calls() -> None:
    at = _local(NY, 2026, 3, 10, 12, 0)
    history = [_past(at - timedelta(hours=h + 1), "busy") for h in range(4)]
    history += [_past(at - timedelta(days=1, hours=h), "failed") for h in range(4)]
    assert _one(_contact(at, history=history)).allowed


def test_calls_about_another_debt_do_not_count_in_the_us() -> None:
    at = _local(NY, 2026, 3, 10, 12, 0)
    seven = [_past(at - timedelta(days=d, hours=1), debt="D2") for d in range(7)]
    assert _one(_contact(at, history=seven)).allowed
    assert not _one(_contact(at, debt="D2", history=seven)).allowed


def test_a_conversation_starts_a_quiet_week_counted_in_local_dates() -> None:
    # Research section 15, P3: a conversation on Tuesday 2 June blocks calls through
    # Monday 8 June; Tuesday 9 June at 08:00 is allowed.
    talk = _local(CHICAGO, 2026, 6, 2, 19, 0)
    history = [_past(talk, "conversation", direction="inbound")]
    for day in range(2, 9):
        assert not _one(
            _contact(_local(CHICAGO, 2026, 6, day, 12, 0), zone=CHICAGO, history=history)
        ).allowed
    assert _one(_contact(_local(CHICAGO, 2026, 6, 9, 8, 0), zone=CHICAGO, history=history)).allowed
    blocked = _contact(_local(CHICAGO, 2026, 6, 3, 9, 0), zone=CHICAGO, history=history)
    assert _next(blocked) == _local(CHICAGO, 2026, 6, 9, 8, 0)


def test_messages_obey_the_hours_but_not_the_call_caps() -> None:
    at = _local(NY, 2026, 3, 10, 12, 0)
    seven = [_past(at - timedelta(days=d, hours=1)) for d in range(7)]
    assert _one(_contact(at, channel="sms", history=seven)).allowed
    assert not _one(_contact(_local(NY, 2026, 3, 10, 21, 0), channel="sms")).allowed


def test_china_counts_effective_calls_per_debtor_across_debts() -> None:
    at = _local(SHANGHAI, 2026, 3, 10, 15, 0)
    three = [
        _past(_local(SHANGHAI, 2026, 3, 10, 9 + h, 0), "conversation", debt=f"D{h}")
        for h in range(3)
    ]
    decision = _one(_contact(at, zone=SHANGHAI, jurisdiction="CN", history=three))
    assert not decision.allowed
    assert decision.next_allowed_at == _local(SHANGHAI, 2026, 3, 11, 8, 0)
    two = [*three[:2], _past(_local(SHANGHAI, 2026, 3, 10, 11, 0), "no_answer")]
    assert _one(_contact(at, zone=SHANGHAI, jurisdiction="CN", history=two)).allowed


@pytest.mark.parametrize(("hour", "allowed"), [(7, False), (8, True), (21, True), (22, False)])
def test_china_hours(hour: int, allowed: bool) -> None:
    at = _local(SHANGHAI, 2026, 3, 10, hour, 0)
    assert _one(_contact(at, zone=SHANGHAI, jurisdiction="CN-31")).allowed is allowed


@pytest.mark.parametrize(
    "flag", ["cease_communication", "dispute_open", "bankruptcy", "deceased", "breathing_space"]
)
def test_holds_block_with_no_next_instant(flag: str) -> None:
    decision = _one(_contact(_local(NY, 2026, 3, 10, 12, 0), channel="email", **{flag: True}))
    assert not decision.allowed
    assert decision.next_allowed_at is None


def test_a_vulnerable_debtor_gets_no_automated_voice_but_may_be_called() -> None:
    at = _local(NY, 2026, 3, 10, 12, 0)
    assert not _one(_contact(at, channel="voice_bot", vulnerable=True)).allowed
    assert _one(_contact(at, channel="call", vulnerable=True)).allowed


def test_every_broken_rule_is_a_reason() -> None:
    at = _local(NY, 2026, 3, 10, 22, 0)
    seven = [_past(at - timedelta(days=d, hours=2)) for d in range(7)]
    decision = _one(_contact(at, history=seven, dispute_open=True))
    assert len(decision.reasons) == 3


def test_output_follows_the_contract_in_input_order() -> None:
    items = [
        {**_contact(_local(NY, 2026, 3, 10, 12, 0)), "id": "a"},
        {**_contact(_local(NY, 2026, 3, 10, 22, 0)), "id": "b"},
    ]
    out = [d.as_dict() for d in check(parse(items))]
    assert [o["id"] for o in out] == ["a", "b"]
    assert out[0] == {"id": "a", "decision": "allow", "reasons": [], "next_allowed_at": None}
    assert out[1]["decision"] == "block"
    assert out[1]["next_allowed_at"] == "2026-03-11T12:00:00Z"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"debtor_timezone": "Mars/Base"}, 'item 0 (id "c"), field debtor_timezone'),
        ({"channel": "fax"}, "field channel"),
        ({"at": "2026-03-10T12:00:00"}, "field at"),
        ({"jurisdiction": "usa"}, "field jurisdiction"),
        (
            {"history": [{"channel": "call", "at": "2026-03-09T12:00:00Z"}]},
            "field history.0.outcome",
        ),
        ({"flags": {"asleep": True}}, "field flags.asleep"),
    ],
)
def test_malformed_input_names_the_item_and_field(change: dict[str, Any], named: str) -> None:
    item = {**_contact(_local(NY, 2026, 3, 10, 12, 0)), **change}
    with pytest.raises(InvalidInput, match=named.replace("(", r"\(").replace(")", r"\)")):
        parse([item])


@settings(max_examples=150)
@given(
    zone_and_place=st.sampled_from(
        [
            (NY, "US"),
            (CHICAGO, "US-IL"),
            (SHANGHAI, "CN"),
            ("Europe/London", "GB"),
            ("Australia/Lord_Howe", "AU"),
            ("America/Santiago", "CL"),
            ("Asia/Bangkok", "TH"),
            ("Asia/Jayapura", "ID"),
            ("Asia/Ho_Chi_Minh", "VN"),
            ("Asia/Kolkata", "IN"),
        ]
    ),
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    channel=st.sampled_from(["call", "voice_bot", "sms"]),
    calls=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=8 * 24 * 60),
            st.sampled_from(["call", "sms"]),
            st.sampled_from(["no_answer", "conversation", "busy", "voicemail"]),
            st.sampled_from(["D1", "D2", None]),
            st.sampled_from(["outbound", "inbound"]),
        ),
        max_size=12,
    ),
)
def test_next_allowed_is_allowed_and_the_minute_before_is_not(
    zone_and_place: tuple[str, str],
    start: datetime,
    channel: str,
    calls: list[tuple[int, str, str, str | None, str]],
) -> None:
    zone, place = zone_and_place
    history = [
        _past(start - timedelta(minutes=m), outcome, kind, debt=debt, direction=direction)
        for m, kind, outcome, debt, direction in calls
    ]
    item = _contact(start, zone=zone, jurisdiction=place, channel=channel, history=history)
    decision = _one(item)
    if decision.allowed:
        assert decision.next_allowed_at is None
        return
    found = decision.next_allowed_at
    assert found is not None  # no holds here: something is always allowed later
    assert found > start
    assert found.second == 0
    assert _one({**item, "at": found.isoformat()}).allowed
    before = found - timedelta(minutes=1)
    if before >= start:
        assert not _one({**item, "at": before.isoformat()}).allowed


def test_a_contact_is_judged_by_the_rules_in_force_on_its_local_day() -> None:
    # Regulation F's 7-in-7 took effect on 30 November 2021; the hours rule is older.
    before = _local(NY, 2021, 11, 29, 12, 0)
    after = _local(NY, 2021, 11, 30, 12, 0)
    seven = [_past(before - timedelta(days=d, hours=1)) for d in range(7)]
    assert _one(_contact(before, history=seven)).allowed
    later = [_past(after - timedelta(days=d, hours=1)) for d in range(7)]
    assert not _one(_contact(after, history=later)).allowed
    assert not _one(_contact(_local(NY, 2021, 11, 29, 22, 0))).allowed
