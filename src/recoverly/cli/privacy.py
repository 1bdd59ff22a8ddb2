"""``recoverly privacy``: the retention purge, data-subject export and erasure, legal holds.

Whoever runs these commands can reach the database, so they act with an administrator's
reach; the audit names them ``cli:<login name>``.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from recoverly.cli.common import (
    DEFAULT_TENANT,
    EXIT_BAD_INPUT,
    AsOfOption,
    TenantOption,
    business_day,
    console,
    err_console,
    progress_bar,
    resolve_tenant,
    store,
)

if TYPE_CHECKING:
    from recoverly.store.blobs import BlobStore
    from recoverly.store.repositories.erasures import Erasure, PlacedHold

app = typer.Typer(
    help="Personal data: retention purge, data-subject export and erasure, legal holds.",
    no_args_is_help=True,
)

DebtorOption = Annotated[str, typer.Option("--debtor", help="The debtor's id in the tenant.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _actor() -> str:
    """Who runs the command, for the audit: the login name, else the uid."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return f"cli:uid-{os.getuid()}"


def _blobs() -> BlobStore:
    from recoverly.config import get_settings
    from recoverly.store.blobs import blob_store

    return blob_store(get_settings())


@app.command("purge")
def purge(
    as_of: AsOfOption = None,
    tenant: TenantOption = DEFAULT_TENANT,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be erased; change nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Erase the personal data of debtors whose every case closed longer ago than their
    jurisdiction's retention period (compliance/retention.yaml), unless a legal hold
    applies; counts by jurisdiction.

    Each debtor is erased in one transaction: running again, or after an interruption,
    erases only what is still due.
    """
    from recoverly.compliance.privacy.service import purge as run_purge

    day = business_day(as_of)
    engine = store()
    with engine.begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
    with progress_bar() as bar:
        task = bar.add_task(f"purging as of {day}", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = run_purge(
            engine,
            tenant_id,
            day,
            actor=_actor(),
            dry_run=dry_run,
            blobs=None if dry_run else _blobs(),
            progress=advance,
        ).as_dict()
    if as_json:
        print(json.dumps({"tenant": tenant, **report}, sort_keys=True))
        return
    verb = "would erase" if dry_run else "erased"
    console.print(
        f"{report['as_of']} tenant {tenant}: {verb} {report['erased']:,} debtor(s); "
        f"{report['held']:,} held by a legal hold; {report['not_due']:,} not yet due",
        highlight=False,
    )
    if report["by_jurisdiction"]:
        table = Table("jurisdiction", verb, "held", "not due", box=None)
        for key, n in report["by_jurisdiction"].items():
            table.add_row(key, f"{n['erased']:,}", f"{n['held']:,}", f"{n['not_due']:,}")
        console.print(table)


@app.command("export")
def export(
    debtor: DebtorOption,
    out: Annotated[Path, typer.Option("--out", help="Where to write the JSON.")],
    tenant: TenantOption = DEFAULT_TENANT,
    purpose: Annotated[
        str, typer.Option("--purpose", help="Why it is read (kept in the audit trail).")
    ] = "subject-access",
) -> None:
    """Write everything Recoverly holds about a debtor to a JSON file (a data-subject
    access request); the read is recorded in the personal-data audit trail first."""
    from datetime import UTC, datetime

    from recoverly.compliance.privacy.service import export as build
    from recoverly.domain.errors import InvalidInput
    from recoverly.domain.roles import personal_fields
    from recoverly.store.repositories import privacy
    from recoverly.store.repositories.debtors import get_debtor

    engine = store()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
        fields = tuple(f.value for f in personal_fields(get_debtor(conn, tenant_id, debtor).debtor))
        document = build(conn, tenant_id, debtor, now)
        if fields:
            read = privacy.Read(
                now, _actor(), "admin", debtor, fields, purpose, "recoverly privacy export"
            )
            privacy.record(conn, tenant_id, [read])
    try:
        out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    except OSError as exc:
        raise InvalidInput(f"{out}: cannot be written: {exc}") from exc
    counted = sum(len(rows) for rows in document["records"].values())
    console.print(f"wrote {counted:,} record(s) about debtor {debtor} to {out}", highlight=False)


@app.command("erase")
def erase(
    debtor: DebtorOption,
    reason: Annotated[
        str, typer.Option("--reason", help="Who asked and how (kept in the audit trail).")
    ],
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """Erase a debtor's personal data now, as they asked, keeping what the law requires
    under a pseudonym. Refused (exit code 2, the request recorded) while a legal hold
    applies: an open case, an open complaint, a dispute, bankruptcy or breathing-space
    hold, or a legal hold."""
    from datetime import UTC, datetime

    from recoverly.compliance.privacy.service import erase_on_request
    from recoverly.domain.privacy import ErasureOutcome

    engine = store()
    with engine.begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
        done = erase_on_request(
            conn,
            tenant_id,
            debtor,
            actor=_actor(),
            reason=reason,
            now=datetime.now(UTC),
            blobs=_blobs(),
        )
    if as_json:
        print(json.dumps(_erasure_json(done), sort_keys=True))
    elif done.outcome is ErasureOutcome.REFUSED:
        err_console.print(
            f"[red]refused:[/red] debtor {debtor} cannot be erased while held "
            "(the request is recorded):",
            highlight=False,
        )
        for hold in done.holds:
            err_console.print(f"  {hold.describe()}", highlight=False, soft_wrap=True)
    elif done.outcome is ErasureOutcome.ALREADY_ERASED:
        console.print(f"debtor {debtor} was already erased", highlight=False)
    else:
        rows = ", ".join(f"{t} {n}" for t, n in sorted((done.tables or {}).items()))
        console.print(f"erased debtor {debtor}, now {done.pseudonym}: {rows}", highlight=False)
    if done.outcome is ErasureOutcome.REFUSED:
        raise typer.Exit(EXIT_BAD_INPUT)


def _erasure_json(done: Erasure) -> dict[str, Any]:
    return {
        "debtor_id": done.debtor_id,
        "outcome": done.outcome.value,
        "at": done.at.isoformat(),
        "pseudonym": done.pseudonym,
        "tables": done.tables or {},
        "holds": [{"ground": h.ground.value, "ref": h.ref, "why": h.why} for h in done.holds],
    }


@app.command("hold")
def hold(
    debtor: DebtorOption,
    reason: Annotated[
        str, typer.Option("--reason", help="The proceeding or order, e.g. 'litigation 4B-12'.")
    ],
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """Place a legal hold: nothing of the debtor is erased, by the purge or on request,
    until it is released."""
    from datetime import UTC, datetime

    from recoverly.compliance.privacy.service import place_legal_hold

    engine = store()
    with engine.begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
        placed = place_legal_hold(
            conn, tenant_id, debtor, reason=reason, by=_actor(), now=datetime.now(UTC)
        )
    _print_hold(placed, as_json)


@app.command("release")
def release(
    hold_id: Annotated[int, typer.Argument(help="The legal hold's id.")],
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """Release a legal hold; the debtor's retention period decides again."""
    from datetime import UTC, datetime

    from recoverly.compliance.privacy.service import release_legal_hold

    engine = store()
    with engine.begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
        released = release_legal_hold(conn, tenant_id, hold_id, by=_actor(), now=datetime.now(UTC))
    _print_hold(released, as_json)


def _print_hold(placed: PlacedHold, as_json: bool) -> None:
    if as_json:
        print(
            json.dumps(
                {
                    "hold_id": placed.hold_id,
                    "debtor_id": placed.debtor_id,
                    "placed_at": placed.placed_at.isoformat(),
                    "released_at": placed.released_at.isoformat() if placed.released_at else None,
                },
                sort_keys=True,
            )
        )
        return
    state = "released" if placed.released_at else "in force"
    console.print(
        f"legal hold {placed.hold_id} on debtor {placed.debtor_id}: {state}", highlight=False
    )
