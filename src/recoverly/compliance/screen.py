"""The contact screen: every proposed contact checked against holds, windows and caps.

One vectorised implementation serves every caller: the daily run screens a day's
candidates in one call, and the dispatcher screens a single message at send time with
the same function, so the plan and the send can never disagree about a rule.

Frames (Polars; instants are UTC-aware datetimes):

* ``candidates``: ``cid`` (unique id), ``case_id``, ``debtor_id``, ``channel``,
  ``action`` (``contact`` or ``escalation``), ``pack`` (from :func:`packs.pack_key`),
  ``timezone`` (IANA), ``at`` (the instant of the contact).
* ``debts``: ``case_id``, ``account_id``: the debts a contact about the case concerns.
* ``history``: ``debtor_id``, ``account_id`` (null: about every debt of the debtor),
  ``channel``, ``direction``, ``outcome``, ``at``.
* ``holds``: ``case_id``, ``kind``, ``starts_at``, ``ends_at`` (null: until lifted),
  ``channel`` (the one channel it stops, as an opt-out does; null: as its kind says).

Contacts with someone other than the debtor, or made only to locate the debtor, add
optional candidate columns: ``party`` (null: the debtor), ``party_id`` (which person),
``purpose`` (null: collection), ``place`` (null: home) and ``unreachable`` (the debtor
cannot be reached: some packs then allow a designated contact). History may carry
``party`` and ``party_id`` in the same way. The daily run and the dispatcher contact
debtors only, at home, so their frames leave these out and skip the party rules.

Days and hours are the debtor's local ones (policy P2): instants are converted per time
zone, which is also the fastest way Polars has to do it (performance floors).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import polars as pl

from recoverly.compliance.packs import (
    WEEKDAYS,
    Cap,
    Counted,
    Day,
    Scope,
    hold_rules,
    holiday_dates,
    packs,
)
from recoverly.domain.events import Channel, Direction, Outcome
from recoverly.domain.parties import Party, Place, Purpose
from recoverly.store.frames import UTC_INSTANT

CONTACT = "contact"
ESCALATION = "escalation"

# The frames the screen takes (see the module's docstring) and the one it gives.
CANDIDATES_SCHEMA = pl.Schema(
    {
        "cid": pl.Int64(),
        "case_id": pl.String(),
        "debtor_id": pl.String(),
        "channel": pl.String(),
        "action": pl.String(),
        "pack": pl.String(),
        "timezone": pl.String(),
        "at": UTC_INSTANT,
    }
)
DEBTS_SCHEMA = pl.Schema({"case_id": pl.String(), "account_id": pl.String()})
HISTORY_SCHEMA = pl.Schema(
    {
        "debtor_id": pl.String(),
        "account_id": pl.String(),
        "channel": pl.String(),
        "direction": pl.String(),
        "outcome": pl.String(),
        "at": UTC_INSTANT,
    }
)
HOLDS_SCHEMA = pl.Schema(
    {
        "case_id": pl.String(),
        "kind": pl.String(),
        "starts_at": UTC_INSTANT,
        "ends_at": UTC_INSTANT,
        "channel": pl.String(),
    }
)
# The optional columns of contacts with other people (see the module's docstring).
PARTY_SCHEMA = pl.Schema(
    {
        "party": pl.String(),
        "party_id": pl.String(),
        "purpose": pl.String(),
        "place": pl.String(),
        "unreachable": pl.Boolean(),
    }
)
HISTORY_PARTY_SCHEMA = pl.Schema({"party": pl.String(), "party_id": pl.String()})
BLOCKS_SCHEMA = {
    "cid": pl.Int64,
    "rule": pl.String,
    "citation": pl.String,
    "message": pl.String,
}
BLOCKED = list(BLOCKS_SCHEMA)
HOLD_RULE = "hold."  # a hold's rule is this and its kind: hold.dispute, …

_VOICE = [Channel.CALL.value, Channel.VOICE_BOT.value]
_NOT_PLACED = [Outcome.BUSY.value, Outcome.FAILED.value]
_SPOKEN = [o.value for o in Outcome if o.right_party_contact]


def screen(
    candidates: pl.DataFrame,
    debts: pl.DataFrame,
    history: pl.DataFrame,
    holds: pl.DataFrame,
) -> pl.DataFrame:
    """One row per broken rule per candidate (``cid, rule, citation, message``).

    A candidate with no row passes every rule. History is counted over whole local
    calendar days, including contacts later on the same day: the conservative reading.
    """
    if candidates.height == 0:
        return pl.DataFrame(schema=BLOCKS_SCHEMA)
    candidates = localise(candidates, "at", "local")
    parts = [
        _holds(candidates, holds),
        _windows(candidates),
        _caps(candidates, debts, history),
        _parties(candidates, history),
    ]
    return pl.concat(parts).unique().sort("cid", "rule")


def localise(frame: pl.DataFrame, at: str, out: str) -> pl.DataFrame:
    """Add ``out``: the wall-clock time of ``at`` in each row's ``timezone``.

    Converted once per distinct (zone, instant) and joined back: a day's plan has a few
    hundred of those among a million rows.
    """
    if frame.height == 0:
        return frame.with_columns(pl.lit(None, pl.Datetime("us")).alias(out))
    pairs = frame.select("timezone", at).unique()
    parts = [
        part.with_columns(
            pl.col(at).dt.convert_time_zone(zone).dt.replace_time_zone(None).alias(out)
        )
        for (zone,), part in pairs.partition_by("timezone", as_dict=True).items()
    ]
    return frame.join(pl.concat(parts), on=["timezone", at], how="left", nulls_equal=True)


def instants(frame: pl.DataFrame, local: str, out: str) -> pl.DataFrame:
    """Add ``out``: the UTC instant of the wall-clock ``local`` in each row's zone.

    A wall-clock time that does not exist (a spring-forward gap) is null, and one that
    happens twice (autumn) is its first occurrence. Converted once per distinct (zone,
    wall-clock time), as in :func:`localise`.
    """
    if frame.height == 0:
        return frame.with_columns(pl.lit(None, UTC_INSTANT).alias(out))
    pairs = frame.select("timezone", local).unique()
    parts = [
        part.with_columns(
            pl.col(local)
            .dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC")
            .alias(out)
        )
        for (zone,), part in pairs.partition_by("timezone", as_dict=True).items()
    ]
    return frame.join(pl.concat(parts), on=["timezone", local], how="left", nulls_equal=True)


@cache
def window_table() -> pl.DataFrame:
    """Every pack's windows for every channel and kind of day: ``pack, channel, day,
    start, end`` (null when the day is ``closed``) and the rule; a contact must pass every
    window of its pack, channel and day."""
    rows = []
    for key, pack in packs().items():
        for channel in Channel:
            for day in Day:
                rows += [
                    {
                        "pack": key,
                        "channel": channel.value,
                        "day": day.value,
                        "start": window.local[0] if window.local else None,
                        "end": window.local[1] if window.local else None,
                        "closed": window.closed,
                        "in_force_from": window.in_force_from,
                        "in_force_until": window.in_force_until,
                        "rule": window.rule,
                        "citation": window.citation,
                        "message": window.message,
                    }
                    for window in pack.windows_for(channel, day)
                ]
    return pl.DataFrame(
        rows,
        schema={
            "pack": pl.String,
            "channel": pl.String,
            "day": pl.String,
            "start": pl.Time,
            "end": pl.Time,
            "closed": pl.Boolean,
            "in_force_from": pl.Date,
            "in_force_until": pl.Date,
            "rule": pl.String,
            "citation": pl.String,
            "message": pl.String,
        },
    )


@cache
def window_rules() -> frozenset[str]:
    """The rules that are contact windows: waiting for the next opening passes them."""
    return frozenset(w.rule for p in packs().values() for w in p.windows)


@cache
def cap_rules() -> frozenset[str]:
    """The rules that are caps counted over local days: the next local day may pass them."""
    return frozenset(c.rule for p in packs().values() for c in p.caps)


def in_force(day: str) -> pl.Expr:
    """Whether the rule of a row (``in_force_from``, ``in_force_until``) is in force on
    the local date in column ``day``."""
    return (pl.col("in_force_from").is_null() | (pl.col("in_force_from") <= pl.col(day))) & (
        pl.col("in_force_until").is_null() | (pl.col(day) < pl.col("in_force_until"))
    )


def day_kinds(frame: pl.DataFrame, on: str) -> pl.DataFrame:
    """Add ``day``: the kind of the local date ``on`` for the row's ``pack`` (a weekday,
    or ``holiday`` on a public holiday of the pack's calendar)."""
    names = pl.Series([d.value for d in WEEKDAYS])
    frame = frame.with_columns(
        pl.col(on).dt.weekday().sub(1).replace_strict(list(range(7)), names).alias("day")
    )
    calendars = {key: p.holidays for key, p in packs().items() if p.holidays}
    dated = frame.filter(pl.col("pack").is_in(list(calendars)) & pl.col(on).is_not_null())
    if dated.height == 0:
        return frame
    low, high = dated[on].min(), dated[on].max()
    assert isinstance(low, date)
    assert isinstance(high, date)
    years = range(low.year, high.year + 1)
    holidays = pl.DataFrame(
        [
            {"pack": key, on: day, "holiday": True}
            for key, country in calendars.items()
            for day in holiday_dates(country, years)
        ],
        schema={"pack": pl.String, on: pl.Date, "holiday": pl.Boolean},
    )
    return (
        frame.join(holidays, on=["pack", on], how="left")
        .with_columns(
            pl.when(pl.col("holiday")).then(pl.lit(Day.HOLIDAY.value)).otherwise("day").alias("day")
        )
        .drop("holiday")
    )


