"""The daily run against a real store: one plan per date, resumable, every planned
contact inside the debtor's local window and caps, blocks recorded with their reasons."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from sqlalchemy import Connection, Engine, exists, func, insert, select

from recoverly.domain.errors import InvalidInput
from recoverly.ingest import service as ingest
from recoverly.simulate.portfolio import PortfolioSpec, write_portfolio
from recoverly.store.repositories import tenancy
from recoverly.store.tables import (
    case_paths,
    cases,
    evidence_entries,
    holds,
    outbox,
    plan_blocks,
    plan_items,
    template_pauses,
)
from recoverly.strategy import run as run_module
from recoverly.strategy.run import run_day

AS_OF = date(2026, 3, 9)
# Local hours, half-open, on a working day that is no holiday (AS_OF, a Monday, is none in
# TH or ID); elsewhere Recoverly's default policy, 9-20.
WINDOWS = {
    "US": (8, 21),
    "CN": (8, 22),
    "GB": (8, 21),
    "TH": (8, 20),
    "VN": (7, 21),
    "ID": (8, 20),
    "IN": (8, 19),
    "PH": (6, 22),
    "MX": (7, 22),
}


def _portfolio(engine: Engine, tmp_path: Path, accounts: int = 600, tenant: str = "t1") -> int:
    path = tmp_path / f"{tenant}.csv"
    write_portfolio(PortfolioSpec(accounts=accounts, seed=7), path)
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, tenant, datetime.now(UTC))
    report = ingest.import_portfolio(engine, tenant_id, path, AS_OF)
    assert report.rows_imported == accounts
    return tenant_id


def _count(engine: Engine, table: object, tenant_id: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)  # type: ignore[attr-defined]
            ).scalar_one()
        )


def _dispute_first(engine: Engine, tenant_id: int, count: int) -> None:
    """A dispute on each of the tenant's first ``count`` cases (in id order)."""
    with engine.begin() as conn:
        first = conn.execute(
            select(cases.c.case_id)
            .where(cases.c.tenant_id == tenant_id)
            .order_by(cases.c.case_id)
            .limit(count)
        ).scalars()
        conn.execute(
            insert(holds),
            [
                {
                    "tenant_id": tenant_id,
                    "case_id": case_id,
                    "kind": "dispute",
                    "starts_at": datetime(2026, 3, 1, tzinfo=UTC),
                    "reason": "debtor disputes the debt",
                    "created_at": datetime(2026, 3, 1, tzinfo=UTC),
                }
                for case_id in first
            ],
        )


def _logged(engine: Engine, tenant_id: int) -> dict[str, int]:
    """The tenant's evidence entries by kind."""
    e = evidence_entries.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(e.kind, func.count()).where(e.tenant_id == tenant_id).group_by(e.kind)
        ).all()
    return {kind: n for kind, n in rows}


def test_a_second_run_of_the_same_date_plans_nothing_twice(engine: Engine, tmp_path: Path) -> None:
    tenant_id = _portfolio(engine, tmp_path)
    first = run_day(engine, tenant_id, AS_OF)
    planned = _count(engine, plan_items, tenant_id)
    assert planned == first["planned_total"] + sum(first["escalations"].values()) > 0
    assert _count(engine, outbox, tenant_id) == sum(
        n for ch, n in first["planned"].items() if ch != "call"
    )
    again = run_day(engine, tenant_id, AS_OF)
    assert again["already_planned"] is True
    assert again["planned"] == first["planned"]
    assert _count(engine, plan_items, tenant_id) == planned


def test_every_planned_contact_is_inside_the_local_window(engine: Engine, tmp_path: Path) -> None:
    tenant_id = _portfolio(engine, tmp_path)
    run_day(engine, tenant_id, AS_OF)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                plan_items.c.scheduled_at,
                plan_items.c.debtor_timezone,
                plan_items.c.jurisdiction,
                plan_items.c.strategy_version,
                plan_items.c.branch,
            ).where(plan_items.c.tenant_id == tenant_id, plan_items.c.action != "escalation")
        ).all()
    assert rows
    for at, zone, jurisdiction, version, branch in rows:
        local = at.astimezone(ZoneInfo(zone))
        start, end = WINDOWS.get(jurisdiction[:2], (9, 20))
        assert start <= local.hour < end, (at, zone, jurisdiction)
        assert local.date() == AS_OF
        assert version == 1
        assert branch in {"champion", "challenger"}


