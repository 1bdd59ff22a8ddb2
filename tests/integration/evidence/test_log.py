"""The evidence log on each database: append, sign, export, verify (with Recoverly's
verifier and with an independent one written here), and the audit that names edits."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine, delete, select, update

from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.domain.merkle import leaf_hash
from recoverly.evidence import log
from recoverly.evidence.audit import audit
from recoverly.evidence.bundle import export_case
from recoverly.evidence.errors import LogTampered
from recoverly.evidence.keys import SigningKey
from recoverly.evidence.verify import verify_bundle
from recoverly.store.repositories import tenancy
from recoverly.store.tables import evidence_entries

AT = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
KEY = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))


def independent_verify(bundle: dict[str, Any]) -> bool:
    """RFC 9162 inclusion and the contract's signature, from the RFC's text alone: its own
    hashing (hashlib), none of Recoverly's code."""

    def h(data: bytes) -> bytes:
        return hashlib.sha256(data).digest()

    root = bytes.fromhex(bundle["root_hash"])
    size = bundle["tree_size"]
    signed = f"recoverly-tree-head:v1:{bundle['log_id']}:{size}:{bundle['root_hash']}"
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(bundle["public_key"])).verify(
            base64.b64decode(bundle["signature"]), signed.encode()
        )
    except InvalidSignature:
        return False
    for item in bundle["entries"]:
        fn, sn = item["index"], size - 1
        r = h(b"\x00" + base64.b64decode(item["entry"]))
        for p in map(bytes.fromhex, item["inclusion_proof"]):
            if sn == 0:
                return False
            if fn % 2 == 1 or fn == sn:
                r = h(b"\x01" + p + r)
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
            else:
                r = h(b"\x01" + r + p)
            fn, sn = fn >> 1, sn >> 1
        if sn != 0 or r != root:
            return False
    return True


def _event(tenant_id: int, case_id: str, n: int) -> Evidence:
    return Evidence(
        kind=EvidenceKind.MESSAGE_SENT,
        tenant_id=tenant_id,
        at=AT + timedelta(minutes=n),
        case_id=case_id,
        facts=(("plan_id", f"P{n}"), ("content_sha256", hashlib.sha256(b"%d" % n).hexdigest())),
    )


def _fill(engine: Engine, count: int = 23) -> int:
    """A tenant with ``count`` entries over three cases (C0, C1, C2), in a few batches."""
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
    for start in range(0, count, 5):
        with engine.begin() as conn:
            events = [
                _event(tenant_id, f"C{n % 3}", n) for n in range(start, min(start + 5, count))
            ]
            log.append(conn, events, AT)
    return tenant_id


def _signed_bundle(engine: Engine, case_id: str = "C1") -> dict[str, Any]:
    tenant_id = _fill(engine)
    with engine.begin() as conn:
        log.sign(conn, KEY, AT)
    with engine.connect() as conn:
        return export_case(conn, tenant_id, case_id)


def test_a_case_bundle_verifies_with_recoverly_and_an_independent_verifier(
    engine: Engine,
) -> None:
    bundle = _signed_bundle(engine)
    assert bundle["tree_size"] == 23
    assert [e["index"] for e in bundle["entries"]] == list(range(1, 23, 3))
    assert bundle["key_id"] == hashlib.sha256(base64.b64decode(bundle["public_key"])).hexdigest()
    found = verify_bundle(json.loads(json.dumps(bundle)))
    assert found.ok, found.failures
    assert independent_verify(bundle)
    first = json.loads(base64.b64decode(bundle["entries"][0]["entry"]))
    assert first == {
        "at": "2026-03-09T10:01:00.000000Z",
        "case_id": "C1",
        "content_sha256": hashlib.sha256(b"1").hexdigest(),
        "index": 1,
        "kind": "message_sent",
        "plan_id": "P1",
        "tenant": "acme",
    }


def test_signing_again_adds_no_head_until_something_is_appended(engine: Engine) -> None:
    tenant_id = _fill(engine, 4)
    with engine.begin() as conn:
        first, new = log.sign(conn, KEY, AT)
        assert new
        again, new = log.sign(conn, KEY, AT)
        assert not new
        assert again == first
        log.append(conn, [_event(tenant_id, "C9", 9)], AT)
        later, new = log.sign(conn, KEY, AT)
    assert new
    assert later.tree_size == 5


