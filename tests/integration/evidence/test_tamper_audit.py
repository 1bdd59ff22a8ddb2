"""The audit finds direct database edits: 50 random edits, deletions and swaps of a real
log (a day planned, messages logged, payments), each named by the position it touched.

Each tampering is made with plain SQL inside a transaction, audited on that same
connection, and rolled back, so the trials are independent and run on one log.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, delete, select, update

from recoverly.domain.merkle import leaf_hash
from recoverly.evidence import log
from recoverly.evidence.audit import AuditReport, audit
from recoverly.evidence.keys import SigningKey
from recoverly.ingest import service as ingest
from recoverly.simulate.portfolio import PortfolioSpec, write_portfolio
from recoverly.store.repositories import tenancy
from recoverly.store.tables import evidence_entries
from recoverly.strategy.run import run_day

AS_OF = date(2026, 3, 9)
KEY = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))))
TRIALS = 50

Tamper = Callable[[Connection, random.Random, int], set[int]]


def _entry(conn: Connection, index: int) -> tuple[bytes, bytes]:
    e = evidence_entries.c
    row = conn.execute(select(e.entry, e.leaf_hash).where(e.entry_index == index)).one()
    return bytes(row.entry), bytes(row.leaf_hash)


def _set(conn: Connection, index: int, entry: bytes, leaf: bytes) -> None:
    e = evidence_entries.c
    conn.execute(
        update(evidence_entries).where(e.entry_index == index).values(entry=entry, leaf_hash=leaf)
    )


def _edit_fact(entry: bytes) -> bytes:
    """The same entry with one fact changed, still canonical-looking JSON."""
    body = json.loads(entry)
    key = sorted(k for k in body if k not in ("index", "kind"))[0]
    body[key] = "forged" if body[key] != "forged" else "forged again"
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def edit_bytes(conn: Connection, rng: random.Random, size: int) -> set[int]:
    """Change what an entry says, leaving its stored leaf hash."""
    i = rng.randrange(size)
    entry, leaf = _entry(conn, i)
    _set(conn, i, _edit_fact(entry), leaf)
    return {i}


def edit_and_rehash(conn: Connection, rng: random.Random, size: int) -> set[int]:
    """Change what an entry says and store the matching leaf hash (a careful forger)."""
    i = rng.randrange(size)
    entry, _ = _entry(conn, i)
    forged = _edit_fact(entry)
    _set(conn, i, forged, leaf_hash(forged))
    return {i}


def delete_row(conn: Connection, rng: random.Random, size: int) -> set[int]:
    i = rng.randrange(size)
    conn.execute(delete(evidence_entries).where(evidence_entries.c.entry_index == i))
    return {i}


def swap_rows(conn: Connection, rng: random.Random, size: int) -> set[int]:
    """Exchange two entries' contents (bytes and hashes) between their positions."""
    i, j = rng.sample(range(size), 2)
    first, second = _entry(conn, i), _entry(conn, j)
    _set(conn, i, *second)
    _set(conn, j, *first)
    return {i, j}


def edit_leaf_hash(conn: Connection, rng: random.Random, size: int) -> set[int]:
    i = rng.randrange(size)
    entry, leaf = _entry(conn, i)
    _set(conn, i, entry, bytes([leaf[0] ^ 1]) + leaf[1:])
    return {i}


TAMPERS: tuple[Tamper, ...] = (edit_bytes, edit_and_rehash, delete_row, swap_rows, edit_leaf_hash)


def named(report: AuditReport) -> set[int]:
    """Every position the audit names as wrong, whatever it calls the wrong."""
    return set(report.altered) | set(report.misplaced) | set(report.missing)


@pytest.fixture
def signed_log(engine: Engine, tmp_path: Path) -> int:
    """A real log: a day planned for 300 accounts, signed; returns its size."""
    path = tmp_path / "portfolio.csv"
    write_portfolio(PortfolioSpec(accounts=300, seed=11), path)
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", datetime.now(UTC))
    assert ingest.import_portfolio(engine, tenant_id, path, AS_OF).ok
    run_day(engine, tenant_id, AS_OF)
    with engine.begin() as conn:
        head, _ = log.sign(conn, KEY, datetime.now(UTC))
    assert head.tree_size > 100
    return head.tree_size


def test_the_untouched_log_audits_clean(engine: Engine, signed_log: int) -> None:
    with engine.connect() as conn:
        report = audit(conn, trusted_key_id=KEY.key_id)
    assert report.ok, report.as_dict()
    assert report.stored == report.size == signed_log


def test_fifty_random_tamperings_are_each_found_and_named(engine: Engine, signed_log: int) -> None:
    rng = random.Random(20261123)
    found: list[tuple[str, set[int]]] = []
    for _ in range(TRIALS):
        tamper = rng.choice(TAMPERS)
        with engine.connect() as conn:
            trans = conn.begin()
            try:
                touched = tamper(conn, rng, signed_log)
                report = audit(conn, trusted_key_id=KEY.key_id)
            finally:
                trans.rollback()
        assert not report.ok, (tamper.__name__, touched)
        assert touched <= named(report), (tamper.__name__, touched, report.as_dict())
        found.append((tamper.__name__, touched))
    assert len(found) == TRIALS
    assert {name for name, _ in found} == {t.__name__ for t in TAMPERS}  # every kind tried
    with engine.connect() as conn:  # and every trial was undone
        assert audit(conn, trusted_key_id=KEY.key_id).ok
