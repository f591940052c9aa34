"""How well statements are read from real PDFs: every PDF of the corpus against its ``.expected.json``.

Run: .venv/bin/python benchmarks/pdf_report.py            (the corpus the reader was built on)
     .venv/bin/python benchmarks/pdf_report.py --untuned  (PDFs made after it was done, never tuned for)

Per PDF, through ``read_statement`` exactly as ``preview`` reads a file: title exact, date, language,
slogans and links found, signature; body words lost, added (junk) and broken (a piece of a word, or two
words glued); paragraph ends (and list item ends) precision and recall; seconds per page, the isolated
PDFium child included. Words are runs of letters, marks, digits and ZWNJ, a Han character a word by itself
(the scoring is ``tests/text/test_pdf_corpus.py``'s, which checks the same figures); they are aligned in
order, so a misplaced paragraph costs what it displaces.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.model import Statement  # noqa: E402
from tests.text.test_pdf_corpus import CORPUS, UNTUNED, Score, corpus, score  # noqa: E402


def read(pdf: Path) -> tuple[Statement, float]:
    from bot.text.reading import read_statement

    start = time.perf_counter()
    statement = read_statement(pdf)
    return statement, time.perf_counter() - start


def report(folder: Path) -> list[Score]:
    scores = []
    for pdf in corpus(folder):
        expected = json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))
        statement, seconds = read(pdf)
        scores.append(score(pdf.stem, expected, statement, seconds))
    return scores


def table(scores: list[Score]) -> str:
    rows = [
        "| PDF | pages | title | date | lang | signature | slogans | links | lost | added | broken "
        "| ends P | ends R | s/page |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        rows.append(
            f"| {s.name} | {s.pages} | {_ok(s.title_ok)} | {_ok(s.date_ok)} | {_ok(s.language_ok)} "
            f"| {_ok(s.signature_ok)} | {s.slogans[0]}/{s.slogans[1]} | {s.links[0]}/{s.links[1]} | {s.lost} "
            f"| {s.added} | {s.broken} | {s.ends_precision:.0%} | {s.ends_recall:.0%} | {s.seconds / s.pages:.3f} |"
        )
    pages = sum(s.pages for s in scores)
    rows.append(
        f"| **all {len(scores)}** | {pages} | {sum(s.title_ok for s in scores)}/{len(scores)} "
        f"| {sum(s.date_ok for s in scores)}/{len(scores)} | {sum(s.language_ok for s in scores)}/{len(scores)} "
        f"| {sum(s.signature_ok for s in scores)}/{len(scores)} | {sum(s.slogans[0] for s in scores)}/"
        f"{sum(s.slogans[1] for s in scores)} | {sum(s.links[0] for s in scores)}/{sum(s.links[1] for s in scores)} "
        f"| {sum(s.lost for s in scores)} | {sum(s.added for s in scores)} | {sum(s.broken for s in scores)} "
        f"| {min((s.ends_precision for s in scores), default=0):.0%} min "
        f"| {min((s.ends_recall for s in scores), default=0):.0%} min "
        f"| {sum(s.seconds for s in scores) / max(pages, 1):.3f} |"
    )
    return "\n".join(rows)


def _ok(value: bool) -> str:
    return "ok" if value else "**no**"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--untuned", action="store_true", help="the PDFs made after the reader was done")
    args = parser.parse_args(argv)
    folder = UNTUNED if args.untuned else CORPUS
    scores = report(folder)
    print(f"# {'Untuned' if args.untuned else 'Tuned'} PDFs: {folder.relative_to(ROOT)}\n")
    print(table(scores))
    print(f"\n{sum(s.perfect for s in scores)} of {len(scores)} perfect (every figure at its target).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
