"""The digital twin's side of a day: what each planned contact came to, and who then paid.

``recoverly plan export`` writes the day's planned contacts; this module plays them against
the hidden behaviour profile that ``simulate portfolio`` wrote beside the portfolio and
returns what a real day would have brought back, as the files Recoverly imports:

* contacts: the plan's rows unchanged plus ``outcome`` and ``direction`` (outbound), which
  ``recoverly import contacts`` takes back as executed contacts;
* payments: the Payments CSV contract, for ``recoverly import payments``;
* promises: one row per ``promise_to_pay`` outcome (there is no promises importer yet).

The model, per planned contact (the numbers are in the functions below):

* calls, voice bots and visits reach the right party with a chance that rises with the
  debtor's contactability and when the channel is the one they prefer (a bot is hung up on
  more often); a wrong number is likelier for the hard to reach; an unanswered call ends in
  no answer, voicemail or busy. A right-party contact ends in a promise to pay (likelier
  with willingness and capacity), a refusal (likelier without willingness), a dispute, a
  callback request or a plain conversation;
* SMS and push fail or are delivered, and some deliveries are clicked; email bounces or is
  delivered, opened, clicked; a letter is delivered. A channel the debtor has no address
  for (no phone for SMS or calls, no email) fails;
* after a contact the debtor pays with a chance ``1 - exp(-lift × willingness × capacity ×
  bucket)``: the lift is high after a right-party contact or a click and low after a
  missed call; the bucket factor favours early arrears (from the portfolio's
  days_past_due, else the plan's segment name). A promise is kept with a higher chance,
  on or before its due date, for the promised amount;
* an amount is the whole balance (principal, interest and fees outstanding) or a share of
  it in whole major units, never more than the balance; an account pays at most once per
  plan file; ``paid_at`` is within days after the contact, never before it.

Randomness is keyed per row: each plan row draws from a key made of the seed and a keyed
BLAKE2b hash of its ``plan_id``, expanded by SplitMix64 (one draw per purpose), so a row's
outcome depends only on its own inputs and the seed, never on the other rows or their
order, and a million rows need no million ``numpy`` generators.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from recoverly.domain.errors import InvalidInput, UnknownCurrency
from recoverly.domain.events import Channel, Direction, Outcome
from recoverly.domain.money import minor_units
from recoverly.simulate.arrays import BoolA, FltA, IntA, StrA, sigmoid
from recoverly.simulate.portfolio import BEHAVIOUR_COLUMNS

U64A = npt.NDArray[np.uint64]

PLAN_REQUIRED: Final = ("plan_id", "debtor_id", "channel", "scheduled_at")
# The Payments CSV contract's columns (``ingest.spec.PAYMENTS``), required then optional.
PAYMENT_COLUMNS: Final = (
    "payment_id", "account_id", "amount", "paid_at", "currency", "method", "reference",
)  # fmt: skip
PROMISE_COLUMNS: Final = ("promise_id", "account_id", "amount", "currency", "due_date", "made_at")
PORTFOLIO_REQUIRED: Final = ("account_id", "debtor_id", "currency", "principal_outstanding")

_VOICE: Final = frozenset({Channel.CALL, Channel.VOICE_BOT, Channel.VISIT})
_NEEDS_PHONE: Final = (Channel.SMS, Channel.CALL, Channel.VOICE_BOT)
_INSTANT: Final = "%Y-%m-%dT%H:%M:%SZ"
_DAY: Final = 86_400

# One draw per purpose, so that a change to one part of the model leaves the others' alone.
_LINE, _REACH, _RESULT, _MISS, _PAY, _FULL, _SHARE, _DELAY, _DUE, _METHOD = range(10)

# How much a contact's outcome moves the debtor to pay (see ``payment_chance``).
_LIFT: Final = {
    Outcome.CONVERSATION: 0.6,
    Outcome.CALLBACK_REQUESTED: 0.4,
    Outcome.REFUSED_TO_PAY: 0.05,
    Outcome.DISPUTE: 0.02,
    Outcome.CLICKED: 0.8,
    Outcome.OPENED: 0.25,
    Outcome.DELIVERED: 0.08,
    Outcome.NO_ANSWER: 0.04,
    Outcome.VOICEMAIL: 0.05,
    Outcome.BUSY: 0.04,
    Outcome.WRONG_PARTY: 0.02,
    Outcome.FAILED: 0.01,
    Outcome.BOUNCED: 0.01,
}


@dataclass(frozen=True, slots=True)
class Day:
    """A plan and, row for row, what the twin knows about each row's debtor and account.

    ``facts`` columns: channel, at (UTC epoch seconds), willingness,
    capacity, contactability, prefers (the plan's channel is the debtor's preferred one),
    reachable (the debtor has an address for the channel), account_id, currency, decimals,
    balance (minor units), bucket (payment factor of the arrears bucket).
    """

    plan: pl.DataFrame
    facts: pl.DataFrame


@dataclass(frozen=True, slots=True)
class Outcomes:
    contacts: pl.DataFrame
    payments: pl.DataFrame
    promises: pl.DataFrame


@dataclass(frozen=True, slots=True)
class OutcomeSummary:
    contacts: int
    right_party: int
    payments: int
    promises: int


# --- draws -------------------------------------------------------------------------------


def row_keys(plan_ids: Iterable[str], seed: int) -> U64A:
    """A 64-bit draw key per plan id: BLAKE2b of the id, keyed with the seed (stable)."""
    key = _seed_bytes(seed)
    return np.fromiter(
        (
            int.from_bytes(
                hashlib.blake2b(
                    i.encode(), digest_size=8, key=key, person=b"recoverly-twin"
                ).digest(),
                "little",
            )
            for i in plan_ids
        ),
        dtype=np.uint64,
    )


def uniforms(keys: U64A, slot: int) -> FltA:
    """Uniform draws in [0, 1), one per key, for one purpose: SplitMix64 of key and slot."""
    x = keys + np.uint64(((slot + 1) * 0x9E3779B97F4A7C15) % 2**64)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    out: FltA = (x >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return out


def _seed_bytes(seed: int) -> bytes:
    if not 0 <= seed < 2**64:
        raise InvalidInput(f"the seed must be an integer from 0 to 2**64 - 1; got {seed}")
    return seed.to_bytes(8, "little")


# --- the model ---------------------------------------------------------------------------


def contact_outcomes(
    channel: StrA,
    willingness: FltA,
    capacity: FltA,
    contactability: FltA,
    prefers: BoolA,
    reachable: BoolA,
    keys: U64A,
) -> StrA:
    """What each contact attempt came to, as ``Outcome`` values.

    Args:
        channel: ``Channel`` values, one per attempt.
        willingness, capacity, contactability: the debtor's hidden profile (0..1).
        prefers: the channel is the debtor's preferred one (a voice bot counts as a call).
        reachable: the debtor has an address for the channel.
        keys: draw keys (``row_keys``).
    """
    line, reach, result, miss = (uniforms(keys, s) for s in (_LINE, _REACH, _RESULT, _MISS))
    pref = prefers.astype(np.float64)
    k, w, c = contactability, willingness, capacity
    logit_k = np.log(np.clip(k, 1e-4, 1 - 1e-4) / np.clip(1 - k, 1e-4, 1))
    out = np.full(channel.shape, Outcome.DELIVERED.value, dtype=object)

    # Calls, voice bots, visits: the line, then who answers, then the conversation.
    voice = np.isin(channel, [c.value for c in _VOICE])
    bot = channel == Channel.VOICE_BOT.value
    visit = channel == Channel.VISIT.value
    wrong = line < 0.02 + 0.08 * (1 - k)
    rpc = ~wrong & (reach < sigmoid(logit_k - 1.5 + 0.8 * pref - 0.5 * bot))
    missed = np.where(
        visit | (miss < 0.60),
        Outcome.NO_ANSWER.value,
        np.where(miss < 0.88, Outcome.VOICEMAIL.value, Outcome.BUSY.value),
    )
    p_dispute = 0.02 + 0.06 * (1 - w)
    p_promise = 0.8 * sigmoid(-1.0 + 3.5 * (w - 0.5) + 1.0 * (c - 0.5))
    p_refuse = 0.05 + 0.35 * (1 - w)
    p_callback = np.full_like(w, 0.05)
    edges = np.cumsum(np.stack([p_dispute, p_promise, p_refuse, p_callback]), axis=0)
    edges /= np.maximum(edges[-1] / 0.95, 1.0)  # leave a conversation at least 5 %
    spoken = np.array(
        [
            Outcome.DISPUTE.value,
            Outcome.PROMISE_TO_PAY.value,
            Outcome.REFUSED_TO_PAY.value,
            Outcome.CALLBACK_REQUESTED.value,
            Outcome.CONVERSATION.value,
        ],
        dtype=object,
    )[(result[None, :] >= edges).sum(axis=0)]
    call_outcome = np.where(wrong, Outcome.WRONG_PARTY.value, np.where(rpc, spoken, missed))
    out = np.where(voice, call_outcome, out)

    # Messages: SMS and push fail or land (and may be clicked); email may bounce or be opened.
    sms = channel == Channel.SMS.value
    push = channel == Channel.PUSH.value
    email = channel == Channel.EMAIL.value
    sms_failed = line < 0.02 + 0.06 * (1 - k)
    sms_clicked = reach < sigmoid(-3.5 + 2.0 * w + 0.7 * pref)
    out = np.where(
        sms,
        np.where(
            sms_failed,
            Outcome.FAILED.value,
            np.where(sms_clicked, Outcome.CLICKED.value, Outcome.DELIVERED.value),
        ),
        out,
    )
    push_failed = line < 0.08 + 0.15 * (1 - k)
    opened = reach < sigmoid(-2.0 + 1.5 * k + 0.8 * pref)
    clicked = opened & (result < sigmoid(-2.5 + 2.5 * w))
    read = np.where(
        clicked,
        Outcome.CLICKED.value,
        np.where(opened, Outcome.OPENED.value, Outcome.DELIVERED.value),
    )
    out = np.where(push, np.where(push_failed, Outcome.FAILED.value, read), out)
    bounced = line < 0.03 + 0.10 * (1 - k)
    out = np.where(email, np.where(bounced, Outcome.BOUNCED.value, read), out)

    # No number or address for the channel: the attempt fails before it starts.
    out = np.where(~reachable & (voice & ~visit | sms | email), Outcome.FAILED.value, out)
    result_: StrA = out.astype(str)
    return result_


def payment_chance(outcome: StrA, willingness: FltA, capacity: FltA, bucket: FltA) -> FltA:
    """The chance that the debtor pays within days of a contact that came to ``outcome``.

    ``1 - exp(-rate)``: the rate is the outcome's lift times willingness times capacity
    times the arrears bucket's factor; a promise to pay is kept at a higher rate.
    """
    propensity = willingness * capacity
    lift = np.zeros(outcome.shape, dtype=np.float64)
    for value, x in _LIFT.items():
        lift[outcome == value.value] = x
    rate = lift * propensity * bucket
    promised = outcome == Outcome.PROMISE_TO_PAY.value
    rate = np.where(promised, (0.4 + 2.0 * propensity) * bucket, rate)
    out: FltA = 1.0 - np.exp(-rate)
    return out


def bucket_factor(days_past_due: FltA, segment: StrA) -> FltA:
    """How much easier early arrears are to collect: by days past due where known (NaN if
    not), else by an ``early``/``mid``/``late`` prefix of the plan's segment name."""
    by_segment = np.select(
        [np.char.startswith(segment, "early"), np.char.startswith(segment, "late")],
        [1.5, 0.45],
        1.0,
    )
    dpd = np.nan_to_num(days_past_due, nan=-1.0)
    by_dpd = np.select([dpd <= 30, dpd <= 90, dpd <= 180], [1.5, 1.0, 0.7], 0.45)
    out: FltA = np.where(np.isnan(days_past_due), by_segment, by_dpd)
    return out


