"""Conversation QA's trained half: a model that reads what the lexicon's phrases miss.

The lexicon (``qa.yaml``) is precise but literal: "you'll end up behind bars" is no
"go to jail". This model scores a text for each category of forbidden conduct with one
logistic regression per category (one-vs-rest) over TF-IDF features: character 1-4-grams,
which read Chinese in both scripts without segmentation and English across inflections,
plus English word uni- and bigrams, which carry negation ("not take"). It is trained on
``tests/data/qa_train.jsonl``, written and labelled by the team, and each category's
threshold is chosen by cross-validation on that set alone.

A text is judged whole, as the model was trained and its thresholds chosen (judged
sentence by sentence, a greeting alone, "Good morning, Mr Ortiz.", looked like abuse);
a flagged text then points the reviewer at the sentence that scores highest for the
category. The price: one threatening sentence in a long polite e-mail weighs less than it
would alone. The model is saved as plain JSON (terms, idf weights, coefficients,
thresholds), never a pickle, and scored with numpy alone: scikit-learn is needed to train,
never to screen, so the dispatcher does not load it.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from recoverly.domain.errors import InvalidInput

FORMAT = "recoverly-qa-classifier:v1"
SHIPPED = "qa_model.json"
SEED = 0
FOLDS = 5
MIN_DF = 2  # a term seen in one training text only is noise, not evidence
C = 10.0  # inverse regularisation: the set is small, the features many and sparse
CHAR_NGRAMS = (1, 2, 3, 4)
# Candidate thresholds, coarse on purpose: a choice that does not move with the last
# digits of a coefficient, so a retrain on another machine chooses the same.
THRESHOLDS = tuple(round(0.05 * n, 2) for n in range(2, 19))
DECIMALS = 6

_RUN = re.compile(r"[^\W_]+")  # letters, digits and CJK characters
_LATIN = re.compile(r"[a-z]")
_DIGIT = re.compile(r"\d")
# A sentence ends at 。！？!? or a new line anywhere, at "." only before a space or the end
# ("$12.40" is one sentence).
_SENTENCE_END = re.compile(r"[。！？!?\n]+|\.+(?=\s|$)")

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Labelled:
    """A text of a labelled set, with the categories of conduct it shows (none: clean)."""

    id: str
    language: str
    text: str
    labels: frozenset[str]


@dataclass(frozen=True, slots=True)
class Flag:
    """A category the model finds in a text, and the sentence that shows it most."""

    category: str
    probability: float
    start: int
    end: int


def terms(text: str) -> Counter[str]:
    """The features of ``text``: character n-grams over its words (punctuation dropped,
    digits as 0, so amounts and dates are alike) and English word uni- and bigrams."""
    runs = [_DIGIT.sub("0", r) for r in _RUN.findall(text.lower())]
    joined = f" {' '.join(runs)} "
    found: Counter[str] = Counter()
    for n in CHAR_NGRAMS:
        found.update([joined[i : i + n] for i in range(len(joined) - n + 1)])
    del found[" "]  # the only n-gram of blanks alone: runs are joined by one space
    words = [r for r in runs if _LATIN.search(r)]
    found.update(f"w:{w}" for w in words)
    found.update(f"w:{a} {b}" for a, b in pairwise(words))
    return found


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``, without surrounding blanks; never empty for a
    text with any non-blank character."""
    spans: list[tuple[int, int]] = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = end
    return spans


@dataclass(frozen=True, eq=False)
class QaClassifier:
    """A fitted model: per category, a probability for any sentence, and the threshold
    above which a text is flagged."""

    categories: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: Floats
    coef: Floats  # categories x terms
    intercept: Floats
    thresholds: Floats
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.vocabulary)})

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[Collection[str]]) -> QaClassifier:
        """Fit on ``texts``, then choose each category's threshold: the one with the best
        F0.5 on predictions made by models that did not see the text (``FOLDS``-fold
        cross-validation, seed ``SEED``)."""
        categories = tuple(sorted({c for text_labels in labels for c in text_labels}))
        if not categories or len(texts) < FOLDS * 2:
            raise InvalidInput(
                f"training needs at least {FOLDS * 2} texts and one category; "
                f"got {len(texts)} texts and {len(categories)} categories"
            )
        for c in categories:
            if sum(c in x for x in labels) < FOLDS:
                raise InvalidInput(f"training needs {FOLDS} texts of each category; {c} has fewer")
        oof = np.zeros((len(texts), len(categories)))
        for fit_on, score_on in _folds(len(texts)):
            fold = _fit([texts[i] for i in fit_on], [labels[i] for i in fit_on], categories)
            for i in score_on:
                oof[i] = fold.probabilities(texts[i])
        wanted = np.array([[c in x for c in categories] for x in labels])
        thresholds = np.array(
            [_best_threshold(oof[:, k], wanted[:, k]) for k in range(len(categories))]
        )
        model = _fit(texts, labels, categories)
        return cls(categories, model.vocabulary, model.idf, model.coef, model.intercept, thresholds)

    def flags(self, text: str) -> list[Flag]:
        """The categories whose probability for the whole text passes their threshold,
        each with the sentence that scores highest for it."""
        probabilities = self.probabilities(text)
        passed = [k for k, p in enumerate(probabilities) if p >= self.thresholds[k]]
        if not passed:
            return []
        spans = sentences(text) or [(0, len(text))]
        by_sentence = np.array([self._scores(text[s:e]) for s, e in spans])
        return [
            Flag(
                self.categories[k],
                round(float(probabilities[k]), 3),
                *spans[int(by_sentence[:, k].argmax())],
            )
            for k in passed
        ]

    def probabilities(self, text: str) -> Floats:
        """Each category's probability for ``text``, in the order of ``categories``."""
        return np.asarray(1 / (1 + np.exp(-self._scores(text))), dtype=np.float64)

    def _scores(self, text: str) -> Floats:
        """Each category's log-odds for ``text``."""
        at, weights = _tfidf(terms(text), self._index, self.idf)
        return np.asarray(self.coef[:, at] @ weights + self.intercept, dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        def rounded(values: Floats) -> list[float]:
            return [round(float(x), DECIMALS) for x in values]

        return {
            "format": FORMAT,
            "categories": list(self.categories),
            "thresholds": rounded(self.thresholds),
            "intercept": rounded(self.intercept),
            "vocabulary": list(self.vocabulary),
            "idf": rounded(self.idf),
            "coef": [rounded(row) for row in self.coef],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QaClassifier:
        if data.get("format") != FORMAT:
            raise InvalidInput(f"not a conversation QA model ({FORMAT} expected)")
        return cls(
            tuple(data["categories"]),
            tuple(data["vocabulary"]),
            np.asarray(data["idf"], dtype=np.float64),
            np.asarray(data["coef"], dtype=np.float64),
            np.asarray(data["intercept"], dtype=np.float64),
            np.asarray(data["thresholds"], dtype=np.float64),
        )

    def save(self, path: Path) -> None:
        # One term per line keeps a retrained model's diff readable.
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=0), "utf-8")


