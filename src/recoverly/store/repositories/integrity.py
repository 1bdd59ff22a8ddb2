"""References the schema does not enforce: the daily run's bulk tables carry no foreign
keys (see store/tables/plans.py), so their references are verified here instead."""

from __future__ import annotations

from sqlalchemy import Connection, Table, and_, exists, func, not_, select

from recoverly.store.tables import case_paths, cases, outbox, plan_blocks, plan_items

# (table, its columns, the table they must name a row of, that table's columns)
REFERENCES: tuple[tuple[Table, tuple[str, ...], Table, tuple[str, ...]], ...] = (
    (plan_items, ("tenant_id", "case_id"), cases, ("tenant_id", "case_id")),
    (plan_blocks, ("tenant_id", "case_id"), cases, ("tenant_id", "case_id")),
    (case_paths, ("tenant_id", "case_id"), cases, ("tenant_id", "case_id")),
    (outbox, ("tenant_id", "plan_id"), plan_items, ("tenant_id", "plan_id")),
)


def orphans(conn: Connection) -> dict[str, int]:
    """For each unenforced reference, how many rows name nothing (0 everywhere is sound)."""
    found = {}
    for table, columns, target, keys in REFERENCES:
        named = exists().where(
            and_(*[target.c[k] == table.c[c] for c, k in zip(columns, keys, strict=True)])
        )
        count = conn.execute(
            select(func.count()).select_from(table).where(not_(named))
        ).scalar_one()
        found[f"{table.name}({', '.join(columns)}) -> {target.name}"] = int(count)
    return found
