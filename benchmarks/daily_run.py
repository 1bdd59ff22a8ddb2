"""Daily-run throughput on PostgreSQL against the I/O floor of the same day.

Setup (not timed), in a child process so that it leaves nothing in this one's memory:
a synthetic portfolio (``PortfolioSpec(accounts=N, seed=0)``) is written and imported
as of 2026-03-09 into the default tenant of a fresh database, as ``recoverly import
portfolio`` does; the imported tables are vacuumed and analysed and the server
checkpointed, then the database is copied (``CREATE DATABASE .. TEMPLATE``) for the
instrumented pass below.

1. Timed: one ``run_day`` for 2026-03-09 on the fresh import (the first day: every case
   enters a path). accounts/s is the portfolio's accounts over its wall time; the peak
   resident memory (``getrusage``) is read right after it.
2. Floor, on the copy: the tables and columns the run reads, scanned plainly (no
   DISTINCT, GROUP BY or join, no table twice) through connectorx into Polars, plus a
   binary ``COPY`` of the plan rows the run wrote into a scratch table ``LIKE plan_items
   INCLUDING ALL`` (primary key and index, no foreign key). ratio = run / floor, lower is
   better; the targets at --size 1000000 are >= 50,000 accounts/s and ratio <= 3. For
   comparison, ``all_rows_floor`` copies every row the run wrote (outbox, blocks, path
   positions and the evidence log's entries too) the same way.
3. Phases, on the copy: ``run_day`` again with its pieces wrapped in timers (settle
   promises, snapshot read, decide, write; the rest is starting and finishing the run);
   before it, the snapshot's own SQL statements (recorded from a call of
   ``read_snapshot``, which only reads) replayed into Polars with nothing around them.
It prints one JSON line; progress goes to stderr.

With --database-url the run happens in that existing database instead, in two new
tenants (``bench-PID`` timed, ``bench-PID-phases`` instrumented), each imported
separately; nothing there is dropped. Otherwise both databases are dropped at the end
unless --keep.

Usage: python benchmarks/daily_run.py --size 1000000 [--database-url URL] [--keep]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import connectorx as cx
import polars as pl
import psycopg
from sqlalchemy import Engine

PG = os.environ.get("RECOVERLY_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
AS_OF = date(2026, 3, 9)
DEFAULT_TENANT = "default"  # the tenant ``recoverly import`` and ``recoverly run`` use
TARGET_ACCOUNTS_PER_S = 50_000
TARGET_RATIO = 3
IMPORTED = ("debtors", "cases", "contact_points", "accounts")
# What the run writes, and which of its rows belong to the day: (table, filter).
WRITTEN = {
    "plan_items": "tenant_id = %(t)s AND as_of = %(d)s",
    "outbox": "tenant_id = %(t)s",
    "plan_blocks": "tenant_id = %(t)s AND as_of = %(d)s",
    "case_paths": "tenant_id = %(t)s",
    # The day's decisions in the evidence log (its subtree nodes are left out: a few
    # per hundred entries). The instrumented tenant is the only one the log holds.
    "evidence_entries": "tenant_id = %(t)s",
}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def url_for(server: str, database: str) -> str:
    return server.rsplit("/", 1)[0] + "/" + database


def libpq(url: str) -> str:
    """The URL as libpq, psycopg and connectorx spell it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def setup(size: int, url: str, tenant: str) -> None:
    """Generate the portfolio and import it into ``tenant`` (run in a child process)."""
    from recoverly.ingest.service import import_portfolio
    from recoverly.simulate.portfolio import PortfolioSpec, write_portfolio
    from recoverly.store.repositories.tenancy import ensure_tenant
    from recoverly.store.session import open_engine

    engine = open_engine(url)
    with engine.begin() as conn:
        tenant_id = ensure_tenant(conn, tenant, datetime.now(UTC))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "portfolio.csv"
        write_portfolio(PortfolioSpec(accounts=size, seed=0), path)
        report = import_portfolio(engine, tenant_id, path, AS_OF)
    if not report.committed or report.rows_imported != size:
        raise SystemExit(f"import failed: {report.rows_imported} of {size} rows imported")
    engine.dispose()


