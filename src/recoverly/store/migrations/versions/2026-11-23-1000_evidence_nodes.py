"""the evidence log's tree state: perfect subtrees of 16 leaves and more

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 10:00:00

Nodes for a log that already has entries are built here from the stored leaf hashes, in
position order, so that roots and proofs read them from the first signature on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from recoverly.domain import merkle_nodes

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIN_LEVEL = 4  # frozen here: store.tables.evidence.NODE_MIN_LEVEL when this was written
CHUNK = 65_536


def upgrade() -> None:
    nodes = op.create_table(
        "evidence_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("leaves", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(f"level >= {MIN_LEVEL}", name=op.f("ck_evidence_nodes_stored_level")),
        sa.PrimaryKeyConstraint("level", "position", name=op.f("pk_evidence_nodes")),
    )
    assert nodes is not None
    op.add_column("evidence_log", sa.Column("edge_leaves", sa.LargeBinary(), nullable=True))
    _backfill(op.get_bind(), nodes)


def _backfill(conn: sa.Connection, nodes: sa.Table) -> None:
    rows = conn.execute(
        sa.text("SELECT leaf_hash FROM evidence_entries ORDER BY entry_index").execution_options(
            yield_per=CHUNK
        )
    )
    size, edge, tail = 0, {}, []  # tail: the leaf hashes of the incomplete last block
    block = 1 << MIN_LEVEL
    for chunk in rows.partitions(CHUNK):
        leaves = [bytes(r[0]) for r in chunk]
        done = merkle_nodes.extend(size, edge, leaves)
        edge = merkle_nodes.edge_after(size, edge, leaves, done)
        known, base = tail + leaves, size - len(tail)
        size += len(leaves)
        stored = [
            {
                "level": row.level,
                "position": row.first + i,
                "hash": h,
                "leaves": b"".join(known[((row.first + i) << MIN_LEVEL) - base :][:block])
                if row.level == MIN_LEVEL
                else None,
            }
            for row in done
            if row.level >= MIN_LEVEL
            for i, h in enumerate(row.hashes)
        ]
        if stored:
            conn.execute(nodes.insert(), stored)
        tail = known[size - size % block - base :]
    if size:
        conn.execute(
            sa.text("UPDATE evidence_log SET edge_leaves = :tail WHERE id = 1"),
            {"tail": b"".join(tail)},
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence_log") as batch_op:
        batch_op.drop_column("edge_leaves")
    op.drop_table("evidence_nodes")
