"""Find links, e-mails, mentions and hashtags in post text, the way the networks do.

Pure: no I/O beyond reading the bundled TLD list once. URL extraction follows the
twitter-text extractor (``extractUrlsWithIndices``, v3.1): a URL may lack a scheme
but then needs a known TLD; host labels must be at most 63 characters once
punycode-encoded; trailing punctuation is left out; balanced parentheses inside a
path are kept. Mastodon's server uses the same extractor with a wider path
grammar and requires a scheme (``mastodon_url_spans``). Hosts and TLDs are matched in
code rather than by twitter-text's 1,574-way TLD pattern, which takes ~60 ms to compile;
the tests check that both find the same links.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache

TYPE_CHECKING = False  # typing costs import time; mypy still reads the block below
if TYPE_CHECKING:
    from typing import Any

_PUNCT_CORE = r"!'#%&()*+,\\./:;<=>?@\[\]^{|}~$"  # twitter-text's punctuation but '-' and '_'
_SPACES = r"\x09-\x0D\x20\x85\xA0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_INVALID = "\ufffe\ufeff\uffff"
_DIRECTIONAL = r"\u202A-\u202E\u061C\u200E\u200F\u2066-\u2069"
_LATIN = (
    r"\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263"
    r"\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF"
)
_CYRILLIC = r"\u0400-\u04FF"
_WHITE_SPACE = r"\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"  # \p{White_Space}
_LABEL_RUN = f"[^{_PUNCT_CORE}{_SPACES}{_INVALID}{_DIRECTIONAL}]+"  # host-label characters, '-' and '_' too
_ASCII_RUN = f"[-a-zA-Z0-9{_LATIN}]+"  # both cases spelled out, see _X_PATH
_NOT_BEFORE = f"[A-Za-z0-9@\uff20$#\uff03{_INVALID}]"  # cannot come right before a link
_TLD_FOLLOWER = "[0-9a-zA-Z@+-]"  # cannot come right after a TLD
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


@cache
def _tld_index() -> tuple[frozenset[str], tuple[int, ...]]:
    """The TLDs, and the lengths of those with a non-ASCII letter, longest first."""
    names = frozenset(tlds())
    return names, tuple(sorted({len(name) for name in names if not name.isascii()}, reverse=True))


def _tld_end(text: str, pos: int) -> int | None:
    """Where twitter-text's TLD pattern ends at ``pos``, if it matches there.

    Its alternation lists longer TLDs before their prefixes; one matches when no letter,
    digit, '@', '+' or '-' follows it, so an ASCII one must span the whole run of those.
    Failing that, an ``xn--`` label will do. Looking TLDs up in a set instead of compiling
    the 1,574-way pattern saves ~60 ms per process.
    """
    names, lengths = _tld_index()
    run = compiled(f"{_TLD_FOLLOWER}*").match(text, pos)
    assert run is not None  # it may match nothing
    if run.end() < len(text) and not text[run.end()].isascii():  # room for a TLD like "ایران"
        for size in lengths:
            end = pos + size
            if end <= len(text) and text[pos:end].lower() in names and not compiled(_TLD_FOLLOWER).match(text, end):
                return end
    if text[pos : run.end()].lower() in names:
        return run.end()
    puny = compiled(r"(?i)xn--[0-9a-z-]+").match(text, pos)
    return puny.end() if puny else None


def _labels(text: str, pos: int, run: str) -> list[tuple[int, int]]:
    """(start, end) of the consecutive dot-ended labels from ``pos``, dots left out."""
    labels = []
    while (label := compiled(run).match(text, pos)) and text.startswith(".", label.end()):
        labels.append((pos, label.end()))
        pos = label.end() + 1
    return labels


def _domain_end(text: str, pos: int) -> int | None:
    """Where twitter-text's ``validDomain`` (subdomains, a name, a TLD) ends at ``pos``.

    The pattern takes all the subdomains it can, then gives them back one at a time until
    the next label is a name (no '_') followed by a TLD; so does this.
    """
    labels = _labels(text, pos, _LABEL_RUN)
    edges = [text[start] not in "-_" and text[end - 1] not in "-_" for start, end in labels]
    subdomains = edges.index(False) if False in edges else len(labels)
    for k in range(min(subdomains, len(labels) - 1), -1, -1):
        start, end = labels[k]
        if edges[k] and "_" not in text[start:end] and (tld := _tld_end(text, end + 1)) is not None:
            return tld
    return None


def _ascii_domains(domain: str) -> list[tuple[int, int]]:
    """(start, end) of each match of twitter-text's ``validAsciiDomain`` in ``domain``."""
    found: list[tuple[int, int]] = []
    pos = 0
    while pos < len(domain):
        ends = (_tld_end(domain, end + 1) for _, end in reversed(_labels(domain, pos, _ASCII_RUN)))
        end = next((e for e in ends if e is not None), None)
        if end is None:
            pos += 1
        else:
            found.append((pos, end))
            pos = end
    return found


