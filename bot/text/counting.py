"""Counting rules in general: grapheme clusters, and ``Rules``, what a splitter needs to know of a network.

Each network's own counter lives in its folder (``bot/networks/<name>/counting.py``) and
builds a ``Rules``. Every counter is additive over whitespace: for whitespace-free tokens
``a``, ``b`` and a separator ``s``, ``measure(a + s + b) == measure(a) + measure(s) +
measure(b)`` (unless ``b`` starts with a combining mark, which would join ``s``'s
grapheme). The splitter relies on this and measures word by word, so counters cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.text.entities import compiled

TYPE_CHECKING = False  # typing costs import time; mypy still reads the block below
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

CACHE_SIZE = 1 << 16  # entries per counter's lru_cache: words recur across statements


@cache
def _graphemes() -> Any:
    import regex  # ~35 ms to import: only text that may join characters pays for it

    return regex.compile(r"\X")


# Outside these ranges a code point may join its neighbours into one grapheme
# (combining marks, ZWJ, Hangul jamo, emoji, ...); inside them each one stands alone.
_JOINING = (
    r"[^\x00-\u02ff\u0370-\u0482\u048a-\u0590\u0606-\u060f\u061b\u061d-\u064a\u0660-\u066f"
    r"\u05d0-\u05ea\u05ef-\u05f4\u0671-\u06d5\u06ee-\u06ff\u2010-\u2027\u2030-\u205e]"
)


def grapheme_count(text: str) -> int:
    """Number of extended grapheme clusters."""
    if text.isascii() or not compiled(_JOINING).search(text):
        return len(text) - text.count("\r\n")
    return len(_graphemes().findall(text))


def graphemes(text: str) -> list[str]:
    """The extended grapheme clusters of ``text``, in order."""
    return list(_graphemes().findall(text))


@dataclass(frozen=True)
class Rules:
    """How one account's network measures a post: counted quantities and their limits.

    ``measure(text)`` gives every quantity in the order of ``limits`` (and of ``units``,
    their names for messages: X also counts characters it refuses outright, with limit 0;
    Bluesky counts graphemes and UTF-8 bytes). ``sent(text)`` is the text as the network
    receives it (Bluesky shows links shortened); counting is of that form.
    """

    name: str
    limits: tuple[int, ...]
    measure: Callable[[str], tuple[int, ...]]
    units: tuple[str, ...] = ("characters",)
    sent: Callable[[str], str] = str

    @property
    def limit(self) -> int:
        """The headline limit (the first quantity's)."""
        return self.limits[0]

    def count(self, text: str) -> int:
        """The network's headline length of ``text``."""
        return self.measure(text)[0]

    def fits(self, text: str) -> bool:
        """Whether every quantity of ``text`` is within its limit."""
        return all(q <= lim for q, lim in zip(self.measure(text), self.limits, strict=False))

    def overrun(self, text: str) -> str | None:
        """What is over the limit, e.g. '3,012 bytes > 3,000', or None when it fits."""
        for quantity, limit, unit in zip(self.measure(text), self.limits, self.units, strict=False):
            if quantity > limit:
                return f"{quantity:,} {unit} > {limit:,}"
        return None
