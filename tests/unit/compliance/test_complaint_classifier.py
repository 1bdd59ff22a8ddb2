"""The complaint-issue model: trained on the CFPB narratives it beats guessing the
commonest issue, survives a JSON round trip unchanged, and the shipped one answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recoverly.compliance.complaint_classifier import (
    ComplaintClassifier,
    evaluate,
    read_labelled,
    shipped,
)
from recoverly.domain.complaints import Issue, issue_of
from recoverly.domain.errors import InvalidInput
from tests.conftest import SHARED_DATA

CFPB = SHARED_DATA / "cfpb_complaints" / "debt_collection_with_narrative_289.csv"
needs_data = pytest.mark.skipif(not CFPB.exists(), reason=f"shared data not found at {CFPB}")


def test_cfpb_issue_names_old_and_new_map_to_one_taxonomy() -> None:
    assert issue_of("Attempts to collect debt not owed") is Issue.NOT_OWED
    assert issue_of("Cont'd attempts collect debt not owed") is Issue.NOT_OWED
    assert issue_of("Improper contact or sharing of info") is Issue.IMPROPER_SHARING
    assert issue_of("Incorrect information on your report") is None


@needs_data
def test_trained_on_cfpb_narratives_it_beats_the_commonest_issue() -> None:
    texts, issues = read_labelled(CFPB)
    report = evaluate(texts, issues)
    assert report["complaints"] == len(texts) >= 280
    assert report["accuracy"] > report["majority_accuracy"]
    assert report["macro_f1"] > 0.3


def test_a_model_survives_its_json_round_trip(tmp_path: Path) -> None:
    texts = [
        "they keep calling my work every day and my boss is angry",
        "calls at night many times a day harassing me",
        "they call my workplace repeatedly",
        "I do not owe this debt, it was paid years ago",
        "this is not my debt, identity theft",
        "the debt was already paid in full",
    ] * 2
    issues = [Issue.COMMUNICATION_TACTICS] * 3 + [Issue.NOT_OWED] * 3
    model = ComplaintClassifier.train(texts, issues * 2)
    path = tmp_path / "m.json"
    model.save(path)
    loaded = ComplaintClassifier.from_json(json.loads(path.read_text()))
    for text in ("they call my boss at work", "I already paid this debt"):
        assert loaded.suggest(text) == model.suggest(text)
    assert loaded.suggest("they call my boss at work").issue is Issue.COMMUNICATION_TACTICS
    with pytest.raises(InvalidInput):
        ComplaintClassifier.from_json({"format": "pickle"})


def test_the_shipped_model_suggests_an_issue() -> None:
    guess = shipped().suggest(
        "A collector keeps calling me about a debt I already paid off, I have the receipt."
    )
    assert guess.issue in set(Issue) - {Issue.UNCLASSIFIED}
    assert 0 < guess.probability <= 1