@pytest.mark.parametrize(
    ("where", "check"),
    [
        ("entry", "inclusion: entry 4"),
        ("root", "signature"),
        ("signature", "signature"),
        ("index", "inclusion: entry 7"),
    ],
)
def test_a_tampered_bundle_fails_verification_naming_the_check(
    engine: Engine, where: str, check: str
) -> None:
    bundle = copy.deepcopy(_signed_bundle(engine))
    if where == "entry":
        raw = base64.b64decode(bundle["entries"][1]["entry"]).replace(b"P4", b"P5")
        bundle["entries"][1]["entry"] = base64.b64encode(raw).decode()
    elif where == "root":
        bundle["root_hash"] = "00" + bundle["root_hash"][2:]
    elif where == "signature":
        sig = bytearray(base64.b64decode(bundle["signature"]))
        sig[0] ^= 1
        bundle["signature"] = base64.b64encode(bytes(sig)).decode()
    else:
        bundle["entries"][1]["index"] = 7
    found = verify_bundle(bundle)
    assert not found.ok
    assert any(f.startswith(check) for f in found.failures), found.failures
    assert not independent_verify(bundle)


def test_appends_from_many_threads_take_every_position_once(engine: Engine) -> None:
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(10):
                with engine.begin() as conn:
                    log.append(conn, [_event(tenant_id, f"W{worker}", n)] * 3, AT)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        indexes = conn.execute(select(evidence_entries.c.entry_index)).scalars().all()
        report = audit(conn)
    assert sorted(indexes) == list(range(180))
    assert report.ok
    assert report.misplaced == []


class TestAudit:
    def test_a_clean_log_is_clean(self, engine: Engine) -> None:
        _signed_bundle(engine)
        with engine.connect() as conn:
            report = audit(conn, trusted_key_id=KEY.key_id)
        assert report.ok
        assert (report.size, report.stored, report.signed_size) == (23, 23, 23)
        assert (report.root_matches, report.signature_valid, report.key_trusted) == (
            True,
            True,
            True,
        )

    def test_edits_deletions_and_swaps_are_named_by_index(self, engine: Engine) -> None:
        _signed_bundle(engine)
        e = evidence_entries.c
        with engine.begin() as conn:
            raw = conn.execute(select(e.entry).where(e.entry_index == 3)).scalar_one()
            edited = bytes(raw).replace(b"P3", b"P9")
            conn.execute(update(evidence_entries).where(e.entry_index == 3).values(entry=edited))
            conn.execute(delete(evidence_entries).where(e.entry_index == 10))
            # Swap rows 15 and 20: each keeps its bytes and leaf hash, under the other index.
            conn.execute(update(evidence_entries).where(e.entry_index == 15).values(entry_index=-1))
            conn.execute(update(evidence_entries).where(e.entry_index == 20).values(entry_index=15))
            conn.execute(update(evidence_entries).where(e.entry_index == -1).values(entry_index=20))
        with engine.connect() as conn:
            report = audit(conn, trusted_key_id=KEY.key_id)
        assert not report.ok
        assert report.altered == [3]
        assert report.missing == [10]
        assert report.misplaced == [15, 20]
        assert report.root_matches is False
        assert report.signature_valid is True
        with engine.begin() as conn:
            log.append(conn, [_event(tenancy.tenant_id(conn, "acme"), "C1", 99)], AT)
            # No head over an edit: the next head is signed from the tree as appended, so
            # the entries as they now stand do not give its root either.
            log.sign(conn, KEY, AT)
        with engine.connect() as conn:
            again = audit(conn, trusted_key_id=KEY.key_id)
        assert [(h.tree_size, h.root_matches) for h in again.heads] == [(23, False), (24, False)]

    def test_a_head_signed_by_another_key_is_reported(self, engine: Engine) -> None:
        _signed_bundle(engine)
        with engine.connect() as conn:
            report = audit(conn, trusted_key_id="0" * 64)
        assert report.key_trusted is False
        assert not report.ok

    @pytest.mark.parametrize("rehash", [False, True])
    def test_a_tampered_log_refuses_to_export(self, engine: Engine, rehash: bool) -> None:
        # Entry 1 is case C1's. Its proof comes from the tree as appended, so an entry
        # rewritten with a matching leaf hash no longer climbs it to the signed root.
        tenant_id = _fill(engine)
        e = evidence_entries.c
        with engine.begin() as conn:
            log.sign(conn, KEY, AT)
            raw = bytes(conn.execute(select(e.entry).where(e.entry_index == 1)).scalar_one())
            forged = raw.replace(b"P1", b"P7")
            conn.execute(
                update(evidence_entries)
                .where(e.entry_index == 1)
                .values(entry=forged, leaf_hash=leaf_hash(forged) if rehash else b"\0" * 32)
            )
        with engine.connect() as conn, pytest.raises(LogTampered, match="entry 1"):
            export_case(conn, tenant_id, "C1")
