"""Which CFPB issue a complaint is about, suggested from its text by a trained model.

A TF-IDF and logistic-regression model (scikit-learn) trained on complaint narratives
labelled with the CFPB's debt-collection issues (the public Consumer Complaint Database
is one such source). It is saved as plain JSON (vocabulary, idf weights, coefficients),
never as a pickle, so a model file can be read and reviewed like any other data. The
suggestion is only that: the person handling the complaint confirms or changes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from recoverly.domain.complaints import Issue, issue_of
from recoverly.domain.errors import InvalidInput

FORMAT = "recoverly-complaint-classifier:v1"
SHIPPED = "complaint_model.json"


def _pipeline() -> Pipeline:
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    lowercase=True,
                    sublinear_tf=True,
                    ngram_range=(1, 2),
                    min_df=2,
                    stop_words="english",
                    token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b",  # noqa: S106 - words, not digits
                ),
            ),
            ("model", LogisticRegression(class_weight="balanced", max_iter=5000, C=5.0)),
        ]
    )


@dataclass(frozen=True, slots=True)
class Suggestion:
    issue: Issue
    probability: float


class ComplaintClassifier:
    """A fitted model: suggests an issue for a complaint's text."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline

    @classmethod
    def train(cls, texts: list[str], issues: list[Issue]) -> ComplaintClassifier:
        if len(set(issues)) < 2:
            raise InvalidInput("training needs complaints of at least two issues")
        pipeline = _pipeline()
        pipeline.fit(texts, [i.value for i in issues])
        return cls(pipeline)

    def suggest(self, text: str) -> Suggestion:
        probabilities = self._pipeline.predict_proba([text])[0]
        best = int(np.argmax(probabilities))
        classes = self._pipeline.named_steps["model"].classes_
        return Suggestion(Issue(str(classes[best])), round(float(probabilities[best]), 3))

    def to_json(self) -> dict[str, Any]:
        tfidf: TfidfVectorizer = self._pipeline.named_steps["tfidf"]
        model: LogisticRegression = self._pipeline.named_steps["model"]
        return {
            "format": FORMAT,
            "vocabulary": {term: int(i) for term, i in tfidf.vocabulary_.items()},
            "idf": [round(float(x), 6) for x in tfidf.idf_],
            "classes": [str(c) for c in model.classes_],
            "coef": [[round(float(x), 6) for x in row] for row in model.coef_],
            "intercept": [round(float(x), 6) for x in model.intercept_],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ComplaintClassifier:
        if data.get("format") != FORMAT:
            raise InvalidInput(f"not a complaint classifier ({FORMAT} expected)")
        pipeline = _pipeline()
        tfidf: TfidfVectorizer = pipeline.named_steps["tfidf"]
        tfidf.vocabulary_ = dict(data["vocabulary"])
        tfidf.idf_ = np.asarray(data["idf"], dtype=float)
        model: LogisticRegression = pipeline.named_steps["model"]
        model.classes_ = np.asarray(data["classes"])
        model.coef_ = np.asarray(data["coef"], dtype=float)
        model.intercept_ = np.asarray(data["intercept"], dtype=float)
        return cls(pipeline)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json()), encoding="utf-8")


def evaluate(texts: list[str], issues: list[Issue], folds: int = 5) -> dict[str, Any]:
    """Stratified cross-validated accuracy and macro-F1, against always guessing the most
    common issue (seed 0)."""
    labels = [i.value for i in issues]
    smallest = min(labels.count(x) for x in set(labels))
    k = max(2, min(folds, smallest))
    predicted = cross_val_predict(
        _pipeline(), texts, labels, cv=StratifiedKFold(k, shuffle=True, random_state=0)
    )
    majority = max(set(labels), key=labels.count)
    return {
        "complaints": len(texts),
        "issues": {x: labels.count(x) for x in sorted(set(labels))},
        "folds": k,
        "accuracy": round(float(accuracy_score(labels, predicted)), 3),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 3),
        "majority_accuracy": round(labels.count(majority) / len(labels), 3),
    }


@cache
def shipped() -> ComplaintClassifier:
    """The model shipped with Recoverly (trained on the CFPB narratives; see docs)."""
    text = resources.files("recoverly.compliance").joinpath(SHIPPED).read_text("utf-8")
    return ComplaintClassifier.from_json(json.loads(text))


def read_labelled(path: Path) -> tuple[list[str], list[Issue]]:
    """Texts and issues from a CSV: a CFPB export (``Consumer complaint narrative``,
    ``Issue``; rows of other products or without a narrative are skipped) or ``text``,
    ``issue`` columns with Recoverly's issue names."""
    import polars as pl

    try:
        frame = pl.read_csv(path, infer_schema_length=0)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InvalidInput(f"{path}: cannot be read as CSV: {exc}") from exc
    if {"Consumer complaint narrative", "Issue"} <= set(frame.columns):
        pairs = [
            (text, issue_of(issue))
            for text, issue in frame.select("Consumer complaint narrative", "Issue").iter_rows()
            if text and issue
        ]
    elif {"text", "issue"} <= set(frame.columns):
        known = {i.value for i in Issue}
        pairs = [
            (text, Issue(issue) if issue in known else None)
            for text, issue in frame.select("text", "issue").iter_rows()
            if text and issue
        ]
    else:
        raise InvalidInput(
            f"{path}: needs the columns 'Consumer complaint narrative' and 'Issue' "
            "(a CFPB export) or 'text' and 'issue'"
        )
    kept = [(t, i) for t, i in pairs if i is not None]
    if not kept:
        raise InvalidInput(f"{path}: no labelled debt-collection complaints in it")
    return [t for t, _ in kept], [i for _, i in kept]
