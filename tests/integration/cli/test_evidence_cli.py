"""``recoverly evidence``: keygen, sign, export, verify and audit as a user runs them."""

from __future__ import annotations

import base64
import copy
import json
import os
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.evidence import log
from recoverly.store import session
from recoverly.store.repositories import tenancy
from recoverly.store.tables import evidence_entries
from tests.integration.cli.test_import_cli import RECOVERLY

AT = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def run(url: str, key: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, RECOVERLY_DATABASE_URL=url, RECOVERLY_EVIDENCE_KEY_FILE=str(key), COLUMNS="200"
    )
    env.pop("RECOVERLY_EVIDENCE_KEY", None)
    return subprocess.run(
        [str(RECOVERLY), "evidence", *args], env=env, capture_output=True, text=True, timeout=120
    )


def _append(url: str, count: int) -> None:
    engine = session.open_engine(url)
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
        log.append(
            conn,
            [Evidence(EvidenceKind.MESSAGE_SENT, tenant_id, AT, f"C{n % 2}") for n in range(count)],
            AT,
        )


def test_keygen_sign_export_verify_audit(database_url: str, tmp_path: Path) -> None:
    key = tmp_path / "evidence.key"
    made = run(database_url, key, "keygen", "--out", str(key))
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(base64.b64decode(key.read_text())) == 32
    assert run(database_url, key, "keygen", "--out", str(key)).returncode == 2  # no overwrite

    _append(database_url, 9)
    signed = run(database_url, key, "sign")
    assert signed.returncode == 0, signed.stderr
    assert "tree size 9" in signed.stdout

    bundle = tmp_path / "c1.json"
    done = run(
        database_url, key, "export", "--case", "C1", "--tenant", "acme", "--out", str(bundle)
    )
    assert done.returncode == 0, done.stderr
    assert "wrote 4 entries" in done.stdout
    checked = run(database_url, key, "verify", str(bundle))
    assert checked.returncode == 0, checked.stderr
    assert "verified: 4 entries under a tree of size 9" in checked.stdout
    assert run(database_url, key, "verify", str(bundle), "--key-id", "0" * 64).returncode == 1

    data = json.loads(bundle.read_text())
    data["tree_size"] = 10
    bundle.write_text(json.dumps(data))
    refused = run(database_url, key, "verify", str(bundle))
    assert refused.returncode == 1
    assert "FAILED signature" in refused.stderr

    audited = run(database_url, key, "audit", "--json")
    assert audited.returncode == 0, audited.stdout
    assert json.loads(audited.stdout)["ok"] is True
    with session.open_engine(database_url).begin() as conn:
        conn.execute(
            update(evidence_entries)
            .where(evidence_entries.c.entry_index == 5)
            .values(entry=b'{"index":5}')
        )
    audited = run(database_url, key, "audit")
    assert audited.returncode == 1
    assert "altered (bytes no longer match their leaf hash): [5]" in audited.stdout
    assert "first bad head: tree size 9; an edit lies at a position in [0, 9)" in audited.stdout


def test_bad_input_exits_2_with_a_message(database_url: str, tmp_path: Path) -> None:
    key = tmp_path / "none.key"
    bundle = tmp_path / "b.json"
    bundle.write_text('{"log_id": "x", "tree_size": "nine"}')
    bad = run(database_url, key, "verify", str(bundle))
    assert bad.returncode == 2
    assert "field 'tree_size' must be an integer" in bad.stderr
    missing = run(database_url, key, "sign")
    assert missing.returncode == 2
    assert "none.key: cannot read it" in missing.stderr
    _append(database_url, 1)
    nothing = run(database_url, key, "export", "--case", "C1", "--out", str(bundle))
    assert nothing.returncode == 2


