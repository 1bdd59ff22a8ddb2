"""The bulk amount check and conversion agree with ``Money.parse`` on every input."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from recoverly.domain.errors import InvalidMoney
from recoverly.domain.money import Money, minor_units
from recoverly.ingest import checks as ck

# What the import strips around a cell: Unicode's White_Space, as Rust and Polars read
# it. Python's str.strip() also strips the separators \x1c-\x1f, which are not blank.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)

amounts = st.builds(
    lambda whole, frac: whole if frac is None else f"{whole}.{frac}",
    st.from_regex(r"[0-9]{1,15}", fullmatch=True),
    st.one_of(st.none(), st.from_regex(r"[0-9]{1,6}", fullmatch=True)),
)


@given(
    text=st.one_of(amounts, st.text(max_size=8)),
    currency=st.sampled_from(["JPY", "USD", "BHD", "CLF"]),
)
def test_bulk_amounts_agree_with_money_parse(text: str, currency: str) -> None:
    frame = pl.DataFrame({"amount": [text]})
    frame = ck.normalise(frame, ["amount"])
    decimals = pl.lit(minor_units(currency), dtype=pl.Int64)
    problems = frame.select(
        pl.coalesce(
            pl.when(cond).then(pl.lit(msg) if isinstance(msg, str) else msg)
            for cond, msg in ck.amount("amount", decimals)
        )
    ).item()
    minor = frame.select(ck.to_minor("amount", decimals)).item()
    stripped = text.strip(WHITE_SPACE)
    negative = stripped.startswith("-")
    try:
        expected: int | None = Money.parse(stripped, currency).to_minor()
    except InvalidMoney:
        expected = None
    if stripped == "":
        assert problems is None
        assert minor is None
    elif expected is None or negative:
        assert problems is not None, (text, currency)
    else:
        assert problems is None, (text, currency, problems)
        assert minor == expected
