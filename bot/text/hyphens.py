"""Joining a word that a line end or an extraction split at a hyphen. Pure.

A hyphen at a line end is usually the typesetter's ("organi-/sation", "co-/mún"), sometimes the word's own
("anti-/war", "twelve-/hour"), always in a URL. The text itself decides first: the hyphenated form used
elsewhere keeps the hyphen, the solid form used elsewhere drops it. Otherwise the language's habits do:
English writes many prefixes with a hyphen (co-operation, anti-war), French a few (ex-, non-, vice-),
Spanish none (RAE: "coautor", "promuevan"); a capital or a digit after the hyphen (anti-OTAN, COVID-19) keeps it.

``Vocabulary`` holds the words of the whole text once, so each decision is a set lookup: repairing a
text stays linear in its length however many hyphens it has. ``Text`` works it (and the language) out
only when a first decision needs it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from bot.text.language import detect_language

# Prefixes written with a hyphen, per language; a language not listed has none.
PREFIXES = {
    "en": frozenset(
        "anti co non pro self ex post pre neo multi inter counter well long short full semi ultra "
        "cross socio sub trans mid all far quasi pseudo".split()
    ),
    "fr": frozenset("ex non vice demi semi mi sous sans après avant arrière".split()),
    "pt": frozenset("ex vice pós pré pró recém sem além aquém".split()),
    "de": frozenset(),
    "es": frozenset(),
    "it": frozenset(),
}
# A hyphen before these is a suspended compound ("pre- and post-war", "Ein- und Ausgang"), not a break.
SUSPENDED = frozenset("and or nor to und oder et ou y o e".split())
_URL = re.compile(r"^\W*(?:https?://|www\.)", re.I)
_WORD = re.compile(r"[^\W_]+(?:[-‐][^\W_]+)*")


@dataclass(frozen=True)
class Vocabulary:
    """The text's words (lowercase): ``solid`` every word, ``hyphenated`` the ones written with a hyphen,
    ``repeated`` the words that occur more than once."""

    solid: frozenset[str]
    hyphenated: frozenset[str]
    repeated: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        tokens = _WORD.findall(text.lower().replace("‐", "-"))
        hyphenated = frozenset(t for t in tokens if "-" in t)
        counts = Counter(part for t in tokens for part in t.split("-")) if hyphenated else Counter(tokens)
        return cls(frozenset(counts), hyphenated, frozenset(w for w, n in counts.items() if n > 1))


class Text:
    """A text's vocabulary and language, worked out the first time a hyphen decision needs them."""

    def __init__(self, text: str):
        self._text = text

    @cached_property
    def words(self) -> Vocabulary:
        return Vocabulary.of(self._text)

    @cached_property
    def language(self) -> str:
        return detect_language(self._text)


def join(left: str, right: str, text: Text, *, at_line_end: bool) -> str:
    """``left`` and ``right`` (the pieces either side of a hyphen) as one word, with or without it."""
    hyphenated, solid = f"{left}-{right}", f"{left}{right}"
    if _URL.match(left):
        return hyphenated  # word processors never hyphenate a URL: a hyphen in one is the address's own
    words = text.words
    bare_left, bare_right = _letters(left), _letters(right)
    if f"{bare_left}-{bare_right}".lower() in words.hyphenated:
        return hyphenated
    if (bare_left + bare_right).lower() in words.solid:
        return solid
    if bare_right[:1].isupper() or bare_right[:1].isdigit() or bare_left[-1:].isdigit():
        return hyphenated
    if bare_left.lower() in PREFIXES.get(text.language, frozenset()):
        return hyphenated
    return solid if at_line_end else hyphenated


def _letters(piece: str) -> str:
    """The word part of a piece: what is left after leading and trailing punctuation."""
    start, end = 0, len(piece)
    while start < end and not piece[start].isalnum():
        start += 1
    while end > start and not piece[end - 1].isalnum():
        end -= 1
    return piece[start:end]
