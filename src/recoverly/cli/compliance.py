"""``recoverly compliance``: ask the rule engine about contacts, outside any database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from recoverly.domain.errors import InvalidInput

app = typer.Typer(help="The contact rules: check proposed contacts.", no_args_is_help=True)


@app.command("check")
def check(
    input_file: Annotated[
        Path,
        typer.Option(
            "--input",
            help="A JSON list of proposed contacts with history and flags; - reads stdin.",
        ),
    ],
) -> None:
    """Allow or block each proposed contact, with the rules it breaks and, when blocked,
    the earliest minute it would be allowed (JSON on stdout, in the input's order).

    Malformed input exits with code 2 and names the item and the field.
    """
    from recoverly.compliance.check import check as judge
    from recoverly.compliance.check import parse

    name = "stdin" if str(input_file) == "-" else str(input_file)
    try:
        text = sys.stdin.read() if name == "stdin" else input_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{name}: cannot be read: {exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{name}: not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    decisions = judge(parse(raw))
    print(json.dumps([d.as_dict() for d in decisions], ensure_ascii=False))


@app.command("reference")
def reference() -> None:
    """Print every rule pack's rules with their citations and readings (Markdown), as
    docs/compliance.md carries them."""
    from recoverly.compliance.reference import markdown

    print(markdown(), end="")


@app.command("qa")
def qa_texts(
    input_file: Annotated[
        Path,
        typer.Option(
            "--input",
            help='JSON lines: {"id", "text", "kind": message|note|transcript, "jurisdiction", '
            '"time_barred"}.',
        ),
    ],
) -> None:
    """Screen messages, notes and call transcripts for conduct collection law forbids:
    one JSON line per text with its alerts (rule, category, severity, citation, span)."""
    from recoverly.compliance.qa import TextKind, screen_text

    try:
        lines = input_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{input_file}: cannot be read: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text, kind = item["text"], TextKind(item.get("kind", "message"))
            barred = item.get("time_barred", False)
            if not isinstance(text, str):
                raise TypeError("text must be a string")
            if not isinstance(barred, bool):
                raise TypeError("time_barred must be true or false")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"{input_file}:{number}: {exc}") from exc
        alerts = screen_text(
            text, kind=kind, jurisdiction=item.get("jurisdiction"), time_barred=barred
        )
        print(
            json.dumps(
                {"id": item.get("id", number), "alerts": [a.as_dict() for a in alerts]},
                ensure_ascii=False,
            )
        )


@app.command("train-complaints")
def train_complaints(
    data: Annotated[
        Path, typer.Option("--data", help="Labelled complaints: a CFPB export, or text,issue.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Save the model here (JSON, not pickle).")
    ] = None,
) -> None:
    """Train the model that suggests a complaint's CFPB issue from its text, and print its
    cross-validated accuracy and macro-F1 against always guessing the commonest issue."""
    from recoverly.compliance.complaint_classifier import (
        ComplaintClassifier,
        evaluate,
        read_labelled,
    )

    texts, issues = read_labelled(data)
    report = evaluate(texts, issues)
    if out is not None:
        ComplaintClassifier.train(texts, issues).save(out)
        report["saved"] = str(out)
    print(json.dumps(report))


@app.command("train-qa")
def train_qa(
    data: Annotated[
        Path,
        typer.Option("--data", help="Labelled texts, JSON lines: id, language, text, labels."),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Save the model here (JSON, not pickle)."),
    ] = None,
) -> None:
    """Train conversation QA's model (one logistic regression per category over character
    and word n-grams), choose each category's threshold by cross-validation on DATA, and
    print the thresholds; ``--out`` saves it (the shipped one is
    src/recoverly/compliance/qa_model.json)."""
    from recoverly.compliance.qa import lexicon
    from recoverly.compliance.qa_classifier import QaClassifier, read_labelled

    rows = read_labelled(data, {r.category for r in lexicon().rules})
    model = QaClassifier.train([r.text for r in rows], [r.labels for r in rows])
    report: dict[str, object] = {
        "texts": len(rows),
        "support": {c: sum(c in r.labels for r in rows) for c in model.categories},
        "thresholds": dict(zip(model.categories, model.thresholds.tolist(), strict=True)),
        "terms": len(model.vocabulary),
    }
    if out is not None:
        model.save(out)
        report["saved"] = str(out)
    print(json.dumps(report))
