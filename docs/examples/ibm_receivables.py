"""Turn IBM's accounts-receivable sample into a Recoverly portfolio as of a date.

The IBM file (shared/data/ibm_accounts_receivable) is a real ledger of 2,466 B2B invoices
with issue, due and settlement dates. On a given as-of date, every invoice issued by then
and not yet settled is an open receivable: one portfolio row, past due when its due date
has gone by. Its country codes are anonymised numbers, so this example maps them to five
markets; the mapping is an assumption of the example, not a fact of the data.

Usage:
    python docs/examples/ibm_receivables.py ../shared/data/ibm_accounts_receivable/\
WA_Fn-UseC_-Accounts-Receivable.csv --as-of 2013-06-30 --out ibm_portfolio.csv
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import polars as pl

MARKETS = {  # anonymised code -> (country, currency, region)
    "391": ("US", "USD", "NY"),
    "406": ("GB", "GBP", None),
    "770": ("DE", "EUR", None),
    "818": ("SG", "SGD", None),
    "897": ("CN", "CNY", None),
}


def convert(source: Path, as_of: date) -> pl.DataFrame:
    """The invoices open on ``as_of``, in the Portfolio CSV contract."""
    raw = pl.read_csv(source, infer_schema=False)
    day = "%m/%d/%Y"
    frame = raw.with_columns(
        pl.col("InvoiceDate").str.to_date(day).alias("invoice_date"),
        pl.col("DueDate").str.to_date(day).alias("due"),
        pl.col("SettledDate").str.to_date(day).alias("settled"),
    ).filter((pl.col("invoice_date") <= as_of) & (pl.col("settled") > as_of))
    markets = pl.DataFrame(
        {
            "countryCode": list(MARKETS),
            "country": [m[0] for m in MARKETS.values()],
            "currency": [m[1] for m in MARKETS.values()],
            "region": [m[2] for m in MARKETS.values()],
        }
    )
    frame = frame.join(markets, on="countryCode", how="left")
    return frame.select(
        ("INV-" + pl.col("invoiceNumber")).alias("account_id"),
        pl.col("customerID").alias("debtor_id"),
        ("Customer " + pl.col("customerID")).alias("debtor_name"),
        pl.lit("company").alias("debtor_type"),
        "country",
        "region",
        "currency",
        pl.lit("sme_invoice").alias("product"),
        pl.col("InvoiceAmount").alias("principal_outstanding"),
        pl.col("InvoiceAmount").alias("original_amount"),
        pl.col("invoice_date").cast(pl.String).alias("open_date"),
        pl.col("due").cast(pl.String).alias("due_date"),
        pl.col("Disputed").str.to_lowercase().alias("disputed"),
        pl.col("PaperlessBill").str.to_lowercase().alias("billing"),
    ).sort("account_id")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2013, 6, 30))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    portfolio = convert(args.source, args.as_of)
    portfolio.write_csv(args.out)
    print(
        f"{portfolio.height} open invoices of {portfolio['debtor_id'].n_unique()} customers "
        f"on {args.as_of} -> {args.out}"
    )


if __name__ == "__main__":
    main()
