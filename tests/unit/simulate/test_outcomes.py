"""The digital twin's outcomes: realistic per channel, driven by the hidden profile, exact
money, payments after their contacts, the same bytes for the same seed, clear refusals.

Most tests build a small day in the files' own shape (text cells, as ``read_csv`` gives
them): many debtors who are alike but for the one trait under test, each with one planned
contact, so that a rate is measured over thousands of independent draws.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoverly.domain.errors import InvalidInput
from recoverly.domain.events import Outcome
from recoverly.domain.money import Money, minor_units
from recoverly.ingest.spec import CONTACTS, PAYMENTS
from recoverly.simulate.outcomes import (
    OUTCOMES,
    PAYMENT_COLUMNS,
    PROMISE_COLUMNS,
    Outcomes,
    join_inputs,
    payment_chance,
    play,
    write_outcomes,
)

RIGHT_PARTY = {o.value for o in Outcome if o.right_party_contact}
AT = "2026-03-09T14:00:00Z"


def day(
    n: int = 4000,
    *,
    channel: str = "call",
    willingness: float = 0.5,
    capacity: float = 0.5,
    contactability: float = 0.7,
    preference: str = "letter",
    currency: str = "USD",
    balance: str = "1000.00",
    dpd: str | None = "45",
    email: str | None = "someone@example.com",
    tag: str = "",
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Plan, behaviour and portfolio frames of ``n`` alike debtors, one account each."""
    debtors = [f"D{tag}{i:06d}" for i in range(n)]
    accounts = [f"A{tag}{i:06d}" for i in range(n)]
    plan = pl.DataFrame(
        {
            "plan_id": [f"P-20260309-{d}" for d in debtors],
            "case_id": [f"C-{d}" for d in debtors],
            "debtor_id": debtors,
            "account_id": accounts,
            "channel": [channel] * n,
            "scheduled_at": [AT] * n,
            "jurisdiction": ["US-NY"] * n,
            "segment": ["mid_agents"] * n,
        }
    )
    behaviour = pl.DataFrame(
        {
            "debtor_id": debtors,
            "willingness": [str(willingness)] * n,
            "capacity": [str(capacity)] * n,
            "channel_preference": [preference] * n,
            "contactability": [str(contactability)] * n,
        }
    )
    portfolio = pl.DataFrame(
        {
            "account_id": accounts,
            "debtor_id": debtors,
            "currency": [currency] * n,
            "principal_outstanding": [balance] * n,
            "interest_outstanding": [None] * n,
            "fees_outstanding": [None] * n,
            "days_past_due": [dpd] * n,
            "phone": ["+12125550100"] * n,
            "email": [email] * n,
        },
        schema_overrides={c: pl.String for c in ("interest_outstanding", "fees_outstanding")},
    )
    return plan, behaviour, portfolio


def played(seed: int = 7, **traits: Any) -> Outcomes:
    return play(join_inputs(*day(**traits)), seed)


def rate(outcomes: Outcomes, values: set[str]) -> float:
    return float(outcomes.contacts["outcome"].is_in(list(values)).mean() or 0.0)


def paid_share(outcomes: Outcomes) -> float:
    return outcomes.payments.height / outcomes.contacts.height


