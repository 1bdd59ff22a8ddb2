"""Collection KPIs for a period, by strategy branch and in total.

Definitions (the industry's usual ones, stated so that nobody has to guess):

* right-party-contact rate: calls and voice-bot calls that reached the debtor and were
  spoken with (conversation, promise, refusal, dispute, …) over all such calls placed;
* promise rate: promises to pay over right-party contacts;
* promise-kept rate: promises kept over promises that fell due and were judged;
* roll rate of a bucket: cases that moved from it to the next worse bucket during the
  period, over the cases in it on the period's first run;
* cure rate: delinquent cases that became current or were paid off, over the
  delinquent cases on the first run;
* liquidation rate: amount recovered over the opening balance, per currency (amounts in
  different currencies are never added up without a dated exchange rate);
* cost to collect: message costs over amount recovered, where both are in one currency;
* complaints per 1,000 contacts; and per message template, complaints about it per
  1,000 of its messages delivered or sent (the feedback that pauses a template);
* per agent, complaints attributed to them per 1,000 of their contacts: a complaint is
  the agent's it names, or else the agent's of its case's last contact by an agent
  before it was received (complaints rarely name the agent; the last person the
  debtor dealt with is the likeliest cause).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import Connection

from recoverly.domain.accounts import DelinquencyBucket
from recoverly.domain.events import Outcome
from recoverly.domain.money import minor_units
from recoverly.store.repositories import kpis as facts

TOTAL = "total"
BUCKETS = [b.value for b in DelinquencyBucket]
_SPOKEN = {o.value for o in Outcome if o.right_party_contact}
_VOICE = {"call", "voice_bot"}


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # inclusive

    def instants(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time.min, tzinfo=UTC),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC),
        )


def report(conn: Connection, tenant_id: int, period: Period) -> dict[str, Any]:
    """Every KPI for the period, per branch and in total (``report kpis --json``)."""
    since, until = period.instants()
    runs = facts.runs(conn, tenant_id, period.start, period.end)
    contacts = facts.contacts(conn, tenant_id, since, until)
    paid = facts.payments_in(conn, tenant_id, since, until)
    promised = facts.promises_in(conn, tenant_id, period.start, period.end)
    costs = facts.costs_in(conn, tenant_id, since, until)
    complaints = facts.complaints_in(conn, tenant_id, since, until)
    opening = runs[0][1].get("portfolio", {}) if runs else {}
    flows: dict[str, Counter[str]] = {}
    for _, summary in runs:
        for branch, position in (summary or {}).get("portfolio", {}).items():
            flows.setdefault(branch, Counter()).update(position.get("flows", {}))
    branches = sorted(
        set(opening)
        | set(flows)
        | set(contacts["branch"])
        | set(paid["branch"])
        | set(promised["branch"])
    )
    by_branch = {
        b: _kpis(
            contacts.filter(pl.col("branch") == b),
            paid.filter(pl.col("branch") == b),
            promised.filter(pl.col("branch") == b),
            costs.filter(pl.col("branch") == b),
            int(complaints.filter(pl.col("branch") == b)["count"].sum()),
            opening.get(b, {}),
            flows.get(b, Counter()),
            period.start,
        )
        for b in branches
    }
    total_opening = _merge_openings(opening.values())
    total_flows: Counter[str] = Counter()
    for counter in flows.values():
        total_flows.update(counter)
    total = _kpis(
        contacts,
        paid,
        promised,
        costs,
        int(complaints["count"].sum()),
        total_opening,
        total_flows,
        period.start,
    )
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "runs": len(runs),
        "branches": by_branch,
        TOTAL: total,
        "templates": _templates(
            contacts, facts.complaints_by_template(conn, tenant_id, since, until)
        ),
        "agents": _agents(
            facts.agent_contacts(conn, tenant_id, since, until),
            facts.complaints_by_agent(conn, tenant_id, since, until),
        ),
    }


def _agents(contacted: dict[str, int], complained: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Per agent: their contacts in the period, complaints attributed to them, the rate."""
    return {
        name: {
            "contacts": contacted.get(name, 0),
            "complaints": complained.get(name, 0),
            "complaints_per_1000_contacts": _rate(
                complained.get(name, 0) * 1000, contacted.get(name, 0)
            ),
        }
        for name in sorted(set(contacted) | set(complained))
    }


