"""Synthetic collections portfolios with the texture of real ones, a million rows in seconds.

Demos, tests, benchmarks and the behaviour simulator need portfolios that exercise every
path a real one does: fifteen markets with local names, addresses, time zones and
languages; phone numbers that ``phonenumbers`` accepts; national IDs in each country's
format with valid check digits; balances, arrears and dates that agree with each other;
companies next to people; debtors with several accounts. None of it may be a real person,
so names, streets and companies come from Faker, and emails only use subdomains of the
RFC 2606 reserved names ``example.com``/``.net``/``.org`` (they can never be delivered).
No two debtors share an email address (that would make every email to one a disclosure to
the other). National IDs are random numbers in the right format with the right check
digits; any match with a real one is chance, and in a million accounts a few dozen pairs
of debtors share one by chance, as a few share a phone number.

Speed comes from never calling Faker per row: small seeded pools of names, streets and
companies are drawn once (``locales.json`` adds what Faker lacks: Vietnamese, Malay,
Singaporean-Chinese and Filipino names, regions, cities, postcodes, area codes), and rows
are sampled from them with numpy, a chunk of accounts at a time, so memory stays bounded.

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
    ``due_date`` is the oldest unpaid due date, so ``due_date = as_of - days_past_due``
    when the account is past due; a current account (``days_past_due = 0``) has its next
    due date within the coming four weeks.

Output 2, the hidden behaviour profile (one row per debtor, for the simulator; never
import it as portfolio data):
    debtor_id; willingness (0..1, wants to pay); capacity (0..1, can pay, falls with the
    debt burden relative to local incomes); channel_preference (sms|email|call|letter|push,
    the channel a debtor responds to best; never email for a debtor without one);
    contactability (0..1, chance a contact attempt reaches them, falls with arrears).
    Willingness and capacity come from the same latent factors that push a debtor's
    accounts into later arrears buckets, so they correlate with days past due as in life.

Amounts are drawn as log-normal USD-equivalents per product, scaled by a country's income
level (``Economy.income_scale``), then converted with ``Economy.usd_factor``: a fixed,
round order of magnitude of early-2026 exchange rates (1 USD = 7.2 CNY = 25,000 VND = 16,000
IDR ...) that only makes amounts look local. It is not a dated rate and nothing may convert
money with it.

The same seed, account count, as-of date and chunk size give byte-identical files.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np
import numpy.typing as npt
import phonenumbers
import polars as pl

from recoverly.domain.accounts import Product
from recoverly.domain.errors import InvalidInput
from recoverly.domain.money import minor_units

IntA = npt.NDArray[np.int64]
FltA = npt.NDArray[np.float64]
BoolA = npt.NDArray[np.bool_]
U8A = npt.NDArray[np.uint8]
StrA = npt.NDArray[np.str_]
ObjA = npt.NDArray[np.object_]

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
CHANNELS: Final = ("sms", "email", "call", "letter", "push")
ORIGINS: Final = (
    "app", "online", "branch", "merchant", "dealer", "broker", "platform",
    "relationship_manager",
)  # fmt: skip


# --- The economics: who owes what, where ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Economy:
    """A market's share of debtors and the scale of its debts."""

    weight: float  # share of debtors
    currency: str
    usd_factor: float  # local units per USD, a round magnitude (see the module docstring)
    income_scale: float  # typical debt size relative to the US
    company_share: float  # share of debtors that are companies
    product_tilt: Mapping[str, float]  # multiplies a product's base weight
    channel_tilt: Mapping[str, float]  # added to a channel's appeal