def _parens(path_char: str) -> str:
    return rf"\((?:{path_char}+|(?:{path_char}*\({path_char}+\){path_char}*))\)"


# Both cases spelled out instead of re.I: compiling re.I over these ranges costs ~10 ms, and
# JavaScript's /i (which twitter-text uses) does not fold e.g. U+212A KELVIN SIGN to "k" either.
_X_PATH = rf"[a-zA-Z{_CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{_LATIN}]"
_X_QUERY, _X_QUERY_END = r"[a-zA-Z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]", r"[a-zA-Z0-9\-_&=#/]"


@cache
def _flavour(mastodon: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The scheme pattern, and the port + path + query pattern after the host."""
    if mastodon:
        # config/initializers/twitter_regex.rb; its path-ending parens still use the X grammar.
        # The server also allows non-ASCII in queries, but Mastodon.py's table measured on a real
        # instance counts such a query literally: keep twitter-text's ASCII query, which errs long.
        scheme, char, at = r"(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://", rf"[^{_WHITE_SPACE}<>()?]", ""
        end = rf"(?:[^{_WHITE_SPACE}()?!*\"'「」<>;:=,.$%\[\]~&|@]|{_parens(_X_PATH)})"
    else:
        # Left ungrouped on purpose: twitter-text pastes this alternation into the path pattern
        # textually, so a path piece is either "chars ending well" or one bare "(...)" group.
        scheme, char, at = r"https?://", _X_PATH, "@"
        end = rf"[+\-a-zA-Z{_CYRILLIC}0-9=_#/{_LATIN}]|{_parens(_X_PATH)}"
    path = rf"(?:(?:{char}*(?:{_parens(char)}{char}*)*{end})|(?:{at}{char}+/))"
    rest = rf"(?::[0-9]+)?(/{path}*)?(?:\?{_X_QUERY}*{_X_QUERY_END})?"
    return re.compile(scheme, re.I), re.compile(rest)


@cache
def _tco() -> re.Pattern[str]:
    return re.compile(rf"https?://t\.co/([a-z0-9]+)(?:\?{_X_QUERY}*{_X_QUERY_END})?", re.I)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2  # JS string lengths count UTF-16 units


def _label_to_ascii(label: str) -> str:
    """punycode.js ``toASCII`` of one host label (it also splits on IDN full stops)."""
    parts = re.split("[.\u3002\uff0e\uff61]", label)
    return ".".join(
        "xn--" + p.encode("punycode").decode("ascii") if any(ord(c) > 0x7E for c in p) else p for p in parts
    )


def _valid_domain(url: str, protocol: str, domain: str) -> bool:
    """twitter-text ``isValidUrl``: every label 1..63 chars after punycode, URL at most 4096."""
    if domain.startswith("xn--") and not _ascii_domains(domain):
        return False
    labels = domain.split(".")
    try:
        plain = domain.isascii() and "\x7f" not in domain  # what punycode.js leaves alone
        encoded = labels if plain else [_label_to_ascii(label) for label in labels]
    except UnicodeError:
        return False
    if any(not 1 <= len(e) <= _LABEL_MAX for e in encoded):
        return False
    return len(protocol) + _utf16_len(url) <= _URL_MAX


def _match_at(text: str, pos: int, mastodon: bool) -> tuple[str, int, str, int, int, int, str] | None:
    """The URL twitter-text's pattern matches at ``pos``: its one character before (or none at
    the start), then (start, scheme, host start, host end, end, path)."""
    scheme_pattern, rest_pattern = _flavour(mastodon)
    starts = [(text[pos], pos + 1)] if pos < len(text) and not compiled(_NOT_BEFORE).match(text, pos) else []
    for before, start in starts + ([("", 0)] if pos == 0 else []):
        scheme = scheme_pattern.match(text, start)
        host = scheme.end() if scheme else start
        host_end = _domain_end(text, host)
        if host_end is not None:
            rest = rest_pattern.match(text, host_end)
            assert rest is not None  # every part of it is optional
            return before, start, scheme.group() if scheme else "", host, host_end, rest.end(), rest.group(1) or ""
    return None


def _scan(text: str, mastodon: bool) -> list[tuple[int, int]]:
    """(start, end) of the links twitter-text (or, with ``mastodon``, Mastodon) extracts."""
    spans: list[tuple[int, int]] = []
    pos, ahead = 0, -1  # ``ahead``: where the next possible TLD starts (searched again only once passed)
    while pos < len(text):
        if pos > ahead:
            maybe = compiled(_MAYBE_URL).search(text, pos)
            if maybe is None:
                break  # no TLD ahead: no link
            ahead = maybe.start()
        match = _match_at(text, pos, mastodon)
        if match is None:
            pos += 1
            continue
        before, start, protocol, host, host_end, end, path = match
        pos = end
        url, domain = text[start:end], text[host:host_end]
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
        if mastodon or before in ("-", "_", ".", "/"):
            continue
        found = [(host + s, host + e) for s, e in _ascii_domains(domain)]
        if found and path:
            found[-1] = (found[-1][0], end)
        spans.extend(found)
    return spans


_MAYBE_URL = r"\.[^\W\d_]"  # every TLD starts with a letter right after a dot
_WS = re.compile(f"[{_WHITE_SPACE}]")


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
    return _find(text, _MAYBE_URL, lambda word: _scan(word, mastodon=False))


def mastodon_url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every URL Mastodon's server gives the fixed URL length (scheme required)."""
    if "://" not in text:
        return []
    return _find(text, _MAYBE_URL, lambda word: _scan(word, mastodon=True))


