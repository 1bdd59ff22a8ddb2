"""The twin's texts back, complaints, supervisor and back office: the same for a seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from recoverly.compliance.opt_outs import Reply, keyword
from recoverly.simulate.reactions import (
    COMPLAINT_COLUMNS,
    back_office,
    complaints,
    sms_replies,
    supervisor_reviews,
)

DAY = datetime(2026, 3, 9, tzinfo=UTC)


def contacts(n: int = 4000) -> pl.DataFrame:
    """A day of played contacts: texts delivered, calls answered, in a few languages."""
    return pl.DataFrame(
        {
            "plan_id": [f"P-20260309-C-D{i:07d}" for i in range(n)],
            "case_id": [f"C-D{i:07d}" for i in range(n)],
            "debtor_id": [f"D{i:07d}" for i in range(n)],
            "channel": ["sms", "call"] * (n // 2),
            "scheduled_at": [f"2026-03-09T{8 + i % 10:02d}:00:00Z" for i in range(n)],
            "outcome": ["delivered", "conversation"] * (n // 2),
            "language": [("en", "zh-Hans", "es-MX", "th")[i % 4] for i in range(n)],
        }
    )


class TestTextsBack:
    def test_the_same_seed_gives_the_same_replies_and_another_seed_others(self) -> None:
        day = contacts()
        assert sms_replies(day, 7).equals(sms_replies(day, 7))
        assert sms_replies(day.reverse(), 7).equals(sms_replies(day, 7))  # order-free
        assert not sms_replies(day, 8).equals(sms_replies(day, 7))

    def test_a_few_stop_and_some_of_them_start_a_day_or_two_later(self) -> None:
        replies = sms_replies(contacts(), 7)
        stops = replies.filter(pl.col("reply") == "stop")
        starts = replies.filter(pl.col("reply") == "start")
        assert 0.01 < stops.height / 2000 < 0.06
        assert 0 < starts.height < stops.height
        assert set(starts["debtor_id"]) <= set(stops["debtor_id"])
        stopped = dict(stops.select("debtor_id", "at").iter_rows())
        for debtor_id, at in starts.select("debtor_id", "at").iter_rows():
            assert timedelta(hours=20) <= at - stopped[debtor_id] <= timedelta(hours=44)
        # Each text says what it means the way the inbound-SMS webhook reads it.
        assert {keyword(t) for t in stops["text"]} == {Reply.STOP}
        assert {keyword(t) for t in starts["text"]} == {Reply.START}


class TestComplaints:
    def test_the_same_seed_gives_the_same_complaints_in_the_file_format(self) -> None:
        day = contacts()
        made = complaints(day, 7)
        shuffled = complaints(day.sample(fraction=1.0, shuffle=True, seed=1), 7)
        assert made.equals(shuffled.sort("external_reference"))  # in the day's order
        assert not made.equals(complaints(day, 8))
        assert made.columns == list(COMPLAINT_COLUMNS)
        assert 0 < made.height < 0.03 * day.height
        assert made["external_reference"].str.starts_with("DEMO-").all()
        chinese = made.join(day, on="debtor_id").filter(pl.col("language") == "zh-Hans")
        assert chinese.height == 0 or chinese["text"].str.contains("[\u4e00-\u9fff]").all()


class TestStaff:
    def test_the_supervisor_answers_yesterdays_and_closes_what_was_answered(self) -> None:
        open_ = pl.DataFrame(
            {
                "complaint_id": ["a", "b", "c"],
                "status": ["received", "received", "responded"],
                "received_at": [DAY - timedelta(hours=5), DAY + timedelta(hours=2), DAY],
                "responded_at": [None, None, DAY + timedelta(hours=1)],
            },
            schema_overrides={"responded_at": pl.Datetime("us", "UTC")},
        )
        reviews = supervisor_reviews(open_, DAY + timedelta(days=0), 7)
        assert [(r.complaint_id, r.action) for r in reviews] == [("a", "respond")]
        tomorrow = supervisor_reviews(open_, DAY + timedelta(days=1), 7)
        assert [(r.complaint_id, r.action) for r in tomorrow] == [
            ("a", "respond"), ("b", "respond"), ("c", "close"),
        ]  # fmt: skip
        assert tomorrow == supervisor_reviews(open_.reverse(), DAY + timedelta(days=1), 7)
        assert tomorrow[2].root_cause
        assert tomorrow[2].resolution

    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_the_back_office_resolves_only_disputes_opened_before_today(self, seed: int) -> None:
        disputes = pl.DataFrame(
            {
                "case_id": [f"C{i}" for i in range(200)],
                "hold_id": list(range(200)),
                "starts_at": [DAY - timedelta(hours=1 + i % 2 * -3) for i in range(200)],
            }
        )
        resolved = back_office(disputes, DAY, seed)
        assert resolved == back_office(disputes.reverse(), DAY, seed)
        assert {r.hold_id % 2 for r in resolved} == {0}  # odd ones opened today
        assert 0.5 < len(resolved) / 100 < 0.9
