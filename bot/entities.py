"""Find links, e-mails, mentions and hashtags in post text, the way the networks do.

Pure: no I/O beyond reading the bundled TLD list once. URL extraction follows the
twitter-text extractor (``extractUrlsWithIndices``, v3.1): a URL may lack a scheme
but then needs a known TLD; host labels must be at most 63 characters once
punycode-encoded; trailing punctuation is left out; balanced parentheses inside a
path are kept. Mastodon's server uses the same extractor with a wider path
grammar and requires a scheme (``mastodon_url_spans``). The big TLD pattern takes
~25 ms to compile, so each URL pattern is built on first use, not at import.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Iterator
from functools import cache

TYPE_CHECKING = False  # typing costs import time; mypy still reads the block below
if TYPE_CHECKING:
    from typing import Any

_PUNCT = r"!'#%&()*+,\\\-./:;<=>?@\[\]^_{|}~$"
_SPACES = r"\x09-\x0D\x20\x85\xA0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_INVALID = "\uFFFE\uFEFF\uFFFF"
_DIRECTIONAL = r"\u202A-\u202E\u061C\u200E\u200F\u2066-\u2069"
_LATIN = (r"\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263"
          r"\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF")
_CYRILLIC = r"\u0400-\u04FF"
_WHITE_SPACE = r"\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"  # \p{White_Space}
_DC = f"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"  # a character allowed in a host label
_PRECEDING = f"(?:[^A-Za-z0-9@\uFF20$#\uFF03{_INVALID}]|[{_DIRECTIONAL}]|^)"
DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
_TCO_SLUG_MAX = 40
_URL_MAX = 4096
_LABEL_MAX = 63


compiled = cache(re.compile)  # patterns compiled on first use: importing compiles nothing


@dataclass(frozen=True)
class Entity:
    """One entity in a text: ``text == source[start:end]`` (Python str offsets)."""

    kind: str  # 'url' | 'email' | 'mention' | 'hashtag'
    start: int
    end: int
    text: str


@cache
def tlds() -> tuple[str, ...]:
    """twitter-text's TLD list (generic, then country codes), lower case."""
    with open(os.path.join(DATA_DIR, "twitter-text-tlds.txt"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    return tuple(line for line in lines if line and not line.startswith("#"))


def _trie(words: list[str]) -> str:
    """An alternation of ``words`` as a prefix tree: far faster to match than a flat list.

    Longer words come before their prefixes, as in twitter-text's reverse-sorted list, so
    the same TLD wins.
    """
    heads: dict[str, list[str]] = {}
    for word in words:
        if word:
            heads.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(head) + _trie(tails) for head, tails in sorted(heads.items(), reverse=True)]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in words else body


@cache
def _tld_pattern() -> str:
    return "(?:" + _trie([t.lower() for t in tlds()]) + "(?=[^0-9a-zA-Z@+-]|$)|xn--[0-9a-z-]+)"


def _parens(path_char: str) -> str:
    return rf"\((?:{path_char}+|(?:{path_char}*\({path_char}+\){path_char}*))\)"


@cache
def _ascii_domain() -> re.Pattern[str]:
    return re.compile(rf"(?:[-a-z0-9{_LATIN}]+\.)+{_tld_pattern()}", re.I)


def _url_regex(protocol: str, path_char: str, path_end: str, query: str, query_end: str,
               at_path: str) -> re.Pattern[str]:
    subdomain = rf"(?:(?:{_DC}(?:[_-]|{_DC})*)?{_DC}\.)"
    domain_name = rf"(?:(?:{_DC}(?:-|{_DC})*)?{_DC}\.)"
    path = (rf"(?:(?:{path_char}*(?:{_parens(path_char)}{path_char}*)*{path_end})"
            rf"|(?:{at_path}{path_char}+/))")
    return re.compile(
        rf"({_PRECEDING})((?:{protocol})?({subdomain}*{domain_name}{_tld_pattern()})"
        rf"(?::[0-9]+)?(/{path}*)?(\?{query}*{query_end})?)", re.I)


_X_PATH = rf"[a-z{_CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{_LATIN}]"
_X_QUERY, _X_QUERY_END = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]", r"[a-z0-9\-_&=#/]"


@cache
def _x_url() -> re.Pattern[str]:
    # Left ungrouped on purpose: twitter-text pastes this alternation into the path pattern
    # textually, so a path piece is either "chars ending well" or one bare "(...)" group.
    end = rf"[+\-a-z{_CYRILLIC}0-9=_#/{_LATIN}]|{_parens(_X_PATH)}"
    return _url_regex(r"(https?://)", _X_PATH, end, _X_QUERY, _X_QUERY_END, at_path="@")


@cache
def _mastodon_url() -> re.Pattern[str]:
    # config/initializers/twitter_regex.rb; its path-ending parens still use the X path grammar
    path = rf"[^{_WHITE_SPACE}<>()?]"
    end = rf"(?:[^{_WHITE_SPACE}()?!*\"'「」<>;:=,.$%\[\]~&|@]|{_parens(_X_PATH)})"
    # The server also allows non-ASCII in queries, but Mastodon.py's table measured on a real
    # instance counts such a query literally: keep twitter-text's ASCII query, which errs long.
    return _url_regex(r"((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)", path, end,
                      _X_QUERY, _X_QUERY_END, at_path="")


@cache
def _tco() -> re.Pattern[str]:
    return re.compile(rf"https?://t\.co/([a-z0-9]+)(?:\?{_X_QUERY}*{_X_QUERY_END})?", re.I)


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)  # JS string lengths count UTF-16 units


