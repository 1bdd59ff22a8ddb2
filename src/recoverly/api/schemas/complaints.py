"""Complaints in and out of the API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from recoverly.api.schemas.common import Page, page_example
from recoverly.domain.complaints import Issue, ReceiptChannel, Status
from recoverly.store.repositories.complaints import Complaint

COMPLAINT_EXAMPLE: JsonDict = {
    "complaint_id": "CMP-1",
    "case_id": "C-D0000001",
    "debtor_id": "D0000001",
    "received_at": "2026-03-09T10:00:00Z",
    "channel": "phone",
    "source": "api",
    "external_reference": None,
    "jurisdiction": "US-NY",
    "issue": "communication_tactics",
    "suggested_issue": None,
    "suggestion_probability": None,
    "text": "They called me at work after I asked them not to.",
    "template": None,
    "agent": "agent-7",
    "status": "received",
    "acknowledge_by": "2026-03-24T10:00:00Z",
    "respond_by": "2026-05-08T10:00:00Z",
    "overdue": False,
    "response": None,
    "responded_at": None,
    "root_cause": None,
    "resolution": None,
    "upheld": None,
    "closed_at": None,
}


class ComplaintIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "complaint_id": "CMP-1",
                    "case_id": "C-D0000001",
                    "channel": "phone",
                    "issue": "communication_tactics",
                    "text": "They called me at work after I asked them not to.",
                    "agent": "agent-7",
                }
            ]
        },
    )

    complaint_id: str = Field(min_length=1, max_length=64)
    case_id: str = Field(min_length=1, max_length=80)
    channel: ReceiptChannel = Field(description="How the debtor made the complaint.")
    received_at: datetime | None = Field(default=None, description="Default: now.")
    issue: Issue = Issue.UNCLASSIFIED
    text: str = Field(min_length=1, max_length=20_000)
    template: str | None = Field(default=None, max_length=64)
    agent: str | None = Field(default=None, max_length=128)


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20_000)


class ClosureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root_cause: str = Field(min_length=1, max_length=2_000)
    resolution: str = Field(min_length=1, max_length=2_000)
    upheld: bool = Field(description="Whether the complaint was found justified.")
    issue: Issue | None = Field(
        default=None, description="The issue the reviewer settled on (default: as filed)."
    )


class ComplaintOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [COMPLAINT_EXAMPLE]})

    complaint_id: str
    case_id: str
    debtor_id: str
    received_at: datetime
    channel: ReceiptChannel
    source: str = Field(
        description="Which system recorded it: `api`, or the source an import named."
    )
    external_reference: str | None = Field(
        description="The source's own id for it (a regulator's complaint number)."
    )
    jurisdiction: str
    issue: Issue
    suggested_issue: Issue | None = Field(
        description="The model's guess when the complaint came in unclassified."
    )
    suggestion_probability: float | None
    text: str
    template: str | None
    agent: str | None
    status: Status
    acknowledge_by: datetime
    respond_by: datetime
    overdue: bool = Field(description="Open past its final-response date.")
    response: str | None
    responded_at: datetime | None
    root_cause: str | None
    resolution: str | None
    upheld: bool | None
    closed_at: datetime | None

    @classmethod
    def of(cls, c: Complaint, now: datetime) -> ComplaintOut:
        return cls(
            complaint_id=c.complaint_id,
            case_id=c.case_id,
            debtor_id=c.debtor_id,
            received_at=c.received_at,
            channel=c.channel,
            source=c.source,
            external_reference=c.external_reference,
            jurisdiction=c.jurisdiction,
            issue=c.issue,
            suggested_issue=c.suggested_issue,
            suggestion_probability=c.suggestion_probability,
            text=c.text,
            template=c.template,
            agent=c.agent,
            status=c.status,
            acknowledge_by=c.acknowledge_by,
            respond_by=c.respond_by,
            overdue=c.status is not Status.CLOSED and c.respond_by < now,
            response=c.response,
            responded_at=c.responded_at,
            root_cause=c.root_cause,
            resolution=c.resolution,
            upheld=c.upheld,
            closed_at=c.closed_at,
        )


class ComplaintPage(Page[ComplaintOut]):
    model_config = ConfigDict(json_schema_extra=page_example(COMPLAINT_EXAMPLE))


class PauseOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "template": "final_notice",
                    "paused_at": "2026-03-09T14:00:00Z",
                    "reason": "3 upheld complaints in 30 days",
                }
            ]
        }
    )

    template: str
    paused_at: datetime
    reason: str


class PausesOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "templates": [
                        {
                            "template": "final_notice",
                            "paused_at": "2026-03-09T14:00:00Z",
                            "reason": "3 upheld complaints in 30 days",
                        }
                    ]
                }
            ]
        }
    )

    templates: list[PauseOut]
