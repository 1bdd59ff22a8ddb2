"""One day of collections, decided: snapshot in, plan out. Pure and columnar.

features → segments and branches → where each case stands on its path → candidate
actions → reachability and the compliance screen → capacity → the plan, the blocks, and
the new path positions. No I/O here: :mod:`recoverly.strategy.run` reads the snapshot
and writes what this module decides, so the same decisions can be tested, replayed and
(later) partitioned across machines.

How a case moves along its path: a case enters a path (step 0) when it first appears,
when its segment or branch changes, or when the strategy version changes. ``wait`` steps
pass by themselves; an action that is planned moves the case to the next step the next
day; an action that is blocked or over capacity stays due and is tried again tomorrow.
An exit event (payment, promise, dispute, …, as the segment lists) after the path began
pauses the case for a week, or until the day after a pending promise falls due, then the
path starts over; a path that runs out stays done until the case changes segment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import polars as pl

from recoverly.compliance import screen as compliance
from recoverly.compliance.packs import pack_key
from recoverly.domain.accounts import DelinquencyBucket
from recoverly.domain.cases import Stage
from recoverly.domain.complaints import PAUSED_TEMPLATE
from recoverly.domain.money import minor_units
from recoverly.domain.parties import REACHED_THROUGH
from recoverly.strategy.model import MESSAGES, StepKind, Strategy
from recoverly.strategy.segmentation import assign

ACTIVE, PAUSED, DONE, CLOSED = "active", "paused", "done", "closed"
PAUSE_DAYS = 7

ESCALATIONS = {StepKind.ESCALATE_LEGAL.value: "legal", StepKind.PLACE_AGENCY.value: "agency"}
STAGE_AFTER = {"call": Stage.AGENT.value, "legal": Stage.LEGAL.value, "agency": Stage.AGENCY.value}
ESCALATION_TIME = time(9, 0)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the run reads (see store.snapshot).

    ``accounts`` has one row per account of an open case, with the case's stage, the
    debtor's facts and reach flags (``reach_phone``, ``reach_email``, ``reach_address``).
    """

    accounts: pl.DataFrame
    holds: pl.DataFrame
    history: pl.DataFrame
    paths: pl.DataFrame
    events: pl.DataFrame
    planned: pl.DataFrame  # already planned for this day (a resumed run)
    paused: pl.DataFrame  # ``template``: out of use because they drew complaints


# Blocks that are the day's own choices, not the rules': rule names start with these.
CAPACITY_RULE = "capacity."  # deferred: the queue or channel is full today
REACH_RULE = "reach."  # no address for the channel


@dataclass(frozen=True, slots=True)
class DayPlan:
    """What the day decided. ``plan`` and ``blocks`` carry the decision's provenance."""

    plan: pl.DataFrame
    blocks: pl.DataFrame
    paths: pl.DataFrame  # the path rows that changed (``new``: the case had none)
    stages: pl.DataFrame  # case_id, stage: cases whose stage moves
    cases: int
    portfolio: dict[str, dict[str, dict[str, int]]]  # by branch: buckets, balances


