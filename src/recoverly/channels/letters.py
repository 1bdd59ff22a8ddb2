"""The letter channel: a rendered message becomes an A4 PDF kept in the blob store.

A letter is printed and posted by whoever takes the stored PDF (a print-and-mail vendor, a
clerk), so the adapter's job ends when the PDF is safely stored: it answers ``ACCEPTED``
with the PDF's SHA-256 as ``provider_id``. That hash is the evidence of exactly what was
sent, which is why rendering is deterministic: the same message, sender and date give the
same bytes (same fpdf2, fontTools and font file), so a retry stores nothing new.

Debtors write in many scripts, Chinese among them, so the letter uses one TrueType font
with CJK glyphs for everything: WenQuanYi Micro Hei from the Debian package
``fonts-wqy-microhei`` by default, or the file named by ``RECOVERLY_LETTER_FONT``. A
letter the font cannot show is refused rather than posted with empty boxes in it.
"""

from __future__ import annotations

import asyncio
import os
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from recoverly.channels.message import OutgoingMessage, SendResult, SendStatus
from recoverly.domain.errors import RecoverlyError
from recoverly.domain.events import Channel
from recoverly.store.blobs import BlobStore

FONT_ENV_VAR = "RECOVERLY_LETTER_FONT"
FONT_PACKAGE = "fonts-wqy-microhei"
DEFAULT_FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PDF_CONTENT_TYPE = "application/pdf"

_FONT_FAMILY = "letter"
# Layout in millimetres. The recipient block sits where a C5/DL window envelope shows it.
_MARGIN_LEFT = 25.0
_MARGIN_RIGHT = 20.0
_MARGIN_TOP = 20.0
_MARGIN_BOTTOM = 22.0
_RECIPIENT_TOP = 50.0
_DATE_TOP = 95.0
_SENDER_PT, _ADDRESS_PT, _TITLE_PT, _BODY_PT, _FOOTER_PT = 9.0, 11.0, 14.0, 11.0, 8.0
_SENDER_LINE, _ADDRESS_LINE, _TITLE_LINE, _BODY_LINE = 4.5, 5.5, 8.0, 6.0

# Line-breaking rules (kinsoku shori): these never begin a line, so they stay with what
# precedes them; the opening brackets never end one, so they stay with what follows.
_NO_LINE_START = frozenset("，。、；：！？）」』》〉】〕〗｝”’…‥・ー々〜%‰,.;:!?)]}")
_NO_LINE_END = frozenset("（「『《〈【〔〖｛“‘([{")


class LetterFontMissing(RecoverlyError):
    """The configured letter font file does not exist."""

    code = "channels.letter.font_missing"


class LetterGlyphsMissing(RecoverlyError):
    """The letter uses characters the font has no glyph for; it would print as boxes."""

    code = "channels.letter.glyphs_missing"


def letter_font_path(environ: Mapping[str, str] | None = None) -> Path:
    """The font letters are set in: ``RECOVERLY_LETTER_FONT`` if set, else the Debian path.

    Args:
        environ: the environment to read; ``os.environ`` when not given.
    """
    env = os.environ if environ is None else environ
    configured = env.get(FONT_ENV_VAR, "").strip()
    return Path(configured) if configured else DEFAULT_FONT_PATH


def check_letter_font(font_path: Path) -> Path:
    """Fail early, naming the fix, when the letter font is not installed.

    Raises:
        LetterFontMissing: ``font_path`` is not a file.
    """
    if not font_path.is_file():
        raise LetterFontMissing(
            f"letter font not found at {font_path}: install the Debian package "
            f"{FONT_PACKAGE} (apt-get install -y {FONT_PACKAGE}) or set {FONT_ENV_VAR} to a "
            ".ttf/.otf/.ttc font with CJK glyphs"
        )
    return font_path


