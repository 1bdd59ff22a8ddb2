"""The privacy use cases: the retention purge, erasure on request, the data-subject export,
and legal holds.

Erasure is all or nothing per debtor: every table is changed, the letters deleted and the
audit row written in one transaction, so a crash leaves the debtor either untouched or
fully erased. The purge decides from a scan, then re-checks each debtor inside its own
transaction with the row locked (a case reopened, a hold placed or a concurrent purge
since the scan wins), which makes it idempotent and resumable: a second run, or a run
after a crash, only finds the debtors still due.

Letter PDFs are deleted before the transaction commits: if the commit then fails, the
debtor is still due and the next run erases the rows; a letter gone while its row stays
is the only trace, and it converges. Deleting after the commit could leave a letter with
a name and address on disk that nothing would ever find again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Connection, Engine

from recoverly.compliance.packs import most_specific
from recoverly.compliance.privacy.retention import RetentionEnd, policy, retention_end
from recoverly.domain.cases import HoldKind, Stage
from recoverly.domain.errors import InvalidInput
from recoverly.domain.privacy import (
    ErasureOutcome,
    ErasureTrigger,
    HoldGround,
    LegalHold,
    pseudonym,
)
from recoverly.store.blobs import BlobStore
from recoverly.store.repositories import erasures, personal_data, retention
from recoverly.store.repositories.debtors import get_debtor
from recoverly.store.repositories.erasures import Erasure, PlacedHold

EXPORT_FORMAT = "recoverly-personal-data/1"


def legal_holds(
    conn: Connection, tenant_id: int, debtor_id: str, at: datetime
) -> tuple[LegalHold, ...]:
    """Everything that keeps the debtor's data from being erased at ``at``: open cases
    (the claim is still pursued), open complaints, holds whose kind means legal
    proceedings (``retention.yaml``) and explicit legal holds."""
    kinds = policy().legal_hold_kinds
    found = retention.hold_records(conn, tenant_id, debtor_id, at, [k.value for k in kinds])
    holds: list[LegalHold] = []
    for case_id, stage in found.open_cases:
        state = "in litigation" if stage == Stage.LEGAL.value else f"open ({stage})"
        holds.append(
            LegalHold(
                HoldGround.OPEN_CASE,
                case_id,
                f"the case is {state}: the claim is still pursued (GDPR art. 17(3)(e))",
            )
        )
    for complaint_id in found.open_complaints:
        holds.append(
            LegalHold(HoldGround.OPEN_COMPLAINT, complaint_id, "the complaint is not closed")
        )
    for hold_id, kind, case_id in found.holds:
        why = kinds[HoldKind(kind)]
        holds.append(LegalHold(HoldGround.HOLD, str(hold_id), f"{kind} on {case_id}: {why}"))
    for hold_id, reason in found.legal_holds:
        holds.append(LegalHold(HoldGround.LEGAL_HOLD, str(hold_id), f"legal hold: {reason}"))
    return tuple(holds)


def _erase(
    conn: Connection, tenant_id: int, debtor_id: str, now: datetime, blobs: BlobStore | None
) -> tuple[str, dict[str, int]]:
    """Erase the debtor in the caller's transaction; return the pseudonym and row counts."""
    name = pseudonym(tenant_id, debtor_id)
    letters = personal_data.letters_of(conn, tenant_id, debtor_id)
    changed = personal_data.erase(conn, tenant_id, debtor_id, name, now)
    if blobs is not None:
        deleted = sum(blobs.delete(sha256) for sha256 in letters)
        if deleted:
            changed["letter_pdfs"] = deleted
    return name, changed


def erase_on_request(
    conn: Connection,
    tenant_id: int,
    debtor_id: str,
    *,
    actor: str,
    reason: str,
    now: datetime,
    blobs: BlobStore | None,
) -> Erasure:
    """Erase a debtor now, as the data subject asked, unless a legal hold applies; either
    way the request is recorded. The caller commits (and reports a refusal after).

    Raises:
        NotFound: the tenant has no such debtor.
        InvalidInput: no reason was given.
    """
    if not reason.strip():
        raise InvalidInput("an erasure needs a reason (who asked, and how), for the audit")
    base = Erasure(debtor_id, now, actor, ErasureTrigger.REQUEST, reason, ErasureOutcome.ERASED)
    if retention.lock_debtor(conn, tenant_id, debtor_id) is not None:
        done = replace(base, outcome=ErasureOutcome.ALREADY_ERASED)
    elif holds := legal_holds(conn, tenant_id, debtor_id, now):
        done = replace(base, outcome=ErasureOutcome.REFUSED, holds=holds)
    else:
        name, changed = _erase(conn, tenant_id, debtor_id, now, blobs)
        done = replace(base, tables=changed, pseudonym=name)
    erasures.record(conn, tenant_id, done)
    return done


@dataclass(slots=True)
class Counts:
    erased: int = 0  # with --dry-run: would be erased
    held: int = 0  # due, but a legal hold applies
    not_due: int = 0  # every case closed, the period still running


@dataclass(slots=True)
class PurgeReport:
    as_of: date
    dry_run: bool
    by_jurisdiction: dict[str, Counts] = field(default_factory=dict)

    def count(self, jurisdiction: str) -> Counts:
        return self.by_jurisdiction.setdefault(jurisdiction, Counts())

    def as_dict(self) -> dict[str, Any]:
        rows = sorted(self.by_jurisdiction.items())
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "erased": sum(c.erased for _, c in rows),
            "held": sum(c.held for _, c in rows),
            "not_due": sum(c.not_due for _, c in rows),
            "by_jurisdiction": {
                key: {"erased": c.erased, "held": c.held, "not_due": c.not_due} for key, c in rows
            },
        }


