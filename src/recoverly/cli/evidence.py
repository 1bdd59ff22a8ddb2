"""``recoverly evidence``: the signing key, signed tree heads, bundles, verification, audit.

Exit codes: 0 when all is well, 1 when a verification or an audit finds a mismatch, 2 for
bad input (a missing file, a malformed bundle, no key configured).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from recoverly.cli.common import (
    DEFAULT_TENANT,
    EXIT_BAD_INPUT,
    TenantOption,
    console,
    err_console,
    resolve_tenant,
    store,
)

EXIT_MISMATCH = 1

app = typer.Typer(
    help="The evidence log: sign its tree heads, export and verify case bundles, audit it.",
    no_args_is_help=True,
)


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


def _bad_input(message: str) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command("keygen")
def keygen(
    out: Annotated[Path, typer.Option("--out", help="Where to write the new key (0600).")],
) -> None:
    """Make a new Ed25519 signing key and write it to a file only its owner can read.

    Point RECOVERLY_EVIDENCE_KEY_FILE at the file (or put its contents in
    RECOVERLY_EVIDENCE_KEY); publish the key id it prints so readers can check bundles.
    """
    from recoverly.evidence import keys

    key = keys.write_new(out)
    console.print(f"wrote a new evidence signing key to {out}", highlight=False)
    console.print(f"key id: {key.key_id}", highlight=False, soft_wrap=True)


@app.command("sign")
def sign() -> None:
    """Sign a tree head over every entry appended so far (with the configured key)."""
    from recoverly.config import get_settings
    from recoverly.evidence import keys
    from recoverly.evidence import log as evidence_log

    key = keys.required(get_settings())
    with store().begin() as conn:
        head, new = evidence_log.sign(conn, key, datetime.now(UTC))
    said = "signed" if new else "already signed"
    console.print(
        f"{said}: tree size {head.tree_size:,}, root {head.root_hash.hex()}, key {head.key_id}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("export")
def export(
    case: Annotated[str, typer.Option("--case", help="The case whose evidence to export.")],
    out: Annotated[Path, typer.Option("--out", help="The bundle's JSON file.")],
    tenant: TenantOption = DEFAULT_TENANT,
) -> None:
    """Write a case's evidence bundle: its entries, their inclusion proofs and the signed
    tree head they are under; `recoverly evidence verify` checks it offline."""
    from recoverly.evidence.bundle import export_case

    with store().begin() as conn:
        bundle = export_case(conn, resolve_tenant(conn, tenant), case)
    try:
        out.write_text(json.dumps(bundle, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise _bad_input(f"{out}: cannot write it ({exc.strerror})") from None
    console.print(
        f"wrote {_entries(len(bundle['entries']))} of case {case} under tree size "
        f"{bundle['tree_size']:,} to {out}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("consistency")
def consistency(
    from_size: Annotated[
        int, typer.Option("--from-size", help="The earlier signed head's tree size.")
    ],
    to_size: Annotated[
        int | None,
        typer.Option("--to-size", help="The later signed head's tree size (default: the latest)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="The file to write (default: print it).")
    ] = None,
) -> None:
    """Write the proof that a later signed head extends an earlier one, with both heads;
    `recoverly evidence verify` checks it offline."""
    from recoverly.evidence.bundle import consistency as make_proof

    with store().connect() as conn:
        proof = make_proof(conn, from_size, to_size)
    text = json.dumps(proof, indent=2) + "\n"
    if out is None:
        print(text, end="")
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _bad_input(f"{out}: cannot write it ({exc.strerror})") from None
    console.print(
        f"wrote the consistency proof from tree size {proof['from']['tree_size']:,} to "
        f"{proof['to']['tree_size']:,} to {out}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("verify")
def verify(
    bundle: Annotated[Path, typer.Argument(help="The bundle's (or consistency file's) JSON.")],
    key_id: Annotated[
        str | None,
        typer.Option("--key-id", help="The signer's published key id, to check it too."),
    ] = None,
) -> None:
    """Check a bundle offline, with nothing but the bundle: the signature over its tree
    head, and each entry's inclusion proof to the signed root. A consistency file: both
    heads' signatures and the proof that the later extends the earlier. Exit 1 on any
    mismatch."""
    from recoverly.evidence.verify import verify_bundle, verify_consistency_file

    try:
        data = json.loads(bundle.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _bad_input(f"{bundle}: cannot read it ({exc.strerror})") from None
    except ValueError as exc:
        raise _bad_input(f"{bundle}: not JSON ({exc})") from None
    if isinstance(data, dict) and data.get("type") == "consistency":
        checked = verify_consistency_file(data, expected_key_id=key_id)
        for failure in checked.failures:
            err_console.print(f"[red]FAILED[/red] {failure}", highlight=False, soft_wrap=True)
        if not checked.ok:
            raise typer.Exit(EXIT_MISMATCH)
        signers = " and key ".join(dict.fromkeys(checked.key_ids))
        console.print(
            f"verified: the tree of size {checked.to_size:,} extends the tree of size "
            f"{checked.from_size:,}; signed by key {signers}",
            highlight=False,
            soft_wrap=True,
        )
        return
    found = verify_bundle(data, expected_key_id=key_id)
    for failure in found.failures:
        err_console.print(f"[red]FAILED[/red] {failure}", highlight=False, soft_wrap=True)
    if not found.ok:
        raise typer.Exit(EXIT_MISMATCH)
    console.print(
        f"verified: {_entries(found.entries)} under a tree of size {found.tree_size:,} "
        f"signed by key {found.key_id}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("audit")
def audit(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Recompute every entry's leaf hash and the signed root from the stored entries;
    name by index the entries altered, misplaced or missing. Exit 1 on any finding."""
    from recoverly.config import get_settings
    from recoverly.evidence import keys
    from recoverly.evidence.audit import audit as run_audit

    key = keys.configured(get_settings())
    with store().connect() as conn:
        report = run_audit(conn, trusted_key_id=key.key_id if key else None)
    if as_json:
        print(json.dumps(report.as_dict(), sort_keys=True))
    else:
        _print_audit(report.as_dict())
    if not report.ok:
        raise typer.Exit(EXIT_MISMATCH)