def test_a_crashed_run_resumes_to_the_same_plan(engine: Engine, tmp_path: Path) -> None:
    crashed = _portfolio(engine, tmp_path, tenant="crashed")
    clean = _portfolio(engine, tmp_path, tenant="clean")

    def crash(done: int, _total: int) -> None:
        if done == 2:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        run_day(engine, crashed, AS_OF, chunk_cases=60, progress=crash)
    partial = _count(engine, plan_items, crashed)
    resumed = run_day(engine, crashed, AS_OF, chunk_cases=60)
    reference = run_day(engine, clean, AS_OF, chunk_cases=60)
    assert 0 < partial < _count(engine, plan_items, crashed)
    assert resumed["resumed"] is True
    assert resumed["planned"] == reference["planned"]
    assert resumed["blocked"] == reference["blocked"]

    def plan(tenant_id: int) -> list[tuple[object, ...]]:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    select(plan_items.c.plan_id, plan_items.c.channel, plan_items.c.scheduled_at)
                    .where(plan_items.c.tenant_id == tenant_id)
                    .order_by(plan_items.c.plan_id)
                )
            ]

    assert plan(crashed) == plan(clean)


def test_a_chunk_that_fails_half_written_leaves_nothing_and_the_rest_stands(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks are written side by side (two at once on PostgreSQL): one failing after its
    plan rows are in must roll back alone, and resuming must give the clean run's plan."""
    failing = _portfolio(engine, tmp_path, tenant="failing")
    clean = _portfolio(engine, tmp_path, tenant="clean")
    for tenant_id in (failing, clean):  # disputes, so that the rules stop some contacts
        _dispute_first(engine, tenant_id, 25)
    real = run_module.repo.write_decisions
    calls = itertools.count(1)  # next() is atomic: two writer threads call it

    def half_written(conn: Connection, tenant_id: int, **parts: object) -> pl.DataFrame:
        call = next(calls)
        written = real(conn, tenant_id, **parts)  # type: ignore[arg-type]
        if call == 3:
            raise RuntimeError("disk full")
        return written

    monkeypatch.setattr(run_module.repo, "write_decisions", half_written)
    with pytest.raises(RuntimeError, match="disk full"):
        run_day(engine, failing, AS_OF, chunk_cases=60)
    monkeypatch.setattr(run_module.repo, "write_decisions", real)
    with engine.connect() as conn:
        # Every case with a plan item or a block has its path stamped: no chunk is half in.
        unstamped = conn.execute(
            select(func.count())
            .select_from(plan_items)
            .where(
                plan_items.c.tenant_id == failing,
                ~exists().where(
                    case_paths.c.tenant_id == failing,
                    case_paths.c.case_id == plan_items.c.case_id,
                ),
            )
        ).scalar_one()
    assert unstamped == 0
    assert _count(engine, case_paths, failing) > 0
    resumed = run_day(engine, failing, AS_OF, chunk_cases=60)
    reference = run_day(engine, clean, AS_OF, chunk_cases=60)
    assert resumed["resumed"] is True
    assert resumed["planned"] == reference["planned"]
    assert resumed["blocked"] == reference["blocked"]
    assert _count(engine, outbox, failing) == _count(engine, outbox, clean)
    # The evidence log holds each decision once: the rolled-back chunk's entries went
    # with it, and the resumed run logged what it wrote, no more.
    assert _logged(engine, failing) == _logged(engine, clean)
    logged = _logged(engine, clean)
    with engine.connect() as conn:
        p = plan_items.c
        by_action = dict(
            conn.execute(
                select(p.action, func.count()).where(p.tenant_id == clean).group_by(p.action)
            ).all()
        )
    assert logged["message_planned"] == by_action.pop("message") > 0
    assert logged["strategy_decision"] == sum(by_action.values())
    with engine.connect() as conn:
        rules = list(
            conn.execute(
                select(plan_blocks.c.rule).where(plan_blocks.c.tenant_id == clean)
            ).scalars()
        )
    ruled = [r for r in rules if not r.startswith(("capacity.", "reach."))]
    assert len(rules) > len(ruled) > 0  # the optimiser's deferrals are not compliance blocks
    assert logged["compliance_block"] == len(ruled)


def test_runs_go_forward_and_paths_move_on(engine: Engine, tmp_path: Path) -> None:
    tenant_id = _portfolio(engine, tmp_path)
    run_day(engine, tenant_id, AS_OF)
    next_day = run_day(engine, tenant_id, AS_OF + timedelta(days=1))
    # Yesterday's first steps are followed by waits: far fewer contacts the next day.
    first_total = _count(engine, plan_items, tenant_id) - next_day["planned_total"]
    assert next_day["planned_total"] < first_total / 2
    with pytest.raises(InvalidInput, match="runs go forward"):
        run_day(engine, tenant_id, AS_OF - timedelta(days=1))
    with engine.connect() as conn:
        moved = conn.execute(
            select(func.count())
            .select_from(case_paths)
            .where(case_paths.c.tenant_id == tenant_id, case_paths.c.step > 0)
        ).scalar_one()
    assert moved > 0


def test_a_hold_blocks_the_case_and_the_block_names_the_rule(
    engine: Engine, tmp_path: Path
) -> None:
    tenant_id = _portfolio(engine, tmp_path)
    with engine.begin() as conn:
        held = (
            conn.execute(
                select(cases.c.case_id)
                .where(cases.c.tenant_id == tenant_id)
                .order_by(cases.c.case_id)
            )
            .scalars()
            .all()
        )
        for case_id in held:
            conn.execute(
                insert(holds).values(
                    tenant_id=tenant_id,
                    case_id=case_id,
                    kind="dispute",
                    starts_at=datetime(2026, 3, 1, tzinfo=UTC),
                    ends_at=None,
                    reason="test",
                    created_at=datetime.now(UTC),
                )
            )
    summary = run_day(engine, tenant_id, AS_OF)
    assert summary["planned"] == {}
    assert summary["escalations"] == {}
    assert summary["blocked"]["hold.dispute"] > 0
    with engine.connect() as conn:
        row = conn.execute(
            select(plan_blocks).where(plan_blocks.c.tenant_id == tenant_id).limit(1)
        ).one()
    assert row.citation
    assert row.strategy_version == 1
    assert row.segment


def test_tenants_do_not_see_each_others_plans(engine: Engine, tmp_path: Path) -> None:
    first = _portfolio(engine, tmp_path, accounts=300, tenant="a")
    second = _portfolio(engine, tmp_path, accounts=200, tenant="b")
    a = run_day(engine, first, AS_OF)
    b = run_day(engine, second, AS_OF)
    assert a["cases"] != b["cases"]
    with engine.connect() as conn:
        frame = pl.DataFrame(
            conn.execute(select(plan_items.c.tenant_id, plan_items.c.case_id)).all(),
            schema=["tenant_id", "case_id"],
            orient="row",
        )
    # Both portfolios use the same ids; each tenant's plan covers only its own cases.
    assert frame.filter(pl.col("tenant_id") == first).height == a["planned_total"] + sum(
        a["escalations"].values()
    )


def test_db_check_finds_what_a_run_writes_sound_and_names_a_broken_reference(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    from recoverly.store.repositories.integrity import orphans
    from tests.integration.cli.test_import_cli import cli

    tenant_id = _portfolio(engine, tmp_path, accounts=200)
    run_day(engine, tenant_id, AS_OF)
    with engine.connect() as conn:
        assert set(orphans(conn).values()) == {0}
    assert cli(database_url, "db", "check").returncode == 0
    with engine.begin() as conn:
        row = conn.execute(select(plan_items).limit(1)).one()._asdict()
        conn.execute(insert(plan_items).values({**row, "plan_id": "P-X", "case_id": "C-NONE"}))
    with engine.connect() as conn:
        assert orphans(conn)["plan_items(tenant_id, case_id) -> cases"] == 1
    done = cli(database_url, "db", "check")
    assert done.returncode == 1
    assert "1 rows name nothing" in done.stdout


def test_a_paused_template_is_not_planned(engine: Engine, tmp_path: Path) -> None:
    clean = _portfolio(engine, tmp_path, tenant="clean")
    paused = _portfolio(engine, tmp_path, tenant="paused")
    run_day(engine, clean, AS_OF)
    with engine.connect() as conn:
        used = conn.execute(
            select(plan_items.c.template, func.count())
            .where(plan_items.c.tenant_id == clean, plan_items.c.template.is_not(None))
            .group_by(plan_items.c.template)
            .order_by(func.count().desc())
        ).all()
    assert used
    template, planned_before = used[0]
    with engine.begin() as conn:
        conn.execute(
            insert(template_pauses).values(
                tenant_id=paused, template=template, paused_at=datetime.now(UTC), reason="test"
            )
        )
    summary = run_day(engine, paused, AS_OF)
    with engine.connect() as conn:
        still = conn.execute(
            select(func.count())
            .select_from(plan_items)
            .where(plan_items.c.tenant_id == paused, plan_items.c.template == template)
        ).scalar_one()
    assert still == 0
    assert summary["blocked"]["complaints.template_paused"] >= planned_before
