"""A debtor's personal data as exported, and erasures, in and out of the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from recoverly.domain.privacy import ErasureOutcome
from recoverly.store.repositories.erasures import Erasure


class PersonalDataOut(BaseModel):
    """Everything Recoverly holds about one debtor (GDPR art. 15)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "format": "recoverly-personal-data/1",
                    "debtor_id": "D-77",
                    "exported_at": "2026-03-09T14:02:11+00:00",
                    "retention": {
                        "jurisdiction": "US",
                        "periods": {
                            "collection_records": {
                                "years": 3,
                                "citation": "12 CFR 1006.100(a)",
                                "reading": "…",
                                "from_year_end": False,
                            }
                        },
                        "erasable_from": None,
                    },
                    "records": {
                        "debtors": [{"debtor_id": "D-77", "name": "Jane Roe", "…": "…"}],
                        "contact_points": [
                            {"kind": "email", "value": "jane@example.com", "consent": "given"}
                        ],
                    },
                }
            ]
        }
    )

    format: str = Field(description="`recoverly-personal-data/1`.")
    debtor_id: str
    exported_at: datetime
    retention: dict[str, Any] = Field(
        description="The periods that apply, and once every case is closed, the day the "
        "data may be erased."
    )
    records: dict[str, list[dict[str, Any]]] = Field(
        description="Every row about the debtor, by table, as stored (money in minor units "
        "beside its currency)."
    )


class ErasureIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "data subject's request by letter of 2 March"}]},
    )

    reason: str = Field(
        min_length=1,
        max_length=500,
        description="Who asked and how; kept in the audit, so name no one beyond the debtor id.",
    )


class HoldOut(BaseModel):
    ground: str = Field(description="open_case, open_complaint, hold or legal_hold.")
    ref: str = Field(description="The case, complaint or hold id.")
    why: str


class ErasureOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "debtor_id": "D-77",
                    "outcome": "erased",
                    "at": "2026-03-09T14:02:11Z",
                    "pseudonym": "erased:3f2a9c01b7de",
                    "tables": {"debtors": 1, "contact_points": 3, "complaints": 1},
                    "holds": [],
                }
            ]
        }
    )

    debtor_id: str
    outcome: ErasureOutcome
    at: datetime
    pseudonym: str | None
    tables: dict[str, int] = Field(description="Rows changed or deleted, by table.")
    holds: list[HoldOut]

    @classmethod
    def of(cls, erasure: Erasure) -> ErasureOut:
        return cls(
            debtor_id=erasure.debtor_id,
            outcome=erasure.outcome,
            at=erasure.at,
            pseudonym=erasure.pseudonym,
            tables=erasure.tables or {},
            holds=[HoldOut(ground=h.ground.value, ref=h.ref, why=h.why) for h in erasure.holds],
        )
