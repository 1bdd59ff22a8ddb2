"""Rule packs: the contact rules of one jurisdiction, loaded from YAML and validated.

A pack holds contact windows (local, half-open) and rolling caps. The packs shipped here
are the first ones the daily loop needs (US federal, mainland China, and a conservative
default for everything else); the compliance engine grows the same format with holidays,
consent and more jurisdictions. Holds are not per jurisdiction: ``holds.yaml`` applies
everywhere (policy P5).
"""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, Any, Self, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from recoverly.domain.cases import HoldKind
from recoverly.domain.errors import InvalidInput
from recoverly.domain.events import Channel

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
    rule: Annotated[str, Field(pattern=r"^[a-z*]+\.[a-z0-9_]+$")]
    citation: str
    reading: str = ""
    message: str


class Window(_Cited):
    """Contacts are allowed at local times in ``[start, end)`` (policy P1)."""

    local: tuple[time, time]
    channels: tuple[Channel, ...] | None = None  # None: every channel

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.local[0] >= self.local[1]:
            raise ValueError(f"{self.rule}: the window must start before it ends")
        return self


class Cap(_Cited):
    """At most ``limit - 1`` counted contacts in the last ``days`` local dates allow one more."""

    channels: tuple[Channel, ...]
    scope: Scope
    count: Counted
    limit: Annotated[int, Field(ge=1)]
    days: Annotated[int, Field(ge=1, le=31)]


class Pack(_Frozen):
    jurisdiction: str
    name: str
    version: Annotated[int, Field(ge=1)]
    windows: tuple[Window, ...] = ()
    caps: tuple[Cap, ...] = ()

    def window_for(self, channel: Channel) -> Window | None:
        for window in self.windows:
            if window.channels is None or channel in window.channels:
                return window
        return None


class HoldRule(_Frozen):
    blocks: tuple[str, ...]
    channels: tuple[Channel, ...] | None = None  # None: every channel
    citation: str
    message: str

    def stops(self, action: str) -> bool:
        return action in self.blocks


class Holds(_Frozen):
    holds: dict[HoldKind, HoldRule]


@cache
def packs() -> dict[str, Pack]:
    """The shipped packs by jurisdiction (``US``, ``CN``, … and ``*`` for the default)."""
    found: dict[str, Pack] = {}
    for entry in resources.files("recoverly.compliance").joinpath("packs").iterdir():
        if entry.name.endswith(".yaml") and entry.name != "holds.yaml":
            pack = _parse(Pack, entry.read_text(encoding="utf-8"), entry.name)
            found[pack.jurisdiction] = pack
    return found


@cache
def hold_rules() -> dict[HoldKind, HoldRule]:
    text = resources.files("recoverly.compliance").joinpath("packs/holds.yaml").read_text()
    return _parse(Holds, text, "holds.yaml").holds


def pack_key(country: str, region: str | None) -> str:
    """The most specific pack for a jurisdiction: subdivision, country, else the default."""
    available = packs()
    if region:
        code = region if "-" in region else f"{country}-{region}"
        if code in available:
            return code
    return country if country in available else DEFAULT_PACK


def _parse(model: type[_M], text: str, source: str) -> _M:
    try:
        raw: Any = yaml.safe_load(text)
        return model.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(f"rule pack {source}: {exc}") from exc
