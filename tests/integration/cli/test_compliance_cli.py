"""``recoverly compliance check``: the contract's JSON in and out, and exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tests.integration.cli.test_import_cli import cli

CONTRACT_EXAMPLE = [
    {
        "id": "c1",
        "jurisdiction": "US-NY",
        "debtor_timezone": "America/New_York",
        "channel": "call",
        "at": "2026-03-09T13:30:00Z",
        "debt_id": "D1",
        "history": [
            {
                "channel": "call",
                "at": "2026-03-08T15:00:00Z",
                "outcome": "no_answer",
                "debt_id": "D1",
            }
        ],
        "flags": {"cease_communication": False, "dispute_open": False},
    },
    {
        "id": "c2",
        "jurisdiction": "US-NY",
        "debtor_timezone": "America/New_York",
        "channel": "sms",
        "at": "2026-03-09T02:00:00Z",
    },
]


def test_check_answers_in_the_contracts_shape(tmp_path: Path) -> None:
    path = tmp_path / "contacts.json"
    path.write_text(json.dumps(CONTRACT_EXAMPLE), encoding="utf-8")
    done = cli(f"sqlite:///{tmp_path / 'x.db'}", "compliance", "check", "--input", str(path))
    assert done.returncode == 0, done.stderr
    first, second = json.loads(done.stdout)
    assert first == {"id": "c1", "decision": "allow", "reasons": [], "next_allowed_at": None}
    assert second["decision"] == "block"
    assert second["reasons"][0]["rule"].startswith("12 CFR 1006.6(b)(1)")
    # 02:00 UTC is 21:00 on 8 March in New York; the next opening is 08:00 EDT on 9 March.
    assert second["next_allowed_at"] == "2026-03-09T12:00:00Z"
    assert not (tmp_path / "x.db").exists()  # the check needs no database


def test_malformed_input_exits_2_naming_item_and_field(tmp_path: Path) -> None:
    bad = [CONTRACT_EXAMPLE[0], {**CONTRACT_EXAMPLE[1], "at": "tomorrow"}]
    path = tmp_path / "contacts.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    done = cli(f"sqlite:///{tmp_path / 'x.db'}", "compliance", "check", "--input", str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert 'item 1 (id "c2"), field at' in done.stderr


def test_the_reference_page_is_what_the_packs_say(tmp_path: Path) -> None:
    done = cli(f"sqlite:///{tmp_path / 'x.db'}", "compliance", "reference")
    assert done.returncode == 0, done.stderr
    page = (Path(__file__).parents[3] / "docs" / "compliance.md").read_text(encoding="utf-8")
    begin = page.index("<!-- generated")
    end = page.index("<!-- end of generated reference -->") + len(
        "<!-- end of generated reference -->"
    )
    assert page[begin:end] + "\n" == done.stdout, "regenerate: recoverly compliance reference"
    assert "`th.once_a_day`" in done.stdout


def test_the_shipped_qa_model_is_what_train_qa_makes_of_the_shipped_data(
    tmp_path: Path,
) -> None:
    """Nobody edits the model without the data, or the data without retraining: the
    terms, idf weights and thresholds are equal, the coefficients to their last digits but
    for floating-point noise between machines."""
    root = Path(__file__).parents[3]
    out = tmp_path / "qa_model.json"
    data = root / "tests" / "data" / "qa_train.jsonl"
    done = cli(
        f"sqlite:///{tmp_path / 'x.db'}",
        "compliance",
        "train-qa",
        "--data",
        str(data),
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    made = json.loads(out.read_text("utf-8"))
    shipped = json.loads((root / "src/recoverly/compliance/qa_model.json").read_text("utf-8"))
    retrain = "retrain: recoverly compliance train-qa --data tests/data/qa_train.jsonl --out …"
    for key in ("format", "categories", "vocabulary", "idf", "thresholds"):
        assert made[key] == shipped[key], retrain
    for key in ("coef", "intercept"):
        assert np.allclose(made[key], shipped[key], atol=1e-5), retrain
