"""X's length rule: twitter-text v3 weighted length, exact to the character.

Driven by ``data/twitter-text-config-v3.json``: NFC first; every URL (with or without
scheme, see ``bot.text.entities.url_spans``) weighs ``transformedURLLength``; an emoji
sequence weighs ``defaultWeight``; any other code point weighs its range's weight; the sum
is divided by ``scale``. X also rejects a post holding U+FFFE, U+FEFF or U+FFFF, so
``measure`` reports their number as a second quantity with limit 0.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from bot.text.counting import CACHE_SIZE, Rules
from bot.text.entities import compiled, url_spans

TYPE_CHECKING = False  # typing costs import time; mypy still reads the block below
if TYPE_CHECKING:
    from typing import Any

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")


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
        return cls(
            data["maxWeightedTweetLength"],
            data["scale"],
            data["defaultWeight"],
            data["transformedURLLength"],
            bool(data.get("emojiParsingEnabled", False)),
            tuple((r["start"], r["end"], r["weight"]) for r in data["ranges"]),
        )

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
_VS_EMOJI = (
    r"\u231A\u231B\u25FD\u25FE\u2614\u2615\u2648-\u2653\u267F\u2693\u26A1\u26AA\u26AB\u26BD\u26BE"
    r"\u26C4\u26C5\u26D4\u26EA\u26F2\u26F3\u26F5\u26FA\u26FD\u2757\u2B1B\u2B1C\u2B50\u2B55"
    r"\U0001F004\U0001F21A\U0001F22F"
)


@cache
def _emoji() -> Any:
    import regex  # ~35 ms to import: only non-ASCII text pays for it

    # UTS #51 emoji sequences: keycaps, flags, then ZWJ chains of emoji (with skin tone, tags or
    # U+FE0F). As in twemoji, U+FE0F joins only a character with a standard emoji variation
    # sequence: text-style emoji, and the few emoji-style ones listed in _VS_EMOJI.
    # (C) and (R) weigh 1 as text, so they are emoji only with U+FE0F.
    elem = (
        r"(?:\p{Emoji_Modifier_Base}\p{Emoji_Modifier}"
        rf"|[[\p{{Emoji}}--\p{{Emoji_Presentation}}--[#*0-9]]{_VS_EMOJI}]\uFE0F"
        r"|[[\p{Emoji}\p{Extended_Pictographic}]--[#*0-9\xA9\xAE]])(?:[\U000E0020-\U000E007E]+\U000E007F)?"
    )
    return regex.compile(rf"[#*0-9]\uFE0F?\u20E3|\p{{Regional_Indicator}}{{2}}|{elem}(?:\u200D{elem})*", regex.V1)


def _char_weights(text: str, config: XConfig) -> int:
    if config.uniform is None:
        return sum(next((w for s, e, w in config.ranges if s <= ord(ch) <= e), config.default_weight) for ch in text)
    outside, weight = config.uniform
    heavy = len(outside.findall(text))
    return (len(text) - heavy) * weight + heavy * config.default_weight


# Every emoji sequence lies in a run of these, or opens with one of _EMOJI_OPENERS just before
# it: no other emoji character is below U+203C.
_EMOJI_RUN = r"[\u200D\u203C-\U0010FFFF]+"
_EMOJI_OPENERS = "#*0123456789\xa9\xae"


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
    return text.count("\ufffe") + text.count("\ufeff") + text.count("\uffff")


@lru_cache(maxsize=CACHE_SIZE)
def _x_measure(text: str) -> tuple[int, ...]:
    if text.isascii() and "." not in text:
        return (len(text), 0)
    return (x_weighted_length(text), x_invalid_characters(text))


def x_length(text: str) -> int:
    """X's weighted length of ``text`` (twitter-text v3)."""
    return _x_measure(text)[0]


def x_rules(limit: int) -> Rules:
    """X's rules at ``limit`` weighted characters (280, or an account's long-post limit)."""
    return Rules("X", (limit, 0), _x_measure, ("weighted characters", "characters X refuses (U+FFFE, U+FEFF, U+FFFF)"))
