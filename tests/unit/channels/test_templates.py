"""Message templates: the shipped catalog renders everywhere it claims to, amounts and
dates read the way the debtor's locale writes them, languages fall back with a warning,
and a broken template file is refused with its name, line and field."""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import replace
from datetime import date
from importlib.resources import as_file
from pathlib import Path

import pytest
from babel import Locale
from babel.numbers import (
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    parse_decimal,
)
from hypothesis import given
from hypothesis import strategies as st

from recoverly.channels.templates import (
    SAMPLE_CONTEXT,
    MessageContext,
    TemplateInvalid,
    TemplateNotFound,
    default_catalog_dir,
    load_catalog,
)
from recoverly.channels.templates.formatting import money
from recoverly.channels.templates.locales import best_match
from recoverly.channels.templates.sms import SmsEncoding, sms_size
from recoverly.domain.errors import NotFound, RecoverlyError, UnknownCurrency
from recoverly.domain.events import Channel
from recoverly.domain.money import Money, minor_units
from recoverly.strategy.loader import load_default
from recoverly.strategy.model import MESSAGES
from tests.conftest import REPO

CATALOG = load_catalog()
SHIPPED = (
    "arrears_detail",
    "arrears_reminder",
    "final_notice",
    "gentle_reminder",
    "payment_options",
    "pre_placement",
)
LOCALES = ("en", "zh-Hans", "zh-Hant")
CASES = [
    (name, channel, locale)
    for name in SHIPPED
    for channel in CATALOG.template(name).channels
    for locale in LOCALES
]
CONTEXT = MessageContext(
    debtor_name="Mei Lin",
    creditor_name="Harbour Credit Union",
    amount_due_minor=98765,
    currency="USD",
    due_date=date(2026, 3, 9),
    past_due_days=45,
    reference="C-2026-00917",
    portal_url="https://pay.example.com/c/W2K9",
    account_masked="•••• 0077",
)


class TestShippedCatalog:
    def test_it_has_the_templates_the_default_strategy_uses_in_three_languages(self) -> None:
        assert sorted(CATALOG.templates) == list(SHIPPED)
        for name in SHIPPED:
            assert CATALOG.template(name).locales == LOCALES
            assert CATALOG.template(name).version == 1

    def test_every_message_step_of_the_default_strategy_has_its_template_and_channel(
        self,
    ) -> None:
        steps = {
            (step.template, step.kind.value)
            for segment in load_default().segments
            for path in segment.paths.values()
            for step in path
            if step.kind in MESSAGES
        }
        assert steps  # the strategy does send messages
        for name, channel in steps:
            assert channel in CATALOG.template(str(name)).channels, (name, channel)

    @pytest.mark.parametrize(("name", "channel", "locale"), CASES)
    def test_each_template_renders_in_each_language_on_each_channel(
        self, name: str, channel: Channel, locale: str
    ) -> None:
        rendered = CATALOG.render(name, channel, locale, CONTEXT)
        assert rendered.locale == locale
        assert not [w for w in rendered.warnings if "no text" in w]
        assert "{{" not in rendered.body
        assert "{%" not in rendered.body
        assert CONTEXT.portal_url in rendered.body
        assert "Mei Lin" in rendered.body
        assert bool(rendered.subject) == (channel in (Channel.EMAIL, Channel.LETTER))
        if channel in (Channel.EMAIL, Channel.LETTER):
            assert CONTEXT.reference in rendered.body
            assert money(98765, "USD", Locale.parse(locale.replace("-", "_"))) in rendered.body
        for disclosure in CATALOG.disclosures.values():
            text = disclosure.text(locale, channel)
            applies = channel in disclosure.channels and disclosure.when is None
            assert applies == (text is not None and text in rendered.body), disclosure.id

    @pytest.mark.parametrize(
        "name", [n for n in SHIPPED if Channel.SMS in CATALOG.template(n).channels]
    )
    def test_english_sms_fit_one_gsm_segment_for_the_sample_case(self, name: str) -> None:
        rendered = CATALOG.render(name, Channel.SMS, "en", SAMPLE_CONTEXT)
        size = sms_size(rendered.body)
        assert (size.encoding, size.segments) == (SmsEncoding.GSM_7, 1), rendered.body
        assert rendered.warnings == ()

    def test_letters_never_offer_an_electronic_opt_out(self) -> None:
        rendered = CATALOG.render("final_notice", Channel.LETTER, "en", CONTEXT)
        assert "STOP" not in rendered.body
        assert "may refer the account" in rendered.body

    def test_the_hash_is_of_subject_and_body_and_follows_the_content(self) -> None:
        first = CATALOG.render("payment_options", "email", "en", CONTEXT)
        again = CATALOG.render("payment_options", "email", "en", CONTEXT)
        other = CATALOG.render(
            "payment_options", "email", "en", replace(CONTEXT, amount_due_minor=98766)
        )
        expected = hashlib.sha256(f"{first.subject}\0{first.body}".encode()).hexdigest()
        assert first.sha256 == again.sha256 == expected
        assert other.sha256 != first.sha256
        assert first.template_version == 1


