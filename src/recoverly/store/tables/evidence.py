"""The evidence log: its identity and index counter, its entries, and its signed heads.

One log per installation (its ``log_id`` is in every signed head); entries carry the
tenant they belong to so that a tenant's bundle holds only its own entries, but their
positions are shared. ``evidence_log`` is a single row whose ``next_index`` is the lock
every append takes: indexes are handed out in commit order, without gaps.

``evidence_nodes`` is the tree's state: the hash of every perfect subtree of
``2**level`` leaves, ``level >= NODE_MIN_LEVEL``, written by the append that completes it.
Roots and proofs read O(log n) of them instead of every leaf hash. Lower levels are not
kept: each is rehashed from the leaf hashes its block of ``2**NODE_MIN_LEVEL`` records
(``leaves``, or the log's ``edge_leaves`` for the incomplete last block), while keeping
them as rows would write about one node per entry instead of one per eight.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
)

from recoverly.store.base import BigId, Code, UTCDateTime, metadata

evidence_log = Table(
    "evidence_log",
    metadata,
    Column("id", Integer, nullable=False),
    Column("log_id", String(64), nullable=False),
    Column("next_index", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # The leaf hashes of the last, incomplete block of 2**NODE_MIN_LEVEL entries, as
    # appended (concatenated): with the blocks' own ``leaves`` below, the tree records
    # every leaf hash apart from the entries' rows, so an entry rewritten with a matching
    # leaf hash is still named by the audit.
    Column("edge_leaves", LargeBinary),
    PrimaryKeyConstraint("id"),
    CheckConstraint("id = 1", name="single_row"),
)

evidence_entries = Table(
    "evidence_entries",
    metadata,
    Column("entry_index", BigInteger, nullable=False, autoincrement=False),
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("kind", Code(32), nullable=False),
    Column("case_id", String(80)),
    Column("entry", LargeBinary, nullable=False),  # canonical JSON (RFC 8785)
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("appended_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("entry_index"),
)
Index("ix_evidence_entries_case", evidence_entries.c.tenant_id, evidence_entries.c.case_id)

tree_heads = Table(
    "tree_heads",
    metadata,
    Column("tree_size", BigInteger, nullable=False, autoincrement=False),
    Column("key_id", String(64), nullable=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
    Column("public_key", LargeBinary(32), nullable=False),
    Column("signed_at", UTCDateTime, nullable=False),
    # RFC 3161 (docs/evidence.md): the token over the head's message, the genTime it
    # states, and the TSA's certificates (PEM) it verified against when it was stored.
    Column("timestamp_token", LargeBinary),
    Column("timestamp_gen_time", UTCDateTime),
    Column("tsa_chain", Text),
    PrimaryKeyConstraint("tree_size", "key_id"),
)

# Stored levels start here; changing it needs a migration that rebuilds the nodes.
NODE_MIN_LEVEL = 4

evidence_nodes = Table(
    "evidence_nodes",
    metadata,
    Column("level", SmallInteger, nullable=False, autoincrement=False),
    Column("position", BigInteger, nullable=False, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
    Column("leaves", LargeBinary),  # level NODE_MIN_LEVEL only: its leaf hashes, as appended
    PrimaryKeyConstraint("level", "position"),
    CheckConstraint(f"level >= {NODE_MIN_LEVEL}", name="stored_level"),
)
