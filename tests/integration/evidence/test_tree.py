"""The stored tree on each database: appends in any batches (COPY or INSERT) leave exactly
the whole tree's perfect subtrees, roots and proofs read from them are the whole tree's,
a log that predates the node table gets its nodes from the migration, and many
appenders at once on PostgreSQL leave a gapless log with a clean audit."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, delete, insert, select, update

from recoverly.domain.evidence import Evidence, EvidenceKind, tree_head_message
from recoverly.domain.merkle import MerkleTree, leaf_hash
from recoverly.evidence import log, tree
from recoverly.evidence.audit import audit
from recoverly.evidence.errors import LogTampered
from recoverly.evidence.keys import SigningKey
from recoverly.store.repositories import evidence as repo
from recoverly.store.repositories import tenancy
from recoverly.store.session import alembic_config
from recoverly.store.tables import evidence_entries, evidence_log, evidence_nodes, tree_heads
from recoverly.store.tables.evidence import NODE_MIN_LEVEL
from tests.integration.evidence.test_log import KEY

AT = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
# Batches of 1 to 200: below and above COPY_FROM_ROWS, onto edges of every parity.
BATCHES = [1, 3, 70, 5, 200, 16, 1, 64, 33, 2]


def _events(tenant_id: int, start: int, count: int) -> list[Evidence]:
    kinds = list(EvidenceKind)
    return [
        Evidence(
            kind=kinds[n % len(kinds)],
            tenant_id=tenant_id,
            at=AT + timedelta(seconds=n),
            case_id=f"C{n % 7}",
            facts=(("n", n), ("note", f'é\u2028"{n}\\'), ("amount_minor", n * 100)),
        )
        for n in range(start, start + count)
    ]


def _grow(engine: Engine, batches: list[int]) -> list[bytes]:
    """Append in these batches, one transaction each; returns the leaf hashes in order."""
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
    size = 0
    for b in batches:
        with engine.begin() as conn:
            assert log.append(conn, _events(tenant_id, size, b), AT) == list(range(size, size + b))
        size += b
    with engine.connect() as conn:
        rows = conn.execute(select(evidence_entries.c.entry).order_by("entry_index")).scalars()
        return [leaf_hash(bytes(e)) for e in rows]


def _stored_nodes(engine: Engine) -> dict[tuple[int, int], bytes]:
    with engine.connect() as conn:
        return {(n.level, n.position): h for n, h in repo.all_nodes(conn)}


def _perfect(whole: MerkleTree) -> dict[tuple[int, int], bytes]:
    size = whole.size
    return {
        (level, p): whole.subtree(p << level, (p + 1) << level)
        for level in range(NODE_MIN_LEVEL, size.bit_length())
        for p in range(size >> level)
    }


def test_appends_in_any_batches_store_exactly_the_perfect_subtrees(engine: Engine) -> None:
    leaves = _grow(engine, BATCHES)
    whole = MerkleTree(leaves)
    assert whole.size == sum(BATCHES) == 395
    assert _stored_nodes(engine) == _perfect(whole)


def test_large_batches_write_entries_and_nodes_by_copy_and_agree(engine: Engine) -> None:
    # 2,500 entries complete over 150 stored nodes at once: COPY for both on PostgreSQL.
    leaves = _grow(engine, [2500, 37, 1100])
    whole = MerkleTree(leaves)
    assert _stored_nodes(engine) == _perfect(whole)
    with engine.begin() as conn:
        head, _ = log.sign(conn, KEY, AT)
        appended = conn.execute(select(evidence_entries.c.appended_at).limit(1)).scalar_one()
    assert head.root_hash == whole.root
    assert appended == AT  # the COPY path stores the same instant as INSERT


def test_roots_and_proofs_from_the_stored_tree_are_the_whole_trees(engine: Engine) -> None:
    leaves = _grow(engine, BATCHES)
    whole = MerkleTree(leaves)
    rng = random.Random(5)
    sizes = [1, 2, 15, 16, 17, 100, 256, 394, 395, *rng.sample(range(1, 396), 8)]
    with engine.connect() as conn:
        for size in sizes:
            assert tree.root(conn, size) == whole.root_at(size), size
            indexes = rng.sample(range(size), min(size, 12))
            proofs = tree.inclusion_proofs(conn, indexes, size)
            assert proofs == [whole.inclusion_proof(i, size) for i in indexes], size
            old = rng.randint(0, size)
            assert tree.consistency_proof(conn, old, size) == whole.consistency_proof(old, size)


def test_a_node_that_went_missing_stops_appends_and_signing(engine: Engine) -> None:
    _grow(engine, [40])  # 32 + 8: the edge is the nodes (5, 0) and (3, 4)
    with engine.begin() as conn:
        log.sign(conn, KEY, AT)
        conn.execute(delete(evidence_nodes).where(evidence_nodes.c.level == 5))
    with pytest.raises(LogTampered, match="level 5, position 0"), engine.begin() as conn:
        # 24 more complete [0, 64), whose left half is the node that is gone.
        log.append(conn, _events(tenancy.tenant_id(conn, "acme"), 40, 24), AT)
    other = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(32)))  # a rotated key
    with pytest.raises(LogTampered, match="level 5, position 0"), engine.begin() as conn:
        log.sign(conn, other, AT)
    with engine.connect() as conn:
        state = repo.log_state(conn)
    assert state is not None
    assert state[1] == 40  # the refused append gave its position back


def test_the_migration_builds_the_nodes_of_a_log_that_predates_them(engine: Engine) -> None:
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0014")
    try:
        with engine.begin() as conn:
            tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
            entries = [e.entry(n, "acme") for n, e in enumerate(_events(tenant_id, 0, 777))]
            conn.execute(
                insert(evidence_log).values(id=1, log_id="old", next_index=777, created_at=AT)
            )
            conn.execute(
                insert(evidence_entries),
                [
                    {
                        "entry_index": n,
                        "tenant_id": tenant_id,
                        "kind": "payment",
                        "case_id": None,
                        "entry": e,
                        "leaf_hash": leaf_hash(e),
                        "appended_at": AT,
                    }
                    for n, e in enumerate(entries)
                ],
            )
    finally:
        command.upgrade(cfg, "head")
    whole = MerkleTree([leaf_hash(e) for e in entries])
    assert _stored_nodes(engine) == _perfect(whole)
    with engine.begin() as conn:  # and appends carry on from there
        log.append(conn, _events(tenant_id, 777, 300), AT)
        head, _ = log.sign(conn, KEY, AT)
    leaves = [leaf_hash(e) for e in entries] + [
        leaf_hash(e.entry(777 + n, "acme")) for n, e in enumerate(_events(tenant_id, 777, 300))
    ]
    assert head.root_hash == MerkleTree(leaves).root
    with engine.connect() as conn:
        assert audit(conn).ok


def test_many_appenders_at_once_on_postgresql_leave_a_gapless_clean_log(
    engine: Engine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer; concurrency is PostgreSQL's")
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
    errors: list[BaseException] = []
    sizes = [[300, 1, 97, 2], [5, 250, 64, 3], [1, 1, 500, 17], [128, 63, 2, 200]]

    def work(batches: list[int]) -> None:
        try:
            for b in batches:
                with engine.begin() as conn:
                    log.append(conn, _events(tenant_id, 0, b), AT)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in sizes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = sum(map(sum, sizes))
    with engine.begin() as conn:
        indexes = conn.execute(select(evidence_entries.c.entry_index)).scalars().all()
        assert sorted(indexes) == list(range(total))
        head, _ = log.sign(conn, KEY, AT)
    with engine.connect() as conn:
        report = audit(conn, trusted_key_id=KEY.key_id)
        leaves = [e.leaf_hash for e in repo.all_entries(conn)]
    assert report.ok, report.as_dict()
    assert head.tree_size == total
    assert head.root_hash == MerkleTree(leaves).root
    assert _stored_nodes(engine) == _perfect(MerkleTree(leaves))


def _sign_at(engine: Engine, sizes: list[int]) -> int:
    """Grow the log to each size in turn and sign a head there; returns the tenant."""
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
    size = 0
    for target in sizes:
        with engine.begin() as conn:
            log.append(conn, _events(tenant_id, size, target - size), AT)
            log.sign(conn, KEY, AT)
        size = target
    return tenant_id


def _rewrite(engine: Engine, index: int) -> None:
    """An edit that leaves no per-entry trace: the entry's bytes and leaf hash together."""
    e = evidence_entries.c
    with engine.begin() as conn:
        raw = bytes(conn.execute(select(e.entry).where(e.entry_index == index)).scalar_one())
        edited = raw.replace(b'"n":', b'"n":1')
        conn.execute(
            update(evidence_entries)
            .where(e.entry_index == index)
            .values(entry=edited, leaf_hash=leaf_hash(edited))
        )


