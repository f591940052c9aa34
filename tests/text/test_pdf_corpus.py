"""Every PDF of the corpus (tests/fixtures/pdfs, and untuned/) read as ``preview`` reads it, checked against
what the PDF says (``<name>.expected.json``, written from the source text): title exact, date, language,
slogans, links, signature; body words in order with none lost, none added, none broken; paragraph and
list item ends found with precision and recall of 95 % or more. Scoring: ``benchmarks/pdf_report.py``."""

from __future__ import annotations

import difflib
import itertools
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import regex

from bot.model import Statement
from bot.text.reading import read_statement

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "pdfs"
UNTUNED = CORPUS / "untuned"
WORD = regex.compile(r"\p{Han}|[\p{L}\p{M}\p{Nd}\u200c]+")  # as benchmarks/pdf_scoring.py counts words
ZWNJ = "\u200c"


def corpus(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.pdf") if p.with_suffix(".expected.json").exists())


def words(text: str) -> list[str]:
    return [w.strip(ZWNJ) for w in WORD.findall(unicodedata.normalize("NFC", text)) if w.strip(ZWNJ)]


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


PDFS = corpus(CORPUS) + corpus(UNTUNED)


def expected_of(pdf: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return data


def test_the_corpus_is_there():
    assert len(corpus(CORPUS)) == 12


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_pdf_reads_as_its_source_says(pdf: Path):
    expected = expected_of(pdf)
    statement = read_statement(pdf)
    assert statement.source_format == "pdf"
    assert statement.title == expected["title"]
    assert str(statement.date) == expected["date"]
    assert statement.language == expected["language"]
    assert list(statement.slogans) == expected["slogans"]
    assert list(statement.links) == expected["links"]
    assert statement.signature == expected["signature"]
    result = score(pdf.stem, expected, statement, seconds=0.0)
    assert (result.lost, result.added, result.broken) == (0, 0, 0)
    assert result.ends_precision >= 0.95 and result.ends_recall >= 0.95


@pytest.mark.parametrize("pdf", corpus(CORPUS), ids=lambda p: p.stem)
def test_furniture_and_letterhead_never_reach_the_body(pdf: Path):
    expected = expected_of(pdf)
    body = "\n".join(read_statement(pdf).paragraphs)
    furniture = [str(f) for f in expected["furniture"]]  # type: ignore[attr-defined]
    for line in furniture:
        if not line.strip("- ").isdigit():  # a bare page number is also a number in the text
            assert f"\n{line}\n" not in f"\n{body}\n"
    letterhead = expected["letterhead"]
    if isinstance(letterhead, str):  # the organisation's name is often in the text too, but not as a line
        assert f"\n{letterhead}\n" not in f"\n{body}\n" and " ".join(letterhead) not in body
