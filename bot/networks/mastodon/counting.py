"""Mastodon's length rule: its server's ``StatusLengthValidator``.

Extended grapheme clusters; every URL with a scheme counts ``url_length`` (the instance's
``characters_reserved_per_url``); ``@user@domain`` counts as ``@user``; a URL without
scheme counts literally. (Unlike the server we do not count a whitespace-only text as 0:
that keeps counts additive and only ever errs long.)
"""

from __future__ import annotations

from functools import cache, lru_cache, partial
from typing import Any

from bot.text.counting import CACHE_SIZE, Rules, grapheme_count
from bot.text.entities import compiled, mastodon_url_spans, windows

# Mastodon's Account::MENTION_RE, and Twitter's end_mention_match that rules out what follows.
# Ruby's [[:word:]] holds marks (a combining accent, VS16) where Python's \w does not.
_WORD = r"\p{L}\p{M}\p{Nd}\p{Pc}"
_MASTODON_MENTION = rf"(?i)(?<![=/{_WORD}])@(([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[{_WORD}.-]+[{_WORD}]+)?)"
_END_MENTION = (
    r"[@\uFF20\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259"
    r"\u025B\u0263\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF]|://"
)


@cache
def _mention() -> Any:
    import regex  # ~35 ms to import: only text with '@' pays for it

    return regex.compile(_MASTODON_MENTION)


def mastodon_countable_text(text: str, url_length: int = 23) -> str:
    """The text Mastodon counts: each URL as ``url_length`` x's, each ``@user@domain`` as ``@user``."""
    if "@" not in text and "://" not in text:
        return text
    found = [(s, e, "x" * url_length) for s, e in mastodon_url_spans(text)]
    for start, end in windows(text, "@"):
        for m in _mention().finditer(text, start, end):
            if not compiled(_END_MENTION).match(text, m.end()):
                found.append((m.start(), m.end(), "@" + m.group(2)))
    if not found:
        return text
    parts, pos = [], 0
    for start, end, replacement in sorted(found):
        if start < pos:
            continue  # Extractor.remove_overlapping_entities: the earlier entity wins
        parts += [text[pos:start], replacement]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


@lru_cache(maxsize=CACHE_SIZE)
def _mastodon_measure(url_length: int, text: str) -> tuple[int, ...]:
    return (grapheme_count(mastodon_countable_text(text, url_length)),)


def mastodon_length(text: str, url_length: int = 23) -> int:
    """Mastodon's length of ``text`` (its ``StatusLengthValidator``)."""
    return _mastodon_measure(url_length, text)[0]


def mastodon_rules(limit: int, url_length: int) -> Rules:
    """Mastodon's rules for an instance's ``limit`` and URL cost (a C-level partial: no Python frame per word)."""
    return Rules("Mastodon", (limit,), partial(_mastodon_measure, url_length), ("characters",))
