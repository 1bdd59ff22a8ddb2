"""Proposed contacts judged one by one from the outside: ``recoverly compliance check``.

Each proposed contact arrives with its own history and flags (the contract in
``shared/ARCHITECTURE.md``). It is judged by the same vectorised screen as the daily run
and the dispatcher, so the three can never disagree, and a blocked contact gets
``next_allowed_at`` (policy P4): the earliest minute at which the same contact, with the
same history and flags, would pass every rule.

How the earliest minute is found: each broken rule says the earliest instant it could
stop being broken (a window: its next opening; a cap counted over local calendar days:
the next local midnight; a hold the input gives no end for: never). The latest of those
is a lower bound for the answer, so the contact is screened again there, and so on until
it passes. Every contact still blocked moves forward in the same vectorised step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from recoverly.compliance import screen as engine
from recoverly.compliance.packs import hold_rules, pack_for
from recoverly.compliance.windows import next_opening
from recoverly.domain.cases import HoldKind
from recoverly.domain.errors import InvalidInput
from recoverly.domain.events import Channel, Direction, Outcome
from recoverly.domain.parties import Party, Place, Purpose
from recoverly.store.frames import UTC_INSTANT

MAX_STEPS = 400  # every step passes a window, a local day or more: over a year ahead
EVER = datetime(1970, 1, 1, tzinfo=UTC)

# Input flags and the holds they stand for (policy P5).
FLAG_HOLDS = {
    "cease_communication": HoldKind.CEASE_COMMUNICATION,
    "dispute_open": HoldKind.DISPUTE,
    "breathing_space": HoldKind.BREATHING_SPACE,
    "bankruptcy": HoldKind.BANKRUPTCY,
    "deceased": HoldKind.DECEASED,
    "vulnerable": HoldKind.VULNERABLE,
    "represented_by_attorney": HoldKind.ATTORNEY,
    "no_contact_at_work": HoldKind.NO_WORK_CONTACT,
}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PastContact(_Strict):
    channel: Channel
    at: AwareDatetime
    outcome: Outcome
    debt_id: str | None = None
    direction: Direction = Direction.OUTBOUND
    party: Party = Party.DEBTOR
    party_id: str | None = None


class Flags(_Strict):
    cease_communication: bool = False
    dispute_open: bool = False
    breathing_space: bool = False
    bankruptcy: bool = False
    deceased: bool = False
    vulnerable: bool = False
    represented_by_attorney: bool = False
    no_contact_at_work: bool = False
    debtor_unreachable: bool = False


class ProposedContact(_Strict):
    id: Annotated[str, Field(min_length=1)]
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
    debtor_timezone: str
    channel: Channel
    at: AwareDatetime
    debt_id: str | None = None
    history: tuple[PastContact, ...] = ()
    flags: Flags = Flags()
    # Beyond the contract's minimum: who is contacted, why, where, and the media the
    # debtor asked not to be used (each defaults to what the contract assumes).
    party: Party = Party.DEBTOR
    party_id: str | None = None
    purpose: Purpose = Purpose.COLLECTION
    place: Place = Place.HOME
    opt_outs: tuple[Channel, ...] = ()

    @field_validator("debtor_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA time zone") from exc
        return value


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str  # the citation, as the contract names it
    message: str


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    reasons: tuple[Reason, ...]
    next_allowed_at: datetime | None

    @property
    def allowed(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "decision": "allow" if self.allowed else "block",
            "reasons": [{"rule": r.rule, "message": r.message} for r in self.reasons],
            "next_allowed_at": _iso(self.next_allowed_at),
        }


_CONTACTS = TypeAdapter(list[ProposedContact])


def parse(raw: Any) -> list[ProposedContact]:
    """The proposed contacts in ``raw`` (decoded JSON); a bad one names item and field."""
    if not isinstance(raw, list):
        raise InvalidInput("the input must be a JSON list of proposed contacts")
    try:
        return _CONTACTS.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = list(first["loc"])
        index = where.pop(0)
        item = raw[index] if isinstance(index, int) and index < len(raw) else None
        named = f' (id "{item["id"]}")' if isinstance(item, dict) and "id" in item else ""
        field = ".".join(str(part) for part in where) or "item"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"item {index}{named}, field {field}: {message}") from exc


def check(contacts: Sequence[ProposedContact]) -> list[Decision]:
    """Judge every contact at its instant, and find when each blocked one would pass."""
    if not contacts:
        return []
    verdicts = judge(_frames(contacts))
    return [Decision(contact.id, *verdicts[n]) for n, contact in enumerate(contacts)]


@dataclass(frozen=True, slots=True)
class Frames:
    """Proposed contacts in the screen's frames (see :mod:`recoverly.compliance.screen`):
    ``candidates`` without ``at`` (the search moves it), and ``proposed`` (``cid, at``)."""

    candidates: pl.DataFrame
    proposed: pl.DataFrame
    debts: pl.DataFrame
    history: pl.DataFrame
    holds: pl.DataFrame


def judge(frames: Frames) -> dict[int, tuple[tuple[Reason, ...], datetime | None]]:
    """For each candidate: the rules it breaks at its proposed instant and, if any, the
    earliest minute it would pass (None: not while the facts stay as they are)."""
    at = frames.proposed
    first = _screen(frames, at)
    found: dict[int, datetime | None] = {}
    pending = _advance(frames, first.join(at, on="cid"))
    for _ in range(MAX_STEPS):
        if pending.height == 0:
            break
        never = pending.filter(pl.col("at").is_null())
        found.update((cid, None) for cid in never["cid"])
        pending = pending.filter(pl.col("at").is_not_null())
        blocks = _screen(frames, pending)
        passed = pending.join(blocks.select("cid"), on="cid", how="anti")
        found.update(passed.iter_rows())
        pending = _advance(frames, blocks.join(pending, on="cid"))
    found.update((cid, None) for cid in pending["cid"])  # nothing within the search
    reasons: dict[int, list[Reason]] = {}
    for cid, citation, message in first.select("cid", "citation", "message").iter_rows():
        reasons.setdefault(cid, []).append(Reason(citation, message))
    return {
        cid: (tuple(reasons.get(cid, ())), found.get(cid) if cid in reasons else None)
        for cid in frames.candidates["cid"]
    }


def _frames(contacts: Sequence[ProposedContact]) -> Frames:
    # Each contact is its own debtor and case: its history and flags are its own.
    candidates = pl.DataFrame(
        [
            {
                "cid": n,
                "case_id": str(n),
                "debtor_id": str(n),
                "channel": c.channel.value,
                "action": engine.CONTACT,
                "pack": pack_for(c.jurisdiction),
                "timezone": c.debtor_timezone,
                "at": c.at.astimezone(UTC),
                "party": c.party.value,
                "party_id": c.party_id,
                "purpose": c.purpose.value,
                "place": c.place.value,
                "unreachable": c.flags.debtor_unreachable,
            }
            for n, c in enumerate(contacts)
        ],
        schema=engine.CANDIDATES_SCHEMA | engine.PARTY_SCHEMA,
    )
    debts = pl.DataFrame(
        {
            "case_id": [str(n) for n in range(len(contacts))],
            "account_id": [c.debt_id for c in contacts],
        },
        schema=engine.DEBTS_SCHEMA,
    )
    history = pl.DataFrame(
        [
            {
                "debtor_id": str(n),
                "account_id": h.debt_id,
                "channel": h.channel.value,
                "direction": h.direction.value,
                "outcome": h.outcome.value,
                "at": h.at.astimezone(UTC),
                "party": h.party.value,
                "party_id": h.party_id,
            }
            for n, c in enumerate(contacts)
            for h in c.history
        ],
        schema=engine.HISTORY_SCHEMA | engine.HISTORY_PARTY_SCHEMA,
    )
    flagged = [
        (n, kind, None)
        for n, c in enumerate(contacts)
        for flag, kind in FLAG_HOLDS.items()
        if getattr(c.flags, flag)
    ]
    opted_out = [
        (n, HoldKind.OPT_OUT, channel.value)
        for n, c in enumerate(contacts)
        for channel in c.opt_outs
    ]
    holds = pl.DataFrame(
        [
            {
                "case_id": str(n),
                "kind": kind.value,
                "starts_at": EVER,
                "ends_at": None,
                "channel": channel,
            }
            for n, kind, channel in flagged + opted_out
        ],
        schema=engine.HOLDS_SCHEMA,
    )
    return Frames(candidates.drop("at"), candidates.select("cid", "at"), debts, history, holds)


def _screen(frames: Frames, at: pl.DataFrame) -> pl.DataFrame:
    """The broken rules of each contact at its instant in ``at`` (``cid, at``)."""
    candidates = frames.candidates.join(at.select("cid", "at"), on="cid")
    return engine.screen(candidates, frames.debts, frames.history, frames.holds)


def _advance(frames: Frames, blocks: pl.DataFrame) -> pl.DataFrame:
    """``cid, at``: for each blocked contact (``blocks`` with the instant it was screened
    at), the earliest instant every rule it broke could pass (null: never while the input
    stays as it is)."""
    if blocks.height == 0:
        return pl.DataFrame(schema={"cid": pl.Int64, "at": UTC_INSTANT})
    known = frames.candidates.select("cid", "pack", "channel", "timezone")
    rows = blocks.join(known, on="cid")
    windows, caps, parties = engine.window_rules(), engine.cap_rules(), engine.party_rules()
    holds = {engine.HOLD_RULE + kind.value for kind in hold_rules()}
    # A hold in force lasts until its end; one without a known end lasts.
    held = (
        rows.filter(pl.col("rule").is_in(list(holds)))
        .join(frames.candidates.select("cid", "case_id"), on="cid")
        .join(
            frames.holds.with_columns((engine.HOLD_RULE + pl.col("kind")).alias("rule")),
            on=["case_id", "rule"],
        )
        .filter(
            (pl.col("starts_at") <= pl.col("at"))
            & (pl.col("ends_at").is_null() | (pl.col("at") < pl.col("ends_at")))
            & (pl.col("channel_right").is_null() | (pl.col("channel_right") == pl.col("channel")))
        )
        .group_by("cid", "rule")
        .agg(
            pl.when(pl.col("ends_at").is_null().any()).then(None).otherwise(pl.col("ends_at").max())
        )
    )
    ends: dict[tuple[int, str], datetime | None] = {
        (cid, rule): None if end is None else _next_minute(end)
        for cid, rule, end in held.iter_rows()
    }
    bound: dict[int, datetime | None] = {}
    for cid, rule, at, pack, channel, zone in rows.select(
        "cid", "rule", "at", "pack", "channel", "timezone"
    ).iter_rows():
        if cid in bound and bound[cid] is None:
            continue
        if rule in holds:
            earliest = ends.get((cid, rule))  # None: the hold has no known end
        elif rule in parties:
            earliest = None  # whom to contact does not change by waiting
        elif rule in windows:
            earliest = next_opening(pack, channel, zone, at)
        elif rule in caps:
            earliest = _next_local_day(at, zone)
        else:
            raise AssertionError(f"no way forward is known for rule {rule}")
        bound[cid] = None if earliest is None else max(bound.get(cid) or at, earliest)
    return pl.DataFrame(
        {"cid": list(bound), "at": list(bound.values())},
        schema={"cid": pl.Int64, "at": UTC_INSTANT},
    )


def _next_minute(at: datetime) -> datetime:
    """``at`` itself when on a whole minute, else the next whole minute (P4: minutes)."""
    whole = at.replace(second=0, microsecond=0)
    return whole if whole == at else whole + timedelta(minutes=1)


def _next_local_day(at: datetime, zone: str) -> datetime:
    """The first instant of the local calendar day after ``at``'s (UTC)."""
    tz = ZoneInfo(zone)
    day = at.astimezone(tz).date() + timedelta(days=1)
    for minutes in range(0, 24 * 60, 15):  # a zone may skip its midnight (DST)
        candidate = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(
            minutes=minutes
        )
        back = candidate.astimezone(UTC).astimezone(tz)
        if back.date() == day and back.replace(tzinfo=None) == candidate.replace(tzinfo=None):
            return candidate.astimezone(UTC)
    raise AssertionError(f"{zone} has no {day}")


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
