"""The engine's answers: the ``compliance check`` contract, and a stored case's check."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, RootModel
from pydantic.config import JsonDict

from recoverly.compliance.case_check import CaseCheck
from recoverly.compliance.check import Decision, Reason
from recoverly.domain.events import Channel


class ReasonOut(BaseModel):
    rule: str  # the citation
    message: str

    @classmethod
    def of(cls, reason: Reason) -> ReasonOut:
        return cls(rule=reason.rule, message=reason.message)


_WINDOW_REASON: JsonDict = {
    "rule": "12 CFR 1006.6(b)(1)(i); 15 U.S.C. 1692c(a)(1)",
    "message": "contacts are allowed from 08:00 to 21:00 in the debtor's local time",
}


class DecisionOut(BaseModel):
    id: str
    decision: Literal["allow", "block"]
    reasons: list[ReasonOut]
    next_allowed_at: datetime | None

    @classmethod
    def of(cls, decision: Decision) -> DecisionOut:
        return cls.model_validate(decision.as_dict())


class DecisionsOut(RootModel[list[DecisionOut]]):
    """One decision per proposed contact, in the input's order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                [
                    {
                        "id": "c1",
                        "decision": "block",
                        "reasons": [_WINDOW_REASON],
                        "next_allowed_at": "2026-03-09T12:00:00Z",
                    },
                    {"id": "c2", "decision": "allow", "reasons": [], "next_allowed_at": None},
                ]
            ]
        }
    )


class CaseCheckOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "C-D0000001",
                    "channel": "call",
                    "at": "2026-03-09T11:30:00Z",
                    "jurisdiction": "US-NY",
                    "timezone": "America/New_York",
                    "decision": "block",
                    "reasons": [_WINDOW_REASON],
                    "next_allowed_at": "2026-03-09T12:00:00Z",
                }
            ]
        }
    )

    case_id: str
    channel: Channel
    at: datetime
    jurisdiction: str
    timezone: str
    decision: Literal["allow", "block"]
    reasons: list[ReasonOut]
    next_allowed_at: datetime | None

    @classmethod
    def of(cls, found: CaseCheck) -> CaseCheckOut:
        return cls(
            case_id=found.case_id,
            channel=found.channel,
            at=found.at,
            jurisdiction=found.jurisdiction,
            timezone=found.timezone,
            decision="allow" if found.allowed else "block",
            reasons=[ReasonOut.of(r) for r in found.reasons],
            next_allowed_at=found.next_allowed_at,
        )