def amounts(balance: IntA, decimals: IntA, capacity: FltA, bucket: FltA, keys: U64A) -> IntA:
    """What a payer pays or promises, in minor units: the whole balance or a share of it.

    A whole-balance payment is likelier with capacity and in early arrears; a share is
    10-60 % of the balance, rounded down to whole major units when that leaves something;
    never more than the balance, never less than one minor unit of a non-zero balance.
    """
    full = uniforms(keys, _FULL) < np.clip((0.15 + 0.5 * capacity) * bucket / 1.5, 0, 0.9)
    share = 0.1 + (0.1 + 0.4 * capacity) * uniforms(keys, _SHARE)
    raw = np.floor(balance.astype(np.float64) * share).astype(np.int64)
    unit = 10 ** decimals.astype(np.int64)
    whole = raw // unit * unit
    part = np.where(whole > 0, whole, raw)
    out: IntA = np.where(full, balance, np.clip(part, 1, np.maximum(balance, 1)))
    return np.minimum(out, balance)


# --- one day -----------------------------------------------------------------------------


def play(day: Day, seed: int) -> Outcomes:
    """Play one day's plan: the executed contacts, the payments and the promises.

    Args:
        day: the plan and its facts (``join_inputs``).
        seed: the twin's seed; the same day and seed give the same rows.
    """
    f = day.facts
    keys = row_keys(day.plan["plan_id"].to_list(), seed)
    w = f["willingness"].to_numpy().astype(np.float64)
    c = f["capacity"].to_numpy().astype(np.float64)
    bucket = f["bucket"].to_numpy().astype(np.float64)
    outcome = contact_outcomes(
        f["channel"].to_numpy().astype(str),
        w,
        c,
        f["contactability"].to_numpy().astype(np.float64),
        f["prefers"].to_numpy().astype(bool),
        f["reachable"].to_numpy().astype(bool),
        keys,
    )
    contacts = day.plan.with_columns(
        pl.Series("outcome", outcome, dtype=pl.String),
        pl.lit(Direction.OUTBOUND.value, dtype=pl.String).alias("direction"),
    )

    balance = f["balance"].to_numpy().astype(np.int64)
    decimals = f["decimals"].to_numpy().astype(np.int64)
    amount = amounts(balance, decimals, c, bucket, keys)
    at = f["at"].to_numpy().astype(np.int64)
    promised = (outcome == Outcome.PROMISE_TO_PAY.value) & (balance > 0)
    # A promise falls due 1-7 days after the day it is made; it is kept by the due date's end.
    due_day = at // _DAY + 1 + np.floor(uniforms(keys, _DUE) * 7).astype(np.int64)
    window = (due_day + 1) * _DAY - at
    clicked = outcome == Outcome.CLICKED.value
    mean = np.where(clicked, 3 * 3600.0, 1.5 * _DAY)
    cap = np.where(clicked, 2 * _DAY, 6 * _DAY)
    delay_u = uniforms(keys, _DELAY)
    delay = np.where(
        promised,
        600 + delay_u * (window - 600),
        600 + np.minimum(cap, -mean * np.log1p(-delay_u)),
    ).astype(np.int64)
    pays = (uniforms(keys, _PAY) < payment_chance(outcome, w, c, bucket)) & (balance > 0)
    method_u = uniforms(keys, _METHOD)
    method = np.where(
        clicked,
        np.where(method_u < 0.6, "card", "wallet"),
        np.where(method_u < 0.65, "bank_transfer", np.where(method_u < 0.9, "card", "cash")),
    )
    plan_id = day.plan["plan_id"]
    rows = pl.DataFrame(
        {
            "plan_id": plan_id,
            "account_id": f["account_id"],
            "currency": f["currency"],
            "decimals": decimals,
            "amount": amount,
            "at": at,
            "paid_at": at + delay,
            "due_day": due_day,
            "method": pl.Series(method, dtype=pl.String),
            "pays": pays,
            "promised": promised,
        }
    ).with_row_index("row")
    payments = (
        rows.filter("pays")
        .sort("at", "row")
        .unique("account_id", keep="first", maintain_order=True)  # one payment per account
        .sort("row")
        .select(
            _derived_id("PAY-", "plan_id").alias("payment_id"),
            "account_id",
            _decimal_text("amount", "decimals").alias("amount"),
            _instant_text("paid_at").alias("paid_at"),
            "currency",
            "method",
            pl.col("plan_id").alias("reference"),
        )
    )
    promises = rows.filter("promised").select(
        _derived_id("PTP-", "plan_id").alias("promise_id"),
        "account_id",
        _decimal_text("amount", "decimals").alias("amount"),
        "currency",
        pl.from_epoch(pl.col("due_day") * _DAY, "s").dt.date().cast(pl.String).alias("due_date"),
        _instant_text("at").alias("made_at"),
    )
    return Outcomes(contacts, payments, promises)


