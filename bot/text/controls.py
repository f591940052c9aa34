"""Control characters out of statement text, before anything else sees it. Pure.

Posts and the terminal get only printable text, newlines and tabs:

- line ends ``\\r\\n`` and ``\\r`` become ``\\n``; the other line and page breaks become line
  breaks too (vertical tab, NEL U+0085 and LINE SEPARATOR U+2028 one, form feed and
  PARAGRAPH SEPARATOR U+2029 a blank line, as a page break in extracted PDF text);
- every other C0 and C1 control (ESC, BEL, backspace, NUL, DEL…) and any lone surrogate
  (a YAML ``"\\ud800"`` escape) is dropped;
- U+FEFF is a byte-order mark at the start of the text (dropped) and a deprecated "zero
  width no-break space" inside it, which X refuses outright: between two visible characters
  it becomes U+2060 WORD JOINER, the character Unicode gives that meaning now, and elsewhere
  (next to a space or a line end, where it joins nothing) it is dropped.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"

_BREAKS = {"\x0b": "\n", "\x85": "\n", "\u2028": "\n", "\x0c": "\n\n", "\u2029": "\n\n"}
_DROP = [c for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(c) not in "\t\n\r" and chr(c) not in _BREAKS]
_TABLE: dict[int, str | None] = dict.fromkeys(_DROP) | {ord(k): v for k, v in _BREAKS.items()}
_ANY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\r]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_JOINING_BOM = re.compile(r"(?<=\S)\ufeff+(?=\S)")


def clean_controls(text: str) -> str:
    """``text`` with only printable characters, newlines and tabs (see the module's rules)."""
    if not _ANY.search(text):  # the common case: nothing to do, no copy
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TABLE)
    text = _SURROGATES.sub("", text)
    return _JOINING_BOM.sub(WORD_JOINER, text).replace("\ufeff", "")


def has_controls(text: str) -> bool:
    """Whether ``text`` holds anything ``clean_controls`` would change."""
    return bool(_ANY.search(text))
