"""Bluesky's length rule: at most 300 grapheme clusters and 3,000 UTF-8 bytes of the record's text.

Our adapter shows every URL as ``bot.text.entities.display_url(url)`` (the link facet keeps
the full URL), so a URL counts as its display form, and the text sent differs from the
planned text: ``bluesky_text`` gives the form that is sent.
"""

from __future__ import annotations

from functools import lru_cache

from bot.text.counting import CACHE_SIZE, Rules, grapheme_count
from bot.text.entities import display_url, find_entities

MAX_GRAPHEMES, MAX_BYTES = 300, 3000


def bluesky_text(text: str) -> str:
    """The text our Bluesky adapter sends: each URL replaced by its display form."""
    if "." not in text:
        return text  # every link has a dot
    parts, pos = [], 0
    for entity in find_entities(text):
        if entity.kind == "url":
            parts += [text[pos : entity.start], display_url(entity.text)]
            pos = entity.end
    return "".join(parts) + text[pos:] if parts else text


@lru_cache(maxsize=CACHE_SIZE)
def _bluesky_measure(text: str) -> tuple[int, ...]:
    shown = bluesky_text(text)
    return (grapheme_count(shown), len(shown) if shown.isascii() else len(shown.encode("utf-8")))


def bluesky_graphemes(text: str) -> int:
    """Bluesky's grapheme count of ``text`` as our adapter sends it."""
    return _bluesky_measure(text)[0]


def bluesky_bytes(text: str) -> int:
    """Bluesky's UTF-8 byte count of ``text`` as our adapter sends it."""
    return _bluesky_measure(text)[1]


def bluesky_rules(limit: int = MAX_GRAPHEMES) -> Rules:
    """Bluesky's rules: ``limit`` graphemes (at most 300) and 3,000 bytes, of the text as sent."""
    return Rules("Bluesky", (limit, MAX_BYTES), _bluesky_measure, ("graphemes", "bytes"), bluesky_text)