_EMAIL = (
    r"(?<![\w.%+@\uFF20:/-])[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+([A-Za-z]{2,}|xn--[a-z0-9-]+))(?![\w-])"
)
_MENTION = (
    r"(?<![\w!#$%&*@\uFF20/=])[@\uFF20](?>[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*)"
    r"(?>@[\w-]+(?:\.[\w-]+)+)?(?![@\uFF20]|://)"
)
_HASHTAG_CHAR = (
    r"[\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb"
    r"\u3003\u0f0b\u0f0c\xb7]"
)  # twitter-text's hashtag letters


def _mentions(word: str) -> list[tuple[int, int]]:
    return [m.span() for m in compiled(_MENTION).finditer(word)]


def _hashtags(word: str) -> list[tuple[int, int]]:
    return [m.span() for m in _hashtag().finditer(word)]


def _emails(word: str) -> list[tuple[int, int]]:
    return [m.span() for m in compiled(_EMAIL).finditer(word) if m.group(2).lower() in _tld_index()[0]]


@cache
def _hashtag() -> Any:
    import regex  # slow to import (~35 ms); only texts with '#' need it

    return regex.compile(
        rf"(?<![\w&])[#\uFF03](?![\uFE0F\u20E3])"
        rf"(?={_HASHTAG_CHAR}*[\p{{L}}\p{{M}}])(?>{_HASHTAG_CHAR}+)(?![#\uFF03]|://)"
    )


def find_entities(text: str) -> list[Entity]:
    """Every URL, e-mail, mention and hashtag in ``text``, sorted, never overlapping.

    Where two candidates overlap, the earlier one wins (a URL over the hashtag in
    its ``#fragment``), as twitter-text's ``removeOverlappingEntities`` does.
    """
    found: list[tuple[int, int, str]] = [(s, e, "url") for s, e in url_spans(text)]
    if "@" in text or "\uff20" in text:
        found += [(s, e, "email") for s, e in _find(text, "[@\uff20]", _emails)]
        found += [(s, e, "mention") for s, e in _find(text, "[@\uff20]", _mentions)]
    if "#" in text or "\uff03" in text:
        found += [(s, e, "hashtag") for s, e in _find(text, "[#\uff03]", _hashtags)]
    entities: list[Entity] = []
    for start, end, kind in sorted(found, key=lambda f: (f[0], -f[1])):
        if entities and start < entities[-1].end:
            continue
        entities.append(Entity(kind, start, end, text[start:end]))
    return entities


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