def _holds(candidates: pl.DataFrame, holds: pl.DataFrame) -> pl.DataFrame:
    rules = pl.DataFrame(
        [
            {
                "kind": kind.value,
                "stops_contact": rule.stops(CONTACT),
                "stops_escalation": rule.stops(ESCALATION),
                "only": None if rule.channels is None else [c.value for c in rule.channels],
                "places": None if rule.places is None else [p.value for p in rule.places],
                "spares": [p.value for p in rule.spares],
                "citation": rule.citation,
                "message": rule.message,
            }
            for kind, rule in hold_rules().items()
        ],
        schema_overrides={
            "only": pl.List(pl.String),
            "places": pl.List(pl.String),
            "spares": pl.List(pl.String),
        },
    )
    held = holds.select("case_id", "kind", "starts_at", "ends_at", _optional(holds, "channel"))
    active = (
        candidates.select(
            "cid",
            "case_id",
            "action",
            "channel",
            "at",
            _optional(candidates, "party", Party.DEBTOR),
            _optional(candidates, "place", Place.HOME),
        )
        .join(held.rename({"channel": "held_channel"}), on="case_id")
        .filter(
            (pl.col("starts_at") <= pl.col("at"))
            & (pl.col("ends_at").is_null() | (pl.col("at") < pl.col("ends_at")))
            & (pl.col("held_channel").is_null() | (pl.col("held_channel") == pl.col("channel")))
        )
        .join(rules, on="kind")
        .filter(
            pl.when(pl.col("action") == CONTACT)
            .then(pl.col("stops_contact"))
            .otherwise(pl.col("stops_escalation"))
            & (pl.col("only").is_null() | pl.col("only").list.contains(pl.col("channel")))
            & (pl.col("places").is_null() | pl.col("places").list.contains(pl.col("place")))
            & ~pl.col("spares").list.contains(pl.col("party"))
        )
    )
    return active.select(
        "cid",
        (HOLD_RULE + pl.col("kind")).alias("rule"),
        "citation",
        "message",
    )


