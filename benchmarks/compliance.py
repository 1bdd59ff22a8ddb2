"""Checks per second of the vectorised contact screen against a plain per-contact loop.

Generates N proposed contacts (seed 0) spread over every shipped rule pack and time zone
it serves, each debtor with a random recent history (on average two past contacts, all
channels and outcomes) and one in fifty with a hold. Times, in the same run:

1. the vectorised engine (``recoverly.compliance.screen.screen``) over all N contacts;
2. a plain per-contact loop over the same rules, written here in plain Python with
   ``zoneinfo`` and the packs' own objects (window per kind of day, caps, holds), over a
   sample of the contacts (the loop is too slow for all of them); its rate is checks/s
   on the sample.

Both must agree on every contact of the sample (allowed or not, and which rules), which
makes this a cross-check of the engine as well as a speed measure. Prints one JSON line;
the target at --size 1000000 is >= 200,000 checks/s.

Usage: python benchmarks/compliance.py --size 1000000 [--sample 20000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from recoverly.compliance.packs import Cap, Counted, Scope, hold_rules, packs
from recoverly.compliance.screen import screen
from recoverly.domain.events import Channel

TARGET = 200_000
PLACES = [
    ("US", "America/New_York"),
    ("US", "America/Los_Angeles"),
    ("US-MA", "America/New_York"),
    ("US-WA", "America/Los_Angeles"),
    ("CN", "Asia/Shanghai"),
    ("TH", "Asia/Bangkok"),
    ("VN", "Asia/Ho_Chi_Minh"),
    ("ID", "Asia/Jakarta"),
    ("ID", "Asia/Jayapura"),
    ("IN", "Asia/Kolkata"),
    ("PH", "Asia/Manila"),
    ("MX", "America/Mexico_City"),
    ("GB", "Europe/London"),
    ("*", "Europe/Berlin"),
    ("*", "Asia/Singapore"),
]
CHANNELS = ["call", "call", "voice_bot", "sms", "email", "letter"]
OUTCOMES = ["no_answer", "conversation", "busy", "voicemail", "failed", "delivered"]
HOLDS = ["dispute", "cease_communication", "bankruptcy", "vulnerable"]
START = datetime(2026, 3, 2, tzinfo=UTC)  # a week that spans the US DST change


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _instant(minutes: pl.Expr) -> pl.Expr:
    """START plus a number of minutes, as a UTC instant."""
    return pl.lit(START) + pl.duration(minutes=minutes)


def generate(n: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(0)
    place = rng.integers(0, len(PLACES), n)
    minutes = rng.integers(7 * 24 * 60, 14 * 24 * 60, n)
    ids = pl.Series(np.arange(n)).cast(pl.String)
    candidates = pl.DataFrame(
        {
            "cid": np.arange(n, dtype=np.int64),
            "case_id": ids,
            "debtor_id": ids,
            "channel": np.array(CHANNELS)[rng.integers(0, len(CHANNELS), n)],
            "action": "contact",
            "pack": np.array([p for p, _ in PLACES])[place],
            "timezone": np.array([z for _, z in PLACES])[place],
            "minutes": minutes,
        }
    ).select(pl.exclude("minutes"), _instant(pl.col("minutes")).alias("at"))
    debts = pl.DataFrame({"case_id": ids, "account_id": ids + "-A"})
    h = rng.poisson(2, n)
    owner = np.repeat(np.arange(n), h)
    m = owner.size
    offsets = rng.integers(0, 8 * 24 * 60, m)
    history = pl.DataFrame(
        {
            "debtor_id": pl.Series(owner).cast(pl.String),
            "account_id": pl.Series(owner).cast(pl.String) + "-A",
            "channel": np.array(CHANNELS)[rng.integers(0, len(CHANNELS), m)],
            "direction": np.where(rng.random(m) < 0.9, "outbound", "inbound"),
            "outcome": np.array(OUTCOMES)[rng.integers(0, len(OUTCOMES), m)],
            "minutes": minutes[owner] - offsets,
        }
    ).select(pl.exclude("minutes"), _instant(pl.col("minutes")).alias("at"))
    held = np.flatnonzero(rng.random(n) < 0.02)
    holds = pl.DataFrame(
        {
            "case_id": pl.Series(held).cast(pl.String),
            "kind": np.array(HOLDS)[rng.integers(0, len(HOLDS), held.size)],
            "starts_at": START - timedelta(days=30),
            "ends_at": None,
        },
        schema_overrides={"ends_at": pl.Datetime("us", "UTC")},
    ).with_columns(pl.col("starts_at").cast(pl.Datetime("us", "UTC")))
    return candidates, debts, history, holds


# The plain loop: one contact at a time, straight from the rules.

VOICE = {"call", "voice_bot"}
SPOKEN = {"conversation", "promise_to_pay", "refused_to_pay", "dispute"}


def counted(cap: Cap, past: dict[str, str]) -> bool:
    outbound = past["direction"] == "outbound"
    voice = past["channel"] in VOICE
    if cap.count is Counted.PLACED_CALLS:
        return voice and outbound and past["outcome"] not in ("busy", "failed")
    if cap.count is Counted.CONVERSATIONS:
        return voice and past["outcome"] in SPOKEN
    if cap.count is Counted.EFFECTIVE_CALLS:
        return voice and outbound and past["outcome"] in SPOKEN
    return outbound


def plain(contact: dict, history: list[dict], holds: list[str]) -> set[str]:
    broken = set()
    for kind in holds:
        rule = hold_rules()[kind]  # type: ignore[index]
        if "contact" in rule.blocks and (
            rule.channels is None or Channel(contact["channel"]) in rule.channels
        ):
            broken.add(f"hold.{kind}")
    pack = packs()[contact["pack"]]
    zone = ZoneInfo(contact["timezone"])
    local = contact["at"].astimezone(zone)
    day = local.date()
    in_force = [
        w
        for w in pack.windows_for(Channel(contact["channel"]), pack.day_of(day))
        if w.in_force(day)
    ]
    for window in in_force:
        if window.closed or not (
            window.local is not None and window.local[0] <= local.time() < window.local[1]
        ):
            broken.add(window.rule)
    for cap in pack.caps:
        if Channel(contact["channel"]) not in cap.channels or not cap.in_force(day):
            continue
        n = 0
        for past in history:
            past_day: date = past["at"].astimezone(zone).date()
            in_span = day - timedelta(days=cap.days) < past_day <= day
            same_debt = cap.scope is Scope.DEBTOR or past["account_id"] == contact["debt"]
            if in_span and same_debt and counted(cap, past):
                n += 1
        if n >= cap.limit:
            broken.add(cap.rule)
    return broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()
    say(f"generating {args.size:,} contacts")
    candidates, debts, history, holds = generate(args.size)
    screen(candidates.head(1000), debts, history, holds)  # warm caches (packs, calendars)
    say(f"screening {args.size:,} contacts with {history.height:,} past contacts")
    start = time.perf_counter()
    blocks = screen(candidates, debts, history, holds)
    vectorised = time.perf_counter() - start
    say(f"vectorised: {vectorised:.2f} s")

    sample = candidates.head(args.sample)
    past_of: dict[str, list[dict]] = defaultdict(list)
    wanted = set(sample["debtor_id"])
    for row in history.filter(pl.col("debtor_id").is_in(list(wanted))).iter_rows(named=True):
        past_of[row["debtor_id"]].append(row)
    holds_of: dict[str, list[str]] = defaultdict(list)
    for case_id, kind in holds.select("case_id", "kind").iter_rows():
        holds_of[case_id].append(kind)
    rows = [{**row, "debt": f"{row['case_id']}-A"} for row in sample.iter_rows(named=True)]
    start = time.perf_counter()
    expected = {
        row["cid"]: plain(row, past_of[row["debtor_id"]], holds_of[row["case_id"]]) for row in rows
    }
    loop = time.perf_counter() - start
    say(f"plain loop: {loop:.2f} s for {len(rows):,} contacts")

    found: dict[int, set[str]] = defaultdict(set)
    for cid, rule in blocks.filter(pl.col("cid") < args.sample).select("cid", "rule").iter_rows():
        found[cid].add(rule)
    disagreements = [cid for cid in expected if expected[cid] != found.get(cid, set())]
    vector_rate = args.size / vectorised
    loop_rate = len(rows) / loop
    print(
        json.dumps(
            {
                "benchmark": "compliance",
                "contacts": args.size,
                "past_contacts": history.height,
                "holds": holds.height,
                "blocked": blocks["cid"].n_unique(),
                "vectorised_s": round(vectorised, 2),
                "checks_per_s": round(vector_rate),
                "plain_loop_sample": len(rows),
                "plain_loop_s": round(loop, 2),
                "plain_loop_checks_per_s": round(loop_rate),
                "ratio": round(vector_rate / loop_rate, 1),
                "disagreements_on_sample": len(disagreements),
                "disagreement_examples": [
                    {"cid": cid, "plain": sorted(expected[cid]), "engine": sorted(found[cid])}
                    for cid in disagreements[:5]
                ],
                "target_checks_per_s": TARGET,
            }
        )
    )


if __name__ == "__main__":
    main()
