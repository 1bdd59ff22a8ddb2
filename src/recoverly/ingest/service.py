"""Import use cases: one handler per kind of file, writing through the bulk paths."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, Table

from recoverly.arrangements import service as arrangements
from recoverly.compliance import complaints as intake
from recoverly.config import get_settings
from recoverly.domain.complaints import API_SOURCE, Issue, ReceiptChannel, imported_complaint_id
from recoverly.domain.errors import InvalidInput
from recoverly.ingest import events, portfolio
from recoverly.ingest.duplicates import DuplicateTracker
from recoverly.ingest.formats import ROW, SourceFile
from recoverly.ingest.pipeline import (
    ImportOptions,
    ImportReport,
    Progress,
    run_import,
)
from recoverly.ingest.spec import COMPLAINTS, CONTACTS, PAYMENTS, PORTFOLIO, PROMISES, FileSpec
from recoverly.store.bulk import upsert
from recoverly.store.repositories import imports as repo
from recoverly.store.repositories.complaints import NewComplaint
from recoverly.store.tables import (
    accounts,
    cases,
    complaints,
    contact_attempts,
    contact_points,
    debtors,
    holds,
    payment_allocations,
    payments,
    promises,
)

_DEBTOR_OPTIONAL = {
    "debtor_type": "debtor_type",
    "national_id": "national_id",
    "region": "region",
    "language": "language",
}
_ACCOUNT_OPTIONAL = {
    "product": "product",
    "interest_outstanding": "interest_minor",
    "fees_outstanding": "fees_minor",
    "original_amount": "original_amount_minor",
    "credit_limit": "credit_limit_minor",
    "open_date": "open_date",
    "last_payment_date": "last_payment_date",
    "last_payment_amount": "last_payment_minor",
}


class PortfolioHandler:
    spec: FileSpec = PORTFOLIO
    tables: tuple[Table, ...] = (debtors, cases, contact_points, accounts)

    def __init__(self, tenant_id: int, as_of: date, source: str, columns: list[str]) -> None:
        self.tenant_id = tenant_id
        self.as_of = as_of
        self.source = source
        self.memory = portfolio.FileMemory()
        self.erased: frozenset[str] | None = None
        present = set(columns)
        self.debtor_updates = ["name", "country", "timezone"] + [
            col for name, col in _DEBTOR_OPTIONAL.items() if name in present
        ]
        self.account_updates = [
            "debtor_id",
            "case_id",
            "currency",
            "principal_minor",
            "due_date",
            "past_due_since",
            "attributes",
        ] + [col for name, col in _ACCOUNT_OPTIONAL.items() if name in present]

    def validate(self, batch: pl.DataFrame) -> tuple[pl.DataFrame, portfolio.PortfolioRows]:
        rows = portfolio.validate(batch, self.as_of, self.memory, self.source)
        return rows.errors, rows

    def write(self, conn: Connection, rows: portfolio.PortfolioRows, now: datetime) -> int:
        tenant = {"tenant_id": self.tenant_id}
        stamped = {**tenant, "created_at": now, "updated_at": now}
        # A person whose data was erased stays erased: a creditor's next file still lists
        # them, but their name, contact points and free-form attributes are not taken in
        # again (their balances are: the ledger is kept).
        if self.erased is None:  # erasures do not happen in the middle of an import
            self.erased = repo.erased_debtors(conn, self.tenant_id)
        erased = self.erased
        people, points, ledger = rows.debtors, rows.contact_points, rows.accounts
        if erased:
            gone = pl.col("debtor_id").is_in(list(erased))
            people, points = people.filter(~gone), points.filter(~gone)
            ledger = ledger.with_columns(
                pl.when(gone).then(pl.lit("{}")).otherwise("attributes").alias("attributes")
            )
        upsert(
            conn,
            debtors,
            people,
            key=("tenant_id", "debtor_id"),
            update=[*self.debtor_updates, "updated_at"],
            constants=stamped,
        )
        upsert(
            conn,
            contact_points,
            points,
            key=("tenant_id", "debtor_id", "kind", "value"),
            update=["source", "updated_at"],
            constants=stamped,
        )
        upsert(
            conn,
            cases,
            rows.cases,
            key=("tenant_id", "case_id"),
            update=(),
            constants={**tenant, "opened_at": now},
        )
        return upsert(
            conn,
            accounts,
            ledger,
            key=("tenant_id", "account_id"),
            update=[*self.account_updates, "updated_at"],
            constants=stamped,
            merge_json=("attributes",),
        )


@dataclass(frozen=True, slots=True)
class Keys:
    """Which of the tenant's keys a handler loads: all (None), or only those named."""

    accounts: Sequence[str] | None = None
    debtors: Sequence[str] | None = None


