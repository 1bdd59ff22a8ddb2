"""Validation of payments, promises and contact-history batches against the tenant's accounts.

Both kinds of record hang on accounts or debtors that must already exist in the tenant,
so each batch is joined to the tenant's keys; an unknown id is reported, never created.
"""

from __future__ import annotations

import polars as pl

from recoverly.domain.events import Channel, Direction, Outcome, PaymentMethod
from recoverly.domain.money import currency_codes, minor_units
from recoverly.ingest import checks as ck
from recoverly.ingest.duplicates import DuplicateTracker
from recoverly.ingest.formats import ROW
from recoverly.ingest.spec import CONTACTS, PAYMENTS, PROMISES, FileSpec


def _complete(batch: pl.DataFrame, spec: FileSpec) -> pl.DataFrame:
    missing = [c for c in spec.known if c not in batch.columns]
    batch = ck.normalise(batch, [c for c in batch.columns if c != ROW])
    return batch.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)


def _unknown(column: str, what: str) -> pl.Expr:
    return ck.quoted(ck.text(column), f"{column}: no {what} ", " in this tenant")


def _on_account(
    batch: pl.DataFrame, spec: FileSpec, known: pl.DataFrame, what: str
) -> tuple[pl.DataFrame, pl.Expr, dict[str, list[ck.Rule]]]:
    """A batch of money records on accounts: the batch joined to its accounts, the amount
    in minor units, and the rules for ``account_id``, ``amount`` and ``currency``."""
    df = _complete(batch, spec).with_columns(ck.text("account_id").alias("_account"))
    df = df.join(
        known.select(pl.col("account_id").alias("_account"), pl.col("currency").alias("_acc_ccy")),
        on="_account",
        how="left",
    ).sort(ROW)
    decimals = pl.col("_acc_ccy").replace_strict(
        {c: minor_units(c) for c in currency_codes()}, default=None, return_dtype=pl.Int64
    )
    currency = ck.text("currency").str.to_uppercase()
    amount = ck.to_minor("amount", decimals)
    rules: dict[str, list[ck.Rule]] = {
        "account_id": [
            ck.required("account_id"),
            (pl.col("_acc_ccy").is_null(), _unknown("account_id", "account")),
        ],
        "amount": [
            ck.required("amount"),
            *ck.amount("amount", decimals),
            (amount == 0, f"amount: a {what} must be greater than zero"),
        ],
        "currency": [
            ck.member("currency", sorted(currency_codes()), "an ISO 4217 currency code", currency),
            (
                currency.is_not_null()
                & pl.col("_acc_ccy").is_not_null()
                & (currency != pl.col("_acc_ccy")),
                pl.concat_str(
                    [
                        pl.lit("currency: "),
                        currency,
                        pl.lit(" differs from the account's "),
                        pl.col("_acc_ccy"),
                    ]
                ),
            ),
        ],
    }
    return df, amount, rules