def decide(snapshot: Snapshot, strategy: Strategy, as_of: date) -> DayPlan:
    done_today = snapshot.paths.filter(pl.col("updated_on") == as_of)["case_id"]
    every = assign(features(snapshot, strategy, as_of), strategy)
    cases = every.filter(~pl.col("case_id").is_in(done_today))
    steps = step_table(strategy)
    cases = cases.with_columns(
        pl.when(
            pl.struct("segment", "branch").is_in(
                steps.select("segment", "branch").unique().to_struct()
            )
        )
        .then(pl.col("branch"))
        .otherwise(pl.lit("champion"))
        .alias("path_branch")
    )
    state = _position(cases, snapshot, strategy, steps, as_of)
    candidates = _candidates(state, steps, as_of)
    candidates = _schedule(candidates, strategy, as_of)
    blocks = pl.concat([_unreachable(candidates), _paused(candidates, snapshot.paused)])
    # Every broken rule is recorded, so a case that is both unreachable and on hold
    # shows both reasons.
    screened = compliance.screen(
        candidates,
        snapshot.accounts.select("case_id", "account_id"),
        snapshot.history,
        snapshot.holds,
    )
    blocks = pl.concat([blocks, screened])
    allowed = candidates.join(blocks.select("cid"), on="cid", how="anti")
    planned, deferred = _capacity(allowed, strategy, snapshot.planned)
    blocks = pl.concat([blocks, deferred])
    plan = _plan_rows(planned, strategy, as_of)
    advanced = planned.select("case_id").with_columns(pl.lit(True).alias("advance"))
    paths = (
        state.join(advanced, on="case_id", how="left")
        .with_columns(pl.col("advance").fill_null(False))
        .with_columns(
            pl.when("advance").then(pl.col("step") + 1).otherwise("step").alias("step"),
            # The next step is due from today; today's run is over, so it runs tomorrow
            # at the earliest, and a following ``wait: 3`` means three days after this one.
            pl.when("advance").then(pl.lit(as_of)).otherwise("due_on").alias("due_on"),
            (pl.col("changed") | pl.col("advance")).alias("changed"),
        )
        .filter("changed")
        .select(
            "case_id",
            pl.lit(strategy.name).alias("strategy_name"),
            pl.lit(strategy.version).alias("strategy_version"),
            "segment",
            pl.col("path_branch").alias("branch"),
            "step",
            "due_on",
            "started_on",
            "status",
            pl.lit(as_of).alias("updated_on"),
            "bucket",
            "prev_bucket",
            "bucket_since",
            pl.col("old_status").is_null().alias("new"),
        )
    )
    paths = pl.concat([paths, _closed(snapshot, every, as_of)], how="vertical_relaxed")
    kept = candidates.select("cid", "case_id", "channel", "branch", "segment", "step")
    block_rows = blocks.join(kept, on="cid").select(
        "case_id",
        "channel",
        "rule",
        "citation",
        "message",
        pl.lit(strategy.name).alias("strategy_name"),
        pl.lit(strategy.version).alias("strategy_version"),
        "branch",
        "segment",
        "step",
    )
    stages = (
        planned.with_columns(
            pl.col("channel").replace_strict(STAGE_AFTER, default=None).alias("to")
        )
        .filter(pl.col("to").is_not_null() & (pl.col("to") != pl.col("stage")))
        .select("case_id", pl.col("to").alias("stage"))
    )
    return DayPlan(
        plan,
        block_rows.unique(["case_id", "rule"]),
        paths,
        stages,
        cases.height,
        _portfolio(every),
    )


