"""The register of personal data covers every table: a table added later that holds rows
about a debtor must say how they are exported and erased, or the suite fails."""

from __future__ import annotations

from recoverly.store.base import metadata
from recoverly.store.repositories.personal_data import HOLDINGS, NOT_ABOUT_A_DEBTOR, Link


def test_every_table_is_in_the_register_once() -> None:
    held = [h.table.name for h in HOLDINGS]
    assert len(held) == len(set(held))
    assert set(held).isdisjoint(NOT_ABOUT_A_DEBTOR)
    assert set(held) | set(NOT_ABOUT_A_DEBTOR) == set(metadata.tables)


def test_a_table_keyed_by_a_debtor_case_account_or_message_is_a_holding() -> None:
    links = {link.value for link in Link}
    for name in NOT_ABOUT_A_DEBTOR:
        columns = set(metadata.tables[name].c.keys())
        assert not columns & links, f"{name} has {columns & links}: it holds debtors' rows"


def test_each_holding_is_found_through_a_column_it_has() -> None:
    for holding in HOLDINGS:
        assert holding.link.value in holding.table.c, holding.table.name
        assert holding.erasure, holding.table.name