class TestContactOutcomes:
    @pytest.mark.parametrize(
        ("channel", "allowed"),
        [
            ("call", {"conversation", "no_answer", "voicemail", "busy", "wrong_party",
                      "promise_to_pay", "refused_to_pay", "cease_request", "dispute",
                      "callback_requested"}),
            ("voice_bot", {"conversation", "no_answer", "voicemail", "busy", "wrong_party",
                           "promise_to_pay", "refused_to_pay", "cease_request", "dispute",
                           "callback_requested"}),
            ("sms", {"delivered", "failed", "clicked"}),
            ("email", {"delivered", "bounced", "opened", "clicked"}),
            ("push", {"delivered", "failed", "opened", "clicked"}),
            ("letter", {"delivered"}),
        ],
    )  # fmt: skip
    def test_each_channel_ends_in_its_own_valid_outcomes(
        self, channel: str, allowed: set[str]
    ) -> None:
        seen = set(played(channel=channel).contacts["outcome"])
        assert seen <= allowed
        assert seen <= {o.value for o in Outcome}
        assert len(seen) == len(allowed)  # each of them happens

    def test_contactability_raises_right_party_contact(self) -> None:
        low = rate(played(channel="call", contactability=0.2), RIGHT_PARTY)
        high = rate(played(channel="call", contactability=0.9), RIGHT_PARTY)
        assert 0.02 < low < high - 0.2 < 0.7
        wrong_low = rate(played(channel="call", contactability=0.2), {"wrong_party"})
        wrong_high = rate(played(channel="call", contactability=0.9), {"wrong_party"})
        assert wrong_high < wrong_low

    def test_the_preferred_channel_reaches_more_and_a_voice_bot_less_than_a_person(self) -> None:
        other = rate(played(channel="call", preference="sms"), RIGHT_PARTY)
        preferred = rate(played(channel="call", preference="call"), RIGHT_PARTY)
        bot = rate(played(channel="voice_bot", preference="sms"), RIGHT_PARTY)
        assert bot < other < preferred - 0.05
        sms_other = rate(played(channel="sms", preference="letter"), {"clicked"})
        sms_preferred = rate(played(channel="sms", preference="sms"), {"clicked"})
        assert sms_other < sms_preferred

    def test_willingness_raises_promises_and_lowers_refusals(self) -> None:
        unwilling = played(channel="call", willingness=0.1, contactability=0.9)
        willing = played(channel="call", willingness=0.9, contactability=0.9)
        assert rate(unwilling, {"promise_to_pay"}) < rate(willing, {"promise_to_pay"}) / 3
        assert rate(unwilling, {"refused_to_pay"}) > 3 * rate(willing, {"refused_to_pay"})
        assert rate(unwilling, {"dispute"}) > rate(willing, {"dispute"})
        # Willingness moves what is said, not whether the phone is answered.
        assert abs(rate(unwilling, RIGHT_PARTY) - rate(willing, RIGHT_PARTY)) < 0.03

    def test_a_debtor_without_an_address_for_the_channel_cannot_be_reached(self) -> None:
        assert set(played(channel="email", email=None).contacts["outcome"]) == {"failed"}
        assert "failed" not in set(played(channel="email").contacts["outcome"])

    def test_the_contacts_are_the_plan_rows_unchanged_with_an_outcome(self) -> None:
        plan, behaviour, portfolio = day(50, channel="sms")
        contacts = play(join_inputs(plan, behaviour, portfolio), 1).contacts
        assert contacts.columns == [*plan.columns, "outcome", "direction"]
        assert contacts.select(plan.columns).equals(plan)
        assert set(contacts["direction"]) == {"outbound"}
        assert set(contacts.columns) - CONTACTS.known <= set(plan.columns)  # ignored extras


