"""The agent desktop on the wire: a call the rules allowed, a message queued."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

CallerId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact_id: CallerId | None = Field(
        default=None,
        description="The caller's id for the call (default: a new one). Record the "
        "outcome under it at `POST /contacts`.",
    )


class CallOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "contact_id": "call-7f3a",
                    "case_id": "C-D0000001",
                    "debtor_id": "D0000001",
                    "number": "+12125550123",
                    "placed_at": "2026-03-09T14:30:00Z",
                }
            ]
        }
    )

    contact_id: str
    case_id: str
    debtor_id: str
    number: str = Field(description="The number to dial, shown only once the call is allowed.")
    placed_at: datetime


class MessageIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"message_id": "m-20260309-1", "channel": "sms", "template": "reminder"}]
        },
    )

    message_id: CallerId = Field(
        description="The caller's id: sending it again returns the first message, never a second."
    )
    channel: Literal["sms", "email", "letter"]
    template: Annotated[str, Field(min_length=1, max_length=64)]
    send_at: AwareDatetime | None = Field(
        default=None, description="Default: now. Judged by the rules at this instant."
    )


class MessageOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "plan_id": "M-m-20260309-1",
                    "case_id": "C-D0000001",
                    "channel": "sms",
                    "template": "gentle_reminder",
                    "send_at": "2026-03-09T14:30:00Z",
                    "status": "queued",
                }
            ]
        }
    )

    plan_id: str
    case_id: str
    channel: str
    template: str
    send_at: datetime
    status: Literal["queued", "already_queued"]


class RecordingOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "contact_id": "call-7f3a",
                    "case_id": "C-D0000001",
                    "recording_sha256": "9f86d081884c7d659a2feaa0c55ad015"
                    "a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "bytes": 482113,
                }
            ]
        }
    )

    contact_id: str
    case_id: str
    recording_sha256: str = Field(
        description="The recording's SHA-256: its name in the blob store and in the evidence log."
    )
    bytes: int
