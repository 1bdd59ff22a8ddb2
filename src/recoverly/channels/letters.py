"""The letter channel: a rendered message becomes an A4 PDF kept in the blob store.

A letter is printed and posted by whoever takes the stored PDF (a print-and-mail vendor, a
clerk), so the adapter's job ends when the PDF is safely stored: it answers ``ACCEPTED``
with the PDF's SHA-256 as ``provider_id``. That hash is the evidence of exactly what was
sent, which is why rendering is deterministic: the same message, sender and date give the
same bytes (same fpdf2, fontTools and font file), so a retry stores nothing new.

Debtors write in many scripts, Chinese among them, so the letter uses one TrueType font
with CJK glyphs for everything (``recoverly.kit.fonts``: WenQuanYi Micro Hei from the
Debian package ``fonts-wqy-microhei`` by default, or the file named by
``RECOVERLY_LETTER_FONT``). A letter the font cannot show is refused rather than posted
with empty boxes in it.

Parsing that font (5 MB, ~50,000 glyphs) costs far more than setting a letter, and the
dispatcher sends letters by the thousand, so each process parses a font file once and
hands every letter a private copy of the parsed font (see ``_SharedFont``): embedding
subsets the font in place, so two letters never share one. Each glyph outline is embedded
as the font file stores it (``_RECALC_BOUNDS``) rather than decoded and re-encoded.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import threading
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from recoverly.channels.message import OutgoingMessage, SendResult, SendStatus
from recoverly.domain.errors import RecoverlyError
from recoverly.domain.events import Channel
from recoverly.kit.fonts import DEFAULT_FONT_PATH as DEFAULT_FONT_PATH
from recoverly.kit.fonts import FONT_ENV_VAR as FONT_ENV_VAR
from recoverly.kit.fonts import FONT_PACKAGE as FONT_PACKAGE
from recoverly.kit.fonts import document_font_path, font_missing_message
from recoverly.store.blobs import BlobStore

PDF_CONTENT_TYPE = "application/pdf"

_FONT_FAMILY = "letter"
log = logging.getLogger("recoverly.channels.letters")
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
    return document_font_path(environ)


def check_letter_font(font_path: Path) -> Path:
    """Fail early, naming the fix, when the letter font is not installed.

    Raises:
        LetterFontMissing: ``font_path`` is not a file.
    """
    if not font_path.is_file():
        raise LetterFontMissing(f"letter {font_missing_message(font_path)}")
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
    if _SHARE_PARSED_FONT:
        _shared_font(font).add_to(pdf)
    else:
        _add_freshly_parsed_font(pdf, font)
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


# -- one parsed font, shared between letters ----------------------------------------------
#
# fpdf2's ``add_font`` parses the whole font file (~0.45 s for WenQuanYi Micro Hei), and
# ``FPDF.output`` then subsets that parse in place: fontTools' Subsetter drops every glyph
# the document does not use, renumbers the rest and rewrites the tables. So one parse serves
# one document. ``_SharedFont`` parses each font file once per process and gives every
# letter a copy of its own: a deep copy of the fontTools ``TTFont`` in which the big flat
# containers (glyph order, metrics, cmaps: strings and numbers only) are copied at C speed
# and the ~50,000 glyph outlines are copied one at a time, when the letter's subsetting
# first reads them (``_GlyphsCopiedOnRead``), so a letter pays for the glyphs it uses.
#
# Nothing writes to the pristine parse once it is built: every letter reads it, and what a
# letter changes (its TTFont copy, glyph subset, widths cache, font descriptor) is its own.
# Copying the tables happens under a lock all the same, so that any lazy loading inside a
# fontTools table runs one thread at a time. Letters rendered one after another or on
# several threads are therefore byte for byte the letters a fresh process renders.

# Off only to compare with fpdf2's own way (the tests do) or to bisect a rendering problem.
_SHARE_PARSED_FONT = True

# fontTools' ``recalcBBoxes``. On, saving the subset decodes, re-measures and re-encodes
# every glyph the letter embeds (~0.5 ms each, and a Chinese letter embeds a few hundred)
# and narrows the font-wide bounds in head, hhea and maxp to the subset. Off (pyftsubset's
# default), each outline is embedded as the font file stores it and those bounds stay the
# whole font's, which still enclose the subset. Outlines, hinting, widths and page content
# are the same either way; poppler renders the pages identically at 150 dpi, and at 300
# dpi shifts its anti-aliasing by a fraction of a pixel, as it sizes glyphs by the font's
# bounds. The PDF bytes do differ, so keep this fixed: a letter's hash is its identity in
# the blob store.
_RECALC_BOUNDS = False

# Parsed font files kept, least recently used first; letters normally use just one.
_SHARED_FONTS_MAX = 4
_shared_fonts: dict[Path, _SharedFont] = {}
_shared_fonts_lock = threading.Lock()

# The TTFFont attributes (fpdf2 2.8) that a document changes, and those it only reads. A
# TTFFont with any other attribute is from an fpdf2 this code does not know: then every
# letter parses the font itself, as fpdf2 does, slowly but safely.
_PER_DOCUMENT_SLOTS = frozenset(
    {
        "i",
        "ttfont",
        "cw",
        "desc",
        "subset",
        "missing_glyphs",
        "biggest_size_pt",
        "_hbfont",
        "color_font",
    }
)
_READ_ONLY_SLOTS = frozenset(
    {
        "type",
        "name",
        "glyph_ids",
        "cmap",
        "sp",
        "ss",
        "up",
        "ut",
        "ttffile",
        "fontkey",
        "emphasis",
        "scale",
        "unicode_range",
        "palette_index",
        "is_compressed",
        "is_cff",
        "is_cid_keyed",
        "is_symbol",
        "cff_ros",
        "collection_font_number",
    }
)
# Tables that subsetting decompiles and that hold one entry per glyph: parsed once, too.
_PRELOADED_TABLES = ("vmtx",)
# Containers at least this long that hold only immutable values are copied shallowly.
_LARGE_CONTAINER = 1024
_IMMUTABLE_TYPES = frozenset({str, bytes, int, float, bool, type(None)})


def _shared_font(path: Path) -> _SharedFont:
    """The parsed font file ``path``, parsed now if it is new or has changed on disk."""
    stat = path.stat()
    stamp = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _shared_fonts_lock:
        shared = _shared_fonts.pop(path, None)
        if shared is None or shared.stamp != stamp:
            shared = _SharedFont(path, stamp)
        _shared_fonts[path] = shared
        while len(_shared_fonts) > _SHARED_FONTS_MAX:
            del _shared_fonts[next(iter(_shared_fonts))]
        return shared


def _add_freshly_parsed_font(pdf: FPDF, path: Path) -> None:
    """fpdf2's own way: parse the font file for this one document."""
    pdf.add_font(_FONT_FAMILY, "", path)
    font = pdf.fonts[_FONT_FAMILY]
    if isinstance(font, TTFFont):  # pragma: no branch - add_font always makes a TTFFont
        font.ttfont.recalcBBoxes = _RECALC_BOUNDS


