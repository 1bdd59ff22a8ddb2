"""``recoverly evidence``: the signing key, signed tree heads, bundles, verification, PDF
reports, audit.

Exit codes: 0 when all is well, 1 when a verification or an audit finds a mismatch (a
report is still written, and says so), 2 for bad input (a missing file, a malformed
bundle, no key configured), 3 when the time-stamping authority fails (the head is signed
and kept; `timestamp` retries).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

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
EXIT_TSA_FAILED = 3

app = typer.Typer(
    help="The evidence log: sign its tree heads, export and verify case bundles, audit it.",
    no_args_is_help=True,
)


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


def _bad_input(message: str) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _bundle_json(bundle: dict[str, Any]) -> bytes:
    """A bundle file's bytes, the same for ``export`` and ``report``: a report names the
    SHA-256 of exactly these bytes."""
    return (json.dumps(bundle, indent=2) + "\n").encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise _bad_input(f"{path}: cannot write it ({exc.strerror})") from None


def _read_bundle(path: Path) -> tuple[object, bytes]:
    """A bundle file parsed, and its bytes; bad input names the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _bad_input(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        return json.loads(data.decode("utf-8")), data
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise _bad_input(f"{path}: not JSON ({exc})") from None


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
    from recoverly.evidence import keys, timestamp
    from recoverly.evidence import log as evidence_log
    from recoverly.evidence.errors import TimestampError

    settings = get_settings()
    key = keys.required(settings)
    timestamp.configured(settings)  # a misconfigured TSA stops us before signing
    engine = store()
    with engine.begin() as conn:
        head, new = evidence_log.sign(conn, key, datetime.now(UTC))
    said = "signed" if new else "already signed"
    console.print(
        f"{said}: tree size {head.tree_size:,}, root {head.root_hash.hex()}, key {head.key_id}",
        highlight=False,
        soft_wrap=True,
    )
    try:  # only now, the head committed: a TSA outage must not lose it
        stamp = timestamp.stamp_if_configured(engine, settings, head)
    except TimestampError as exc:
        err_console.print(
            f"[red]not time-stamped:[/red] {exc.message}; the head is signed and kept: "
            "run `recoverly evidence timestamp` to stamp it",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_TSA_FAILED) from None
    if stamp is not None:
        console.print(f"time-stamped: genTime {stamp.gen_time.isoformat()}", highlight=False)


@app.command("timestamp")
def timestamp_heads() -> None:
    """Time-stamp every signed tree head that has no RFC 3161 token yet (signed while the
    TSA was down, or before one was configured), at RECOVERLY_TSA_URL. Exit 3 when the
    TSA fails; the heads it did not stamp wait for the next run."""
    from recoverly.config import get_settings
    from recoverly.evidence import timestamp

    tsa = timestamp.configured(get_settings())
    if tsa is None:
        raise _bad_input(
            "no time-stamping authority: set RECOVERLY_TSA_URL and RECOVERLY_TSA_CERT_FILE"
        )
    run = timestamp.stamp_pending(store(), tsa)
    for head, stamp in run.stamped:
        console.print(
            f"time-stamped tree size {head.tree_size:,} (key {head.key_id[:16]}…): "
            f"genTime {stamp.gen_time.isoformat()}",
            highlight=False,
            soft_wrap=True,
        )
    if run.failure is not None:
        err_console.print(
            f"[red]FAILED[/red] {run.failure}; {run.left:,} signed "
            f"{'head' if run.left == 1 else 'heads'} still without a time-stamp",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_TSA_FAILED)
    if not run.stamped:
        console.print("every signed tree head is time-stamped already", highlight=False)


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
    _write(out, _bundle_json(bundle))
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
    tsa_cert: Annotated[
        Path | None,
        typer.Option(
            "--tsa-cert",
            help="PEM: the TSA root (and intermediate) certificates you trust; the bundle "
            "must then carry a time-stamp that chains to them.",
        ),
    ] = None,
    attachments: Annotated[
        list[Path] | None,
        typer.Option(
            "--attachment",
            help="A file the bundle should vouch for (a call's recording, a letter's PDF): "
            "its SHA-256 must be named by a verified entry. Repeatable.",
        ),
    ] = None,
) -> None:
    """Check a bundle offline, with nothing but the bundle: the signature over its tree
    head, each entry's inclusion proof to the signed root, the head's RFC 3161
    time-stamp when it has one, and that each --attachment is the file an entry names.
    A consistency file: both heads' signatures and the proof that the later extends the
    earlier. Exit 1 on any mismatch."""
    from recoverly.evidence.attachments import find_in_bundle
    from recoverly.evidence.timestamp import load_certificates
    from recoverly.evidence.verify import verify_bundle, verify_consistency_file
    from recoverly.store.blobs import file_sha256

    trusted = load_certificates(tsa_cert, f"--tsa-cert {tsa_cert}") if tsa_cert else None
    data, _ = _read_bundle(bundle)
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
    found = verify_bundle(data, expected_key_id=key_id, trusted_tsa=trusted)
    vouched: list[tuple[Path, int, str]] = []
    for path in attachments or []:
        try:
            digest = file_sha256(path)
        except OSError as exc:
            raise _bad_input(f"--attachment {path}: cannot read it ({exc.strerror})") from None
        named = find_in_bundle(data, digest) if isinstance(data, dict) else []
        if not named:
            found.failures.append(
                f"attachment {path}: its SHA-256 {digest} is named by no entry of the bundle "
                "(not the file the log vouches for, or another case's)"
            )
        vouched.extend((path, index, fact) for index, fact in named)
    for failure in found.failures:
        err_console.print(f"[red]FAILED[/red] {failure}", highlight=False, soft_wrap=True)
    if not found.ok:
        raise typer.Exit(EXIT_MISMATCH)
    for path, index, fact in vouched:
        console.print(f"attachment {path}: entry {index} ({fact})", highlight=False)
    console.print(
        f"verified: {_entries(found.entries)} under a tree of size {found.tree_size:,} "
        f"signed by key {found.key_id}",
        highlight=False,
        soft_wrap=True,
    )
    if found.gen_time is not None:
        how = (
            "chains to the trusted --tsa-cert"
            if found.tsa_trusted
            else "checked with the chain the bundle carries; pass --tsa-cert to check the TSA"
        )
        console.print(
            f"time-stamped: genTime {found.gen_time.isoformat()} by {found.tsa} ({how})",
            highlight=False,
            soft_wrap=True,
        )


