"""Letters: what a debtor receives on paper, rendered to PDF and kept by its hash.

The text is read back out of the PDF with a small extractor below (the ToUnicode map
fpdf2 embeds, applied to the strings in the page content), so the tests check what a
reader or a screen reader gets, not just that a file was written. The font is the real
one CI installs (Debian ``fonts-wqy-microhei``); without it these tests fail with the
message that names the package.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoverly.channels import letters
from recoverly.channels.letters import (
    DEFAULT_FONT_PATH,
    FONT_ENV_VAR,
    LetterAdapter,
    LetterFontMissing,
    LetterGlyphsMissing,
    letter_font_path,
    render_letter_pdf,
    wrap_line,
)
from recoverly.channels.message import OutgoingMessage, SendStatus
from recoverly.store.blobs import LocalBlobStore

SENDER = "Recoverly Collections Ltd\n1 Ledger Lane\nLondon EC1A 1AA"
CREATED = date(2024, 3, 5)

ENGLISH = OutgoingMessage(
    idempotency_key="outbox-1",
    to="Jane Doe\n12 Acacia Avenue\nLeeds LS1 4AP\nUnited Kingdom",
    subject="Your account ACC-0001 is overdue",
    body=(
        "Dear Ms Doe,\n"
        "\n"
        "Our records show that £1,234.56 on your account ACC-0001 has been overdue for 45 "
        "days. If you are having difficulty paying, please call us: we can agree a payment "
        "plan that you can afford.\n"
        "\n"
        "Yours sincerely,\n"
        "Recoverly Collections"
    ),
    locale="en-GB",
)

CHINESE = OutgoingMessage(
    idempotency_key="outbox-2",
    to="王小明\n中国上海市浦东新区\n世纪大道 100 号\n200120",
    subject="逾期账款提醒 / 逾期帳款提醒",
    body=(
        "尊敬的王先生：\n"
        "\n"
        "我们写信是为了提醒您，您的账户（编号 ACC-0001）有一笔逾期款项，金额为人民币 "
        "1,234.56 元，已逾期 45 天。\n"
        "請您儘快與我們聯繫，以便協商還款計劃。\n"
        "\n"
        "此致\n敬礼"
    ),
    locale="zh-Hans",
)
CHINESE_SENDER = "收款服务有限公司\n北京市朝阳区建国路 1 号"

# Many scripts in one letter: glyphs that would stand out in another letter's font.
MIXED = OutgoingMessage(
    idempotency_key="outbox-3",
    to="Zoë Łukasz-Ørsted\nΟδός Αθηνάς 12\nул. Тверская, 7, Москва\n서울특별시 중구",
    subject="Überfällige Zahlung / 逾期付款 / 延滞のお知らせ",
    body=(
        "Sehr geehrte Frau Łukasz-Ørsted,\n"
        "\n"
        "Ελληνικά, русский, 한국어, ひらがな カタカナ: € 1.234,56 ± 0,01 — «bitte» zahlen.\n"
        "\n"
        "Mit freundlichen Grüßen"
    ),
    locale="de-DE",
)

# The letters the font-sharing tests render, each with its sender.
LETTERS = {
    "english": (ENGLISH, SENDER),
    "chinese": (CHINESE, CHINESE_SENDER),
    "mixed": (MIXED, SENDER),
}


# -- reading a PDF back -------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_BT_ET = re.compile(rb"\bBT\b(.*?)\bET\b", re.DOTALL)
_HEX_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_HEX_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for match in _STREAM.finditer(pdf):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return out


def _to_unicode(streams: list[bytes]) -> dict[int, str]:
    cmap: dict[int, str] = {}
    for stream in streams:
        for section in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.DOTALL):
            for code, uni in _HEX_PAIR.findall(section):
                cmap[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
        for section in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.DOTALL):
            for lo, hi, start in _HEX_RANGE.findall(section):
                first = int(start, 16)
                for offset in range(int(hi, 16) - int(lo, 16) + 1):
                    cmap[int(lo, 16) + offset] = chr(first + offset)
    return cmap


def _literal_strings(block: bytes) -> list[bytes]:
    """The ``(...)`` strings of a content stream block, escapes resolved."""
    strings: list[bytes] = []
    i = 0
    while (i := block.find(b"(", i)) != -1:
        out, depth, i = bytearray(), 1, i + 1
        while depth:
            c = block[i]
            if c == ord("\\"):
                nxt = block[i + 1]
                if ord("0") <= nxt <= ord("7"):
                    digits = re.match(rb"[0-7]{1,3}", block[i + 1 : i + 4])
                    assert digits is not None
                    out.append(int(digits.group(), 8) & 0xFF)
                    i += 1 + len(digits.group())
                    continue
                if nxt not in (10, 13):  # a backslash before a newline continues the line
                    out.append(_ESCAPES.get(nxt, nxt))
                i += 2
                continue
            depth += (c == ord("(")) - (c == ord(")"))
            if depth:
                out.append(c)
            i += 1
        strings.append(bytes(out))
    return strings


def pdf_text_lines(pdf: bytes) -> list[str]:
    """One entry per text block (fpdf2 writes one per printed line), in page order."""
    streams = _streams(pdf)
    cmap = _to_unicode(streams)
    lines = []
    for stream in streams:
        for block in _BT_ET.findall(stream):
            codes = b"".join(_literal_strings(block))
            text = "".join(
                cmap.get(int.from_bytes(codes[i : i + 2], "big"), "\ufffd")
                for i in range(0, len(codes) - 1, 2)
            )
            if text:
                lines.append(text)
    return lines


def pdf_text(pdf: bytes) -> str:
    return "\n".join(pdf_text_lines(pdf))


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def squeezed(text: str) -> str:
    """Text without whitespace, so a sentence is found whatever the line breaks."""
    return re.sub(r"\s+", "", text)


# -- rendering ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def english_pdf() -> bytes:
    return render_letter_pdf(ENGLISH, sender=SENDER, created=CREATED)


@pytest.fixture(scope="module")
def chinese_pdf() -> bytes:
    return render_letter_pdf(CHINESE, sender=CHINESE_SENDER, created=CREATED)


class TestEnglishLetter:
    def test_is_a_one_page_pdf(self, english_pdf: bytes) -> None:
        assert english_pdf.startswith(b"%PDF-")
        assert english_pdf.rstrip().endswith(b"%%EOF")
        assert page_count(english_pdf) == 1

    def test_carries_sender_address_date_subject_and_body(self, english_pdf: bytes) -> None:
        lines = pdf_text_lines(english_pdf)
        for expected in [
            "Recoverly Collections Ltd",
            "Jane Doe",
            "12 Acacia Avenue",
            "Leeds LS1 4AP",
            "5 March 2024",  # the date in the letter's locale, en-GB
            "Your account ACC-0001 is overdue",
            "Dear Ms Doe,",
            "Yours sincerely,",
            "1/1",
        ]:
            assert expected in lines
        assert squeezed("we can agree a payment plan that you can afford.") in squeezed(
            pdf_text(english_pdf)
        )

    def test_metadata_is_dated_from_the_letter_not_the_clock(self, english_pdf: bytes) -> None:
        assert b"/CreationDate (D:20240305000000Z)" in english_pdf
        assert b"/Creator (Recoverly)" in english_pdf


class TestChineseLetter:
    def test_is_a_one_page_pdf(self, chinese_pdf: bytes) -> None:
        assert chinese_pdf.startswith(b"%PDF-")
        assert page_count(chinese_pdf) == 1

    def test_simplified_and_traditional_characters_are_extractable(
        self, chinese_pdf: bytes
    ) -> None:
        text = pdf_text(chinese_pdf)
        assert "\ufffd" not in text
        lines = pdf_text_lines(chinese_pdf)
        assert "逾期账款提醒 / 逾期帳款提醒" in lines
        assert "王小明" in lines
        assert "世纪大道 100 号" in lines
        assert "2024年3月5日" in lines
        assert "收款服务有限公司" in lines
        assert squeezed("請您儘快與我們聯繫，以便協商還款計劃。") in squeezed(text)
        assert squeezed("您的账户（编号ACC-0001）有一笔逾期款项") in squeezed(text)

    def test_no_line_starts_with_closing_punctuation(self) -> None:
        body = "我们写信是为了提醒您，您的账户有一笔逾期款项。" * 30
        message = OutgoingMessage(idempotency_key="k", to="王小明", body=body, locale="zh")
        pdf = render_letter_pdf(message, sender="收款部", created=CREATED)
        body_lines = [line for line in pdf_text_lines(pdf) if line in body]
        assert len(body_lines) > 5
        assert not [line for line in body_lines if line[0] in "，。"]
        assert squeezed(body) in squeezed(pdf_text(pdf))


class TestDeterminism:
    def test_same_letter_same_bytes(self, english_pdf: bytes, chinese_pdf: bytes) -> None:
        assert render_letter_pdf(ENGLISH, sender=SENDER, created=CREATED) == english_pdf
        again = render_letter_pdf(CHINESE, sender=CHINESE_SENDER, created=CREATED)
        assert again == chinese_pdf

    def test_another_date_is_another_letter(self, english_pdf: bytes) -> None:
        later = render_letter_pdf(ENGLISH, sender=SENDER, created=date(2024, 3, 6))
        assert later != english_pdf

    def test_same_bytes_in_another_process_with_another_hash_seed(self, english_pdf: bytes) -> None:
        # Content addressing needs the bytes stable across processes, where set and dict
        # iteration order over strings changes with PYTHONHASHSEED.
        script = (
            "import hashlib, sys\n"
            "from tests.unit.channels.test_letters import ENGLISH, SENDER, CREATED\n"
            "from recoverly.channels.letters import render_letter_pdf\n"
            "pdf = render_letter_pdf(ENGLISH, sender=SENDER, created=CREATED)\n"
            "sys.stdout.write(hashlib.sha256(pdf).hexdigest())\n"
        )
        digests = {
            subprocess.run(
                [sys.executable, "-c", script],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
                cwd=Path(__file__).resolve().parents[3],
            ).stdout
            for seed in ("1", "2")
        }
        assert digests == {hashlib.sha256(english_pdf).hexdigest()}


class TestLongLetter:
    def test_spans_pages_numbered_in_the_footer(self) -> None:
        paragraph = (
            "We have written to you before about the balance on your account. "
            "Please contact us so that we can agree a way forward together. "
        ) * 4
        message = OutgoingMessage(
            idempotency_key="k",
            to="Jane Doe\nLeeds",
            subject="Reminder",
            body=(paragraph + "\n\n") * 12,
        )
        pdf = render_letter_pdf(message, sender=SENDER, created=CREATED)
        pages = page_count(pdf)
        lines = pdf_text_lines(pdf)

        assert pages >= 2
        footers = [line for line in lines if re.fullmatch(r"\d+/\d+", line)]
        assert footers == [f"{n}/{pages}" for n in range(1, pages + 1)]
        assert squeezed(paragraph) in squeezed(pdf_text(pdf))

    def test_a_word_longer_than_a_line_is_cut_across_lines(self) -> None:
        reference = "REF-" + "0123456789" * 20  # one word longer than a line
        message = OutgoingMessage(
            idempotency_key="k", to="Jane Doe", body=f"Quote {reference} when paying."
        )
        pdf = render_letter_pdf(message, sender=SENDER, created=CREATED)
        assert squeezed(f"Quote {reference} when paying.") in squeezed(pdf_text(pdf))
        # fpdf2 writes one text block per printed line: two holding digits mean a cut.
        assert sum(1 for line in pdf_text_lines(pdf) if "0123456789" in line) >= 2


class TestFont:
    def test_a_missing_font_names_the_package_to_install(self, tmp_path: Path) -> None:
        missing = tmp_path / "no-such-font.ttc"
        with pytest.raises(LetterFontMissing) as caught:
            render_letter_pdf(ENGLISH, sender=SENDER, created=CREATED, font_path=missing)
        assert caught.value.code == "channels.letter.font_missing"
        assert "fonts-wqy-microhei" in caught.value.message
        assert FONT_ENV_VAR in caught.value.message
        assert str(missing) in caught.value.message

    def test_the_font_comes_from_the_environment(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        missing = tmp_path / "configured.otf"
        monkeypatch.setenv(FONT_ENV_VAR, str(missing))
        assert letter_font_path() == missing
        with pytest.raises(LetterFontMissing, match=r"configured\.otf"):
            render_letter_pdf(ENGLISH, sender=SENDER, created=CREATED)

    def test_the_default_is_the_debian_path(self) -> None:
        assert letter_font_path({}) == DEFAULT_FONT_PATH
        assert letter_font_path({FONT_ENV_VAR: "  "}) == DEFAULT_FONT_PATH
        assert str(DEFAULT_FONT_PATH) == "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

    def test_characters_the_font_cannot_show_are_refused(self) -> None:
        message = OutgoingMessage(idempotency_key="k", to="Jane Doe", body="Thank you 😀 ขอบคุณ")
        with pytest.raises(LetterGlyphsMissing, match="U\\+1F600") as caught:
            render_letter_pdf(message, sender=SENDER, created=CREATED)
        assert "U+0E02" in caught.value.message


# -- one parsed font, shared between letters ----------------------------------------------


def _digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def _render(name: str, font_path: Path | None = None) -> bytes:
    message, sender = LETTERS[name]
    return render_letter_pdf(message, sender=sender, created=CREATED, font_path=font_path)


@pytest.fixture(scope="module")
def fresh_process_digests() -> dict[str, str]:
    """Each letter's SHA-256 as a process that renders nothing else makes it."""
    script = (
        "import hashlib, sys\n"
        "from tests.unit.channels.test_letters import LETTERS, CREATED\n"
        "from recoverly.channels.letters import render_letter_pdf\n"
        "message, sender = LETTERS[sys.argv[1]]\n"
        "pdf = render_letter_pdf(message, sender=sender, created=CREATED)\n"
        "sys.stdout.write(hashlib.sha256(pdf).hexdigest())\n"
    )
    processes = {
        name: subprocess.Popen(
            [sys.executable, "-c", script, name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            cwd=Path(__file__).resolve().parents[3],
        )
        for seed, name in enumerate(LETTERS, start=1)
    }
    digests = {}
    for name, process in processes.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        digests[name] = out
    return digests


class TestSharedFont:
    """The font file is parsed once per process and each letter sets a copy of its own: the
    PDF's font is subset in place, so any state shared by mistake would carry one letter's
    glyphs into the next letter's bytes."""

    def test_letters_in_a_row_are_the_letters_fresh_processes_render(
        self, fresh_process_digests: dict[str, str]
    ) -> None:
        order = ["chinese", "english", "mixed", "english", "chinese", "mixed", "chinese"]
        assert [_digest(_render(name)) for name in order] == [
            fresh_process_digests[name] for name in order
        ]

    def test_letters_rendered_on_threads_are_the_letters_fresh_processes_render(
        self, fresh_process_digests: dict[str, str]
    ) -> None:
        names = list(LETTERS)
        workers = 4
        start = threading.Barrier(workers)

        def render_all(offset: int) -> list[tuple[str, str]]:
            start.wait(timeout=120)  # all threads render at once, each in its own order
            order = (names[offset:] + names[:offset]) * 2
            return [(name, _digest(_render(name))) for name in order]

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = [
                pair
                for rendered in pool.map(render_all, [i % len(names) for i in range(workers)])
                for pair in rendered
            ]

        assert len(results) == workers * 2 * len(names)
        assert all(digest == fresh_process_digests[name] for name, digest in results)

    def test_the_adapter_sending_concurrently_stores_what_fresh_processes_render(
        self, tmp_path: Path, fresh_process_digests: dict[str, str]
    ) -> None:
        adapter = LetterAdapter(LocalBlobStore(tmp_path), sender=SENDER, today=lambda: CREATED)

        async def send_all() -> list[str | None]:
            results = await asyncio.gather(
                *(adapter.send(message) for message in [MIXED, ENGLISH] * 3)
            )
            return [result.provider_id for result in results]

        assert (
            asyncio.run(send_all())
            == [
                fresh_process_digests["mixed"],
                fresh_process_digests["english"],
            ]
            * 3
        )

    def test_a_letter_embeds_only_its_own_characters(self) -> None:
        _render("chinese")
        _render("mixed")
        pdf = _render("english")
        # The ToUnicode map names every glyph in the embedded font subset (and .notdef).
        embedded = set(_to_unicode(_streams(pdf)).values()) - {"\x00"}
        printed = set(
            "".join([ENGLISH.to, ENGLISH.subject, ENGLISH.body, SENDER, "5 March 2024", "1/1"])
        )
        assert embedded <= printed

    def test_the_shared_font_gives_the_bytes_of_a_freshly_parsed_one(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        shared = {name: _render(name) for name in LETTERS}
        monkeypatch.setattr(letters, "_SHARE_PARSED_FONT", False)  # fpdf2's add_font per letter
        assert {name: _render(name) for name in LETTERS} == shared

    def test_a_font_it_cannot_share_is_parsed_for_every_letter(
        self, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        shared = _render("mixed")
        monkeypatch.setattr(letters, "_shared_fonts", {})
        monkeypatch.setattr(letters, "_why_not_shareable", lambda font: "a test says so")
        assert _render("mixed") == shared
        assert _render("mixed") == shared
        assert "parsed for every letter: a test says so" in caplog.text

    def test_a_font_file_changed_on_disk_is_parsed_again(self, tmp_path: Path) -> None:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        font_path = tmp_path / "letter.ttc"
        shutil.copyfile(DEFAULT_FONT_PATH, font_path)
        assert pdf_text_lines(_render("chinese", font_path))

        # The same path now holds a font with ASCII glyphs only.
        latin = TTFont(DEFAULT_FONT_PATH, fontNumber=0)
        subsetter = subset.Subsetter(subset.Options(notdef_outline=True))
        subsetter.populate(unicodes=range(0x20, 0x7F))
        subsetter.subset(latin)
        latin.save(font_path)

        with pytest.raises(LetterGlyphsMissing, match=r"U\+3002"):  # 。, the first of many
            _render("chinese", font_path)
        plain = OutgoingMessage(idempotency_key="k", to="Jane Doe", body="Hello")
        assert "Hello" in pdf_text_lines(
            render_letter_pdf(plain, sender="Recoverly", created=CREATED, font_path=font_path)
        )

    def test_a_letter_copy_of_the_glyphs_leaves_the_shared_ones_alone(self) -> None:
        shared = {name: SimpleNamespace(data=name.encode()) for name in ("a", "b", "c")}
        view = letters._GlyphsCopiedOnRead(shared)

        view["a"].data = b"changed"
        assert view["a"].data == b"changed"  # the letter keeps its copy
        assert shared["a"].data == b"a"
        del view["b"]
        view["z"] = SimpleNamespace(data=b"z")

        assert list(view) == ["a", "c", "z"]
        assert len(view) == 3
        assert "b" not in view
        assert "z" not in shared
        with pytest.raises(KeyError):
            view["b"]
        assert set(shared) == {"a", "b", "c"}


# -- line breaking, measured in characters ------------------------------------------------


class TestWrapLine:
    def test_latin_text_breaks_at_spaces(self) -> None:
        assert wrap_line("the quick brown fox jumps over", 10, len) == [
            "the quick",
            "brown fox",
            "jumps over",
        ]

    def test_chinese_breaks_between_any_two_characters(self) -> None:
        assert wrap_line("我们写信是为了提醒您", 4, len) == ["我们写信", "是为了提", "醒您"]

    def test_closing_punctuation_stays_with_the_character_before_it(self) -> None:
        assert wrap_line("您好，我们写信。", 2, len) == ["您", "好，", "我们", "写", "信。"]

    def test_opening_brackets_stay_with_what_follows(self) -> None:
        assert wrap_line("请看（注意）事项", 3, len) == ["请看", "（注", "意）事", "项"]

    def test_numbers_inside_chinese_text_are_not_split(self) -> None:
        assert wrap_line("金额为 1,234.56 元。", 9, len) == ["金额为", "1,234.56", "元。"]

    def test_a_word_longer_than_the_line_is_cut(self) -> None:
        assert wrap_line("averyveryverylongword x", 10, len) == ["averyveryv", "erylongwor", "d x"]

    def test_a_blank_line_has_no_lines(self) -> None:
        assert wrap_line("   ", 10, len) == []

    @given(
        text=st.text(
            alphabet=st.sampled_from(list("ab xyz，。（）(),.我们写信提醒您12 ")), max_size=80
        ),
        width=st.integers(min_value=1, max_value=20),
    )
    def test_lines_fit_and_keep_every_character(self, text: str, width: int) -> None:
        lines = wrap_line(text, width, len)
        assert all(0 < len(line) <= width for line in lines)
        assert all(line == line.strip() for line in lines)
        assert squeezed("".join(lines)) == squeezed(text)


# -- the adapter --------------------------------------------------------------------------


class _FullDisk:
    def put(self, data: bytes, content_type: str) -> str:
        raise OSError(28, "No space left on device")

    def get(self, sha256: str) -> bytes:
        raise AssertionError("not used")

    def exists(self, sha256: str) -> bool:
        return False


class TestLetterAdapter:
    def adapter(self, tmp_path: Path) -> tuple[LetterAdapter, LocalBlobStore]:
        blobs = LocalBlobStore(tmp_path / "blobs")
        return LetterAdapter(blobs, sender=SENDER, today=lambda: CREATED), blobs

    def test_names_its_channel(self, tmp_path: Path) -> None:
        adapter, _ = self.adapter(tmp_path)
        assert (adapter.channel, adapter.name) == ("letter", "letter-pdf")
        asyncio.run(adapter.aclose())

    def test_stores_the_pdf_and_answers_its_hash(self, tmp_path: Path, chinese_pdf: bytes) -> None:
        adapter, blobs = self.adapter(tmp_path)
        adapter.sender = CHINESE_SENDER

        result = asyncio.run(adapter.send(CHINESE))

        assert result.status is SendStatus.ACCEPTED
        assert result.provider_id == hashlib.sha256(chinese_pdf).hexdigest()
        assert blobs.get(result.provider_id) == chinese_pdf

    def test_the_same_message_twice_is_one_blob(self, tmp_path: Path) -> None:
        adapter, blobs = self.adapter(tmp_path)

        async def send_twice() -> tuple[str | None, str | None]:
            first = await adapter.send(ENGLISH)
            second = await adapter.send(ENGLISH)
            return first.provider_id, second.provider_id

        first, second = asyncio.run(send_twice())
        assert first is not None
        assert first == second
        assert [p.name for p in blobs.root.rglob("*") if p.is_file()] == [first]

    def test_a_letter_without_an_address_fails_for_good(self, tmp_path: Path) -> None:
        adapter, _ = self.adapter(tmp_path)
        message = OutgoingMessage(idempotency_key="k", to="  \n", body="Hello")
        result = asyncio.run(adapter.send(message))
        assert result.status is SendStatus.FAILED
        assert result.error == "a letter needs a postal address"

    def test_characters_without_glyphs_fail_for_good(self, tmp_path: Path) -> None:
        adapter, _ = self.adapter(tmp_path)
        message = OutgoingMessage(idempotency_key="k", to="Jane Doe", body="😀")
        result = asyncio.run(adapter.send(message))
        assert result.status is SendStatus.FAILED
        assert result.error is not None
        assert result.error.startswith("channels.letter.glyphs_missing")

    def test_a_store_that_cannot_write_is_retried(self) -> None:
        adapter = LetterAdapter(_FullDisk(), sender=SENDER, today=lambda: CREATED)
        result = asyncio.run(adapter.send(ENGLISH))
        assert result.status is SendStatus.RETRY
        assert result.error is not None
        assert "No space left" in result.error

    def test_a_machine_without_the_font_fails_at_start_up(self, tmp_path: Path) -> None:
        with pytest.raises(LetterFontMissing, match="fonts-wqy-microhei"):
            LetterAdapter(
                LocalBlobStore(tmp_path),
                sender=SENDER,
                today=lambda: CREATED,
                font_path=tmp_path / "missing.ttf",
            )