def test_consistency_between_signed_heads_is_written_and_verified_offline(
    database_url: str, tmp_path: Path
) -> None:
    key = tmp_path / "evidence.key"
    assert run(database_url, key, "keygen", "--out", str(key)).returncode == 0
    for count in (9, 24, 3):  # heads at 9, 33 and 36
        _append(database_url, count)
        assert run(database_url, key, "sign").returncode == 0

    proof = tmp_path / "c.json"
    made = run(database_url, key, "consistency", "--from-size", "9", "--out", str(proof))
    assert made.returncode == 0, made.stderr
    assert "from tree size 9 to 36" in made.stdout
    data = json.loads(proof.read_text())
    assert data["type"] == "consistency"
    assert (data["from"]["tree_size"], data["to"]["tree_size"]) == (9, 36)
    checked = run(database_url, key, "verify", str(proof))
    assert checked.returncode == 0, checked.stderr
    assert "the tree of size 36 extends the tree of size 9" in checked.stdout

    middle = run(database_url, key, "consistency", "--from-size", "9", "--to-size", "33")
    assert middle.returncode == 0, middle.stderr
    assert len(json.loads(middle.stdout)["consistency_proof"]) > 0

    bad = copy.deepcopy(data)
    bad["consistency_proof"][0] = "00" * 32
    proof.write_text(json.dumps(bad))
    refused = run(database_url, key, "verify", str(proof))
    assert refused.returncode == 1
    assert "FAILED consistency: the tree of size 36 does not extend" in refused.stderr
    bad = copy.deepcopy(data)
    bad["from"]["root_hash"] = "00" * 32
    proof.write_text(json.dumps(bad))
    refused = run(database_url, key, "verify", str(proof))
    assert refused.returncode == 1
    assert "FAILED signature: the from head's signature does not verify" in refused.stderr
    assert "FAILED consistency" in refused.stderr
    proof.write_text(json.dumps(data))
    assert run(database_url, key, "verify", str(proof), "--key-id", "0" * 64).returncode == 1

    unsigned = run(database_url, key, "consistency", "--from-size", "10")
    assert unsigned.returncode == 2
    assert "no head was signed at tree size 10; signed sizes: 9, 33, 36" in unsigned.stderr
    backwards = run(database_url, key, "consistency", "--from-size", "33", "--to-size", "9")
    assert backwards.returncode == 2


def test_a_recording_is_vouched_for_and_a_swapped_one_is_found(
    database_url: str, tmp_path: Path
) -> None:
    """The log names a recording by its SHA-256: ``verify --attachment`` ties the file to
    its entry offline, and ``audit --blobs`` finds the stored copy swapped or gone."""
    from recoverly.store.blobs import LocalBlobStore

    key = tmp_path / "evidence.key"
    assert run(database_url, key, "keygen", "--out", str(key)).returncode == 0
    blobs = tmp_path / "blobs"
    os.environ["RECOVERLY_BLOB_DIR"] = str(blobs)
    try:
        audio = b"OggS" + os.urandom(4096)
        digest = LocalBlobStore(blobs).put(audio, "audio/ogg")
        engine = session.open_engine(database_url)
        with engine.begin() as conn:
            tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
            call = Evidence(
                EvidenceKind.CALL_OUTCOME,
                tenant_id,
                AT,
                "C7",
                (
                    ("contact_id", "call-1"),
                    ("outcome", "conversation"),
                    ("recording_sha256", digest),
                ),
            )
            log.append(conn, [call], AT)
        assert run(database_url, key, "sign").returncode == 0
        bundle = tmp_path / "c7.json"
        exported = run(
            database_url, key, "export", "--tenant", "acme", "--case", "C7", "--out", str(bundle)
        )
        assert exported.returncode == 0, exported.stderr
        recording = tmp_path / "call-1.ogg"
        recording.write_bytes(audio)
        vouched = run(database_url, key, "verify", str(bundle), "--attachment", str(recording))
        assert vouched.returncode == 0, vouched.stderr
        assert "entry 0 (recording_sha256)" in vouched.stdout
        other = tmp_path / "other.ogg"
        other.write_bytes(audio + b"!")
        refused = run(database_url, key, "verify", str(bundle), "--attachment", str(other))
        assert refused.returncode == 1
        assert "named by no entry" in refused.stderr

        assert run(database_url, key, "audit", "--blobs").returncode == 0
        stored = LocalBlobStore(blobs).path_for(digest)
        stored.write_bytes(b"OggS" + os.urandom(4096))  # swapped on disk
        swapped = run(database_url, key, "audit", "--blobs", "--json")
        assert swapped.returncode == 1
        found = json.loads(swapped.stdout)
        assert found["blobs"]["corrupted"] == [{"index": 0, "sha256": digest}]
        assert found["altered"] == []  # the log itself is intact: the blob is what changed
        stored.unlink()
        gone = json.loads(run(database_url, key, "audit", "--blobs", "--json").stdout)
        assert gone["blobs"]["missing"] == [{"index": 0, "sha256": digest}]
    finally:
        os.environ.pop("RECOVERLY_BLOB_DIR", None)
