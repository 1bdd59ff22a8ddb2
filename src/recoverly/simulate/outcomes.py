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
  with willingness and capacity), a refusal (likelier without willingness; one in four
  refusers asks not to be contacted again, a cease request), a dispute, a callback
  request or a plain conversation;
* SMS fails or is delivered, and sometimes clicked; push fails or is delivered, opened,
  clicked; email bounces or is delivered, opened, clicked; a letter is delivered. A
  channel the debtor has no address for (no phone for SMS or calls, no email) fails;
* after a contact the debtor pays with a chance ``1 - exp(-lift × willingness × capacity ×
  bucket)``: the lift is high after a right-party contact or a click and low after a
  missed call; the bucket factor favours early arrears (from the portfolio's
  days_past_due, else the plan's segment name). A promise is kept with a higher chance,
  by its due date, for the promised amount;
* an amount is the whole balance (principal, interest and fees outstanding) or a share of
  it in whole major units, never more than the balance; an account pays at most once per
  plan file; ``paid_at`` is within days after the contact, never before it.

Randomness is keyed per row: each plan row draws from a key made of the seed and a keyed
BLAKE2b hash of its ``plan_id``, expanded by SplitMix64 (one draw per purpose), so a row's
outcome depends only on its own inputs and the seed, never on the other rows or their
order, and a million rows need no million ``numpy`` generators. Channels and outcomes are
integer codes (positions in ``CHANNELS`` and ``OUTCOMES``) inside the model, for speed.
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
from recoverly.simulate.arrays import BoolA, FltA, IntA, sigmoid
from recoverly.simulate.portfolio import BEHAVIOUR_COLUMNS

U64A = npt.NDArray[np.uint64]

CHANNELS: Final = tuple(Channel)
OUTCOMES: Final = tuple(Outcome)
PLAN_REQUIRED: Final = ("plan_id", "debtor_id", "channel", "scheduled_at")
PORTFOLIO_REQUIRED: Final = ("account_id", "debtor_id", "currency", "principal_outstanding")
# The Payments CSV contract's columns (``ingest.spec.PAYMENTS``), required then optional.
PAYMENT_COLUMNS: Final = (
    "payment_id", "account_id", "amount", "paid_at", "currency", "method", "reference",
)  # fmt: skip
PROMISE_COLUMNS: Final = ("promise_id", "account_id", "amount", "currency", "due_date", "made_at")

CEASE_SHARE: Final = 0.25  # of refusals that end in a request to stop contact

_C: Final = {c: i for i, c in enumerate(CHANNELS)}
_O: Final = {o: i for i, o in enumerate(OUTCOMES)}
_NEEDS_PHONE: Final = (Channel.SMS, Channel.CALL, Channel.VOICE_BOT)
_INSTANT: Final = "%Y-%m-%dT%H:%M:%SZ"
_DAY: Final = 86_400

# One draw per purpose, so that a change to one part of the model leaves the others' alone.
_LINE, _REACH, _RESULT, _MISS, _PAY, _FULL, _SHARE, _DELAY, _DUE, _METHOD, _CEASE = range(11)

# How much a contact's outcome moves the debtor to pay (see ``payment_chance``).
_LIFT: Final = np.zeros(len(OUTCOMES))
for _outcome, _lift in {
    Outcome.CONVERSATION: 0.6,
    Outcome.CALLBACK_REQUESTED: 0.4,
    Outcome.REFUSED_TO_PAY: 0.05,
    Outcome.CEASE_REQUEST: 0.02,
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
}.items():
    _LIFT[_O[_outcome]] = _lift


@dataclass(frozen=True, slots=True)
class Day:
    """A plan and, row for row, what the twin knows of each row's debtor and account.

    ``facts`` columns: channel (code), at (UTC epoch seconds), willingness, capacity,
    contactability, prefers (the plan's channel is the debtor's preferred one), reachable
    (the debtor has an address for the channel), account_id, currency, decimals (the
    currency's), balance (minor units), bucket (``bucket_factor``).
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
    """A 64-bit draw key per plan id: BLAKE2b of the id keyed with the seed (stable)."""
    key = _seed_bytes(seed)

    def one(plan_id: str) -> int:
        digest = hashlib.blake2b(plan_id.encode(), digest_size=8, key=key, person=b"twin")
        return int.from_bytes(digest.digest(), "little")

    return np.fromiter(map(one, plan_ids), dtype=np.uint64)


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
    channel: IntA,
    willingness: FltA,
    capacity: FltA,
    contactability: FltA,
    prefers: BoolA,
    reachable: BoolA,
    keys: U64A,
) -> IntA:
    """What each contact attempt came to, as codes of ``OUTCOMES``.

    Args:
        channel: codes of ``CHANNELS``, one per attempt.
        willingness, capacity, contactability: the debtor's hidden profile (0..1).
        prefers: the channel is the debtor's preferred one (a voice bot counts as a call).
        reachable: the debtor has an address for the channel.
        keys: draw keys (``row_keys``).
    """
    line, reach, result, miss = (uniforms(keys, s) for s in (_LINE, _REACH, _RESULT, _MISS))
    pref = prefers.astype(np.float64)
    k, w, c = contactability, willingness, capacity
    logit_k = np.log(np.clip(k, 1e-4, 1 - 1e-4) / np.clip(1 - k, 1e-4, 1))
    is_ = {ch: channel == _C[ch] for ch in CHANNELS}
    o = {outcome: _O[outcome] for outcome in OUTCOMES}

    # Calls, voice bots, visits: the line, then who answers, then the conversation.
    voice = is_[Channel.CALL] | is_[Channel.VOICE_BOT] | is_[Channel.VISIT]
    wrong = line < 0.02 + 0.08 * (1 - k)
    answers = sigmoid(logit_k - 2.0 + 0.8 * pref - 0.5 * is_[Channel.VOICE_BOT])
    rpc = ~wrong & (reach < answers)
    missed = np.where(
        is_[Channel.VISIT] | (miss < 0.60),
        o[Outcome.NO_ANSWER],
        np.where(miss < 0.88, o[Outcome.VOICEMAIL], o[Outcome.BUSY]),
    )
    p_dispute = 0.02 + 0.06 * (1 - w)
    p_promise = 0.8 * sigmoid(-1.0 + 3.5 * (w - 0.5) + 1.0 * (c - 0.5))
    p_refuse = 0.05 + 0.35 * (1 - w)
    p_callback = np.full_like(w, 0.05)
    edges = np.cumsum(np.stack([p_dispute, p_promise, p_refuse, p_callback]), axis=0)
    edges /= np.maximum(edges[-1] / 0.95, 1.0)  # leave a conversation at least 5 %
    spoken = np.array(
        [o[Outcome.DISPUTE], o[Outcome.PROMISE_TO_PAY], o[Outcome.REFUSED_TO_PAY],
         o[Outcome.CALLBACK_REQUESTED], o[Outcome.CONVERSATION]]
    )[(result[None, :] >= edges).sum(axis=0)]  # fmt: skip
    # Some who refuse go further and ask not to be contacted again (a cease request).
    spoken = np.where(
        (spoken == o[Outcome.REFUSED_TO_PAY]) & (uniforms(keys, _CEASE) < CEASE_SHARE),
        o[Outcome.CEASE_REQUEST],
        spoken,
    )
    called = np.where(wrong, o[Outcome.WRONG_PARTY], np.where(rpc, spoken, missed))

    # Messages: SMS and push fail or land (and may be clicked); email may bounce or be opened.
    sms = np.where(
        line < 0.02 + 0.06 * (1 - k),
        o[Outcome.FAILED],
        np.where(
            reach < sigmoid(-3.5 + 2.0 * w + 0.7 * pref), o[Outcome.CLICKED], o[Outcome.DELIVERED]
        ),
    )
    opened = reach < sigmoid(-2.0 + 1.5 * k + 0.8 * pref)
    clicked = opened & (result < sigmoid(-2.5 + 2.5 * w))
    read = np.where(
        clicked, o[Outcome.CLICKED], np.where(opened, o[Outcome.OPENED], o[Outcome.DELIVERED])
    )
    push = np.where(line < 0.08 + 0.15 * (1 - k), o[Outcome.FAILED], read)
    email = np.where(line < 0.03 + 0.10 * (1 - k), o[Outcome.BOUNCED], read)

    out = np.select(
        [voice, is_[Channel.SMS], is_[Channel.PUSH], is_[Channel.EMAIL]],
        [called, sms, push, email],
        o[Outcome.DELIVERED],  # letters
    )
    # No number or address for the channel: the attempt fails before it starts.
    needs = is_[Channel.SMS] | is_[Channel.CALL] | is_[Channel.VOICE_BOT] | is_[Channel.EMAIL]
    codes: IntA = np.where(needs & ~reachable, o[Outcome.FAILED], out).astype(np.int64)
    return codes


def payment_chance(outcome: IntA, willingness: FltA, capacity: FltA, bucket: FltA) -> FltA:
    """The chance that the debtor pays within days of a contact that came to ``outcome``.

    ``1 - exp(-rate)``: the rate is the outcome's lift times willingness times capacity
    times the arrears bucket's factor; a promise to pay is kept at a higher rate.
    """
    propensity = willingness * capacity
    rate = np.where(
        outcome == _O[Outcome.PROMISE_TO_PAY],
        0.4 + 2.0 * propensity,
        _LIFT[outcome] * propensity,
    )
    out: FltA = 1.0 - np.exp(-rate * bucket)
    return out


def bucket_factor(days_past_due: pl.Expr, segment: pl.Expr) -> pl.Expr:
    """How much easier early arrears are to collect (1.5 early, 0.45 beyond 180 days): by
    days past due where known, else by an ``early``/``mid``/``late`` segment name."""
    dpd = days_past_due
    by_dpd = (
        pl.when(dpd <= 30).then(1.5).when(dpd <= 90).then(1.0).when(dpd <= 180).then(0.7)
        .otherwise(0.45)
    )  # fmt: skip
    by_segment = (
        pl.when(segment.str.starts_with("early")).then(1.5)
        .when(segment.str.starts_with("late")).then(0.45)
        .otherwise(1.0)
    )  # fmt: skip
    return pl.when(dpd.is_not_null()).then(by_dpd).otherwise(by_segment.fill_null(1.0))


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
    part = np.clip(np.where(whole > 0, whole, raw), 1, None)
    out: IntA = np.minimum(np.where(full, balance, part), balance)
    return out


# --- one day -----------------------------------------------------------------------------


def play(day: Day, seed: int) -> Outcomes:
    """Play one day's plan: the executed contacts, the payments and the promises.

    Args:
        day: the plan and its facts (``join_inputs``).
        seed: the twin's seed; the same day and seed give the same rows.
    """
    f = day.facts
    keys = row_keys(day.plan["plan_id"].to_list(), seed)

    def floats(name: str) -> FltA:
        return f[name].to_numpy().astype(np.float64)

    def ints(name: str) -> IntA:
        return f[name].to_numpy().astype(np.int64)

    def flags(name: str) -> BoolA:
        return f[name].to_numpy().astype(np.bool_)

    w, c, bucket = floats("willingness"), floats("capacity"), floats("bucket")
    outcome = contact_outcomes(
        ints("channel"), w, c, floats("contactability"), flags("prefers"), flags("reachable"), keys
    )
    contacts = day.plan.with_columns(
        pl.Series("outcome", outcome).replace_strict(
            dict(enumerate(o.value for o in OUTCOMES)), return_dtype=pl.String
        ),
        pl.lit(Direction.OUTBOUND.value, dtype=pl.String).alias("direction"),
    )

    balance = ints("balance")
    promised = (outcome == _O[Outcome.PROMISE_TO_PAY]) & (balance > 0)
    pays = (uniforms(keys, _PAY) < payment_chance(outcome, w, c, bucket)) & (balance > 0)
    rows = np.flatnonzero(pays | promised)  # the others need no amount, date or id
    keys, outcome, balance = keys[rows], outcome[rows], balance[rows]
    promised, pays = promised[rows], pays[rows]
    decimals, at = ints("decimals")[rows], ints("at")[rows]
    amount = amounts(balance, decimals, c[rows], bucket[rows], keys)
    # A promise falls due 1-7 days after the day it is made and is kept by that day's end.
    due_day = at // _DAY + 1 + np.floor(uniforms(keys, _DUE) * 7).astype(np.int64)
    clicked = outcome == _O[Outcome.CLICKED]
    mean = np.where(clicked, 3 * 3600.0, 1.5 * _DAY)
    cap = np.where(clicked, 2 * _DAY, 6 * _DAY)
    u = uniforms(keys, _DELAY)
    delay = np.where(
        promised,
        600 + u * ((due_day + 1) * _DAY - at - 600),
        600 + np.minimum(cap, -mean * np.log1p(-u)),
    ).astype(np.int64)
    u = uniforms(keys, _METHOD)
    method = np.where(
        clicked,
        np.where(u < 0.6, "card", "wallet"),
        np.where(u < 0.65, "bank_transfer", np.where(u < 0.9, "card", "cash")),
    )
    frame = pl.DataFrame(
        {
            "row": rows,
            "plan_id": day.plan["plan_id"].gather(rows),
            "account_id": f["account_id"].gather(rows),
            "currency": f["currency"].gather(rows),
            "decimals": decimals,
            "amount": amount,
            "at": at,
            "paid_at": at + delay,
            "due_day": due_day,
            "method": pl.Series(method, dtype=pl.String),
            "pays": pays,
            "promised": promised,
        }
    )
    payments = (
        frame.filter("pays")
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
    promises = frame.filter("promised").select(
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
        return pl.read_csv(path, infer_schema=False)
    except FileNotFoundError:
        raise InvalidInput(f"cannot read the {what} {path}: no such file") from None
    except pl.exceptions.NoDataError:
        raise InvalidInput(f"cannot read the {what} {path}: the file is empty") from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InvalidInput(f"cannot read the {what} {path} as CSV: {reason}") from None


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
    with the largest balance. Every cell is text, as ``read_csv`` gives it.

    Raises:
        InvalidInput: naming the file, the first lines and the problem: a plan row without
            an id, a debtor, a known channel or an instant, or naming a debtor absent from
            the behaviour profile, or an account absent from the portfolio or of another
            debtor; a behaviour or portfolio row that cannot be read.
    """
    names = names or Names()
    _require(plan, PLAN_REQUIRED, names.plan)
    for name in ("outcome", "direction"):
        if name in plan.columns:
            raise InvalidInput(
                f"{names.plan} already has an {name} column: give the exported plan, "
                "not executed contacts"
            )
    profile = _profile(behaviour, names.behaviour)
    accounts, debtors = _accounts(portfolio, names.portfolio)

    def optional(name: str) -> pl.Expr:
        return pl.col(name) if name in plan.columns else pl.lit(None, pl.String)

    rows = (
        plan.select(
            pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("line"),
            "plan_id",
            "debtor_id",
            optional("account_id").alias("given_account"),
            pl.col("channel").str.to_lowercase(),
            "scheduled_at",
            _parse_instant(pl.col("scheduled_at")).alias("instant"),
            optional("segment").alias("segment"),
        )
        .join(debtors, on="debtor_id", how="left")
        .with_columns(pl.coalesce("given_account", "main_account").alias("account_id"))
        .join(accounts, on="account_id", how="left")
        .join(profile, on="debtor_id", how="left")
        .sort("line")  # a left join keeps every row once, but not always in order
    )
    channels = [c.value for c in CHANNELS]
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
        channel.replace_strict({c.value: i for c, i in _C.items()}, return_dtype=pl.Int64),
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
        bucket_factor(pl.col("dpd"), pl.col("segment")).alias("bucket"),
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

    def optional(name: str) -> pl.Expr:
        return pl.col(name) if name in portfolio.columns else pl.lit(None, pl.String)

    decimals: dict[str, int] = {}
    for code in portfolio["currency"].drop_nulls().str.to_uppercase().unique().to_list():
        try:
            decimals[code] = minor_units(code)
        except UnknownCurrency:
            continue  # refused below, with its lines
    parts = ("principal_outstanding", "interest_outstanding", "fees_outstanding")
    rows = portfolio.select(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("line"),
        "account_id",
        pl.col("debtor_id").alias("owner"),
        pl.col("currency").str.to_uppercase(),
        pl.col("currency")
        .str.to_uppercase()
        .replace_strict(decimals, default=None, return_dtype=pl.Int64)
        .alias("decimals"),
        *(optional(c).alias(c) for c in (*parts, "days_past_due", "phone", "email")),
    ).with_columns(_minor(c).alias(f"{c}_minor") for c in parts)
    _refuse(rows, where, [
        (pl.col("account_id").is_null(), "line", "have no account_id"),
        (pl.col("account_id").is_duplicated(), "account_id", "repeat an account_id"),
        (pl.col("owner").is_null(), "account_id", "have no debtor_id"),
        (pl.col("decimals").is_null(), "currency", "have no ISO 4217 currency with minor units"),
        *((pl.col(f"{c}_minor").is_null() & pl.col(c).is_not_null(), c,
           f"have a {c} that is not a plain decimal with the currency's decimals") for c in parts),
    ])  # fmt: skip
    rows = rows.with_columns(
        pl.sum_horizontal(pl.col(f"{c}_minor").fill_null(0) for c in parts)
        .clip(lower_bound=0)
        .cast(pl.Int64)
        .alias("balance"),
    )
    accounts = rows.select(
        "account_id",
        "owner",
        "currency",
        "decimals",
        "balance",
        pl.col("days_past_due").cast(pl.Float64, strict=False).alias("dpd"),
    )
    debtors = (
        rows.sort("balance", "line", descending=[True, False])
        .group_by("owner", maintain_order=True)
        .agg(
            pl.col("account_id").first().alias("main_account"),
            # A portfolio without a phone or email column says nothing: assume they exist.
            (pl.col("phone").is_not_null().any() | ("phone" not in portfolio.columns)).alias(
                "has_phone"
            ),
            (pl.col("email").is_not_null().any() | ("email" not in portfolio.columns)).alias(
                "has_email"
            ),
        )
        .rename({"owner": "debtor_id"})
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
    return pl.when(digits <= pl.col("decimals")).then(sign * (whole * scale + part * frac_scale))


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


def _refuse(rows: pl.DataFrame, where: str, checks: list[Check]) -> None:
    """Raise ``InvalidInput`` for the first check that rows fail, naming up to three rows.

    All checks are evaluated in one pass; a clean file pays for nothing more.
    """
    failing = rows.select(
        bad.fill_null(False).any().alias(str(i)) for i, (bad, _, _) in enumerate(checks)
    ).row(0)
    for (bad, show, what), fails in zip(checks, failing, strict=True):
        if not fails:
            continue
        found = rows.filter(bad.fill_null(False))
        examples = ", ".join(
            f"line {line}" if show == "line" else f'line {line} ("{value}")'
            for line, value in found.select("line", pl.col(show).cast(pl.String)).head(3).rows()
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
            the seed is out of range, or an output would overwrite another file of the run.
    """
    _seed_bytes(seed)  # refuse a bad seed before reading anything large
    outputs = [(contacts_out, "contacts"), (payments_out, "payments")]
    if promises_out is not None:
        outputs.append((promises_out, "promises"))
    taken = {plan.resolve(): "the plan", behaviour.resolve(): "the behaviour profile"}
    taken[portfolio.resolve()] = "the portfolio"
    for path, what in outputs:
        if path.resolve() in taken:
            raise InvalidInput(f"the {what} would overwrite {taken[path.resolve()]} at {path}")
        taken[path.resolve()] = f"the {what}"
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
    write_all([(frames[what], path) for path, what in outputs])
    right_party = result.contacts.filter(
        pl.col("outcome").is_in([o.value for o in OUTCOMES if o.right_party_contact])
    ).height
    return OutcomeSummary(
        result.contacts.height, right_party, result.payments.height, result.promises.height
    )


def write_all(files: list[tuple[pl.DataFrame, Path]]) -> None:
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