class TestFormatting:
    @pytest.mark.parametrize(
        ("minor", "currency", "locale", "expected"),
        [
            (123456, "USD", "en_US", "$1,234.56"),
            (123456, "USD", "en_GB", "US$1,234.56"),
            (123456, "JPY", "en_US", "¥123,456"),
            (1234567, "BHD", "en_US", "BHD1,234.567"),
            (123456, "CNY", "zh_Hans", "¥1,234.56"),
            (123456, "CNY", "zh_Hant", "CN¥1,234.56"),
            (100000, "EUR", "de_DE", "1.000,00\xa0€"),
            (5, "USD", "en_US", "$0.05"),
            (-123456, "USD", "en_US", "-$1,234.56"),
            # ISO 4217 gives IQD three decimals where CLDR shows none: the ledger's rule wins
            (1234, "IQD", "en_US", "IQD1.234"),
        ],
    )
    def test_money_shows_exactly_the_iso_4217_decimals(
        self, minor: int, currency: str, locale: str, expected: str
    ) -> None:
        assert money(minor, currency, Locale.parse(locale)) == expected

    def test_amounts_in_a_message_follow_the_case_currency(self) -> None:
        yen = replace(CONTEXT, amount_due_minor=123456, currency="JPY")
        dinar = replace(CONTEXT, amount_due_minor=1234567, currency="BHD")
        yuan = replace(CONTEXT, amount_due_minor=123456, currency="CNY")
        assert "¥123,456 " in CATALOG.render("gentle_reminder", "sms", "en-US", yen).body
        assert "BHD1,234.567 " in CATALOG.render("gentle_reminder", "sms", "en", dinar).body
        assert "的¥1,234.56款项" in CATALOG.render("gentle_reminder", "sms", "zh-CN", yuan).body

    @pytest.mark.parametrize(
        ("locale", "expected", "format_locale"),
        [
            ("en-US", "Due since:         March 9, 2026", "en-US"),
            ("en-GB", "Due since:         9 March 2026", "en-GB"),
            ("en", "Due since:         March 9, 2026", "en"),
            ("zh-TW", "到期日：      2026年3月9日", "zh-Hant-TW"),
        ],
    )
    def test_dates_follow_the_debtors_region_within_the_text_language(
        self, locale: str, expected: str, format_locale: str
    ) -> None:
        rendered = CATALOG.render("arrears_detail", "email", locale, CONTEXT)
        assert expected in rendered.body
        assert rendered.format_locale == format_locale

    @given(
        minor=st.integers(min_value=-(10**13), max_value=10**13),
        currency=st.sampled_from(["USD", "JPY", "BHD", "CNY", "EUR", "INR", "IQD", "CLF"]),
        tag=st.sampled_from(
            [
                "en_US",
                "en_GB",
                "de_DE",
                "de_CH",
                "fr_FR",
                "sv_SE",
                "es_ES",
                "hi_IN",
                "zh_Hans",
                "zh_Hant",
                "ja_JP",
                "ar_BH",
            ]
        ),
    )
    def test_money_keeps_every_digit_grouped_as_the_locale_groups_them(
        self, minor: int, currency: str, tag: str
    ) -> None:
        """Reading the number back with the locale's own rules, strictly (a group
        separator in the wrong place is refused), gives exactly the amount: no digit is
        rounded away or invented, and the decimals are the currency's ISO 4217 ones."""
        locale = Locale.parse(tag)
        text = money(minor, currency, locale)
        group, point = get_group_symbol(locale), get_decimal_symbol(locale)
        number = text.replace(get_currency_symbol(currency, locale), "")
        number = "".join(c for c in number if c in "0123456789" or c in (group, point))
        number = number.strip(group)  # a space-like group mark may also pad the symbol
        assert parse_decimal(number, locale, strict=True) == abs(
            Money.from_minor(minor, currency).amount
        )
        decimals = number.partition(point)[2]
        assert len(decimals) == minor_units(currency)
        # Babel writes an ASCII hyphen in currency formats even where the locale's own
        # minus sign differs (sv: U+2212); either way, a credit must never read as a debt
        signs = {"-", get_minus_sign_symbol(locale)}
        assert any(sign in text for sign in signs) == (minor < 0)