def _closed(snapshot: Snapshot, open_cases: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Path rows of cases that closed since their last run: their last bucket flows to
    ``closed`` (paid off, or closed by the creditor)."""
    gone = snapshot.paths.filter(pl.col("status") != CLOSED).join(
        open_cases.select("case_id"), on="case_id", how="anti"
    )
    return gone.select(
        "case_id",
        "strategy_name",
        "strategy_version",
        "segment",
        "branch",
        "step",
        "due_on",
        "started_on",
        pl.lit(CLOSED).alias("status"),
        pl.lit(as_of).alias("updated_on"),
        pl.lit(CLOSED).alias("bucket"),
        pl.col("bucket").alias("prev_bucket"),
        pl.lit(as_of).alias("bucket_since"),
        pl.lit(False).alias("new"),
    )


def _portfolio(cases: pl.DataFrame) -> dict[str, dict[str, dict[str, int]]]:
    """Open cases by bucket and balances by currency, per branch: the day's opening
    position that roll, cure and liquidation rates are measured against."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    by_bucket = cases.group_by("branch", "bucket").len().sort("branch", "bucket")
    for branch, bucket, n in by_bucket.iter_rows():
        out.setdefault(str(branch), {"cases_by_bucket": {}, "balance_minor": {}})
        out[str(branch)]["cases_by_bucket"][bucket] = n
    balances = (
        cases.group_by("branch", "currency")
        .agg(pl.col("balance_minor").sum())
        .sort("branch", "currency")
    )
    for branch, currency, total in balances.iter_rows():
        out[str(branch)]["balance_minor"][currency] = total
    return out


def features(snapshot: Snapshot, strategy: Strategy, as_of: date) -> pl.DataFrame:
    """One row per open case with every attribute a strategy condition may name."""
    accounts = snapshot.accounts.with_columns(
        (pl.col("principal_minor") + pl.col("interest_minor") + pl.col("fees_minor")).alias(
            "balance_minor"
        )
    ).with_columns(
        pl.when(
            pl.col("past_due_since").is_not_null()
            & (pl.col("balance_minor") > 0)
            & (pl.col("past_due_since") < as_of)
        )
        .then((pl.lit(as_of) - pl.col("past_due_since")).dt.total_days())
        .otherwise(0)
        .alias("past_due_days")
    )
    # The case's lead account, most past due and then largest, names its currency,
    # product and attributes; balances add up within that currency only. Most cases
    # hold one account, which is its own lead: only the others are sorted and grouped.
    several = accounts["case_id"].is_duplicated()
    facts = pl.exclude("principal_minor", "interest_minor", "fees_minor", "past_due_since")
    single = accounts.filter(~several).select(
        facts, "principal_minor", pl.lit(1, pl.UInt32).alias("account_count")
    )
    multiple = accounts.filter(several).sort(
        ["past_due_days", "balance_minor", "account_id"], descending=[True, True, False]
    )
    lead = multiple.group_by("case_id", maintain_order=True).first().select(facts)
    totals = (
        multiple.join(lead.select("case_id", pl.col("currency").alias("lead_ccy")), on="case_id")
        .group_by("case_id")
        .agg(
            pl.col("balance_minor").filter(pl.col("currency") == pl.col("lead_ccy")).sum(),
            pl.col("principal_minor").filter(pl.col("currency") == pl.col("lead_ccy")).sum(),
            pl.len().alias("account_count"),
        )
    )
    cases = pl.concat(
        [single, lead.drop("balance_minor").join(totals, on="case_id").select(single.columns)]
    )
    scales = pl.DataFrame(
        {
            "currency": accounts["currency"].unique().to_list(),
        },
        schema={"currency": pl.String},
    ).with_columns(
        pl.col("currency")
        .map_elements(lambda c: 10 ** minor_units(c), return_dtype=pl.Int64)
        .alias("scale")
    )
    money = pl.Decimal(38, 4)
    frame = (
        cases.join(scales, on="currency")
        .with_columns(
            (pl.col("balance_minor").cast(money) / pl.col("scale").cast(money)).alias("balance"),
            (pl.col("principal_minor").cast(money) / pl.col("scale").cast(money)).alias(
                "principal"
            ),
            _bucket(pl.col("past_due_days")).alias("bucket"),
            pl.lit(None, pl.Float64).alias("score"),
        )
        .join(_jurisdictions(cases), on=["country", "region"], how="left", nulls_equal=True)
    )
    wanted = sorted(
        {c.field for s in strategy.segments for c in s.when if c.field.startswith("attributes.")}
    )
    if wanted:
        frame = frame.with_columns(
            pl.col("attributes").str.json_path_match(f"$.{name[len('attributes.') :]}").alias(name)
            for name in wanted
        )
    return frame


def _jurisdictions(debtors: pl.DataFrame) -> pl.DataFrame:
    """``jurisdiction`` (ISO 3166 country, ``-`` subdivision) and rule ``pack`` per place."""
    places = debtors.select("country", "region").unique()
    rows = [
        {
            "country": country,
            "region": region,
            "jurisdiction": country
            if not region
            else region
            if "-" in region
            else f"{country}-{region}",
            "pack": pack_key(country, region),
        }
        for country, region in places.iter_rows()
    ]
    return pl.DataFrame(
        rows,
        schema={
            "country": pl.String,
            "region": pl.String,
            "jurisdiction": pl.String,
            "pack": pl.String,
        },
    )


def _bucket(days: pl.Expr) -> pl.Expr:
    """The delinquency bucket of a past-due day count, derived from the domain's rule."""
    firsts: dict[str, int] = {}
    for d in range(400):
        firsts.setdefault(DelinquencyBucket.for_days(d).value, d)
    expr: pl.Expr = pl.lit(DelinquencyBucket.CURRENT.value)
    for label, first in sorted(firsts.items(), key=lambda item: item[1]):
        expr = pl.when(days >= first).then(pl.lit(label)).otherwise(expr)
    return expr


def step_table(strategy: Strategy) -> pl.DataFrame:
    """Every step of every path: ``segment, branch, step, kind, template, queue, agency,
    days``, plus ``length`` (the path's number of steps)."""
    rows = [
        {
            "segment": segment.name,
            "branch": branch,
            "step": i,
            "kind": step.kind.value,
            "template": step.template,
            "queue": step.queue,
            "agency": step.agency,
            "days": step.days,
            "length": len(path),
        }
        for segment in strategy.segments
        for branch, path in segment.paths.items()
        for i, step in enumerate(path)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "segment": pl.String,
            "branch": pl.String,
            "step": pl.Int64,
            "kind": pl.String,
            "template": pl.String,
            "queue": pl.String,
            "agency": pl.String,
            "days": pl.Int64,
            "length": pl.Int64,
        },
    )