def _templates(contacts: pl.DataFrame, complained: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Per template: messages sent in the period, complaints about it, and their rate."""
    sent = dict(
        contacts.filter(pl.col("template").is_not_null() & (pl.col("direction") == "outbound"))
        .group_by("template")
        .len()
        .iter_rows()
    )
    return {
        name: {
            "messages": int(sent.get(name, 0)),
            "complaints": complained.get(name, 0),
            "complaints_per_1000_messages": _rate(
                complained.get(name, 0) * 1000, sent.get(name, 0)
            ),
        }
        for name in sorted(set(sent) | set(complained))
    }


def _merge_openings(openings: Any) -> dict[str, dict[str, int]]:
    merged: dict[str, Counter[str]] = {"cases_by_bucket": Counter(), "balance_minor": Counter()}
    for position in openings:
        for key in merged:
            merged[key].update(position.get(key, {}))
    return {k: dict(v) for k, v in merged.items()}


def _rate(numerator: float | int | Decimal, denominator: float | int | Decimal) -> float | None:
    return None if not denominator else round(float(numerator) / float(denominator), 4)


def _kpis(
    contacts: pl.DataFrame,
    paid: pl.DataFrame,
    promised: pl.DataFrame,
    costs: pl.DataFrame,
    complaints: int,
    opening: dict[str, Any],
    flows: Counter[str],
    start: date,
) -> dict[str, Any]:
    outbound = contacts.filter(pl.col("direction") == "outbound")
    calls = outbound.filter(pl.col("channel").is_in(list(_VOICE)))
    rpc = int(contacts.filter(pl.col("outcome").is_in(list(_SPOKEN))).height)
    rpc_calls = int(calls.filter(pl.col("outcome").is_in(list(_SPOKEN))).height)
    promises_said = int(contacts.filter(pl.col("outcome") == Outcome.PROMISE_TO_PAY.value).height)
    judged = promised.filter(pl.col("status").is_in(["kept", "broken"]))
    kept = int(judged.filter(pl.col("status") == "kept").height)
    recovered = {c: int(a) for c, a in paid.select("currency", "amount_minor").iter_rows()}
    balance = {c: int(v) for c, v in opening.get("balance_minor", {}).items()}
    cost_by_ccy: dict[str, Decimal] = {}
    for currency, cost in costs.select("currency", "cost_minor").iter_rows():
        cost_by_ccy[currency] = cost_by_ccy.get(currency, Decimal(0)) + Decimal(cost)
    by_bucket = opening.get("cases_by_bucket", {})
    delinquent = sum(n for b, n in by_bucket.items() if b != DelinquencyBucket.CURRENT.value)
    roll = {}
    for here, worse in itertools.pairwise(BUCKETS):
        roll[here] = _rate(flows.get(f"{here}>{worse}", 0), by_bucket.get(here, 0))
    cured = sum(
        n
        for key, n in flows.items()
        if key.split(">")[0] != DelinquencyBucket.CURRENT.value
        and key.split(">")[1] in (DelinquencyBucket.CURRENT.value, "closed")
    )
    return {
        "contacts": int(outbound.height),
        "calls": int(calls.height),
        "right_party_contacts": rpc,
        "right_party_contact_rate": _rate(rpc_calls, calls.height),
        "promises": promises_said,
        "promises_recorded": int(promised.filter(pl.col("made_at").dt.date() >= start).height),
        "promise_rate": _rate(promises_said, rpc),
        "promises_judged": int(judged.height),
        "promise_kept_rate": _rate(kept, judged.height),
        "opening_cases_by_bucket": by_bucket,
        "roll_rates": roll,
        "cure_rate": _rate(cured, delinquent),
        "recovered": {c: _major(a, c) for c, a in sorted(recovered.items())},
        "liquidation_rate": {
            c: _rate(recovered.get(c, 0), b) for c, b in sorted(balance.items()) if b
        },
        "cost": {c: str(_major_decimal(v, c)) for c, v in sorted(cost_by_ccy.items())},
        "cost_to_collect": {
            c: _rate(v, recovered[c]) for c, v in sorted(cost_by_ccy.items()) if recovered.get(c)
        },
        "complaints": complaints,
        "complaints_per_1000_contacts": _rate(complaints * 1000, outbound.height),
    }


def _major(minor: int, currency: str) -> str:
    return str(_major_decimal(Decimal(minor), currency))


def _major_decimal(minor: Decimal, currency: str) -> Decimal:
    digits = minor_units(currency)
    return (minor / Decimal(10) ** digits).quantize(Decimal(1).scaleb(-max(digits, 2)))