class TestLanguages:
    @pytest.mark.parametrize(
        ("requested", "expected"),
        [
            ("zh-CN", "zh-Hans"),
            ("zh-SG", "zh-Hans"),
            ("zh", "zh-Hans"),
            ("zh-Hans-SG", "zh-Hans"),
            ("zh_cn", "zh-Hans"),
            ("zh-TW", "zh-Hant"),
            ("zh-HK", "zh-Hant"),
            ("zh-MO", "zh-Hant"),
            ("zh-Hant", "zh-Hant"),
            ("en-US", "en"),
            ("en-GB", "en"),
            ("EN-us", "en"),
            ("en-US-u-ca-gregory", "en"),
            ("fr-FR", None),
            ("yue-HK", None),
            ("", None),
            ("not a tag!", None),
        ],
    )
    def test_a_tag_matches_the_text_written_in_its_language_and_script(
        self, requested: str, expected: str | None
    ) -> None:
        assert best_match(requested, LOCALES) == expected

    def test_a_regional_tag_is_not_a_fallback(self) -> None:
        rendered = CATALOG.render("payment_options", "email", "zh-TW", CONTEXT)
        assert (rendered.locale, rendered.warnings) == ("zh-Hant", ())
        assert "帳戶" in rendered.body

    def test_an_unknown_language_falls_back_to_english_with_a_warning(self) -> None:
        rendered = CATALOG.render("payment_options", "email", "fr-FR", CONTEXT)
        assert rendered.locale == "en"
        assert rendered.warnings == ("payment_options has no text for 'fr-FR'; used 'en'",)
        # English text is not formatted the French way: "$987.65", not "987,65 $US"
        assert rendered.format_locale == "en"
        assert "$987.65" in rendered.body

    def test_the_accounts_language_comes_before_english(self) -> None:
        rendered = CATALOG.render("payment_options", "letter", "fr-FR", CONTEXT, fallback="zh-HK")
        assert rendered.locale == "zh-Hant"
        assert rendered.format_locale == "zh-Hant-HK"
        assert rendered.warnings == (
            "payment_options has no text for 'fr-FR'; used 'zh-Hant', "
            "the account's language 'zh-HK'",
        )

    def test_each_fallback_taken_is_a_warning(self) -> None:
        rendered = CATALOG.render("payment_options", "letter", "fr-FR", CONTEXT, fallback="de")
        assert rendered.locale == "en"
        assert len(rendered.warnings) == 2
        assert "'fr-FR'" in rendered.warnings[0]
        assert "'de'" in rendered.warnings[0]
        assert "'de'" in rendered.warnings[1]
        assert "used 'en'" in rendered.warnings[1]

    def test_the_account_language_also_sets_the_format_when_the_debtor_tag_cannot(self) -> None:
        rendered = CATALOG.render("arrears_detail", "letter", "fr-FR", CONTEXT, fallback="en-GB")
        assert (rendered.locale, rendered.format_locale) == ("en", "en-GB")
        assert "9 March 2026" in rendered.body

    @pytest.mark.parametrize("tag", ["", "??", "x", "123", "zz-ZZ"])
    def test_a_malformed_or_unknown_tag_never_breaks_a_render(self, tag: str) -> None:
        rendered = CATALOG.render("gentle_reminder", "sms", tag, CONTEXT)
        assert rendered.locale == "en"
        assert any(repr(tag) in w for w in rendered.warnings)


