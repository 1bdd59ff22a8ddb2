""" "May I contact this case now, and if not, when?": the engine asked about a stored case.

The agent desktop asks before every call, and an API client before any contact it makes
itself: the answer comes from the same screen and forward search as the daily run, the
dispatcher and ``recoverly compliance check``, over the case's own history and holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Connection

from recoverly.compliance import screen as engine
from recoverly.compliance.check import Frames, Reason, judge
from recoverly.compliance.packs import pack_key
from recoverly.domain.events import Channel
from recoverly.domain.parties import Place
from recoverly.store import snapshot
from recoverly.store.frames import UTC_INSTANT
from recoverly.store.repositories import cases


@dataclass(frozen=True, slots=True)
class CaseCheck:
    case_id: str
    channel: Channel
    at: datetime
    jurisdiction: str
    timezone: str
    reasons: tuple[Reason, ...]
    next_allowed_at: datetime | None

    @property
    def allowed(self) -> bool:
        return not self.reasons


def check_case(
    conn: Connection,
    tenant_id: int,
    case_id: str,
    channel: Channel,
    at: datetime,
    place: Place = Place.HOME,
) -> CaseCheck:
    """Judge a contact with the case's debtor on ``channel`` at ``at`` (UTC), reaching
    them at ``place``."""
    record = cases.get_case(conn, tenant_id, case_id)  # NotFound for another tenant's
    debtor = record.debtor
    candidates = pl.DataFrame(
        {
            "cid": [0],
            "case_id": [case_id],
            "debtor_id": [debtor.debtor_id],
            "channel": [channel.value],
            "action": [engine.CONTACT],
            "pack": [pack_key(debtor.country, debtor.region)],
            "timezone": [debtor.timezone],
            "place": [place.value],
        },
        schema={k: v for k, v in engine.CANDIDATES_SCHEMA.items() if k != "at"}
        | {"place": pl.String()},
    )
    debts = pl.DataFrame(
        {"case_id": case_id, "account_id": [a.account.account_id for a in record.accounts]},
        schema=engine.DEBTS_SCHEMA,
    )
    since = engine.history_since(at.date())
    history = snapshot.contact_history(conn.engine, tenant_id, since, [debtor.debtor_id])
    holds = pl.DataFrame(
        [
            {
                "case_id": case_id,
                "kind": h.kind.value,
                "starts_at": h.starts_at,
                "ends_at": h.ends_at,
                "channel": h.channel,
            }
            for h in record.case.holds
        ],
        schema=engine.HOLDS_SCHEMA,
    )
    proposed = pl.DataFrame(
        {"cid": [0], "at": [at.astimezone(UTC)]}, schema={"cid": pl.Int64, "at": UTC_INSTANT}
    )
    reasons, next_at = judge(Frames(candidates, proposed, debts, history, holds))[0]
    return CaseCheck(case_id, channel, at, debtor.jurisdiction, debtor.timezone, reasons, next_at)
