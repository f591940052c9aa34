"""Threads' length rule: at most 500, counted in UTF-8 bytes, and at most 5 links a post.

The documentation says "Text posts are limited to 500 characters. Emojis are counted as
the number of UTF-8 bytes" (developers.facebook.com/docs/threads/posts). A production
report counted otherwise: a post of 498 characters with three curly apostrophes (504
UTF-8 bytes) was refused with "Param text must be at most 500 characters long"
(github.com/gitroomhq/postiz-app/pull/1946), which the documented reading would have
accepted. Counting every character's UTF-8 bytes is never below either reading (an
emoji's bytes are the same in both, any other character is at least 1 byte), so posts
planned this way fit whichever one Threads applies. Persian and Arabic letters then cost 2.

Links (developers.facebook.com/docs/threads/create-posts/text-attachments): at most 5
unique URLs a post, with or without a scheme. Here every link counts, repeated or not, and
so does every e-mail address (its domain reads as a bare link), which errs high only.
"""

from __future__ import annotations

from functools import lru_cache

from bot.text.counting import CACHE_SIZE, Rules
from bot.text.entities import find_entities

MAX_BYTES = 500
MAX_LINKS = 5


@lru_cache(maxsize=CACHE_SIZE)
def _threads_measure(text: str) -> tuple[int, ...]:
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    return size, threads_links(text)


def threads_links(text: str) -> int:
    """How many links Threads may see in ``text`` (URLs with or without scheme, e-mail domains).

    Counted word by word, so the count adds up over words as the splitter needs.
    """
    if "." not in text:
        return 0  # every link and address has a dot
    return sum(_word_links(word) for word in text.split() if "." in word)


@lru_cache(maxsize=CACHE_SIZE)
def _word_links(word: str) -> int:
    found = sum(1 for e in find_entities(word) if e.kind in ("url", "email"))
    # A scheme or "www." makes a link for Threads even where our extractor does not know the TLD.
    return max(found, 1 if "://" in word or word.lower().startswith("www.") else 0)


def threads_length(text: str) -> int:
    """Threads' length of ``text`` as counted here: its UTF-8 bytes."""
    return _threads_measure(text)[0]


def threads_rules(limit: int = MAX_BYTES) -> Rules:
    """Threads' rules: ``limit`` UTF-8 bytes (at most 500) and 5 links a post."""
    return Rules("Threads", (limit, MAX_LINKS), _threads_measure, ("bytes (UTF-8)", "links"))
