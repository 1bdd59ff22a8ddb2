"""A case's evidence bundle as a PDF that a person can read, file and check.

A report is made from a bundle and nothing else (``render_report``): from a bundle file
offline, or from one the store has just exported. It verifies the bundle first and says
what it found on the first page, in words that cannot be missed: a report never presents
a bundle that fails a check as if it were fine. It names the SHA-256 of the bundle file
it was made from, so the paper can be tied to the file, and it ends with how anyone can
check that file themselves: the command, and a recipe that needs only SHA-256 and
Ed25519.

The report reads; it proves nothing by itself. The bundle is the evidence, and the
report's words for each entry (``narrative.py``) only help read it: every fact is shown,
beside the entry's leaf hash that anyone can recompute from the bundle.

The output is a function of its arguments (the generation time is one of them), so the
same bundle gives the same PDF, and the PDF embeds a subset of the letters' font
(``recoverly.kit.fonts``) so entries in any script print.
"""

from __future__ import annotations

import base64
import json
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import TextEmphasis, XPos, YPos
from fpdf.fonts import FontFace, TTFFont

from recoverly.domain.errors import RecoverlyError
from recoverly.domain.merkle import leaf_hash, verify_inclusion
from recoverly.evidence.narrative import ENVELOPE, describe, instant_text
from recoverly.evidence.verify import Verification, verify_bundle
from recoverly.kit.fonts import document_font_path, font_missing_message

PDF_CONTENT_TYPE = "application/pdf"

_TEXT, _MONO = "report", "report-mono"
_PLAIN = TextEmphasis.NONE  # the font has no bold face: emphasis is size and colour
_MARGIN = 15.0
_BLACK, _GREY, _RULE = (0, 0, 0), (90, 90, 90), (200, 200, 200)
_OK_FILL, _OK_INK = (225, 243, 225), (20, 90, 30)
_BAD_FILL, _BAD_INK = (252, 226, 226), (150, 20, 20)
_HEADING_FILL = (235, 235, 235)
_HASH_LINE = 16  # hex digits per line where a hash must wrap: four even quarters


class ReportFontMissing(RecoverlyError):
    """The font reports are set in is not installed."""

    code = "evidence.report.font_missing"


@dataclass(frozen=True, slots=True)
class Report:
    """A rendered report and the verification it states."""

    pdf: bytes
    verification: Verification


@dataclass(frozen=True, slots=True)
class _Entry:
    index: int
    at: str
    kind: str
    case_id: str
    tenant: str
    words: str
    leaf_hash: str
    proof: list[str]
    included: bool  # its leaf hash climbs its proof to the bundle's root


def render_report(
    bundle: Mapping[str, Any],
    *,
    bundle_sha256: str,
    generated_at: datetime,
    bundle_name: str = "bundle.json",
    expected_key_id: str | None = None,
    font_path: Path | None = None,
) -> Report:
    """Verify ``bundle`` and render its report.

    Args:
        bundle: the bundle as parsed from its JSON (the evidence-log contract).
        bundle_sha256: the hex SHA-256 of the bundle file's bytes, printed on page one.
        generated_at: when the report is made, printed and used as the PDF's date (no
            clock is read here, so the same inputs give the same bytes).
        bundle_name: the bundle file's name, as the verification commands should say it.
        expected_key_id: the signer's published key id, checked as ``verify --key-id``.
        font_path: a TrueType/OpenType font (collection) with CJK glyphs; by default the
            letters' font.

    Returns:
        The PDF and the verification it reports; a bundle that fails a check still gets
        a report, one that says so on its first page.

    Raises:
        InvalidInput: the bundle is malformed (``verify_bundle`` names the field).
        ReportFontMissing: the font is not installed.
    """
    verification = verify_bundle(bundle, expected_key_id=expected_key_id)
    root = bytes.fromhex(bundle["root_hash"])
    entries = [_entry(item, bundle["tree_size"], root) for item in bundle["entries"]]
    pdf = _ReportPDF(_font(font_path or document_font_path()))
    pdf.subject = _subject(entries)
    pdf.bundle_sha256 = bundle_sha256
    pdf.set_creation_date(generated_at)
    pdf.set_creator("Recoverly")
    pdf.set_title(f"Evidence report: {pdf.subject}")
    pdf.set_lang("en")
    pdf.add_page()

    _title(pdf, bundle, entries, bundle_sha256, generated_at)
    _verdict(pdf, verification, expected_key_id)
    _summary(pdf, bundle, entries)
    _tree_head(pdf, bundle, verification)
    _timeline(pdf, entries)
    _how_to_verify(pdf, bundle_name, verification.key_id)
    _proofs(pdf, entries)
    return Report(bytes(pdf.output()), verification)