def _derived_id(prefix: str, column: str) -> pl.Expr:
    """``prefix`` + the plan id; a hash of it where that would exceed 64 characters."""
    source = pl.col(column)
    hashed = source.map_elements(
        lambda s: hashlib.blake2b(s.encode(), digest_size=16).hexdigest(), return_dtype=pl.String
    )
    fits = source.str.len_chars() <= 64 - len(prefix)
    return pl.lit(prefix) + pl.when(fits).then(source).otherwise(hashed)


def _decimal_text(minor: str, decimals: str) -> pl.Expr:
    """Minor units as a plain decimal string with exactly the currency's decimals."""
    scale = pl.lit(10, dtype=pl.Int64).pow(pl.col(decimals))
    whole = (pl.col(minor) // scale).cast(pl.String)
    fraction = (pl.col(minor) % scale + scale).cast(pl.String).str.slice(1)
    return pl.when(pl.col(decimals) == 0).then(whole).otherwise(whole + "." + fraction)


def _instant_text(column: str) -> pl.Expr:
    return pl.from_epoch(pl.col(column), "s").dt.strftime(_INSTANT)


# --- the inputs --------------------------------------------------------------------------


def read_csv(path: Path, what: str) -> pl.DataFrame:
    """A CSV file as text cells, empty cells null.

    Raises:
        InvalidInput: the file is missing, unreadable or empty.
    """
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except FileNotFoundError:
        raise InvalidInput(f"cannot read the {what} {path}: no such file") from None
    except pl.exceptions.NoDataError:
        raise InvalidInput(f"cannot read the {what} {path}: the file is empty") from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"cannot read the {what} {path} as CSV: {reason}") from None
    return frame


