"""Whom, where and through which medium: third parties, attorneys, the workplace, opt-outs
and time-barred debts, judged by the one engine (``recoverly compliance check`` and the
screen the daily run uses)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest

from recoverly.compliance.check import check, parse
from recoverly.compliance.screen import (
    CANDIDATES_SCHEMA,
    DEBTS_SCHEMA,
    HISTORY_SCHEMA,
    HOLDS_SCHEMA,
    screen,
)
from recoverly.domain.errors import InvalidInput

# Monday 9 March 2026, 10:30 in New York and 11:30 in Shanghai: inside every window.
US_DAY = "2026-03-09T14:30:00Z"
CN_DAY = "2026-03-09T03:30:00Z"


def _contact(**fields: Any) -> dict[str, Any]:
    base = {
        "id": "c",
        "jurisdiction": "US",
        "debtor_timezone": "America/New_York",
        "channel": "call",
        "at": US_DAY,
        "debt_id": "D1",
    }
    return base | fields


def _decide(**fields: Any) -> dict[str, Any]:
    return check(parse([_contact(**fields)]))[0].as_dict()


def _rules(decision: dict[str, Any]) -> list[str]:
    return [reason["rule"] for reason in decision["reasons"]]


@pytest.mark.parametrize(
    ("jurisdiction", "zone", "at", "party", "allowed"),
    [
        ("US", "America/New_York", US_DAY, "debtor", True),
        ("US", "America/New_York", US_DAY, "spouse", True),  # 1006.6(a): a consumer
        ("US", "America/New_York", US_DAY, "guarantor", True),
        ("US", "America/New_York", US_DAY, "third_party", False),
        ("US", "America/New_York", US_DAY, "designated_contact", False),
        ("GB", "Europe/London", US_DAY, "spouse", False),  # CONC 7.9: not even a spouse
        ("TH", "Asia/Bangkok", CN_DAY, "designated_contact", True),  # s.8
        ("CN", "Asia/Shanghai", CN_DAY, "designated_contact", False),
        ("ID", "Asia/Jakarta", CN_DAY, "guarantor", False),  # only the consumer
        ("VN", "Asia/Ho_Chi_Minh", CN_DAY, "guarantor", True),  # liable for the debt
        ("FR", "Europe/Paris", US_DAY, "third_party", False),  # default policy
    ],
)
def test_who_may_be_contacted_about_the_debt(
    jurisdiction: str, zone: str, at: str, party: str, allowed: bool
) -> None:
    decision = _decide(jurisdiction=jurisdiction, debtor_timezone=zone, at=at, party=party)
    assert (decision["decision"] == "allow") is allowed, decision
    if not allowed:
        assert decision["next_allowed_at"] is None  # waiting does not change who it is


def test_a_third_party_may_be_asked_once_where_the_debtor_is_in_the_us() -> None:
    asked_before = {
        "channel": "call",
        "at": "2026-02-02T15:00:00Z",  # five weeks ago: no window in time helps
        "outcome": "conversation",
        "party": "third_party",
        "party_id": "N1",
    }
    first = _decide(party="third_party", party_id="N1", purpose="location")
    again = _decide(party="third_party", party_id="N1", purpose="location", history=[asked_before])
    other = _decide(party="third_party", party_id="N2", purpose="location", history=[asked_before])
    unnamed = _decide(party="third_party", purpose="location", history=[asked_before])
    assert first["decision"] == "allow"
    assert _rules(again) == [_rules(_decide(party="third_party"))[0]]
    assert again["next_allowed_at"] is None
    assert other["decision"] == "allow"
    assert unnamed["decision"] == "block"  # who was asked is unknown: assume it was them


def test_a_location_call_to_a_third_party_still_keeps_the_hours() -> None:
    night = _decide(party="third_party", purpose="location", at="2026-03-09T03:00:00Z")
    assert len(night["reasons"]) == 1
    assert night["next_allowed_at"] == "2026-03-09T12:00:00Z"  # 08:00 EDT


def test_china_allows_the_designated_contact_only_to_reach_an_unreachable_debtor() -> None:
    cn = {"jurisdiction": "CN", "debtor_timezone": "Asia/Shanghai", "at": CN_DAY}
    reachable = _decide(**cn, party="designated_contact", purpose="location")
    unreachable = _decide(
        **cn,
        party="designated_contact",
        purpose="location",
        flags={"debtor_unreachable": True},
    )
    collecting = _decide(**cn, party="designated_contact", flags={"debtor_unreachable": True})
    stranger = _decide(
        **cn, party="third_party", purpose="location", flags={"debtor_unreachable": True}
    )
    assert reachable["decision"] == "block"
    assert unreachable["decision"] == "allow"
    assert collecting["decision"] == "block"  # never to collect from them
    assert stranger["decision"] == "block"  # never the debtor's phone contacts


def test_third_party_contacts_do_not_use_up_the_debtors_seven_calls() -> None:
    calls = [
        {
            "channel": "call",
            "at": f"2026-03-0{day}T15:00:00Z",
            "outcome": "no_answer",
            "debt_id": "D1",
            "party": party,
        }
        for day in range(3, 10)
        for party in ["third_party"]
    ]
    assert _decide(history=calls)["decision"] == "allow"
    for call in calls:
        call["party"] = "debtor"
    assert _decide(history=calls)["decision"] == "block"


def test_an_attorney_takes_the_debtors_place() -> None:
    represented = {"represented_by_attorney": True}
    assert _decide(flags=represented)["decision"] == "block"
    assert _decide(flags=represented, channel="email")["decision"] == "block"
    assert _decide(flags=represented, party="attorney")["decision"] == "allow"
    # a dispute still stops collection through the attorney
    both = represented | {"dispute_open": True}
    assert _decide(flags=both, party="attorney")["decision"] == "block"


def test_no_contact_at_work_leaves_home_contacts_alone() -> None:
    flags = {"no_contact_at_work": True}
    at_work = _decide(flags=flags, place="work")
    assert at_work["decision"] == "block"
    assert at_work["next_allowed_at"] is None
    assert _decide(flags=flags)["decision"] == "allow"
    assert _decide(place="work")["decision"] == "allow"  # nobody forbade it


def test_an_opt_out_stops_that_medium_only() -> None:
    sms = _decide(channel="sms", opt_outs=["sms"])
    assert sms["decision"] == "block"
    assert sms["next_allowed_at"] is None
    assert "1006.14(h)" in _rules(sms)[0]
    assert _decide(channel="call", opt_outs=["sms"])["decision"] == "allow"
    assert _decide(channel="email", opt_outs=["sms", "email"])["decision"] == "block"


def test_new_fields_are_validated_and_named() -> None:
    with pytest.raises(InvalidInput, match=r"item 0 \(id \"c\"\), field party"):
        parse([_contact(party="neighbour")])
    with pytest.raises(InvalidInput, match=r"field opt_outs\.0"):
        parse([_contact(opt_outs=["fax"])])
    with pytest.raises(InvalidInput, match=r"field history\.0\.party"):
        parse(
            [
                _contact(
                    history=[
                        {
                            "channel": "call",
                            "at": US_DAY,
                            "outcome": "conversation",
                            "party": "boss",
                        }
                    ]
                )
            ]
        )


def _frames(action: str, hold: dict[str, Any]) -> tuple[pl.DataFrame, ...]:
    at = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    candidates = pl.DataFrame(
        [
            {
                "cid": 0,
                "case_id": "C-1",
                "debtor_id": "D1",
                "channel": "sms" if action == "contact" else "legal",
                "action": action,
                "pack": "US",
                "timezone": "America/New_York",
                "at": at,
            }
        ],
        schema=CANDIDATES_SCHEMA,
    )
    debts = pl.DataFrame({"case_id": ["C-1"], "account_id": ["A1"]}, schema=DEBTS_SCHEMA)
    history = pl.DataFrame(schema=HISTORY_SCHEMA)
    base = {"case_id": "C-1", "starts_at": at - timedelta(days=1), "ends_at": None}
    holds = pl.DataFrame([base | hold], schema=HOLDS_SCHEMA)
    return candidates, debts, history, holds


def test_a_time_barred_debt_may_be_collected_but_never_sued_on() -> None:
    barred = {"kind": "time_barred", "channel": None}
    assert screen(*_frames("contact", barred)).height == 0
    blocked = screen(*_frames("escalation", barred))
    assert blocked["rule"].to_list() == ["hold.time_barred"]
    assert "1006.26(b)" in blocked["citation"][0]


def test_the_daily_runs_frames_honour_a_stored_opt_out() -> None:
    """The daily run's frames name no party: the opt-out hold still stops its channel."""
    assert screen(*_frames("contact", {"kind": "opt_out", "channel": "sms"})).height == 1
    assert screen(*_frames("contact", {"kind": "opt_out", "channel": "email"})).height == 0
