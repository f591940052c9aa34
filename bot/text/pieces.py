"""Cut text into pieces (words, with what follows them) and rank each gap as a break.

Pure. A piece is never split later, so URLs, e-mails, mentions, hashtags and words
survive whole; opening quotes/brackets are glued to the word they open and lone
closing marks or dashes to the word they close, so no post ends dangling.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Break classes, best first. GLUE is a gap inside a title, slogan or link: breakable
# only if the unit cannot fit in one post at all.
PARAGRAPH, LINE, SENTENCE, CLAUSE, WORD, GLUE = range(6)

TERMINAL = ".!?…؟۔！？。"
CLAUSE_MARKS = ",;:—–،؛、，；："
CLOSERS = "\"'”’»)]}›"
OPENERS = "\"'“‘«([{‹¿¡"
ABBREVIATIONS = frozenset(
    "mr. mrs. ms. dr. prof. st. sr. jr. vs. v. e.g. i.e. cf. no. nos. fig. figs. approx. inc. ltd. co. "
    "corp. dept. gen. gov. sen. rep. rev. hon. pres. jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. "
    "nov. dec. mon. tue. wed. thu. fri. sat. sun. art. p. pp. vol. ch. sec. mt. ft. ave. blvd. "
    "m. mme. mlle. sra. srta. dña. ud. uds. núm. pág. av.".split()
)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$")
_SPACE = re.compile(r"\s+")
_ONLY_PUNCT = re.compile(r"^[^\w]+$")


class Piece(NamedTuple):
    """An unbreakable run of text, the separator after it, and how good a break that gap is."""

    text: str
    sep: str = " "
    brk: int = WORD


def paragraph_pieces(paragraph: str, *, glue: bool = False) -> list[Piece]:
    """Pieces of one paragraph; lines inside it become LINE breaks. The last gap is the caller's."""
    pieces: list[Piece] = []
    lines = [line for line in paragraph.split("\n") if line.strip()]
    for li, line in enumerate(lines):
        words = _glue_punctuation(_SPACE.split(line.strip()))
        for wi, word in enumerate(words):
            if wi + 1 < len(words):
                brk = GLUE if glue else _rank(word, words[wi + 1])
                pieces.append(Piece(word, " ", brk))
            elif li + 1 < len(lines):
                pieces.append(Piece(word, "\n", LINE))
            else:
                pieces.append(Piece(word, "", PARAGRAPH))
    return pieces


def _glue_punctuation(words: list[str]) -> list[str]:
    out: list[str] = []
    pending = ""
    for word in words:
        if pending:
            word, pending = pending + " " + word, ""
        if _ONLY_PUNCT.match(word) and word[-1] in OPENERS:
            pending = word  # a lone opening quote/bracket belongs to the next word
        elif out and _ONLY_PUNCT.match(word) and not word.startswith(("#", "@")):
            out[-1] += " " + word  # lone closers, dashes, ellipses stay with the word before
        else:
            out.append(word)
    if pending:
        out.append(pending)
    return out


def _rank(word: str, next_word: str) -> int:
    core = word.rstrip(CLOSERS)
    if not core:
        return WORD
    last = core[-1]
    if last in TERMINAL and _starts_sentence(next_word) and not _is_abbreviation(core):
        return SENTENCE
    if last in CLAUSE_MARKS or word[-1] in ")]" or core.endswith(("—", "–", "-")):
        return CLAUSE
    return WORD


def _is_abbreviation(core: str) -> bool:
    bare = core.lstrip(OPENERS).lower()
    return bare in ABBREVIATIONS or bool(_INITIALS.match(bare) and len(bare) <= 6)


def _starts_sentence(word: str) -> bool:
    first = word.lstrip(OPENERS + "*_")[:1]
    if not first:
        return True
    return first.isupper() or first.isdigit() or not first.islower()


def is_mid_sentence(text: str) -> bool:
    """Whether a post's text stops in the middle of a sentence (for reports and tests)."""
    core = text.rstrip().rstrip(CLOSERS)
    return bool(core) and core[-1] not in TERMINAL