def prepare(size: int, url: str, tenant: str) -> None:
    started = time.perf_counter()
    child = multiprocessing.get_context("spawn").Process(target=setup, args=(size, url, tenant))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"setup failed with status {child.exitcode}")
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        for table in IMPORTED:
            conn.execute(f"VACUUM (ANALYZE) {table}")
    checkpoint(url)
    say(f"generated and imported {size:,} accounts in {time.perf_counter() - started:.1f} s")


def checkpoint(url: str) -> None:
    """Flush what earlier steps wrote, so that no step pays for another's writes."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def tenant_of(engine: Engine, name: str) -> int:
    from recoverly.store.repositories.tenancy import tenant_id

    with engine.begin() as conn:
        return tenant_id(conn, name)


def timed_run(engine: Engine, tenant_id: int) -> tuple[float, dict[str, Any], int]:
    """Seconds of one ``run_day``, its summary, and this process's peak RSS in bytes."""
    from recoverly.strategy.run import run_day

    start = time.perf_counter()
    summary = run_day(engine, tenant_id, AS_OF)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return took, summary, peak


def phases(engine: Engine, tenant_id: int) -> dict[str, float]:
    """Seconds of one ``run_day`` and of its pieces, each wrapped in a timer."""
    from recoverly.strategy import run

    took: dict[str, float] = {}

    def timed(name: str, piece: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return piece(*args, **kwargs)
            finally:
                took[name] = took.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    settle = run.arrangements.settle_promises
    start = time.perf_counter()
    with (
        mock.patch.object(run.arrangements, "settle_promises", timed("settle_promises_s", settle)),
        mock.patch.object(run, "read_snapshot", timed("snapshot_read_s", run.read_snapshot)),
        mock.patch.object(run, "decide", timed("decide_s", run.decide)),
        mock.patch.object(run, "_write", timed("write_s", run._write)),
    ):
        run.run_day(engine, tenant_id, AS_OF)
    total = time.perf_counter() - start
    took["start_and_finish_s"] = total - sum(took.values())
    took["total_s"] = total
    return took


def replay_snapshot_sql(engine: Engine, tenant_id: int) -> float:
    """Seconds to run the statements ``read_snapshot`` sends (recorded from a call of it,
    which only reads) again, straight into Polars frames with nothing around them."""
    from recoverly.store import snapshot as snap
    from recoverly.strategy import run

    with engine.connect() as conn:
        strategy = run._choose(conn, tenant_id, run.StrategyChoice())
        conn.rollback()  # the run publishes the default strategy itself
    with mock.patch.object(snap.cx, "read_sql", wraps=snap.cx.read_sql) as spy:
        run.read_snapshot(engine, tenant_id, AS_OF, strategy)
    start = time.perf_counter()
    for call in spy.call_args_list:
        frame = pl.from_arrow(cx.read_sql(*call.args, **call.kwargs))
        assert isinstance(frame, pl.DataFrame)
    took = time.perf_counter() - start
    say(f"the snapshot's {len(spy.call_args_list)} statements replayed in {took:.2f} s")
    return took


def floor_queries(tenant_id: int) -> list[str]:
    """Plain scans of the columns the run reads, table by table: no DISTINCT, no GROUP BY,
    no join, no table twice (keep in step with ``recoverly.store.snapshot``)."""
    from recoverly.compliance.screen import history_since
    from recoverly.domain.events import Outcome
    from recoverly.domain.parties import Consent, Verification

    since = f"'{history_since(AS_OF).isoformat(sep=' ')}'"  # UTC-aware: carries its offset
    spoken = ", ".join(f"'{o.value}'" for o in Outcome if o.right_party_contact)
    t = f"tenant_id = {int(tenant_id)}"
    return [
        f"SELECT case_id, debtor_id, stage FROM cases WHERE {t} AND closed_at IS NULL",
        "SELECT account_id, case_id, product, currency, principal_minor, interest_minor, "
        f"fees_minor, past_due_since, CAST(attributes AS TEXT) FROM accounts WHERE {t}",
        "SELECT debtor_id, debtor_type, country, region, timezone, language "
        f"FROM debtors WHERE {t}",
        f"SELECT debtor_id, kind FROM contact_points WHERE {t} "
        f"AND consent != '{Consent.WITHDRAWN.value}' "
        f"AND verification != '{Verification.INVALID.value}'",
        f"SELECT case_id, kind, starts_at, ends_at FROM holds WHERE {t} "
        f"AND (ends_at IS NULL OR ends_at > {since})",
        "SELECT debtor_id, account_id, channel, direction, outcome, at FROM contact_attempts "
        f"WHERE {t} AND (at >= {since} OR outcome IN ({spoken}))",
        "SELECT case_id, strategy_name, strategy_version, segment, branch, step, due_on, "
        "started_on, status, updated_on, bucket, prev_bucket, bucket_since "
        f"FROM case_paths WHERE {t}",
        f"SELECT account_id, paid_at FROM payments WHERE {t}",
        f"SELECT account_id, made_at, due_date FROM promises WHERE {t} AND status = 'pending'",
        "SELECT case_id, channel, queue FROM plan_items "
        f"WHERE {t} AND as_of = '{AS_OF.isoformat()}'",
    ]


def floor_read(url: str, tenant_id: int) -> float:
    """Seconds to read the snapshot's tables and columns straight into Polars frames."""
    uri = libpq(url)
    start = time.perf_counter()
    for sql in floor_queries(tenant_id):
        frame = pl.from_arrow(cx.read_sql(uri, sql, return_type="arrow"))
        assert isinstance(frame, pl.DataFrame)
    took = time.perf_counter() - start
    say(f"floor read: {took:.2f} s")
    return took


def copy_floor(url: str, tenant_id: int, tables: tuple[str, ...]) -> tuple[float, dict[str, int]]:
    """Seconds to binary-COPY the day's rows of ``tables`` into scratch copies of them."""
    where = {"t": tenant_id, "d": AS_OF}
    payloads: dict[str, bytes] = {}
    rows: dict[str, int] = {}
    with psycopg.connect(libpq(url)) as conn, conn.cursor() as cur:
        for table in tables:
            query = f"COPY (SELECT * FROM {table} WHERE {WRITTEN[table]}) TO STDOUT (FORMAT BINARY)"
            with cur.copy(query, where) as copy:
                payloads[table] = b"".join(bytes(chunk) for chunk in copy)
            rows[table] = cur.execute(
                f"SELECT count(*) FROM {table} WHERE {WRITTEN[table]}", where
            ).fetchone()[0]  # type: ignore[index]
            scratch = f"_floor_{table}"
            cur.execute(f"DROP TABLE IF EXISTS {scratch}")
            cur.execute(f"CREATE TABLE {scratch} (LIKE {table} INCLUDING ALL)")
        conn.commit()
        start = time.perf_counter()
        for table, payload in payloads.items():
            with cur.copy(f"COPY _floor_{table} FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(payload)
        conn.commit()
        took = time.perf_counter() - start
        for table in tables:
            cur.execute(f"DROP TABLE _floor_{table}")
        conn.commit()
    return took, rows


def create_database(name: str) -> None:
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


def copy_database(source: str, target: str) -> None:
    started = time.perf_counter()
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY')
    say(f"copied {source} to {target} in {time.perf_counter() - started:.1f} s")


def drop_databases(names: tuple[str, ...]) -> None:
    with psycopg.connect(PG, autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description="Daily run vs I/O floor on PostgreSQL.")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument(
        "--database-url", help="an existing database to use (default: a fresh one on " + PG + ")"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases made here")
    args = parser.parse_args()
    from recoverly.store.session import dispose, open_engine

    pid = os.getpid()
    made: tuple[str, ...] = ()
    if args.database_url:
        run_url = phase_url = args.database_url
        run_tenant, phase_tenant = f"bench-{pid}", f"bench-{pid}-phases"
        measured_on = "a second tenant in the same database, imported the same way"
    else:
        made = (f"recoverly_bench_{pid}", f"recoverly_bench_{pid}_phases")
        run_url, phase_url = url_for(PG, made[0]), url_for(PG, made[1])
        run_tenant = phase_tenant = DEFAULT_TENANT
        measured_on = "a second database, a template copy of the first made before the run"
    try:
        if made:
            create_database(made[0])
            prepare(args.size, run_url, run_tenant)
            copy_database(*made)
            # The copy leaves gigabytes of dirty pages that the kernel would otherwise write
            # back during the timed run: flush them first, since the copy is setup.
            os.sync()
        else:
            prepare(args.size, run_url, run_tenant)
            prepare(args.size, phase_url, phase_tenant)
        engine = open_engine(run_url)
        tenant_id = tenant_of(engine, run_tenant)
        say(f"run_day {AS_OF} on {args.size:,} accounts")
        # The machine is shared: the load around the timed run says how much to trust it.
        load_before = round(os.getloadavg()[0], 2)
        took, summary, peak = timed_run(engine, tenant_id)
        load_after = round(os.getloadavg()[0], 2)
        say(f"run_day took {took:.2f} s: {summary['cases']:,} cases")
        with engine.connect() as conn:
            run_rows = conn.exec_driver_sql(
                "SELECT count(*) FROM plan_items WHERE tenant_id = %(t)s AND as_of = %(d)s",
                {"t": tenant_id, "d": AS_OF},
            ).scalar_one()
        dispose(run_url)

        engine = open_engine(phase_url)
        phase_tenant_id = tenant_of(engine, phase_tenant)
        checkpoint(phase_url)
        floor_read_s = floor_read(phase_url, phase_tenant_id)
        replay = replay_snapshot_sql(engine, phase_tenant_id)
        checkpoint(phase_url)
        say("instrumented run_day")
        took_phases = phases(engine, phase_tenant_id)
        say(", ".join(f"{k} {v:.2f}" for k, v in took_phases.items()))
        dispose(phase_url)

        checkpoint(phase_url)
        floor_write, rows = copy_floor(phase_url, phase_tenant_id, ("plan_items",))
        say(f"floor write: {rows['plan_items']:,} plan rows in {floor_write:.2f} s")
        if rows["plan_items"] != run_rows:
            say(f"warning: the timed run wrote {run_rows:,} plan rows, the other pass {rows}")
        checkpoint(phase_url)
        all_write, all_rows = copy_floor(phase_url, phase_tenant_id, tuple(WRITTEN))
        say(f"floor write of every row the run wrote: {all_write:.2f} s")
    finally:
        if made and not args.keep:
            drop_databases(made)
        elif made:
            say(f"kept databases {', '.join(made)}")

    accounts = args.size
    floor = floor_read_s + floor_write
    all_floor = floor_read_s + all_write
    result = {
        "benchmark": "daily_run",
        "accounts": accounts,
        "cases": summary["cases"],
        "plan_rows": run_rows,
        "postgresql": {
            "run_s": round(took, 2),
            "accounts_per_s": round(accounts / took),
            "floor_s": round(floor, 2),
            "floor_accounts_per_s": round(accounts / floor),
            "ratio": round(took / floor, 2),
            "floor_read_s": round(floor_read_s, 2),
            "floor_write_plan_rows_s": round(floor_write, 2),
            "all_rows_floor_s": round(all_floor, 2),
            "ratio_to_all_rows_floor": round(took / all_floor, 2),
            "rows_written": all_rows,
            "peak_rss_mib": round(peak / 2**20),
            "load_average_1m": {"before_run": load_before, "after_run": load_after},
            "phases": {
                "measured_on": measured_on,
                **{name: round(value, 2) for name, value in took_phases.items()},
                "snapshot_sql_replay_s": round(replay, 2),
            },
            "targets": {"accounts_per_s": TARGET_ACCOUNTS_PER_S, "ratio": TARGET_RATIO},
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