class TestRefusals:
    def test_an_unknown_template_is_not_found(self) -> None:
        with pytest.raises(TemplateNotFound, match="no template 'gentle_remider'") as caught:
            CATALOG.render("gentle_remider", "sms", "en", CONTEXT)
        assert isinstance(caught.value, NotFound)
        assert caught.value.code == "template.not_found"

    @pytest.mark.parametrize("channel", ["letter", "fax", "call"])
    def test_a_channel_the_template_does_not_offer_is_not_found(self, channel: str) -> None:
        with pytest.raises(TemplateNotFound, match="offered on sms, email"):
            CATALOG.render("gentle_reminder", channel, "en", CONTEXT)

    def test_a_context_in_an_unknown_currency_is_refused_before_rendering(self) -> None:
        with pytest.raises(UnknownCurrency):
            replace(CONTEXT, currency="XXX")

    def test_a_context_amount_must_be_whole_minor_units(self) -> None:
        with pytest.raises(RecoverlyError, match="minor units"):
            replace(CONTEXT, amount_due_minor=9.5)  # type: ignore[arg-type]


def _catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    with as_file(default_catalog_dir()) as source:
        shutil.copytree(source, target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _findings(directory: Path) -> list[str]:
    with pytest.raises(TemplateInvalid) as caught:
        load_catalog(directory)
    assert caught.value.code == "template.invalid"
    return [finding.render() for finding in caught.value.findings]


def _line_ending(path: Path, end: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, start=1) if text.endswith(end))