def render_letter_pdf(
    message: OutgoingMessage,
    *,
    sender: str,
    created: date,
    font_path: Path | None = None,
) -> bytes:
    """Render a letter as an A4 PDF, byte-for-byte the same for the same input.

    Args:
        message: ``to`` is the multi-line postal address, ``subject`` the title, ``body``
            plain text (a blank line separates paragraphs; single line breaks are kept, so
            a closing such as "Yours sincerely,\\nRecoverly" stays on two lines).
        sender: the sender's block, one line per address line.
        created: the letter's date, printed in ``message.locale`` and used as the PDF's
            creation date, so that no clock reading enters the bytes.
        font_path: a TrueType/OpenType font (collection) with CJK glyphs; by default
            ``letter_font_path()``.

    Returns:
        The PDF file's bytes.

    Raises:
        LetterFontMissing: the font file does not exist.
        LetterGlyphsMissing: the text uses characters the font cannot show.
    """
    font = check_letter_font(font_path or letter_font_path())
    pdf = _LetterPDF()
    pdf.add_font(_FONT_FAMILY, "", font)
    _refuse_missing_glyphs(pdf, (message.to, message.subject, message.body, sender))

    pdf.set_creation_date(datetime.combine(created, time(), tzinfo=UTC))
    pdf.set_creator("Recoverly")
    sender_lines = _lines(sender)
    if sender_lines:
        pdf.set_author(sender_lines[0])
    pdf.set_title(message.subject)
    pdf.set_lang(message.locale)
    pdf.set_margins(_MARGIN_LEFT, _MARGIN_TOP, _MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=_MARGIN_BOTTOM)
    pdf.add_page()

    pdf.set_font(_FONT_FAMILY, size=_SENDER_PT)
    _write_lines(pdf, sender_lines, _SENDER_LINE, align="R")

    pdf.set_y(max(pdf.get_y(), _RECIPIENT_TOP))
    pdf.set_font(_FONT_FAMILY, size=_ADDRESS_PT)
    _write_lines(pdf, _lines(message.to), _ADDRESS_LINE)

    pdf.set_y(max(pdf.get_y() + _ADDRESS_LINE, _DATE_TOP))
    _write_lines(pdf, [_format_letter_date(created, message.locale)], _ADDRESS_LINE, align="R")
    pdf.ln(_ADDRESS_LINE)

    if message.subject.strip():
        pdf.set_font(_FONT_FAMILY, size=_TITLE_PT)
        _write_lines(pdf, _wrap_text(pdf, message.subject.strip()), _TITLE_LINE)
        pdf.ln(_BODY_LINE / 2)

    pdf.set_font(_FONT_FAMILY, size=_BODY_PT)
    for line in message.body.strip("\n").splitlines():
        if line.strip():
            _write_lines(pdf, _wrap_text(pdf, line.rstrip()), _BODY_LINE)
        else:
            pdf.ln(_BODY_LINE / 2)  # a paragraph break: half a line of space
    return bytes(pdf.output())


class _LetterPDF(FPDF):
    """An A4 page in millimetres whose footer numbers the pages as "n/total"."""

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(_FONT_FAMILY, size=_FOOTER_PT)
        # "{nb}" is fpdf2's alias for the page count, filled in when the document is closed.
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="C")


def _lines(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip()]


def _write_lines(pdf: FPDF, lines: list[str], height: float, *, align: str = "L") -> None:
    for line in lines:
        pdf.cell(0, height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _wrap_text(pdf: FPDF, text: str) -> list[str]:
    return wrap_line(text, pdf.epw, pdf.get_string_width)


def _format_letter_date(created: date, locale: str) -> str:
    # The locale comes from the message; an unknown one still gets an unambiguous date.
    try:
        return format_date(created, format="long", locale=Locale.parse(locale, sep="-"))
    except (UnknownLocaleError, ValueError):
        return created.isoformat()


def _refuse_missing_glyphs(pdf: FPDF, texts: tuple[str, ...]) -> None:
    font = pdf.fonts[_FONT_FAMILY]
    if not isinstance(font, TTFFont):  # pragma: no cover - add_font always makes a TTFFont
        return
    missing = sorted(
        {
            char
            for text in texts
            for char in text
            if not char.isspace()
            and unicodedata.category(char) != "Cc"
            and ord(char) not in font.cmap
        }
    )
    if missing:
        shown = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in missing[:10])
        raise LetterGlyphsMissing(
            f"the letter font {font.ttffile} has no glyph for {shown}"
            + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        )


def _is_cjk(char: str) -> bool:
    # Scripts written without spaces between words: a line may break between any two
    # characters. Ranges: Hangul Jamo, CJK punctuation through Hangul syllables (kana,
    # Bopomofo, Han, Yi), compatibility ideographs, full-width forms, and the
    # supplementary ideograph planes.
    cp = ord(char)
    return (
        0x1100 <= cp <= 0x11FF
        or 0x2E80 <= cp <= 0xD7AF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x20000 <= cp <= 0x3FFFF
    )


