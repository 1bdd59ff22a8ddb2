"""Precision and recall of conversation QA on the labelled set in the repository.

``tests/data/qa_labelled.jsonl`` holds texts in English, Simplified and Traditional
Chinese, each labelled with the categories of forbidden conduct it shows (or none). An
alert of a category on a text counts as a true positive when the text carries that label.
Prints one JSON line: per category and overall (micro-averaged) precision and recall.

Usage: python benchmarks/qa_quality.py [--data FILE]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from recoverly.compliance.qa import screen_text

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "qa_labelled.jsonl"


def evaluate(path: Path) -> dict[str, object]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses = []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for row in rows:
        found = {a.category for a in screen_text(row["text"])}
        wanted = set(row["labels"])
        for c in found & wanted:
            tp[c] += 1
        for c in found - wanted:
            fp[c] += 1
        for c in wanted - found:
            fn[c] += 1
        if found != wanted:
            misses.append({"id": row["id"], "labels": sorted(wanted), "found": sorted(found)})

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    categories = sorted(set(tp) | set(fp) | set(fn))
    return {
        "benchmark": "qa_quality",
        "texts": len(rows),
        "by_language": dict(Counter(r["language"] for r in rows)),
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
    parser.add_argument("--data", type=Path, default=DATA)
    print(json.dumps(evaluate(parser.parse_args().data), ensure_ascii=False))


if __name__ == "__main__":
    main()
