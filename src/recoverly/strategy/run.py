"""The daily run: read a snapshot, decide the day, write the plan; once per date.

Idempotent: a date that was planned is never planned again (the second run reports the
first one's summary). Resumable: decisions are written in chunks of cases, each chunk in
one transaction with the path positions it moves; a run that died part-way is resumed by
running the same date again, which skips the cases already written (their path rows carry
today's date) and counts what was already planned against today's capacity.
Runs go forward: a date before the last completed run is refused, because the path
positions have already moved past it.
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine

from recoverly.arrangements import service as arrangements
from recoverly.compliance.screen import history_since
from recoverly.config import get_settings
from recoverly.domain.errors import InvalidInput, NotFound
from recoverly.store import snapshot as snap
from recoverly.store.repositories import plans as repo
from recoverly.store.repositories import strategies as strategies_repo
from recoverly.strategy import service
from recoverly.strategy.daily import DayPlan, Snapshot, decide
from recoverly.strategy.evidence import log_decisions
from recoverly.strategy.loader import default_text, parse
from recoverly.strategy.model import Strategy

CHUNK_CASES = 100_000
PARALLEL_WRITERS = 2

Progress = Callable[[int, int], None]  # (chunks written, chunks in all)


@dataclass(frozen=True, slots=True)
class StrategyChoice:
    name: str | None = None
    version: int | None = None


def run_day(
    engine: Engine,
    tenant_id: int,
    as_of: date,
    *,
    choice: StrategyChoice = StrategyChoice(),
    chunk_cases: int = CHUNK_CASES,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Plan ``as_of`` for a tenant and return the day's summary (the ``run --json`` object)."""
    started = clock.perf_counter()
    with engine.begin() as conn:
        record = repo.find_run(conn, tenant_id, as_of)
        if record is not None and record.status == repo.DONE:
            return {**(record.summary or {}), "already_planned": True}
        last = repo.latest_done(conn, tenant_id)
        if record is None and last is not None and as_of < last:
            raise InvalidInput(
                f"--as-of {as_of}: runs go forward, and {last} is already planned; "
                "path positions have moved past this date"
            )
        if record is None:
            strategy = _choose(conn, tenant_id, choice)
            repo.start_run(
                conn, tenant_id, as_of, strategy.name, strategy.version, datetime.now(UTC)
            )
            resumed = False
        else:
            strategy = _load(conn, tenant_id, record.strategy_name, record.strategy_version)
            resumed = True
    with engine.begin() as conn:
        # Promises whose date has passed are kept or broken before the day is decided,
        # so a broken promise puts its case back on its path today.
        settings = get_settings()
        arrangements.settle_promises(
            conn,
            tenant_id,
            as_of,
            grace_days=settings.promise_grace_days,
            tolerance_percent=settings.promise_tolerance_percent,
        )
    day = decide(read_snapshot(engine, tenant_id, as_of, strategy), strategy, as_of)
    _write(engine, tenant_id, as_of, day, chunk_cases, progress)
    with engine.begin() as conn:
        counts = repo.day_counts(conn, tenant_id, as_of)
        flows = repo.day_flows(conn, tenant_id, as_of)
        summary = {
            "as_of": as_of.isoformat(),
            "strategy": {"name": strategy.name, "version": strategy.version},
            "cases": day.cases,
            "planned": counts["planned"],
            "planned_total": sum(counts["planned"].values()),
            "escalations": counts["escalations"],
            "blocked": counts["blocked"],
            "blocked_total": sum(counts["blocked"].values()),
            "portfolio": {
                branch: {**position, "flows": flows.get(branch, {})}
                for branch, position in day.portfolio.items()
            },
            "resumed": resumed,
            "seconds": round(clock.perf_counter() - started, 3),
        }
        repo.finish_run(conn, tenant_id, as_of, summary, datetime.now(UTC))
    return {**summary, "already_planned": False}