def purge(
    engine: Engine,
    tenant_id: int,
    as_of: date,
    *,
    actor: str,
    dry_run: bool = False,
    blobs: BlobStore | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PurgeReport:
    """Erase the personal data of the tenant's debtors whose every case is closed and
    whose retention period ended by ``as_of``, unless a legal hold applies.

    Each debtor is erased in a transaction of its own (committed before the next), so an
    interrupted purge keeps what it finished and the next run does the rest.

    Args:
        progress: called with (debtors looked at, debtors due) after each due debtor.
    """
    report = PurgeReport(as_of, dry_run)
    at = datetime.combine(as_of, time.min, UTC)
    with engine.connect() as conn:
        scanned = retention.activities(conn, tenant_id)
    due: list[tuple[str, str]] = []  # (debtor id, jurisdiction)
    for activity in scanned:
        if activity.open_cases:
            continue
        end = retention_end(activity)
        if as_of < end.erasable_from:
            report.count(end.jurisdiction).not_due += 1
        else:
            due.append((activity.debtor_id, end.jurisdiction))
    for done, (debtor_id, jurisdiction) in enumerate(due, start=1):
        if dry_run:
            with engine.connect() as conn:
                held = legal_holds(conn, tenant_id, debtor_id, at)
            counts = report.count(jurisdiction)
            if held:
                counts.held += 1
            else:
                counts.erased += 1
        else:
            with engine.begin() as conn:
                _purge_one(conn, tenant_id, debtor_id, as_of, at, actor, blobs, report)
        if progress is not None:
            progress(done, len(due))
    return report


def _purge_one(
    conn: Connection,
    tenant_id: int,
    debtor_id: str,
    as_of: date,
    at: datetime,
    actor: str,
    blobs: BlobStore | None,
    report: PurgeReport,
) -> None:
    """Re-check one debtor with its row locked, and erase it if it is still due."""
    if retention.lock_debtor(conn, tenant_id, debtor_id) is not None:
        return  # a concurrent purge or request erased it since the scan
    current = retention.activities(conn, tenant_id, debtor_id)
    if not current or current[0].open_cases:
        return
    end: RetentionEnd = retention_end(current[0])
    counts = report.count(end.jurisdiction)
    if as_of < end.erasable_from:
        counts.not_due += 1
        return
    if legal_holds(conn, tenant_id, debtor_id, at):
        counts.held += 1
        return
    now = datetime.now(UTC)
    name, changed = _erase(conn, tenant_id, debtor_id, now, blobs)
    erasures.record(
        conn,
        tenant_id,
        Erasure(
            debtor_id,
            now,
            actor,
            ErasureTrigger.RETENTION,
            f"retention period ended: {end.describe()}",
            ErasureOutcome.ERASED,
            tables=changed,
            pseudonym=name,
        ),
    )
    counts.erased += 1


def export(conn: Connection, tenant_id: int, debtor_id: str, now: datetime) -> dict[str, Any]:
    """Everything Recoverly holds about a debtor (GDPR art. 15), JSON-ready: every row of
    every table about them, and how long they are kept. Recording the read is the
    caller's: it knows who asked and through which route.

    Raises:
        NotFound: the tenant has no such debtor.
    """
    get_debtor(conn, tenant_id, debtor_id)  # NotFound across tenants
    records = personal_data.rows_about(conn, tenant_id, debtor_id)
    return {
        "format": EXPORT_FORMAT,
        "debtor_id": debtor_id,
        "exported_at": now.isoformat(),
        "retention": _retention_of(conn, tenant_id, debtor_id, records),
        "records": records,
    }


def _retention_of(
    conn: Connection, tenant_id: int, debtor_id: str, records: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """How long the debtor's data is kept (GDPR art. 15(1)(d)): the periods that apply and,
    once every case is closed, the day the data may be erased."""
    debtor = records["debtors"][0]
    rules = policy()
    key = most_specific(debtor["country"], debtor["region"], rules.jurisdictions)
    activity = retention.activities(conn, tenant_id, debtor_id)  # none once erased
    erasable = None
    if activity and not activity[0].open_cases:
        erasable = retention_end(activity[0], rules).erasable_from.isoformat()
    periods = rules.jurisdictions[key].periods
    return {
        "jurisdiction": key,
        "periods": {kind.value: p.model_dump() for kind, p in periods.items()},
        "erasable_from": erasable,
    }


def place_legal_hold(
    conn: Connection, tenant_id: int, debtor_id: str, *, reason: str, by: str, now: datetime
) -> PlacedHold:
    """Keep a debtor's records from erasure (litigation, a regulator's request) until
    released. The caller commits.

    Raises:
        NotFound: the tenant has no such debtor.
        InvalidInput: no reason was given.
    """
    if not reason.strip():
        raise InvalidInput("a legal hold needs a reason (the proceeding or the order)")
    retention.lock_debtor(conn, tenant_id, debtor_id)
    return erasures.place_legal_hold(conn, tenant_id, debtor_id, reason, by, now)


def release_legal_hold(
    conn: Connection, tenant_id: int, hold_id: int, *, by: str, now: datetime
) -> PlacedHold:
    """Release a legal hold; the debtor's retention clock decides again. The caller commits."""
    return erasures.release_legal_hold(conn, tenant_id, hold_id, by, now)
