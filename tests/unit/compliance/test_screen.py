"""The contact screen: windows, caps and holds at their boundaries, and agreement with a
plain per-contact reading of the same rules written independently here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoverly.compliance.screen import CANDIDATES_SCHEMA, HISTORY_SCHEMA, HOLDS_SCHEMA, screen

NY = "America/New_York"
SH = "Asia/Shanghai"


def _candidates(rows: list[dict[str, object]]) -> pl.DataFrame:
    base = {
        "case_id": "C-1",
        "debtor_id": "D1",
        "channel": "call",
        "action": "contact",
        "pack": "US",
        "timezone": NY,
    }
    return pl.DataFrame(
        [{**base, "cid": i, **row} for i, row in enumerate(rows)], schema=CANDIDATES_SCHEMA
    )


DEBTS = pl.DataFrame({"case_id": ["C-1", "C-1"], "account_id": ["A1", "A2"]})


def _history(rows: list[dict[str, object]]) -> pl.DataFrame:
    base = {"debtor_id": "D1", "account_id": "A1", "channel": "call", "direction": "outbound"}
    return pl.DataFrame([{**base, **row} for row in rows], schema=HISTORY_SCHEMA)


NO_HISTORY = _history([])
NO_HOLDS = pl.DataFrame(schema=HOLDS_SCHEMA)


def _local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


def _rules(blocks: pl.DataFrame, cid: int = 0) -> set[str]:
    return set(blocks.filter(pl.col("cid") == cid)["rule"])


@pytest.mark.parametrize(
    ("local", "blocked"),
    [
        ((2026, 3, 9, 7, 59), True),
        ((2026, 3, 9, 8, 0), False),
        ((2026, 3, 9, 20, 59), False),
        ((2026, 3, 9, 21, 0), True),
        # The day after the spring-forward change, the same wall clock is another UTC hour.
        ((2026, 3, 8, 8, 0), False),
        ((2026, 3, 7, 7, 59), True),
        ((2026, 11, 1, 20, 59), False),
        ((2026, 11, 1, 21, 0), True),
    ],
)
def test_us_window_is_half_open_in_local_time(local: tuple[int, ...], blocked: bool) -> None:
    cands = _candidates([{"at": _local(NY, *local), "channel": "sms"}])
    rules = _rules(screen(cands, DEBTS, NO_HISTORY, NO_HOLDS))
    assert ("us.inconvenient_time" in rules) is blocked


def test_cn_window_ends_at_22_and_the_default_pack_is_narrower() -> None:
    cands = _candidates(
        [
            {"at": _local(SH, 2026, 3, 9, 21, 59), "pack": "CN", "timezone": SH},
            {"at": _local(SH, 2026, 3, 9, 22, 0), "pack": "CN", "timezone": SH},
            {"at": _local(SH, 2026, 3, 9, 8, 30), "pack": "*", "timezone": SH},
        ]
    )
    blocks = screen(cands, DEBTS, NO_HISTORY, NO_HOLDS)
    assert _rules(blocks, 0) == set()
    assert _rules(blocks, 1) == {"cn.collection_hours"}
    assert _rules(blocks, 2) == {"policy.default_hours"}


def _calls(
    n: int, day: date, outcome: str = "no_answer", **extra: object
) -> list[dict[str, object]]:
    return [
        {"at": _local(NY, day.year, day.month, day.day, 9 + i % 10, 0), "outcome": outcome, **extra}
        for i in range(n)
    ]


def test_the_seventh_call_is_allowed_and_the_eighth_is_not() -> None:
    at = _local(NY, 2026, 3, 16, 10, 0)
    six = _history(_calls(3, date(2026, 3, 10)) + _calls(3, date(2026, 3, 15)))
    seven = _history(_calls(4, date(2026, 3, 10)) + _calls(3, date(2026, 3, 15)))
    cands = _candidates([{"at": at}])
    assert _rules(screen(cands, DEBTS, six, NO_HOLDS)) == set()
    assert _rules(screen(cands, DEBTS, seven, NO_HOLDS)) == {"us.calls_7_in_7"}


def test_calls_older_than_seven_local_days_do_not_count() -> None:
    old = _history(_calls(7, date(2026, 3, 9)))  # day D-7
    cands = _candidates([{"at": _local(NY, 2026, 3, 16, 10, 0)}])
    assert _rules(screen(cands, DEBTS, old, NO_HOLDS)) == set()


def test_busy_and_failed_calls_are_not_placed_calls() -> None:
    busy = _history(_calls(4, date(2026, 3, 14), "busy") + _calls(4, date(2026, 3, 15), "failed"))
    cands = _candidates([{"at": _local(NY, 2026, 3, 16, 10, 0)}])
    assert _rules(screen(cands, DEBTS, busy, NO_HOLDS)) == set()


def test_calls_about_another_debt_of_another_case_do_not_count_but_unnamed_ones_do() -> None:
    other = _history(_calls(7, date(2026, 3, 15), account_id="A9"))
    unnamed = _history(_calls(7, date(2026, 3, 15), account_id=None))
    cands = _candidates([{"at": _local(NY, 2026, 3, 16, 10, 0)}])
    assert _rules(screen(cands, DEBTS, other, NO_HOLDS)) == set()
    assert _rules(screen(cands, DEBTS, unnamed, NO_HOLDS)) == {"us.calls_7_in_7"}


@pytest.mark.parametrize(("day", "blocked"), [(8, False), (9, True), (15, True), (16, False)])
def test_a_conversation_blocks_calls_through_its_seventh_local_day(day: int, blocked: bool) -> None:
    # An inbound conversation on Monday 9 March, late evening: already 10 March in UTC.
    talk = _history(
        [{"at": _local(NY, 2026, 3, 9, 20, 30), "outcome": "conversation", "direction": "inbound"}]
    )
    at = _local(NY, 2026, 3, day, 8, 0)
    rules = _rules(screen(_candidates([{"at": at}]), DEBTS, talk, NO_HOLDS))
    assert rules == ({"us.after_conversation"} if blocked else set())


def test_messages_are_not_calls_for_the_caps() -> None:
    seven = _history(_calls(7, date(2026, 3, 15)))
    cands = _candidates([{"at": _local(NY, 2026, 3, 16, 10, 0), "channel": "sms"}])
    assert _rules(screen(cands, DEBTS, seven, NO_HOLDS)) == set()


def test_cn_caps_effective_calls_per_debtor_per_local_day() -> None:
    def day_calls(outcomes: list[str], direction: str = "outbound") -> pl.DataFrame:
        return _history(
            [
                {"at": _local(SH, 2026, 3, 9, 9 + i, 0), "outcome": o, "direction": direction}
                for i, o in enumerate(outcomes)
            ]
        )

    cands = _candidates([{"at": _local(SH, 2026, 3, 9, 15, 0), "pack": "CN", "timezone": SH}])
    tomorrow = _candidates([{"at": _local(SH, 2026, 3, 10, 8, 0), "pack": "CN", "timezone": SH}])
    three = day_calls(["conversation", "promise_to_pay", "conversation"])
    assert _rules(screen(cands, DEBTS, three, NO_HOLDS)) == {"cn.effective_calls_per_day"}
    assert _rules(screen(tomorrow, DEBTS, three, NO_HOLDS)) == set()
    two = day_calls(["conversation", "no_answer", "conversation", "busy"])
    assert _rules(screen(cands, DEBTS, two, NO_HOLDS)) == set()
    inbound = day_calls(["conversation"] * 3, direction="inbound")
    assert _rules(screen(cands, DEBTS, inbound, NO_HOLDS)) == set()


def test_holds_block_while_active_and_escalations_only_where_the_hold_says() -> None:
    at = _local(NY, 2026, 3, 9, 10, 0)
    holds = pl.DataFrame(
        {
            "case_id": ["C-1", "C-1"],
            "kind": ["cease_communication", "bankruptcy"],
            "starts_at": [at - timedelta(days=3), at + timedelta(hours=1)],
            "ends_at": [None, None],
            "channel": [None, None],
        },
        schema=NO_HOLDS.schema,
    )
    cands = _candidates(
        [
            {"at": at},
            {"at": at, "action": "escalation", "channel": "legal"},
            {"at": at + timedelta(hours=2), "action": "escalation", "channel": "legal"},
        ]
    )
    blocks = screen(cands, DEBTS, NO_HISTORY, holds)
    assert _rules(blocks, 0) == {"hold.cease_communication"}
    assert _rules(blocks, 1) == set()  # a cease request does not stop legal action
    assert _rules(blocks, 2) == {"hold.bankruptcy"}


# A plain, per-contact reading of the US and CN rules, independent of the engine.
def _reference(
    at: datetime, pack: str, zone: str, channel: str, history: list[dict[str, object]]
) -> set[str]:
    tz = ZoneInfo(zone)
    local = at.astimezone(tz)
    rules: set[str] = set()
    start, end = {"US": (8, 21), "CN": (8, 22)}[pack]
    if not (start <= local.hour < end):
        rules.add({"US": "us.inconvenient_time", "CN": "cn.collection_hours"}[pack])
    if channel not in ("call", "voice_bot"):
        return rules
    day = local.date()
    spoken = {"conversation", "promise_to_pay", "refused_to_pay", "dispute", "callback_requested"}

    def h_day(h: dict[str, object]) -> date:
        instant = h["at"]
        assert isinstance(instant, datetime)
        return instant.astimezone(tz).date()

    voice = [h for h in history if h["channel"] in ("call", "voice_bot")]
    if pack == "US":
        week = [
            h
            for h in voice
            if 0 <= (day - h_day(h)).days <= 6 and h["account_id"] in ("A1", "A2", None)
        ]
        placed = [
            h
            for h in week
            if h["direction"] == "outbound" and h["outcome"] not in ("busy", "failed")
        ]
        per_debt = max(
            sum(1 for h in placed if h["account_id"] in (debt, None)) for debt in ("A1", "A2")
        )
        if per_debt >= 7:
            rules.add("us.calls_7_in_7")
        if any(h["outcome"] in spoken for h in week):
            rules.add("us.after_conversation")
    else:
        today = [
            h
            for h in voice
            if h_day(h) == day and h["direction"] == "outbound" and h["outcome"] in spoken
        ]
        if len(today) >= 3:
            rules.add("cn.effective_calls_per_day")
    return rules


_event = st.fixed_dictionaries(
    {
        "channel": st.sampled_from(["call", "voice_bot", "sms"]),
        "direction": st.sampled_from(["outbound", "outbound", "inbound"]),
        "outcome": st.sampled_from(
            ["no_answer", "conversation", "busy", "voicemail", "promise_to_pay"]
        ),
        "account_id": st.sampled_from(["A1", "A2", None]),
        "minutes": st.integers(min_value=0, max_value=10 * 24 * 60),
    }
)


@settings(max_examples=150, deadline=None)
@given(
    pack=st.sampled_from([("US", NY), ("CN", SH), ("US", "America/Los_Angeles")]),
    channel=st.sampled_from(["call", "voice_bot", "sms"]),
    minute=st.integers(min_value=0, max_value=3 * 24 * 60),
    events=st.lists(_event, max_size=25),
)
def test_the_engine_agrees_with_a_plain_per_contact_reading(
    pack: tuple[str, str], channel: str, minute: int, events: list[dict[str, object]]
) -> None:
    origin = datetime(2026, 3, 1, tzinfo=UTC)  # spans the US spring-forward change
    at = origin + timedelta(days=7, minutes=minute)
    history = [
        {
            "debtor_id": "D1",
            "account_id": e["account_id"],
            "channel": e["channel"],
            "direction": e["direction"],
            "outcome": e["outcome"],
            "at": origin + timedelta(minutes=int(e["minutes"])),  # type: ignore[call-overload]
        }
        for e in events
    ]
    cands = _candidates([{"at": at, "pack": pack[0], "timezone": pack[1], "channel": channel}])
    got = _rules(screen(cands, DEBTS, _history(history), NO_HOLDS))
    assert got == _reference(at, pack[0], pack[1], channel, history)
