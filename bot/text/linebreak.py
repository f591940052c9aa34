"""Break opportunities inside text written without spaces (UAX #14 through ICU), for the splitter.

Chinese, Japanese, Thai, Lao, Khmer and Burmese put no space between words, so a run of
them is cut where Unicode's line-breaking rules allow (ICU, through icu4py, with its
dictionaries for Thai, Lao, Khmer and Burmese and ``ja@lb=strict`` for Japanese small kana).
icu4py is imported only for text that needs it: an English statement never loads it.
Korean keeps breaking at spaces only (editors keep Hangul words whole), and no break is
offered inside a link, mention, hashtag or e-mail (ICU breaks a URL after ``/``), nor next
to Hangul. See docs/line-breaking.md for the measurements behind these choices.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

from bot.text.breakwords import base_language
from bot.text.entities import find_entities

# Scripts whose lines break without spaces: Thai, Lao, Myanmar, Khmer; CJK punctuation, kana, Han, full-width
# forms. Hangul is absent on purpose. Checked with bisect, not a regex: a character class spanning the CJK
# blocks takes ~10 ms to compile, and every preview would pay it.
_ICU_RANGES = (
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x3000, 0x30FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x3134F),
)  # fmt: skip
_IDEOGRAPHIC_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
_HANGUL_RANGES = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
_SPACED_RANGES = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF))  # Thai, Lao, Burmese, Khmer
_LOCALES = {"ja": "ja@lb=strict", "zh": "zh", "th": "th", "lo": "lo", "km": "km", "my": "my"}


def _in(ranges: tuple[tuple[int, int], ...], ch: str) -> bool:
    code = ord(ch)
    k = bisect_right(ranges, (code, 0x10FFFF)) - 1
    return k >= 0 and ranges[k][0] <= code <= ranges[k][1]


def needs_icu(text: str) -> bool:
    """Whether ``text`` holds a script that breaks without spaces."""
    if text.isascii() or max(text) < "\u0e00":
        return False
    return any(_in(_ICU_RANGES, ch) for ch in text if ch >= "\u0e00")


def ideographs(text: str) -> int:
    """How many Han characters and kana ``text`` holds."""
    return sum(1 for ch in text if ch >= "\u3040" and _in(_IDEOGRAPHIC_RANGES, ch))


def is_spaced_script(ch: str) -> bool:
    """Thai, Lao, Burmese or Khmer: scripts that put a space between phrases, not between words."""
    return bool(ch) and _in(_SPACED_RANGES, ch)


@lru_cache(maxsize=4096)
def segments(token: str, language: str) -> tuple[tuple[str, bool], ...]:
    """``token`` (no whitespace) cut at its break opportunities: (segment, whether the break after it falls
    between words). Breaks inside a word happen only in Chinese and Japanese, where ICU offers one between any
    two ideographs; elsewhere every opportunity is a word boundary. The last segment's flag is True.
    """
    if not needs_icu(token):
        return ((token, True),)
    from icu4py.breakers import LineBreaker, WordBreaker  # ~15 ms, only for text that needs it

    base = base_language(language)
    kana = any("\u3040" <= ch <= "\u30ff" for ch in token)
    han = ideographs(token) > 0
    locale = "ja@lb=strict" if kana else _LOCALES.get(base, "zh" if han else base)
    offsets = _offsets(LineBreaker(token, locale))
    if han:
        # Words (Chinese dictionary) or phrases (Japanese bunsetsu, ICU's lw=phrase) tell a clean break from one
        # inside a word.
        words = set(_offsets(LineBreaker(token, "ja@lb=strict;lw=phrase") if kana else WordBreaker(token, "zh")))
    else:
        words = set(offsets)
    banned = _protected(token)
    cuts = [o for o in offsets if o not in banned and o < len(token)]
    out, start = [], 0
    for cut in cuts:
        out.append((token[start:cut], cut in words))
        start = cut
    out.append((token[start:], True))
    return tuple(out)


def _offsets(breaker: Iterable[str]) -> list[int]:
    """Code-point offsets after each segment (iterating gives str segments, so no UTF-16 units to convert)."""
    offsets, pos = [], 0
    for segment in breaker:
        pos += len(segment)
        offsets.append(pos)
    return offsets


def _protected(token: str) -> set[int]:
    """Offsets where no break may fall: inside an entity, or next to Hangul."""
    banned: set[int] = set()
    for entity in find_entities(token):
        banned.update(range(entity.start + 1, entity.end))
    hangul = [_in(_HANGUL_RANGES, ch) for ch in token]
    if any(hangul):
        banned.update(i for i in range(1, len(token)) if hangul[i - 1] or hangul[i])
    return banned
