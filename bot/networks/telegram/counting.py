"""Telegram's length rule: code points of the message text after entity parsing.

The adapter sends HTML (``bot.networks.telegram.markup``) whose tags only add entities
around the planned text and whose ``&lt; &gt; &amp;`` decode back to it, so the text Telegram
stores is exactly the planned text. The Bot API documents "1-4096 characters after
entities parsing"; TDLib checks ``utf8_length`` (code points), and a live measurement
accepted 4,096 astral emoji (8,192 UTF-16 units) and refused 4,097 (see docs/servers.md).
"""

from __future__ import annotations

from bot.text.counting import Rules

MAX_CHARS = 4096


def _telegram_measure(text: str) -> tuple[int, ...]:
    return (len(text),)


def telegram_length(text: str) -> int:
    """Telegram's length of ``text``: its code points."""
    return len(text)


def telegram_rules(limit: int = MAX_CHARS) -> Rules:
    """Telegram's rules for messages of at most ``limit`` characters."""
    return Rules("Telegram", (limit,), _telegram_measure, ("characters",))
