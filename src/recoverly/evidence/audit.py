"""Auditing the stored log against itself and its latest signed head.

Direct edits to the database are what this catches: an entry whose bytes no longer hash
to its stored leaf hash (``altered``), an entry whose bytes name another position
(``misplaced``: rows swapped or renumbered), a position with no entry (``missing``), a
root recomputed from the entries' own bytes that differs from the signed one, and a head
whose signature does not verify or whose key is not the configured one.

An edit that rewrites an entry's bytes and its leaf hash together is still caught by the
root, though not located; locating it needs older heads (a later slice).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection

from recoverly.domain.merkle import MerkleTree, leaf_hash
from recoverly.evidence.keys import key_id
from recoverly.store.repositories import evidence as repo


@dataclass
class AuditReport:
    log_id: str | None
    size: int  # positions handed out
    stored: int  # entries found
    signed_size: int | None  # the latest head's tree size
    altered: list[int] = field(default_factory=list)
    misplaced: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    root_matches: bool | None = None  # None: no signed head yet
    signature_valid: bool | None = None
    key_trusted: bool | None = None  # None: no key configured to compare with

    @property
    def ok(self) -> bool:
        return not (self.altered or self.misplaced or self.missing) and (
            self.root_matches is not False
            and self.signature_valid is not False
            and self.key_trusted is not False
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "log_id": self.log_id,
            "size": self.size,
            "stored": self.stored,
            "signed_size": self.signed_size,
            "altered": self.altered,
            "misplaced": self.misplaced,
            "missing": self.missing,
            "root_matches": self.root_matches,
            "signature_valid": self.signature_valid,
            "key_trusted": self.key_trusted,
        }


def _names_index(entry: bytes, index: int) -> bool:
    try:
        body = json.loads(entry)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("index") == index


def audit(conn: Connection, trusted_key_id: str | None = None) -> AuditReport:
    """Recompute every leaf hash and the signed root from the stored entries' bytes.

    Args:
        trusted_key_id: the configured signing key's id; a head signed by another key is
            reported (someone with database access could sign with a key of their own).
    """
    state = repo.log_state(conn)
    if state is None:
        return AuditReport(log_id=None, size=0, stored=0, signed_size=None)
    log_id, size = state
    head = repo.latest_head(conn, log_id)
    report = AuditReport(
        log_id=log_id, size=size, stored=0, signed_size=head.tree_size if head else None
    )
    recomputed: list[bytes] = []
    expected = 0
    for e in repo.all_entries(conn):
        report.stored += 1
        report.missing.extend(range(expected, e.index))
        expected = e.index + 1
        own = leaf_hash(e.entry)
        if own != e.leaf_hash:
            report.altered.append(e.index)
        if not _names_index(e.entry, e.index):
            report.misplaced.append(e.index)
        if head and e.index < head.tree_size:
            recomputed.append(own)
    report.missing.extend(range(expected, size))
    if head is None:
        return report
    complete = len(recomputed) == head.tree_size
    report.root_matches = complete and MerkleTree(recomputed).root == head.root_hash
    try:
        Ed25519PublicKey.from_public_bytes(head.public_key).verify(head.signature, head.message)
        report.signature_valid = key_id(head.public_key) == head.key_id
    except (InvalidSignature, ValueError):
        report.signature_valid = False
    if trusted_key_id is not None:
        report.key_trusted = head.key_id == trusted_key_id
    return report