class _SharedFont:
    """One font file, parsed once, of which each letter gets a private copy."""

    def __init__(self, path: Path, stamp: tuple[int, ...]) -> None:
        self.path = path
        self.stamp = stamp
        self._template: TTFFont | None = None
        scratch = FPDF()
        scratch.add_font(_FONT_FAMILY, "", path)  # add_font's checks and errors, as before
        template = scratch.fonts[_FONT_FAMILY]
        reason = _why_not_shareable(template)
        if reason is not None or not isinstance(template, TTFFont):
            log.warning("the letter font %s is parsed for every letter: %s", path, reason)
            return
        pristine = template.ttfont
        for tag in _PRELOADED_TABLES:
            if tag in pristine:
                pristine[tag]  # loads the table
        for subtable in pristine["cmap"].tables:
            subtable.ensureDecompiled()  # else each decompiles when first read
        # The bytes fontTools parsed, through its own file handle: the same file even if the
        # package manager has replaced the path since. Each copy reads from them the tables
        # nobody has parsed (hinting programs and the like), as a fresh parse would.
        pristine.reader.file.seek(0)
        self._data: bytes = pristine.reader.file.read()
        pristine.close()  # no table can be loaded into the pristine parse from now on
        self._pristine: Any = pristine
        self._glyphs: dict[str, Any] = pristine["glyf"].glyphs
        self._flat_containers = _large_flat_containers(pristine)
        self._lock = threading.Lock()
        self._template = template

    def add_to(self, pdf: FPDF) -> None:
        """Make the font ``_FONT_FAMILY`` in ``pdf``, as ``pdf.add_font`` would."""
        template = self._template
        if template is None:
            _add_freshly_parsed_font(pdf, self.path)
            return
        font = TTFFont.__new__(TTFFont)
        for slot in _READ_ONLY_SLOTS:
            if hasattr(template, slot):
                setattr(font, slot, getattr(template, slot))
        font.i = len(pdf.fonts) + 1
        font.ttfont = self._copy_ttfont(template.collection_font_number)
        # Reading the width of a character the font lacks stores it: a copy per letter.
        widths = template.cw
        factory = widths.default_factory if isinstance(widths, defaultdict) else None
        font.cw = defaultdict(factory, widths)
        font.desc = copy.deepcopy(template.desc)  # output names it and numbers it
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None
        font.color_font = None  # _why_not_shareable: no colour font gets here
        font.subset = SubsetMap(font)
        pdf.fonts[template.fontkey] = font

    def _copy_ttfont(self, font_number: int) -> Any:
        memo: dict[int, Any] = {id(c): copy.copy(c) for c in self._flat_containers}
        memo[id(self._glyphs)] = _GlyphsCopiedOnRead(self._glyphs)
        with self._lock:
            ttfont = copy.deepcopy(self._pristine, memo)
        # The copy's own reader, over the same bytes: fpdf2 closes it after the output.
        ttfont.reader = TTFont(BytesIO(self._data), lazy=True, fontNumber=font_number).reader
        ttfont.recalcBBoxes = _RECALC_BOUNDS
        return ttfont


