"""Portfolio import throughput against the database's own bulk load of the same rows.

For each backend (SQLite, and PostgreSQL when it answers) the script
1. runs ``recoverly import portfolio FILE`` into a fresh database in a child process,
   measuring wall time and the child's peak resident memory;
2. measures the floor: the database's own bulk load (COPY ... FROM STDIN on PostgreSQL,
   one executemany per table in one transaction on SQLite) of the same rows the import
   wrote (debtors, cases, contact points, accounts) into a fresh database with the same
   schema: no parsing, no validation, no merging;
3. also loads the file's rows as they are into a plain unindexed table the same way, a
   lower bound no normalised schema can reach, reported for comparison.
It prints one JSON line with rows/s, the ratio import / floor (lower is better; the
target is <= 3), the ratio to the raw-file load, and the peak memory (target < 1 GiB).

Usage: python benchmarks/import_portfolio.py --size 1000000 [--file portfolio.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

PG = os.environ.get("RECOVERLY_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BIN = Path(sys.executable).parent


def generate(size: int, out: Path) -> None:
    subprocess.run(
        [
            BIN / "recoverly",
            "simulate",
            "portfolio",
            "--accounts",
            str(size),
            "--seed",
            "7",
            "--out",
            str(out),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def floor_sqlite(path: Path, db: Path) -> float:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"CREATE TABLE raw ({', '.join(f'c{i} TEXT' for i in range(len(header)))})")
        marks = ", ".join("?" for _ in header)
        start = time.perf_counter()
        with conn:
            conn.executemany(f"INSERT INTO raw VALUES ({marks})", reader)
        elapsed = time.perf_counter() - start
        conn.close()
    return elapsed


def floor_postgres(path: Path, database: str) -> float:
    with path.open(encoding="utf-8") as fh:
        header = next(csv.reader([fh.readline()]))
    url = PG.rsplit("/", 1)[0] + "/" + database
    with psycopg.connect(url) as conn:
        conn.execute(f"CREATE TABLE raw ({', '.join(f'c{i} text' for i in range(len(header)))})")
        start = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy("COPY raw FROM STDIN (FORMAT CSV, HEADER)") as copy,
            path.open("rb") as fh,
        ):
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        return time.perf_counter() - start


TABLES = ("tenants", "debtors", "cases", "contact_points", "accounts")


def same_rows_sqlite(source: Path, target: Path) -> float:
    """Seconds to executemany the rows the import wrote into a fresh, migrated database."""
    subprocess.run(
        [BIN / "recoverly", "db", "upgrade"],
        check=True,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, RECOVERLY_DATABASE_URL=f"sqlite:///{target}"),
    )
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA foreign_keys=ON")
    dst.execute("PRAGMA cache_size=-262144")
    data = {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
    start = time.perf_counter()
    with dst:
        for table, rows in data.items():
            if rows:
                marks = ", ".join("?" for _ in rows[0])
                dst.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    elapsed = time.perf_counter() - start
    src.close()
    dst.close()
    return elapsed


def same_rows_postgres(source: str, target: str) -> float:
    """Seconds to COPY the rows the import wrote into a fresh, migrated database."""
    url = PG.rsplit("/", 1)[0]
    subprocess.run(
        [BIN / "recoverly", "db", "upgrade"],
        check=True,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, RECOVERLY_DATABASE_URL=f"{url}/{target}"),
    )
    data = {}
    with psycopg.connect(f"{url}/{source}") as src, src.cursor() as cur:
        for table in TABLES:
            chunks = []
            with cur.copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy:
                chunks.extend(bytes(chunk) for chunk in copy)
            data[table] = b"".join(chunks)
    with psycopg.connect(f"{url}/{target}") as dst, dst.cursor() as cur:
        start = time.perf_counter()
        for table, payload in data.items():
            with cur.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(payload)
        dst.commit()
        return time.perf_counter() - start


def run_import(path: Path, url: str) -> tuple[float, int]:
    """Wall seconds and peak RSS bytes of the import in a child process."""
    env = dict(os.environ, RECOVERLY_DATABASE_URL=url)
    subprocess.run(
        [BIN / "recoverly", "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    start = time.perf_counter()
    child = subprocess.Popen(
        [BIN / "recoverly", "import", "portfolio", str(path), "--as-of", "2026-03-09"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    # VmHWM is the high-water mark of the child's own memory since its exec; the
    # rusage of a forked child would also count what the parent held when it forked.
    peak = 0
    while child.poll() is None:
        peak = max(peak, _high_water(child.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"import failed with status {child.returncode}")
    return elapsed, peak


def _high_water(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def pg_database(name: str) -> bool:
    try:
        with psycopg.connect(PG, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        return True
    except psycopg.Error:
        return False


def figures(rows: int, took: float, floor: float, raw: float, peak: int) -> dict[str, object]:
    return {
        "import_rows_per_s": round(rows / took),
        "floor_rows_per_s": round(rows / floor),
        "ratio": round(took / floor, 2),
        "raw_file_load_rows_per_s": round(rows / raw),
        "ratio_to_raw_file_load": round(took / raw, 2),
        "peak_rss_mib": round(peak / 2**20),
    }


def drop_database(name: str) -> None:
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description="Portfolio import vs bulk-load floor.")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--file", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = args.file or work / "portfolio.csv"
        if args.file is None:
            generate(args.size, path)
        rows = sum(1 for _ in path.open("rb")) - 1
        result: dict[str, object] = {"benchmark": "import_portfolio", "rows": rows}
        raw = floor_sqlite(path, work / "raw.db")
        took, peak = run_import(path, f"sqlite:///{work / 'import.db'}")
        floor = same_rows_sqlite(work / "import.db", work / "floor.db")
        result["sqlite"] = figures(rows, took, floor, raw, peak)
        names = ("bench_raw", "bench_import", "bench_floor")
        if not all(pg_database(name) for name in names):
            result["postgresql"] = f"skipped: no server at {PG}"
        else:
            raw = floor_postgres(path, "bench_raw")
            took, peak = run_import(path, PG.rsplit("/", 1)[0] + "/bench_import")
            floor = same_rows_postgres("bench_import", "bench_floor")
            result["postgresql"] = figures(rows, took, floor, raw, peak)
            for name in names:
                drop_database(name)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