class TestBrokenFiles:
    @pytest.mark.parametrize(
        ("file", "old", "new", "words"),
        [
            (
                "gentle_reminder.yaml",
                ' {{ disclosure("opt_out") }}\n    email:',
                "\n    email:",
                "locales.en.sms: the rendered text lacks the 'opt_out' disclosure",
            ),
            (
                "final_notice.yaml",
                '\n\n        {{ disclosure("debt_collector") }}\n    email:',
                "\n    email:",
                "locales.en.letter: the rendered text lacks the 'debt_collector' disclosure",
            ),
            (
                "arrears_detail.yaml",
                "        Hello {{ debtor_name }},",
                "        Hello {{ debtor_nmae }},",
                "locales.en.email: does not render: UndefinedError: 'debtor_nmae' is undefined",
            ),
            (
                "payment_options.yaml",
                "disclosures: [debt_collector, opt_out]",
                "disclosures: [debt_collector, opt_out, cooling_off]",
                "disclosures.2: unknown disclosure 'cooling_off'",
            ),
            (
                "pre_placement.yaml",
                '        {{ disclosure("debt_collector") }}\n    email:',
                '        {{ disclosure("debt_collector") }} {{ disclosure("opt_out") }}\n    email:',
                "locales.en.letter: does not render: disclosure 'opt_out' does not apply to letter",
            ),
            (
                "arrears_reminder.yaml",
                "channels: [sms, voice_bot, email]",
                "channels: [sms, voice_bot, email, fax]",
                "channels.3: must be one of email, letter, push, sms, voice_bot; got 'fax'",
            ),
            (
                "gentle_reminder.yaml",
                "version: 1",
                "version: one",
                "version: must be a whole number from 1; got 'one'",
            ),
            (
                "gentle_reminder.yaml",
                "name: gentle_reminder",
                "name: gentle_nudge",
                "name: must match the file name 'gentle_reminder'; got 'gentle_nudge'",
            ),
            (
                "gentle_reminder.yaml",
                "      subject: 關於您",
                "      subjet: 關於您",
                "locales.zh-Hant.email.subjet: unknown field; expected subject, body",
            ),
            (
                "payment_options.yaml",
                "  zh-Hant:\n    email:",
                "  zh-Hant:\n    e-mail:",
                "locales.zh-Hant: no email text (subject, body)",
            ),
            (
                "final_notice.yaml",
                "  en:\n",
                "  english:\n",
                "locales: needs an 'en' block",
            ),
            (
                "pre_placement.yaml",
                "  zh-Hans:\n",
                "  en:\n",
                "'en' appears twice",
            ),
            (
                "_disclosures.yaml",
                "      sms: 回覆STOP取消訂閱。\n",
                "",
                "opt_out.locales.zh-Hant: no text for sms and no default",
            ),
        ],
    )
    def test_a_mistake_names_the_file_and_the_field(
        self, tmp_path: Path, file: str, old: str, new: str, words: str
    ) -> None:
        catalog = _catalog_copy(tmp_path)
        _edit(catalog / file, old, new)
        findings = _findings(catalog)
        assert any(f.startswith(str(catalog / file)) and words in f for f in findings), findings

    def test_bad_yaml_is_reported_at_its_line(self, tmp_path: Path) -> None:
        catalog = _catalog_copy(tmp_path)
        _edit(
            catalog / "final_notice.yaml", "channels: [letter, email]", "channels: [letter, email"
        )
        (finding,) = _findings(catalog)
        assert finding.startswith(f"{catalog / 'final_notice.yaml'}:")
        assert "not valid YAML" in finding

    def test_a_jinja_syntax_error_is_reported_at_its_line_in_the_file(self, tmp_path: Path) -> None:
        catalog = _catalog_copy(tmp_path)
        path = catalog / "arrears_detail.yaml"
        _edit(
            path,
            "          Due since:         {{ date(due_date) }}",
            "          Due since:         {{ date(due_date) }",
        )
        line = _line_ending(path, "{{ date(due_date) }")
        (finding,) = _findings(catalog)
        assert finding.startswith(f"{path}:{line}:"), finding
        assert "locales.en.email.body:" in finding

    def test_every_problem_of_every_file_is_reported_at_once(self, tmp_path: Path) -> None:
        catalog = _catalog_copy(tmp_path)
        _edit(catalog / "gentle_reminder.yaml", "version: 1", "version: 0")
        _edit(catalog / "gentle_reminder.yaml", "{{ reference }}", "{{ case_id }}")
        _edit(catalog / "final_notice.yaml", "{{ reference }}", "{{ case_id }}")
        (catalog / "notes.yml").write_text("name: notes\n")
        findings = [f.removeprefix(str(catalog) + "/") for f in _findings(catalog)]
        assert [f.split(":")[0] for f in findings] == [
            "final_notice.yaml",
            "gentle_reminder.yaml",
            "gentle_reminder.yaml",
            "notes.yml",
        ], findings
        assert "version: must be a whole number from 1; got 0" in findings[1]
        assert "locales.en.email: does not render: UndefinedError: 'case_id'" in findings[2]

    def test_the_sandbox_refuses_python_internals(self, tmp_path: Path) -> None:
        catalog = _catalog_copy(tmp_path)
        _edit(
            catalog / "gentle_reminder.yaml",
            "        Hello {{ debtor_name }},",
            "        Hello {{ debtor_name.__class__.__mro__ }},",
        )
        (finding,) = _findings(catalog)
        assert "SecurityError: access to attribute '__class__' of 'str' object is unsafe" in finding

    def test_a_template_cannot_override_the_render_scope(self, tmp_path: Path) -> None:
        catalog = _catalog_copy(tmp_path)
        _edit(
            catalog / "gentle_reminder.yaml",
            "        Hello {{ debtor_name }},",
            "        {% set _recoverly = 1 %}Hello {{ debtor_name }}, {{ date(due_date) }}",
        )
        (finding,) = _findings(catalog)
        assert "_recoverly is reserved" in finding

    def test_a_disclosure_dropped_for_some_cases_only_is_refused_when_rendered(
        self, tmp_path: Path
    ) -> None:
        """The load renders one sample case; a condition can still hide a disclosure for
        another case, and that message must never be produced."""
        catalog = _catalog_copy(tmp_path)
        _edit(
            catalog / "gentle_reminder.yaml",
            ' {{ disclosure("opt_out") }}\n    email:',
            ' {% if past_due_days < 30 %}{{ disclosure("opt_out") }}{% endif %}\n    email:',
        )
        loaded = load_catalog(catalog)
        early = replace(CONTEXT, past_due_days=3)
        assert "STOP" in loaded.render("gentle_reminder", "sms", "en", early).body
        with pytest.raises(TemplateInvalid, match="lacks the 'opt_out' disclosure"):
            loaded.render("gentle_reminder", "sms", "en", CONTEXT)

    def test_a_new_language_and_channel_need_only_data(self, tmp_path: Path) -> None:
        catalog = _catalog_copy(tmp_path)
        (catalog / "app_nudge.yaml").write_text(
            """\
name: app_nudge
version: 3
description: A short in-app notice.
channels: [push]
disclosures: [debt_collector]
locales:
  en:
    push:
      subject: A message about your account
      body: Open the app to see it. {{ disclosure("debt_collector") }} {{ disclosure("opt_out") }}
  vi:
    push:
      subject: Thông báo về tài khoản của bạn
      body: Mở ứng dụng để xem. {{ disclosure("debt_collector") }} {{ disclosure("opt_out") }}
""",
            encoding="utf-8",
        )
        findings = _findings(catalog)  # Vietnamese disclosures are not written yet
        assert any("disclosure 'debt_collector' has no 'vi' text" in f for f in findings), findings
        _edit(
            catalog / "_disclosures.yaml",
            "      push: 本訊息來自債務催收方。\n",
            "      push: 本訊息來自債務催收方。\n    vi:\n      default: Đây là thông tin liên lạc từ một bên thu nợ.\n",
        )
        _edit(
            catalog / "_disclosures.yaml",
            "      push: 如需停止接收此類通知，請在應用程式設定中關閉通知。\n",
            "      push: 如需停止接收此類通知，請在應用程式設定中關閉通知。\n    vi:\n"
            "      default: Để ngừng nhận thông báo, hãy tắt chúng trong phần cài đặt ứng dụng.\n",
        )
        loaded = load_catalog(catalog)
        rendered = loaded.render("app_nudge", "push", "vi-VN", CONTEXT)
        assert (rendered.locale, rendered.template_version, rendered.warnings) == ("vi", 3, ())
        assert rendered.subject == "Thông báo về tài khoản của bạn"
        assert rendered.body.endswith("hãy tắt chúng trong phần cài đặt ứng dụng.")
        # the other templates have no Vietnamese yet: they fall back, they do not fail
        assert loaded.render("gentle_reminder", "sms", "vi-VN", CONTEXT).locale == "en"


