"""Synthetic collections portfolios with the texture of real ones, a million rows in seconds.

Demos, tests, benchmarks and the behaviour simulator need portfolios that exercise every
path a real one does: fifteen markets with local names, addresses, time zones and
languages; phone numbers that ``phonenumbers`` accepts; national IDs in each country's
format with valid check digits; balances, arrears and dates that agree with each other;
companies next to people; debtors with several accounts. None of it may be a real person.

This module is the orchestration: it splits the portfolio into chunks of accounts (memory
stays bounded whatever the size), has each chunk made from its own random stream by
``debtors``, ``accounts`` and ``behaviour`` out of the seed's ``world``, and streams the
chunks to two files, all or nothing.

Output 1, the portfolio (the Portfolio CSV contract, one row per account):
    account_id, debtor_id (``A0000001``, ``D0000001``), debtor_name, debtor_type
    (person|company), country (ISO 3166-1), region (ISO 3166-2 code without the country
    prefix; empty for HK, which has no ISO subdivisions), timezone (IANA, the region's
    zone where a country spans several), language (BCP 47), national_id, phone (E.164
    mobile, with a local area code where numbers carry one), email (empty for about one
    debtor in ten), address, product, currency, principal_outstanding,
    interest_outstanding, fees_outstanding, original_amount (empty for credit cards),
    credit_limit (credit cards only), open_date, due_date, days_past_due,
    last_payment_date, last_payment_amount (both empty when nothing was ever paid),
    channel_of_origin (app|online|branch|merchant|dealer|broker|platform|
    relationship_manager; a free attribute column).
    Amounts are plain decimal strings with the currency's ISO 4217 decimals; dates ISO.

Output 2, the hidden behaviour profile (one row per debtor, for the simulator; never
import it as portfolio data): debtor_id, willingness, capacity, channel_preference,
contactability; see ``behaviour``.

The same seed, account count, as-of date and chunk size give byte-identical files.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, Final

import numpy as np
import polars as pl

from recoverly.domain.errors import InvalidInput
from recoverly.simulate.accounts import make_accounts
from recoverly.simulate.arrays import IntA, ObjA
from recoverly.simulate.behaviour import behaviour_profile
from recoverly.simulate.contacts import email_tags
from recoverly.simulate.debtors import make_debtors
from recoverly.simulate.world import World, build_world

AS_OF: Final = date(2026, 3, 9)
CHUNK_ROWS: Final = 50_000

PORTFOLIO_COLUMNS: Final = (
    "account_id", "debtor_id", "debtor_name", "debtor_type", "country", "region",
    "timezone", "language", "national_id", "phone", "email", "address", "product",
    "currency", "principal_outstanding", "interest_outstanding", "fees_outstanding",
    "original_amount", "credit_limit", "open_date", "due_date", "days_past_due",
    "last_payment_date", "last_payment_amount", "channel_of_origin",
)  # fmt: skip
BEHAVIOUR_COLUMNS: Final = (
    "debtor_id", "willingness", "capacity", "channel_preference", "contactability",
)  # fmt: skip

# How many accounts a debtor has (1, 2 or 3), by "is a company".
_ACCOUNTS_PER_DEBTOR: Final = {False: (0.74, 0.19, 0.07), True: (0.60, 0.25, 0.15)}


@dataclass(frozen=True, slots=True)
class PortfolioSpec:
    """What to generate. The same spec always gives the same rows."""

    accounts: int
    seed: int = 0
    as_of: date = AS_OF
    chunk_rows: int = CHUNK_ROWS

    def __post_init__(self) -> None:
        if self.accounts < 1:
            raise InvalidInput(f"the number of accounts must be at least 1; got {self.accounts}")
        if self.seed < 0:
            raise InvalidInput(f"the seed must be a non-negative integer; got {self.seed}")
        if self.chunk_rows < 1:
            raise InvalidInput(f"the chunk size must be at least 1; got {self.chunk_rows}")


@dataclass(frozen=True, slots=True)
class PortfolioChunk:
    """Consecutive accounts and the behaviour rows of exactly their debtors."""

    accounts: pl.DataFrame
    behaviour: pl.DataFrame


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    accounts: int
    debtors: int
    portfolio_path: Path
    behaviour_path: Path


def behaviour_path_for(out: Path) -> Path:
    """The default behaviour file beside ``out``: ``p.csv`` gives ``p.behaviour.csv``."""
    return out.with_suffix(".behaviour.csv")


def generate(spec: PortfolioSpec) -> Iterator[PortfolioChunk]:
    """Yield the portfolio in chunks of ``spec.chunk_rows`` accounts (the last may be short).

    Each chunk has its own random stream derived from the seed, so chunks could be made in
    parallel; debtors never straddle two chunks.
    """
    world = build_world(spec.seed)
    next_debtor, next_account, left, index = 1, 1, spec.accounts, 0
    while left > 0:
        rows = min(spec.chunk_rows, left)
        rng = np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=(1, index)))
        chunk, debtors = _make_chunk(rng, world, spec, rows, next_debtor, next_account)
        yield chunk
        next_debtor += debtors
        next_account += rows
        left -= rows
        index += 1


def write_portfolio(
    spec: PortfolioSpec,
    out: Path,
    behaviour_out: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> PortfolioSummary:
    """Write the portfolio CSV and the behaviour CSV, all or nothing.

    Both files are written under temporary names in their target directories and renamed
    into place only when complete, so an interrupted run leaves nothing half-written.

    Args:
        spec: what to generate.
        out: the portfolio CSV.
        behaviour_out: the behaviour CSV; default ``behaviour_path_for(out)``.
        on_progress: called with the number of accounts after each chunk is written.

    Raises:
        InvalidInput: a path cannot be written.
    """
    behaviour = behaviour_out if behaviour_out is not None else behaviour_path_for(out)
    if out.resolve() == behaviour.resolve():
        raise InvalidInput(f"the portfolio and the behaviour profile would both go to {out}")
    opened: list[tuple[Path, BinaryIO, Path]] = []  # target, handle, temporary name
    debtors = 0
    try:
        for target in (out, behaviour):
            opened.append((target, *_open_temporary(target)))
        (_, portfolio_fh, _), (_, behaviour_fh, _) = opened
        with portfolio_fh, behaviour_fh:
            for index, chunk in enumerate(generate(spec)):
                chunk.accounts.write_csv(portfolio_fh, include_header=index == 0)
                chunk.behaviour.write_csv(
                    behaviour_fh, include_header=index == 0, float_precision=4
                )
                debtors += chunk.behaviour.height
                if on_progress is not None:
                    on_progress(chunk.accounts.height)
        for target, _, temporary in opened:
            os.replace(temporary, target)
    except BaseException:
        for _, handle, temporary in opened:
            handle.close()
            temporary.unlink(missing_ok=True)
        raise
    return PortfolioSummary(spec.accounts, debtors, out, behaviour)


def _open_temporary(target: Path) -> tuple[BinaryIO, Path]:
    if target.is_dir():
        raise InvalidInput(f"cannot write {target}: it is a directory")
    # Not tempfile.mkstemp: its files are private (0600); this one honours the umask.
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
    return os.fdopen(fd, "wb"), temporary


def _ids(prefix: str, numbers: IntA) -> pl.Series:
    return pl.select(
        pl.concat_str([pl.lit(prefix), pl.Series(numbers).cast(pl.String).str.zfill(7)])
    ).to_series()


def _make_chunk(
    rng: np.random.Generator,
    world: World,
    spec: PortfolioSpec,
    rows: int,
    first_debtor: int,
    first_account: int,
) -> tuple[PortfolioChunk, int]:
    # Enough debtors for ``rows`` accounts: each has 1-3, the last one is trimmed to fit.
    country = rng.choice(len(world.countries), size=rows, p=world.country_p)
    company = rng.random(rows) < world.company_share[country]
    counts = (
        np.where(
            company,
            rng.choice(3, rows, p=_ACCOUNTS_PER_DEBTOR[True]),
            rng.choice(3, rows, p=_ACCOUNTS_PER_DEBTOR[False]),
        )
        + 1
    )
    total = np.cumsum(counts)
    keep = int(np.searchsorted(total, rows)) + 1
    counts = counts[:keep]
    counts[-1] -= int(total[keep - 1]) - rows
    numbers = np.arange(first_debtor, first_debtor + keep, dtype=np.int64)
    tags = email_tags(numbers, spec.accounts, spec.seed)
    as_of = np.datetime64(spec.as_of.isoformat(), "D")

    debtors = make_debtors(rng, world, country[:keep], company[:keep], tags, as_of)
    accounts = make_accounts(rng, world, debtors, counts, as_of)
    owner = accounts.owner
    debtor_ids = _ids("D", numbers)
    codes = np.array([c.code for c in world.countries])

    def text(values: ObjA) -> pl.Series:
        series = pl.Series(values[owner].tolist(), dtype=pl.String)
        return pl.select(pl.when(series != "").then(series)).to_series()

    columns: dict[str, pl.Series] = {
        "account_id": _ids("A", np.arange(first_account, first_account + rows, dtype=np.int64)),
        "debtor_id": debtor_ids.gather(owner),
        "debtor_name": text(debtors.name),
        "debtor_type": pl.Series(np.where(debtors.company[owner], "company", "person")),
        "country": pl.Series(codes[debtors.country[owner]]),
        "region": text(debtors.region),
        "timezone": text(debtors.timezone),
        "language": text(debtors.language),
        "national_id": text(debtors.national_id),
        "phone": text(debtors.phone),
        "email": text(debtors.email),
        "address": text(debtors.address),
        **accounts.columns,
    }
    portfolio = pl.DataFrame([columns[name].alias(name) for name in PORTFOLIO_COLUMNS])
    behaviour = pl.DataFrame(
        {"debtor_id": debtor_ids, **behaviour_profile(rng, world, debtors, accounts)}
    ).select(BEHAVIOUR_COLUMNS)
    return PortfolioChunk(portfolio, behaviour), keep
