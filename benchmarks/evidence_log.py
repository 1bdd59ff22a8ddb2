"""Evidence log throughput and proof latency on PostgreSQL, against SHA-256 alone.

Into a fresh scratch database (created here and dropped at the end) the script
1. appends ``--size`` realistic events (messages sent with their content's SHA-256,
   compliance blocks, payments, holds placed and released, over three tenants) in
   batches of ``--batch`` through the real path, ``recoverly.evidence.log.append`` in
   its own transaction per batch, and measures appends/s;
2. measures the floor in the same run: SHA-256 leaf hashes of the same entries' bytes
   alone (no canonical JSON, no tree, no database), and reports the ratio;
3. signs a head halfway and one at the end (timing the last), then times 1,000 inclusion
   proofs for random indexes at the final size, each read from the database on its own
   (median and p99), and the consistency proof between the two heads; every proof is
   checked against the signed roots;
4. for comparison, times what signing cost before the tree was stored: loading every
   leaf hash and rebuilding the whole tree.

Usage: python benchmarks/evidence_log.py --size 1000000 [--batch 10000]
The server is RECOVERLY_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test).
Prints one JSON line; targets: >= 20,000 appends/s at 1,000,000 and proofs < 5 ms median.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import select
from sqlalchemy.engine import make_url

from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.domain.merkle import MerkleTree, verify_consistency, verify_inclusion
from recoverly.evidence import log, tree
from recoverly.evidence.keys import SigningKey
from recoverly.store import session
from recoverly.store.repositories import evidence as repo
from recoverly.store.repositories import tenancy
from recoverly.store.tables import evidence_entries

URL = os.environ.get("RECOVERLY_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
TENANTS = ("acme", "northwind", "globex")
CHANNELS = ("sms", "email", "voice", "letter")
TEMPLATES = ("gentle_reminder", "second_notice", "payment_plan_offer", "settlement_offer")
HOLDS = ("dispute", "cease", "opt_out", "bankruptcy")


def _admin() -> str:
    return make_url(URL).set(drivername="postgresql").render_as_string(hide_password=False)


def _scratch(name: str) -> str:
    return make_url(URL).set(database=name).render_as_string(hide_password=False)


def events(rng: random.Random, tenant_ids: list[int], start: int, count: int) -> list[Evidence]:
    """A realistic mix: mostly sends, then payments, blocks and holds."""
    out = []
    for n in range(start, start + count):
        t = rng.randrange(len(TENANTS))
        at = START + timedelta(seconds=n // 10, microseconds=rng.randrange(1_000_000))
        case = f"CASE-{rng.randrange(200_000):06d}"
        roll = rng.random()
        facts: tuple[tuple[str, str | int | None], ...]
        if roll < 0.6:
            kind = EvidenceKind.MESSAGE_SENT
            facts = (
                ("plan_id", f"PL-{n:09d}"),
                ("channel", rng.choice(CHANNELS)),
                ("template", rng.choice(TEMPLATES)),
                ("template_version", rng.randrange(1, 5)),
                ("locale", rng.choice(("en", "es", "zh-Hans", "th", "vi"))),
                ("content_sha256", hashlib.sha256(b"%d" % n).hexdigest()),
                ("provider_id", f"SM{rng.getrandbits(64):016x}"),
            )
        elif roll < 0.8:
            kind = EvidenceKind.PAYMENT
            facts = (
                ("payment_id", f"PAY-{n:09d}"),
                ("account_id", f"ACC-{rng.randrange(500_000):07d}"),
                ("amount_minor", rng.randrange(500, 250_000)),
                ("currency", rng.choice(("USD", "GBP", "THB", "VND"))),
                ("paid_at", (at - timedelta(days=1)).isoformat()),
            )
        elif roll < 0.9:
            kind = EvidenceKind.COMPLIANCE_BLOCK
            facts = (
                ("plan_id", f"PL-{n:09d}"),
                ("channel", rng.choice(CHANNELS)),
                ("template", rng.choice(TEMPLATES)),
                ("rules", "us.fdcpa.call_frequency,us.reg_f.7in7"),
            )
        else:
            kind = rng.choice((EvidenceKind.HOLD_PLACED, EvidenceKind.HOLD_RELEASED))
            facts = (
                ("hold", rng.choice(HOLDS)),
                ("hold_id", f"H-{n:09d}"),
                ("channel", None if rng.random() < 0.7 else rng.choice(CHANNELS)),
                ("starts_at", at.isoformat()),
                ("ends_at", None),
                ("by", "debtor" if rng.random() < 0.5 else f"tok_{rng.getrandbits(32):08x}"),
            )
        out.append(Evidence(kind, tenant_ids[t], at, case, facts))
    return out


def run(size: int, batch: int, proofs: int) -> dict[str, object]:
    name = f"bench_evidence_{os.getpid()}"
    with psycopg.connect(_admin(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = _scratch(name)
    try:
        return _measure(url, size, batch, proofs)
    finally:
        session.dispose(url)
        with psycopg.connect(_admin(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _measure(url: str, size: int, batch: int, proofs: int) -> dict[str, object]:
    engine = session.open_engine(url)
    key = SigningKey(Ed25519PrivateKey.generate())
    rng = random.Random(7)
    with engine.begin() as conn:
        tenant_ids = [tenancy.ensure_tenant(conn, t, START) for t in TENANTS]
    appending = hashing = 0.0
    half = (size // 2) // batch * batch or size
    now = START + timedelta(days=1)
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("appending", total=size)
        for first in range(0, size, batch):
            chunk = events(rng, tenant_ids, first, min(batch, size - first))
            began = time.perf_counter()
            with engine.begin() as conn:
                log.append(conn, chunk, now)
            appending += time.perf_counter() - began
            # The floor: SHA-256 of the same entries' bytes (made outside the clock).
            names = dict(zip(tenant_ids, TENANTS, strict=True))
            entries = [e.entry(first + i, names[e.tenant_id]) for i, e in enumerate(chunk)]
            began = time.perf_counter()
            for entry in entries:
                hashlib.sha256(b"\x00" + entry).digest()
            hashing += time.perf_counter() - began
            if first + len(chunk) == half and half != size:
                with engine.begin() as conn:
                    log.sign(conn, key, now)
            progress.update(task, advance=len(chunk))

    began = time.perf_counter()
    with engine.begin() as conn:
        head, _ = log.sign(conn, key, now)
    signing = time.perf_counter() - began

    began = time.perf_counter()  # what sign did before the tree was stored
    with engine.connect() as conn:
        rows = conn.execute(
            select(evidence_entries.c.leaf_hash).order_by(evidence_entries.c.entry_index)
        ).scalars()
        leaves = [bytes(h) for h in rows]
    rebuilt = MerkleTree(leaves).root
    rebuilding = time.perf_counter() - began
    assert rebuilt == head.root_hash, "the stored tree's root is not the whole tree's"

    timings = []
    verified = 0
    for index in (rng.randrange(head.tree_size) for _ in range(proofs)):
        began = time.perf_counter()
        with engine.connect() as conn:
            (proof,) = tree.inclusion_proofs(conn, [index], head.tree_size)
        timings.append(time.perf_counter() - began)
        verified += verify_inclusion(leaves[index], index, head.tree_size, proof, head.root_hash)
    timings.sort()

    consistency_ms = None
    with engine.connect() as conn:
        earlier = repo.head_at(conn, head.log_id, half)
    if earlier is not None and earlier.tree_size < head.tree_size:
        began = time.perf_counter()
        with engine.connect() as conn:
            cproof = tree.consistency_proof(conn, earlier.tree_size, head.tree_size)
        consistency_ms = round((time.perf_counter() - began) * 1000, 2)
        assert verify_consistency(
            earlier.tree_size, head.tree_size, earlier.root_hash, head.root_hash, cproof
        ), "the consistency proof does not verify"

    appends_per_s = size / appending
    hashes_per_s = size / hashing
    median_ms = statistics.median(timings) * 1000
    return {
        "benchmark": "evidence_log",
        "database": "postgresql",
        "size": size,
        "batch": batch,
        "appends_per_s": round(appends_per_s),
        "sha256_leaf_hashes_per_s": round(hashes_per_s),
        "ratio": round(hashes_per_s / appends_per_s, 1),
        "sign_s": round(signing, 4),
        "full_rebuild_root_s": round(rebuilding, 3),
        "inclusion_proof_ms": {
            "median": round(median_ms, 3),
            "p99": round(timings[int(len(timings) * 0.99) - 1] * 1000, 3),
            "count": len(timings),
            "verified": verified,
        },
        "consistency_proof_ms": consistency_ms,
        "targets_met": appends_per_s >= 20_000 and median_ms < 5,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Evidence log appends/s and proof latency.")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--proofs", type=int, default=1_000)
    args = parser.parse_args()
    try:
        result = run(args.size, args.batch, args.proofs)
    except psycopg.OperationalError as exc:
        raise SystemExit(f"no PostgreSQL server at {URL}: {exc}") from None
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
