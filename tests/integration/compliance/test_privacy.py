"""The retention purge, erasure on request and the data-subject export, on a real store.

The story: acme collected from six people. Old closed its case in January 2020 (US: 3
years after the last activity, so due in 2024); Disputed closed as long ago but its
dispute is still open; Litigated (GB) closed in 2010 under an explicit legal hold; Recent
closed in 2023; Open still owes; Hans (DE) paid in 2019, and German accounting records
are kept 10 years. Globex, the neighbour tenant, has its own Old under the same id.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from recoverly.compliance.privacy import service
from recoverly.domain.privacy import ERASED, ErasureOutcome, HoldGround, pseudonym
from recoverly.store.blobs import LocalBlobStore
from recoverly.store.repositories import personal_data, tenancy
from recoverly.store.tables import erasures
from tests.integration.compliance.story import Person, at, everything, person

AS_OF = date(2024, 1, 1)
NOW = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


class Story:
    def __init__(self, engine: Engine, blobs: LocalBlobStore) -> None:
        self.engine = engine
        self.blobs = blobs
        with engine.begin() as conn:
            self.acme = tenancy.create_tenant(conn, "acme", NOW)
            self.globex = tenancy.create_tenant(conn, "globex", NOW)
            self.old = person(conn, self.acme, "OLD", last_activity=at(2020, 1, 10), blobs=blobs)
            self.disputed = person(
                conn, self.acme, "DISPUTED", last_activity=at(2019), hold=("dispute", None)
            )
            self.litigated = person(
                conn, self.acme, "LITIGATED", country="GB", last_activity=at(2010)
            )
            self.recent = person(conn, self.acme, "RECENT", last_activity=at(2023, 6))
            self.open = person(conn, self.acme, "OPEN", last_activity=at(2019), closed=False)
            self.hans = person(conn, self.acme, "HANS", country="DE", last_activity=at(2019, 3))
            self.neighbour = person(conn, self.globex, "OLD", last_activity=at(2015), blobs=blobs)
            self.legal_hold = service.place_legal_hold(
                conn, self.acme, "LITIGATED", reason="litigation 4B-12", by="cli:dpo", now=NOW
            ).hold_id

    def purge(self, **kwargs: Any) -> dict[str, Any]:
        return service.purge(
            self.engine, self.acme, AS_OF, actor="cli:dpo", blobs=self.blobs, **kwargs
        ).as_dict()

    def rows(self, who: Person, tenant: int | None = None) -> dict[str, list[dict[str, Any]]]:
        with self.engine.connect() as conn:
            return personal_data.rows_about(conn, tenant or self.acme, who.debtor_id)


@pytest.fixture
def story(engine: Engine, tmp_path: Path) -> Story:
    return Story(engine, LocalBlobStore(tmp_path / "blobs"))


class TestPurge:
    def test_it_erases_only_debtors_past_retention_and_free_of_holds(self, story: Story) -> None:
        report = story.purge()
        assert report["by_jurisdiction"] == {
            "US": {"erased": 1, "held": 1, "not_due": 1},
            "GB": {"erased": 0, "held": 1, "not_due": 0},
            "DE": {"erased": 0, "held": 0, "not_due": 1},
        }
        assert (report["erased"], report["held"], report["not_due"]) == (1, 2, 2)

    def test_the_erased_debtor_is_gone_from_every_table_and_the_letter_with_it(
        self, story: Story
    ) -> None:
        before = story.rows(story.old)
        story.purge()
        text = everything(story.engine, story.acme)
        for secret in story.old.secrets:
            assert secret not in text, f"{secret!r} survived the erasure"
        assert not story.blobs.exists(story.old.letter)
        after = story.rows(story.old)
        (debtor,) = after["debtors"]
        assert debtor["name"] == pseudonym(story.acme, "OLD")
        assert debtor["national_id"] is None
        assert debtor["erased_at"] is not None
        assert after["contact_points"] == []
        assert after["accounts"][0]["attributes"] == {}
        assert after["payments"][0]["reference"] is None
        assert after["holds"][0]["reason"] == ""
        assert after["outbox"][0]["last_error"] is None
        complaint = after["complaints"][0]
        assert (complaint["text"], complaint["response"], complaint["root_cause"]) == (ERASED,) * 3
        assert complaint["upheld"] is True  # the complaint record itself is kept
        assert after["qa_alerts"][0]["excerpt"] == ERASED
        # Money and the contact log are kept, exactly.
        for table in ("payments", "payment_allocations", "promises", "contact_attempts"):
            strip = ("reference",)
            assert [{k: v for k, v in r.items() if k not in strip} for r in after[table]] == [
                {k: v for k, v in r.items() if k not in strip} for r in before[table]
            ], table

    def test_the_audit_says_who_when_why_and_what_without_the_personal_data(
        self, story: Story
    ) -> None:
        story.purge()
        with story.engine.connect() as conn:
            (row,) = conn.execute(select(erasures).where(erasures.c.tenant_id == story.acme)).all()
        assert (row.debtor_id, row.actor, row.trigger, row.outcome) == (
            "OLD",
            "cli:dpo",
            "retention",
            "erased",
        )
        assert row.reason.startswith("retention period ended: US collection_records: 3 years")
        assert row.tables == {
            "debtors": 1,
            "contact_points": 3,
            "accounts": 1,
            "holds": 1,
            "outbox": 1,
            "payments": 1,
            "complaints": 1,
            "qa_alerts": 1,
            "letter_pdfs": 1,
        }
        assert not any(secret in repr(tuple(row)) for secret in story.old.secrets)

    def test_held_not_due_and_open_debtors_are_untouched(self, story: Story) -> None:
        kept = [story.disputed, story.litigated, story.recent, story.open, story.hans]
        before = [story.rows(p) for p in kept]
        story.purge()
        assert [story.rows(p) for p in kept] == before
        assert story.blobs.exists(story.neighbour.letter)

    def test_a_tenants_purge_never_touches_another_tenant(self, story: Story) -> None:
        before = story.rows(story.neighbour, story.globex)
        story.purge()
        assert story.rows(story.neighbour, story.globex) == before
        for secret in story.neighbour.secrets:
            assert secret in everything(story.engine, story.globex)

    def test_a_second_run_finds_nothing_to_do(self, story: Story) -> None:
        story.purge()
        again = story.purge()
        assert again["erased"] == 0
        with story.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(erasures)).scalar_one() == 1

    def test_a_dry_run_counts_the_same_and_changes_nothing(self, story: Story) -> None:
        before = everything(story.engine)
        dry = story.purge(dry_run=True)
        assert everything(story.engine) == before
        assert dry["dry_run"] is True
        assert {k: v for k, v in dry.items() if k != "dry_run"} == {
            k: v for k, v in story.purge().items() if k != "dry_run"
        }

    def test_a_crash_mid_erasure_leaves_the_debtor_whole_and_the_next_run_finishes(
        self, story: Story, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with story.engine.begin() as conn:
            second = person(conn, story.acme, "OLDER", last_activity=at(2018))
        before = story.rows(second)
        real = personal_data.erase

        def crash_on_older(conn: Any, tenant_id: int, debtor_id: str, *args: Any) -> Any:
            changed = real(conn, tenant_id, debtor_id, *args)  # every table written …
            if debtor_id == "OLDER":
                raise RuntimeError("power cut")  # … and the commit never comes
            return changed

        monkeypatch.setattr(personal_data, "erase", crash_on_older)
        with pytest.raises(RuntimeError, match="power cut"):
            story.purge()
        assert story.rows(second) == before
        assert story.rows(story.old)["debtors"][0]["erased_at"] is not None  # done before
        monkeypatch.setattr(personal_data, "erase", real)
        assert story.purge()["erased"] == 1
        assert story.rows(second)["debtors"][0]["name"] == pseudonym(story.acme, "OLDER")

    def test_a_released_legal_hold_lets_the_next_purge_erase(self, story: Story) -> None:
        assert story.purge()["by_jurisdiction"]["GB"]["held"] == 1
        with story.engine.begin() as conn:
            service.release_legal_hold(conn, story.acme, story.legal_hold, by="cli:dpo", now=NOW)
        assert story.purge()["by_jurisdiction"]["GB"] == {"erased": 1, "held": 0, "not_due": 0}


class TestErasureOnRequest:
    def erase(self, story: Story, who: Person) -> Any:
        with story.engine.begin() as conn:
            return service.erase_on_request(
                conn,
                story.acme,
                who.debtor_id,
                actor="token:7",
                reason="asked in writing",
                now=NOW,
                blobs=story.blobs,
            )

    def test_a_debtor_free_of_holds_is_erased_now_even_within_retention(self, story: Story) -> None:
        done = self.erase(story, story.recent)
        assert done.outcome is ErasureOutcome.ERASED
        assert not any(s in everything(story.engine) for s in story.recent.secrets)

    @pytest.mark.parametrize(
        ("who", "ground", "ref"),
        [
            ("disputed", HoldGround.HOLD, None),
            ("litigated", HoldGround.LEGAL_HOLD, None),
            ("open", HoldGround.OPEN_CASE, "C-OPEN"),
        ],
    )
    def test_a_legal_hold_refuses_and_the_request_is_recorded(
        self, story: Story, who: str, ground: HoldGround, ref: str | None
    ) -> None:
        person_: Person = getattr(story, who)
        before = story.rows(person_)
        done = self.erase(story, person_)
        assert done.outcome is ErasureOutcome.REFUSED
        assert [h.ground for h in done.holds] == [ground]
        assert ref is None or done.holds[0].ref == ref
        after = story.rows(person_)
        assert after["erasures"][0]["outcome"] == "refused"
        assert after["erasures"][0]["holds"][0]["ground"] == ground.value
        assert {k: v for k, v in after.items() if k != "erasures"} == {
            k: v for k, v in before.items() if k != "erasures"
        }

    def test_an_open_complaint_holds(self, story: Story) -> None:
        from recoverly.store.tables import complaints

        with story.engine.begin() as conn:
            conn.execute(
                complaints.update()
                .where(complaints.c.complaint_id == "CMP-RECENT")
                .values(status="received", closed_at=None)
            )
        done = self.erase(story, story.recent)
        assert [(h.ground, h.ref) for h in done.holds] == [
            (HoldGround.OPEN_COMPLAINT, "CMP-RECENT")
        ]

    def test_erasing_twice_is_recorded_and_changes_nothing(self, story: Story) -> None:
        self.erase(story, story.recent)
        first = story.rows(story.recent)
        assert self.erase(story, story.recent).outcome is ErasureOutcome.ALREADY_ERASED
        second = story.rows(story.recent)
        assert [e["outcome"] for e in second.pop("erasures")] == ["erased", "already_erased"]
        first.pop("erasures")
        assert second == first


class TestExport:
    def test_it_holds_every_tables_rows_about_the_person_and_nothing_else(
        self, story: Story
    ) -> None:
        with story.engine.connect() as conn:
            document = service.export(conn, story.acme, "OLD", NOW)
        records = document["records"]
        counts = {name: len(rows) for name, rows in records.items()}
        # One row of each, three contact points: an unscoped query would add globex's OLD.
        expected = dict.fromkeys(counts, 1) | {"contact_points": 3, "legal_holds": 0, "erasures": 0}
        assert counts == expected
        assert set(records) == {h.table.name for h in personal_data.HOLDINGS}
        ids = {"OLD", "C-OLD", "AC-OLD", "PL-OLD"}
        for name, rows in records.items():
            for row in rows:
                keys = {row.get(k) for k in ("debtor_id", "case_id", "account_id", "plan_id")}
                assert keys - {None} <= ids, (name, row)
        text = json.dumps(document)
        for secret in story.old.secrets:
            assert secret in text
        for other in (story.disputed, story.recent):
            assert not any(s in text for s in other.secrets)
        assert document["retention"]["jurisdiction"] == "US"
        assert document["retention"]["erasable_from"] == "2023-01-11"
        consent = records["contact_points"][0]
        assert (consent["consent"], consent["purpose"]) == ("given", "collection")

    def test_another_tenants_debtor_is_unknown(self, story: Story) -> None:
        from recoverly.domain.errors import NotFound

        with story.engine.begin() as conn:
            with pytest.raises(NotFound):
                service.export(conn, story.acme, "NOT-THERE", NOW)
            with pytest.raises(NotFound):
                service.erase_on_request(
                    conn,
                    story.globex,
                    "RECENT",
                    actor="x",
                    reason="r",
                    now=NOW,
                    blobs=None,
                )


def test_a_reimported_file_does_not_bring_an_erased_person_back(
    story: Story, tmp_path: Path
) -> None:
    """The creditor's next portfolio still lists the person: their balance is taken in,
    their name, contact points and attributes are not."""
    from recoverly.ingest import service as ingest

    who = story.recent
    with story.engine.begin() as conn:
        service.erase_on_request(
            conn,
            story.acme,
            who.debtor_id,
            actor="cli:dpo",
            reason="asked",
            now=NOW,
            blobs=story.blobs,
        )
    name, phone = f"Name of {who.debtor_id}", "+12125550177"
    file = tmp_path / "again.csv"
    file.write_text(
        "account_id,debtor_id,debtor_name,country,currency,principal_outstanding,due_date,"
        "phone,email,employer\n"
        f"{who.account_id},{who.debtor_id},{name},US,USD,123.45,2023-05-01,{phone},"
        f"again@example.com,Acme Anvils\n"
        "AC-NEW,NEWCOMER,Nina Newcomer,US,USD,10.00,2023-05-01,+12125550178,,\n",
        encoding="utf-8",
    )
    ingest.import_portfolio(story.engine, story.acme, file, AS_OF)
    text = everything(story.engine, story.acme)
    for secret in (name, phone, "again@example.com", "Acme Anvils", *who.secrets):
        assert secret not in text
    assert "Nina Newcomer" in text  # everyone else is imported as always
    with story.engine.connect() as conn:
        from recoverly.store.tables import accounts

        balance = conn.execute(
            select(accounts.c.principal_minor).where(
                accounts.c.tenant_id == story.acme, accounts.c.account_id == who.account_id
            )
        ).scalar_one()
    assert balance == 12_345
