"""Complaints in a closed loop: received, answered in time, closed with a root cause.

A complaint puts a hold on its case (no collection contact while it is reviewed, see
``packs/holds.yaml``), runs on its jurisdiction's clock (``complaints.yaml``), and is
closed with a root cause and resolution, which lifts the hold. Issues follow the CFPB's
debt-collection taxonomy, so complaint rates compare with the public database.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection

from recoverly.compliance import holds
from recoverly.domain.cases import Hold, HoldKind
from recoverly.domain.complaints import Issue, Status, move
from recoverly.domain.errors import InvalidInput
from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.evidence import log as evidence_log
from recoverly.store.repositories import cases
from recoverly.store.repositories import complaints as repo
from recoverly.store.repositories import template_pauses as pauses


class Clock(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    acknowledge_days: Annotated[int, Field(ge=1, le=90)]
    final_days: Annotated[int, Field(ge=1, le=365)]
    citation: str
    reading: str = ""


class _Clocks(BaseModel):
    clocks: dict[str, Clock]


@cache
def clocks() -> dict[str, Clock]:
    text = resources.files("recoverly.compliance").joinpath("complaints.yaml").read_text("utf-8")
    try:
        return _Clocks.model_validate(yaml.safe_load(text)).clocks
    except (yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(f"complaints.yaml: {exc}") from exc


PAUSE_AFTER = 3  # upheld complaints about one template …
PAUSE_WINDOW = timedelta(days=30)  # … within this long take it out of use


def clock_for(jurisdiction: str) -> Clock:
    """The most specific clock: subdivision, country, else the default."""
    found = clocks()
    return found.get(jurisdiction) or found.get(jurisdiction.partition("-")[0]) or found["*"]


def due(received_at: datetime, jurisdiction: str) -> tuple[datetime, datetime]:
    """By when the complaint must be acknowledged, and finally answered."""
    clock = clock_for(jurisdiction)
    return (
        received_at + timedelta(days=clock.acknowledge_days),
        received_at + timedelta(days=clock.final_days),
    )


def open_complaint(
    conn: Connection, tenant_id: int, new: repo.NewComplaint, now: datetime
) -> tuple[repo.Complaint, bool]:
    """Record a complaint on its jurisdiction's clock and hold its case; a repeat of the
    same id changes nothing. Returns the complaint and whether it is new.

    The one intake of every complaint, whether it came through the API or a file
    (``ingest.service.import_complaints``), so that each is held, clocked and
    classified alike."""
    found = repo.find(conn, tenant_id, new.complaint_id)
    if found is not None:
        return found, False
    debtor = cases.get_case(conn, tenant_id, new.case_id).debtor  # NotFound across tenants
    acknowledge_by, respond_by = due(new.received_at, debtor.jurisdiction)
    suggestion = None
    if new.issue is Issue.UNCLASSIFIED:
        # Loaded on first use: scikit-learn costs a second to import.
        from recoverly.compliance.complaint_classifier import shipped

        guess = shipped().suggest(new.text)
        suggestion = (guess.issue, guess.probability)
    under_review = f"complaint {new.complaint_id} under review"
    hold = holds.place(
        conn,
        tenant_id,
        new.case_id,
        Hold(HoldKind.COMPLAINT, new.received_at, None, under_review),
        f"complaint ({new.source})",
        now,
    )
    assert hold.hold_id is not None  # stored
    repo.add(
        conn,
        tenant_id,
        new,
        debtor.debtor_id,
        debtor.jurisdiction,
        acknowledge_by,
        respond_by,
        now,
        hold.hold_id,
        suggestion=suggestion,
    )
    taken = repo.get(conn, tenant_id, new.complaint_id)
    _log(
        conn,
        tenant_id,
        EvidenceKind.COMPLAINT_RECEIVED,
        taken,
        now,
        ("received_at", taken.received_at.isoformat()),
        ("channel", taken.channel.value),
        ("source", taken.source),
        ("issue", taken.issue.value),
        ("text_sha256", _sha256(taken.text)),
        ("acknowledge_by", taken.acknowledge_by.isoformat()),
        ("respond_by", taken.respond_by.isoformat()),
    )
    return taken, True


def _log(
    conn: Connection,
    tenant_id: int,
    kind: EvidenceKind,
    complaint: repo.Complaint,
    now: datetime,
    *facts: tuple[str, str | int | None],
) -> None:
    """Log a step of a complaint's handling: the complainant's and the collector's words
    by their SHA-256 only (they name people), so a court can match them to the record."""
    evidence_log.append(
        conn,
        [
            Evidence(
                kind=kind,
                tenant_id=tenant_id,
                at=now,
                case_id=complaint.case_id,
                facts=(("complaint_id", complaint.complaint_id), *facts),
            )
        ],
        now,
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def respond(
    conn: Connection, tenant_id: int, complaint_id: str, text: str, now: datetime
) -> repo.Complaint:
    current = repo.get(conn, tenant_id, complaint_id)
    repo.record_response(
        conn, tenant_id, complaint_id, move(current.status, Status.RESPONDED), text, now
    )
    answered = repo.get(conn, tenant_id, complaint_id)
    _log(
        conn,
        tenant_id,
        EvidenceKind.COMPLAINT_RESPONDED,
        answered,
        now,
        ("response_sha256", _sha256(text)),
        ("on_time", "yes" if now <= answered.respond_by else "no"),
    )
    return answered


def close(
    conn: Connection,
    tenant_id: int,
    complaint_id: str,
    *,
    root_cause: str,
    resolution: str,
    upheld: bool,
    now: datetime,
    issue: Issue | None = None,
) -> repo.Complaint:
    """Close the loop: why it happened and what was done; the case's hold is lifted. A
    template with PAUSE_AFTER upheld complaints in PAUSE_WINDOW is taken out of use."""
    current = repo.get(conn, tenant_id, complaint_id)
    repo.record_closure(
        conn,
        tenant_id,
        complaint_id,
        move(current.status, Status.CLOSED),
        root_cause,
        resolution,
        upheld,
        now,
        issue=issue,
    )
    hold_id = repo.open_hold(conn, tenant_id, complaint_id, now)
    if hold_id is not None:
        holds.release(
            conn,
            tenant_id,
            current.case_id,
            hold_id,
            f"complaint {complaint_id} closed",
            "complaints",
            now,
        )
    if upheld and current.template is not None:
        count = pauses.upheld_since(conn, tenant_id, current.template, now - PAUSE_WINDOW)
        if count >= PAUSE_AFTER:
            reason = f"{count} upheld complaints in {PAUSE_WINDOW.days} days"
            pauses.pause(conn, tenant_id, current.template, reason, now)
    closed = repo.get(conn, tenant_id, complaint_id)
    _log(
        conn,
        tenant_id,
        EvidenceKind.COMPLAINT_CLOSED,
        closed,
        now,
        ("issue", closed.issue.value),
        ("upheld", "yes" if upheld else "no"),
        ("root_cause_sha256", _sha256(root_cause)),
        ("resolution_sha256", _sha256(resolution)),
    )
    return closed