class TestPayments:
    def test_the_chance_to_pay_rises_with_willingness_capacity_and_engagement(self) -> None:
        codes = {o: np.array([OUTCOMES.index(o)]) for o in OUTCOMES}
        one = np.array([1.0])

        def chance(outcome: Outcome, w: float = 0.5, c: float = 0.5, bucket: float = 1.0) -> float:
            return float(payment_chance(codes[outcome], w * one, c * one, bucket * one)[0])

        assert chance(Outcome.CONVERSATION, w=0.2) < chance(Outcome.CONVERSATION, w=0.8)
        assert chance(Outcome.CONVERSATION, c=0.2) < chance(Outcome.CONVERSATION, c=0.8)
        assert chance(Outcome.CONVERSATION, bucket=0.45) < chance(Outcome.CONVERSATION, bucket=1.5)
        ladder = [Outcome.FAILED, Outcome.NO_ANSWER, Outcome.DELIVERED, Outcome.OPENED,
                  Outcome.CONVERSATION, Outcome.CLICKED, Outcome.PROMISE_TO_PAY]  # fmt: skip
        chances = [chance(o) for o in ladder]
        assert chances == sorted(chances)
        assert chance(Outcome.REFUSED_TO_PAY) < chance(Outcome.CONVERSATION)

    def test_more_pay_after_a_promise_or_a_right_party_contact(self) -> None:
        outcomes = played(channel="call", willingness=0.7, capacity=0.7, contactability=0.9)
        joined = outcomes.contacts.join(
            outcomes.payments.select(pl.col("reference").alias("plan_id"), pl.lit(1).alias("paid")),
            on="plan_id",
            how="left",
        ).with_columns(pl.col("paid").fill_null(0))
        by = dict(joined.group_by("outcome").agg(pl.col("paid").mean()).iter_rows())
        assert by["promise_to_pay"] > by["conversation"] > by["no_answer"]

    def test_early_arrears_and_willing_able_debtors_pay_more(self) -> None:
        early = paid_share(played(channel="sms", dpd="10", tag="e"))
        late = paid_share(played(channel="sms", dpd="400", tag="l"))
        assert late < early
        poor = paid_share(played(channel="call", willingness=0.3, capacity=0.2))
        rich = paid_share(played(channel="call", willingness=0.9, capacity=0.9))
        assert poor < rich / 3
        # Without days past due the plan's segment name tells the bucket.
        unknown = day(channel="sms", dpd=None)
        early_named = unknown[0].with_columns(pl.lit("early_digital").alias("segment"))
        by_name = play(join_inputs(early_named, *unknown[1:]), 7)
        assert paid_share(by_name) > paid_share(play(join_inputs(*unknown), 7))

    def test_payments_follow_their_contact_within_days_and_match_the_payments_contract(
        self,
    ) -> None:
        outcomes = played(channel="call", willingness=0.8, capacity=0.8, contactability=0.9)
        payments = outcomes.payments
        assert payments.height > 300
        assert tuple(payments.columns) == PAYMENT_COLUMNS == PAYMENTS.required + PAYMENTS.optional
        contact = datetime(2026, 3, 9, 14, tzinfo=UTC)
        for text in payments["paid_at"]:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text)
            paid = datetime.fromisoformat(text)
            assert contact < paid <= contact + timedelta(days=8)
        assert payments["payment_id"].str.starts_with("PAY-P-20260309-").all()
        assert payments["payment_id"].is_unique().all()

    def test_promises_are_kept_by_their_due_date_for_the_promised_amount(self) -> None:
        outcomes = played(channel="call", willingness=0.9, capacity=0.8, contactability=0.9)
        promises = outcomes.promises
        assert tuple(promises.columns) == PROMISE_COLUMNS
        assert promises.height == rate(outcomes, {"promise_to_pay"}) * outcomes.contacts.height
        kept = promises.join(
            outcomes.payments, left_on=pl.col("promise_id").str.slice(4),
            right_on="reference", suffix="_paid",
        )  # fmt: skip
        assert 0.4 * promises.height < kept.height < promises.height
        for due, paid, promised, amount in kept.select(
            "due_date", "paid_at", "amount", "amount_paid"
        ).iter_rows():
            assert "2026-03-10" <= due <= "2026-03-16"
            assert paid[:10] <= due
            assert promised == amount

    def test_an_account_pays_at_most_once_per_plan(self) -> None:
        plan, behaviour, portfolio = day(200, channel="call", willingness=0.95, capacity=0.95)
        twice = pl.concat(
            [plan, plan.with_columns(pl.col("plan_id") + "-again", pl.lit("sms").alias("channel"))]
        )
        payments = play(join_inputs(twice, behaviour, portfolio), 3).payments
        assert payments.height > 50
        assert payments["account_id"].is_unique().all()

    def test_a_plan_row_without_an_account_is_paid_on_the_debtor_largest_account(self) -> None:
        plan, behaviour, portfolio = day(300, channel="call", willingness=0.95, capacity=0.95)
        second = portfolio.with_columns(
            pl.col("account_id") + "-big", pl.lit("99999.00").alias("principal_outstanding")
        )
        no_account = plan.with_columns(pl.lit(None, pl.String).alias("account_id"))
        outcomes = play(join_inputs(no_account, behaviour, pl.concat([portfolio, second])), 3)
        assert outcomes.payments.height > 20
        assert outcomes.payments["account_id"].str.ends_with("-big").all()
        assert outcomes.contacts["account_id"].is_null().all()  # the plan row, unchanged


@pytest.mark.parametrize(("currency", "balance"), [("JPY", "123457"), ("USD", "1234.56"),
                                                   ("BHD", "12.345")])  # fmt: skip
def test_amounts_never_exceed_the_balance_and_use_the_currency_minor_units(
    currency: str, balance: str
) -> None:
    outcomes = played(
        channel="call", willingness=0.9, capacity=0.6, currency=currency, balance=balance
    )
    digits = minor_units(currency)
    pattern = r"[0-9]+" if digits == 0 else rf"[0-9]+\.[0-9]{{{digits}}}"
    for frame in (outcomes.payments, outcomes.promises):
        assert frame.height > 50
        assert set(frame["currency"]) == {currency}
        for text in frame["amount"]:
            assert re.fullmatch(pattern, text), text
            assert Decimal(0) < Money.parse(text, currency).amount <= Decimal(balance)
    assert Decimal(balance) in {Decimal(a) for a in outcomes.payments["amount"]}  # paid in full


