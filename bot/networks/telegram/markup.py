"""A post's text as Bot API HTML: ``& < >`` escaped, the title in bold, links as links.

Tags and escapes vanish in Telegram's entity parsing, so the message Telegram stores
(and counts) is exactly the planned text. Pure.
"""

from __future__ import annotations

from html import escape

from bot.text.entities import find_entities

QUOTE_MAX = 1024  # ReplyParameters.quote: "0-1024 characters after entities parsing"


def to_html(text: str, bold_first_line: bool = False, links: bool = True) -> str:
    """``text`` as HTML; ``bold_first_line`` makes the opening line (the title) bold when more follows."""
    first, newline, rest = text.partition("\n")
    if not (bold_first_line and newline and first.strip()):
        return _inline(text, links)
    return f"<b>{_inline(first, links)}</b>\n{_inline(rest, links)}"


def quote_html(text: str, bold_first_line: bool) -> str:
    """The start of ``text`` (at most 1,024 UTF-16 units), formatted as the message is: a probe's quote.

    Telegram compares a quote with the message including bold entities but not links,
    so only the bold is repeated.
    """
    units, cut = 0, len(text)
    for i, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > QUOTE_MAX:
            cut = i
            break
    prefix = text[:cut].rstrip()
    if not (bold_first_line and "\n" in text and text.partition("\n")[0].strip()):
        return escape(prefix, quote=False)
    first, newline, rest = prefix.partition("\n")  # the quote may end inside the bold title
    return f"<b>{escape(first, quote=False)}</b>" + (f"\n{escape(rest, quote=False)}" if newline else "")


def _inline(text: str, links: bool) -> str:
    out, pos = [], 0
    if links:
        for entity in find_entities(text):
            if entity.kind != "url":
                continue
            href = entity.text if "://" in entity.text[:12] else "https://" + entity.text
            out += [escape(text[pos : entity.start], quote=False), f'<a href="{escape(href)}">']
            out += [escape(entity.text, quote=False), "</a>"]
            pos = entity.end
    out.append(escape(text[pos:], quote=False))
    return "".join(out)
