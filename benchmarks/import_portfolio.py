"""Portfolio import throughput against the database's own bulk load of the same rows.

For each backend (SQLite, and PostgreSQL when it answers) the script
1. loads the file's rows as they are into a plain table with the database's fastest
   bulk path, COPY ... FROM STDIN (CSV) on PostgreSQL and one executemany in one
   transaction on SQLite: the floor, no validation, no shaping;
2. runs ``recoverly import portfolio FILE`` into a fresh database in a child process,
   measuring wall time and the child's peak resident memory.
It prints one JSON line with rows/s of both, their ratio (import / floor, lower is
better; the target is <= 3) and the peak memory (target < 1 GiB).

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
        [BIN / "recoverly", "simulate", "portfolio", "--accounts", str(size), "--seed", "7",
         "--out", str(out)],
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
            conn.executemany(f"INSERT INTO raw VALUES ({marks})", reader)  # noqa: S608
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
        with conn.cursor() as cur, cur.copy("COPY raw FROM STDIN (FORMAT CSV, HEADER)") as copy:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
        conn.commit()
        return time.perf_counter() - start


def run_import(path: Path, url: str) -> tuple[float, int]:
    """Wall seconds and peak RSS bytes of the import in a child process."""
    env = dict(os.environ, RECOVERLY_DATABASE_URL=url)
    subprocess.run([BIN / "recoverly", "db", "upgrade"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    child = subprocess.Popen(
        [BIN / "recoverly", "import", "portfolio", str(path), "--as-of", "2026-03-09"],
        env=env, stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"import failed with status {status}")
    return elapsed, usage.ru_maxrss * 1024


def pg_database(name: str) -> bool:
    try:
        with psycopg.connect(PG, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        return True
    except psycopg.Error:
        return False


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
        floor = floor_sqlite(path, work / "floor.db")
        took, peak = run_import(path, f"sqlite:///{work / 'import.db'}")
        result["sqlite"] = {
            "floor_rows_per_s": round(rows / floor), "import_rows_per_s": round(rows / took),
            "ratio": round(took / floor, 2), "peak_rss_mib": round(peak / 2**20),
        }
        for name in ("bench_floor", "bench_import"):
            if not pg_database(name):
                result["postgresql"] = f"skipped: no server at {PG}"
                break
        else:
            floor = floor_postgres(path, "bench_floor")
            took, peak = run_import(path, PG.rsplit("/", 1)[0] + "/bench_import")
            result["postgresql"] = {
                "floor_rows_per_s": round(rows / floor), "import_rows_per_s": round(rows / took),
                "ratio": round(took / floor, 2), "peak_rss_mib": round(peak / 2**20),
            }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