def _optional(frame: pl.DataFrame, column: str, default: str | bool | None = None) -> pl.Expr:
    """``column`` of ``frame``, or the default everywhere when the frame leaves it out."""
    if column in frame.columns:
        found = pl.col(column)
        return found if default is None else found.fill_null(pl.lit(default))
    dtype = pl.Boolean if isinstance(default, bool) else pl.String
    return pl.lit(default, dtype).alias(column)


@cache
def party_table() -> pl.DataFrame:
    """Each pack's party rule: ``pack, party, collect, locate`` (whether contacts with
    that kind of person are allowed to collect, and to locate the debtor), with the
    pack's limits and its rule."""
    rows = []
    for key, pack in packs().items():
        rule = pack.parties
        assert rule is not None  # every pack has one (packs() checks)
        rows += [
            {
                "pack": key,
                "party": party.value,
                "collect": party in rule.collect_from,
                "locate": party in rule.collect_from or party in rule.locate_through,
                "limit": rule.locate_limit,
                "needs_unreachable": rule.locate_only_if_unreachable,
                "rule": rule.rule,
                "citation": rule.citation,
                "message": rule.message,
            }
            for party in Party
        ]
    return pl.DataFrame(rows, schema_overrides={"limit": pl.Int64})


@cache
def party_rules() -> frozenset[str]:
    """The rules on whom to contact: waiting never passes them."""
    return frozenset(p.parties.rule for p in packs().values() if p.parties is not None)


