"""Telegram's HTML parse mode and text rules, written from the Bot API documentation.

Source: core.telegram.org/bots/api#html-style ("Formatting options"). Supported tags: b/strong,
i/em, u/ins, s/strike/del, span class="tg-spoiler" and tg-spoiler, a href, tg-emoji, tg-time, code,
pre (with a nested code class="language-…"), blockquote [expandable]. Only &lt; &gt; &amp; &quot; and
numeric entities are decoded. The error wording ("Unsupported start tag "p" at byte offset 0", …)
follows TDLib's parse_html (github.com/tdlib/td, td/telegram/MessageEntity.cpp), the library the Bot
API server runs on; the Bot API prefixes it with "Bad Request: can't parse entities: ".

Entity offsets and lengths are in UTF-16 code units (core.telegram.org/bots/api#messageentity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SUPPORTED = {
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "tg-time",
    "span",
    "pre",
    "code",
    "blockquote",
}
SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}  # the only named entities the Bot API supports
SPACES = " \t\r\n\v\0"
LINK = re.compile(r"^(?:(?:https?|tg|ton)://\S+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?)$", re.IGNORECASE)
AUTO_URL = re.compile(r"https?://[^\s<>\"]+")


class EntityError(ValueError):
    """The text is not valid Telegram HTML; the message is TDLib's."""


@dataclass
class _Open:
    tag: str
    argument: str
    date: int
    offset: int  # UTF-16 offset in the output
    start: int  # index in the output list


@dataclass
class Formatted:
    """Text after entity parsing, with its MessageEntity dicts (UTF-16 offsets)."""

    text: str
    entities: list[dict[str, object]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (a code point above U+FFFF counts 2)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def parse_html(source: str) -> Formatted:
    """Parse Telegram HTML into text and entities, or raise EntityError with TDLib's wording."""
    out: list[str] = []
    opened: list[_Open] = []
    entities: list[dict[str, object]] = []
    offset, i, n, bad_surrogate = 0, 0, len(source), False

    while i < n:
        char = source[i]
        if char == "&":
            decoded = _entity(source, i)
            if decoded is not None:
                char, i = decoded
                out.append(char)
                offset += 2 if ord(char) > 0xFFFF else 1
                bad_surrogate |= 0xD800 <= ord(char) <= 0xDFFF
                continue
        if char != "<":
            out.append(char)
            offset += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        if source[i + 1 : i + 2] != "/":
            i, tag, argument, date = _start_tag(source, begin)
            opened.append(_Open(tag, argument, date, offset, len(out)))
            continue
        if not opened:
            raise EntityError(f"Unexpected end tag at byte offset {_byte(source, begin)}")
        j = i + 2
        while j < n and source[j] not in SPACES and source[j] != ">":
            j += 1
        name = source[i + 2 : j].lower()
        while j < n and source[j] in SPACES:
            j += 1
        if j >= n or source[j] != ">":
            raise EntityError(f"Unclosed end tag at byte offset {_byte(source, begin)}")
        top = opened.pop()
        if name and name != top.tag:
            raise EntityError(
                f'Unmatched end tag at byte offset {_byte(source, begin)}, expected "</{top.tag}>", found "</{name}>"'
            )
        if offset > top.offset:
            _close(top, offset, "".join(out[top.start :]), entities)
        i = j + 1
    if opened:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{opened[-1].tag}"')
    if bad_surrogate:
        raise EntityError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        )
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)  # a language only belongs to pre
    entities.sort(key=lambda e: (e["offset"], -int(str(e["length"]))))
    return Formatted("".join(out), entities)