def _why_not_shareable(font: object) -> str | None:
    if not isinstance(font, TTFFont):
        return "not a TrueType/OpenType font"
    if frozenset(getattr(TTFFont, "__slots__", ())) != _PER_DOCUMENT_SLOTS | _READ_ONLY_SLOTS:
        return "this fpdf2's TTFFont has attributes this code does not know"
    if font.color_font is not None:
        return "a colour font"
    if not {"glyf", "cmap"} <= font.ttfont.tables.keys() or font.ttfont.reader is None:
        return "no TrueType outlines (glyf table)"
    return None


def _large_flat_containers(ttfont: Any) -> list[Any]:
    """The long dicts, lists and arrays of ``ttfont`` and its tables that a shallow copy
    copies completely, because they hold only immutable values."""
    owners: list[Any] = [ttfont, *ttfont.tables.values()]
    for table in ttfont.tables.values():
        for value in getattr(table, "__dict__", {}).values():
            if isinstance(value, list):  # e.g. the cmap's subtables
                owners.extend(item for item in value if hasattr(item, "__dict__"))
    found: dict[int, Any] = {}
    for owner in owners:
        for value in getattr(owner, "__dict__", {}).values():
            if (
                isinstance(value, dict | list | array)
                and len(value) >= _LARGE_CONTAINER
                and id(value) not in found
                and _holds_only_immutables(value)
            ):
                found[id(value)] = value
    return list(found.values())


def _holds_only_immutables(container: dict[Any, Any] | list[Any] | array[Any]) -> bool:
    if isinstance(container, array):
        return True
    items = [*container.keys(), *container.values()] if isinstance(container, dict) else container
    types = set(map(type, items))
    if tuple in types:  # e.g. (advance width, side bearing)
        types.discard(tuple)
        types.update(type(item) for value in items if type(value) is tuple for item in value)
    return types <= _IMMUTABLE_TYPES


class _GlyphsCopiedOnRead(MutableMapping[str, Any]):
    """A letter's glyph outlines (``glyf`` table): the shared parse's, each copied for the
    letter when first read, because subsetting and saving change glyphs in place."""

    def __init__(self, shared: Mapping[str, Any]) -> None:
        self._shared = shared
        self._own: dict[str, Any] = {}
        self._added: dict[str, None] = {}  # names not in the shared parse, in order
        self._removed: set[str] = set()

    def __getitem__(self, name: str) -> Any:
        if name in self._own:
            return self._own[name]
        if name in self._removed:
            raise KeyError(name)
        glyph = self._own[name] = copy.deepcopy(self._shared[name])
        return glyph

    def __setitem__(self, name: str, glyph: Any) -> None:
        self._own[name] = glyph
        self._removed.discard(name)
        if name not in self._shared:
            self._added[name] = None

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._own.pop(name, None)
        self._added.pop(name, None)
        if name in self._shared:
            self._removed.add(name)

    def __contains__(self, name: object) -> bool:
        return name in self._own or (name in self._shared and name not in self._removed)

    def __iter__(self) -> Iterator[str]:
        yield from (name for name in self._shared if name not in self._removed)
        yield from self._added

    def __len__(self) -> int:
        return len(self._shared) - len(self._removed) + len(self._added)


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
