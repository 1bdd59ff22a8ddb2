"""What payments, promises and outcomes do once imported: balances move, cases close,
promises are judged, and a dispute stops collection at once."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Engine, select

from recoverly.ingest.service import (
    import_contacts,
    import_payments,
    import_portfolio,
    import_promises,
)
from recoverly.store.tables import (
    accounts,
    cases,
    evidence_entries,
    holds,
    payment_allocations,
    promises,
)
from recoverly.strategy.run import run_day
from tests.integration.ingest.test_portfolio_import import AS_OF, GOOD


def _logged(engine: Engine, *kinds: str) -> list[dict[str, object]]:
    """The evidence entries of ``kinds``, decoded, in log order."""
    e = evidence_entries.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(e.entry).where(e.kind.in_(kinds)).order_by(e.entry_index)
        ).scalars()
        return [json.loads(r) for r in rows]


def test_payments_pay_off_balances_once_and_close_a_paid_case(
    engine: Engine, tenant_id: int, write
) -> None:
    assert import_portfolio(engine, tenant_id, write("p.csv", GOOD), AS_OF).ok
    # D2 owes 50.00 USD on A3; A1 (D1) owes 1000.50 CNY.
    path = write(
        "pay.csv",
        "payment_id,account_id,amount,paid_at\n"
        "P1,A3,20.00,2026-03-01T10:00:00Z\n"
        "P2,A3,40.00,2026-03-02T10:00:00Z\n"
        "P3,A1,100.50,2026-03-02T10:00:00Z\n",
    )
    assert import_payments(engine, tenant_id, path).ok
    assert import_payments(engine, tenant_id, path).ok  # the same file again: no change
    with engine.connect() as conn:
        balances = {
            r.account_id: (r.principal_minor, r.past_due_since, r.last_payment_minor)
            for r in conn.execute(select(accounts))
        }
        allocated = {
            r.payment_id: (r.principal_minor, r.excess_minor)
            for r in conn.execute(select(payment_allocations))
        }
        closed = {
            r.case_id: (r.stage, r.closed_at is not None) for r in conn.execute(select(cases))
        }
    assert balances["A3"] == (0, None, 4000)
    assert balances["A1"][0] == 100050 - 10050
    assert allocated == {"P1": (2000, 0), "P2": (3000, 1000), "P3": (10050, 0)}
    assert closed["C-D2"] == ("closed", True)
    assert closed["C-D1"][1] is False
    paid = _logged(engine, "payment")  # each payment once, though the file came twice
    assert [(e["payment_id"], e["case_id"], e["amount_minor"]) for e in paid] == [
        ("P1", "C-D2", 2000),
        ("P2", "C-D2", 4000),
        ("P3", "C-D1", 10050),
    ]
    assert paid[0]["paid_at"] == "2026-03-01T10:00:00.000000Z"


def test_a_dispute_in_an_outcome_file_opens_a_hold_that_stops_the_plan(
    engine: Engine, tenant_id: int, write
) -> None:
    assert import_portfolio(engine, tenant_id, write("p.csv", GOOD), AS_OF).ok
    path = write(
        "contacts.csv",
        "contact_id,debtor_id,account_id,channel,at,outcome\n"
        "K1,D1,A1,call,2026-03-05T02:00:00Z,dispute\n"
        "K2,D3,,call,2026-03-05T02:00:00Z,cease_request\n",
    )
    assert import_contacts(engine, tenant_id, path).ok
    assert import_contacts(engine, tenant_id, path).ok  # no second hold
    with engine.connect() as conn:
        opened = sorted((r.case_id, r.kind) for r in conn.execute(select(holds)))
    assert opened == [("C-D1", "dispute"), ("C-D3", "cease_communication")]
    logged = _logged(engine, "dispute_opened", "hold_placed")
    assert [(e["kind"], e["case_id"], e["hold"]) for e in logged] == [
        ("dispute_opened", "C-D1", "dispute"),
        ("hold_placed", "C-D3", "cease_communication"),
    ]
    summary = run_day(engine, tenant_id, AS_OF)
    assert summary["blocked"].get("hold.dispute", 0) == 1
    assert summary["blocked"].get("hold.cease_communication", 0) == 1


def test_promises_are_judged_by_the_daily_run(engine: Engine, tenant_id: int, write) -> None:
    assert import_portfolio(engine, tenant_id, write("p.csv", GOOD), AS_OF).ok
    promised = write(
        "promises.csv",
        "promise_id,account_id,amount,due_date,made_at\n"
        "PR1,A1,100.00,2026-03-04,2026-03-01T08:00:00Z\n"
        "PR2,A4,500,2026-03-04,2026-03-01T08:00:00Z\n",
    )
    assert import_promises(engine, tenant_id, promised).ok
    assert import_promises(engine, tenant_id, promised).ok  # again: nothing new to log
    made = _logged(engine, "promise_made")
    assert [(e["promise_id"], e["case_id"], e["amount_minor"], e["due_date"]) for e in made] == [
        ("PR1", "C-D1", 10000, "2026-03-04"),
        ("PR2", "C-D3", 500, "2026-03-04"),  # JPY has no minor unit
    ]
    paid = write(
        "pay.csv", "payment_id,account_id,amount,paid_at\nP1,A1,100,2026-03-03T08:00:00Z\n"
    )
    assert import_payments(engine, tenant_id, paid).ok
    run_day(engine, tenant_id, date(2026, 3, 9))
    with engine.connect() as conn:
        status = dict(conn.execute(select(promises.c.promise_id, promises.c.status)).all())
    assert status == {"PR1": "kept", "PR2": "broken"}
    settled = _logged(engine, "promise_kept", "promise_broken")
    assert sorted((e["kind"], e["promise_id"], e["as_of"]) for e in settled) == [
        ("promise_broken", "PR2", "2026-03-09"),
        ("promise_kept", "PR1", "2026-03-09"),
    ]


def test_a_promise_due_before_it_was_made_is_refused(engine: Engine, tenant_id: int, write) -> None:
    assert import_portfolio(engine, tenant_id, write("p.csv", GOOD), AS_OF).ok
    bad = write(
        "promises.csv",
        "promise_id,account_id,amount,due_date,made_at\nPR1,A1,10,2026-02-01,2026-03-01T08:00:00Z\n",
    )
    report = import_promises(engine, tenant_id, bad)
    assert [(f.line, f.message) for f in report.findings] == [
        (2, "due_date: a promise cannot fall due before it was made")
    ]


def test_two_equal_payments_both_count_toward_a_promise(
    engine: Engine, tenant_id: int, write
) -> None:
    assert import_portfolio(engine, tenant_id, write("p.csv", GOOD), AS_OF).ok
    promised = write(
        "promises.csv",
        "promise_id,account_id,amount,due_date,made_at\nPR1,A1,100.00,2026-03-04,2026-03-01T08:00:00Z\n",
    )
    assert import_promises(engine, tenant_id, promised).ok
    # Same amount, same instant, different payments: neither may hide the other.
    paid = write(
        "pay.csv",
        "payment_id,account_id,amount,paid_at\n"
        "P1,A1,50,2026-03-03T08:00:00Z\n"
        "P2,A1,50,2026-03-03T08:00:00Z\n",
    )
    assert import_payments(engine, tenant_id, paid).ok
    run_day(engine, tenant_id, date(2026, 3, 9))
    with engine.connect() as conn:
        status = conn.execute(select(promises.c.status)).scalar_one()
    assert status == "kept"
