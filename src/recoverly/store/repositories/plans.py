"""Daily runs, the plan, its blocks, path positions and the outbox rows the plan creates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, func, insert, select, update

from recoverly.store import bulk
from recoverly.store.frames import query_frame
from recoverly.store.tables import case_paths, cases, daily_runs, outbox, plan_blocks, plan_items

RUNNING, DONE = "running", "done"
MESSAGE_ACTION = "message"
OUTBOX_PENDING = "pending"


@dataclass(frozen=True, slots=True)
class RunRecord:
    as_of: date
    strategy_name: str
    strategy_version: int
    status: str
    summary: Mapping[str, Any] | None


def find_run(conn: Connection, tenant_id: int, as_of: date) -> RunRecord | None:
    row = conn.execute(
        select(daily_runs).where(daily_runs.c.tenant_id == tenant_id, daily_runs.c.as_of == as_of)
    ).first()
    if row is None:
        return None
    return RunRecord(row.as_of, row.strategy_name, row.strategy_version, row.status, row.summary)


def latest_done(conn: Connection, tenant_id: int) -> date | None:
    value: date | None = conn.execute(
        select(func.max(daily_runs.c.as_of)).where(
            daily_runs.c.tenant_id == tenant_id, daily_runs.c.status == DONE
        )
    ).scalar_one()
    return value


def start_run(
    conn: Connection, tenant_id: int, as_of: date, name: str, version: int, now: datetime
) -> None:
    conn.execute(
        insert(daily_runs).values(
            tenant_id=tenant_id,
            as_of=as_of,
            strategy_name=name,
            strategy_version=version,
            status=RUNNING,
            started_at=now,
        )
    )


def finish_run(
    conn: Connection, tenant_id: int, as_of: date, summary: Mapping[str, Any], now: datetime
) -> None:
    conn.execute(
        update(daily_runs)
        .where(daily_runs.c.tenant_id == tenant_id, daily_runs.c.as_of == as_of)
        .values(status=DONE, finished_at=now, summary=dict(summary))
    )


def write_decisions(
    conn: Connection,
    tenant_id: int,
    *,
    plan: pl.DataFrame,
    blocks: pl.DataFrame,
    paths: pl.DataFrame,
    stages: pl.DataFrame,
    as_of: date,
    now: datetime,
) -> pl.DataFrame:
    """Write one chunk of a day's decisions; the caller's transaction makes it atomic.

    Nothing is written twice when a resumed run decides a case again: see the comments.
    Returns the blocks written now (a resumed run's repeats left out), for the evidence log.
    """
    tenant = {"tenant_id": tenant_id}
    # A case's plan items and outbox rows are written in the chunk that also moves its
    # path (stamped with the day), and a resumed run skips such cases: these rows are new.
    bulk.insert(conn, plan_items, plan, constants={**tenant, "created_at": now})
    messages = plan.filter(pl.col("action") == MESSAGE_ACTION).select(
        "plan_id", "channel", "template", pl.col("scheduled_at").alias("not_before")
    )
    bulk.insert(
        conn,
        outbox,
        messages,
        constants={
            **tenant,
            "status": OUTBOX_PENDING,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        },
    )
    # Blocks of a case whose path row this chunk writes are new (a resumed run skips
    # that case); a blocked case whose path did not move may be decided again on resume.
    written = paths.select("case_id")
    again = blocks.join(written, on="case_id", how="anti")
    new_blocks = pl.concat(
        [
            blocks.join(written, on="case_id", how="semi"),
            again.join(
                _blocks_on(conn, tenant_id, as_of, again), on=["case_id", "rule"], how="anti"
            ),
        ]
    )
    bulk.insert(
        conn, plan_blocks, new_blocks, constants={**tenant, "as_of": as_of, "created_at": now}
    )
    bulk.insert(conn, case_paths, paths.filter("new").drop("new"), constants=tenant)
    moved = paths.filter(~pl.col("new")).drop("new")
    bulk.upsert(
        conn,
        case_paths,
        moved,
        key=["tenant_id", "case_id"],
        update=[c for c in moved.columns if c != "case_id"],
        constants=tenant,
    )
    if stages.height:
        conn.execute(
            update(cases)
            .where(
                cases.c.tenant_id == tenant_id,
                cases.c.case_id == bindparam("b_case_id"),
            )
            .values(stage=bindparam("b_stage")),
            [{"b_case_id": c, "b_stage": s} for c, s in stages.iter_rows()],
        )
    return new_blocks


def _blocks_on(conn: Connection, tenant_id: int, as_of: date, blocks: pl.DataFrame) -> pl.DataFrame:
    """The ``case_id, rule`` of blocks already stored for the day among ``blocks``' cases."""
    empty = pl.DataFrame(schema={"case_id": pl.String, "rule": pl.String})
    if blocks.height == 0:
        return empty
    b = plan_blocks.c
    rows = conn.execute(
        select(b.case_id, b.rule).where(
            b.tenant_id == tenant_id,
            b.as_of == as_of,
            b.case_id.between(blocks["case_id"].min(), blocks["case_id"].max()),
        )
    ).all()
    return pl.DataFrame(rows, schema=empty.schema, orient="row") if rows else empty


def day_counts(conn: Connection, tenant_id: int, as_of: date) -> dict[str, dict[str, int]]:
    """What was decided for a day: planned by channel and action, blocked by rule."""
    p, b = plan_items.c, plan_blocks.c
    planned = conn.execute(
        select(p.action, p.channel, func.count())
        .where(p.tenant_id == tenant_id, p.as_of == as_of)
        .group_by(p.action, p.channel)
    ).all()
    blocked = conn.execute(
        select(b.rule, func.count())
        .where(b.tenant_id == tenant_id, b.as_of == as_of)
        .group_by(b.rule)
    ).all()
    return {
        "planned": {ch: n for action, ch, n in planned if action != "escalation"},
        "escalations": {ch: n for action, ch, n in planned if action == "escalation"},
        "blocked": {rule: n for rule, n in blocked},
    }


def day_flows(conn: Connection, tenant_id: int, as_of: date) -> dict[str, dict[str, int]]:
    """The cases whose bucket changed on a day, by branch: ``{"1-29>30-59": n, …}``."""
    c = case_paths.c
    rows = conn.execute(
        select(c.branch, c.prev_bucket, c.bucket, func.count())
        .where(c.tenant_id == tenant_id, c.bucket_since == as_of, c.prev_bucket.is_not(None))
        .group_by(c.branch, c.prev_bucket, c.bucket)
    ).all()
    out: dict[str, dict[str, int]] = {}
    for branch, before, after, n in rows:
        out.setdefault(branch, {})[f"{before}>{after}"] = n
    return out


def plan_frame(
    conn: Connection, tenant_id: int, as_of: date, actions: tuple[str, ...]
) -> pl.DataFrame:
    """A day's plan items of the given actions, in plan id order."""
    p = plan_items.c
    query = (
        select(*[c for c in plan_items.columns if c.name != "tenant_id"])
        .where(p.tenant_id == tenant_id, p.as_of == as_of, p.action.in_(actions))
        .order_by(p.plan_id)
    )
    return query_frame(conn, query)


# An agent's own message is a plan item outside any strategy: these name it so, and every
# report that groups by strategy or branch shows it apart. Its segment is the agent.
MANUAL_STRATEGY, MANUAL_BRANCH = "agent", "agent"


@dataclass(frozen=True, slots=True)
class ManualMessage:
    """A message an agent sends from the desktop, outside the strategy's path."""

    plan_id: str
    case_id: str
    debtor_id: str
    account_id: str
    channel: str
    template: str
    scheduled_at: datetime
    jurisdiction: str
    debtor_timezone: str
    language: str | None
    currency: str
    balance_minor: int


def find_manual_message(conn: Connection, tenant_id: int, plan_id: str) -> ManualMessage | None:
    """The message queued under ``plan_id``, if any (whatever became of it since)."""
    p = plan_items.c
    row = conn.execute(
        select(*[p[f.name] for f in fields(ManualMessage)]).where(
            p.tenant_id == tenant_id, p.plan_id == plan_id
        )
    ).first()
    return None if row is None else ManualMessage(**row._asdict())


def add_manual_message(
    conn: Connection, tenant_id: int, message: ManualMessage, author: str, now: datetime
) -> None:
    """Queue ``message`` for the dispatcher: a plan item and its outbox row, in the
    caller's transaction (see :func:`find_manual_message` for retries)."""
    conn.execute(
        insert(plan_items).values(
            tenant_id=tenant_id,
            **asdict(message),
            as_of=message.scheduled_at.date(),
            action=MESSAGE_ACTION,
            queue=None,
            agency=None,
            strategy_name=MANUAL_STRATEGY,
            strategy_version=0,
            branch=MANUAL_BRANCH,
            segment=author[:64],
            step=0,
            created_at=now,
        )
    )
    conn.execute(
        insert(outbox).values(
            tenant_id=tenant_id,
            plan_id=message.plan_id,
            channel=message.channel,
            template=message.template,
            status=OUTBOX_PENDING,
            attempts=0,
            not_before=message.scheduled_at,
            created_at=now,
            updated_at=now,
        )
    )