class _ReportPDF(FPDF):
    """A4 in millimetres; every page after the first is headed with what it is part of,
    and every page is numbered "Page n of N", so a loose page can be put back."""

    def __init__(self, font: tuple[Path, int]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.subject = ""
        self.bundle_sha256 = ""
        path, mono = font
        self.add_font(_TEXT, "", path)
        self.add_font(_MONO, "", path, collection_font_number=mono)
        text_font = self.fonts[_TEXT]
        self.cmap: Mapping[int, object] = text_font.cmap if isinstance(text_font, TTFFont) else {}
        self.set_margins(_MARGIN, _MARGIN + 5, _MARGIN)
        self.set_auto_page_break(True, margin=_MARGIN + 5)
        self.set_draw_color(*_RULE)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(_MARGIN - 5)
        self.set_font(_TEXT, size=7.5)
        self.set_text_color(*_GREY)
        self.cell(
            0, 4, self.printable(f"Recoverly evidence report · {self.subject}"), new_x=XPos.LMARGIN
        )
        self.set_font(_MONO, size=7)
        self.cell(0, 4, f"bundle SHA-256 {self.bundle_sha256[:16]}…", align="R")
        self.set_text_color(*_BLACK)
        self.set_y(_MARGIN + 5)

    def footer(self) -> None:
        self.set_y(-_MARGIN)
        self.set_font(_TEXT, size=7.5)
        self.set_text_color(*_GREY)
        # "{nb}" is fpdf2's alias for the page count, filled in when the document closes.
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(*_BLACK)

    def printable(self, text: str) -> str:
        """``text`` with every character the font cannot show (and every control
        character) written as its code point, ``<U+1F600>``: a fact is never printed as
        an empty box or silently dropped."""
        return "".join(
            char
            if char == "\n"
            or (unicodedata.category(char) != "Cc" and (char.isspace() or ord(char) in self.cmap))
            else f"<U+{ord(char):04X}>"
            for char in text
        )


def _font(path: Path) -> tuple[Path, int]:
    """The font file and the number of its monospaced face in the collection (hashes
    line up in it), or 0 when it has none: then hashes are set in the text face."""
    if not path.is_file():
        raise ReportFontMissing(f"report {font_missing_message(path)}")
    if path.suffix.lower() not in {".ttc", ".otc"}:
        return path, 0
    collection = TTCollection(str(path), lazy=True)
    try:
        for number, face in enumerate(collection.fonts):
            if "mono" in str(face["name"].getDebugName(1) or "").lower():
                return path, number
    finally:
        collection.close()
    return path, 0


def _entry(item: Mapping[str, Any], tree_size: int, root: bytes) -> _Entry:
    raw = base64.b64decode(item["entry"])
    proof = [str(p) for p in item["inclusion_proof"]]
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        words = "Not a JSON object: " + raw.decode("utf-8", errors="replace")
        body = {}
    else:
        facts = {k: v for k, v in body.items() if k not in ENVELOPE}
        words = describe(str(body.get("kind", "")), facts)
    return _Entry(
        index=item["index"],
        at=str(body.get("at", "")),
        kind=str(body.get("kind", "?")),
        case_id=str(body.get("case_id", "")),
        tenant=str(body.get("tenant", "")),
        words=words,
        leaf_hash=leaf_hash(raw).hex(),
        proof=proof,
        included=_included(raw, item["index"], tree_size, proof, root),
    )


def _included(raw: bytes, index: int, tree_size: int, proof: Sequence[str], root: bytes) -> bool:
    """Whether this one entry is under the root (``verify_bundle`` has already said so for
    the bundle; this marks the very rows of the timeline that are not)."""
    try:
        nodes = [bytes.fromhex(p) for p in proof]
    except ValueError:
        return False
    return verify_inclusion(leaf_hash(raw), index, tree_size, nodes, root)


def _one_of(values: Sequence[str], what: str) -> str:
    distinct = sorted(set(filter(None, values)))
    if len(distinct) == 1:
        return distinct[0]
    return (
        f"no {what} named" if not distinct else f"{len(distinct)} {what}s: " + ", ".join(distinct)
    )


def _subject(entries: Sequence[_Entry]) -> str:
    """What the report is about: "case C1" (a bundle is exported per case), else what the
    entries name ("2 cases: C1, C2")."""
    named = _one_of([e.case_id for e in entries], "case")
    return f"case {named}" if len({e.case_id for e in entries if e.case_id}) == 1 else named


def _wrapped(hex_text: str) -> str:
    return (
        "\n".join(hex_text[i : i + _HASH_LINE] for i in range(0, len(hex_text), _HASH_LINE)) or "—"
    )


# -- the sections, in the order they are printed -------------------------------------------


def _heading(pdf: _ReportPDF, text: str, keep: float = 30) -> None:
    """A section's title; ``keep`` millimetres of what follows must fit under it on the
    same page, so that a title never ends a page."""
    if pdf.get_y() + 14 + keep > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font(_TEXT, size=13)
    pdf.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _facts_table(pdf: _ReportPDF, rows: Sequence[tuple[str, str, bool]]) -> None:
    """Label/value rows; a value flagged ``True`` is a hash or key, set monospaced."""
    with pdf.table(
        col_widths=(38, 142),
        first_row_as_headings=False,
        text_align="LEFT",
        borders_layout="HORIZONTAL_LINES",
        line_height=4.6,
        padding=(1, 1.5),
    ) as table:
        for label, value, mono in rows:
            row = table.row()
            row.cell(label, style=FontFace(family=_TEXT, size_pt=9, color=_GREY))
            face = FontFace(family=_MONO, size_pt=8.5) if mono else FontFace(_TEXT, size_pt=9.5)
            row.cell(pdf.printable(value), style=face)


def _title(
    pdf: _ReportPDF,
    bundle: Mapping[str, Any],
    entries: Sequence[_Entry],
    bundle_sha256: str,
    generated_at: datetime,
) -> None:
    pdf.set_font(_TEXT, size=20)
    pdf.cell(0, 11, pdf.printable(f"Evidence report: {pdf.subject}"), new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin)
    pdf.set_font(_TEXT, size=9.5)
    pdf.set_text_color(*_GREY)
    pdf.multi_cell(
        0,
        5,
        "What Recoverly's tamper-evident log (an RFC 9162 Merkle tree with Ed25519-signed "
        "tree heads) holds about this case, made from the evidence bundle named below.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )
    pdf.set_text_color(*_BLACK)
    pdf.ln(2)
    _facts_table(
        pdf,
        [
            ("Case", _one_of([e.case_id for e in entries], "case"), False),
            ("Tenant", _one_of([e.tenant for e in entries], "tenant"), False),
            ("Log id", str(bundle["log_id"]), True),
            ("Bundle file SHA-256", bundle_sha256, True),
            (
                "Report generated",
                generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                False,
            ),
        ],
    )


def _verdict(pdf: _ReportPDF, found: Verification, expected_key_id: str | None) -> None:
    pdf.ln(4)
    if found.ok:
        fill, ink, headline = _OK_FILL, _OK_INK, "VERIFIED: every check passed"
        lines = [
            f"The tree head's Ed25519 signature verifies with the bundle's public key, and "
            f"each of the {found.entries} entries is under the signed root by its inclusion "
            "proof: none of them has changed since the head was signed."
        ]
    else:
        fill, ink = _BAD_FILL, _BAD_INK
        headline = f"VERIFICATION FAILED: {len(found.failures)} check(s) did not pass"
        lines = [
            "Do not rely on this bundle: it is not what the log signed, or not signed by "
            "the expected key. The checks that failed:",
            *(f"•  FAILED {failure}" for failure in found.failures),
        ]
    if expected_key_id is None:
        lines.append(
            f"Signer not compared with a published key id: check that {found.key_id} is "
            "the key id the operator publishes (verify --key-id does it)."
        )
    elif expected_key_id == found.key_id:
        lines.append(f"Signed by the expected key {found.key_id}.")
    pdf.set_fill_color(*fill)
    pdf.set_draw_color(*ink)
    pdf.set_text_color(*ink)
    pdf.set_font(_TEXT, size=15)
    pdf.multi_cell(
        0, 9, headline, border="LTR", fill=True, padding=(2, 3, 0, 3), new_x=XPos.LMARGIN, align="L"
    )
    pdf.set_font(_TEXT, size=9.5)
    pdf.multi_cell(
        0,
        5,
        pdf.printable("\n".join(lines)),
        border="LBR",
        fill=True,
        padding=(1, 3, 3, 3),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )
    pdf.set_text_color(*_BLACK)
    pdf.set_draw_color(*_RULE)
    pdf.set_fill_color(255, 255, 255)


def _summary(pdf: _ReportPDF, bundle: Mapping[str, Any], entries: Sequence[_Entry]) -> None:
    _heading(pdf, "Summary")
    times = sorted(e.at for e in entries if e.at)
    kinds = Counter(e.kind for e in entries)
    by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    _facts_table(
        pdf,
        [
            ("Entries", f"{len(entries)} of the log's {bundle['tree_size']:,}", False),
            ("By kind", by_kind or "none", False),
            ("First event", instant_text(times[0]) if times else "—", False),
            ("Last event", instant_text(times[-1]) if times else "—", False),
        ],
    )


def _tree_head(pdf: _ReportPDF, bundle: Mapping[str, Any], found: Verification) -> None:
    _heading(pdf, "Signed tree head")
    named = bundle.get("key_id")
    key_text = (
        found.key_id
        if named in (None, found.key_id)
        else f"{named} (named; the key is {found.key_id})"
    )
    _facts_table(
        pdf,
        [
            ("Tree size", f"{bundle['tree_size']:,}", False),
            ("Root hash", str(bundle["root_hash"]), True),
            ("Signature (base64)", str(bundle["signature"]), True),
            ("Key id", key_text, True),
            ("Public key (base64)", str(bundle["public_key"]), True),
            ("Signed at", instant_text(bundle.get("signed_at", "not given")), False),
            (
                "Signed message",
                f"recoverly-tree-head:v1:{bundle['log_id']}:{bundle['tree_size']}:"
                f"{bundle['root_hash']}",
                True,
            ),
        ],
    )


def _timeline(pdf: _ReportPDF, entries: Sequence[_Entry]) -> None:
    _heading(pdf, "Timeline", keep=40)
    pdf.set_font(_TEXT, size=8)
    pdf.multi_cell(
        0,
        4.2,
        "Each entry in log order, its facts in plain words, and its leaf hash "
        "SHA-256(0x00 || entry bytes). Proof: the number of hashes in its inclusion proof "
        "(listed in full in the appendix); FAILED where the entry is not under the signed "
        "root by it.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )
    pdf.ln(2)
    heading = FontFace(family=_TEXT, emphasis=_PLAIN, size_pt=8, fill_color=_HEADING_FILL)
    small = FontFace(family=_TEXT, size_pt=8)
    mono = FontFace(family=_MONO, size_pt=6.5)
    failed = FontFace(family=_TEXT, size_pt=8, color=_BAD_INK, fill_color=_BAD_FILL)
    with pdf.table(
        col_widths=(9, 18, 24, 91, 25, 13),
        headings_style=heading,
        text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
        v_align="TOP",
        line_height=3.8,
        padding=(1, 1),
    ) as table:
        row = table.row()
        for name in ("#", "Time (UTC)", "Kind", "What happened", "Leaf hash", "Proof"):
            row.cell(name)
        for e in entries:
            row = table.row()
            row.cell(str(e.index), style=small)
            row.cell(instant_text(e.at).removesuffix(" UTC").replace(" ", "\n", 1), style=small)
            row.cell(pdf.printable(e.kind), style=FontFace(family=_TEXT, size_pt=7))
            row.cell(pdf.printable(e.words), style=small)
            row.cell(_wrapped(e.leaf_hash), style=mono)
            if e.included:
                row.cell(str(len(e.proof)), style=small)
            else:
                row.cell(f"{len(e.proof)}\nFAILED", style=failed)


def _how_to_verify(pdf: _ReportPDF, bundle_name: str, key_id: str) -> None:
    _heading(pdf, "How to verify", keep=95)  # the recipe reads as one piece
    steps: list[tuple[str, str | None]] = [
        (
            "The bundle file is the evidence; this report only reads it. Check first that "
            "the file you hold is the one this report was made from (its SHA-256 is on "
            "page 1):",
            f"sha256sum {bundle_name}",
        ),
        (
            'With Recoverly (offline, no database): exit code 0 and "verified" when every '
            "check passes; 1 and each failed check otherwise. --key-id also checks that the "
            "operator's published key signed it:",
            f"recoverly evidence verify {bundle_name} --key-id {key_id}",
        ),
        (
            "Or independently, with any SHA-256 and Ed25519 implementation (RFC 9162, "
            "section 2.1):",
            None,
        ),
        (
            '1.  For each entry, decode "entry" from base64: these bytes are the canonical '
            'JSON (RFC 8785) of the event, and name their own "index". Its leaf hash is '
            "SHA-256(0x00 || entry bytes).",
            None,
        ),
        (
            "2.  Climb the inclusion proof (RFC 9162, 2.1.3.2) from the leaf hash at "
            'position "index" in a tree of "tree_size" leaves, combining two hashes as '
            'SHA-256(0x01 || left || right). The result must equal "root_hash".',
            None,
        ),
        (
            '3.  Check the Ed25519 signature (base64 "signature") with the public key '
            '(base64 "public_key", the raw 32 bytes) over the UTF-8 bytes of:',
            "recoverly-tree-head:v1:<log_id>:<tree_size>:<root_hash in hex>",
        ),
        (
            "4.  The key id is the hex SHA-256 of the raw public key: compare it with the "
            "one the operator publishes.",
            None,
        ),
    ]
    for text, command in steps:
        pdf.set_font(_TEXT, size=9.5)
        pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if command is not None:
            pdf.set_font(_MONO, size=8.5)
            pdf.set_fill_color(*_HEADING_FILL)
            pdf.multi_cell(
                0,
                4.6,
                pdf.printable(command),
                fill=True,
                padding=(2, 3),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
                align="L",
            )
        pdf.ln(1.5)


def _proofs(pdf: _ReportPDF, entries: Sequence[_Entry]) -> None:
    pdf.add_page()
    _heading(pdf, "Appendix: inclusion proofs")
    pdf.set_font(_TEXT, size=8.5)
    pdf.multi_cell(
        0,
        4.5,
        "For each entry, its leaf hash and the hashes of its inclusion proof in order, "
        "from the leaf's sibling up to the root's child (hex).",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )
    for e in entries:
        block = list(_proof_lines(e))
        if pdf.get_y() + 4 * min(len(block), 4) > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(_TEXT, size=9)
        pdf.cell(0, 5, block[0], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(_MONO, size=7)
        for line in block[1:]:
            pdf.cell(0, 3.8, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _proof_lines(e: _Entry) -> Iterator[str]:
    hashes = "hash" if len(e.proof) == 1 else "hashes"
    yield f"Entry {e.index}: {e.kind}, proof of {len(e.proof)} {hashes}"
    yield f"leaf  {e.leaf_hash}"
    for n, node in enumerate(e.proof, start=1):
        yield f"{n:>4}  {node}"