class TestDeterminism:
    def test_the_same_inputs_and_seed_give_the_same_rows_and_another_seed_others(self) -> None:
        first, again, other = played(seed=5), played(seed=5), played(seed=6)
        for name in ("contacts", "payments", "promises"):
            assert getattr(first, name).equals(getattr(again, name))
        assert not first.contacts.equals(other.contacts)

    def test_a_row_outcome_depends_on_its_plan_id_not_on_the_other_rows(self) -> None:
        plan, behaviour, portfolio = day(500, channel="call")
        whole = play(join_inputs(plan, behaviour, portfolio), 9).contacts
        part = plan.reverse().head(200)
        alone = play(join_inputs(part, behaviour, portfolio), 9).contacts
        expected = whole.join(alone.select("plan_id"), on="plan_id", maintain_order="right")
        assert alone.equals(expected)

    def test_the_files_are_the_same_bytes_each_time(
        self, files: tuple[Path, Path], tmp_path: Path
    ) -> None:
        plan = tmp_path / "plan.csv"
        portfolio = pl.read_csv(files[0], infer_schema=False)
        channels = ["sms", "email", "letter", "push", "voice_bot", "call"]
        portfolio.select(
            ("P-20260309-" + pl.col("account_id")).alias("plan_id"),
            "debtor_id",
            "account_id",
            pl.Series([channels[i % 6] for i in range(portfolio.height)]).alias("channel"),
            pl.lit("2026-03-09T09:30:00Z").alias("scheduled_at"),
            pl.col("timezone").alias("debtor_timezone"),
        ).write_csv(plan)
        outputs = []
        for run in ("a", "b"):
            out = [tmp_path / f"{run}-{name}.csv" for name in ("contacts", "payments", "promises")]
            summary = write_outcomes(plan, files[1], files[0], 42, *out)
            outputs.append([path.read_bytes() for path in out])
            assert summary.contacts == portfolio.height
        assert outputs[0] == outputs[1]
        assert summary.payments > 0
        assert summary.promises > 0
        assert not list(tmp_path.glob(".*.part"))


class TestRefusals:
    def test_a_debtor_absent_from_the_behaviour_profile_is_named_with_its_line(self) -> None:
        plan, behaviour, portfolio = day(10)
        with pytest.raises(InvalidInput) as refused:
            join_inputs(plan, behaviour.slice(3), portfolio)
        assert refused.value.message == (
            "the plan: 3 row(s) name a debtor absent from the behaviour profile: "
            'line 2 ("D000000"), line 3 ("D000001"), line 4 ("D000002")'
        )

    @pytest.mark.parametrize(
        ("change", "words"),
        [
            (pl.lit("fax").alias("channel"), 'have a channel other than call, sms'),
            (pl.lit("yesterday").alias("scheduled_at"), 'scheduled_at that is not an instant'),
            (pl.lit("A000001").alias("account_id"), "an account of another debtor"),
            (pl.lit("A999").alias("account_id"), "an account absent from the portfolio"),
            (pl.lit("P-same").alias("plan_id"), 'repeat a plan_id: line 2 ("P-same")'),
            (pl.lit("no_answer").alias("outcome"), "already has an outcome column"),
        ],
    )  # fmt: skip
    def test_bad_plan_rows_are_refused_naming_the_problem(
        self, change: pl.Expr, words: str
    ) -> None:
        plan, behaviour, portfolio = day(5)
        with pytest.raises(InvalidInput, match=re.escape(words)):
            join_inputs(plan.with_columns(change), behaviour, portfolio)

    def test_missing_columns_and_bad_profiles_are_refused(self) -> None:
        plan, behaviour, portfolio = day(5)
        with pytest.raises(InvalidInput, match=r"the plan lacks the column\(s\) scheduled_at"):
            join_inputs(plan.drop("scheduled_at"), behaviour, portfolio)
        with pytest.raises(InvalidInput, match=r'willingness that is not a number.*"1.5"'):
            join_inputs(plan, behaviour.with_columns(pl.lit("1.5").alias("willingness")), portfolio)
        with pytest.raises(InvalidInput, match=r'currency with minor units: line 2 \("XXX"\)'):
            join_inputs(plan, behaviour, portfolio.with_columns(pl.lit("XXX").alias("currency")))
        bad_amount = portfolio.with_columns(pl.lit("12.345").alias("principal_outstanding"))
        with pytest.raises(InvalidInput, match="principal_outstanding that is not a plain"):
            join_inputs(plan, behaviour, bad_amount)

    def test_files_name_themselves_and_nothing_is_written_on_failure(self, tmp_path: Path) -> None:
        plan, behaviour, portfolio = day(5)
        paths = {n: tmp_path / f"{n}.csv" for n in ("plan", "behaviour", "portfolio")}
        plan.write_csv(paths["plan"])
        behaviour.head(4).write_csv(paths["behaviour"])
        portfolio.write_csv(paths["portfolio"])
        contacts, payments = tmp_path / "c.csv", tmp_path / "p.csv"
        with pytest.raises(InvalidInput, match=f"{paths['plan']}: 1 row.s. name a debtor absent "
                                               f"from {paths['behaviour']}: line 6"):  # fmt: skip
            write_outcomes(paths["plan"], paths["behaviour"], paths["portfolio"], 0, contacts,
                           payments)  # fmt: skip
        with pytest.raises(InvalidInput, match=r"cannot read the plan .*nope\.csv: no such file"):
            write_outcomes(tmp_path / "nope.csv", paths["behaviour"], paths["portfolio"], 0,
                           contacts, payments)  # fmt: skip
        behaviour.write_csv(paths["behaviour"])
        (tmp_path / "dir.csv").mkdir()
        with pytest.raises(InvalidInput, match="it is a directory"):
            write_outcomes(paths["plan"], paths["behaviour"], paths["portfolio"], 0, contacts,
                           tmp_path / "dir.csv")  # fmt: skip
        with pytest.raises(InvalidInput, match="would overwrite the plan"):
            write_outcomes(paths["plan"], paths["behaviour"], paths["portfolio"], 0,
                           paths["plan"], payments)  # fmt: skip
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "behaviour.csv", "dir.csv", "plan.csv", "portfolio.csv",
        ]  # fmt: skip