def _label_to_ascii(label: str) -> str:
    """punycode.js ``toASCII`` of one host label (it also splits on IDN full stops)."""
    parts = re.split("[.\u3002\uFF0E\uFF61]", label)
    return ".".join("xn--" + p.encode("punycode").decode("ascii") if any(ord(c) > 0x7E for c in p) else p
                    for p in parts)


def _valid_domain(url: str, protocol: str, domain: str) -> bool:
    """twitter-text ``isValidUrl``: every label 1..63 chars after punycode, URL at most 4096."""
    if domain.startswith("xn--") and not _ascii_domain().search(domain):
        return False
    try:
        encoded = [_label_to_ascii(label) for label in domain.split(".")]
    except UnicodeError:
        return False
    if any(not 1 <= len(e) <= _LABEL_MAX for e in encoded):
        return False
    return len(protocol) + _utf16_len(url) <= _URL_MAX


def _scan(text: str, pattern: re.Pattern[str], schemeless: bool) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        before, url, protocol, domain, path = m.group(1, 2, 3, 4, 5)
        start, end = m.start(2), m.end(2)
        if not _valid_domain(url, protocol or "https://", domain):
            continue
        if protocol:
            tco = _tco().match(url)
            if tco:
                if len(tco.group(1)) > _TCO_SLUG_MAX:
                    continue
                end = start + tco.end()  # t.co links take no extra path
            spans.append((start, end))
            continue
        if not schemeless or before[-1:] in ("-", "_", ".", "/"):
            continue
        found = [(start + a.start(), start + a.end()) for a in _ascii_domain().finditer(domain)]
        if found and path:
            found[-1] = (found[-1][0], end)
        spans.extend(found)
    return spans


_MAYBE_URL = r"\.[^\W\d_]"  # every TLD starts with a letter right after a dot
_WS = re.compile(r"[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")


