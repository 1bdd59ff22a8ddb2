"""Liveness and who-am-I answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from recoverly.domain.roles import PersonalField, Role


class HealthOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "version": "0.1.0"}]}
    )

    status: Literal["ok"]
    version: str


class CallerOut(BaseModel):
    """What the bearer token grants, so a client can tell why a value arrives masked."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tenant": "acme",
                    "role": "agent",
                    "sees_in_clear": ["phone", "email", "address"],
                }
            ]
        }
    )

    tenant: str
    role: Role
    sees_in_clear: list[PersonalField] = Field(
        description="Personal fields this role sees in clear; all others arrive masked."
    )
