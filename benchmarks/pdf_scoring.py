"""Scores for one extractor's output against one expected.json (see tests/fixtures/pdfs/README.md).

Words are runs of letters, marks, digits and ZWNJ (a Han character is a word by itself), NFC. Expected words
are the body paragraphs' words in order; "found in order" is the longest common subsequence of those and
the extractor's words over the whole document, so a page header, a footer or a misplaced column costs only
what it displaces.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass
from typing import Any

import regex

WORD = regex.compile(r"\p{Han}|[\p{L}\p{M}\p{Nd}\u200c]+")
ARABIC_MARK = regex.compile(r"[\u064b-\u065f\u0670]")
ZWNJ = "\u200c"
LINE_END_HYPHEN = regex.compile(r"(\p{L}+)[-\u00ad\u2010]\s*\n\s*(\p{L}+)")
BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")


def words(text: str) -> list[str]:
    return [w.strip(ZWNJ) for w in WORD.findall(unicodedata.normalize("NFC", text)) if w.strip(ZWNJ)]


def lcs_length(a: list[str], b: list[str]) -> int:
    """Longest common subsequence length (Hunt–Szymanski: fast when matches are sparse, as words are)."""
    positions: dict[str, list[int]] = {}
    for j, word in enumerate(b):
        positions.setdefault(word, []).append(j)
    tails: list[int] = []  # tails[k] = smallest end position in b of a common subsequence of length k+1
    for word in a:
        for j in reversed(positions.get(word, ())):
            k = bisect.bisect_left(tails, j)
            if k == len(tails):
                tails.append(j)
            else:
                tails[k] = j
    return len(tails)


def document_strings(expected: dict[str, Any]) -> list[str]:
    """Everything printed on the pages, as the source says it."""
    out = [expected["title"], expected.get("letterhead") or "", expected.get("signature") or ""]
    for key in ("date_text", "paragraphs", "slogans", "contacts", "furniture"):
        out += expected.get(key) or []
    return out


@dataclass
class WordScore:
    expected: int
    found_in_order: int
    junk: int  # extracted words that are no word of the document at all

    @property
    def lost(self) -> int:
        return self.expected - self.found_in_order

    @property
    def ratio(self) -> float:
        return self.found_in_order / self.expected if self.expected else 1.0


def word_score(expected: dict[str, Any], text: str) -> WordScore:
    want = words("\n".join(expected["paragraphs"]))
    got = words(text)
    vocabulary = set(words("\n".join(document_strings(expected))))
    return WordScore(len(want), lcs_length(want, got), sum(1 for w in got if w not in vocabulary))


@dataclass
class RtlScore:
    logical: float  # share of expected words (3+ letters) present as written
    reversed: float  # share present only reversed (visual order)
    zwnj_kept: tuple[int, int]  # words with ZWNJ found intact / such words
    zwnj_dropped: int  # ... found with the ZWNJ simply missing
    marks_kept: tuple[int, int]  # words with Arabic diacritics found intact / such words
    digits_right: tuple[int, int]  # multi-digit numbers found as written / such numbers
    digits_reversed: int
    controls: int  # C0/C1 control characters other than \t \n \r
    bidi_marks: int


def rtl_score(expected: dict[str, Any], text: str) -> RtlScore:
    source = "\n".join(expected["paragraphs"] + expected["date_text"])
    want = words(source)
    got = set(words(text))
    longer = [w for w in want if sum(ch.isalpha() for ch in w) >= 3 and not any(ch.isdigit() for ch in w)]
    logical = sum(1 for w in longer if w in got)
    reverse = sum(1 for w in longer if w not in got and w[::-1] in got)
    with_zwnj = [w for w in want if ZWNJ in w]
    with_marks = [w for w in want if ARABIC_MARK.search(w)]
    numbers = [w for w in want if len(w) >= 2 and w.isdigit() and w != w[::-1]]
    n = max(len(longer), 1)
    return RtlScore(
        logical=logical / n,
        reversed=reverse / n,
        zwnj_kept=(sum(1 for w in with_zwnj if w in got), len(with_zwnj)),
        zwnj_dropped=sum(1 for w in with_zwnj if w not in got and w.replace(ZWNJ, "") in got),
        marks_kept=(sum(1 for w in with_marks if w in got), len(with_marks)),
        digits_right=(sum(1 for w in numbers if w in got), len(numbers)),
        digits_reversed=sum(1 for w in numbers if w not in got and w[::-1] in got),
        controls=sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"),
        bidi_marks=sum(1 for ch in text if ch in BIDI_CONTROLS),
    )


@dataclass
class Artefacts:
    split_words: int  # expected words broken at a line-end hyphen ("soli-\ndarity")
    soft_hyphens: int  # U+00AD left in the text
    fffe: int  # U+FFFE: pdfium's mark for a hyphen it removed at a line end ("ter\ufffeminals")
    cid: int  # "(cid:N)" placeholders for glyphs without a Unicode mapping
    replacement: int  # U+FFFD


def artefacts(expected: dict[str, Any], text: str) -> Artefacts:
    body = "\n".join(expected["paragraphs"])
    vocabulary = set(words(body))
    split = 0
    for match in LINE_END_HYPHEN.finditer(text):
        left, right = match.group(1), match.group(2)
        if left + right in vocabulary and f"{left}-{right}" not in body:
            split += 1
    return Artefacts(split, text.count("\u00ad"), text.count("\ufffe"), text.count("(cid:"), text.count("\ufffd"))


def cleaned(text: str) -> str:
    """The least any reader must do: drop control characters (unmapped kashida glyphs come out as U+0014,
    U+001C …) and pdfium's U+FFFE hyphen marks, and NFC."""
    text = "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch) != "Cc")
    return unicodedata.normalize("NFC", text.replace("\ufffe", ""))


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace(ZWNJ, "").split())


def title_by_size(expected: dict[str, Any], lines: list[Any]) -> tuple[bool, bool]:
    """(the largest-size lines of page 1, joined, are the title; all of them are bold)."""
    first = [line for line in lines if line.page == 0 and line.text.strip()]
    if not first:
        return False, False
    biggest = max(line.size for line in first)
    title = [line for line in first if line.size >= biggest - 0.5]
    text = " ".join(line.text for line in title)
    return normalised(text) == normalised(expected["title"]), all(line.bold for line in title)