_CURRENCIES = ["JPY", "USD", "BHD", "KWD", "EUR", "VND", "CLP", "IDR"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["call", "voice_bot", "sms", "email", "push", "letter", "visit"]),
            st.floats(0, 1),
            st.floats(0, 1),
            st.floats(0, 1),
            st.sampled_from(_CURRENCIES),
            st.integers(0, 10**13),
            st.integers(0, 10**8),
        ),
        min_size=1,
        max_size=40,
    ),
    seed=st.integers(0, 2**64 - 1),
)
def test_any_day_gives_valid_outcomes_exact_money_and_payments_after_contacts(
    rows: list[tuple[str, float, float, float, str, int, int]], seed: int
) -> None:
    n = len(rows)
    channel, w, c, k, currency, minor, offset = map(list, zip(*rows, strict=True))
    start = datetime(2026, 3, 9, tzinfo=UTC)
    at = [start + timedelta(seconds=s) for s in offset]
    balances = [
        str(Money.from_minor(m, ccy).amount) for m, ccy in zip(minor, currency, strict=True)
    ]
    ids = [f"D{i}" for i in range(n)]
    plan = pl.DataFrame(
        {
            "plan_id": [f"P{i}" for i in range(n)],
            "debtor_id": ids,
            "account_id": [f"A{i}" for i in range(n)],
            "channel": channel,
            "scheduled_at": [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in at],
        }
    )
    behaviour = pl.DataFrame(
        {
            "debtor_id": ids,
            "willingness": [str(x) for x in w],
            "capacity": [str(x) for x in c],
            "channel_preference": channel,
            "contactability": [str(x) for x in k],
        }
    )
    portfolio = pl.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(n)],
            "debtor_id": ids,
            "currency": currency,
            "principal_outstanding": balances,
        }
    )
    outcomes = play(join_inputs(plan, behaviour, portfolio), seed)
    assert outcomes.contacts["outcome"].is_in([o.value for o in Outcome]).all()
    balance = {f"A{i}": (Decimal(b), ccy) for i, (b, ccy) in enumerate(zip(balances, currency,
                                                                          strict=True))}  # fmt: skip
    contact_at = dict(zip(plan["plan_id"], at, strict=True))
    for frame in (outcomes.payments, outcomes.promises):
        for row in frame.iter_rows(named=True):
            owed, ccy = balance[row["account_id"]]
            assert row["currency"] == ccy
            paid = Money.parse(row["amount"], ccy)  # refuses more decimals than the currency's
            assert str(paid.amount) == row["amount"]  # exactly the currency's decimals
            assert Decimal(0) < paid.amount <= owed
    for row in outcomes.payments.iter_rows(named=True):
        assert datetime.fromisoformat(row["paid_at"]) > contact_at[row["reference"]]
    assert outcomes.payments["account_id"].is_unique().all()
