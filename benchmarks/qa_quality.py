"""Precision and recall of conversation QA on the labelled sets in the repository: the
lexicon alone, the trained model alone, and both as ``screen_text`` combines them.

``tests/data/qa_labelled.jsonl`` (development: the lexicon was written against it) and
``tests/data/qa_heldout.jsonl`` (held out: written afterwards, never used to choose
anything) hold texts in English, Simplified and Traditional Chinese, each labelled with the
categories of forbidden conduct it shows (or none). An alert of a category on a text counts
as a true positive when the text carries that label. Prints one JSON line per set: per
screen, overall (micro-averaged) and per-category precision and recall, and the mistakes.

Usage: python benchmarks/qa_quality.py [--data FILE ...]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from recoverly.compliance.qa import lexicon, screen_text
from recoverly.compliance.qa_classifier import read_labelled, shipped

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = (DATA / "qa_labelled.jsonl", DATA / "qa_heldout.jsonl")
MODEL = "qa.model."


def combined(text: str) -> set[str]:
    return {a.category for a in screen_text(text)}


def lexicon_alone(text: str) -> set[str]:
    return {a.category for a in screen_text(text) if not a.rule.startswith(MODEL)}


def model_alone(text: str) -> set[str]:
    return {f.category for f in shipped().flags(text)}


SCREENS: dict[str, Callable[[str], set[str]]] = {
    "lexicon": lexicon_alone,
    "model": model_alone,
    "combined": combined,
}


def evaluate(path: Path, screen: Callable[[str], set[str]] = combined) -> dict[str, object]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses = []
    rows = read_labelled(path, {r.category for r in lexicon().rules})
    for row in rows:
        found = screen(row.text)
        for c in found & row.labels:
            tp[c] += 1
        for c in found - row.labels:
            fp[c] += 1
        for c in row.labels - found:
            fn[c] += 1
        if found != row.labels:
            misses.append({"id": row.id, "labels": sorted(row.labels), "found": sorted(found)})

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    categories = sorted(set(tp) | set(fp) | set(fn))
    return {
        "texts": len(rows),
        "by_language": dict(Counter(r.language for r in rows)),
        "precision": ratio(sum(tp.values()), sum(tp.values()) + sum(fp.values())),
        "recall": ratio(sum(tp.values()), sum(tp.values()) + sum(fn.values())),
        "by_category": {
            c: {
                "precision": ratio(tp[c], tp[c] + fp[c]),
                "recall": ratio(tp[c], tp[c] + fn[c]),
                "support": tp[c] + fn[c],
            }
            for c in categories
        },
        "mistakes": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="+", default=list(SETS))
    for path in parser.parse_args().data:
        result = {name: evaluate(path, screen) for name, screen in SCREENS.items()}
        print(
            json.dumps({"benchmark": "qa_quality", "set": path.name, **result}, ensure_ascii=False)
        )


if __name__ == "__main__":
    main()
