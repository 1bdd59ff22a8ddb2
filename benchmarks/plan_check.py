"""Acceptance check of the daily run on a synthetic portfolio, with an independent judge.

Runs a multi-day cycle through the real command line (simulate portfolio, import, run,
plan export, simulate outcomes, import contacts and payments) and checks every day's
plan with code that shares nothing with Recoverly's engine: plain Python, ``zoneinfo``,
the rules as the research digest states them, with public holidays from the ``holidays``
package (US: [08:00, 21:00) local, 7 placed calls per debt in 7 local days, no call for 7
local days after a conversation; CN: [08:00, 22:00) local, 3 effective calls per debtor
per local day; TH: working days [08:00, 20:00), weekends and holidays [08:00, 18:00), one
contact a day; VN: [07:00, 21:00), 5 contacts a day; ID: Monday to Saturday [08:00,
20:00), never on Sundays or holidays; GB [08:00, 21:00); IN [08:00, 19:00); PH [06:00,
22:00); MX [07:00, 22:00); others: Recoverly's default [09:00, 20:00), 3 placed calls per
debtor per local day). It also runs each day twice and checks that the second run plans
nothing.

Usage: python benchmarks/plan_check.py --size 100000 [--days 3] [--database-url URL]
Prints one JSON line: planned contacts, violations found (must be 0), and whether the
repeated runs changed anything (must be false).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

BIN = Path(sys.executable).parent / "recoverly"
WINDOWS = {"US": (8, 21), "CN": (8, 22), "GB": (8, 21), "VN": (7, 21), "IN": (8, 19)}
WINDOWS |= {"PH": (6, 22), "MX": (7, 22)}
DEFAULT_WINDOW = (9, 20)
CONTACTS_A_DAY = {"TH": 1, "VN": 5}  # outbound attempts on every channel
POLICY_CALLS_A_DAY = 3  # Recoverly's default, where no pack has shipped
PACKS = {"US", "CN", "GB", "TH", "VN", "ID", "IN", "PH", "MX"}


def hours(country: str, day: date) -> tuple[int, int] | None:
    """The allowed local hours on ``day``; None: no contact that day."""
    public = day in holidays.country_holidays(country, years=day.year)
    if country == "TH":
        return (8, 20) if day.weekday() < 5 and not public else (8, 18)
    if country == "ID":
        return None if day.weekday() == 6 or public else (8, 20)
    return WINDOWS.get(country, DEFAULT_WINDOW)


SPOKEN = {
    "conversation",
    "promise_to_pay",
    "refused_to_pay",
    "dispute",
    "cease_request",
    "callback_requested",
}
VOICE = {"call", "voice_bot"}
# A strategy that calls every delinquent case every day and texts the rest, so that the
# caps and quiet periods bind from the second day on.
PRESSURE = """
name: pressure
version: 1
salt: check
capacity: {queues: {all: {agent_minutes: 100000000, minutes_per_call: 1}}}
segments:
  - name: delinquent
    when: {past_due_days: {gt: 0}}
    paths:
      champion: [{call: {queue: all}}, {call: {queue: all}}, {call: {queue: all}},
                 {call: {queue: all}}, {call: {queue: all}}, {call: {queue: all}}]
  - name: rest
    paths: {champion: [{sms: {template: gentle_reminder}}]}
