"""Validation of payments, promises, contact-history and complaints batches against the
tenant's accounts, debtors and cases.

Every kind of record hangs on accounts, debtors or cases that must already exist in the
tenant, so each batch is joined to the tenant's keys; an unknown id is reported, never
created.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from recoverly.domain.complaints import CFPB_ISSUES, Issue, ReceiptChannel
from recoverly.domain.events import Channel, Direction, Outcome, PaymentMethod
from recoverly.domain.money import currency_codes, minor_units
from recoverly.ingest import checks as ck
from recoverly.ingest.duplicates import DuplicateTracker
from recoverly.ingest.formats import ROW
from recoverly.ingest.spec import COMPLAINTS, CONTACTS, PAYMENTS, PROMISES, FileSpec

MAX_COMPLAINT_TEXT = 20_000  # as the API takes
MAX_AGENT = 128

# An issue cell may give Recoverly's name or the CFPB's (a CFPB export's ``Issue``).
_ISSUES = {i.value: i.value for i in Issue} | {name: i.value for name, i in CFPB_ISSUES.items()}


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


def _known(known_debtors: pl.DataFrame) -> pl.DataFrame:
    """``_debtor_given, _debtor_known``: joined on a row's debtor_id, whether it is the
    tenant's."""
    return known_debtors.select(
        pl.col("debtor_id").alias("_debtor_given"), pl.lit(True).alias("_debtor_known")
    )


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
        .join(_known(known_debtors), on="_debtor_given", how="left")
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
        "agent": [ck.max_length("agent", MAX_AGENT)],
        "recording_sha256": [
            (
                ck.text("recording_sha256").is_not_null()
                & ~ck.text("recording_sha256").str.to_lowercase().str.contains(r"^[0-9a-f]{64}$"),
                "recording_sha256: must be the 64 hex digits of a SHA-256 (the recording's "
                "id in the blob store)",
            )
        ],
    }
    errors = ck.errors_frame(df, ROW, rules)
    errors = pl.concat([errors, duplicates.findings(df["_id"], df[ROW], id_column)])
    at = ck.parse_instant("at") if at_column == "at" else ck.parse_instant("scheduled_at")
    # The agent and recording only where the file has the column: re-importing a file
    # without it (an exported plan) must not erase what an earlier file or the API recorded.
    kept = [ck.text("agent").alias("agent")] if "agent" in batch.columns else []
    if "recording_sha256" in batch.columns:
        kept.append(ck.text("recording_sha256").str.to_lowercase().alias("recording_sha256"))
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
        *kept,
    )
    return errors, rows


def validate_complaints(
    batch: pl.DataFrame,
    known_cases: pl.DataFrame,
    known_debtors: pl.DataFrame,
    duplicates: DuplicateTracker,
    now: datetime,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Errors and the complaints of one batch, each with the case it is about.

    A row names its case, or its debtor when that debtor has one open case (or, with
    none open, one case at all): a complaint may well come after a case was closed.

    Args:
        known_cases: ``case_id, debtor_id, open`` of the tenant's cases.
        known_debtors: ``debtor_id`` of the tenant's debtors.
        now: received_at must not be later.
    """
    df = _complete(batch, COMPLAINTS).with_columns(
        ck.text("case_id").alias("_case"), ck.text("debtor_id").alias("_debtor_given")
    )
    debtor_cases = (
        known_cases.filter(pl.col("open") | ~pl.col("open").any().over("debtor_id"))
        .group_by("debtor_id")
        .agg(pl.col("case_id").first().alias("_debtor_case"), pl.len().alias("_debtor_cases"))
    )
    df = (
        df.join(
            known_cases.select(
                pl.col("case_id").alias("_case"), pl.col("debtor_id").alias("_case_debtor")
            ),
            on="_case",
            how="left",
        )
        .join(_known(known_debtors), on="_debtor_given", how="left")
        .join(debtor_cases.rename({"debtor_id": "_debtor_given"}), on="_debtor_given", how="left")
        .sort(ROW)
    )
    received = ck.parse_instant("received_at")
    issue = ck.text("issue").str.to_lowercase()
    by_debtor = pl.col("_case").is_null() & pl.col("_debtor_known").is_not_null()
    rules: dict[str, list[ck.Rule]] = {
        "case_id": [
            (
                pl.col("_case").is_null() & pl.col("_debtor_given").is_null(),
                "case_id: required when there is no debtor_id",
            ),
            (
                pl.col("_case").is_not_null() & pl.col("_case_debtor").is_null(),
                _unknown("case_id", "case"),
            ),
            (
                pl.col("_debtor_given").is_not_null()
                & (pl.col("_case_debtor") != pl.col("_debtor_given")),
                ck.quoted(ck.text("case_id"), "case_id: ", " belongs to another debtor"),
            ),
        ],
        "debtor_id": [
            (
                pl.col("_debtor_given").is_not_null() & pl.col("_debtor_known").is_null(),
                _unknown("debtor_id", "debtor"),
            ),
            (
                by_debtor & pl.col("_debtor_cases").is_null(),
                ck.quoted(ck.text("debtor_id"), "debtor_id: ", " has no case"),
            ),
            (
                by_debtor & (pl.col("_debtor_cases") > 1),
                pl.concat_str(
                    [
                        ck.quoted(ck.text("debtor_id"), "debtor_id: ", " has "),
                        pl.col("_debtor_cases").cast(pl.String),
                        pl.lit(" cases; name one in case_id"),
                    ]
                ),
            ),
        ],
        "received_at": [
            ck.required("received_at"),
            *ck.instant("received_at"),
            (
                received > pl.lit(now),
                ck.quoted(ck.text("received_at"), "received_at: ", " is in the future"),
            ),
        ],
        "channel": [
            ck.required("channel"),
            ck.member(
                "channel",
                [c.value for c in ReceiptChannel],
                "a channel of receipt such as phone, email, letter or regulator",
                ck.text("channel").str.to_lowercase(),
            ),
        ],
        "text": [ck.required("text"), ck.max_length("text", MAX_COMPLAINT_TEXT)],
        "issue": [
            ck.member(
                "issue",
                list(_ISSUES),
                "a CFPB debt-collection issue such as communication_tactics "
                "(or the CFPB's name, Communication tactics)",
                issue,
            )
        ],
        "external_reference": [*ck.identifier("external_reference")],
        "agent": [ck.max_length("agent", MAX_AGENT)],
    }
    errors = ck.errors_frame(df, ROW, rules)
    errors = pl.concat(
        [
            errors,
            duplicates.findings(df["external_reference"], df[ROW], "external_reference"),
        ]
    )
    rows = ck.without_errors(df, errors).select(
        pl.coalesce(pl.col("_case"), pl.col("_debtor_case")).alias("case_id"),
        received.alias("received_at"),
        ck.text("channel").str.to_lowercase().alias("channel"),
        pl.coalesce(
            issue.replace_strict(_ISSUES, default=None), pl.lit(Issue.UNCLASSIFIED.value)
        ).alias("issue"),
        ck.text("text").alias("text"),
        ck.text("external_reference").alias("external_reference"),
        ck.text("agent").alias("agent"),
    )
    return errors, rows
