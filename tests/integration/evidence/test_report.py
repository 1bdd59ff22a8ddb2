"""The PDF report of a bundle the store exported: what the database holds about a case,
signed, verified and read back out of the PDF."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import Engine

from recoverly.domain.merkle import leaf_hash
from recoverly.evidence.report import render_report
from tests.integration.evidence.test_log import _signed_bundle

GENERATED = datetime(2026, 3, 10, 8, 30, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_a_report_of_an_exported_bundle_shows_every_entry_and_its_verdict(
    engine: Engine,
) -> None:
    bundle = _signed_bundle(engine, "C1")
    raw = (json.dumps(bundle, indent=2) + "\n").encode()
    made = render_report(
        json.loads(raw), bundle_sha256=hashlib.sha256(raw).hexdigest(), generated_at=GENERATED
    )
    text = text_of(made.pdf)
    squeezed = "".join(text.split())
    assert made.verification.ok
    assert "Evidence report: case C1" in text
    assert "VERIFIED: every check passed" in text
    assert bundle["root_hash"] in squeezed
    assert hashlib.sha256(raw).hexdigest() in squeezed
    assert len(bundle["entries"]) == 8
    for item in bundle["entries"]:
        assert leaf_hash(base64.b64decode(item["entry"])).hex() in squeezed
    # these entries have fewer facts than a dispatcher's: listed as they are, not guessed
    first = f"Message sent: content_sha256: {hashlib.sha256(b'1').hexdigest()}; plan_id: P1"
    assert "".join(first.split()) in squeezed


def test_a_tampered_export_gives_a_report_that_says_it_failed(engine: Engine) -> None:
    bundle = copy.deepcopy(_signed_bundle(engine, "C1"))
    raw = base64.b64decode(bundle["entries"][1]["entry"]).replace(b"P4", b"P5")
    bundle["entries"][1]["entry"] = base64.b64encode(raw).decode()
    made = render_report(bundle, bundle_sha256="0" * 64, generated_at=GENERATED)
    text = text_of(made.pdf)
    assert not made.verification.ok
    assert "VERIFICATION FAILED" in text
    assert "FAILED inclusion: entry 4 is not under the signed root by its proof" in text