def _position(
    cases: pl.DataFrame, snapshot: Snapshot, strategy: Strategy, steps: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """Where each case stands today: ``step``, ``due_on``, ``status``, ``changed``."""
    today = pl.lit(as_of)
    old = snapshot.paths.rename({c: f"old_{c}" for c in snapshot.paths.columns if c != "case_id"})
    frame = cases.join(old, on="case_id", how="left")
    same = (
        (pl.col("old_strategy_name") == strategy.name)
        & (pl.col("old_strategy_version") == strategy.version)
        & (pl.col("old_segment") == pl.col("segment"))
        & (pl.col("old_branch") == pl.col("path_branch"))
    ).fill_null(False)
    frame = frame.with_columns(same.alias("same"))
    restart = ~pl.col("same") | ((pl.col("old_status") == PAUSED) & (pl.col("old_due_on") <= today))
    rolled = (pl.col("old_bucket") != pl.col("bucket")).fill_null(True)
    frame = frame.with_columns(
        pl.when(rolled)
        .then(pl.col("old_bucket"))
        .otherwise("old_prev_bucket")
        .alias("prev_bucket"),
        pl.when(rolled).then(today).otherwise("old_bucket_since").alias("bucket_since"),
    )
    frame = frame.with_columns(
        pl.when(restart).then(0).otherwise("old_step").alias("step"),
        pl.when(restart).then(today).otherwise("old_due_on").alias("due_on"),
        pl.when(restart).then(today).otherwise("old_started_on").alias("started_on"),
        pl.when(restart).then(pl.lit(ACTIVE)).otherwise("old_status").alias("status"),
        (restart | rolled).alias("changed"),
    )
    # Exit events since the path began pause it.
    exits = pl.DataFrame(
        [{"segment": s.name, "event": e.value} for s in strategy.segments for e in s.exit_on],
        schema={"segment": pl.String, "event": pl.String},
    )
    exited = (
        frame.filter(pl.col("status") == ACTIVE)
        .select("case_id", "segment", "started_on")
        .join(exits, on="segment")
        .join(
            snapshot.events.select("case_id", "event", "on", "promise_due"), on=["case_id", "event"]
        )
        .filter(pl.col("on") >= pl.col("started_on"))
        .group_by("case_id")
        .agg(pl.col("promise_due").max())
        .with_columns(
            pl.max_horizontal(
                today + pl.duration(days=PAUSE_DAYS),
                pl.col("promise_due") + pl.duration(days=1),
            ).alias("resume_on")
        )
        .select("case_id", "resume_on")
    )
    frame = frame.join(exited, on="case_id", how="left").with_columns(
        pl.when(pl.col("resume_on").is_not_null())
        .then(pl.lit(PAUSED))
        .otherwise("status")
        .alias("status"),
        pl.when(pl.col("resume_on").is_not_null())
        .then("resume_on")
        .otherwise("due_on")
        .alias("due_on"),
        (pl.col("changed") | pl.col("resume_on").is_not_null()).alias("changed"),
    )
    # Waits that are due pass by themselves; a path that runs out is done.
    keyed = steps.select(
        "segment", pl.col("branch").alias("path_branch"), "step", "kind", "days", "length"
    )
    longest = int(steps["length"].max() or 0)  # type: ignore[arg-type]
    for _ in range(longest + 1):
        frame = frame.drop("kind", "days", "length", strict=False).join(
            keyed, on=["segment", "path_branch", "step"], how="left"
        )
        waiting = (
            (pl.col("status") == ACTIVE)
            & (pl.col("kind") == StepKind.WAIT.value)
            & (pl.col("due_on") <= today)
        )
        ran_out = (
            (pl.col("status") == ACTIVE) & pl.col("kind").is_null() & (pl.col("due_on") <= today)
        )
        frame = frame.with_columns(
            pl.when(waiting).then(pl.col("step") + 1).otherwise("step").alias("step"),
            pl.when(waiting)
            .then(pl.col("due_on") + pl.duration(days=pl.col("days")))
            .otherwise("due_on")
            .alias("due_on"),
            pl.when(ran_out).then(pl.lit(DONE)).otherwise("status").alias("status"),
            (pl.col("changed") | waiting | ran_out).alias("changed"),
        )
    return frame


def _candidates(state: pl.DataFrame, steps: pl.DataFrame, as_of: date) -> pl.DataFrame:
    due = state.filter(
        (pl.col("status") == ACTIVE)
        & (pl.col("due_on") <= as_of)
        & pl.col("kind").is_not_null()
        & (pl.col("kind") != StepKind.WAIT.value)
    )
    keyed = steps.select(
        "segment", pl.col("branch").alias("path_branch"), "step", "template", "queue", "agency"
    )
    return (
        due.drop("template", "queue", "agency", strict=False)
        .join(keyed, on=["segment", "path_branch", "step"])
        .with_columns(
            pl.col("kind").replace(ESCALATIONS).alias("channel"),
            pl.when(pl.col("kind").is_in(list(ESCALATIONS)))
            .then(pl.lit(compliance.ESCALATION))
            .otherwise(pl.lit(compliance.CONTACT))
            .alias("action"),
        )
        # One candidate per case. Its id only ties blocks to candidates within this run
        # (it is never stored or ordered by), so the row number serves.
        .with_row_index("cid")
        .with_columns(pl.col("cid").cast(pl.Int64))
    )


def _schedule(candidates: pl.DataFrame, strategy: Strategy, as_of: date) -> pl.DataFrame:
    """Each contact's instant: the channel's send time, moved into the window if need be."""
    preferred = pl.DataFrame(
        {
            "channel": [k.value for k in StepKind],
            "preferred": [
                strategy.send_time(k) if k in MESSAGES or k == StepKind.CALL else ESCALATION_TIME
                for k in StepKind
            ],
        },
        schema={"channel": pl.String, "preferred": pl.Time},
    ).vstack(
        pl.DataFrame(
            {"channel": list(ESCALATIONS.values()), "preferred": [ESCALATION_TIME] * 2},
            schema={"channel": pl.String, "preferred": pl.Time},
        )
    )
    # Today's window in each pack: a weekday's, or a holiday's (a closed day has no
    # start; the screen then blocks its contacts).
    today = compliance.day_kinds(
        candidates.select("pack").unique().with_columns(pl.lit(as_of).alias("on")), "on"
    ).select("pack", "day")
    windows = (
        compliance.window_table()
        .join(today, on=["pack", "day"])
        .with_columns(pl.lit(as_of).alias("on"))
        .filter(compliance.in_force("on"))
        .group_by("pack", "channel")
        .agg(pl.col("start").max())  # every window must be open: the latest opening
    )
    local = (
        candidates.join(preferred, on="channel", how="left")
        .join(windows, on=["pack", "channel"], how="left")
        .with_columns(
            pl.max_horizontal("preferred", pl.col("start").fill_null(pl.col("preferred"))).alias(
                "local_time"
            )
        )
        .with_columns(pl.lit(as_of).dt.combine(pl.col("local_time")).alias("local_at"))
    )
    return compliance.instants(local, "local_at", "at").drop("preferred", "start")


def _unreachable(candidates: pl.DataFrame) -> pl.DataFrame:
    contacts = candidates.filter(pl.col("action") == compliance.CONTACT).with_columns(
        pl.col("channel")
        .replace_strict({ch: k.value for ch, k in REACHED_THROUGH.items()}, default="app")
        .alias("needs")
    )
    has = pl.lit(False)
    for kind in ("phone", "email", "address"):
        has = pl.when(pl.col("needs") == kind).then(pl.col(f"reach_{kind}")).otherwise(has)
    missing = contacts.filter(~has)
    return missing.select(
        "cid",
        (REACH_RULE + "no_" + pl.col("needs")).alias("rule"),
        pl.lit("Recoverly: a contact needs a usable contact point").alias("citation"),
        ("no usable " + pl.col("needs") + " for this debtor").alias("message"),
    )


def _paused(candidates: pl.DataFrame, paused: pl.DataFrame) -> pl.DataFrame:
    """Messages whose template drew upheld complaints are not planned (until resumed)."""
    return candidates.join(paused.select("template"), on="template", how="semi").select(
        "cid",
        pl.lit(PAUSED_TEMPLATE).alias("rule"),
        pl.lit("Recoverly: a template with upheld complaints is paused").alias("citation"),
        ("template " + pl.col("template") + " is paused: it drew complaints").alias("message"),
    )


def _capacity(
    allowed: pl.DataFrame, strategy: Strategy, planned: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep what fits today's queues and budgets, largest balances first."""
    ranked = allowed.select("cid", "case_id", "channel", "queue", "balance_minor").sort(
        ["balance_minor", "case_id"], descending=[True, False]
    )
    limits: list[tuple[str, pl.Expr, int]] = []
    for queue, cap in strategy.capacity.queues.items():
        used = planned.filter((pl.col("channel") == "call") & (pl.col("queue") == queue)).height
        limits.append(
            (
                f"{CAPACITY_RULE}queue.{queue}",
                (pl.col("channel") == "call") & (pl.col("queue") == queue),
                max(cap.calls - used, 0),
            )
        )
    for kind, budget in strategy.capacity.channels.items():
        used = planned.filter(pl.col("channel") == kind.value).height
        limits.append(
            (
                f"{CAPACITY_RULE}channel.{kind.value}",
                pl.col("channel") == kind.value,
                max(budget.max_per_day - used, 0),
            )
        )
    over = []
    for rule, member, room in limits:
        rank = pl.when(member).then(pl.int_range(pl.len()).over(member)).otherwise(None)
        late = ranked.with_columns(rank.alias("_rank")).filter(member & (pl.col("_rank") >= room))
        over.append(
            late.select(
                "cid",
                pl.lit(rule).alias("rule"),
                pl.lit("Recoverly: capacity set in the strategy").alias("citation"),
                pl.lit("over today's capacity; planned again tomorrow").alias("message"),
            )
        )
    deferred = pl.concat([pl.DataFrame(schema=compliance.BLOCKS_SCHEMA), *over])
    return allowed.join(deferred.select("cid"), on="cid", how="anti"), deferred


def _plan_rows(planned: pl.DataFrame, strategy: Strategy, as_of: date) -> pl.DataFrame:
    return planned.select(
        (pl.lit(f"P-{as_of:%Y%m%d}-") + pl.col("case_id")).alias("plan_id"),
        pl.lit(as_of).alias("as_of"),
        "case_id",
        "debtor_id",
        "account_id",
        pl.when(pl.col("action") == compliance.ESCALATION)
        .then(pl.lit("escalation"))
        .when(pl.col("channel") == "call")
        .then(pl.lit("call"))
        .otherwise(pl.lit("message"))
        .alias("action"),
        "channel",
        "template",
        "queue",
        "agency",
        pl.col("at").alias("scheduled_at"),
        "jurisdiction",
        pl.col("timezone").alias("debtor_timezone"),
        "language",
        pl.lit(strategy.name).alias("strategy_name"),
        pl.lit(strategy.version).alias("strategy_version"),
        "branch",
        "segment",
        "step",
        "currency",
        "balance_minor",
    )