def _print_audit(found: dict[str, object]) -> None:
    console.print(
        f"log {found['log_id']}: {found['stored']:,} of {found['size']:,} entries stored; "
        f"signed up to {found['signed_size']}",
        highlight=False,
        soft_wrap=True,
    )
    for name, what in (
        ("altered", "bytes no longer match their leaf hash"),
        ("misplaced", "bytes name another position"),
        ("missing", "no entry at this position"),
    ):
        indexes = found[name]
        if indexes:
            console.print(f"[red]{name}[/red] ({what}): {indexes}", highlight=False, soft_wrap=True)
    for name, what in (
        ("root_matches", "every signed head's root is the one recomputed from the entries"),
        ("signature_valid", "every head's signature verifies"),
        ("key_trusted", "the latest head is signed by the configured key"),
    ):
        if found[name] is not None:
            mark = "ok" if found[name] else "[red]FAILED[/red]"
            console.print(f"{mark} {what}", highlight=False)
    heads = found["heads"]
    assert isinstance(heads, list)
    for head in heads:
        if not (head["root_matches"] and head["signature_valid"]):
            console.print(
                f"[red]bad head[/red] at tree size {head['tree_size']:,} (key {head['key_id']}): "
                + ("root differs from the entries'" if not head["root_matches"] else "")
                + (", " if not (head["root_matches"] or head["signature_valid"]) else "")
                + ("signature does not verify" if not head["signature_valid"] else ""),
                highlight=False,
                soft_wrap=True,
            )
    if found["first_bad_head"] is not None:
        console.print(
            f"[red]first bad head[/red]: tree size {found['first_bad_head']:,}; an edit lies "
            f"at a position in [{found['last_good_head'] or 0:,}, {found['first_bad_head']:,})",
            highlight=False,
        )
    inconsistent = found["inconsistent_heads"]
    assert isinstance(inconsistent, list)
    for item in inconsistent:
        console.print(
            f"[red]inconsistent[/red]: the head at tree size {item['tree_size']:,} is not "
            f"extended by the head at tree size {item['later_size']:,}",
            highlight=False,
        )
    if found["nodes_disagree"]:
        console.print(
            "[red]nodes_disagree[/red] (stored tree nodes [level, position] that differ from "
            f"the entries'): {found['nodes_disagree']}",
            highlight=False,
            soft_wrap=True,
        )
    console.print("audit: " + ("clean" if found["ok"] else "[red]findings above[/red]"))