class TestSmsSize:
    @pytest.mark.parametrize(
        ("text", "encoding", "units", "segments"),
        [
            ("a" * 160, SmsEncoding.GSM_7, 160, 1),
            ("a" * 161, SmsEncoding.GSM_7, 161, 2),
            ("€" * 80, SmsEncoding.GSM_7, 160, 1),  # the extension table costs two
            ("a" * 306 + "€", SmsEncoding.GSM_7, 308, 3),
            ("您" * 70, SmsEncoding.UCS_2, 70, 1),
            ("a" * 69 + "•", SmsEncoding.UCS_2, 70, 1),  # one bullet makes it all UCS-2
            ("您" * 71, SmsEncoding.UCS_2, 71, 2),
            ("😀" * 35, SmsEncoding.UCS_2, 70, 1),  # outside the BMP: two code units
        ],
    )
    def test_segments_follow_the_encoding(
        self, text: str, encoding: SmsEncoding, units: int, segments: int
    ) -> None:
        size = sms_size(text)
        assert (size.encoding, size.units, size.segments) == (encoding, units, segments)


def test_the_python_examples_in_the_docs_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 2
    monkeypatch.chdir(REPO)
    for block in blocks:
        exec(compile(block, "docs/templates.md", "exec"), {})  # noqa: S102
    out = capsys.readouterr().out
    assert "valid: arrears_detail, arrears_reminder, final_notice" in out
    assert "到期日：      2026年5月1日" in out
    assert "$2,500.00" in out