def read_snapshot(engine: Engine, tenant_id: int, as_of: date, strategy: Strategy) -> Snapshot:
    since = history_since(as_of)
    named = any(c.field.startswith("attributes.") for s in strategy.segments for c in s.when)
    # The accounts are most of the snapshot; the rest is read alongside them.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot") as pool:
        accounts = pool.submit(snap.case_accounts, engine, tenant_id, attributes=named)
        holds = snap.active_holds(engine, tenant_id, since)
        history = snap.contact_history(engine, tenant_id, since)
        paths = snap.paths(engine, tenant_id)
        events = snap.exit_events(engine, tenant_id)
        planned = snap.planned_on(engine, tenant_id, as_of)
        paused = snap.paused_templates(engine, tenant_id)
        return Snapshot(accounts.result(), holds, history, paths, events, planned, paused)


def _write(
    engine: Engine,
    tenant_id: int,
    as_of: date,
    day: DayPlan,
    chunk_cases: int,
    progress: Progress | None,
) -> None:
    """Write the day's decisions in chunks of cases, each chunk one transaction.

    On PostgreSQL two chunks are written at once, on two connections: the server's work
    (heap and index inserts) is most of the write, and a backend uses one core. Chunks
    hold disjoint cases, so they never wait on each other, and each commits on its own:
    a crash leaves whole chunks, which is what resuming relies on. SQLite has one writer.
    """
    touched = (
        pl.concat([f.select("case_id") for f in (day.plan, day.blocks, day.paths, day.stages)])
        .unique()
        .sort("case_id")["case_id"]
    )
    lows = [touched[i] for i in range(0, touched.len(), chunk_cases)]
    ranges = [(low, lows[n + 1] if n + 1 < len(lows) else None) for n, low in enumerate(lows)]

    def write(low: str, high: str | None) -> None:
        def part(frame: pl.DataFrame) -> pl.DataFrame:
            inside = pl.col("case_id") >= low
            if high is not None:
                inside = inside & (pl.col("case_id") < high)
            return frame.filter(inside)

        now = datetime.now(UTC)
        with engine.begin() as conn:
            plan = part(day.plan)
            blocked = repo.write_decisions(
                conn,
                tenant_id,
                plan=plan,
                blocks=part(day.blocks),
                paths=part(day.paths),
                stages=part(day.stages),
                as_of=as_of,
                now=now,
            )
            # Last, so the log's lock (one appender at a time) is held only to commit.
            log_decisions(conn, tenant_id, plan, blocked, as_of, now)

    writers = PARALLEL_WRITERS if engine.dialect.name == "postgresql" else 1
    with ThreadPoolExecutor(max_workers=writers, thread_name_prefix="plan-writer") as pool:
        pending = [pool.submit(write, low, high) for low, high in ranges]
        try:
            for n, done in enumerate(as_completed(pending)):
                done.result()
                if progress is not None:
                    progress(n + 1, len(ranges))
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _choose(conn: Any, tenant_id: int, choice: StrategyChoice) -> Strategy:
    """The strategy named, else the tenant's latest published, else the default (which
    is published first, so that every decision names a stored version)."""
    published = strategies_repo.listing(conn, tenant_id)
    if choice.name is not None:
        named = [p for p in published if p.name == choice.name]
        if choice.version is not None:
            named = [p for p in named if p.version == choice.version]
        if not named:
            wanted = choice.name + (f" v{choice.version}" if choice.version else "")
            raise NotFound(f"strategy {wanted} is not published for this tenant")
        chosen = max(named, key=lambda p: p.version)
        return parse(chosen.document, f"{chosen.name} v{chosen.version}")
    if published:
        chosen = max(published, key=lambda p: (p.published_at, p.version))
        return parse(chosen.document, f"{chosen.name} v{chosen.version}")
    stored, _ = service.publish(
        conn, tenant_id, default_text(), "default strategy", datetime.now(UTC)
    )
    return parse(stored.document, "default strategy")


def _load(conn: Any, tenant_id: int, name: str, version: int) -> Strategy:
    stored = strategies_repo.find(conn, tenant_id, name, version)
    if stored is None:
        raise NotFound(f"strategy {name} v{version} of this run is no longer stored")
    return parse(stored.document, f"{name} v{version}")