def _parties(candidates: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """Contacts with anyone but the debtor, or only to locate them (policy: the pack's
    ``parties``). Only frames that name parties are judged: the others are the debtor's."""
    if "party" not in candidates.columns and "purpose" not in candidates.columns:
        return pl.DataFrame(schema=BLOCKS_SCHEMA)
    asked = candidates.filter(pl.col("action") == CONTACT).select(
        "cid",
        "debtor_id",
        "pack",
        _optional(candidates, "party", Party.DEBTOR),
        _optional(candidates, "party_id"),
        _optional(candidates, "purpose", Purpose.COLLECTION),
        _optional(candidates, "unreachable", False),
    )
    rules = asked.join(party_table(), on=["pack", "party"])
    locating = pl.col("purpose") == Purpose.LOCATION.value
    refused = rules.filter(
        pl.when(locating)
        .then(
            ~pl.col("locate")
            | (~pl.col("collect") & pl.col("needs_unreachable") & ~pl.col("unreachable"))
        )
        .otherwise(~pl.col("collect"))
    )
    # A person asked where the debtor is may be asked again only up to the pack's limit;
    # history that names no person counts against every person of its kind.
    limited = rules.filter(locating & ~pl.col("collect") & pl.col("limit").is_not_null())
    if limited.height and "party" in history.columns:
        asked_before = history.filter(pl.col("direction") == Direction.OUTBOUND.value).select(
            "debtor_id",
            "party",
            _optional(history, "party_id").alias("h_party_id"),
        )
        over = (
            limited.join(asked_before, on=["debtor_id", "party"])
            .filter(
                pl.col("h_party_id").is_null()
                | pl.col("party_id").is_null()
                | (pl.col("h_party_id") == pl.col("party_id"))
            )
            .group_by("cid", "limit", "rule", "citation", "message")
            .len()
            .filter(pl.col("len") >= pl.col("limit"))
        )
        refused = pl.concat([refused.select(BLOCKED), over.select(BLOCKED)])
    return refused.select(BLOCKED)


def _windows(candidates: pl.DataFrame) -> pl.DataFrame:
    contacts = candidates.filter(pl.col("action") == CONTACT).select(
        "cid",
        "pack",
        "channel",
        pl.col("local").dt.date().alias("local_day"),
        pl.col("local").dt.time().alias("t"),
    )
    return (
        day_kinds(contacts, "local_day")
        .join(window_table(), on=["pack", "channel", "day"])
        .filter(in_force("local_day"))
        .filter(pl.col("closed") | (pl.col("t") < pl.col("start")) | (pl.col("t") >= pl.col("end")))
        .select("cid", "rule", "citation", "message")
    )


def _counted(history: pl.DataFrame, count: Counted) -> pl.DataFrame:
    outbound = pl.col("direction") == Direction.OUTBOUND.value
    voice = pl.col("channel").is_in(_VOICE)
    condition = {
        Counted.PLACED_CALLS: voice & outbound & ~pl.col("outcome").is_in(_NOT_PLACED),
        Counted.CONVERSATIONS: voice & pl.col("outcome").is_in(_SPOKEN),
        Counted.EFFECTIVE_CALLS: voice & outbound & pl.col("outcome").is_in(_SPOKEN),
        Counted.ATTEMPTS: outbound,
    }[count]
    return history.filter(condition)


def _caps(candidates: pl.DataFrame, debts: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    # Caps count contacts with the debtor, and limit only those (others: _parties).
    contacts = candidates.filter(pl.col("action") == CONTACT).with_columns(
        pl.col("local").dt.date().alias("day")
    )
    if "party" in contacts.columns:
        contacts = contacts.filter(
            pl.col("party").is_null() | (pl.col("party") == Party.DEBTOR.value)
        )
    if "party" in history.columns:
        history = history.filter(
            pl.col("party").is_null() | (pl.col("party") == Party.DEBTOR.value)
        )
    if contacts.height == 0 or history.height == 0:
        return pl.DataFrame(schema=BLOCKS_SCHEMA)
    zones = contacts.select("debtor_id", "timezone").unique("debtor_id")
    past = localise(history.join(zones, on="debtor_id"), "at", "local").with_columns(
        pl.col("local").dt.date().alias("h_day")
    )
    found = [
        _cap(contacts.filter(pl.col("pack") == key), debts, past, cap)
        for key, pack in packs().items()
        for cap in pack.caps
    ]
    return pl.concat([pl.DataFrame(schema=BLOCKS_SCHEMA), *found])


def _cap(contacts: pl.DataFrame, debts: pl.DataFrame, past: pl.DataFrame, cap: Cap) -> pl.DataFrame:
    contacts = contacts.filter(pl.col("channel").is_in([c.value for c in cap.channels]))
    if cap.in_force_from is not None:
        contacts = contacts.filter(pl.col("day") >= cap.in_force_from)
    if cap.in_force_until is not None:
        contacts = contacts.filter(pl.col("day") < cap.in_force_until)
    counted = _counted(past, cap.count).select("debtor_id", "account_id", "h_day")
    if contacts.height == 0 or counted.height == 0:
        return pl.DataFrame(schema=BLOCKS_SCHEMA)
    in_window = (pl.col("h_day") <= pl.col("day")) & (
        pl.col("h_day") > pl.col("day") - pl.duration(days=cap.days)
    )
    probe = contacts.select("cid", "case_id", "debtor_id", "day")
    if cap.scope is Scope.DEBTOR:
        hits = (
            probe.join(counted, on="debtor_id")
            .filter(in_window)
            .group_by("cid")
            .len()
            .filter(pl.col("len") >= cap.limit)
            .select("cid")
        )
    else:
        # A contact that names no debt is about every debt of the debtor.
        named = pl.col("account_id_h")
        hits = (
            probe.join(debts.select("case_id", "account_id"), on="case_id")
            .join(counted, on="debtor_id", suffix="_h")
            .filter(in_window & (named.is_null() | (named == pl.col("account_id"))))
            .group_by("cid", "account_id")
            .len()
            .filter(pl.col("len") >= cap.limit)
            .select("cid")
            .unique()
        )
    return hits.with_columns(
        pl.lit(cap.rule).alias("rule"),
        pl.lit(cap.citation).alias("citation"),
        pl.lit(cap.message).alias("message"),
    )


def history_since(day: date) -> datetime:
    """The earliest instant (UTC) any cap looks back to from local ``day`` (with a day's
    slack for time zones ahead of UTC), so callers read no more history than needed."""
    longest = max([c.days for p in packs().values() for c in p.caps] or [1])
    return datetime.combine(day - timedelta(days=longest + 1), time.min, tzinfo=UTC)
