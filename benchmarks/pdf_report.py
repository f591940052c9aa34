"""How well statements are read from real PDFs: every PDF of the corpus against its ``.expected.json``.

Run: .venv/bin/python benchmarks/pdf_report.py            (the corpus the reader was built on)
     .venv/bin/python benchmarks/pdf_report.py --untuned  (PDFs made after it was done, never tuned for)

Per PDF, through ``read_statement`` exactly as ``preview`` reads a file: title exact, date, language,
slogans and links found, signature; body words lost, added (junk) and broken (a piece of a word, or two
words glued); paragraph ends (and list item ends) precision and recall; seconds per page, the isolated
PDFium child included. Words are runs of letters, marks, digits and ZWNJ, a Han character a word by itself
(``pdf_scoring.words``); they are aligned in order, so a misplaced paragraph costs what it displaces.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "pdfs"
UNTUNED = CORPUS / "untuned"
sys.path.insert(0, str(ROOT))

from benchmarks.pdf_scoring import words  # noqa: E402
from bot.model import Statement  # noqa: E402


@dataclass
class Score:
    name: str
    pages: int
    title_ok: bool
    date_ok: bool
    language_ok: bool
    signature_ok: bool
    slogans: tuple[int, int]  # found exactly / expected
    links: tuple[int, int]
    lost: int
    added: int
    broken: int
    ends_precision: float
    ends_recall: float
    seconds: float

    @property
    def perfect(self) -> bool:
        return (
            self.title_ok
            and self.date_ok
            and self.language_ok
            and self.signature_ok
            and self.slogans[0] == self.slogans[1]
            and self.links[0] == self.links[1]
            and self.lost == self.added == self.broken == 0
            and min(self.ends_precision, self.ends_recall) >= 0.95
        )


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def units(paragraphs: list[str] | tuple[str, ...]) -> list[list[str]]:
    """The words of each paragraph, a list item counting as a paragraph of its own."""
    return [words(line) for paragraph in paragraphs for line in paragraph.split("\n") if words(line)]


def score(name: str, expected: dict[str, Any], statement: Statement, seconds: float) -> Score:
    want_units, got_units = units(expected["paragraphs"]), units(statement.paragraphs)
    want = [w for unit in want_units for w in unit]
    got = [w for unit in got_units for w in unit]
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    aligned: dict[int, int] = {}  # got index -> want index
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            aligned[block.b + k] = block.a + k
    vocabulary = set(want)
    pairs = {a + b for a, b in itertools.pairwise(want)}
    unmatched = [w for j, w in enumerate(got) if j not in aligned]
    broken = sum(1 for w in unmatched if w not in vocabulary and (w in pairs or any(w in v for v in vocabulary)))
    want_ends = _ends(want_units)
    got_ends = {aligned.get(j, -1 - j) for j in _ends(got_units)}
    hits = len(want_ends & got_ends)
    slogans = [nfc(s) for s in expected["slogans"]]
    links = [nfc(s) for s in expected["links"]]
    return Score(
        name=name,
        pages=int(expected["pages"]),
        title_ok=nfc(statement.title) == nfc(expected["title"]),
        date_ok=str(statement.date) == str(expected["date"]),
        language_ok=statement.language == expected["language"],
        signature_ok=nfc(statement.signature) == nfc(expected["signature"]),
        slogans=(sum(1 for s in statement.slogans if nfc(s) in slogans), len(slogans)),
        links=(sum(1 for s in statement.links if nfc(s) in links), len(links)),
        lost=len(want) - len(aligned),
        added=len(unmatched) - broken,
        broken=broken,
        ends_precision=hits / len(got_ends) if got_ends else 0.0,
        ends_recall=hits / len(want_ends) if want_ends else 1.0,
        seconds=seconds,
    )


def _ends(paragraph_units: list[list[str]]) -> set[int]:
    ends, position = set(), 0
    for unit in paragraph_units:
        position += len(unit)
        ends.add(position - 1)
    return ends


def read(pdf: Path) -> tuple[Statement, float]:
    from bot.text.reading import read_statement

    start = time.perf_counter()
    statement = read_statement(pdf)
    return statement, time.perf_counter() - start


def corpus(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.pdf") if p.with_suffix(".expected.json").exists())


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
