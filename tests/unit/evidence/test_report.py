"""The PDF evidence report, made from a bundle alone: what it says on page one, what its
timeline shows, and that it never passes off a bundle that fails a check as fine."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from recoverly.domain.errors import InvalidInput
from recoverly.domain.merkle import leaf_hash
from recoverly.evidence.report import Report, ReportFontMissing, render_report
from tests.unit.evidence.bundles import KEY, bundle, entry

GENERATED = datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
CONTENT = hashlib.sha256(b"Dear Jane").hexdigest()


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def squeezed(text: str) -> str:
    """Text without whitespace: hashes wrap over lines in the table's narrow column."""
    return "".join(text.split())


def report(data: dict[str, Any], **kwargs: Any) -> Report:
    raw = json.dumps(data).encode()
    return render_report(
        data, bundle_sha256=hashlib.sha256(raw).hexdigest(), generated_at=GENERATED, **kwargs
    )


def case_log() -> list[bytes]:
    """A week of one case, with an entry of another case in the middle of the log."""
    return [
        entry(0, "message_sent", channel="sms", template="gentle_reminder", template_version=1,
              locale="en", content_sha256=CONTENT, provider_id="SM1", plan_id="P1"),
        entry(1, "payment", case_id="C2", account_id="A9", amount_minor=100, currency="USD"),
        entry(2, "payment", account_id="A1", amount_minor=12000, currency="GBP",
              payment_id="PAY-1", paid_at="2026-03-09T09:00:00+00:00"),
        entry(3, "hold_placed", hold="dispute", hold_id="H1", channel=None,
              starts_at="2026-03-09T10:03:00+00:00", ends_at=None, by="token:7"),
        entry(4, "consent_given", channel="sms", note="债务人同意短信联系"),
        entry(5, "hold_released", hold="dispute", hold_id="H1", channel=None,
              starts_at="2026-03-09T10:03:00+00:00", ends_at=None, by="token:7"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def verified() -> tuple[dict[str, Any], Report]:
    data = bundle(case_log(), include=[0, 2, 3, 4, 5])
    return data, report(data, bundle_name="case-C1.json")


class TestAVerifiedBundle:
    def test_page_one_names_the_case_the_bundle_and_the_verdict(
        self, verified: tuple[dict[str, Any], Report]
    ) -> None:
        data, made = verified
        first = pages(made.pdf)[0]
        assert "Evidence report: case C1" in first
        assert "Tenant acme" in first
        assert "log-test" in first
        assert hashlib.sha256(json.dumps(data).encode()).hexdigest() in squeezed(first)
        assert "2026-03-10 08:30:00 UTC" in first
        assert "VERIFIED: every check passed" in first
        assert "FAILED" not in first
        assert made.verification.ok

    def test_it_shows_the_signed_tree_head(self, verified: tuple[dict[str, Any], Report]) -> None:
        data, made = verified
        text = squeezed("".join(pages(made.pdf)))
        for value in (data["root_hash"], data["signature"], data["public_key"], KEY.key_id):
            assert value in text
        assert squeezed(f"recoverly-tree-head:v1:log-test:6:{data['root_hash']}") in text

    def test_the_timeline_has_every_entry_in_plain_words_with_its_leaf_hash(
        self, verified: tuple[dict[str, Any], Report]
    ) -> None:
        data, made = verified
        text = "\n".join(pages(made.pdf))
        assert "Payment of 120.00 GBP allocated to account A1" in text
        assert "Hold placed: dispute (hold H1)" in text
        assert "Hold lifted: dispute (hold H1)" in text
        assert squeezed(
            f"SMS sent, template gentle_reminder v1 (en), content SHA-256 {CONTENT}"
        ) in squeezed(text)
        # a kind this report has no words for yet: its name and its facts, CJK and all
        assert "Consent given: channel: sms; note: 债务人同意短信联系" in text
        for item in data["entries"]:
            assert leaf_hash(base64.b64decode(item["entry"])).hex() in squeezed(text)
        assert "A9" not in text  # another case's entry is not in the bundle

    def test_the_appendix_lists_every_proof_in_full(
        self, verified: tuple[dict[str, Any], Report]
    ) -> None:
        data, made = verified
        appendix = "\n".join(pages(made.pdf)).split("Appendix: inclusion proofs")[1]
        for item in data["entries"]:
            assert f"Entry {item['index']}:" in appendix
            for node in item["inclusion_proof"]:
                assert node in appendix

    def test_how_to_verify_gives_the_command_and_the_recipe(
        self, verified: tuple[dict[str, Any], Report]
    ) -> None:
        _, made = verified
        text = "\n".join(pages(made.pdf))
        assert squeezed(
            f"recoverly evidence verify case-C1.json --key-id {KEY.key_id}"
        ) in squeezed(text)
        assert "sha256sum case-C1.json" in text
        assert "SHA-256(0x00 || entry bytes)" in text
        assert "SHA-256(0x01 || left || right)" in text
        assert "recoverly-tree-head:v1:<log_id>:<tree_size>:<root_hash in hex>" in text

    def test_the_signer_is_named_as_unchecked_unless_a_key_id_is_given(
        self, verified: tuple[dict[str, Any], Report]
    ) -> None:
        data, made = verified
        assert "Signer not compared with a published key id" in pages(made.pdf)[0]
        checked = report(data, expected_key_id=KEY.key_id)
        expected = squeezed(f"Signed by the expected key {KEY.key_id}.")
        assert expected in squeezed(pages(checked.pdf)[0])


class TestABundleThatFails:
    def test_an_altered_entry_is_reported_as_failed_naming_the_check(self) -> None:
        data = bundle(case_log())
        raw = base64.b64decode(data["entries"][2]["entry"]).replace(b"12000", b"1200")
        data["entries"][2]["entry"] = base64.b64encode(raw).decode()

        made = report(data)
        first = pages(made.pdf)[0]
        assert not made.verification.ok
        assert "VERIFICATION FAILED" in first
        assert "VERIFIED" not in first
        assert "FAILED inclusion: entry 2 is not under the signed root by its proof" in first
        # and the timeline marks that row
        assert "FAILED" in "\n".join(pages(made.pdf)[1:])

    def test_a_signature_that_does_not_verify(self) -> None:
        data = bundle(case_log())
        data["tree_size"] = 7
        first = pages(report(data).pdf)[0]
        assert "VERIFICATION FAILED" in first
        assert "FAILED signature" in first

    def test_a_key_other_than_the_published_one(self) -> None:
        first = pages(report(bundle(case_log()), expected_key_id="0" * 64).pdf)[0]
        assert "VERIFICATION FAILED" in first
        assert "FAILED key id" in first

    def test_a_malformed_bundle_is_refused_naming_the_field(self) -> None:
        data = copy.deepcopy(bundle(case_log()))
        data["tree_size"] = "six"
        with pytest.raises(InvalidInput, match="tree_size"):
            report(data)


def test_many_entries_run_over_numbered_pages_with_a_header() -> None:
    log = [
        entry(n, "payment", account_id=f"A{n}", amount_minor=n * 100, currency="EUR")
        for n in range(150)
    ]
    data = bundle(log)
    made = report(data)
    text = pages(made.pdf)
    assert len(text) >= 8
    for n, page in enumerate(text, start=1):
        assert f"Page {n} of {len(text)}" in page
    assert all("Recoverly evidence report · case C1" in page for page in text[1:])
    everything = squeezed("".join(text))
    for item in data["entries"]:
        assert leaf_hash(base64.b64decode(item["entry"])).hex() in everything
    assert "Payment of 149.00 EUR allocated to account A149" in "\n".join(text)


def test_a_character_the_font_lacks_is_shown_as_its_code_point() -> None:
    made = report(bundle([entry(0, "note_taken", text="paid 😀")]))
    assert "paid <U+1F600>" in "\n".join(pages(made.pdf))


def test_the_same_bundle_and_time_give_the_same_pdf() -> None:
    data = bundle(case_log()[:2])
    assert report(data).pdf == report(copy.deepcopy(data)).pdf


def test_a_missing_font_names_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(ReportFontMissing, match="fonts-wqy-microhei"):
        report(bundle(case_log()[:1]), font_path=tmp_path / "none.ttc")
