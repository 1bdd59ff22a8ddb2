"""The strategy model: what a strategy manager writes, as validated, immutable values.

Segments are tried in order and the first whose conditions all hold takes the case; each
segment has a treatment path per branch (champion, challengers) and the events that take
a case off its path. Conditions name a case attribute (computed ones such as ``bucket``
or ``past_due_days``, the account's columns, or any imported ``attributes.<name>``) and
compare it with operators, so that a rule is data a reviewer can read, not code.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from recoverly.domain.accounts import DelinquencyBucket

# Attributes every case has; anything else must be an imported ``attributes.<name>``.
FIELDS: frozenset[str] = frozenset(
    {
        "bucket",
        "past_due_days",
        "balance",
        "principal",
        "product",
        "currency",
        "country",
        "region",
        "debtor_type",
        "language",
        "stage",
        "account_count",
        "score",
    }
)
NUMERIC: frozenset[str] = frozenset(
    {"past_due_days", "balance", "principal", "account_count", "score"}
)


class StepKind(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"
    PUSH = "push"
    VOICE_BOT = "voice_bot"
    CALL = "call"
    WAIT = "wait"
    ESCALATE_LEGAL = "escalate_legal"
    PLACE_AGENCY = "place_agency"


MESSAGES = frozenset(
    {StepKind.SMS, StepKind.EMAIL, StepKind.LETTER, StepKind.PUSH, StepKind.VOICE_BOT}
)


class ExitEvent(StrEnum):
    PAYMENT = "payment"
    PAID_IN_FULL = "paid_in_full"
    PROMISE_TO_PAY = "promise_to_pay"
    DISPUTE = "dispute"
    COMPLAINT = "complaint"
    CEASE_COMMUNICATION = "cease_communication"
    RIGHT_PARTY_CONTACT = "right_party_contact"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Scalar = str | int | Decimal


class Condition(_Frozen):
    """One attribute compared with one or more operators (all must hold)."""

    field: str
    eq: Scalar | None = None
    ne: Scalar | None = None
    lt: Decimal | None = None
    le: Decimal | None = None
    gt: Decimal | None = None
    ge: Decimal | None = None
    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in")
    not_in: tuple[Scalar, ...] | None = None

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value in FIELDS or (value.startswith("attributes.") and len(value) > 11):
            return value
        known = ", ".join(sorted(FIELDS))
        raise ValueError(f"must be one of {known}, or attributes.<name>; got {value!r}")

    @model_validator(mode="after")
    def _sensible(self) -> Self:
        ops = [
            n
            for n in ("eq", "ne", "lt", "le", "gt", "ge", "in_", "not_in")
            if getattr(self, n) is not None
        ]
        if not ops:
            raise ValueError(
                f"condition on {self.field!r} needs an operator: eq, ne, lt, le, gt, ge, in, not_in"
            )
        ordered = [n for n in ("lt", "le", "gt", "ge") if getattr(self, n) is not None]
        if ordered and self.field in FIELDS and self.field not in NUMERIC:
            raise ValueError(f"{self.field!r} is not a number; use eq, ne, in or not_in")
        if self.field == "bucket":
            allowed = {b.value for b in DelinquencyBucket}
            given = [self.eq, self.ne, *(self.in_ or ()), *(self.not_in or ())]
            wrong = sorted({str(v) for v in given if v is not None and str(v) not in allowed})
            if wrong:
                raise ValueError(
                    f"bucket must be one of {', '.join(sorted(allowed))}; got {', '.join(wrong)}"
                )
        return self


class Step(_Frozen):
    """One step of a treatment path: a message, a call, a wait or an escalation."""

    kind: StepKind
    template: str | None = None
    queue: str | None = None
    agency: str | None = None
    days: Annotated[int | None, Field(ge=1, le=365)] = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.kind in MESSAGES and not self.template:
            raise ValueError(f"a {self.kind.value} step needs a template")
        if self.kind == StepKind.CALL and not self.queue:
            raise ValueError("a call step needs the agent queue it goes to")
        if self.kind == StepKind.WAIT and self.days is None:
            raise ValueError("a wait step needs days (1 to 365)")
        return self


class Segment(_Frozen):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    description: str = ""
    when: tuple[Condition, ...] = ()
    paths: dict[str, Annotated[tuple[Step, ...], Field(min_length=1)]]
    exit_on: tuple[ExitEvent, ...] = (
        ExitEvent.PAYMENT,
        ExitEvent.PROMISE_TO_PAY,
        ExitEvent.DISPUTE,
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, raw: Any) -> Any:
        """Accept the YAML forms: ``when`` as ``{field: {op: value}}`` and short steps."""
        if not isinstance(raw, dict):
            return raw
        raw = dict(raw)
        when = raw.get("when")
        if isinstance(when, dict):
            raw["when"] = [
                {"field": name, **ops} if isinstance(ops, dict) else {"field": name, "eq": ops}
                for name, ops in when.items()
            ]
        paths = raw.get("paths")
        if isinstance(paths, dict):
            raw["paths"] = {branch: steps_from(steps) for branch, steps in paths.items()}
        return raw


class QueueCapacity(_Frozen):
    """An agent queue's daily capacity: minutes of agent time and minutes per call."""

    agent_minutes: Annotated[int, Field(ge=0)]
    minutes_per_call: Annotated[int, Field(ge=1)] = 8

    @property
    def calls(self) -> int:
        return self.agent_minutes // self.minutes_per_call


