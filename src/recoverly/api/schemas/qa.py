"""Conversation QA over the API: texts screened, the alert queue, agents to watch."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from recoverly.api.schemas.common import Page, page_example
from recoverly.compliance.qa import Alert, TextKind
from recoverly.store.repositories.qa import QueuedAlert

_ALERT: JsonDict = {
    "rule": "qa.threat_arrest",
    "category": "threat",
    "severity": "high",
    "citation": "15 U.S.C. 1692e(4), 1692e(5); 12 CFR 1006.18(c)(4)",
    "start": 22,
    "end": 32,
    "text": "go to jail",
}


class TextIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text_id": "NOTE-77",
                    "kind": "note",
                    "text": "Told him he would go to jail if he did not pay.",
                    "case_id": "C-D0000001",
                    "agent": "agent-7",
                    "jurisdiction": "US-NY",
                }
            ]
        },
    )

    text_id: str = Field(min_length=1, max_length=96)
    kind: TextKind
    text: str = Field(min_length=1, max_length=100_000)
    case_id: str | None = Field(default=None, max_length=80)
    agent: str | None = Field(default=None, max_length=128)
    jurisdiction: str | None = Field(default=None, pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


class AlertOut(BaseModel):
    rule: str
    category: str
    severity: str
    citation: str
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, alert: Alert) -> AlertOut:
        return cls.model_validate(alert.as_dict())


class ScreenedOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"text_id": "NOTE-77", "alerts": [_ALERT], "agent_warning": False}]
        }
    )

    text_id: str
    alerts: list[AlertOut]
    agent_warning: bool = Field(
        description="The agent has reached the warning threshold of serious alerts."
    )


_QUEUED: JsonDict = {
    "id": 12,
    "at": "2026-03-09T14:02:11Z",
    "source_kind": "note",
    "source_id": "NOTE-77",
    "case_id": "C-D0000001",
    "agent": "agent-7",
    "rule": "qa.threat_arrest",
    "category": "threat",
    "severity": "high",
    "citation": "15 U.S.C. 1692e(4), 1692e(5); 12 CFR 1006.18(c)(4)",
    "span_start": 22,
    "span_end": 32,
    "excerpt": "go to jail",
    "status": "open",
    "reviewed_by": None,
    "reviewed_at": None,
    "review_note": None,
}


class QueuedAlertOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_QUEUED]})

    id: int
    at: datetime
    source_kind: str
    source_id: str
    case_id: str | None
    agent: str | None
    rule: str
    category: str
    severity: str
    citation: str
    span_start: int
    span_end: int
    excerpt: str
    status: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None

    @classmethod
    def of(cls, a: QueuedAlert) -> QueuedAlertOut:
        return cls.model_validate({name: getattr(a, name) for name in QueuedAlert.__slots__})


class QueuedAlertPage(Page[QueuedAlertOut]):
    model_config = ConfigDict(json_schema_extra=page_example(_QUEUED))


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["confirmed", "dismissed"]
    note: str = Field(default="", max_length=2_000)


class AgentOut(BaseModel):
    agent: str
    high_alerts: int
    warning: bool


class AgentsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "window_days": 30,
                    "warn_after": 3,
                    "agents": [{"agent": "agent-7", "high_alerts": 4, "warning": True}],
                }
            ]
        }
    )

    window_days: int
    warn_after: int
    agents: list[AgentOut]