def validate_payments(
    batch: pl.DataFrame, known: pl.DataFrame, duplicates: DuplicateTracker
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Errors and the ``payments`` rows of one batch.

    Args:
        known: ``account_id, currency`` of the tenant's accounts.
    """
    df, amount, money_rules = _on_account(batch, PAYMENTS, known, "payment")
    rules: dict[str, list[ck.Rule]] = {
        "payment_id": [ck.required("payment_id"), *ck.identifier("payment_id")],
        **money_rules,
        "paid_at": [ck.required("paid_at"), *ck.instant("paid_at")],
        "method": [
            ck.member(
                "method",
                [m.value for m in PaymentMethod],
                "a payment method such as bank_transfer or card",
                ck.text("method").str.to_lowercase(),
            )
        ],
        "reference": [ck.max_length("reference", 128)],
    }
    errors = ck.errors_frame(df, ROW, rules)
    errors = pl.concat([errors, duplicates.findings(df["payment_id"], df[ROW], "payment_id")])
    rows = ck.without_errors(df, errors).select(
        ck.text("payment_id").alias("payment_id"),
        pl.col("_account").alias("account_id"),
        pl.col("_acc_ccy").alias("currency"),
        amount.alias("amount_minor"),
        ck.parse_instant("paid_at").alias("paid_at"),
        pl.coalesce(ck.text("method").str.to_lowercase(), pl.lit(PaymentMethod.OTHER.value)).alias(
            "method"
        ),
        ck.text("reference").alias("reference"),
    )
    return errors, rows


def validate_promises(
    batch: pl.DataFrame, known: pl.DataFrame, duplicates: DuplicateTracker
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Errors and the ``promises`` rows of one batch (``known`` as for payments)."""
    df, amount, money_rules = _on_account(batch, PROMISES, known, "promise")
    made = ck.parse_instant("made_at")
    due = ck.parse_date("due_date")
    rules: dict[str, list[ck.Rule]] = {
        "promise_id": [ck.required("promise_id"), *ck.identifier("promise_id")],
        **money_rules,
        "due_date": [
            ck.required("due_date"),
            *ck.iso_date("due_date"),
            (
                made.is_not_null() & due.is_not_null() & (due < made.dt.date()),
                pl.lit("due_date: a promise cannot fall due before it was made"),
            ),
        ],
        "made_at": [ck.required("made_at"), *ck.instant("made_at")],
    }
    errors = ck.errors_frame(df, ROW, rules)
    errors = pl.concat([errors, duplicates.findings(df["promise_id"], df[ROW], "promise_id")])
    rows = ck.without_errors(df, errors).select(
        ck.text("promise_id").alias("promise_id"),
        pl.col("_account").alias("account_id"),
        pl.col("_acc_ccy").alias("currency"),
        amount.alias("amount_minor"),
        due.alias("due_date"),
        made.alias("made_at"),
    )
    return errors, rows


def validate_contacts(
    batch: pl.DataFrame,
    known: pl.DataFrame,
    known_debtors: pl.DataFrame,
    duplicates: DuplicateTracker,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Errors and the ``contact_attempts`` rows of one batch (history or an executed plan)."""
    df = _complete(batch, CONTACTS)
    id_column = "contact_id" if "contact_id" in batch.columns else "plan_id"
    at_column = "at" if "at" in batch.columns else "scheduled_at"
    df = df.with_columns(
        pl.coalesce(ck.text("contact_id"), ck.text("plan_id")).alias("_id"),
        pl.coalesce(ck.text("at"), ck.text("scheduled_at")).alias("_at_text"),
        ck.text("account_id").alias("_account"),
        ck.text("debtor_id").alias("_debtor_given"),
    )
    df = (
        df.join(
            known.select(
                pl.col("account_id").alias("_account"), pl.col("debtor_id").alias("_acc_debtor")
            ),
            on="_account",
            how="left",
        )
        .join(
            known_debtors.select(
                pl.col("debtor_id").alias("_debtor_given"), pl.lit(True).alias("_debtor_known")
            ),
            on="_debtor_given",
            how="left",
        )
        .sort(ROW)
    )
    debtor = pl.coalesce(pl.col("_debtor_given"), pl.col("_acc_debtor"))
    rules: dict[str, list[ck.Rule]] = {
        id_column: [
            (pl.col("_id").is_null(), f"{id_column}: required but empty (contact_id or plan_id)"),
            *ck.identifier(id_column),
        ],
        at_column: [
            (pl.col("_at_text").is_null(), f"{at_column}: required but empty (at or scheduled_at)"),
            *ck.instant(at_column),
        ],
        "debtor_id": [
            (
                pl.col("_debtor_given").is_not_null() & pl.col("_debtor_known").is_null(),
                _unknown("debtor_id", "debtor"),
            ),
            (
                pl.col("_debtor_given").is_null() & pl.col("_account").is_null(),
                "debtor_id: required when there is no account_id",
            ),
        ],
        "account_id": [
            (
                pl.col("_account").is_not_null() & pl.col("_acc_debtor").is_null(),
                _unknown("account_id", "account"),
            ),
            (
                pl.col("_acc_debtor").is_not_null()
                & pl.col("_debtor_given").is_not_null()
                & (pl.col("_acc_debtor") != pl.col("_debtor_given")),
                ck.quoted(ck.text("account_id"), "account_id: ", " belongs to another debtor"),
            ),
        ],
        "channel": [
            ck.required("channel"),
            ck.member(
                "channel",
                [c.value for c in Channel],
                "a channel such as call, sms or email",
                ck.text("channel").str.to_lowercase(),
            ),
        ],
        "outcome": [
            ck.required("outcome"),
            ck.member(
                "outcome",
                [o.value for o in Outcome],
                "an outcome such as conversation, no_answer or delivered",
                ck.text("outcome").str.to_lowercase(),
            ),
        ],
        "direction": [
            ck.member(
                "direction",
                [d.value for d in Direction],
                "inbound or outbound",
                ck.text("direction").str.to_lowercase(),
            )
        ],
    }
    errors = ck.errors_frame(df, ROW, rules)
    errors = pl.concat([errors, duplicates.findings(df["_id"], df[ROW], id_column)])
    at = ck.parse_instant("at") if at_column == "at" else ck.parse_instant("scheduled_at")
    rows = ck.without_errors(df, errors).select(
        pl.col("_id").alias("contact_id"),
        debtor.alias("debtor_id"),
        pl.col("_account").alias("account_id"),
        ck.text("plan_id").alias("plan_id"),
        ck.text("channel").str.to_lowercase().alias("channel"),
        pl.coalesce(
            ck.text("direction").str.to_lowercase(), pl.lit(Direction.OUTBOUND.value)
        ).alias("direction"),
        at.alias("at"),
        ck.text("outcome").str.to_lowercase().alias("outcome"),
    )
    return errors, rows
