"""The KPI report: per strategy branch and in total (definitions: docs/kpis.md)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

_KPIS_EXAMPLE: JsonDict = {
    "contacts": 1353,
    "calls": 140,
    "right_party_contacts": 39,
    "right_party_contact_rate": 0.2786,
    "promises": 12,
    "promises_recorded": 12,
    "promise_rate": 0.3077,
    "promises_judged": 4,
    "promise_kept_rate": 0.75,
    "opening_cases_by_bucket": {"current": 508, "1-29": 398, "30-59": 250},
    "roll_rates": {"1-29": 0.0377, "30-59": 0.031},
    "cure_rate": 0.016,
    "recovered": {"USD": "1250.00"},
    "liquidation_rate": {"USD": 0.0123},
    "cost": {"USD": "61.2000"},
    "cost_to_collect": {"USD": 0.049},
    "complaints": 0,
    "complaints_per_1000_contacts": 0.0,
}


class KpisOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_KPIS_EXAMPLE]})

    contacts: int
    calls: int
    right_party_contacts: int
    right_party_contact_rate: float | None
    promises: int
    promises_recorded: int
    promise_rate: float | None
    promises_judged: int
    promise_kept_rate: float | None
    opening_cases_by_bucket: dict[str, int]
    roll_rates: dict[str, float | None] = Field(description="By bucket, into the next worse.")
    cure_rate: float | None
    recovered: dict[str, str] = Field(description="Decimal strings, per currency.")
    liquidation_rate: dict[str, float | None]
    cost: dict[str, str]
    cost_to_collect: dict[str, float | None]
    complaints: int
    complaints_per_1000_contacts: float | None


class TemplateKpisOut(BaseModel):
    messages: int
    complaints: int
    complaints_per_1000_messages: float | None


class AgentKpisOut(BaseModel):
    contacts: int = Field(description="The agent's contacts in the period, both directions.")
    complaints: int = Field(
        description="Complaints received in the period that name the agent, or else whose "
        "case's last contact by an agent before receipt was theirs."
    )
    complaints_per_1000_contacts: float | None


class KpiReportOut(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "from": "2026-03-09",
                    "to": "2026-03-11",
                    "runs": 3,
                    "branches": {"champion": _KPIS_EXAMPLE},
                    "total": _KPIS_EXAMPLE,
                    "templates": {
                        "gentle_reminder": {
                            "messages": 1204,
                            "complaints": 1,
                            "complaints_per_1000_messages": 0.8306,
                        }
                    },
                    "agents": {
                        "agent-7": {
                            "contacts": 412,
                            "complaints": 2,
                            "complaints_per_1000_contacts": 4.8544,
                        }
                    },
                }
            ]
        },
    )

    from_: str = Field(alias="from", description="First day of the period.")
    to: str
    runs: int = Field(description="Daily runs in the period.")
    branches: dict[str, KpisOut]
    total: KpisOut
    templates: dict[str, TemplateKpisOut] = Field(
        description="Per message template: messages, complaints about it, and their rate."
    )
    agents: dict[str, AgentKpisOut] = Field(
        description="Per agent: contacts, complaints attributed to them, and their rate."
    )