class PaymentsHandler:
    spec: FileSpec = PAYMENTS
    tables: tuple[Table, ...] = (payments, payment_allocations, accounts, cases)

    def __init__(self, tenant_id: int, known: pl.DataFrame) -> None:
        self.tenant_id = tenant_id
        self.known = known
        self.duplicates = DuplicateTracker()

    @classmethod
    def load(cls, conn: Connection, tenant_id: int, keys: Keys) -> PaymentsHandler:
        return cls(tenant_id, repo.account_keys(conn, tenant_id, keys.accounts))

    def validate(self, batch: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        return events.validate_payments(batch, self.known, self.duplicates)

    def write(self, conn: Connection, rows: pl.DataFrame, now: datetime) -> int:
        # A payment is recorded once: its id is the provider's, and its allocation has
        # already moved balances, so a re-import never changes or re-applies it.
        written = upsert(
            conn,
            payments,
            rows,
            key=("tenant_id", "payment_id"),
            update=(),
            constants={"tenant_id": self.tenant_id, "created_at": now},
        )
        arrangements.apply_payments(
            conn,
            self.tenant_id,
            rows["payment_id"].to_list(),
            now,
            get_settings().allocation_order,
        )
        return written


class PromisesHandler:
    spec: FileSpec = PROMISES
    tables: tuple[Table, ...] = (promises,)

    def __init__(self, tenant_id: int, known: pl.DataFrame) -> None:
        self.tenant_id = tenant_id
        self.known = known
        self.duplicates = DuplicateTracker()

    @classmethod
    def load(cls, conn: Connection, tenant_id: int, keys: Keys) -> PromisesHandler:
        return cls(tenant_id, repo.account_keys(conn, tenant_id, keys.accounts))

    def validate(self, batch: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        return events.validate_promises(batch, self.known, self.duplicates)

    def write(self, conn: Connection, rows: pl.DataFrame, now: datetime) -> int:
        return arrangements.record_promises(conn, self.tenant_id, rows, now)


class ContactsHandler:
    spec: FileSpec = CONTACTS
    tables: tuple[Table, ...] = (contact_attempts, holds)

    def __init__(self, tenant_id: int, known: pl.DataFrame, known_debtors: pl.DataFrame) -> None:
        self.tenant_id = tenant_id
        self.known = known
        self.known_debtors = known_debtors
        self.duplicates = DuplicateTracker()

    @classmethod
    def load(cls, conn: Connection, tenant_id: int, keys: Keys) -> ContactsHandler:
        return cls(
            tenant_id,
            repo.account_keys(conn, tenant_id, keys.accounts),
            repo.debtor_keys(conn, tenant_id, keys.debtors),
        )

    def validate(self, batch: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        return events.validate_contacts(batch, self.known, self.known_debtors, self.duplicates)

    def write(self, conn: Connection, rows: pl.DataFrame, now: datetime) -> int:
        return arrangements.record_contacts(conn, self.tenant_id, rows, now)


class ComplaintsHandler:
    """Complaints from a file, each taken in exactly as ``POST /complaints`` takes one
    in (``compliance.complaints.open_complaint``): its case held, its jurisdiction's
    clock started, an issue suggested when none is given."""

    spec: FileSpec = COMPLAINTS
    tables: tuple[Table, ...] = (complaints, holds)

    def __init__(
        self, tenant_id: int, source: str, known_cases: pl.DataFrame, known_debtors: pl.DataFrame
    ) -> None:
        self.tenant_id = tenant_id
        self.source = source
        self.known_cases = known_cases
        self.known_debtors = known_debtors
        self.duplicates = DuplicateTracker()
        self.now = datetime.now(UTC)

    def validate(self, batch: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        return events.validate_complaints(
            batch, self.known_cases, self.known_debtors, self.duplicates, self.now
        )

    def write(self, conn: Connection, rows: pl.DataFrame, now: datetime) -> int:
        for row in rows.iter_rows(named=True):
            # Without the source's own id, a complaint is known by what it says: the
            # same row imported again is the same complaint.
            reference = row["external_reference"] or "\x1f".join(
                (row["case_id"], row["received_at"].isoformat(), row["text"])
            )
            new = NewComplaint(
                complaint_id=imported_complaint_id(self.source, reference),
                case_id=row["case_id"],
                received_at=row["received_at"],
                channel=ReceiptChannel(row["channel"]),
                source=self.source,
                issue=Issue(row["issue"]),
                text=row["text"],
                external_reference=row["external_reference"],
                agent=row["agent"],
            )
            intake.open_complaint(conn, self.tenant_id, new, now)
        return rows.height


def import_portfolio(
    engine: Engine,
    tenant_id: int,
    path: Path,
    as_of: date,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a portfolio file (the Portfolio CSV contract), upserting by account id."""
    label = f"import:{(options and options.display) or path.name}"

    def handler(_conn: Connection, file: SourceFile) -> PortfolioHandler:
        return PortfolioHandler(tenant_id, as_of, label, file.columns)

    return run_import(engine, tenant_id, path, handler, options, progress)


def import_payments(
    engine: Engine,
    tenant_id: int,
    path: Path,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import payments; each must name an account the tenant already has."""
    return _import_events(PaymentsHandler, engine, tenant_id, path, options, progress)


def import_promises(
    engine: Engine,
    tenant_id: int,
    path: Path,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import promises to pay; each must name an account the tenant already has."""
    return _import_events(PromisesHandler, engine, tenant_id, path, options, progress)


def import_contacts(
    engine: Engine,
    tenant_id: int,
    path: Path,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import contact history, or an exported plan with an ``outcome`` column added."""
    return _import_events(ContactsHandler, engine, tenant_id, path, options, progress)


# Each complaint is taken in on its own (a case lookup, a hold, a suggestion): batches
# this small keep the progress bar moving on a large file.
COMPLAINT_BATCH_ROWS = 1_000
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def import_complaints(
    engine: Engine,
    tenant_id: int,
    path: Path,
    source: str,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import complaints received elsewhere (a regulator's portal, a mailbox, a CRM).

    Args:
        source: the system the file comes from; a complaint is known by its source and
            that source's ``external_reference``, so importing a file again adds nothing.

    Raises:
        InvalidInput: ``source`` is not a short lower-case name, or is the API's own.
    """
    if not _SOURCE.match(source) or source == API_SOURCE:
        raise InvalidInput(
            "source must be 1-32 lower-case letters, digits, '_' or '-', naming where the "
            f"file comes from (such as cfpb), and not {API_SOURCE!r}; got {source!r}"
        )
    options = options or ImportOptions()
    options = replace(options, batch_rows=min(options.batch_rows, COMPLAINT_BATCH_ROWS))

    def handler(conn: Connection, _file: SourceFile) -> ComplaintsHandler:
        return ComplaintsHandler(
            tenant_id, source, repo.case_keys(conn, tenant_id), repo.debtor_keys(conn, tenant_id)
        )

    return run_import(engine, tenant_id, path, handler, options, progress)


def _import_events(
    kind: type[EventHandler],
    engine: Engine,
    tenant_id: int,
    path: Path,
    options: ImportOptions | None,
    progress: Progress | None,
) -> ImportReport:
    def handler(conn: Connection, _file: SourceFile) -> EventHandler:
        return kind.load(conn, tenant_id, Keys())

    return run_import(engine, tenant_id, path, handler, options, progress)


RECORDS: dict[str, type[EventHandler]] = {
    "payments": PaymentsHandler,
    "promises": PromisesHandler,
    "contacts": ContactsHandler,
}


def record(
    conn: Connection, tenant_id: int, kind: str, fields: Mapping[str, str | None], now: datetime
) -> None:
    """One payment, promise or contact from the API, through exactly the checks and
    writes a file's rows go through (allocation, holds), in the caller's transaction.

    Raises:
        InvalidInput: a field is wrong; the message names each field and why.
    """
    handler_class = RECORDS[kind]
    spec = handler_class.spec
    unknown = sorted(set(fields) - set(spec.known))
    if unknown:
        raise InvalidInput(f"unknown fields {unknown}; {kind} take {', '.join(spec.known)}")
    # Only the keys this record names: one API call need not load a portfolio's keys.
    keys = Keys(
        accounts=[v for v in (fields.get("account_id"),) if v],
        debtors=[v for v in (fields.get("debtor_id"),) if v],
    )
    handler = handler_class.load(conn, tenant_id, keys)
    # The fields given, as a file's columns: a field left out is a column the file lacks.
    names = sorted(fields)
    batch = pl.DataFrame(
        {**{name: [fields[name]] for name in names}, ROW: [1]},
        schema={**dict.fromkeys(names, pl.String), ROW: pl.UInt32},
    )
    errors, rows = handler.validate(batch)
    if errors.height:
        raise InvalidInput("; ".join(errors["message"].to_list()))
    handler.write(conn, rows, now)


EventHandler = PaymentsHandler | PromisesHandler | ContactsHandler
