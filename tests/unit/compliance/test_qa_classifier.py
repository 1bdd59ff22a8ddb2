"""Conversation QA's trained model: a medium alert named after its category that points at
the sentence, only where the lexicon is silent; a model that survives JSON and trains the
same twice; training data kept apart from the sets it is measured on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from recoverly.compliance.qa import Severity, lexicon, screen_text
from recoverly.compliance.qa_classifier import QaClassifier, read_labelled, sentences
from recoverly.domain.errors import InvalidInput

DATA = Path(__file__).resolve().parents[2] / "data"
CATEGORIES = {r.category for r in lexicon().rules}

SMALL = [
    ("We will hurt you if you do not pay.", {"threat"}),
    ("Something bad will happen to your family.", {"threat"}),
    ("You will regret this, watch your back.", {"threat"}),
    ("We know your kids' school.", {"threat"}),
    ("People who do not pay get hurt.", {"threat"}),
    ("Your boss will hear about your debt.", {"third_party_disclosure"}),
    ("We told your neighbours you owe us.", {"third_party_disclosure"}),
    ("Your family will get a letter about the debt.", {"third_party_disclosure"}),
    ("We will call your office about this debt.", {"third_party_disclosure"}),
    ("Your friends will see a post about your debt.", {"third_party_disclosure"}),
    ("Your payment is due on Friday.", set()),
    ("Thank you for your payment.", set()),
    ("Call us to agree a plan.", set()),
    ("We will not tell anyone about this account.", set()),
    ("You can dispute this debt within 30 days.", set()),
]


def _small() -> QaClassifier:
    return QaClassifier.train([t for t, _ in SMALL], [labels for _, labels in SMALL])


def test_a_paraphrase_the_lexicon_misses_raises_a_medium_model_alert_on_its_sentence() -> None:
    text = (
        "Thanks for picking up. Your balance is $300. "
        "People who don't pay us sometimes find their tyres slashed."
    )
    alerts = screen_text(text)
    assert [(a.rule, a.category, a.severity) for a in alerts] == [
        ("qa.model.threat", "threat", Severity.MEDIUM)
    ]
    (alert,) = alerts
    assert alert.text == "People who don't pay us sometimes find their tyres slashed."
    assert text[alert.start : alert.end] == alert.text
    assert "15 U.S.C. 1692d(1)" in alert.citation  # the lexicon's threat rules' citations


@pytest.mark.parametrize(
    "text",
    [
        "Your payment of $50 is due on 12 March. You can pay online or call us between 8am "
        "and 8pm.",
        "We'll send the statement by post. Have a good day.",
        "您好，您的账单将于3月12日到期。您可以通过APP还款，如有困难请联系我们。",
    ],
)
def test_a_clean_text_stays_clean(text: str) -> None:
    assert screen_text(text) == []


def test_the_model_is_silent_on_a_category_the_lexicon_raised() -> None:
    text = "You will go to jail. People who don't pay us sometimes find their tyres slashed."
    threats = [a.rule for a in screen_text(text) if a.category == "threat"]
    assert threats == ["qa.threat_arrest"]


def test_a_model_survives_its_json_round_trip(tmp_path: Path) -> None:
    model = _small()
    path = tmp_path / "m.json"
    model.save(path)
    loaded = QaClassifier.from_json(json.loads(path.read_text("utf-8")))
    assert loaded.to_json() == model.to_json()
    for text in ("Your boss will hear about this.", "Pay or you will get hurt.", "Hello."):
        assert np.allclose(loaded.probabilities(text), model.probabilities(text), atol=1e-5)
        assert [f.category for f in loaded.flags(text)] == [f.category for f in model.flags(text)]
    with pytest.raises(InvalidInput):
        QaClassifier.from_json({"format": "pickle"})


def test_training_is_deterministic() -> None:
    assert _small().to_json() == _small().to_json()


def test_training_needs_enough_texts_of_each_category() -> None:
    with pytest.raises(InvalidInput, match="threat has fewer"):
        QaClassifier.train(
            [t for t, _ in SMALL] + ["We will hurt you."],
            [set()] * len(SMALL) + [{"threat"}],
        )


def test_sentences_end_at_stops_in_both_scripts_but_not_inside_amounts() -> None:
    text = "Pay $12.40 today.  Thanks!\n请还款。谢谢"
    assert [text[s:e] for s, e in sentences(text)] == [
        "Pay $12.40 today.",
        "Thanks!",
        "请还款。",
        "谢谢",
    ]


def test_a_labelled_set_names_the_line_of_a_bad_label(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = {"id": "a", "language": "en", "text": "Hi.", "labels": []}
    path.write_text(
        json.dumps(good) + "\n" + json.dumps({**good, "labels": ["rudeness"]}) + "\n", "utf-8"
    )
    with pytest.raises(InvalidInput, match=r"bad\.jsonl:2: labels must be a list of abuse"):
        read_labelled(path, CATEGORIES)


def test_the_training_set_holds_no_text_it_is_measured_on() -> None:
    """The model is measured on the development and held-out sets: none of their texts
    may be trained on."""

    def texts(name: str) -> set[str]:
        return {" ".join(r.text.lower().split()) for r in read_labelled(DATA / name, CATEGORIES)}

    train = texts("qa_train.jsonl")
    assert len(train) >= 400
    assert not train & texts("qa_labelled.jsonl")
    assert not train & texts("qa_heldout.jsonl")
