"""Each network's own length rules, exact to the character.

- **X**: twitter-text v3 weighted length, driven by ``bot/data/twitter-text-config-v3.json``:
  NFC first; every URL (with or without scheme, see ``bot.entities.url_spans``) weighs
  ``transformedURLLength``; an emoji sequence weighs ``defaultWeight``; any other code
  point weighs its range's weight; the sum is divided by ``scale``. X also rejects a
  post holding U+FFFE, U+FEFF or U+FFFF, so ``measure`` reports their number as a
  second quantity with limit 0.
- **Mastodon**: the server's ``StatusLengthValidator``: extended grapheme clusters,
  every URL with a scheme counts ``url_length`` (the instance's
  ``characters_reserved_per_url``), ``@user@domain`` counts as ``@user``, a URL
  without scheme counts literally. (Unlike the server we do not count a
  whitespace-only text as 0: that keeps counts additive and only ever errs long.)
- **Bluesky**: at most 300 grapheme clusters and 3,000 UTF-8 bytes. Our Bluesky
  adapter shows every URL as ``bot.entities.display_url(url)`` (the link facet keeps
  the full URL), so a URL counts as its display form here.

All counters are additive over whitespace: for whitespace-free tokens ``a``, ``b``
and a separator ``s``, ``measure(a + s + b) == measure(a) + measure(s) + measure(b)``
(unless ``b`` starts with a combining mark, which would join ``s``'s grapheme).
The splitter relies on this and measures word by word, so results are cached.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache, partial

from bot.entities import DATA_DIR, compiled, display_url, find_entities, mastodon_url_spans, url_spans, windows

TYPE_CHECKING = False  # typing costs import time; mypy still reads the block below
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

PLATFORM_LIMITS = {"x": (280, 0), "mastodon": (500,), "bluesky": (300, 3000)}
_CACHE = 1 << 16


@dataclass(frozen=True)
class XConfig:
    """A twitter-text counting configuration (the fields of its JSON config files)."""

    max_weighted_length: int = 280
    scale: int = 100
    default_weight: int = 200
    url_length: int = 23
    emoji_parsing: bool = True
    ranges: tuple[tuple[int, int, int], ...] = ((0, 4351, 100),)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> XConfig:
        """Build from a parsed twitter-text config (v2 has no emoji flag: off)."""
        return cls(data["maxWeightedTweetLength"], data["scale"], data["defaultWeight"],
                   data["transformedURLLength"], bool(data.get("emojiParsingEnabled", False)),
                   tuple((r["start"], r["end"], r["weight"]) for r in data["ranges"]))

    @cached_property
    def uniform(self) -> tuple[re.Pattern[str], int] | None:
        """(pattern of code points outside every range, the ranges' weight) if they share one."""
        weights = {weight for _, _, weight in self.ranges}
        if len(weights) != 1:
            return None
        chars = "".join(f"{re.escape(chr(start))}-{re.escape(chr(end))}" for start, end, _ in self.ranges)
        return re.compile(f"[^{chars}]"), weights.pop()


@cache
def x_config() -> XConfig:
    """The bundled twitter-text v3 configuration."""
    import json  # only needed once, at first use

    with open(os.path.join(DATA_DIR, "twitter-text-config-v3.json"), encoding="utf-8") as f:
        return XConfig.from_json(json.load(f))


# Emoji shown as emoji by default that still have a variation sequence with U+FE0F
_VS_EMOJI = (r"\u231A\u231B\u25FD\u25FE\u2614\u2615\u2648-\u2653\u267F\u2693\u26A1\u26AA\u26AB\u26BD\u26BE"
             r"\u26C4\u26C5\u26D4\u26EA\u26F2\u26F3\u26F5\u26FA\u26FD\u2757\u2B1B\u2B1C\u2B50\u2B55"
             r"\U0001F004\U0001F21A\U0001F22F")


@cache
def _emoji() -> Any:
    import regex  # ~35 ms to import: only non-ASCII text pays for it

    # UTS #51 emoji sequences: keycaps, flags, then ZWJ chains of emoji (with skin tone, tags or
    # U+FE0F). As in twemoji, U+FE0F joins only a character with a standard emoji variation
    # sequence: text-style emoji, and the few emoji-style ones listed in _VS_EMOJI.
    # (C) and (R) weigh 1 as text, so they are emoji only with U+FE0F.
    elem = (r"(?:\p{Emoji_Modifier_Base}\p{Emoji_Modifier}"
            rf"|[[\p{{Emoji}}--\p{{Emoji_Presentation}}--[#*0-9]]{_VS_EMOJI}]\uFE0F"
            r"|[[\p{Emoji}\p{Extended_Pictographic}]--[#*0-9\xA9\xAE]])(?:[\U000E0020-\U000E007E]+\U000E007F)?")
    return regex.compile(rf"[#*0-9]\uFE0F?\u20E3|\p{{Regional_Indicator}}{{2}}|{elem}(?:\u200D{elem})*",
                         regex.V1)


@cache
def _graphemes() -> Any:
    import regex

    return regex.compile(r"\X")


def _char_weights(text: str, config: XConfig) -> int:
    if config.uniform is None:
        return sum(next((w for s, e, w in config.ranges if s <= ord(ch) <= e), config.default_weight)
                   for ch in text)
    outside, weight = config.uniform
    heavy = len(outside.findall(text))
    return (len(text) - heavy) * weight + heavy * config.default_weight


# Every emoji sequence lies in a run of these, or opens with one of _EMOJI_OPENERS just before
# it: no other emoji character is below U+203C.
_EMOJI_RUN = r"[\u200D\u203C-\U0010FFFF]+"
_EMOJI_OPENERS = "#*0123456789\xA9\xAE"


def _x_segment(text: str, config: XConfig) -> int:
    """Weight (in scale units) of text holding no URL."""
    total = _char_weights(text, config)
    if not config.emoji_parsing or text.isascii():
        return total
    for run in compiled(_EMOJI_RUN).finditer(text):
        start = run.start() - (run.start() > 0 and text[run.start() - 1] in _EMOJI_OPENERS)
        for emoji in _emoji().finditer(text, start, run.end()):
            total += config.default_weight - _char_weights(emoji.group(), config)
    return total


def x_weighted_length(text: str, config: XConfig | None = None) -> int:
    """twitter-text ``parseTweet(text).weightedLength`` under ``config`` (default v3)."""
    config = config or x_config()
    text = unicodedata.normalize("NFC", text)
    total, pos = 0, 0
    for start, end in url_spans(text):
        total += _x_segment(text[pos:start], config) + config.url_length * config.scale
        pos = end
    total += _x_segment(text[pos:], config)
    return -(-total // config.scale)


def x_invalid_characters(text: str) -> int:
    """How many characters X refuses outright (U+FFFE, U+FEFF, U+FFFF)."""
    text = unicodedata.normalize("NFC", text)
    return text.count("\uFFFE") + text.count("\uFEFF") + text.count("\uFFFF")


@lru_cache(maxsize=_CACHE)
def _x_measure(text: str) -> tuple[int, ...]:
    if text.isascii() and "." not in text:
        return (len(text), 0)
    return (x_weighted_length(text), x_invalid_characters(text))


def x_length(text: str) -> int:
    """X's weighted length of ``text`` (twitter-text v3)."""
    return _x_measure(text)[0]


# Outside these ranges a code point may join its neighbours into one grapheme
# (combining marks, ZWJ, Hangul jamo, emoji, ...); inside them each one stands alone.
_JOINING = (r"[^\x00-\u02ff\u0370-\u0482\u048a-\u0590\u0606-\u060f\u061b\u061d-\u064a\u0660-\u066f"
            r"\u05d0-\u05ea\u05ef-\u05f4\u0671-\u06d5\u06ee-\u06ff\u2010-\u2027\u2030-\u205e]")


def grapheme_count(text: str) -> int:
    """Number of extended grapheme clusters."""
    if text.isascii() or not compiled(_JOINING).search(text):
        return len(text) - text.count("\r\n")
    return len(_graphemes().findall(text))


# Mastodon's Account::MENTION_RE, and Twitter's end_mention_match that rules out what follows
_MASTODON_MENTION = r"(?i)(?<![=/\w])@(([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[\w.-]+\w+)?)"
_END_MENTION = (r"[@\uFF20\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259"
                r"\u025B\u0263\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF]|://")


def mastodon_countable_text(text: str, url_length: int = 23) -> str:
    """The text Mastodon counts: each URL as ``url_length`` x's, each ``@user@domain`` as ``@user``."""
    if "@" not in text and "://" not in text:
        return text
    found = [(s, e, "x" * url_length) for s, e in mastodon_url_spans(text)]
    for start, end in windows(text, "@"):
        for m in compiled(_MASTODON_MENTION).finditer(text, start, end):
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


@lru_cache(maxsize=_CACHE)
def _mastodon_measure(url_length: int, text: str) -> tuple[int, ...]:
    return (grapheme_count(mastodon_countable_text(text, url_length)),)


def mastodon_length(text: str, url_length: int = 23) -> int:
    """Mastodon's length of ``text`` (its ``StatusLengthValidator``)."""
    return _mastodon_measure(url_length, text)[0]


def bluesky_text(text: str) -> str:
    """The text our Bluesky adapter sends: each URL replaced by its display form."""
    if "." not in text:
        return text  # every link has a dot
    parts, pos = [], 0
    for entity in find_entities(text):
        if entity.kind == "url":
            parts += [text[pos:entity.start], display_url(entity.text)]
            pos = entity.end
    return "".join(parts) + text[pos:] if parts else text


@lru_cache(maxsize=_CACHE)
def _bluesky_measure(text: str) -> tuple[int, ...]:
    shown = bluesky_text(text)
    return (grapheme_count(shown), len(shown) if shown.isascii() else len(shown.encode("utf-8")))


def bluesky_graphemes(text: str) -> int:
    """Bluesky's grapheme count of ``text`` as our adapter sends it."""
    return _bluesky_measure(text)[0]


def bluesky_bytes(text: str) -> int:
    """Bluesky's UTF-8 byte count of ``text`` as our adapter sends it."""
    return _bluesky_measure(text)[1]


def _measurer(platform: str, url_length: int) -> Callable[[str], tuple[int, ...]]:
    if platform == "mastodon":
        return partial(_mastodon_measure, url_length)
    return _x_measure if platform == "x" else _bluesky_measure


@dataclass(frozen=True)
class Rules:
    """How one network (or one account on it) measures a post, and its limits."""

    platform: str
    limit: int
    limits: tuple[int, ...]
    url_length: int = 23

    def __post_init__(self) -> None:
        # measure() runs for every word of every statement: bind the cached counter itself
        object.__setattr__(self, "measure", _measurer(self.platform, self.url_length))

    def measure(self, text: str) -> tuple[int, ...]:
        """Every counted quantity of ``text``, in the order of ``limits``."""
        return _measurer(self.platform, self.url_length)(text)

    def count(self, text: str) -> int:
        """The network's headline length of ``text``."""
        return self.measure(text)[0]

    def fits(self, text: str) -> bool:
        """Whether every quantity of ``text`` is within its limit."""
        return all(q <= lim for q, lim in zip(self.measure(text), self.limits))


def rules_for(platform: str, limit: int | None = None, url_length: int = 23) -> Rules:
    """The rules of ``platform``; ``limit`` overrides the headline limit (e.g. an instance's)."""
    if platform not in PLATFORM_LIMITS:
        from bot.errors import ConfigError  # error path only: keeps `import bot.counting` light

        raise ConfigError(f"unknown platform {platform!r}; expected one of {', '.join(PLATFORM_LIMITS)}")
    limits = PLATFORM_LIMITS[platform]
    if limit is not None:
        limits = (limit, *limits[1:])
    return Rules(platform, limits[0], limits, url_length)
