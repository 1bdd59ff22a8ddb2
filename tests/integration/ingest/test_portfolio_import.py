"""Importing portfolios: validation reports, all-or-nothing, partial with quarantine, upsert."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, select

from recoverly.ingest.service import ImportOptions, import_portfolio
from recoverly.store.tables import accounts, cases, contact_points, debtors
from tests.integration.ingest.conftest import dump

AS_OF = date(2026, 3, 9)
HEADER = (
    "account_id,debtor_id,debtor_name,country,currency,principal_outstanding,due_date,"
    "phone,email,region,timezone,days_past_due,debtor_type,language,product,address,score_band\n"
)
GOOD = (
    HEADER
    + "A1,D1,Li Wei,CN,CNY,1000.50,2026-01-01,13812345678,li.wei@mail.example.cn,,,40,person,,credit_card,,A\n"
    + "A2,D1,Li Wei,CN,CNY,200,2026-02-01,13812345678,li.wei@mail.example.cn,,,,,,personal_loan,,B\n"
    + 'A3,D2,John Doe,US,USD,50.00,2026-02-15,(212) 555-1234,john@mail.example.com,NY,,,,en,,"1 Main St\nNew York",\n'
    + "A4,D3,Sato Co,JP,JPY,5000,2026-02-15,,,,,,company,ja,sme_invoice,,C\n"
)


def test_a_good_file_imports_debtors_accounts_cases_and_contact_points(
    engine: Engine, tenant_id: int, write
) -> None:
    report = import_portfolio(engine, tenant_id, write("p.csv", GOOD), AS_OF)
    assert report.ok
    assert report.committed
    assert (report.rows_read, report.rows_imported) == (4, 4)
    with engine.connect() as conn:
        acc = {r.account_id: r for r in conn.execute(select(accounts))}
        deb = {r.debtor_id: r for r in conn.execute(select(debtors))}
        points = conn.execute(
            select(contact_points.c.debtor_id, contact_points.c.kind, contact_points.c.value)
        ).all()
        n_cases = len(conn.execute(select(cases)).all())
    assert acc["A1"].principal_minor == 100050
    assert acc["A4"].principal_minor == 5000
    assert acc["A1"].past_due_since == date(2026, 1, 28)  # 40 days before the as-of date
    assert acc["A3"].past_due_since == date(2026, 2, 15)  # no days_past_due: the due date
    assert acc["A1"].attributes == {"score_band": "A"}
    assert deb["D1"].timezone == "Asia/Shanghai"
    assert deb["D1"].language == "zh-Hans"
    assert deb["D2"].timezone == "America/New_York"
    assert deb["D2"].region == "NY"
    assert deb["D3"].debtor_type == "company"
    assert deb["D3"].timezone == "Asia/Tokyo"
    assert ("D2", "phone", "+12125551234") in points
    assert ("D2", "address", "1 Main St\nNew York") in points
    assert ("D1", "phone", "+8613812345678") in points
    assert n_cases == 3


def test_reimport_updates_in_place_and_never_duplicates(
    engine: Engine, tenant_id: int, write
) -> None:
    import_portfolio(engine, tenant_id, write("p.csv", GOOD), AS_OF)
    changed = GOOD.replace("1000.50", "900.00").replace(",A\n", ",AA\n")
    report = import_portfolio(engine, tenant_id, write("p2.csv", changed), AS_OF)
    assert report.ok
    with engine.connect() as conn:
        rows = conn.execute(
            select(accounts.c.account_id, accounts.c.principal_minor, accounts.c.attributes)
        ).all()
        n_points = len(conn.execute(select(contact_points)).all())
        n_debtors = len(conn.execute(select(debtors)).all())
    assert len(rows) == 4
    assert n_debtors == 3
    assert n_points == 5
    a1 = next(r for r in rows if r.account_id == "A1")
    assert a1.principal_minor == 90000
    assert a1.attributes == {"score_band": "AA"}


BAD_ROWS = [
    # (cells by column, expected column name, expected words in the message)
    ({"currency": "USX"}, "currency", '"USX" is not an ISO 4217'),
    ({"timezone": "Mars/Olympus"}, "timezone", "not an IANA time zone"),
    ({"phone": "12345"}, "phone", "not a valid number"),
    ({"principal_outstanding": "-5.00"}, "principal_outstanding", "must not be negative"),
    ({"due_date": "2026-02-30"}, "due_date", "not a date"),
    ({"due_date": "09/03/2026"}, "due_date", "not a date"),
    ({"country": "XX"}, "country", "not an ISO 3166-1"),
    ({"region": "ZZ"}, "region", "not an ISO 3166-2 subdivision of US"),
    (
        {"currency": "JPY", "principal_outstanding": "100.5"},
        "principal_outstanding",
        "more decimals",
    ),
    ({"principal_outstanding": "12.5.0"}, "principal_outstanding", "not a decimal amount"),
    ({"email": "john@"}, "email", "not a valid address"),
    ({"debtor_name": ""}, "debtor_name", "required"),
    ({"debtor_type": "alien"}, "debtor_type", "person or company"),
    ({"days_past_due": "ten"}, "days_past_due", "whole number"),
    ({"language": "english!"}, "language", "BCP 47"),
    ({"account_id": "X" * 65}, "account_id", "longer than 64"),
    (
        {"debtor_id": "D77", "region": "", "phone": "", "timezone": ""},
        "country",
        "cannot tell the debtor's time zone",
    ),
    ({"product": "credit card!!"}, "product", "not a product code"),
    ({"account_id": "A1"}, "account_id", "duplicate id, first used on line 2"),
    ({"interest_outstanding": "abc"}, "interest_outstanding", "not a decimal amount"),
]
BAD_HEADER = [
    "account_id",
    "debtor_id",
    "debtor_name",
    "country",
    "currency",
    "principal_outstanding",
    "due_date",
    "phone",
    "email",
    "region",
    "timezone",
    "days_past_due",
    "debtor_type",
    "language",
    "product",
    "interest_outstanding",
]
BASE = {
    "account_id": "",
    "debtor_id": "D9",
    "debtor_name": "Jane Roe",
    "country": "US",
    "currency": "USD",
    "principal_outstanding": "10.00",
    "due_date": "2026-01-01",
    "phone": "+12125550100",
    "email": "jane@mail.example.com",
    "region": "NY",
    "timezone": "",
    "days_past_due": "",
    "debtor_type": "",
    "language": "",
    "product": "",
    "interest_outstanding": "",
}


def _bad_file() -> tuple[bytes, list[tuple[int, int, str]]]:
    """A file with one good row, then every kind of bad row, a quoted newline, bad bytes
    and a ragged record; returns its bytes and the (line, column, words) expected."""
    lines = [",".join(BAD_HEADER).encode()]
    good = dict(BASE, account_id="A1", address="")
    lines.append(",".join(good[c] for c in BAD_HEADER).encode())
    expected = []
    line = 3
    for i, (cells, column, words) in enumerate(BAD_ROWS):
        row = dict(BASE, account_id=f"B{i}")
        row.update(cells)
        lines.append(",".join(row[c] for c in BAD_HEADER).encode())
        expected.append((line, BAD_HEADER.index(column) + 1, words))
        line += 1
    # A good record spanning two physical lines shifts every later line number by one.
    quoted = dict(BASE, account_id="Q1", debtor_id="D10", debtor_name='"Jane\nRoe"')
    lines.append(",".join(quoted[c] for c in BAD_HEADER).encode())
    line += 2
    latin1 = dict(BASE, account_id="L1")
    lines.append(",".join(latin1[c] for c in BAD_HEADER).encode().replace(b"Jane Roe", b"Jos\xe9"))
    expected.append((line, BAD_HEADER.index("debtor_name") + 1, "not valid UTF-8"))
    line += 1
    lines.append(",".join(dict(BASE, account_id="R1")[c] for c in BAD_HEADER).encode() + b",extra")
    expected.append((line, len(BAD_HEADER) + 1, "has 17 fields; the header has 16"))
    return b"\n".join(lines) + b"\n", expected


def test_every_kind_of_bad_row_is_reported_and_nothing_is_written(
    engine: Engine, tenant_id: int, write
) -> None:
    import_portfolio(engine, tenant_id, write("good.csv", GOOD), AS_OF)
    before = dump(engine)
    content, expected = _bad_file()
    report = import_portfolio(engine, tenant_id, write("bad.csv", content), AS_OF)
    assert not report.committed
    assert report.rows_imported == 0
    got = [(f.line, f.column, f.message) for f in report.findings]
    for line, column, words in expected:
        matches = [g for g in got if g[0] == line and g[1] == column and words in g[2]]
        assert matches, f"expected {words!r} at {line}:{column}; got {got}"
    assert len(got) == len(expected)
    assert all(f.render().startswith(f"{report.source}:") for f in report.findings)
    assert dump(engine) == before


def test_missing_required_column_is_reported_on_the_header(
    engine: Engine, tenant_id: int, write
) -> None:
    path = write(
        "p.csv", "account_id,debtor_id,debtor_name,country,principal_outstanding,due_date\n"
    )
    report = import_portfolio(engine, tenant_id, path, AS_OF)
    assert [f.render() for f in report.findings] == [
        f"{path}:1:1: missing required column 'currency'"
    ]
    assert not report.committed


def test_partial_imports_good_rows_and_quarantines_bad_ones(
    engine: Engine, tenant_id: int, write, tmp_path: Path
) -> None:
    content, expected = _bad_file()
    quarantine = tmp_path / "q.csv"
    report = import_portfolio(
        engine,
        tenant_id,
        write("bad.csv", content),
        AS_OF,
        ImportOptions(partial=True, quarantine=quarantine),
    )
    assert report.committed
    assert report.rows_imported == 2  # A1 and the two-line Q1
    assert report.rows_rejected == len(expected)
    q = pl.read_csv(quarantine, infer_schema=False)
    assert sorted(int(x) for x in q["line"]) == sorted(line for line, _, _ in expected)
    assert all(r for r in q["reasons"])
    with engine.connect() as conn:
        ids = sorted(conn.execute(select(accounts.c.account_id)).scalars())
    assert ids == ["A1", "Q1"]


def test_parquet_imports_like_csv(engine: Engine, tenant_id: int, write, tmp_path: Path) -> None:
    csv_path = write("p.csv", GOOD)
    parquet = tmp_path / "p.parquet"
    pl.read_csv(csv_path, infer_schema=False).write_parquet(parquet)
    report = import_portfolio(engine, tenant_id, parquet, AS_OF)
    assert report.ok
    assert report.rows_imported == 4


@pytest.mark.parametrize("content", [b"", b"account_id,\n"])
def test_unusable_files_are_refused_with_a_reason(
    engine: Engine, tenant_id: int, write, content: bytes
) -> None:
    from recoverly.domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"p\.csv:1:"):
        import_portfolio(engine, tenant_id, write("p.csv", content), AS_OF)


def test_typed_parquet_columns_are_read_as_their_text(
    engine: Engine, tenant_id: int, write, tmp_path: Path
) -> None:
    """Dates, integers and decimals typed by the writer import like their CSV text."""
    from decimal import Decimal

    frame = pl.DataFrame(
        {
            "account_id": ["T1", "T2"],
            "debtor_id": ["D1", "D2"],
            "debtor_name": ["Li Wei", "Sato Co"],
            "country": ["CN", "JP"],
            "currency": ["CNY", "JPY"],
            "principal_outstanding": [Decimal("1000.50"), Decimal("5000.00")],
            "due_date": [date(2026, 1, 1), date(2026, 2, 15)],
            "days_past_due": [40, None],
        },
        schema_overrides={"principal_outstanding": pl.Decimal(12, 2)},
    )
    parquet = tmp_path / "typed.parquet"
    frame.write_parquet(parquet)
    report = import_portfolio(engine, tenant_id, parquet, AS_OF)
    assert report.ok, [f.render() for f in report.findings]
    with engine.connect() as conn:
        rows = {r.account_id: r for r in conn.execute(select(accounts))}
    assert rows["T1"].principal_minor == 100050
    assert rows["T1"].past_due_since == date(2026, 1, 28)
    assert rows["T2"].principal_minor == 5000  # "5000.00" is a whole number of yen


def test_a_debtors_rows_must_not_contradict_each_other(
    engine: Engine, tenant_id: int, write
) -> None:
    head = "account_id,debtor_id,debtor_name,country,currency,principal_outstanding,due_date,national_id,region\n"
    rows = (
        "A1,D1,Jane Roe,US,USD,1.00,2026-01-01,,NY\n"
        "A2,D1,Jane Roe,US,USD,2.00,2026-01-01,123456789,\n"  # fills in a blank: fine
        "A3,D1,Jane Doe,US,USD,3.00,2026-01-01,,NY\n"  # another name: contradiction
        "A4,D1,Jane Roe,US,USD,4.00,2026-01-01,987654321,NY\n"  # another national id
    )
    report = import_portfolio(engine, tenant_id, write("p.csv", head + rows), AS_OF)
    assert [(f.line, f.column, f.message) for f in report.findings] == [
        (4, 3, "debtor_name: the debtor was given another debtor_name on line 2"),
        (5, 8, "national_id: the debtor was given another national_id on line 2"),
    ]
    ok = import_portfolio(engine, tenant_id, write("ok.csv", head + rows.split("A3")[0]), AS_OF)
    assert ok.ok
    with engine.connect() as conn:
        debtor = conn.execute(select(debtors)).one()
    assert (debtor.name, debtor.national_id, debtor.region) == ("Jane Roe", "123456789", "NY")