"""


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"recoverly {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def judge(plan: list[dict[str, str]], history: list[dict[str, str]]) -> list[str]:
    """Every rule a planned contact breaks, by an independent reading of the rules."""
    zone_of = {row["debtor_id"]: row["debtor_timezone"] for row in plan}
    by_debtor: dict[str, list[tuple[date, dict[str, str]]]] = defaultdict(list)
    for h in history:
        zone = zone_of.get(h["debtor_id"])
        if zone is not None:
            by_debtor[h["debtor_id"]].append(
                (instant(h["at"]).astimezone(ZoneInfo(zone)).date(), h)
            )
    problems = []
    for row in plan:
        zone = ZoneInfo(row["debtor_timezone"])
        local = instant(row["scheduled_at"]).astimezone(zone)
        country = row["jurisdiction"][:2]
        day = local.date()
        allowed = hours(country, day)
        if allowed is None:
            problems.append(f"{row['plan_id']}: no contact allowed on {day}")
        elif not allowed[0] <= local.hour < allowed[1]:
            start, end = allowed
            problems.append(f"{row['plan_id']}: {local:%H:%M} outside [{start}:00, {end}:00)")
        everything = by_debtor.get(row["debtor_id"], [])
        if country in CONTACTS_A_DAY:
            today = [h for d, h in everything if d == day and h["direction"] == "outbound"]
            if len(today) >= CONTACTS_A_DAY[country]:
                problems.append(f"{row['plan_id']}: contact {len(today) + 1} today")
        if row["channel"] not in VOICE:
            continue
        past = [(d, h) for d, h in everything if h["channel"] in VOICE]
        if country == "US":
            week = [h for d, h in past if 0 <= (day - d).days <= 6]
            placed = [
                h
                for h in week
                if h["direction"] == "outbound" and h["outcome"] not in ("busy", "failed")
            ]
            if len(placed) >= 7:
                problems.append(f"{row['plan_id']}: 8th call in 7 days")
            if any(h["outcome"] in SPOKEN for h in week):
                problems.append(f"{row['plan_id']}: call within 7 days of a conversation")
        elif country == "CN":
            spoken = [
                h
                for d, h in past
                if d == day and h["direction"] == "outbound" and h["outcome"] in SPOKEN
            ]
            if len(spoken) >= 3:
                problems.append(f"{row['plan_id']}: 4th effective call today")
        elif country not in PACKS:
            placed = [
                h
                for d, h in past
                if d == day
                and h["direction"] == "outbound"
                and h["outcome"] not in ("busy", "failed")
            ]
            if len(placed) >= POLICY_CALLS_A_DAY:
                problems.append(f"{row['plan_id']}: call {len(placed) + 1} today")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = args.database_url or f"sqlite:///{work / 'check.db'}"
        env = dict(os.environ, RECOVERLY_DATABASE_URL=url)
        portfolio = work / "p.csv"
        started = time.perf_counter()
        cli(
            env,
            "simulate",
            "portfolio",
            "--accounts",
            str(args.size),
            "--seed",
            "11",
            "--out",
            str(portfolio),
        )
        cli(env, "import", "portfolio", str(portfolio), "--as-of", "2026-03-09")
        strategy = work / "pressure.yaml"
        strategy.write_text(PRESSURE, encoding="utf-8")
        cli(env, "strategy", "publish", str(strategy))
        history: list[dict[str, str]] = []
        planned = violations = 0
        repeat_changed = False
        blocked: Counter[str] = Counter()
        examples: list[str] = []
        run_seconds = []
        for n in range(args.days):
            day = date(2026, 3, 9) + timedelta(days=n)
            t0 = time.perf_counter()
            first = json.loads(
                cli(env, "run", "--as-of", str(day), "--strategy", "pressure", "--json")
            )
            blocked.update(first["blocked"])
            run_seconds.append(round(time.perf_counter() - t0, 2))
            second = json.loads(cli(env, "run", "--as-of", str(day), "--json"))
            repeat_changed |= not second["already_planned"] or second["planned"] != first["planned"]
            plan_file = work / f"plan-{day}.csv"
            cli(env, "plan", "export", "--as-of", str(day), "--out", str(plan_file))
            with plan_file.open(encoding="utf-8") as fh:
                plan = list(csv.DictReader(fh))
            planned += len(plan)
            found = judge(plan, history)
            violations += len(found)
            examples += found[:5]
            contacts, payments = work / f"c-{day}.csv", work / f"pay-{day}.csv"
            cli(
                env,
                "simulate",
                "outcomes",
                "--plan",
                str(plan_file),
                "--behaviour",
                str(portfolio.with_suffix(".behaviour.csv")),
                "--portfolio",
                str(portfolio),
                "--seed",
                str(n),
                "--contacts-out",
                str(contacts),
                "--payments-out",
                str(payments),
            )
            cli(env, "import", "contacts", str(contacts))
            cli(env, "import", "payments", str(payments))
            with contacts.open(encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    history.append(
                        {
                            "debtor_id": row["debtor_id"],
                            "channel": row["channel"],
                            "direction": row.get("direction") or "outbound",
                            "outcome": row["outcome"],
                            "at": row["scheduled_at"],
                        }
                    )
    print(
        json.dumps(
            {
                "check": "daily_run_plan",
                "size": args.size,
                "days": args.days,
                "backend": url.split(":", 1)[0],
                "planned_contacts": planned,
                "violations": violations,
                "blocked_by_rule": dict(blocked),
                "examples": examples[:5],
                "repeat_run_changed_anything": repeat_changed,
                "run_seconds": run_seconds,
                "total_seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