class ChannelBudget(_Frozen):
    max_per_day: Annotated[int, Field(ge=0)]


class Capacity(_Frozen):
    """What the day can hold; a queue or channel not named here is unlimited."""

    queues: dict[str, QueueCapacity] = Field(default_factory=dict)
    channels: dict[StepKind, ChannelBudget] = Field(default_factory=dict)


# The local time a contact is planned for, before the jurisdiction's window moves it.
DEFAULT_SEND_TIMES: dict[StepKind, time] = {
    StepKind.CALL: time(9, 0),
    StepKind.EMAIL: time(9, 30),
    StepKind.LETTER: time(9, 0),
    StepKind.SMS: time(10, 0),
    StepKind.PUSH: time(10, 0),
    StepKind.VOICE_BOT: time(11, 0),
}


class Branch(_Frozen):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    weight: Annotated[int, Field(ge=0, le=100)]


class Strategy(_Frozen):
    """A whole strategy: its identity, its experiment split, and its ordered segments."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
    version: Annotated[int, Field(ge=1)]
    description: str = ""
    salt: Annotated[str, Field(min_length=1)] = Field(
        description="Seeds the stable champion/challenger assignment; change it to reshuffle."
    )
    branches: tuple[Branch, ...] = (Branch(name="champion", weight=100),)
    segments: Annotated[tuple[Segment, ...], Field(min_length=1)]
    capacity: Capacity = Field(default_factory=Capacity)
    send_times: dict[StepKind, time] = Field(default_factory=lambda: dict(DEFAULT_SEND_TIMES))

    def send_time(self, kind: StepKind) -> time:
        return self.send_times.get(kind, DEFAULT_SEND_TIMES.get(kind, time(9, 0)))

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        names = [b.name for b in self.branches]
        if len(set(names)) != len(names):
            raise ValueError("branch names must be unique")
        if sum(b.weight for b in self.branches) != 100:
            raise ValueError("branch weights must add up to 100")
        if names[0] != "champion":
            raise ValueError("the first branch must be the champion")
        seen: set[str] = set()
        for segment in self.segments:
            if segment.name in seen:
                raise ValueError(f"segment {segment.name!r} appears twice")
            seen.add(segment.name)
            if "champion" not in segment.paths:
                raise ValueError(f"segment {segment.name!r} needs a champion path")
            unknown = sorted(set(segment.paths) - set(names))
            if unknown:
                raise ValueError(
                    f"segment {segment.name!r} has paths for unknown branches {unknown}"
                )
        timed = set(MESSAGES) | {StepKind.CALL}
        untimed = sorted(k.value for k in self.send_times if k not in timed)
        if untimed:
            raise ValueError(f"send_times are for messages and calls, not {untimed}")
        budgets = sorted(k.value for k in self.capacity.channels if k not in MESSAGES)
        if budgets:
            raise ValueError(
                f"channel budgets are for messages; calls are limited by queue: {budgets}"
            )
        if self.segments[-1].when:
            raise ValueError(
                "the last segment must have no conditions, so that every case is treated"
            )
        return self


def steps_from(raw: Any) -> Any:
    """``[{sms: {template: t}}, {wait: 3}]`` (the YAML shorthand) as ``Step`` fields."""
    if not isinstance(raw, list):
        return raw
    out = []
    for item in raw:
        if isinstance(item, dict) and len(item) == 1 and "kind" not in item:
            ((kind, params),) = item.items()
            if kind == "wait" and isinstance(params, int):
                params = {"days": params}
            out.append({"kind": kind, **(params or {})})
        else:
            out.append(item)
    return out
