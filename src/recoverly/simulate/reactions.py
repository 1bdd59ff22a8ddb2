"""The digital twin beyond the answer to a contact: texts back, complaints, and the staff.

``outcomes`` plays what each planned contact came to; a collections operation also hears
from debtors in other ways, and its staff work what comes in. This module decides, for
the demo's cycle, from the day's played contacts and what the store holds:

* **texts back**: of the debtors a text reached, ``STOP_RATE`` reply STOP (in the words a
  carrier reads as one, in their language where it has its own, as 退订) minutes to two
  hours later; of those, ``START_SHARE`` text START a day or two later (20 to 44 hours);
* **complaints**: of the debtors contacted (reached or written to), ``COMPLAINT_RATE``
  complain, once a day at most, within hours, by phone after a call and by e-mail or
  letter otherwise, in words from a small set in their language (English where there is
  none); the file has the Complaints CSV format that ``recoverly import complaints`` takes;
* **a supervisor** answers complaints received before today and closes those answered
  before today, some upheld, each with a root cause from a short list;
* **a back office** resolves disputes opened before today (a quick one: the demo lasts
  days, not the weeks a verification can take): ``RESOLVE_SHARE`` on each day they are
  open, verified (a validation notice sent) or upheld.

Every draw is keyed like ``outcomes``' (the seed and a keyed hash of the row's own id, one
slot per purpose, none shared with ``outcomes``), so a seed gives the same decisions
whatever the order or the other rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl

from recoverly.domain.events import Channel, Outcome
from recoverly.simulate.outcomes import read_csv, row_keys, uniforms, write_all

STOP_RATE: Final = 0.03  # of texts that reached their debtor
START_SHARE: Final = 0.5  # of those who stopped
COMPLAINT_RATE: Final = 0.012  # of contacts that reached the debtor (in person or writing)
UPHELD_SHARE: Final = 0.3  # of complaints closed
RESOLVE_SHARE: Final = 0.7  # of eligible disputes, per day
DISPUTE_UPHELD_SHARE: Final = 0.25  # of disputes resolved

REPLY_COLUMNS: Final = ("debtor_id", "reply", "text", "at")
COMPLAINT_COLUMNS: Final = (
    "case_id", "debtor_id", "received_at", "channel", "text", "external_reference",
)  # fmt: skip

# Draw slots, apart from ``outcomes``' (0-10): a change here leaves its draws alone.
_STOP, _STOP_DELAY, _START, _START_DELAY, _COMPLAIN, _WORDS, _VIA, _LATER = range(20, 28)
_UPHELD, _CAUSE, _RESOLVE, _FOUND = range(28, 32)

_REACHED: Final = [
    o.value
    for o in Outcome
    if o.right_party_contact or o in (Outcome.DELIVERED, Outcome.OPENED, Outcome.CLICKED)
]
_STOP_WORDS: Final = {"zh-Hans": "退订", "zh-Hant": "退订"}  # else STOP, as carriers read it

# What complainants write, by language (BCP 47 base or full tag), English for the rest.
COMPLAINT_TEXTS: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "You keep calling me about a debt I already paid last month.",
        "I was never told who the original creditor is and the amount looks wrong.",
        "Your agent was rude and threatened to contact my employer.",
        "I asked to be contacted only by email but you still call me at home.",
        "The fees added to my account were never explained to me.",
    ),
    "es": (
        "Me siguen llamando por una deuda que ya pagué el mes pasado.",
        "El importe que me reclaman no es correcto y nadie me lo explica.",
        "Su agente fue grosero y amenazó con llamar a mi trabajo.",
    ),
    "de": (
        "Sie rufen mich ständig wegen einer Forderung an, die ich bereits bezahlt habe.",
        "Der geforderte Betrag ist falsch und die Gebühren wurden nie erklärt.",
    ),
    "pt": (
        "Continuam a ligar-me por uma dívida que já paguei no mês passado.",
        "O valor cobrado está errado e ninguém me explicou as taxas.",
    ),
    "zh-Hans": (
        "我上个月已经还清了这笔欠款，你们还一直打电话催收。",
        "催收员态度恶劣，还威胁要联系我的单位。",
    ),
    "zh-Hant": ("我上個月已經還清了這筆欠款，你們還一直打電話催收。",),
}  # fmt: skip

ROOT_CAUSES: Final = (
    "payment posted late: the account showed a balance already paid",
    "agent did not follow the call script",
    "contact preference not recorded at intake",
    "fees not itemised in the first notice",
    "no fault found: the debt and its amount were correct",
)


def sms_replies(contacts: pl.DataFrame, seed: int) -> pl.DataFrame:
    """The texts debtors send back after the day's messages: STOP, and later START.

    Args:
        contacts: the day's played contacts (``plan_id, debtor_id, channel,
            scheduled_at, outcome``, and ``language`` where the plan has it).
        seed: the twin's seed.

    Returns:
        ``debtor_id, reply (stop|start), text, at`` (UTC ``datetime``), by time; a debtor
        texted twice in a day replies at most once.
    """
    texts = contacts.filter(
        (pl.col("channel") == Channel.SMS.value)
        & pl.col("outcome").is_in([Outcome.DELIVERED.value, Outcome.CLICKED.value])
    ).unique("debtor_id", keep="first", maintain_order=True)
    keys = row_keys(texts["plan_id"].to_list(), seed)
    stops = uniforms(keys, _STOP) < STOP_RATE
    starts = stops & (uniforms(keys, _START) < START_SHARE)
    sent = _instants(texts["scheduled_at"])
    stop_at = sent + pl.Series(2 + 118 * uniforms(keys, _STOP_DELAY)).cast(pl.Int64) * 60_000_000
    start_at = (
        stop_at
        + pl.Series(86_400 * (0.85 + uniforms(keys, _START_DELAY))).cast(pl.Int64) * 1_000_000
    )
    language = _languages(texts)
    stop_text = language.replace_strict(_STOP_WORDS, default="STOP", return_dtype=pl.String)
    frame = pl.concat(
        [
            pl.DataFrame(
                {
                    "debtor_id": texts["debtor_id"],
                    "reply": "stop",
                    "text": stop_text,
                    "at": stop_at.cast(pl.Datetime("us", "UTC")),
                }
            ).filter(pl.Series(stops)),
            pl.DataFrame(
                {
                    "debtor_id": texts["debtor_id"],
                    "reply": "start",
                    "text": "START",
                    "at": start_at.cast(pl.Datetime("us", "UTC")),
                }
            ).filter(pl.Series(starts)),
        ]
    )
    # Cast again: a day without texts gives empty columns of no type.
    return (
        frame.select(
            pl.col("debtor_id").cast(pl.String),
            pl.col("reply").cast(pl.String),
            pl.col("text").cast(pl.String),
            pl.col("at").cast(pl.Datetime("us", "UTC")),
        )
        .sort("at", "debtor_id")
        .select(REPLY_COLUMNS)
    )


def complaints(contacts: pl.DataFrame, seed: int) -> pl.DataFrame:
    """The complaints debtors make after the day's contacts, as a Complaints CSV frame.

    Args:
        contacts: the day's played contacts (``plan_id, case_id, debtor_id, channel,
            scheduled_at, outcome``, and ``language`` where the plan has it).
        seed: the twin's seed.

    Returns:
        ``case_id, debtor_id, received_at`` (ISO 8601 text), ``channel, text,
        external_reference`` (``DEMO-`` and the plan id: the file imported again adds
        nothing). The issue is left for the classifier and the reviewer, as a complaint
        that arrives by letter or e-mail has none.
    """
    reached = contacts.filter(pl.col("outcome").is_in(_REACHED)).unique(
        "debtor_id", keep="first", maintain_order=True
    )
    keys = row_keys(reached["plan_id"].to_list(), seed)
    chosen = uniforms(keys, _COMPLAIN) < COMPLAINT_RATE
    language = _languages(reached).to_list()
    words = uniforms(keys, _WORDS)
    texts = [_words(lang, u) for lang, u in zip(language, words, strict=True)]
    called = reached["channel"].is_in([Channel.CALL.value, Channel.VOICE_BOT.value]).to_numpy()
    via = np.where(
        called, "phone", np.where(uniforms(keys, _VIA) < 0.7, "email", "letter")
    ).tolist()
    hours = pl.Series(1 + 7 * uniforms(keys, _LATER)) * 3_600_000_000
    received = (_instants(reached["scheduled_at"]) + hours.cast(pl.Int64)).cast(pl.Int64)
    frame = pl.DataFrame(
        {
            "case_id": reached["case_id"],
            "debtor_id": reached["debtor_id"],
            "received_at": received.cast(pl.Datetime("us", "UTC")).dt.strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "channel": pl.Series(via, dtype=pl.String),
            "text": pl.Series(texts, dtype=pl.String),
            "external_reference": "DEMO-" + reached["plan_id"],
        }
    )
    return frame.filter(pl.Series(chosen)).select(COMPLAINT_COLUMNS)


@dataclass(frozen=True, slots=True)
class Review:
    """What the supervisor does with one complaint today: answer it, or close it."""

    complaint_id: str
    action: str  # respond | close
    text: str = ""  # the answer
    root_cause: str = ""
    resolution: str = ""
    upheld: bool = False


def supervisor_reviews(
    open_complaints: pl.DataFrame, start_of_day: datetime, seed: int
) -> list[Review]:
    """Answer complaints received before today; close those answered before today.

    Args:
        open_complaints: ``complaint_id, status (received|responded), received_at,
            responded_at`` (UTC ``datetime``s, null where not yet).
        start_of_day: today's start (UTC); what came in later waits for tomorrow.
        seed: the twin's seed.
    """
    rows = open_complaints.sort("complaint_id")
    keys = row_keys(rows["complaint_id"].to_list(), seed)
    upheld = uniforms(keys, _UPHELD) < UPHELD_SHARE
    cause = (uniforms(keys, _CAUSE) * (len(ROOT_CAUSES) - 1)).astype(np.int64)
    reviews = []
    for (complaint_id, status, received_at, responded_at), up, c in zip(
        rows.select("complaint_id", "status", "received_at", "responded_at").iter_rows(),
        upheld,
        cause,
        strict=True,
    ):
        if status == "received" and received_at < start_of_day:
            reviews.append(
                Review(
                    complaint_id,
                    "respond",
                    text="Thank you for telling us. We have put your account on hold while "
                    "we review what happened and will write with our findings.",
                )
            )
        elif status == "responded" and responded_at is not None and responded_at < start_of_day:
            reviews.append(
                Review(
                    complaint_id,
                    "close",
                    root_cause=ROOT_CAUSES[int(c)] if up else ROOT_CAUSES[-1],
                    resolution="apology, fees refunded and the cause fixed"
                    if up
                    else "explained the debt and its amount; no change",
                    upheld=bool(up),
                )
            )
    return reviews


@dataclass(frozen=True, slots=True)
class Resolution:
    """A dispute the back office resolves today, and how."""

    case_id: str
    hold_id: int
    reason: str


def back_office(disputes: pl.DataFrame, start_of_day: datetime, seed: int) -> list[Resolution]:
    """Resolve disputes opened before today: ``RESOLVE_SHARE`` of them on each day they
    are eligible (the draw is keyed by the day too, so a dispute left today may be
    taken tomorrow).

    Args:
        disputes: ``case_id, hold_id, starts_at`` of the dispute holds in force.
        start_of_day: today's start (UTC).
        seed: the twin's seed.
    """
    due = disputes.filter(pl.col("starts_at") < start_of_day).sort("case_id", "hold_id")
    day = start_of_day.date().isoformat()
    keys = row_keys(
        [f"{c}/{h}/{day}" for c, h in due.select("case_id", "hold_id").iter_rows()], seed
    )
    resolve = uniforms(keys, _RESOLVE) < RESOLVE_SHARE
    upheld = uniforms(keys, _FOUND) < DISPUTE_UPHELD_SHARE
    return [
        Resolution(
            case_id,
            hold_id,
            "dispute upheld: the balance was corrected and the debtor told"
            if up
            else "debt verified: validation notice with the creditor's records sent",
        )
        for (case_id, hold_id), go, up in zip(
            due.select("case_id", "hold_id").iter_rows(), resolve, upheld, strict=True
        )
        if go
    ]


def write_reactions(
    contacts: Path, seed: int, complaints_out: Path, replies_out: Path
) -> tuple[int, int]:
    """Read a day's played contacts (``write_outcomes``' file) and write its complaints
    (the Complaints CSV format) and texts back (``debtor_id, reply, text, at``), both or
    neither. Returns how many complaints and replies."""
    played = read_csv(contacts, "contacts")
    complained = complaints(played, seed)
    replies = sms_replies(played, seed).with_columns(
        pl.col("at").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
    )
    write_all([(complained, complaints_out), (replies, replies_out)])
    return complained.height, replies.height


def _instants(text: pl.Series) -> pl.Series:
    """``scheduled_at`` text as UTC epoch microseconds."""
    return (
        text.cast(pl.String)
        .str.replace(r"[Zz]$", "+00:00")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", time_zone="UTC")
        .dt.epoch("us")
    )


def _languages(frame: pl.DataFrame) -> pl.Series:
    if "language" in frame.columns:
        return frame["language"].fill_null("en")
    return pl.Series("language", ["en"] * frame.height, dtype=pl.String)


def _words(language: str, u: float) -> str:
    """One of the complaint texts of ``language`` (or its base language, else English)."""
    found = COMPLAINT_TEXTS.get(language) or COMPLAINT_TEXTS.get(language.split("-")[0])
    options = found or COMPLAINT_TEXTS["en"]
    return options[int(u * len(options))]