ECONOMY: Final[Mapping[str, Economy]] = {
    "CN": Economy(0.22, "CNY", 7.2, 0.40, 0.10,
                  {"bnpl": 1.6, "ecommerce_instalment": 2.0, "credit_card": 0.8,
                   "auto_loan": 0.6, "medical_instalment": 0.5},
                  {"push": 1.0, "sms": 0.5, "call": 0.2, "email": -1.0, "letter": -2.0}),
    "HK": Economy(0.02, "HKD", 7.8, 0.90, 0.08,
                  {"credit_card": 1.5, "personal_loan": 1.3, "auto_loan": 0.3},
                  {"sms": 0.6, "push": 0.4, "email": 0.2, "call": 0.2, "letter": -0.5}),
    "TW": Economy(0.03, "TWD", 32.0, 0.60, 0.08,
                  {"credit_card": 1.6, "bnpl": 0.8},
                  {"sms": 0.6, "call": 0.3, "push": 0.2, "letter": -0.5}),
    "SG": Economy(0.02, "SGD", 1.35, 1.00, 0.08,
                  {"credit_card": 1.5, "bnpl": 1.2, "auto_loan": 0.4},
                  {"sms": 0.4, "email": 0.5, "push": 0.3, "letter": -0.5}),
    "TH": Economy(0.05, "THB", 35.0, 0.25, 0.07,
                  {"auto_loan": 1.6, "personal_loan": 1.2, "credit_card": 0.8},
                  {"sms": 0.6, "push": 0.5, "call": 0.4, "email": -0.5, "letter": -1.0}),
    "VN": Economy(0.06, "VND", 25_000.0, 0.12, 0.06,
                  {"personal_loan": 1.4, "bnpl": 1.6, "ecommerce_instalment": 1.5,
                   "credit_card": 0.4, "auto_loan": 1.2},
                  {"sms": 0.6, "call": 0.6, "push": 0.5, "email": -1.0, "letter": -2.0}),
    "ID": Economy(0.10, "IDR", 16_000.0, 0.15, 0.06,
                  {"bnpl": 2.0, "ecommerce_instalment": 1.8, "personal_loan": 1.3,
                   "credit_card": 0.3, "auto_loan": 1.4},
                  {"sms": 0.4, "push": 0.8, "call": 0.3, "email": -0.8, "letter": -2.0}),
    "MY": Economy(0.04, "MYR", 4.5, 0.30, 0.08,
                  {"personal_loan": 1.2, "auto_loan": 1.3, "bnpl": 1.2},
                  {"sms": 0.6, "call": 0.3, "push": 0.3, "letter": -0.5}),
    "PH": Economy(0.06, "PHP", 57.0, 0.12, 0.06,
                  {"personal_loan": 1.4, "bnpl": 1.5, "ecommerce_instalment": 1.4,
                   "credit_card": 0.6, "education_instalment": 1.3},
                  {"sms": 1.0, "call": 0.4, "push": 0.3, "email": -0.5, "letter": -2.0}),
    "IN": Economy(0.12, "INR", 85.0, 0.10, 0.07,
                  {"personal_loan": 1.6, "education_instalment": 1.5, "bnpl": 1.3,
                   "credit_card": 0.6, "auto_loan": 0.8},
                  {"sms": 0.8, "call": 0.7, "push": 0.2, "email": -0.5, "letter": -1.5}),
    "US": Economy(0.09, "USD", 1.0, 1.00, 0.06,
                  {"credit_card": 1.6, "medical_instalment": 2.0, "auto_loan": 1.5,
                   "education_instalment": 0.5, "bnpl": 0.8},
                  {"email": 0.6, "sms": 0.3, "call": 0.3, "letter": 0.3, "push": -0.3}),
    "GB": Economy(0.04, "GBP", 0.79, 0.90, 0.07,
                  {"credit_card": 1.5, "personal_loan": 1.2, "medical_instalment": 0.2},
                  {"email": 0.6, "sms": 0.4, "letter": 0.4, "push": -0.3}),
    "DE": Economy(0.03, "EUR", 0.92, 0.90, 0.09,
                  {"ecommerce_instalment": 1.4, "credit_card": 0.5, "medical_instalment": 0.3},
                  {"letter": 1.0, "email": 0.6, "call": -0.3, "sms": -0.3, "push": -0.5}),
    "BR": Economy(0.07, "BRL", 5.5, 0.25, 0.07,
                  {"credit_card": 1.8, "personal_loan": 1.2},
                  {"sms": 0.4, "call": 0.5, "push": 0.3, "letter": -1.0}),
    "MX": Economy(0.05, "MXN", 18.5, 0.30, 0.07,
                  {"personal_loan": 1.3, "ecommerce_instalment": 1.2},
                  {"sms": 0.4, "call": 0.6, "push": 0.2, "email": -0.3, "letter": -1.0}),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProductTerms:
    """How a product's accounts are sized, scheduled, priced and sold."""

    product: Product
    weight: float  # base share among accounts of its debtor type
    median_usd: float  # log-normal median of the amount financed, US income level
    sigma: float
    floor_usd: float
    cap_usd: float
    apr: float  # contractual or late-payment interest
    late_fee_usd: float  # charged per missed cycle, at most six times
    cycle_days: int  # between instalments; 0 for a one-off invoice
    instalments: tuple[int, ...]  # possible instalment counts; () if revolving or one-off
    terms_days: tuple[int, ...]  # invoice payment terms
    first_payment_default: float  # share that never paid an instalment
    dpd_shift: float  # > 0 pushes toward later buckets
    origins: Mapping[str, float]
    for_companies: bool = False


PRODUCTS: Final = (
    ProductTerms(Product.CREDIT_CARD, 0.22, 2500, 0.9, 100, 40_000, 0.30, 30, 30, (), (),
                 0.0, 0.0, {"online": 0.45, "branch": 0.35, "app": 0.20}),
    ProductTerms(Product.PERSONAL_LOAN, 0.20, 6000, 0.8, 300, 80_000, 0.20, 25, 30,
                 (12, 24, 36, 48, 60), (), 0.06, 0.1,
                 {"app": 0.40, "online": 0.30, "branch": 0.20, "broker": 0.10}),
    ProductTerms(Product.BNPL, 0.14, 180, 0.8, 20, 3000, 0.0, 8, 14, (4,), (), 0.20, -0.35,
                 {"merchant": 0.60, "app": 0.40}),
    ProductTerms(Product.ECOMMERCE_INSTALMENT, 0.12, 450, 0.8, 30, 8000, 0.15, 10, 30,
                 (3, 6, 12, 24), (), 0.10, -0.2,
                 {"merchant": 0.50, "app": 0.35, "online": 0.15}),
    ProductTerms(Product.EDUCATION_INSTALMENT, 0.06, 3000, 0.7, 200, 40_000, 0.08, 15, 30,
                 (6, 12, 24, 36), (), 0.05, 0.1, {"merchant": 0.70, "online": 0.30}),
    ProductTerms(Product.MEDICAL_INSTALMENT, 0.06, 1500, 0.9, 100, 50_000, 0.06, 15, 30,
                 (6, 12, 18, 24), (), 0.08, 0.25, {"merchant": 0.80, "online": 0.20}),
    ProductTerms(Product.AUTO_LOAN, 0.08, 15_000, 0.6, 2000, 120_000, 0.09, 35, 30,
                 (36, 48, 60, 72), (), 0.03, -0.25, {"dealer": 0.80, "branch": 0.20}),
    ProductTerms(Product.SME_INVOICE, 0.65, 25_000, 1.1, 500, 2_000_000, 0.10, 60, 0, (),
                 (30, 45, 60, 90), 0.0, 0.1,
                 {"relationship_manager": 0.50, "platform": 0.30, "broker": 0.20}, True),
    ProductTerms(Product.SUPPLY_CHAIN_RECEIVABLE, 0.35, 60_000, 1.2, 1000, 10_000_000, 0.08,
                 0, 0, (), (60, 90, 120, 180), 0.0, 0.0,
                 {"platform": 0.70, "relationship_manager": 0.30}, True),
)  # fmt: skip

# Share of accounts by days past due, before each debtor's own propensity shifts it.
BUCKET_WEIGHTS: Final = (0.10, 0.28, 0.17, 0.12, 0.09, 0.07, 0.05, 0.12)
_BUCKET_LOW: Final = np.array([0, 1, 30, 60, 90, 120, 150, 180], dtype=np.int64)
_BUCKET_SPAN: Final = np.array([1, 29, 30, 30, 30, 30, 30, 1], dtype=np.int64)
_MAX_DPD: Final = 1095  # arrears older than three years are statute-barred in most markets

_ACCOUNTS_PER_DEBTOR: Final = {False: (0.74, 0.19, 0.07), True: (0.60, 0.25, 0.15)}
_EMAIL_SHARE: Final = {False: 0.90, True: 0.97}
_POOL: Final = 300  # draws per list from Faker; repeats keep Faker's frequencies


# --- Public interface ------------------------------------------------------------------------


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
    world = _build_world(spec.seed)
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


# --- Locale facts --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    postcode: str
    area_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Region:
    code: str
    name: str
    id_code: str
    weight: float
    zone: str
    cities: tuple[_City, ...]


@dataclass(frozen=True, slots=True)
class _Locale:
    country: str
    language: str
    people: tuple[tuple[str, float], ...]
    languages: Mapping[str, Mapping[str, float]]
    company: Mapping[str, Any]
    streets: Mapping[str, Any]
    address: str
    email_domains: tuple[str, ...]
    mobile_length: int
    regions: tuple[_Region, ...]


@cache
def _locale_file() -> dict[str, Any]:
    text = files("recoverly.simulate").joinpath("locales.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _locales() -> tuple[_Locale, ...]:
    out = []
    for country, raw in _locale_file()["countries"].items():
        regions = tuple(
            _Region(
                r["code"],
                r["name"],
                r["id_code"],
                float(r["weight"]),
                r.get("zone", raw.get("zone")),
                tuple(_City(c[0], c[1], tuple(c[2]) if len(c) > 2 else ()) for c in r["cities"]),
            )
            for r in raw["regions"]
        )
        if any(not r.zone for r in regions):
            raise ValueError(f"locales.json gives no time zone for a region of {country}")
        out.append(
            _Locale(
                country=country,
                language=raw["language"],
                people=tuple((k, float(v)) for k, v in raw["people"].items()),
                languages=raw.get("languages", {}),
                company=raw["company"],
                streets=raw["streets"],
                address=raw["address"],
                email_domains=tuple(raw["email_domains"]),
                mobile_length=int(raw["mobile_length"]),
                regions=regions,
            )
        )
    return tuple(out)


# --- Pools: everything Faker and the locale file contribute, drawn once per seed -----------


@cache
def _faker(locale: str) -> Any:
    from faker import Faker  # imported here: it is slow to import and only pools need it

    return Faker(locale)


def _fold(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``, for email local parts and slugs."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("ß", "ss")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text).lower() if ch.isascii() and ch.isalnum()
    )


@dataclass(frozen=True, slots=True)
class _Names:
    """One list of names, with the ASCII fold of each for building email addresses."""

    text: StrA
    ascii: StrA

    @classmethod
    def of(cls, names: Sequence[str]) -> _Names:
        return cls(np.array(names, dtype=np.str_), np.array([_fold(n) for n in names]))

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True, slots=True)
class _Culture:
    order: str
    given_male: _Names
    given_female: _Names
    family: _Names
    middle_male: _Names | None
    middle_female: _Names | None
    english: _Names | None
    english_share: float
    user_names: StrA | None  # ASCII handles from Faker, for scripts that do not fold to ASCII


def _weighted(names: Sequence[str] | Mapping[str, float]) -> list[str]:
    if isinstance(names, Mapping):
        return [name for name, weight in names.items() for _ in range(round(weight))]
    return list(names)


def _build_culture(raw: Mapping[str, Any], seed: int) -> _Culture:
    locale = raw.get("faker")
    fake = _faker(locale) if locale else None
    if fake is not None:
        fake.seed_instance(seed)
    drawn: dict[str, list[str]] = {"given_male": [], "given_female": [], "family": []}
    if fake is not None:
        drawn["given_male"] = [fake.first_name_male() for _ in range(_POOL)]
        drawn["given_female"] = [fake.first_name_female() for _ in range(_POOL)]
        drawn["family"] = [fake.last_name() for _ in range(_POOL)]
    for key in ("given_male", "given_female"):
        if key in raw:  # local extras, given about a third of the pool next to Faker's
            extra = _weighted(raw[key])
            repeat = max(1, len(drawn[key]) // (2 * len(extra)))
            drawn[key] += extra * repeat
    if "family" in raw:
        drawn["family"] = _weighted(raw["family"])
    elif raw["order"] == "patronymic":  # the second name is the father's given name
        drawn["family"] = drawn["given_male"]
    english = None
    if raw.get("english_prefix"):
        en = _faker(raw["english_faker"])
        en.seed_instance(seed + 1)
        english = _Names.of([en.first_name() for _ in range(_POOL)])
    user_names = None
    if raw["email"] == "faker" and fake is not None:
        handles = [re.sub(r"[^a-z0-9]", "", fake.user_name().lower()) for _ in range(_POOL)]
        user_names = np.array([h for h in handles if len(h) >= 3] or ["user"], dtype=np.str_)
    return _Culture(
        order=raw["order"],
        given_male=_Names.of(drawn["given_male"]),
        given_female=_Names.of(drawn["given_female"]),
        family=_Names.of(drawn["family"]),
        middle_male=_Names.of(_weighted(raw["middle_male"])) if "middle_male" in raw else None,
        middle_female=(
            _Names.of(_weighted(raw["middle_female"])) if "middle_female" in raw else None
        ),
        english=english,
        english_share=float(raw.get("english_prefix", 0.0)),
        user_names=user_names,
    )


_LEGAL_FORMS: Final = re.compile(
    r"(Inc\.?|LLC|Ltd\.?|Limited|PLC|plc|Group|Sons|Corp\.?|Co\.|GmbH|AG|KG|e\.G\.|OHG|"
    r"S\.A\.?|Ltda\.?|ME|C\.V\.|S\.C\.|Tbk|Pvt\.? Ltd\.?|公司|จำกัด)$"
)


def _companies(raw: Mapping[str, Any], cultures: Mapping[str, _Culture], seed: int) -> StrA:
    rng = np.random.default_rng(seed)
    if "faker" in raw:
        fake = _faker(raw["faker"])
        fake.seed_instance(seed)
        names = []
        suffixes = raw.get("suffixes", [])
        for _ in range(_POOL):
            name = fake.company().replace("Corporacin", "Corporación")  # a Faker es_MX typo
            if suffixes and not _LEGAL_FORMS.search(name):
                name = f"{name} {suffixes[int(rng.integers(len(suffixes)))]}"
            names.append(name)
        return np.array(names, dtype=np.str_)
    stems = list(raw.get("stems", []))
    if "stems_from" in raw:
        stems += sorted(set(cultures[raw["stems_from"]].family.text.tolist()))
    kinds = raw["kinds"]
    prefixes = raw.get("prefixes", [""])
    suffixes = raw.get("suffixes", [""])
    names = [
        raw["format"]
        .format(
            stem=stems[int(rng.integers(len(stems)))],
            kind=kinds[int(rng.integers(len(kinds)))],
            prefix=prefixes[int(rng.integers(len(prefixes)))],
            suffix=suffixes[int(rng.integers(len(suffixes)))],
        )
        .strip()
        for _ in range(_POOL)
    ]
    return np.array(names, dtype=np.str_)


_POSTCODE_LETTERS: Final = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in UK inward codes


def _expand(template: str, rng: np.random.Generator, names: Sequence[str] = ()) -> str:
    """Fill a template: '#' a digit, '$' a digit 1-9, '@' a letter, '^' a '#', '{s}' a name."""
    if "{s}" in template:
        template = template.replace("{s}", names[int(rng.integers(len(names)))])
    out = []
    for ch in template:
        if ch == "#":
            out.append(str(int(rng.integers(10))))
        elif ch == "$":
            out.append(str(int(rng.integers(1, 10))))
        elif ch == "@":
            out.append(_POSTCODE_LETTERS[int(rng.integers(len(_POSTCODE_LETTERS)))])
        elif ch == "^":
            out.append("#")
        else:
            out.append(ch)
    return "".join(out)


def _streets(raw: Mapping[str, Any], seed: int) -> StrA:
    if "faker" in raw:
        fake = _faker(raw["faker"])
        fake.seed_instance(seed)
        return np.array(
            [fake.street_address().replace("\n", ", ") for _ in range(_POOL)], dtype=np.str_
        )
    rng = np.random.default_rng(seed)
    templates, names = raw["templates"], raw["names"]
    return np.array(
        [_expand(templates[int(rng.integers(len(templates)))], rng, names) for _ in range(_POOL)],
        dtype=np.str_,
    )


@dataclass(frozen=True, slots=True)
class _PhonePlan:
    """Valid mobile numbers of one country, from the ``phonenumbers`` metadata itself."""

    calling_code: str
    length: int
    general: re.Pattern[str]
    mobile: re.Pattern[str]
    prefixes: tuple[str, ...]  # leading digits of valid numbers, as often as they occur

    def valid(self, nsn: str) -> bool:
        return bool(self.general.fullmatch(nsn) and self.mobile.fullmatch(nsn))


@cache
def _phone_plan(country: str, length: int) -> _PhonePlan:
    """A fact about the numbering plan, not about a seed: drawn once with a fixed stream."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(country)
    general = meta.general_desc if meta is not None else None
    mobile = meta.mobile if meta is not None else None
    if meta is None or general is None or mobile is None:
        raise ValueError(f"phonenumbers has no mobile numbering plan for {country}")
    general_lengths = general.possible_length or (length,)
    if length not in general_lengths or length not in (mobile.possible_length or general_lengths):
        raise ValueError(f"{country} mobile numbers never have {length} digits")
    plan = _PhonePlan(
        str(meta.country_code),
        length,
        re.compile(general.national_number_pattern or ""),
        re.compile(mobile.national_number_pattern or ""),
        (),
    )
    # Uniform candidates filtered by the metadata give the leading digits of valid numbers
    # in proportion to how much of the numbering plan they cover.
    rng = np.random.default_rng(length)
    candidates = rng.integers(10 ** (length - 1), 10**length, size=8000)
    prefixes = tuple(str(c)[:3] for c in candidates.tolist() if plan.valid(str(c)))
    if not prefixes:
        raise ValueError(f"found no valid {country} mobile numbers of {length} digits")
    return _PhonePlan(plan.calling_code, length, plan.general, plan.mobile, prefixes)


@dataclass(frozen=True, slots=True)
class _Country:
    """Everything needed to make one country's debtors."""

    code: str
    economy: Economy
    locale: _Locale
    decimals: int
    cultures: tuple[_Culture, ...]
    culture_p: FltA
    culture_languages: tuple[tuple[tuple[str, ...], FltA], ...]
    default_language: str
    streets: StrA
    companies: StrA
    city_p: FltA
    city_region: IntA
    city_names: StrA
    city_postcodes: StrA  # cities x _POSTCODES expanded templates
    city_area_codes: tuple[tuple[str, ...], ...]
    region_codes: StrA
    region_names: StrA
    region_zones: StrA
    region_id_codes: StrA
    phones: _PhonePlan


_POSTCODES: Final = 40


@dataclass(frozen=True, slots=True)
class _World:
    countries: tuple[_Country, ...]
    country_p: FltA
    company_share: FltA
    usd_factor: FltA
    income_scale: FltA
    decimals: IntA
    person_products: FltA  # countries x products, cumulative
    company_products: FltA
    channel_tilt: FltA  # countries x channels


@lru_cache(maxsize=2)
def _build_world(seed: int) -> _World:
    """Draw every pool for ``seed``; about a second, whatever the portfolio size.

    Memoised because the pools are immutable and a process (a test run, a simulation of
    several scenarios) often makes more than one portfolio from the same seed.
    """
    root = np.random.SeedSequence(seed, spawn_key=(0,))
    seeds = iter(np.random.default_rng(root).integers(0, 2**31, size=1000).tolist())
    raw_cultures = _locale_file()["cultures"]
    cultures = {name: _build_culture(raw, next(seeds)) for name, raw in raw_cultures.items()}
    countries = []
    for loc in _locales():
        economy = ECONOMY[loc.country]
        default_language = loc.language
        people = [cultures[name] for name, _ in loc.people]
        weights = np.array([w for _, w in loc.people])
        languages = []
        for name, _ in loc.people:
            mix = loc.languages.get(name, {default_language: 1.0})
            p = np.array(list(mix.values()), dtype=np.float64)
            languages.append((tuple(mix), p / p.sum()))
        cities = [(ri, city) for ri, region in enumerate(loc.regions) for city in region.cities]
        city_p = np.array(
            [loc.regions[ri].weight / len(loc.regions[ri].cities) for ri, _ in cities]
        )
        rng = np.random.default_rng(next(seeds))
        postcodes = np.array(
            [[_expand(c.postcode, rng) for _ in range(_POSTCODES)] for _, c in cities],
            dtype=np.str_,
        )
        countries.append(
            _Country(
                code=loc.country,
                economy=economy,
                locale=loc,
                decimals=minor_units(economy.currency),
                cultures=tuple(people),
                culture_p=weights / weights.sum(),
                culture_languages=tuple(languages),
                default_language=default_language,
                streets=_streets(loc.streets, next(seeds)),
                companies=_companies(loc.company, cultures, next(seeds)),
                city_p=city_p / city_p.sum(),
                city_region=np.array([ri for ri, _ in cities], dtype=np.int64),
                city_names=np.array([c.name for _, c in cities], dtype=np.str_),
                city_postcodes=postcodes,
                city_area_codes=tuple(c.area_codes for _, c in cities),
                region_codes=np.array([r.code for r in loc.regions], dtype=np.str_),
                region_names=np.array([r.name for r in loc.regions], dtype=np.str_),
                region_zones=np.array([r.zone for r in loc.regions], dtype=np.str_),
                region_id_codes=np.array([r.id_code for r in loc.regions], dtype=np.str_),
                phones=_phone_plan(loc.country, loc.mobile_length),
            )
        )
    codes = [c.code for c in countries]
    person = np.array(
        [
            [_product_weight(p, ECONOMY[c]) if not p.for_companies else 0.0 for p in PRODUCTS]
            for c in codes
        ]
    )
    company = np.array([[p.weight if p.for_companies else 0.0 for p in PRODUCTS] for _ in codes])
    weights = np.array([ECONOMY[c].weight for c in codes])
    return _World(
        countries=tuple(countries),
        country_p=weights / weights.sum(),
        company_share=np.array([ECONOMY[c].company_share for c in codes]),
        usd_factor=np.array([ECONOMY[c].usd_factor for c in codes]),
        income_scale=np.array([ECONOMY[c].income_scale for c in codes]),
        decimals=np.array([c.decimals for c in countries], dtype=np.int64),
        person_products=np.cumsum(person / person.sum(axis=1, keepdims=True), axis=1),
        company_products=np.cumsum(company / company.sum(axis=1, keepdims=True), axis=1),
        channel_tilt=np.array(
            [[ECONOMY[c].channel_tilt.get(ch, 0.0) for ch in CHANNELS] for c in codes]
        ),
    )


def _product_weight(terms: ProductTerms, economy: Economy) -> float:
    return terms.weight * economy.product_tilt.get(terms.product.value, 1.0)


# --- Vectorised text: national IDs are built as byte matrices, one row per debtor ----------


def _digits(rng: np.random.Generator, n: int, width: int, low: int = 0) -> IntA:
    return rng.integers(low, 10, size=(n, width), dtype=np.int64)


def _num(values: IntA, width: int) -> IntA:
    """The decimal digits of ``values``, zero-padded to ``width`` columns."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % 10


def _asc(digits: IntA) -> U8A:
    return (digits + 48).astype(np.uint8)


def _lit(text: str, n: int) -> U8A:
    return np.tile(np.frombuffer(text.encode("ascii"), dtype=np.uint8), (n, 1))


def _pick(alphabet: str, index: IntA) -> U8A:
    table = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
    picked: U8A = table[index]
    return picked if picked.ndim == 2 else picked[:, None]


def _codes(values: StrA, width: int) -> U8A:
    return np.array(values, dtype=f"S{width}").view(np.uint8).reshape(-1, width)


def _join(*parts: U8A) -> list[str]:
    matrix = np.ascontiguousarray(np.concatenate(parts, axis=1))
    as_bytes = matrix.view(f"S{matrix.shape[1]}").ravel()
    text: list[str] = as_bytes.astype(np.str_).tolist()
    return text


@dataclass(frozen=True, slots=True)
class _IdInput:
    n: int
    year: IntA
    month: IntA
    day: IntA
    male: BoolA
    id_code: StrA  # the region's code for IDs (province digits, a letter, ...)


def _cn_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    area = np.concatenate(
        [
            _codes(x.id_code, 2).astype(np.int64) - 48,
            _num(rng.integers(1, 21, x.n), 2),
            _num(rng.integers(1, 31, x.n), 2),
        ],
        axis=1,
    )
    seq = rng.integers(0, 100, x.n) * 10 + np.where(x.male, 1, 0) + 2 * rng.integers(0, 5, x.n)
    body = np.concatenate(
        [area, _num(x.year, 4), _num(x.month, 2), _num(x.day, 2), _num(seq, 3)], axis=1
    )
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    return _join(_asc(body), _pick("10X98765432", (body * weights).sum(axis=1) % 11))


_USCC: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _cn_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    """The 18-character unified social credit code, with its mod-31 check character."""
    head = np.concatenate(
        [
            np.tile([9, 1], (x.n, 1)),
            _codes(x.id_code, 2).astype(np.int64) - 48,
            _num(rng.integers(100, 10_000, x.n), 4),
            rng.integers(0, 31, (x.n, 9)),
        ],
        axis=1,
    )
    weights = np.array([pow(3, i, 31) for i in range(17)])
    check = (31 - (head * weights).sum(axis=1) % 31) % 31
    return _join(_pick(_USCC, head), _pick(_USCC, check))


def _hk_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    letters = rng.integers(0, 12, x.n)
    value = np.frombuffer(b"ACDEGHKPRVYZ", dtype=np.uint8)[letters].astype(np.int64) - 55
    body = _digits(rng, x.n, 6)
    total = 36 * 9 + value * 8 + (body * np.array([7, 6, 5, 4, 3, 2])).sum(axis=1)
    check = (11 - total % 11) % 11
    return _join(
        _pick("ACDEGHKPRVYZ", letters),
        _asc(body),
        _lit("(", x.n),
        _pick("0123456789A", check),
        _lit(")", x.n),
    )


def _hk_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    return _join(_asc(_digits(rng, x.n, 8)))  # business registration number


_TW_LETTER_VALUE: Final = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18,
    "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27,
    "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip


def _tw_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    value = np.array([_TW_LETTER_VALUE[c] for c in x.id_code.tolist()], dtype=np.int64)
    body = np.concatenate([np.where(x.male, 1, 2)[:, None], _digits(rng, x.n, 7)], axis=1)
    total = value // 10 + (value % 10) * 9 + (body * np.arange(8, 0, -1)).sum(axis=1)
    return _join(_codes(x.id_code, 1), _asc(body), _asc(((10 - total % 10) % 10)[:, None]))


def _tw_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    """The 8-digit unified business number; its seventh digit is kept off the special 7."""
    body = _digits(rng, x.n, 7)
    body[:, 6] = np.where(body[:, 6] == 7, 8, body[:, 6])
    products = body * np.array([1, 2, 1, 2, 1, 2, 4])
    total = (products // 10 + products % 10).sum(axis=1)
    return _join(_asc(body), _asc(((10 - total % 10) % 10)[:, None]))


def _sg_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    young = x.year >= 2000
    body = _digits(rng, x.n, 7)
    total = (body * np.array([2, 7, 6, 5, 4, 3, 2])).sum(axis=1) + np.where(young, 4, 0)
    return _join(_pick("ST", young.astype(np.int64)), _asc(body), _pick("JZIHGFEDCBA", total % 11))


def _sg_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    year = rng.integers(1990, 2026, x.n)
    return _join(
        _asc(_num(year, 4)),
        _asc(_digits(rng, x.n, 5)),
        _pick("CDEGHKMNRWZ", rng.integers(0, 11, x.n)),
    )


def _th_check(body: IntA) -> IntA:
    total = (body * np.arange(13, 1, -1)).sum(axis=1)
    check: IntA = ((11 - total % 11) % 10)[:, None]
    return check


def _th_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    first = np.array([1, 1, 1, 3, 3, 5, 8])[rng.integers(0, 7, x.n)][:, None]
    body = np.concatenate([first, _digits(rng, x.n, 11)], axis=1)
    d = _asc(np.concatenate([body, _th_check(body)], axis=1))
    dash = _lit("-", x.n)
    return _join(d[:, :1], dash, d[:, 1:5], dash, d[:, 5:10], dash, d[:, 10:12], dash, d[:, 12:])


def _th_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    body = np.concatenate([np.tile([0, 1, 0, 5], (x.n, 1)), _digits(rng, x.n, 8)], axis=1)
    return _join(_asc(body), _asc(_th_check(body)))


def _vn_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    century = np.where(x.year >= 2000, 2, 0) + np.where(x.male, 0, 1)
    return _join(
        _codes(x.id_code, 3),
        _asc(century[:, None]),
        _asc(_num(x.year % 100, 2)),
        _asc(_digits(rng, x.n, 6)),
    )


def _vn_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    return _join(_lit("0", x.n), _asc(_digits(rng, x.n, 9)))  # tax code (MST)


def _id_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    """NIK: area, birth date (day + 40 for women), then a serial."""
    day = x.day + np.where(x.male, 0, 40)
    return _join(
        _codes(x.id_code, 2),
        _asc(_num(rng.integers(1, 30, x.n), 2)),
        _asc(_num(rng.integers(1, 30, x.n), 2)),
        _asc(_num(day, 2)),
        _asc(_num(x.month, 2)),
        _asc(_num(x.year % 100, 2)),
        _asc(_num(rng.integers(1, 10_000, x.n), 4)),
    )


def _id_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    d = _asc(_digits(rng, x.n, 15))  # NPWP 99.999.999.9-999.999
    dot, dash = _lit(".", x.n), _lit("-", x.n)
    return _join(
        d[:, :2], dot, d[:, 2:5], dot, d[:, 5:8], dot, d[:, 8:9], dash, d[:, 9:12], dot, d[:, 12:]
    )


def _my_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    """MyKad: birth date, state of birth, serial, last digit odd for men."""
    last = rng.integers(0, 5, x.n) * 2 + np.where(x.male, 1, 0)
    dash = _lit("-", x.n)
    return _join(
        _asc(_num(x.year % 100, 2)),
        _asc(_num(x.month, 2)),
        _asc(_num(x.day, 2)),
        dash,
        _codes(x.id_code, 2),
        dash,
        _asc(_digits(rng, x.n, 3)),
        _asc(last[:, None]),
    )


def _my_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    year = rng.integers(1990, 2026, x.n)
    return _join(_asc(_num(year, 4)), _lit("01", x.n), _asc(_digits(rng, x.n, 6)))


def _ph_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    d = _asc(np.concatenate([_digits(rng, x.n, 1, 1), _digits(rng, x.n, 15)], axis=1))
    dash = _lit("-", x.n)
    return _join(d[:, :4], dash, d[:, 4:8], dash, d[:, 8:12], dash, d[:, 12:])  # PhilSys


def _ph_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    d = _asc(_digits(rng, x.n, 9))
    dash = _lit("-", x.n)
    return _join(d[:, :3], dash, d[:, 3:6], dash, d[:, 6:], _lit("-000", x.n))  # TIN


_VERHOEFF_D: Final = np.array(
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
     [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
     [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
     [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
     [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]])  # fmt: skip
_VERHOEFF_P: Final = np.array(
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
     [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
     [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
     [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]])  # fmt: skip
_VERHOEFF_INV: Final = np.array([0, 4, 3, 2, 1, 5, 6, 7, 8, 9])


def _verhoeff(body: IntA) -> IntA:
    """The Verhoeff check digit of each row (Aadhaar's checksum)."""
    c = np.zeros(len(body), dtype=np.int64)
    for i, column in enumerate(body[:, ::-1].T):
        c = _VERHOEFF_D[c, _VERHOEFF_P[(i + 1) % 8, column]]
    check: IntA = _VERHOEFF_INV[c]
    return check


def _in_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    body = np.concatenate([_digits(rng, x.n, 1, 2), _digits(rng, x.n, 10)], axis=1)
    d = _asc(np.concatenate([body, _verhoeff(body)[:, None]], axis=1))
    space = _lit(" ", x.n)
    return _join(d[:, :4], space, d[:, 4:8], space, d[:, 8:])


def _in_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    """Corporate identity number: listing, industry, state, year, 'PTC', serial."""
    industry = np.array(["72200", "74999", "51909", "15400", "45200", "65999"])
    return _join(
        _lit("U", x.n),
        _codes(industry[rng.integers(0, 6, x.n)], 5),
        _codes(x.id_code, 2),
        _asc(_num(rng.integers(1990, 2026, x.n), 4)),
        _lit("PTC", x.n),
        _asc(_digits(rng, x.n, 6)),
    )


def _us_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    area = rng.integers(1, 900, x.n)
    area = np.where(area == 666, 667, area)  # never issued
    dash = _lit("-", x.n)
    return _join(
        _asc(_num(area, 3)),
        dash,
        _asc(_num(rng.integers(1, 100, x.n), 2)),
        dash,
        _asc(_num(rng.integers(1, 10_000, x.n), 4)),
    )


_EIN_PREFIXES: Final = np.array(
    [p for p in range(10, 100) if p not in {17, 18, 19, 28, 29, 49, 69, 70, 78, 79, 89, 96, 97}]
)


def _us_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    prefix = _EIN_PREFIXES[rng.integers(0, len(_EIN_PREFIXES), x.n)]
    return _join(_asc(_num(prefix, 2)), _lit("-", x.n), _asc(_digits(rng, x.n, 7)))


def _gb_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    """National Insurance number: two prefix letters (never-used pairs avoided), six digits."""
    first = np.array(list("ABCEGHJKLMNOPRSTWXYZ"))[rng.integers(0, 20, x.n)]
    second = np.array(list("ABCEGHJKLMNPRSTWXYZ"))[rng.integers(0, 19, x.n)]
    pair = np.char.add(first, second)
    banned = np.isin(pair, ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"])
    first = np.where(banned, "A", first)
    return _join(
        _codes(first, 1),
        _codes(second, 1),
        _asc(_digits(rng, x.n, 6)),
        _pick("ABCD", rng.integers(0, 4, x.n)),
    )


def _gb_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    """Companies House number: 'SC' in Scotland, 'NI' in Northern Ireland, else 8 digits."""
    digits = np.char.add(
        rng.integers(0, 2, x.n).astype(np.str_), rng.integers(0, 10, x.n).astype(np.str_)
    )
    prefix = np.where(x.id_code == "S", "SC", np.where(x.id_code == "N", "NI", digits))
    return _join(_codes(prefix, 2), _asc(_digits(rng, x.n, 6)))


_DE_LETTERS: Final = "CFGHJKLMNPRTVWXYZ"


def _de_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    """Identity card number: nine characters and a 7-3-1 weighted check digit."""
    alphabet = _DE_LETTERS + "0123456789"
    first = rng.integers(0, len(_DE_LETTERS), (x.n, 1))
    rest = rng.integers(0, len(alphabet), (x.n, 8))
    chars = np.concatenate([_pick(alphabet, first), _pick(alphabet, rest)], axis=1)
    values = np.where(chars >= 65, chars.astype(np.int64) - 55, chars.astype(np.int64) - 48)
    check = (values * np.resize([7, 3, 1], 9)).sum(axis=1) % 10
    return _join(chars, _asc(check[:, None]))


def _de_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    return _join(_lit("HRB ", x.n), _asc(_num(rng.integers(1000, 250_000, x.n), 6)))


def _mod11(body: IntA, weights: Sequence[int]) -> IntA:
    remainder = (body * np.array(weights)).sum(axis=1) % 11
    check: IntA = np.where(remainder < 2, 0, 11 - remainder)[:, None]
    return check


def _br_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    body = _digits(rng, x.n, 9)
    body = np.concatenate([body, _mod11(body, range(10, 1, -1))], axis=1)
    body = np.concatenate([body, _mod11(body, range(11, 1, -1))], axis=1)
    d, dot = _asc(body), _lit(".", x.n)
    return _join(d[:, :3], dot, d[:, 3:6], dot, d[:, 6:9], _lit("-", x.n), d[:, 9:])  # CPF


def _br_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    body = np.concatenate([_digits(rng, x.n, 8), np.tile([0, 0, 0, 1], (x.n, 1))], axis=1)
    body = np.concatenate([body, _mod11(body, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])], axis=1)
    body = np.concatenate([body, _mod11(body, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])], axis=1)
    d, dot = _asc(body), _lit(".", x.n)
    return _join(
        d[:, :2],
        dot,
        d[:, 2:5],
        dot,
        d[:, 5:8],
        _lit("/", x.n),
        d[:, 8:12],
        _lit("-", x.n),
        d[:, 12:],
    )  # CNPJ


_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CONSONANTS: Final = "BCDFGHJKLMNPQRSTVWXYZ"


def _mx_person(rng: np.random.Generator, x: _IdInput) -> list[str]:
    """CURP: name letters, birth date, sex, state, consonants, homoclave, check digit."""
    head = np.concatenate(
        [
            _pick(_LETTERS, rng.integers(0, 26, (x.n, 1))),
            _pick("AEIOU", rng.integers(0, 5, (x.n, 1))),
            _pick(_LETTERS, rng.integers(0, 26, (x.n, 2))),
            _asc(_num(x.year % 100, 2)),
            _asc(_num(x.month, 2)),
            _asc(_num(x.day, 2)),
            _pick("MH", x.male.astype(np.int64)),
            _codes(x.id_code, 2),
            _pick(_CONSONANTS, rng.integers(0, 21, (x.n, 3))),
            np.where(
                (x.year >= 2000)[:, None],
                _pick(_LETTERS, rng.integers(0, 26, (x.n, 1))),
                _asc(_digits(rng, x.n, 1)),
            ),
        ],
        axis=1,
    )
    code = head.astype(np.int64)
    # Values of the CURP alphabet 0-9A-NÑO-Z: digits 0-9, A-N 10-23, (Ñ 24), O-Z 25-36.
    values = np.where(code < 65, code - 48, np.where(code <= 78, code - 55, code - 54))
    check = (10 - (values * np.arange(18, 1, -1)).sum(axis=1) % 10) % 10
    return _join(head, _asc(check[:, None]))


def _mx_company(rng: np.random.Generator, x: _IdInput) -> list[str]:
    founded = rng.integers(0, 100, x.n)
    return _join(
        _pick(_LETTERS, rng.integers(0, 26, (x.n, 3))),
        _asc(_num(founded, 2)),
        _asc(_num(rng.integers(1, 13, x.n), 2)),
        _asc(_num(rng.integers(1, 29, x.n), 2)),
        _pick(_LETTERS + "0123456789", rng.integers(0, 36, (x.n, 3))),
    )  # RFC


_IdMaker = Callable[[np.random.Generator, _IdInput], list[str]]
_NATIONAL_IDS: Final[Mapping[str, tuple[_IdMaker, _IdMaker]]] = {
    "CN": (_cn_person, _cn_company), "HK": (_hk_person, _hk_company),
    "TW": (_tw_person, _tw_company), "SG": (_sg_person, _sg_company),
    "TH": (_th_person, _th_company), "VN": (_vn_person, _vn_company),
    "ID": (_id_person, _id_company), "MY": (_my_person, _my_company),
    "PH": (_ph_person, _ph_company), "IN": (_in_person, _in_company),
    "US": (_us_person, _us_company), "GB": (_gb_person, _gb_company),
    "DE": (_de_person, _de_company), "BR": (_br_person, _br_company),
    "MX": (_mx_person, _mx_company),
}  # fmt: skip


# --- Debtors -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Debtors:
    country: IntA
    company: BoolA
    male: BoolA
    age: FltA
    z_capacity: FltA
    z_willingness: FltA
    has_email: BoolA
    name: ObjA
    region: ObjA
    timezone: ObjA
    language: ObjA
    national_id: ObjA
    phone: ObjA
    email: ObjA
    address: ObjA


def _make_debtors(
    rng: np.random.Generator,
    world: _World,
    country: IntA,
    company: BoolA,
    tags: StrA,
    as_of: np.datetime64,
) -> _Debtors:
    n = len(country)
    z = rng.standard_normal((n, 2))
    debtors = _Debtors(
        country=country,
        company=company,
        male=rng.random(n) < 0.5,
        age=np.clip(rng.normal(39.0, 11.0, n), 21.0, 75.0),
        z_capacity=z[:, 0],
        z_willingness=0.35 * z[:, 0] + math.sqrt(1 - 0.35**2) * z[:, 1],
        has_email=rng.random(n) < np.where(company, _EMAIL_SHARE[True], _EMAIL_SHARE[False]),
        name=np.empty(n, dtype=object),
        region=np.empty(n, dtype=object),
        timezone=np.empty(n, dtype=object),
        language=np.empty(n, dtype=object),
        national_id=np.empty(n, dtype=object),
        phone=np.empty(n, dtype=object),
        email=np.empty(n, dtype=object),
        address=np.empty(n, dtype=object),
    )
    for index, place in enumerate(world.countries):
        rows = np.flatnonzero(country == index)
        if rows.size:
            _fill_country(rng, place, rows, tags[rows], debtors, as_of)
    return debtors


def _fill_country(
    rng: np.random.Generator,
    place: _Country,
    rows: IntA,
    tags: StrA,
    out: _Debtors,
    as_of: np.datetime64,
) -> None:
    n = len(rows)
    company, male, age = out.company[rows], out.male[rows], out.age[rows]
    city = rng.choice(len(place.city_p), size=n, p=place.city_p)
    region = place.city_region[city]
    out.region[rows] = place.region_codes[region]
    out.timezone[rows] = place.region_zones[region]

    postcode = place.city_postcodes[city, rng.integers(0, _POSTCODES, n)]
    street = place.streets[rng.integers(0, len(place.streets), n)]
    city_name, region_name = place.city_names[city], place.region_names[region]
    fmt, codes = place.locale.address, place.region_codes[region]
    out.address[rows] = [
        fmt.format(street=s.replace("{city}", c), city=c, region=r, code=k, postcode=p)
        for s, c, r, k, p in zip(
            street.tolist(),
            city_name.tolist(),
            region_name.tolist(),
            codes.tolist(),
            postcode.tolist(),
            strict=True,
        )
    ]

    out.phone[rows] = _mobiles(rng, place, city)

    birth = as_of - (age * 365.25).astype(np.int64).astype("timedelta64[D]")
    months = birth.astype("datetime64[M]")
    ids = _IdInput(
        n=n,
        year=birth.astype("datetime64[Y]").astype(np.int64) + 1970,
        month=months.astype(np.int64) % 12 + 1,
        day=(birth - months.astype("datetime64[D]")).astype(np.int64) + 1,
        male=male,
        id_code=place.region_id_codes[region],
    )
    person_id, company_id = _NATIONAL_IDS[place.code]
    national_id = np.empty(n, dtype=object)
    for maker, mask in ((person_id, ~company), (company_id, company)):
        if mask.any():
            national_id[mask] = maker(rng, _subset(ids, mask))
    out.national_id[rows] = national_id

    name, email, language = (np.empty(n, dtype=object) for _ in range(3))
    culture = rng.choice(len(place.cultures), size=n, p=place.culture_p)
    for ci, pool in enumerate(place.cultures):
        mask = (culture == ci) & ~company
        if not mask.any():
            continue
        names, emails = _people(rng, pool, male[mask], tags[mask], place.locale.email_domains)
        name[mask], email[mask] = names, emails
        langs, p = place.culture_languages[ci]
        language[mask] = np.array(langs, dtype=object)[rng.choice(len(langs), mask.sum(), p=p)]
    if company.any():
        picked = place.companies[rng.integers(0, len(place.companies), int(company.sum()))]
        name[company] = picked
        email[company] = _company_emails(rng, picked.tolist(), tags[company].tolist())
        language[company] = place.default_language
    out.name[rows], out.language[rows] = name, language
    out.email[rows] = np.where(out.has_email[rows], email, "")


def _subset(ids: _IdInput, mask: BoolA) -> _IdInput:
    return _IdInput(
        int(mask.sum()),
        ids.year[mask],
        ids.month[mask],
        ids.day[mask],
        ids.male[mask],
        ids.id_code[mask],
    )


def _draw(rng: np.random.Generator, names: _Names, n: int) -> tuple[StrA, StrA]:
    index = rng.integers(0, len(names), n)
    return names.text[index], names.ascii[index]


def _people(
    rng: np.random.Generator, pool: _Culture, male: BoolA, tags: StrA, domains: Sequence[str]
) -> tuple[list[str], list[str]]:
    n = len(male)
    gm, gm_a = _draw(rng, pool.given_male, n)
    gf, gf_a = _draw(rng, pool.given_female, n)
    given, given_a = np.where(male, gm, gf), np.where(male, gm_a, gf_a)
    family, family_a = _draw(rng, pool.family, n)
    g, f = given.tolist(), family.tolist()
    if pool.order == "family_given":
        names = [a + b for a, b in zip(f, g, strict=True)]
    elif pool.order == "given_family":
        names = [f"{a} {b}" for a, b in zip(g, f, strict=True)]
    elif pool.order == "given_family_family":
        second, _ = _draw(rng, pool.family, n)
        names = [f"{a} {b} {c}" for a, b, c in zip(g, f, second.tolist(), strict=True)]
    elif pool.order == "family_middle_given":
        assert pool.middle_male is not None
        assert pool.middle_female is not None
        middle = np.where(
            male, _draw(rng, pool.middle_male, n)[0], _draw(rng, pool.middle_female, n)[0]
        )
        names = [f"{a} {b} {c}" for a, b, c in zip(f, middle.tolist(), g, strict=True)]
    elif pool.order == "family_given_spaced":
        names = [f"{a} {b}" for a, b in zip(f, g, strict=True)]
        if pool.english is not None:
            english, english_a = _draw(rng, pool.english, n)
            use = rng.random(n) < pool.english_share
            names = [
                f"{e} {x}" if u else x
                for e, x, u in zip(english.tolist(), names, use.tolist(), strict=True)
            ]
            given_a = np.where(use, english_a, given_a)
    elif pool.order == "patronymic":
        link = np.where(male, "bin", "binti").tolist()
        names = [f"{a} {b} {c}" for a, b, c in zip(g, link, f, strict=True)]
    else:
        raise ValueError(f"unknown name order {pool.order!r}")

    domain = np.array(domains)[rng.integers(0, len(domains), n)].tolist()
    style = rng.integers(0, 6, n).tolist()
    if pool.user_names is not None:
        handles = pool.user_names[rng.integers(0, len(pool.user_names), n)].tolist()
        locals_ = [f"{h}{t}" for h, t in zip(handles, tags.tolist(), strict=True)]
    else:
        locals_ = [
            _local_part(a, b, s, t)
            for a, b, s, t in zip(
                given_a.tolist(), family_a.tolist(), style, tags.tolist(), strict=True
            )
        ]
    return names, [f"{loc}@{dom}" for loc, dom in zip(locals_, domain, strict=True)]


def _local_part(given: str, family: str, style: int, tag: str) -> str:
    given, family = given[:20] or "user", family[:20]
    if not family or style == 5:
        return f"{given}{tag}"
    if style == 0:
        return f"{given}.{family}{tag}"
    if style == 1:
        return f"{given}{family}{tag}"
    if style == 2:
        return f"{given[0]}{family}{tag}"
    if style == 3:
        return f"{family}.{given}{tag}"
    return f"{given}_{family}{tag}"


def _company_emails(rng: np.random.Generator, names: list[str], tags: list[str]) -> list[str]:
    roles = ["finance", "accounts", "ap", "info", "admin"]
    role = rng.integers(0, len(roles), len(names)).tolist()
    out = []
    for name, tag, r in zip(names, tags, role, strict=True):
        slug = _fold(name)[:24]
        out.append(f"{roles[r]}@{slug if len(slug) >= 3 else 'biz'}-{tag}.example.com")
    return out


_TAG_MULTIPLIER: Final = 7_654_321  # odd and not a multiple of 5: a bijection modulo 10**k


def _email_tags(numbers: IntA, accounts: int, seed: int) -> StrA:
    """A number per debtor, different for every debtor in the file, for its email address.

    Two debtors sharing an address would turn every email to one into a disclosure to the
    other, so addresses must be unique. Multiplying by a unit modulo ``10**k`` (with
    ``10**k`` above every debtor number) permutes the debtor numbers: unique, yet
    unrelated to the debtor id, and the same whatever the chunking.
    """
    modulus = 10 ** max(3, len(str(accounts)))
    tags: StrA = ((numbers * _TAG_MULTIPLIER + seed) % modulus).astype(np.str_)
    return tags


def _mobiles(rng: np.random.Generator, place: _Country, city: IntA) -> list[str]:
    """Valid E.164 mobile numbers: local area codes where numbers carry them, checked."""
    plan, n = place.phones, len(city)
    learned = np.array(plan.prefixes)
    prefixes: list[str] = learned[rng.integers(0, len(learned), n)].tolist()
    choice = rng.random(n).tolist()
    for i, c in enumerate(city.tolist()):
        codes = place.city_area_codes[c]
        if codes:
            prefixes[i] = codes[int(choice[i] * len(codes))]
    numbers = [""] * n
    pending = list(range(n))
    for attempt in range(200):
        tails = rng.integers(0, 10**15, size=len(pending)).tolist()
        retry = []
        for i, tail in zip(pending, tails, strict=True):
            width = plan.length - len(prefixes[i])
            nsn = f"{prefixes[i]}{tail % 10**width:0{width}d}"
            if plan.valid(nsn):
                numbers[i] = f"+{plan.calling_code}{nsn}"
            else:
                retry.append(i)
        if not retry:
            return numbers
        if attempt == 50:  # an area code that never validates: fall back to learned digits
            for i in retry:
                prefixes[i] = str(learned[int(rng.integers(len(learned)))])
        pending = retry
    raise RuntimeError(f"could not make valid {place.code} mobile numbers")


# --- Accounts ------------------------------------------------------------------------------


_P: Final = {
    name: np.array([getattr(p, name) for p in PRODUCTS], dtype=np.float64)
    for name in (
        "median_usd",
        "sigma",
        "floor_usd",
        "cap_usd",
        "apr",
        "late_fee_usd",
        "cycle_days",
        "first_payment_default",
        "dpd_shift",
    )
}
_CARD: Final = PRODUCTS.index(next(p for p in PRODUCTS if p.product is Product.CREDIT_CARD))
_INVOICE: Final = np.array([bool(p.terms_days) for p in PRODUCTS])
_INSTALMENT: Final = np.array([bool(p.instalments) for p in PRODUCTS])
_LOAN_LIKE: Final = np.array(
    [
        p.product in {Product.PERSONAL_LOAN, Product.AUTO_LOAN, Product.EDUCATION_INSTALMENT}
        for p in PRODUCTS
    ]
)
_ORIGIN_CUM: Final = np.cumsum(
    [[p.origins.get(o, 0.0) / sum(p.origins.values()) for o in ORIGINS] for p in PRODUCTS], axis=1
)


def _sigmoid(x: FltA) -> FltA:
    out: FltA = 1.0 / (1.0 + np.exp(-x))
    return out


def _round_up_2sig(x: FltA) -> FltA:
    """Round up to two significant figures: credit limits and fees are round numbers."""
    safe = np.maximum(x, 1.0)
    magnitude = 10.0 ** (np.floor(np.log10(safe)) - 1)
    out: FltA = np.ceil(safe / magnitude) * magnitude
    return out


def _choose_rows(rng: np.random.Generator, cumulative: FltA) -> IntA:
    """One index per row of a cumulative-probability matrix."""
    u = rng.random(len(cumulative))
    index: IntA = np.minimum((u[:, None] >= cumulative).sum(axis=1), cumulative.shape[1] - 1)
    return index


@dataclass(slots=True)
class _Accounts:
    owner: IntA
    product: IntA
    dpd: IntA
    principal_usd: FltA  # for the behaviour profile's debt burden
    columns: dict[str, pl.Series]


def _make_accounts(
    rng: np.random.Generator,
    world: _World,
    debtors: _Debtors,
    counts: IntA,
    as_of: np.datetime64,
) -> _Accounts:
    owner = np.repeat(np.arange(len(counts)), counts)
    n = len(owner)
    country, company = debtors.country[owner], debtors.company[owner]
    table = np.where(
        company[:, None], world.company_products[country], world.person_products[country]
    )
    product = _choose_rows(rng, table)

    # Arrears: the bucket mix, shifted by the debtor's capacity and willingness to pay.
    shift = -0.9 * (0.6 * debtors.z_capacity + 0.4 * debtors.z_willingness)[owner]
    u = np.clip(rng.random(n), 1e-12, 1 - 1e-12)
    u = _sigmoid(np.log(u / (1 - u)) + shift + _P["dpd_shift"][product])
    bucket = np.searchsorted(np.cumsum(BUCKET_WEIGHTS)[:-1], u, side="right")
    dpd = _BUCKET_LOW[bucket] + (rng.random(n) * _BUCKET_SPAN[bucket]).astype(np.int64)
    late = np.minimum(rng.exponential(160.0, n).astype(np.int64), _MAX_DPD - 180)
    dpd = np.where(bucket == len(BUCKET_WEIGHTS) - 1, 180 + late, dpd)

    # Sizes: a log-normal USD equivalent at the country's income level, then local money.
    scale = np.where(company, np.sqrt(world.income_scale[country]), world.income_scale[country])
    usd = np.exp(
        np.log(_P["median_usd"][product] * scale) + _P["sigma"][product] * rng.standard_normal(n)
    )
    usd = np.clip(usd, _P["floor_usd"][product] * scale, _P["cap_usd"][product] * scale)
    fx = world.usd_factor[country]
    unit = 10.0 ** world.decimals[country]
    amount = usd * fx
    amount = np.where(_LOAN_LIKE[product], _round_up_2sig(amount), amount)

    term = np.ones(n, dtype=np.int64)
    cycle = _P["cycle_days"][product].astype(np.int64)
    for index, terms in enumerate(PRODUCTS):
        mask = product == index
        if terms.instalments and mask.any():
            term[mask] = rng.choice(terms.instalments, int(mask.sum()))
        if terms.terms_days and mask.any():
            cycle[mask] = rng.choice(terms.terms_days, int(mask.sum()))
    paid = (rng.random(n) * term * 0.95).astype(np.int64)
    paid = np.where(rng.random(n) < _P["first_payment_default"][product], 0, paid)
    paid = np.where(_INSTALMENT[product], paid, 0)

    # Dates: due_date is the oldest unpaid due date, or the next one for a current account.
    ahead = 1 + (rng.random(n) * np.minimum(cycle, 28)).astype(np.int64)
    due = np.where(dpd > 0, -dpd, ahead)  # days from as_of
    card_age = 200 + (rng.random(n) * 3800).astype(np.int64)
    opened = np.where(
        _INSTALMENT[product],
        due - (paid + 1) * cycle,
        np.where(product == _CARD, due - card_age, due - cycle),
    )

    # Balances.
    partial = np.where(_INVOICE[product] & (rng.random(n) < 0.2), rng.uniform(0.1, 0.6, n), 0.0)
    principal = np.where(
        _INSTALMENT[product],
        amount * (term - paid) / term,
        np.where(_INVOICE[product], amount * (1 - partial), amount),
    )
    accrual = np.where(dpd > 0, np.minimum(dpd, 120), 0) + rng.random(n) * 30
    interest = principal * _P["apr"][product] * accrual / 365
    missed = np.where(dpd > 0, np.ceil(dpd / np.maximum(cycle, 30)), 0).clip(0, 6)
    fee_unit = np.where(
        _P["late_fee_usd"][product] > 0,
        _round_up_2sig(_P["late_fee_usd"][product] * scale * fx),
        0.0,
    )
    fees = fee_unit * missed
    utilisation = np.clip(rng.beta(6, 2, n), 0.3, 1.08)
    limit = _round_up_2sig(principal / utilisation)

    # The last payment: the instalment before the first missed one, a card's minimum
    # payment, an invoice's part payment, or a small payment made after falling behind.
    instalment = amount / term * (1 + _P["apr"][product] * np.maximum(cycle, 1) / 365)
    minimum = np.minimum(np.maximum(0.03 * principal, 10 * scale * fx), principal)
    pay_amount = np.where(
        product == _CARD, minimum, np.where(_INVOICE[product], amount * partial, instalment)
    )
    pay_day = np.where(
        _INVOICE[product],
        opened + (rng.random(n) * (np.minimum(due, 0) - opened)).astype(np.int64),
        due - cycle - rng.integers(0, 7, n),
    )
    has_pay = np.where(
        product == _CARD, rng.random(n) < 0.95, np.where(_INVOICE[product], partial > 0, paid > 0)
    )
    after = (dpd >= 15) & (rng.random(n) < 0.35 * _sigmoid(debtors.z_willingness[owner]))
    after_day = -1 - (rng.random(n) * np.minimum(dpd - 1, 90)).astype(np.int64)
    pay_day = np.where(after, after_day, pay_day)
    small = np.where(_INVOICE[product], principal * 0.4, np.where(has_pay, pay_amount, instalment))
    pay_amount = np.where(after, small * rng.uniform(0.05, 0.5, n), pay_amount)
    has_pay = has_pay | after
    pay_day = np.clip(pay_day, opened, 0)

    def minor(values: FltA) -> IntA:
        out: IntA = np.rint(values * unit).astype(np.int64)
        return out

    principal_minor = np.maximum(minor(principal), unit.astype(np.int64))
    pay_minor = np.maximum(minor(pay_amount), 1)
    decimals = world.decimals[country]
    origin = _choose_rows(rng, _ORIGIN_CUM[product])
    epoch = int(as_of.astype(np.int64))
    card = product == _CARD
    currencies = np.array([c.economy.currency for c in world.countries])
    products = np.array([p.product.value for p in PRODUCTS])
    columns = {
        "product": pl.Series(products[product]),
        "currency": pl.Series(currencies[country]),
        "principal_outstanding": _money(principal_minor, decimals),
        "interest_outstanding": _money(minor(interest), decimals),
        "fees_outstanding": _money(minor(fees), decimals),
        "original_amount": _money(np.maximum(minor(amount), principal_minor), decimals, ~card),
        "credit_limit": _money(minor(limit), decimals, card),
        "open_date": _dates(epoch + opened),
        "due_date": _dates(epoch + due),
        "days_past_due": pl.Series(dpd),
        "last_payment_date": _dates(epoch + pay_day, has_pay),
        "last_payment_amount": _money(pay_minor, decimals, has_pay),
        "channel_of_origin": pl.Series(np.array(ORIGINS)[origin]),
    }
    return _Accounts(owner, product, dpd, principal / fx, columns)


def _money(minor: IntA, decimals: IntA, present: BoolA | None = None) -> pl.Series:
    """Plain decimal strings with exactly the currency's decimals; null where absent."""
    frame = pl.DataFrame({"m": minor, "d": decimals})
    scale = pl.lit(10, dtype=pl.Int64).pow(pl.col("d"))
    whole = (pl.col("m") // scale).cast(pl.String)
    part = (pl.col("m") % scale).cast(pl.String).str.zfill(pl.col("d"))
    text = frame.select(
        pl.when(pl.col("d") == 0).then(whole).otherwise(pl.concat_str([whole, pl.lit("."), part]))
    ).to_series()
    if present is not None:
        text = pl.select(pl.when(pl.Series(present)).then(text)).to_series()
    return text


def _dates(days: IntA, present: BoolA | None = None) -> pl.Series:
    series = pl.Series(days.astype(np.int32)).cast(pl.Date)
    if present is not None:
        series = pl.select(pl.when(pl.Series(present)).then(series)).to_series()
    return series


# --- Behaviour and the chunk ----------------------------------------------------------------


def _behaviour(
    rng: np.random.Generator, world: _World, debtors: _Debtors, accounts: _Accounts
) -> dict[str, Any]:
    n = len(debtors.country)
    scale = world.income_scale[debtors.country]
    owed = np.bincount(accounts.owner, weights=accounts.principal_usd, minlength=n)
    worst = np.zeros(n, dtype=np.int64)
    np.maximum.at(worst, accounts.owner, accounts.dpd)
    kinds = np.array([p.product for p in PRODUCTS])[accounts.product]
    digital = (
        np.bincount(
            accounts.owner,
            weights=np.isin(kinds, [Product.BNPL, Product.ECOMMERCE_INSTALMENT]).astype(float),
            minlength=n,
        )
        > 0
    )
    medical = (
        np.bincount(
            accounts.owner, weights=(kinds == Product.MEDICAL_INSTALMENT).astype(float), minlength=n
        )
        > 0
    )
    company = debtors.company.astype(float)
    arrears = worst / 365
    willingness = _sigmoid(
        0.4 + 1.1 * debtors.z_willingness - 0.6 * arrears - 0.3 * medical + 0.2 * company
    )
    burden = np.log(np.maximum(owed, 1.0) / (scale * 3000))
    capacity = _sigmoid(0.2 + debtors.z_capacity - 0.45 * burden + 0.2 * company)
    contactability = _sigmoid(
        1.1
        + 0.7 * rng.standard_normal(n)
        - 0.9 * arrears
        - 0.4 * ~debtors.has_email
        + 0.5 * company
    )

    # Channel: the market's habits, age, digital products and being a company, then noise.
    appeal = world.channel_tilt[debtors.country].copy()
    young, old = (debtors.age < 35) & ~debtors.company, (debtors.age > 55) & ~debtors.company
    appeal += np.outer(young, [0.2, 0.0, -0.2, -0.5, 0.5])
    appeal += np.outer(old, [-0.2, -0.2, 0.5, 0.4, -0.6])
    appeal += np.outer(digital, [0.0, 0.0, 0.0, 0.0, 0.8])
    appeal += np.outer(debtors.company, [-0.5, 1.2, 0.6, 0.3, -3.0])
    appeal += rng.gumbel(size=appeal.shape)
    appeal[:, CHANNELS.index("email")] = np.where(
        debtors.has_email, appeal[:, CHANNELS.index("email")], -np.inf
    )
    return {
        "willingness": pl.Series(np.round(willingness, 4)),
        "capacity": pl.Series(np.round(capacity, 4)),
        "channel_preference": pl.Series(np.array(CHANNELS)[appeal.argmax(axis=1)]),
        "contactability": pl.Series(np.round(contactability, 4)),
    }


def _ids(prefix: str, numbers: IntA) -> pl.Series:
    return pl.select(
        pl.concat_str([pl.lit(prefix), pl.Series(numbers).cast(pl.String).str.zfill(7)])
    ).to_series()


def _make_chunk(
    rng: np.random.Generator,
    world: _World,
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
    tags = _email_tags(numbers, spec.accounts, spec.seed)
    as_of = np.datetime64(spec.as_of.isoformat(), "D")

    debtors = _make_debtors(rng, world, country[:keep], company[:keep], tags, as_of)
    accounts = _make_accounts(rng, world, debtors, counts, as_of)
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
        {"debtor_id": debtor_ids, **_behaviour(rng, world, debtors, accounts)}
    ).select(BEHAVIOUR_COLUMNS)
    return PortfolioChunk(portfolio, behaviour), keep