@dataclass(frozen=True, slots=True)
class Names:
    """How refusals name the three inputs (their paths, for a person to find them)."""

    plan: str = "the plan"
    behaviour: str = "the behaviour profile"
    portfolio: str = "the portfolio"


def join_inputs(
    plan: pl.DataFrame,
    behaviour: pl.DataFrame,
    portfolio: pl.DataFrame,
    names: Names | None = None,
) -> Day:
    """The plan's rows with what the twin knows of each row's debtor and account.

    A row's account is its ``account_id``, or where that is empty the debtor's account
    with the largest balance.

    Raises:
        InvalidInput: naming the file, the lines and the problem: a plan row without an id,
            debtor, known channel or UTC instant, or naming a debtor absent from the
            behaviour profile, or an account absent from the portfolio or of another
            debtor; a behaviour or portfolio row that cannot be read.
    """
    names = names or Names()
    _require(plan, PLAN_REQUIRED, names.plan)
    for column in ("outcome", "direction"):
        if column in plan.columns:
            raise InvalidInput(
                f"{names.plan} already has an {column} column: give the exported plan, "
                "not executed contacts"
            )
    profile = _profile(behaviour, names.behaviour)
    accounts, debtors = _accounts(portfolio, names.portfolio)
    given = pl.col("account_id") if "account_id" in plan.columns else pl.lit(None, pl.String)
    rows = (
        plan.select(
            pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("line"),
            pl.col("plan_id"),
            pl.col("debtor_id"),
            given.alias("given_account"),
            pl.col("channel").str.to_lowercase().alias("channel"),
            pl.col("scheduled_at"),
            _parse_instant(pl.col("scheduled_at")).alias("instant"),
            (pl.col("segment") if "segment" in plan.columns else pl.lit(""))
            .fill_null("")
            .alias("segment"),
        )
        .join(debtors, on="debtor_id", how="left", maintain_order="left")
        .with_columns(pl.coalesce("given_account", "main_account").alias("account_id"))
        .join(accounts, on="account_id", how="left", maintain_order="left")
        .join(profile, on="debtor_id", how="left", maintain_order="left")
    )
    channels = [c.value for c in Channel]
    owner = pl.col("owner")
    _refuse(rows, names.plan, [
        (pl.col("plan_id").is_null(), "line", "have no plan_id"),
        (pl.col("plan_id").is_duplicated(), "plan_id", "repeat a plan_id"),
        (pl.col("debtor_id").is_null(), "line", "have no debtor_id"),
        (~pl.col("channel").is_in(channels).fill_null(False), "channel",
         f"have a channel other than {', '.join(channels)}"),
        (pl.col("instant").is_null(), "scheduled_at",
         "have a scheduled_at that is not an instant such as 2026-03-09T14:00:00Z"),
        (pl.col("willingness").is_null(), "debtor_id",
         f"name a debtor absent from {names.behaviour}"),
        (pl.col("given_account").is_not_null() & owner.is_null(), "given_account",
         f"name an account absent from {names.portfolio}"),
        (owner != pl.col("debtor_id"), "given_account",
         f"name an account of another debtor in {names.portfolio}"),
        (owner.is_null(), "debtor_id", f"name a debtor with no account in {names.portfolio}"),
    ])  # fmt: skip

    channel = pl.col("channel")
    preferred = pl.col("channel_preference")
    facts = rows.select(
        channel,
        pl.col("instant").dt.epoch("s").alias("at"),
        "willingness",
        "capacity",
        "contactability",
        ((preferred == channel) | ((preferred == "call") & (channel == "voice_bot")))
        .fill_null(False)
        .alias("prefers"),
        pl.when(channel.is_in([c.value for c in _NEEDS_PHONE]))
        .then(pl.col("has_phone"))
        .when(channel == Channel.EMAIL.value)
        .then(pl.col("has_email"))
        .otherwise(True)
        .alias("reachable"),
        "account_id",
        "currency",
        "decimals",
        "balance",
        pl.Series(
            "bucket",
            bucket_factor(
                rows["dpd"].to_numpy().astype(np.float64),
                rows["segment"].to_numpy().astype(str),
            ),
        ),
    )
    return Day(plan, facts)


