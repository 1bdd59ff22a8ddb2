"""Which segment and which branch each case falls in: a strategy applied to a snapshot.

Pure and columnar: conditions become Polars expressions over a frame with one row per
case and one column per strategy attribute (``bucket``, ``past_due_days``, ``balance``
as a Decimal in the account's currency, ``product``, …, and imported attributes as
``attributes.<name>``). The first segment whose conditions all hold takes the case.

The champion/challenger branch is drawn from SHA-256 of the strategy's salt and the case
id, so a case keeps its branch from one day to the next and on every machine, whatever
other cases the portfolio holds; changing the salt reshuffles deliberately.
"""

from __future__ import annotations

import polars as pl
import polars_hash  # noqa: F401 (registers the .chash namespace)

from recoverly.strategy.model import Condition, Segment, Strategy


def condition_expr(condition: Condition) -> pl.Expr:
    """A condition as a boolean expression; a missing value never satisfies it."""
    column = pl.col(condition.field)
    parts: list[pl.Expr] = []
    if condition.eq is not None:
        parts.append(column.eq(condition.eq))
    if condition.ne is not None:
        parts.append(column.ne(condition.ne))
    if condition.lt is not None:
        parts.append(column.lt(condition.lt))
    if condition.le is not None:
        parts.append(column.le(condition.le))
    if condition.gt is not None:
        parts.append(column.gt(condition.gt))
    if condition.ge is not None:
        parts.append(column.ge(condition.ge))
    if condition.in_ is not None:
        parts.append(column.is_in(list(condition.in_)))
    if condition.not_in is not None:
        parts.append(~column.is_in(list(condition.not_in)))
    return pl.all_horizontal(parts).fill_null(False)


def segment_expr(segments: tuple[Segment, ...]) -> pl.Expr:
    """The name of the first segment whose conditions all hold, for each case."""
    return pl.coalesce(
        pl.when(_matches(segment)).then(pl.lit(segment.name)) for segment in segments
    )


def branch_expr(case_id: pl.Expr, strategy: Strategy) -> pl.Expr:
    """The case's branch: stable for a case and salt, in proportion to the weights.

    The draw is the first 8 bytes of SHA-256(``salt:case_id``) modulo 100, computed in
    Rust by polars-hash (three times faster than hashlib in a Python loop).
    """
    digest = (pl.lit(f"{strategy.salt}:") + case_id).chash.sha2_256()  # type: ignore[attr-defined]
    draw = digest.str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64) % 100
    # Branch i takes the draws from the sum of the weights before it up to its own end.
    expr: pl.Expr = pl.lit(strategy.branches[0].name)
    upper = 100
    for branch in reversed(strategy.branches):
        lower = upper - branch.weight
        if branch.weight:
            inside = (draw >= lower) & (draw < upper)
            expr = pl.when(inside).then(pl.lit(branch.name)).otherwise(expr)
        upper = lower
    return expr


def assign(cases: pl.DataFrame, strategy: Strategy) -> pl.DataFrame:
    """``cases`` with ``segment`` and ``branch`` columns (needs ``case_id``).

    A case whose segment has no path for its branch follows the champion's path; its
    ``branch`` still says which branch it was drawn into, so experiments stay honest.
    """
    # An attribute this portfolio does not have is missing on every case, which no
    # condition accepts; a strategy can thus name attributes only some portfolios carry.
    fields = {c.field for segment in strategy.segments for c in segment.when}
    cases = cases.with_columns(
        pl.lit(None).alias(name) for name in sorted(fields - set(cases.columns))
    )
    return cases.with_columns(
        segment_expr(strategy.segments).alias("segment"),
        branch_expr(pl.col("case_id"), strategy).alias("branch"),
    )


def _matches(segment: Segment) -> pl.Expr:
    if not segment.when:
        return pl.lit(True)
    return pl.all_horizontal([condition_expr(c) for c in segment.when])