def _break_units(text: str) -> list[tuple[str, bool]]:
    """Split a line into the pieces it may break between: ``(piece, space_before)``.

    A Latin word is one piece; each CJK character is a piece of its own; punctuation that
    may not start a line joins the piece before it, and an opening bracket joins the next.
    """
    units: list[tuple[str, bool]] = []
    word = ""
    space_before = False
    held = ""  # opening brackets waiting for the piece they belong to

    def flush() -> None:
        nonlocal word, space_before
        if word:
            units.append((word, space_before))
            word, space_before = "", False

    for char in text:
        if char.isspace():
            flush()
            if held:
                units.append((held, space_before))
                held, space_before = "", False
            space_before = bool(units) or space_before
        elif char in _NO_LINE_START and not held and (word or (units and not space_before)):
            if word:
                word += char
            else:
                piece, before = units[-1]
                units[-1] = (piece + char, before)
        elif char in _NO_LINE_END:
            flush()
            held += char
        elif _is_cjk(char):
            flush()
            units.append((held + char, space_before))
            held, space_before = "", False
        else:
            if held and not word:
                word = held
                held = ""
            word += char
    flush()
    if held:
        units.append((held, space_before))
    return units


def wrap_line(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Break one line of text into lines no wider than ``width``.

    Latin text breaks at spaces, CJK text between any two characters (keeping closing
    punctuation off the start of a line), and a single word wider than the line (a long
    reference or URL) is cut where it must be.

    Args:
        text: one line, without line breaks.
        width: the line width, in the unit ``measure`` answers in.
        measure: the printed width of a string in the current font.

    Returns:
        The lines, without leading or trailing spaces; ``[]`` for a blank line.
    """
    lines: list[str] = []
    current = ""
    for piece, space_before in _break_units(text):
        candidate = f"{current} {piece}" if current and space_before else current + piece
        if measure(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = piece
        while measure(current) > width and len(current) > 1:
            cut = _longest_fitting_prefix(current, width, measure)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _longest_fitting_prefix(text: str, width: float, measure: Callable[[str], float]) -> int:
    # At least one character per line, so that even an absurdly narrow width terminates.
    cut = 1
    while cut < len(text) and measure(text[: cut + 1]) <= width:
        cut += 1
    return cut


class LetterAdapter:
    """The dispatcher's adapter for the letter channel: render, store, answer the hash.

    The letter's date is part of its bytes, so it comes from ``today`` (the business date,
    passed in so that simulations and tests pin it): the same message sent twice on one
    business date is the same blob, stored once. A retry on a later date renders a new,
    correctly dated letter; the outbox keeps the ``provider_id`` it recorded.
    """

    channel = Channel.LETTER
    name = "letter-pdf"

    def __init__(
        self,
        blobs: BlobStore,
        *,
        sender: str,
        today: Callable[[], date],
        font_path: Path | None = None,
    ) -> None:
        self.blobs = blobs
        self.sender = sender
        self.today = today
        # Checked now so that a machine without the font fails at start-up, not per letter.
        self.font_path = check_letter_font(font_path or letter_font_path())

    async def send(self, message: OutgoingMessage) -> SendResult:
        """Render ``message`` to PDF and store it; ``provider_id`` is the PDF's SHA-256.

        Content the letter cannot carry (no address, characters without glyphs) fails for
        good; a font that went missing or a store that cannot write is retried, because
        the letter itself is fine and an operator can fix the machine.
        """
        if not message.to.strip():
            return SendResult(SendStatus.FAILED, error="a letter needs a postal address")
        created = self.today()
        try:
            # Rendering is CPU-bound and storing blocks on fsync: keep both off the loop.
            pdf = await asyncio.to_thread(
                render_letter_pdf,
                message,
                sender=self.sender,
                created=created,
                font_path=self.font_path,
            )
        except LetterGlyphsMissing as exc:
            return SendResult(SendStatus.FAILED, error=f"{exc.code}: {exc.message}")
        except LetterFontMissing as exc:
            return SendResult(SendStatus.RETRY, error=f"{exc.code}: {exc.message}")
        try:
            sha256 = await asyncio.to_thread(self.blobs.put, pdf, PDF_CONTENT_TYPE)
        except OSError as exc:
            return SendResult(SendStatus.RETRY, error=f"storing the letter failed: {exc}")
        return SendResult(SendStatus.ACCEPTED, provider_id=sha256)

    async def aclose(self) -> None:
        """Nothing to release: the adapter holds no connection or open file."""