def _profile(behaviour: pl.DataFrame, where: str) -> pl.DataFrame:
    _require(behaviour, BEHAVIOUR_COLUMNS, where)
    scores = ("willingness", "capacity", "contactability")
    rows = behaviour.select(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("line"),
        "debtor_id",
        *(pl.col(c).cast(pl.Float64, strict=False) for c in scores),
        pl.col("channel_preference").str.to_lowercase(),
        *(pl.col(c).alias(f"{c}_text") for c in scores),
    )
    _refuse(rows, where, [
        (pl.col("debtor_id").is_null(), "line", "have no debtor_id"),
        (pl.col("debtor_id").is_duplicated(), "debtor_id", "repeat a debtor_id"),
        *((~pl.col(c).is_between(0, 1).fill_null(False), f"{c}_text",
           f"have a {c} that is not a number from 0 to 1") for c in scores),
    ])  # fmt: skip
    return rows.select("debtor_id", *scores, "channel_preference")


def _accounts(portfolio: pl.DataFrame, where: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Accounts (``account_id, owner, currency, decimals, balance, dpd``) and debtors
    (``debtor_id, main_account, has_phone, has_email``) of the portfolio."""
    _require(portfolio, PORTFOLIO_REQUIRED, where)

    def optional(column: str) -> pl.Expr:
        return pl.col(column) if column in portfolio.columns else pl.lit(None, pl.String)

    currencies = portfolio["currency"].drop_nulls().str.to_uppercase().unique().sort().to_list()
    decimals: dict[str, int] = {}
    for code in currencies:
        try:
            decimals[code] = minor_units(code)
        except UnknownCurrency:
            continue  # refused below, with its lines
    rows = portfolio.select(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("line"),
        "account_id",
        pl.col("debtor_id").alias("owner"),
        pl.col("currency").str.to_uppercase(),
        pl.col("currency").str.to_uppercase().replace_strict(
            decimals, default=None, return_dtype=pl.Int64
        ).alias("decimals"),
        *(optional(c).alias(c) for c in ("principal_outstanding", "interest_outstanding",
                                         "fees_outstanding", "days_past_due", "phone", "email")),
    )  # fmt: skip
    parts = ("principal_outstanding", "interest_outstanding", "fees_outstanding")
    _refuse(rows, where, [
        (pl.col("account_id").is_null(), "line", "have no account_id"),
        (pl.col("account_id").is_duplicated(), "account_id", "repeat an account_id"),
        (pl.col("owner").is_null(), "account_id", "have no debtor_id"),
        (pl.col("decimals").is_null(), "currency", "have no ISO 4217 currency with minor units"),
        *((_minor(c).is_null() & pl.col(c).is_not_null(), c,
           f"have a {c} that is not a plain decimal with the currency's decimals") for c in parts),
    ])  # fmt: skip
    accounts = rows.select(
        "account_id",
        "owner",
        "currency",
        "decimals",
        pl.max_horizontal(pl.sum_horizontal(_minor(c).fill_null(0) for c in parts), 0)
        .cast(pl.Int64)
        .alias("balance"),
        pl.col("days_past_due").cast(pl.Float64, strict=False).alias("dpd"),
    )
    debtors = (
        rows.with_columns(accounts["balance"])
        .sort("balance", "line", descending=[True, False])
        .group_by("owner", maintain_order=True)
        .agg(
            pl.col("account_id").first().alias("main_account"),
            pl.col("phone").is_not_null().any().alias("has_phone"),
            pl.col("email").is_not_null().any().alias("has_email"),
        )
        .rename({"owner": "debtor_id"})
    )
    # A portfolio without phone or email columns says nothing about them: assume them.
    debtors = debtors.with_columns(
        pl.col("has_phone") | pl.lit("phone" not in portfolio.columns),
        pl.col("has_email") | pl.lit("email" not in portfolio.columns),
    )
    return accounts, debtors


def _minor(column: str) -> pl.Expr:
    """A plain decimal cell (``-12.30``) as integer minor units of the row's currency;
    null where the cell is not such a decimal or has more decimals than the currency."""
    text = pl.col(column).str.strip_chars()
    fraction = text.str.extract(r"\.([0-9]*?)0*$").fill_null("")
    digits = fraction.str.len_chars().cast(pl.Int64)
    scale = pl.lit(10, dtype=pl.Int64).pow(pl.col("decimals"))
    whole = text.str.extract(r"^-?([0-9]{1,15})(\.[0-9]*)?$").cast(pl.Int64)
    part = pl.when(fraction == "").then(0).otherwise(fraction.cast(pl.Int64, strict=False))
    frac_scale = pl.lit(10, dtype=pl.Int64).pow((pl.col("decimals") - digits).clip(lower_bound=0))
    sign = pl.when(text.str.starts_with("-")).then(-1).otherwise(1)
    value = sign * (whole * scale + part * frac_scale)
    return pl.when(digits <= pl.col("decimals")).then(value)


def _parse_instant(text: pl.Expr) -> pl.Expr:
    """``2026-03-09T14:00:00Z`` or with an offset; a time without one is read as UTC."""
    value = text.str.strip_chars().str.replace(r"[Zz]$", "+00:00")
    value = (
        pl.when(value.str.contains(r"[+-][0-9]{2}:?[0-9]{2}$"))
        .then(value)
        .otherwise(value + "+00:00")
    )
    return value.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", time_zone="UTC", strict=False)


def _require(frame: pl.DataFrame, columns: Iterable[str], where: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInput(f"{where} lacks the column(s) {', '.join(missing)}")


Check = tuple[pl.Expr, str, str]
"""A condition that refuses a row, the column to quote from it (or ``line``), and what the
refused rows do wrong."""


def _refuse(rows: pl.DataFrame, where: str, checks: Iterable[Check]) -> None:
    """Raise ``InvalidInput`` for the first check that some rows fail, naming up to three."""
    for bad, show, what in checks:
        found = rows.filter(bad.fill_null(False))
        if found.is_empty():
            continue
        examples = ", ".join(
            f"line {line}" if show == "line" else f'line {line} ("{value}")'
            for line, value in found.select("line", pl.col(show).cast(pl.String))
            .head(3)
            .iter_rows()
        )
        more = f" and {found.height - 3} more" if found.height > 3 else ""
        raise InvalidInput(f"{where}: {found.height} row(s) {what}: {examples}{more}")


# --- the files ---------------------------------------------------------------------------


def write_outcomes(
    plan: Path,
    behaviour: Path,
    portfolio: Path,
    seed: int,
    contacts_out: Path,
    payments_out: Path,
    promises_out: Path | None = None,
) -> OutcomeSummary:
    """Read the three inputs, play the day and write the outcome files, all or nothing.

    Raises:
        InvalidInput: an input is missing or wrong (the message names the file and lines),
            or two files would be the same path.
    """
    _seed_bytes(seed)  # refuse a bad seed before reading anything large
    outputs = [(contacts_out, "contacts"), (payments_out, "payments")]
    if promises_out is not None:
        outputs.append((promises_out, "promises"))
    seen = {plan.resolve(): "the plan", behaviour.resolve(): "the behaviour profile"}
    seen[portfolio.resolve()] = "the portfolio"
    for path, what in outputs:
        if path.resolve() in seen:
            raise InvalidInput(f"the {what} would overwrite {seen[path.resolve()]} at {path}")
        seen[path.resolve()] = f"the {what}"
    day = join_inputs(
        read_csv(plan, "plan"),
        read_csv(behaviour, "behaviour profile"),
        read_csv(portfolio, "portfolio"),
        Names(str(plan), str(behaviour), str(portfolio)),
    )
    result = play(day, seed)
    frames = {
        "contacts": result.contacts,
        "payments": result.payments,
        "promises": result.promises,
    }
    _write_all([(frames[what], path) for path, what in outputs])
    right_party = result.contacts.filter(
        pl.col("outcome").is_in([o.value for o in Outcome if o.right_party_contact])
    ).height
    return OutcomeSummary(
        result.contacts.height, right_party, result.payments.height, result.promises.height
    )


def _write_all(files: list[tuple[pl.DataFrame, Path]]) -> None:
    """Write every frame under a temporary name beside its target, then rename them all."""
    opened: list[tuple[Path, BinaryIO, Path]] = []  # target, handle, temporary name
    try:
        for frame, target in files:
            if target.is_dir():
                raise InvalidInput(f"cannot write {target}: it is a directory")
            # Not tempfile.mkstemp: its files are private (0600); these honour the umask.
            temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
            try:
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except OSError as exc:
                raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
            handle: BinaryIO = os.fdopen(fd, "wb")
            opened.append((target, handle, temporary))
            with handle:
                frame.write_csv(handle)
        for target, _, temporary in opened:
            os.replace(temporary, target)
    except BaseException:
        for _, handle, temporary in opened:
            handle.close()
            temporary.unlink(missing_ok=True)
        raise
