"""``recoverly evidence report``: a PDF from the store's bundle or from a bundle file,
its exit codes, and bad input named by file."""

from __future__ import annotations

import hashlib
import json
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from tests.integration.cli.test_evidence_cli import _append, run

# Reporting a bundle file needs no database: a URL that cannot be opened proves it.
NO_DATABASE = "sqlite:////nonexistent/recoverly.db"


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf.read_bytes())).pages)


def test_a_report_from_the_store_writes_the_pdf_and_the_bundle_it_describes(
    database_url: str, tmp_path: Path
) -> None:
    key = tmp_path / "evidence.key"
    assert run(database_url, key, "keygen", "--out", str(key)).returncode == 0
    _append(database_url, 9)
    assert run(database_url, key, "sign").returncode == 0

    out = tmp_path / "c1.pdf"
    done = run(database_url, key, "report", "--case", "C1", "--tenant", "acme", "--out", str(out))
    assert done.returncode == 0, done.stderr
    bundle = tmp_path / "c1.bundle.json"
    assert f"wrote the bundle to {bundle}" in done.stdout
    assert f"wrote the report on 4 entries to {out}: verified" in done.stdout
    text = text_of(out)
    squeezed = "".join(text.split())
    assert "Evidence report: case C1" in text
    assert "VERIFIED: every check passed" in text
    assert hashlib.sha256(bundle.read_bytes()).hexdigest() in squeezed
    assert json.loads(bundle.read_text())["root_hash"] in squeezed
    assert "sha256sum c1.bundle.json" in text
    # the bundle beside the report is the one `export` writes, and it verifies
    assert run(database_url, key, "verify", str(bundle)).returncode == 0
    exported = tmp_path / "exported.json"
    run(database_url, key, "export", "--case", "C1", "--tenant", "acme", "--out", str(exported))
    assert exported.read_bytes() == bundle.read_bytes()

    elsewhere = tmp_path / "kept.json"
    again = run(
        database_url, key, "report", "--case", "C1", "--tenant", "acme",
        "--out", str(out), "--bundle-out", str(elsewhere),
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert elsewhere.read_bytes() == bundle.read_bytes()

    offline = tmp_path / "offline.pdf"
    from_file = run(NO_DATABASE, key, "report", "--bundle", str(bundle), "--out", str(offline))
    assert from_file.returncode == 0, from_file.stderr
    assert "VERIFIED: every check passed" in text_of(offline)


def test_a_bundle_that_fails_gets_a_report_that_says_so_and_exit_1(tmp_path: Path) -> None:
    from tests.unit.evidence.bundles import bundle, entry

    data = bundle([entry(n, "message_sent", plan_id=f"P{n}") for n in range(3)])
    data["tree_size"] = 4
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "tampered.pdf"

    done = run(NO_DATABASE, tmp_path / "k", "report", "--bundle", str(path), "--out", str(out))
    assert done.returncode == 1
    assert "verification FAILED" in done.stdout
    assert "FAILED signature" in done.stderr
    first = PdfReader(BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "VERIFICATION FAILED" in first
    assert "FAILED signature: the tree head's signature does not verify" in first


def test_bad_input_exits_2_naming_the_file(tmp_path: Path) -> None:
    key, out = tmp_path / "k", tmp_path / "r.pdf"
    missing = tmp_path / "missing.json"
    done = run(NO_DATABASE, key, "report", "--bundle", str(missing), "--out", str(out))
    assert done.returncode == 2
    assert f"{missing}: cannot read it" in done.stderr

    broken = tmp_path / "broken.json"
    broken.write_text('{"log_id": ')
    done = run(NO_DATABASE, key, "report", "--bundle", str(broken), "--out", str(out))
    assert done.returncode == 2
    assert f"{broken}: not JSON" in done.stderr

    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"log_id": "x", "tree_size": "nine"}')
    done = run(NO_DATABASE, key, "report", "--bundle", str(wrong), "--out", str(out))
    assert done.returncode == 2
    assert f"{wrong}: bundle: field 'tree_size' must be an integer" in done.stderr

    listed = tmp_path / "list.json"
    listed.write_text("[]")
    done = run(NO_DATABASE, key, "report", "--bundle", str(listed), "--out", str(out))
    assert done.returncode == 2
    assert f"{listed}: a bundle must be a JSON object" in done.stderr

    neither = run(NO_DATABASE, key, "report", "--out", str(out))
    assert neither.returncode == 2
    assert "give either --case ID" in neither.stderr
    both = run(
        NO_DATABASE, key, "report", "--case", "C1", "--bundle", str(wrong), "--out", str(out)
    )
    assert both.returncode == 2
    assert not out.exists()