def _entity(source: str, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at ``pos`` (the semicolon is optional); None leaves the '&' as text."""
    end = pos + 1
    if source[end : end + 1] == "#":
        end += 1
        digits = "0123456789abcdefABCDEF" if source[end : end + 1] == "x" else "0123456789"
        base = 16 if digits[-1] == "F" else 10
        end += base == 16
        start = end
        while end < len(source) and source[end] in digits:
            end += 1
        value = int(source[start:end], base) if end > start else 0
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(value)
    else:
        while end < len(source) and source[end].isascii() and source[end].isalpha():
            end += 1
        if source[pos + 1 : end] not in NAMED:
            return None
        char = NAMED[source[pos + 1 : end]]
    return char, end + (source[end : end + 1] == ";")


def _byte(source: str, index: int) -> int:
    """TDLib reports byte offsets into the UTF-8 source."""
    return len(source[:index].encode("utf-8", "surrogatepass"))


def _start_tag(source: str, begin: int) -> tuple[int, str, str, int]:
    """Parse a start tag at ``begin``; (index after '>', tag, argument, date)."""
    n, i = len(source), begin + 1
    while i < n and source[i] not in SPACES and source[i] != ">":
        i += 1
    if i >= n:
        raise EntityError(f"Unclosed start tag at byte offset {_byte(source, begin)}")
    tag = source[begin + 1 : i].lower()
    if tag not in SUPPORTED:
        raise EntityError(f'Unsupported start tag "{tag}" at byte offset {_byte(source, begin)}')
    unclosed = EntityError(f'Unclosed start tag "{tag}" at byte offset {_byte(source, begin)}')
    argument, date = "", 0
    while True:
        while i < n and source[i] in SPACES:
            i += 1
        if i >= n:
            raise unclosed
        if source[i] == ">":
            break
        name_start = i
        while i < n and source[i] not in SPACES and source[i] not in "=>/\"'":
            i += 1
        name = source[name_start:i]
        if not name:
            raise EntityError(f'Empty attribute name in the tag "{tag}" at byte offset {_byte(source, begin)}')
        while i < n and source[i] in SPACES:
            i += 1
        if i >= n:
            raise unclosed
        if source[i] != "=":
            if tag == "blockquote" and name == "expandable":
                argument = "1"
            continue
        i += 1
        while i < n and source[i] in SPACES:
            i += 1
        if i >= n:
            raise unclosed
        if source[i] in "\"'":
            quote, i, chars = source[i], i + 1, []
            while i < n and source[i] != quote:
                decoded = _entity(source, i) if source[i] == "&" else None
                if decoded:
                    chars.append(decoded[0])
                    i = decoded[1]
                else:
                    chars.append(source[i])
                    i += 1
            value, i = "".join(chars), i + 1
        else:  # an unquoted name token: letters, digits, periods and hyphens, case-insensitive
            token_start = i
            while i < n and ((source[i].isascii() and source[i].isalnum()) or source[i] in ".-"):
                i += 1
            value = source[token_start:i].lower()
            if i < n and source[i] not in SPACES and source[i] != ">":
                raise EntityError(f"Unexpected end of name token at byte offset {_byte(source, token_start)}")
        if i >= n:
            raise EntityError(f"Unclosed start tag at byte offset {_byte(source, begin)}")
        argument, date = _attribute(tag, name, value, argument, date)
    if tag == "span" and argument != "spoiler":
        raise EntityError(f'Tag "span" must have class "tg-spoiler" at byte offset {_byte(source, begin)}')
    return i + 1, tag, argument, date


def _attribute(tag: str, name: str, value: str, argument: str, date: int) -> tuple[str, int]:
    """Keep the attributes each tag understands; others are ignored, as Telegram does."""
    if tag == "a" and name == "href":
        return value, date
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[9:], date
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[3:], date
    if (tag, name) in (("tg-emoji", "emoji-id"), ("tg-time", "format")):
        return value, date
    if tag == "blockquote" and name == "expandable":
        return "1", date
    if tag == "tg-time" and name == "unix":
        return argument, int(value) if value.lstrip("-").isdigit() else 0
    return argument, date


def _close(top: _Open, end: int, inner: str, entities: list[dict[str, object]]) -> None:
    """Turn a closed tag into its MessageEntity (TDLib drops links it cannot check)."""
    span: dict[str, object] = {"offset": top.offset, "length": end - top.offset}
    last = entities[-1] if entities else None
    same = last is not None and last["offset"] == top.offset and last["length"] == end - top.offset
    if top.tag in SIMPLE or top.tag == "span":
        entities.append({"type": SIMPLE.get(top.tag, "spoiler"), **span})
    elif top.tag == "tg-emoji":
        if not top.argument.isdigit() or int(top.argument) == 0:
            raise EntityError("Invalid custom emoji identifier specified")
        entities.append({"type": "custom_emoji", **span, "custom_emoji_id": top.argument})
    elif top.tag == "tg-time":
        if top.date > 0:
            entities.append({"type": "date_time", **span, "unix_time": top.date, "date_time_format": top.argument})
    elif top.tag == "a":
        url = top.argument or inner
        if LINK.match(url):
            entities.append({"type": "text_link", **span, "url": url if "://" in url else f"http://{url}/"})
    elif top.tag == "pre":
        if same and last is not None and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", **span})
    elif top.tag == "code":
        if same and last is not None and last["type"] == "pre" and top.argument:
            last["language"] = top.argument
        else:
            entities.append({"type": "code", **span, "language": top.argument})
    elif top.tag == "blockquote":
        entities.append({"type": "expandable_blockquote" if top.argument else "blockquote", **span})


def finish(formatted: Formatted) -> Formatted:
    """Trim as the Bot API does (trailing whitespace; leading spaces/newlines before the first entity) and
    add the url entities Telegram detects by itself (core.telegram.org/bots/api#messageentity "url")."""
    text, entities = formatted.text, [dict(e) for e in formatted.entities]
    kept = text.rstrip(" \t\r\n\v\f")
    limit = utf16_len(kept)
    entities = [e for e in entities if int(str(e["offset"])) < limit]
    for entity in entities:
        entity["length"] = min(int(str(entity["length"])), limit - int(str(entity["offset"])))
    first = min((int(str(e["offset"])) for e in entities), default=limit)
    lead = 0
    while lead < len(kept) and kept[lead] in " \n" and lead < first:
        lead += 1
    kept = kept[lead:]
    for entity in entities:
        entity["offset"] = int(str(entity["offset"])) - lead
    taken = [
        (int(str(e["offset"])), int(str(e["offset"])) + int(str(e["length"])))
        for e in entities
        if e["type"] in ("text_link", "code", "pre")
    ]
    for match in AUTO_URL.finditer(kept):
        start = utf16_len(kept[: match.start()])
        length = utf16_len(match.group().rstrip(".,;:!?)"))
        if not any(a < start + length and start < b for a, b in taken):
            entities.append({"type": "url", "offset": start, "length": length})
    entities.sort(key=lambda e: (int(str(e["offset"])), -int(str(e["length"]))))
    return Formatted(kept, entities)