def windows(text: str, trigger: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each word of ``text`` where ``trigger`` matches, with the space before it.

    No link, e-mail, mention or hashtag holds White_Space, so matching within these windows
    finds what matching the whole text would, far faster on long texts. The space before
    each word stays in: a link pattern would rather take a word's first character as the
    one "before" the link than match at the start of the text.
    """
    backwards, done = "", 0
    for hit in compiled(trigger).finditer(text):
        if hit.start() < done:
            continue
        backwards = backwards or text[::-1]
        space = _WS.search(backwards, len(text) - hit.start())
        start = len(text) - 1 - space.start() if space else 0
        space = _WS.search(text, hit.start())
        done = space.start() if space else len(text)
        yield start, done


def _find(text: str, trigger: str, pattern: Callable[[str], Iterable[tuple[int, int]]]) -> list[tuple[int, int]]:
    return [(start + s, start + e) for start, end in windows(text, trigger) for s, e in pattern(text[start:end])]


def url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every URL twitter-text extracts, with or without scheme."""
    if "." not in text:
        return []
    return _find(text, _MAYBE_URL, lambda word: _scan(word, _x_url(), schemeless=True))


def mastodon_url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every URL Mastodon's server gives the fixed URL length (scheme required)."""
    if "://" not in text:
        return []
    return _find(text, _MAYBE_URL, lambda word: _scan(word, _mastodon_url(), schemeless=False))


_EMAIL = (r"(?<![\w.%+@\uFF20:/-])[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@"
                    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+([A-Za-z]{2,}|xn--[a-z0-9-]+))(?![\w-])")
_MENTION = (r"(?<![\w!#$%&*@\uFF20/=])[@\uFF20](?>[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*)"
                      r"(?>@[\w-]+(?:\.[\w-]+)+)?(?![@\uFF20]|://)")
_HASHTAG_CHAR = r"[\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\xb7]"


def _mentions(word: str) -> list[tuple[int, int]]:
    return [m.span() for m in compiled(_MENTION).finditer(word)]


def _hashtags(word: str) -> list[tuple[int, int]]:
    return [m.span() for m in _hashtag().finditer(word)]


def _emails(word: str) -> list[tuple[int, int]]:
    return [m.span() for m in compiled(_EMAIL).finditer(word) if m.group(2).lower() in _tld_set()]


@cache
def _hashtag() -> Any:
    import regex  # slow to import (~35 ms); only texts with '#' need it

    return regex.compile(rf"(?<![\w&])[#\uFF03](?![\uFE0F\u20E3])"
                         rf"(?={_HASHTAG_CHAR}*[\p{{L}}\p{{M}}])(?>{_HASHTAG_CHAR}+)(?![#\uFF03]|://)")


def find_entities(text: str) -> list[Entity]:
    """Every URL, e-mail, mention and hashtag in ``text``, sorted, never overlapping.

    Where two candidates overlap, the earlier one wins (a URL over the hashtag in
    its ``#fragment``), as twitter-text's ``removeOverlappingEntities`` does.
    """
    found: list[tuple[int, int, str]] = [(s, e, "url") for s, e in url_spans(text)]
    if "@" in text or "\uFF20" in text:
        found += [(s, e, "email") for s, e in _find(text, "[@\uFF20]", _emails)]
        found += [(s, e, "mention") for s, e in _find(text, "[@\uFF20]", _mentions)]
    if "#" in text or "\uFF03" in text:
        found += [(s, e, "hashtag") for s, e in _find(text, "[#\uFF03]", _hashtags)]
    entities: list[Entity] = []
    for start, end, kind in sorted(found, key=lambda f: (f[0], -f[1])):
        if entities and start < entities[-1].end:
            continue
        entities.append(Entity(kind, start, end, text[start:end]))
    return entities


@cache
def _tld_set() -> frozenset[str]:
    return frozenset(tlds())


_SCHEME = r"(?i)^[a-z][a-z0-9+.-]*://"
DISPLAY_URL_MAX = 30


def display_url(url: str) -> str:
    """How the Bluesky app shows a link: no scheme, no ``www.``, cut to 30 characters with '…'."""
    shown = compiled(_SCHEME).sub("", url, count=1)
    if shown[:4].lower() == "www.":
        shown = shown[4:]
    if shown.endswith("/") and shown.count("/") == 1:
        shown = shown[:-1]
    return shown if len(shown) <= DISPLAY_URL_MAX else shown[: DISPLAY_URL_MAX - 1] + "…"
