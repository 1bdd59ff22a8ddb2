"""Contacts: valid mobile numbers, unique undeliverable emails, one-line local addresses."""

from __future__ import annotations

import re

import email_validator
import phonenumbers
import polars as pl


class TestContacts:
    def test_every_phone_is_a_valid_e164_mobile_number_of_the_debtors_country(
        self, rows: pl.DataFrame
    ) -> None:
        mobile = {phonenumbers.PhoneNumberType.MOBILE,
                  phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}  # fmt: skip
        for country, phone in rows.select("country", "phone").iter_rows():
            parsed = phonenumbers.parse(phone)
            assert phonenumbers.is_valid_number(parsed), (country, phone)
            assert phonenumbers.region_code_for_number(parsed) == country, (country, phone)
            assert phonenumbers.number_type(parsed) in mobile, (country, phone)
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            assert phone == e164

    def test_phones_are_not_shared_between_debtors(self, debtors: pl.DataFrame) -> None:
        assert debtors["phone"].n_unique() == debtors.height

    def test_us_and_brazilian_mobiles_carry_a_local_area_code(self, debtors: pl.DataFrame) -> None:
        ny = debtors.filter(pl.col("region") == "NY")["phone"]
        sp = debtors.filter((pl.col("country") == "BR") & (pl.col("region") == "SP"))["phone"]
        assert all(p[2:5] in {"212", "646", "917", "718", "347", "929", "716", "585"} for p in ny)
        assert all(p[3:5] in {"11", "13", "16", "19"} for p in sp)

    def test_every_email_is_valid_ascii_and_undeliverable_by_design(
        self, debtors: pl.DataFrame
    ) -> None:
        emails = debtors["email"].drop_nulls()
        assert 0.80 * debtors.height < emails.len() < 0.97 * debtors.height
        for email in emails:
            assert email.isascii()
            email_validator.validate_email(email, check_deliverability=False)
            assert re.search(r"\.example\.(com|net|org)$", email), email

    def test_no_two_debtors_share_an_email_address(self, debtors: pl.DataFrame) -> None:
        emails = debtors["email"].drop_nulls()
        assert emails.n_unique() == emails.len()

    def test_addresses_are_one_line_and_name_the_city_of_the_region(
        self, debtors: pl.DataFrame
    ) -> None:
        assert not any("\n" in a or "{" in a for a in debtors["address"])
        us = debtors.filter(pl.col("country") == "US")
        assert all(a.endswith(f", {r} " + a[-5:]) for a, r in us.select("address", "region").rows())
