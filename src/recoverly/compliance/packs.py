"""Rule packs: the contact rules of one jurisdiction, loaded from YAML and validated.

A pack holds contact windows (local, half-open, per kind of day: a weekday, or a public
holiday of the pack's calendar) and rolling caps. A day a window marks ``closed`` allows
no contact at all; a day no window covers has no hours rule. Jurisdictions without a pack
get a conservative default (``*``). Holds are not per jurisdiction: ``holds.yaml``
applies everywhere (policy P5).
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, time
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, Any, Self, TypeVar

import holidays as calendars
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from recoverly.domain.cases import HoldKind
from recoverly.domain.errors import InvalidInput
from recoverly.domain.events import Channel
from recoverly.domain.parties import Party, Place

DEFAULT_PACK = "*"
_M = TypeVar("_M", bound=BaseModel)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Counted(StrEnum):
    """Which past contacts a cap counts (research section 14, note 3)."""

    PLACED_CALLS = "placed_calls"  # outbound calls and voice-bot calls that were placed
    CONVERSATIONS = "conversations"  # telephone conversations in either direction
    EFFECTIVE_CALLS = "effective_calls"  # outbound calls that reached a conversation
    ATTEMPTS = "attempts"  # every outbound attempt, any channel


class Scope(StrEnum):
    DEBT = "debt"
    DEBTOR = "debtor"


class _Cited(_Frozen):
    rule: Annotated[str, Field(pattern=r"^[a-z][a-z_]*\.[a-z0-9_]+$")]
    citation: str
    reading: str = ""
    message: str
    # The local dates the rule is in force: from the first, until before the second.
    in_force_from: date | None = None
    in_force_until: date | None = None

    def in_force(self, on: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= on) and (
            self.in_force_until is None or on < self.in_force_until
        )


class Day(StrEnum):
    """The kinds of local day a window applies to: a weekday, or a public holiday (which
    takes precedence over its weekday)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"
    HOLIDAY = "holiday"


WEEKDAYS = (Day.MON, Day.TUE, Day.WED, Day.THU, Day.FRI, Day.SAT, Day.SUN)


class Window(_Cited):
    """Contacts are allowed at local times in ``[start, end)`` (policy P1) on ``days``
    (None: every day), or not at all on those days when ``closed``."""

    local: tuple[time, time] | None = None
    closed: bool = False
    days: tuple[Day, ...] | None = None
    channels: tuple[Channel, ...] | None = None  # None: every channel

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.closed == (self.local is not None):
            raise ValueError(f"{self.rule}: a window has local hours or is closed, not both")
        if self.local is not None and self.local[0] >= self.local[1]:
            raise ValueError(f"{self.rule}: the window must start before it ends")
        return self

    def covers(self, channel: Channel, day: Day) -> bool:
        return (self.channels is None or channel in self.channels) and (
            self.days is None or day in self.days
        )


class Cap(_Cited):
    """At most ``limit - 1`` counted contacts in the last ``days`` local dates allow one more."""

    channels: tuple[Channel, ...]
    scope: Scope
    count: Counted
    limit: Annotated[int, Field(ge=1)]
    days: Annotated[int, Field(ge=1, le=31)]


class Parties(_Cited):
    """Whom a collector may talk to about the debt (``collect_from``), and whom else it may
    ask only where the debtor can be reached (``locate_through``): at most
    ``locate_limit`` times per person (None: no limit), and only once the debtor cannot
    be reached when ``locate_only_if_unreachable``. The debtor is always in
    ``collect_from``."""

    collect_from: tuple[Party, ...]
    locate_through: tuple[Party, ...] = ()
    locate_limit: Annotated[int, Field(ge=1)] | None = None
    locate_only_if_unreachable: bool = False

    @model_validator(mode="after")
    def _debtor(self) -> Self:
        if Party.DEBTOR not in self.collect_from:
            raise ValueError(f"{self.rule}: collect_from must name the debtor")
        return self


class Fact(StrEnum):
    """Facts of a debt that change what a message must say."""

    TIME_BARRED = "time_barred"  # past the limitation period for suing on it


class Disclosure(_Cited):
    """A statement every message must carry when the debt has ``fact``: the catalog's
    disclosure ``disclosure`` (``_disclosures.yaml``), added in the message's language."""

    when: Fact
    disclosure: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Pack(_Frozen):
    jurisdiction: str
    name: str
    version: Annotated[int, Field(ge=1)]
    # A pack that adds to another (a state to its country's federal rules) names it; the
    # rules of both apply.
    extends: str | None = None
    # The calendar whose public holidays (``holidays`` package) are ``holiday`` days: a
    # country (``TH``), or a country and subdivision (``DE-BY``) for a subdivision's pack.
    holidays: str | None = None
    # What else applies there that the rules below do not encode (shown in the reference).
    notes: tuple[str, ...] = ()
    windows: tuple[Window, ...] = ()
    caps: tuple[Cap, ...] = ()
    # Required of a pack that extends none; one that extends another may replace it.
    parties: Parties | None = None
    disclosures: tuple[Disclosure, ...] = ()

    @model_validator(mode="after")
    def _calendar(self) -> Self:
        uses = any(w.days is not None and Day.HOLIDAY in w.days for w in self.windows)
        if uses and self.holidays is None:
            raise ValueError(f"{self.jurisdiction}: holiday windows need a holidays calendar")
        if self.holidays is not None and not known_calendar(self.holidays):
            raise ValueError(f"{self.jurisdiction}: no holiday calendar {self.holidays!r}")
        return self

    def day_of(self, day: date) -> Day:
        """The kind of ``day`` (a local date) for this pack's windows."""
        if self.holidays is not None and day in _calendar(self.holidays, day.year):
            return Day.HOLIDAY
        return WEEKDAYS[day.weekday()]

    def windows_for(self, channel: Channel, day: Day) -> tuple[Window, ...]:
        """Every window covering the channel on that kind of day, whatever their dates:
        each must allow a contact (a state's window and the federal one, say)."""
        return tuple(w for w in self.windows if w.covers(channel, day))

    def hours(self, channel: Channel, on: date) -> tuple[time, time | None] | None:
        """The local hours every window in force allows on the local date ``on``:
        ``(start, end)``, ``end`` None meaning until midnight; None when it is closed."""
        covering = [w for w in self.windows_for(channel, self.day_of(on)) if w.in_force(on)]
        if any(w.closed for w in covering):
            return None
        spans = [w.local for w in covering if w.local is not None]
        start = max((s for s, _ in spans), default=time(0))
        end = min((e for _, e in spans), default=None)
        if end is not None and start >= end:
            return None
        return start, end