@app.command("report")
def report(
    out: Annotated[Path, typer.Option("--out", help="The report's PDF file.")],
    case: Annotated[
        str | None,
        typer.Option("--case", help="Export this case's bundle from the store and report it."),
    ] = None,
    bundle: Annotated[
        Path | None,
        typer.Option("--bundle", help="Report this bundle file instead (offline, no database)."),
    ] = None,
    bundle_out: Annotated[
        Path | None,
        typer.Option(
            "--bundle-out",
            help="With --case: where to write the bundle the report describes "
            "(default: beside the PDF, NAME.bundle.json).",
        ),
    ] = None,
    key_id: Annotated[
        str | None,
        typer.Option("--key-id", help="The signer's published key id, to check it too."),
    ] = None,
    tenant: TenantOption = DEFAULT_TENANT,
) -> None:
    """Write a PDF evidence report: the bundle verified (the outcome on page one), its
    signed tree head, a timeline of its entries in plain words with their leaf hashes, and
    how to verify it. Exit 1 when the bundle fails a check (the report says which)."""
    from recoverly.domain.errors import InvalidInput
    from recoverly.evidence.report import render_report

    if bundle is not None and case is None:
        if bundle_out is not None:
            raise _bad_input("--bundle-out goes with --case: --bundle FILE already is the bundle")
        data, raw = _read_bundle(bundle)
        source = bundle
    elif case is not None and bundle is None:
        from recoverly.evidence.bundle import export_case

        with store().begin() as conn:
            data = export_case(conn, resolve_tenant(conn, tenant), case)
        raw = _bundle_json(data)
        source = bundle_out or out.with_name(f"{out.stem}.bundle.json")
    else:
        raise _bad_input("give either --case ID (from the store) or --bundle FILE.json")
    if not isinstance(data, dict):
        raise _bad_input(f"{source}: a bundle must be a JSON object")
    try:
        made = render_report(
            data,
            bundle_sha256=hashlib.sha256(raw).hexdigest(),
            generated_at=datetime.now(UTC),
            bundle_name=source.name,
            expected_key_id=key_id,
        )
    except InvalidInput as exc:
        raise _bad_input(f"{source}: {exc.message}") from None
    if bundle is None:
        _write(source, raw)
        console.print(f"wrote the bundle to {source}", highlight=False, soft_wrap=True)
    _write(out, made.pdf)
    found = made.verification
    said = "verified" if found.ok else "[red]verification FAILED[/red]"
    console.print(
        f"wrote the report on {_entries(found.entries)} to {out}: {said}",
        highlight=False,
        soft_wrap=True,
    )
    for failure in found.failures:
        err_console.print(f"[red]FAILED[/red] {failure}", highlight=False, soft_wrap=True)
    if not found.ok:
        raise typer.Exit(EXIT_MISMATCH)


@app.command("audit")
def audit(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    blobs: Annotated[
        bool,
        typer.Option(
            "--blobs",
            help="Also read every recording and letter the log names from the blob store "
            "and check each still hashes to its name.",
        ),
    ] = False,
) -> None:
    """Recompute every entry's leaf hash and the signed root from the stored entries;
    name by index the entries altered, misplaced or missing. Exit 1 on any finding."""
    from recoverly.config import get_settings
    from recoverly.evidence import keys
    from recoverly.evidence.attachments import check_blobs
    from recoverly.evidence.audit import audit as run_audit
    from recoverly.store.blobs import blob_store

    settings = get_settings()
    key = keys.configured(settings)
    with store().connect() as conn:
        report = run_audit(conn, trusted_key_id=key.key_id if key else None)
        found = report.as_dict()
        ok = report.ok
        if blobs:
            checked = check_blobs(conn, blob_store(settings))
            found["blobs"] = checked.as_dict()
            found["ok"] = ok = ok and checked.ok
    if as_json:
        print(json.dumps(found, sort_keys=True))
    else:
        _print_audit(found)
    if not ok:
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
    checked = found.get("blobs")
    if isinstance(checked, dict):
        console.print(f"blobs named by the log: {checked['checked']:,} read", highlight=False)
        for name, what in (
            ("missing", "not in the blob store"),
            ("corrupted", "no longer hash to their name (swapped or damaged)"),
        ):
            for bad in checked[name]:
                console.print(
                    f"[red]{name}[/red] ({what}): entry {bad['index']}, blob {bad['sha256']}",
                    highlight=False,
                    soft_wrap=True,
                )
    console.print("audit: " + ("clean" if found["ok"] else "[red]findings above[/red]"))