class TestAuditOfEveryHead:
    def test_a_clean_log_with_many_heads_is_clean(self, engine: Engine) -> None:
        _sign_at(engine, [10, 40, 41, 100])
        with engine.connect() as conn:
            report = audit(conn, trusted_key_id=KEY.key_id).as_dict()
        assert report["ok"], report
        assert [h["tree_size"] for h in report["heads"]] == [10, 40, 41, 100]
        assert report["first_bad_head"] is None
        assert report["nodes_disagree"] == []

    def test_an_edit_with_its_leaf_hash_is_located_between_two_heads(self, engine: Engine) -> None:
        _sign_at(engine, [10, 40, 41, 100])
        _rewrite(engine, 37)
        with engine.connect() as conn:
            report = audit(conn, trusted_key_id=KEY.key_id)
        # Named by the leaf hash the tree recorded for 37 when it was appended.
        assert (report.altered, report.misplaced, report.missing) == ([37], [], [])
        assert [h.root_matches for h in report.heads] == [True, False, False, False]
        assert (report.last_good_head, report.first_bad_head) == (10, 40)  # 37 is in [10, 40)
        assert report.inconsistent_heads == []  # the heads agree; the entries changed
        # The stored tree still holds what was appended: its nodes over 37 now disagree.
        assert report.nodes_disagree == [(4, 2), (5, 1), (6, 0)]
        assert not report.ok

    def test_a_head_a_later_head_does_not_extend_is_reported(self, engine: Engine) -> None:
        _sign_at(engine, [10, 40])
        with engine.begin() as conn:  # a head signed with the real key over another tree
            forged = bytes(32)
            conn.execute(
                insert(tree_heads).values(
                    tree_size=20,
                    key_id=KEY.key_id,
                    root_hash=forged,
                    signature=KEY.sign(tree_head_message(repo.log_state(conn)[0], 20, forged)),
                    public_key=KEY.public_key,
                    signed_at=AT,
                )
            )
        with engine.connect() as conn:
            report = audit(conn, trusted_key_id=KEY.key_id)
        assert [(h.tree_size, h.root_matches, h.signature_valid) for h in report.heads] == [
            (10, True, True),
            (20, False, True),
            (40, True, True),
        ]
        assert report.inconsistent_heads == [
            {"tree_size": 20, "key_id": KEY.key_id, "later_size": 40}
        ]
        assert report.nodes_disagree == []
        assert not report.ok

    def test_a_stored_node_edited_is_named_and_the_entries_are_not_blamed(
        self, engine: Engine
    ) -> None:
        _sign_at(engine, [100])
        n = evidence_nodes.c
        with engine.begin() as conn:
            conn.execute(
                update(evidence_nodes).where(n.level == 4, n.position == 3).values(hash=bytes(32))
            )
        with engine.connect() as conn:
            report = audit(conn, trusted_key_id=KEY.key_id)
        assert report.nodes_disagree == [(4, 3)]
        assert report.root_matches is True
        assert (report.altered, report.missing) == ([], [])
        assert not report.ok


def test_the_column_wise_append_stores_its_nodes_too(engine: Engine) -> None:
    import polars as pl

    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
        log.append(conn, _events(tenant_id, 0, 5), AT)  # an odd edge to hang from
        frame = pl.DataFrame(
            {
                "case_id": [f"C{n % 7}" for n in range(300)],
                "at": [AT + timedelta(seconds=n) for n in range(300)],
                "plan_id": [f"P{n}" for n in range(300)],
                "amount_minor": list(range(300)),
            }
        )
        assert log.append_frame(conn, tenant_id, EvidenceKind.MESSAGE_PLANNED, frame, AT) == 300
        log.append(conn, _events(tenant_id, 305, 40), AT)
    with engine.connect() as conn:
        leaves = [e.leaf_hash for e in repo.all_entries(conn)]
        assert audit(conn).ok
    assert len(leaves) == 345
    assert _stored_nodes(engine) == _perfect(MerkleTree(leaves))