@cache
def _calendar(code: str, year: int) -> frozenset[date]:
    """A calendar's public holidays in a year (public only, policy P2). ``code`` is a
    country (``TH``) or a country and one of its subdivisions (``DE-BY``, ``MY-10``):
    a subdivision's pack names its own calendar where its holidays differ."""
    country, _, subdivision = code.partition("-")
    return frozenset(calendars.country_holidays(country, subdiv=subdivision or None, years=year))


def known_calendar(code: str) -> bool:
    """Whether the ``holidays`` package has the calendar ``code`` (``TH``, ``DE-BY``)."""
    country, _, subdivision = code.partition("-")
    supported = calendars.list_supported_countries()
    return country in supported and (not subdivision or subdivision in supported[country])


def holiday_dates(code: str, years: range) -> list[date]:
    return sorted(d for year in years for d in _calendar(code, year))


class HoldRule(_Frozen):
    blocks: tuple[str, ...]
    channels: tuple[Channel, ...] | None = None  # None: every channel
    places: tuple[Place, ...] | None = None  # None: wherever the person is reached
    spares: tuple[Party, ...] = ()  # the people it does not stop contacts with
    citation: str
    message: str

    def stops(self, action: str) -> bool:
        return action in self.blocks


class Holds(_Frozen):
    holds: dict[HoldKind, HoldRule]


@cache
def packs() -> dict[str, Pack]:
    """The shipped packs by jurisdiction (``US``, ``US-MA``, … and ``*`` for the default),
    each with the rules of the pack it extends."""
    found: dict[str, Pack] = {}
    for entry in resources.files("recoverly.compliance").joinpath("packs").iterdir():
        if entry.name.endswith(".yaml") and entry.name != "holds.yaml":
            pack = _parse(Pack, entry.read_text(encoding="utf-8"), entry.name)
            if pack.extends is None and pack.parties is None:
                raise InvalidInput(f"rule pack {entry.name}: parties is required")
            found[pack.jurisdiction] = pack
    return {key: _resolved(found, key, ()) for key in found}


def _resolved(found: dict[str, Pack], key: str, seen: tuple[str, ...]) -> Pack:
    pack = found[key]
    if pack.extends is None:
        return pack
    if pack.extends in seen or pack.extends not in found:
        raise InvalidInput(f"rule pack {key}: extends {pack.extends!r}, which is unknown or a loop")
    base = _resolved(found, pack.extends, (*seen, key))
    return pack.model_copy(
        update={
            "holidays": pack.holidays or base.holidays,
            "windows": base.windows + pack.windows,
            "caps": base.caps + pack.caps,
            "parties": pack.parties or base.parties,
            "disclosures": base.disclosures + pack.disclosures,
        }
    )


@cache
def time_barred_disclosures(key: str) -> tuple[str, ...]:
    """The catalog disclosures a message about a time-barred debt must carry in a pack."""
    return tuple(
        dict.fromkeys(d.disclosure for d in packs()[key].disclosures if d.when is Fact.TIME_BARRED)
    )


@cache
def hold_rules() -> dict[HoldKind, HoldRule]:
    text = resources.files("recoverly.compliance").joinpath("packs/holds.yaml").read_text()
    return _parse(Holds, text, "holds.yaml").holds


EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
EU_PACK = "EU"


def most_specific(country: str, region: str | None, available: Container[str]) -> str:
    """The most specific of ``available`` keys for a jurisdiction: subdivision, country,
    the EU baseline for a member state, else the default ``*``. Rule packs, retention
    periods and any other per-jurisdiction data fall back the same way."""
    if region:
        code = region if "-" in region else f"{country}-{region}"
        if code in available:
            return code
    if country in available:
        return country
    if country in EU_MEMBERS and EU_PACK in available:
        return EU_PACK
    return DEFAULT_PACK


def pack_key(country: str, region: str | None) -> str:
    """The most specific pack for a jurisdiction."""
    return most_specific(country, region, packs())


def pack_for(jurisdiction: str) -> str:
    """The pack key for an ISO 3166 jurisdiction: ``US``, ``US-NY``, ``CN-31``…"""
    country, _, region = jurisdiction.partition("-")
    return pack_key(country, jurisdiction if region else None)


def _parse(model: type[_M], text: str, source: str) -> _M:
    try:
        raw: Any = yaml.safe_load(text)
        return model.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(f"rule pack {source}: {exc}") from exc