def _fit(
    texts: Sequence[str], labels: Sequence[Collection[str]], categories: tuple[str, ...]
) -> QaClassifier:
    """One logistic regression per category on TF-IDF features (thresholds left at 0.5)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counted = [terms(t) for t in texts]
    df = Counter(t for c in counted for t in c)
    vocabulary = tuple(sorted(t for t, n in df.items() if n >= MIN_DF))
    index = {t: i for i, t in enumerate(vocabulary)}
    idf = np.array([math.log((1 + len(texts)) / (1 + df[t])) + 1 for t in vocabulary])
    # A sparse matrix, columns in the vocabulary's (sorted) order, as screening reads it.
    matrix = DictVectorizer().fit([dict.fromkeys(vocabulary, 1.0)])
    vectors = [_tfidf(c, index, idf) for c in counted]
    x = matrix.transform(
        [{vocabulary[i]: w for i, w in zip(at, weights, strict=True)} for at, weights in vectors]
    )
    coef, intercept = [], []
    for category in categories:
        y = np.array([category in x for x in labels])
        fitted = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
        fitted.fit(x, y)
        coef.append(fitted.coef_[0])
        intercept.append(fitted.intercept_[0])
    return QaClassifier(
        categories,
        vocabulary,
        idf,
        np.array(coef),
        np.array(intercept),
        np.full(len(categories), 0.5),
    )


def _tfidf(
    counted: Counter[str], index: dict[str, int], idf: Floats
) -> tuple[npt.NDArray[np.intp], Floats]:
    """The TF-IDF vector of a text's terms, sparse: the indices of the terms the model
    knows and their weights (sublinear term frequency times idf, L2-normed)."""
    known = [(index[t], n) for t, n in counted.items() if t in index]
    at = np.array([i for i, _ in known], dtype=np.intp)
    weights = (1 + np.log(np.array([n for _, n in known], dtype=np.float64))) * idf[at]
    norm = np.linalg.norm(weights)
    return at, (weights / norm if norm else weights)


def _folds(n: int) -> list[tuple[list[int], list[int]]]:
    """``FOLDS`` train/test splits of ``n`` texts, shuffled with ``SEED``."""
    order = np.random.default_rng(SEED).permutation(n)
    parts = [sorted(int(i) for i in order[k::FOLDS]) for k in range(FOLDS)]
    return [
        (sorted(i for j, p in enumerate(parts) if j != k for i in p), parts[k])
        for k in range(FOLDS)
    ]


def _best_threshold(probabilities: Floats, wanted: npt.NDArray[np.bool_]) -> float:
    """The candidate threshold with the best F0.5; on a tie the higher (fewer alerts).

    F0.5 weighs precision twice as much as recall: every model alert is a person's time
    on the review queue, and the lexicon already catches the explicit cases, so a model
    alert must be right more often than it may miss."""

    def f_half(threshold: float) -> float:
        flagged = probabilities >= threshold
        tp = int((flagged & wanted).sum())
        return 1.25 * tp / (int(flagged.sum()) + 0.25 * int(wanted.sum()) or 1)

    return max(reversed(THRESHOLDS), key=f_half)


def read_labelled(path: Path, categories: Collection[str]) -> list[Labelled]:
    """A labelled set: JSON lines of ``id``, ``language``, ``text`` and ``labels`` (a list
    of ``categories``, empty for a clean text)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot be read: {exc}") from exc
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, labels = row["text"], row["labels"]
            if not isinstance(text, str) or not text.strip():
                raise TypeError("text must be a non-empty string")
            if not isinstance(labels, list) or not set(labels) <= set(categories):
                raise ValueError(f"labels must be a list of {', '.join(sorted(categories))}")
            found.append(Labelled(str(row["id"]), str(row["language"]), text, frozenset(labels)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"{path}:{number}: {exc}") from exc
    if not found:
        raise InvalidInput(f"{path}: no labelled texts in it")
    return found


@cache
def shipped() -> QaClassifier:
    """The model shipped with Recoverly, trained by ``recoverly compliance train-qa`` on
    ``tests/data/qa_train.jsonl``."""
    text = resources.files("recoverly.compliance").joinpath(SHIPPED).read_text("utf-8")
    return QaClassifier.from_json(json.loads(text))
