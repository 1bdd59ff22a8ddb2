"""The audit trail of personal-data reads, as a compliance officer reads it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from pydantic.config import JsonDict

from recoverly.api.schemas.common import Page, page_example
from recoverly.store.repositories.privacy import Read

READ_EXAMPLE: JsonDict = {
    "at": "2026-03-09T14:02:11Z",
    "actor": "token:7",
    "role": "agent",
    "debtor_id": "D-77",
    "fields": ["name", "phone", "email"],
    "purpose": "collections",
    "via": "GET /api/v1/debtors/{debtor_id}",
}


class ReadOut(BaseModel):
    at: datetime
    actor: str
    role: str
    debtor_id: str
    fields: list[str]
    purpose: str
    via: str

    @classmethod
    def of(cls, read: Read) -> ReadOut:
        return cls(
            at=read.at,
            actor=read.actor,
            role=read.role,
            debtor_id=read.debtor_id,
            fields=list(read.fields),
            purpose=read.purpose,
            via=read.via,
        )


class ReadPage(Page[ReadOut]):
    model_config = ConfigDict(json_schema_extra=page_example(READ_EXAMPLE))
