"""Snapshots: a tenant's rows read straight into Polars for the columnar daily run.

connectorx reads SQLite and PostgreSQL into Arrow without Python row objects, the
fastest route measured here (shared/research/performance-floors.md): ``fetchall`` is
5-10x slower. Queries are built by SQLAlchemy Core and compiled with their parameters
inlined; only integers and dates are ever inlined, never text from a user.
Instants come back as naive UTC and are made UTC-aware here, so callers never guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import connectorx as cx
import polars as pl
from sqlalchemy import (
    Engine,
    Select,
    Text,
    and_,
    cast,
    func,
    or_,
    select,
)

from recoverly.domain.events import Outcome
from recoverly.domain.parties import Consent, Verification
from recoverly.store.frames import query_frame
from recoverly.store.tables import (
    accounts,
    case_paths,
    cases,
    contact_attempts,
    contact_points,
    debtors,
    holds,
    payments,
    plan_items,
    promises,
    template_pauses,
)


def read(engine: Engine, query: Select[tuple[object, ...]], *, bulk: bool = True) -> pl.DataFrame:
    """Run ``query`` and return its rows as a frame, instants as UTC-aware datetimes.

    ``bulk`` reads go through connectorx on PostgreSQL; small, filtered reads (which may
    carry user text as parameters) go through the driver with bound parameters.
    """
    if bulk and engine.url.get_backend_name() == "postgresql":
        sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
        # The snapshot's joins and aggregations spill to disk at PostgreSQL's default 4 MB
        # of work memory, and JIT compilation only adds start-up time to scans like these.
        uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        uri += ("&" if "?" in uri else "?") + "options=-c%20work_mem%3D256MB%20-c%20jit%3Doff"
        frame = pl.from_arrow(cx.read_sql(uri, sql, return_type="arrow"))
    else:
        # connectorx opens SQLite files without reading the write-ahead log, so it misses
        # recent commits; SQLite's own driver reads them (and is fast enough there).
        with engine.connect() as conn:
            frame = query_frame(conn, query)
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(
        pl.col(name).dt.replace_time_zone("UTC")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is None
    )


REACH_KINDS = ("phone", "email", "address")
READERS = 3  # reads at once: each is a connection and, on the server, a core


def read_all(engine: Engine, queries: Sequence[Select[tuple[object, ...]]]) -> list[pl.DataFrame]:
    """Bulk-read several queries at once, each on its own connection, in their order.

    A plain scan keeps one server backend busy and connectorx decodes in Rust outside
    the GIL, so a few reads side by side finish sooner than one after another.
    """
    with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="snapshot") as pool:
        return list(pool.map(lambda query: read(engine, query), queries))


def case_accounts(engine: Engine, tenant_id: int, *, attributes: bool) -> pl.DataFrame:
    """Every account of every open case, with its case's stage, its debtor's facts, and
    whether the debtor has a usable point of each kind (``reach_phone``, …; never the
    values themselves).

    The four tables are read as plain scans and joined here: joined and aggregated on
    the server, the same rows took twice as long (one backend does every hash join on
    one core, while Polars joins on all of them).
    ``attributes`` (the imported columns, as JSON text) is the widest column; it is read
    only when the strategy's conditions name one.
    """
    a, c, d, cp = accounts.c, cases.c, debtors.c, contact_points.c
    wide = [cast(a.attributes, Text).label("attributes")] if attributes else []
    account_rows, open_cases, debtor_rows, usable = read_all(
        engine,
        [
            select(
                a.account_id,
                a.case_id,
                a.debtor_id,
                a.product,
                a.currency,
                a.principal_minor,
                a.interest_minor,
                a.fees_minor,
                a.past_due_since,
                *wide,
            ).where(a.tenant_id == tenant_id),
            select(c.case_id, c.stage).where(c.tenant_id == tenant_id, c.closed_at.is_(None)),
            select(d.debtor_id, d.debtor_type, d.country, d.region, d.timezone, d.language).where(
                d.tenant_id == tenant_id
            ),
            select(cp.debtor_id, cp.kind).where(
                cp.tenant_id == tenant_id,
                cp.consent != Consent.WITHDRAWN.value,
                cp.verification != Verification.INVALID.value,
            ),
        ],
    )
    reach = usable.group_by("debtor_id").agg(
        (pl.col("kind") == kind).any().alias(f"reach_{kind}") for kind in REACH_KINDS
    )
    columns = [
        *account_rows.columns[:3],
        "stage",
        *account_rows.columns[3:],
        *debtor_rows.columns[1:],
        *reach.columns[1:],
    ]
    return (
        account_rows.join(open_cases, on="case_id")
        .join(debtor_rows, on="debtor_id")
        .join(reach, on="debtor_id", how="left")
        .with_columns(pl.col(f"reach_{kind}").fill_null(False) for kind in REACH_KINDS)
        .select(columns)
    )


def active_holds(
    engine: Engine, tenant_id: int, since: datetime, case_ids: Sequence[str] | None = None
) -> pl.DataFrame:
    """Holds in force at or after ``since`` (of the given cases only, if named)."""
    c = holds.c
    query = select(c.case_id, c.kind, c.starts_at, c.ends_at, c.channel).where(
        c.tenant_id == tenant_id, or_(c.ends_at.is_(None), c.ends_at > since)
    )
    if case_ids is not None:
        query = query.where(c.case_id.in_(case_ids))
    return read(engine, query, bulk=case_ids is None)


def contact_history(
    engine: Engine, tenant_id: int, since: datetime, debtor_ids: Sequence[str] | None = None
) -> pl.DataFrame:
    """Contacts since ``since`` (with the given debtors only, if named)."""
    c = contact_attempts.c
    query = select(
        c.debtor_id, c.account_id, c.channel, c.direction, c.outcome, c.at, c.party
    ).where(c.tenant_id == tenant_id, c.at >= since)
    if debtor_ids is not None:
        query = query.where(c.debtor_id.in_(debtor_ids))
    return read(engine, query, bulk=debtor_ids is None)


def case_debts(engine: Engine, tenant_id: int, case_ids: Sequence[str]) -> pl.DataFrame:
    """``case_id, account_id`` of the given cases: the debts a contact concerns."""
    c = accounts.c
    query = select(c.case_id, c.account_id).where(c.tenant_id == tenant_id, c.case_id.in_(case_ids))
    return read(engine, query, bulk=False)


def paths(engine: Engine, tenant_id: int) -> pl.DataFrame:
    c = case_paths.c
    return read(
        engine,
        select(
            c.case_id,
            c.strategy_name,
            c.strategy_version,
            c.segment,
            c.branch,
            c.step,
            c.due_on,
            c.started_on,
            c.status,
            c.updated_on,
            c.bucket,
            c.prev_bucket,
            c.bucket_since,
        ).where(c.tenant_id == tenant_id),
    )


def exit_events(engine: Engine, tenant_id: int) -> pl.DataFrame:
    """The latest date of each event that can take a case off its path: ``case_id,
    event, on``, plus ``promise_due`` (the latest pending promise's due date)."""
    a, p, pr, ca = accounts.c, payments.c, promises.c, contact_attempts.c
    paid = read(
        engine,
        select(a.case_id, func.max(p.paid_at).label("at"))
        .select_from(
            payments.join(accounts, and_(a.tenant_id == p.tenant_id, a.account_id == p.account_id))
        )
        .where(p.tenant_id == tenant_id)
        .group_by(a.case_id),
    ).with_columns(pl.lit("payment").alias("event"))
    promised = read(
        engine,
        select(
            a.case_id,
            func.max(pr.made_at).label("at"),
            func.max(pr.due_date).label("promise_due"),
        )
        .select_from(
            promises.join(
                accounts, and_(a.tenant_id == pr.tenant_id, a.account_id == pr.account_id)
            )
        )
        .where(pr.tenant_id == tenant_id, pr.status == "pending")
        .group_by(a.case_id),
    ).with_columns(pl.lit("promise_to_pay").alias("event"))
    outcomes = {
        Outcome.PROMISE_TO_PAY.value: "promise_to_pay",
        Outcome.DISPUTE.value: "dispute",
    }
    spoken = [o.value for o in Outcome if o.right_party_contact]
    # Contacts name a debtor; their events belong to the debtor's cases (joined in SQL,
    # so the tenant's cases are not read a second time).
    c = cases.c
    said = read(
        engine,
        select(c.case_id, ca.outcome, func.max(ca.at).label("at"))
        .select_from(
            contact_attempts.join(
                cases, and_(c.tenant_id == ca.tenant_id, c.debtor_id == ca.debtor_id)
            )
        )
        .where(ca.tenant_id == tenant_id, ca.outcome.in_(spoken))
        .group_by(c.case_id, ca.outcome),
    )
    rpc = (
        said.group_by("case_id")
        .agg(pl.col("at").max())
        .with_columns(pl.lit("right_party_contact").alias("event"))
    )
    named = said.filter(pl.col("outcome").is_in(list(outcomes))).select(
        "case_id", pl.col("outcome").replace_strict(outcomes).alias("event"), "at"
    )
    frames = [
        f.select("case_id", "event", pl.col("at").dt.date().alias("on"))
        for f in (paid, promised, rpc, named)
    ]
    events = pl.concat(frames).group_by("case_id", "event").agg(pl.col("on").max())
    return events.join(promised.select("case_id", "promise_due"), on="case_id", how="left")


def planned_on(engine: Engine, tenant_id: int, as_of: date) -> pl.DataFrame:
    c = plan_items.c
    return read(
        engine,
        select(c.case_id, c.channel, c.queue).where(c.tenant_id == tenant_id, c.as_of == as_of),
    )


def paused_templates(engine: Engine, tenant_id: int) -> pl.DataFrame:
    """``template``: templates out of use because they drew upheld complaints."""
    p = template_pauses.c
    return read(
        engine,
        select(p.template).where(p.tenant_id == tenant_id, p.resumed_at.is_(None)),
        bulk=False,
    )
