"""How the local Threads server measures post text and counts links.

Length (developers.facebook.com/docs/threads/posts, "Limitations"): "Text posts are limited to 500
characters. Emojis are counted as the number of UTF-8 bytes"; the reference repeats it for ``text``
(developers.facebook.com/docs/threads/reference/publishing). Three readings, chosen with
``ThreadsServer.configure(text_counting=…)``:

- ``"documented"`` (default): every character (code point, Python ``len``) counts 1, except that an
  emoji (a grapheme cluster holding an Extended_Pictographic character, a regional-indicator flag or a
  keycap) counts its UTF-8 bytes: 😀 = 4, ❤️ = 6, 🇮🇷 = 8, 👨‍👩‍👧 = 18.
- ``"utf8_bytes"``: every character counts its UTF-8 bytes. Not what the docs say, but what a production
  report saw (github.com/gitroomhq/postiz-app/pull/1946: 498 characters holding three curly apostrophes,
  504 bytes, refused with "Param text must be at most 500 characters long"). Persian letters count 2.
- ``"code_points"``: Python ``len``.

Links (developers.facebook.com/docs/threads/create-posts/text-attachments, "How links are counted"): all
unique URLs in ``text`` count, plus ``link_attachment`` when it differs from them; more than 5 fails at
container creation with THREADS_API__LINK_LIMIT_EXCEEDED. The docs' own examples are bare domains
(www.facebook.com), so URLs with or without a scheme count; the same address with and without
``https://`` or a trailing slash counts once.
"""

from __future__ import annotations

import regex

EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3")
GRAPHEME = regex.compile(r"\X")
# Common top-level domains for scheme-less addresses ("statement.pdf" or "e.g." must not count as links).
TLDS = (
    "com|net|org|info|io|co|me|app|dev|edu|gov|int|ir|uk|de|fr|eu|ca|au|news|xyz|social|online|site|tv|ly|"
    "gl|gd|link|page|blog|org\\.uk|co\\.uk"
)
URL = regex.compile(rf"(?i)\b(?:https?://[^\s<>\"]+|www\.[^\s<>\"]+|(?:[a-z0-9-]+\.)+(?:{TLDS})\b(?:/[^\s<>\"]*)?)")
COUNTINGS = ("documented", "utf8_bytes", "code_points")


def length(text: str, counting: str = "documented") -> int:
    """The text's length under one of the COUNTINGS readings."""
    if counting == "utf8_bytes":
        return len(text.encode("utf-8"))
    if counting == "code_points":
        return len(text)
    if counting != "documented":
        raise ValueError(f"unknown counting {counting!r}; expected one of {COUNTINGS}")
    total = 0
    for cluster in GRAPHEME.findall(text):
        total += len(cluster.encode("utf-8")) if EMOJI.search(cluster) else len(cluster)
    return total


def _normalize(url: str) -> str:
    """One key per address: no scheme, lower-case host, no trailing slash or sentence punctuation."""
    url = url.rstrip(".,;:!?)'\"")
    bare = regex.sub(r"(?i)^https?://", "", url).rstrip("/")
    host, _, rest = bare.partition("/")
    return host.lower() + ("/" + rest if rest else "")


def links(text: str, attachment: str | None = None) -> set[str]:
    """The unique links of a post: URLs in ``text`` plus a differing ``link_attachment``."""
    found = {_normalize(match) for match in URL.findall(text or "")}
    if attachment:
        found.add(_normalize(attachment))
    return found
