"""Repair text copied out of a PDF into a title, paragraphs and a closing block.

Pure: a string in, a ``Cleaned`` out. Every word of the input survives; only line
breaks, page furniture (lone page numbers, repeated headers/footers) and
extraction hyphens change. Text that is already clean passes through unchanged.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from bot.text.dates import parse_date

TERMINAL = ".!?…؟۔"
CLOSERS = "\"'”’»)]›"
SMALL_WORDS = frozenset(
    "a an the of on in and or its for to at by with from as into against about over under via vs "
    "de la le les des du el los las y e et en da do dos di".split()
)
# Prefixes that keep their hyphen when a line or extraction break falls right after it.
HYPHEN_PREFIXES = frozenset(
    "anti co non pro self ex post pre neo multi inter counter well long short full semi ultra "
    "cross socio sub trans mid all far quasi pseudo".split()
)
# A hyphen before these is a suspended compound ("pre- and post-war"), not a break.
SUSPENDED = frozenset("and or nor to und et ou y o".split())

PAGE_NUMBER = re.compile(r"^\s*(?:(?:page|p\.)\s*)?[-–—(]?\s*\d{1,4}\s*(?:(?:/|of)\s*\d{1,4})?\s*[-–—)]?\s*$", re.I)
CONTACT = re.compile(
    r"^(?:(?:e-?mail|web(?:site)?|twitter|x|mastodon|bluesky|telegram|instagram)\s*:\s*)?"
    r"((?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@[\w.]+(?:@[\w.-]+)?)[;,.]?$",
    re.I,
)
LIST_ITEM = re.compile(r"^\s*(?:[-*•–]\s|\d{1,3}[.)]\s|#{1,6}\s)")
WORD = re.compile(r"\w", re.U)


@dataclass(frozen=True)
class Cleaned:
    """What the repair recovered; ``paragraphs`` may contain newlines (kept lines)."""

    title: str | None
    paragraphs: tuple[str, ...]
    slogans: tuple[str, ...] = ()
    signature: str | None = None
    date: date | None = None
    contacts: tuple[str, ...] = ()


def clean(text: str, *, find_title: bool = True) -> Cleaned:
    """Repair ``text``; with ``find_title`` the leading title lines are recovered too."""
    lines = _normalise(text)
    lines = _drop_page_furniture(lines)
    lines, slogans, signature, when, contacts = _closing_block(lines)
    title = None
    if find_title:
        title, lines = _title(lines)
    width = _wrap_width(lines)
    paragraphs = [p for block in _blocks(lines, width) for p in _join_lines(block, width)]
    joined = "\n".join(paragraphs)
    paragraphs = [_rejoin_dangling_hyphens(p, joined) for p in paragraphs]
    if title is not None:
        title = _rejoin_dangling_hyphens(title, joined)
    return Cleaned(title, tuple(p for p in paragraphs if p), tuple(slogans), signature, when, tuple(contacts))


def _normalise(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u00ad", "")
    return [line.expandtabs(4).rstrip() for line in text.split("\n")]


def _drop_page_furniture(lines: list[str]) -> list[str]:
    lines = [line for line in lines if not PAGE_NUMBER.match(line)]
    keyed = [re.sub(r"\d+", "#", line.strip()) for line in lines]
    edges = Counter(
        key
        for i, key in enumerate(keyed)
        if key and (i == 0 or not keyed[i - 1] or i + 1 == len(keyed) or not keyed[i + 1])
    )
    # A short unpunctuated line at the edge of two or more pages is a running header/footer.
    repeated = {
        k for k, n in edges.items() if n >= 2 and len(k) <= 80 and not _ends_sentence(k) and not CONTACT.match(k)
    }
    return [line for line, key in zip(lines, keyed) if key not in repeated]


def _ends_sentence(line: str) -> bool:
    return line.rstrip(CLOSERS)[-1:] in TERMINAL if line.rstrip(CLOSERS) else False


def _closing_block(lines: list[str]) -> tuple[list[str], list[str], str | None, date | None, list[str]]:
    """Peel slogans, signature, date and contacts off the end, in any order."""
    slogans: list[str] = []
    signature: list[str] = []
    contacts: list[str] = []
    when: date | None = None
    end = len(lines)
    while end > 0:
        line = lines[end - 1].strip()
        before = _previous_text_line(lines, end - 1)
        if not line:
            end -= 1
            continue
        contact = _contacts(line)
        if contact:
            contacts[:0] = contact
        elif when is None and (parsed := parse_date(line)) is not None:
            when = parsed
        elif _is_slogan(line, before):
            slogans.insert(0, line)
        elif not slogans and len(signature) < 2 and _is_signature(line, before):
            signature.insert(0, line)
        else:
            break
        end -= 1
    if not (slogans or contacts or when):
        return lines, [], None, None, []  # a lone short last line is body, not a signature
    return lines[:end], slogans, " ".join(signature) or None, when, contacts


def _previous_text_line(lines: list[str], index: int) -> str | None:
    """The line before ``index``; None when a blank line or the start separates them."""
    return lines[index - 1].strip() if index > 0 and lines[index - 1].strip() else None


def _contacts(line: str) -> list[str]:
    parts = [p for p in re.split(r"[;,]?\s+|;\s*", line) if p]
    found = [CONTACT.match(p) for p in parts]
    if not parts or not all(found):
        return []
    return [m.group(1).rstrip(".;,") for m in found if m]


def _is_slogan(line: str, before: str | None) -> bool:
    core = line.rstrip(CLOSERS)
    return core.endswith(("!", "！")) and len(line) <= 100 and (before is None or _ends_sentence(before))


def _is_signature(line: str, before: str | None) -> bool:
    if len(line) > 120 or line[-1] in ".,;:!?؟" or not (line[0].isupper() or not line[0].isascii()):
        return False
    return before is None or _ends_sentence(before) or _is_slogan(before, None)


def _is_title_line(line: str) -> bool:
    words = re.findall(r"[^\s]+", line)
    if not words or line.rstrip()[-1] in ".,;:":
        return False
    for word in words:
        letters = re.sub(r"^\W+", "", word)
        if not letters or letters[0].isupper() or letters[0].isdigit():
            continue
        if letters.lower().rstrip(":,") in SMALL_WORDS:
            continue
        return False
    return True


def _title(lines: list[str]) -> tuple[str | None, list[str]]:
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return None, lines
    first = lines[start].strip()
    if first.startswith("#"):  # Markdown heading
        return first.lstrip("#").strip() or None, lines[start + 1 :]
    end = start
    while end < len(lines) and lines[end].strip() and _is_title_line(lines[end].strip()):
        end += 1
    title = " ".join(line.strip() for line in lines[start:end])
    if start < end < len(lines) and len(title) <= 200:
        return title, lines[end:]
    # Scripts without case: a short first line standing alone is the title.
    alone = start + 1 < len(lines) and not lines[start + 1].strip()
    if alone and len(first) <= 150 and not _ends_sentence(first):
        return first, lines[start + 1 :]
    return None, lines


def _wrap_width(lines: list[str]) -> int:
    """The width the text was hard-wrapped at, or 0 when it was not wrapped."""
    widths = sorted(len(line) for line in lines if line.strip())
    if len(widths) < 4:
        return 0
    width = widths[int(len(widths) * 0.9) - 1]
    if width > 100:
        return 0
    near = sum(1 for w in widths if w >= 0.75 * width)
    return width if near >= len(widths) / 2 else 0


def _blocks(lines: list[str], width: int) -> list[list[str]]:
    """Blank-line separated blocks, with blocks a page break cut mid-sentence rejoined."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines + [""]:
        if line.strip():
            current.append(line)
            continue
        if current:
            if blocks and _continues(blocks[-1][-1], current[0], width):
                blocks[-1].extend(current)
            else:
                blocks.append(current)
            current = []
    return blocks


def _continues(last: str, first: str, width: int) -> bool:
    last, first = last.rstrip(), first.lstrip()
    if _ends_sentence(last) or last.endswith(":") or LIST_ITEM.match(first):
        return False
    if last.endswith("-") or first[:1].islower():
        return True
    return bool(width) and len(last) >= 0.75 * width and not first[:1].isupper()


def _join_lines(block: list[str], width: int) -> list[str]:
    """Unwrap a block into paragraphs; lines of unwrapped text and list items stay lines."""
    paragraphs = [block[0].strip()]
    for prev, line in itertools.pairwise(block):
        line = line.strip()
        if width and _paragraph_ends(prev, line, width):
            paragraphs.append(line)
        elif LIST_ITEM.match(line) or not width:
            paragraphs[-1] += "\n" + line
        elif paragraphs[-1].endswith("-") and line[:1].islower():
            paragraphs[-1] = _dehyphenate(paragraphs[-1], line)
        else:
            paragraphs[-1] += " " + line
    return paragraphs


def _paragraph_ends(prev: str, line: str, width: int) -> bool:
    """A sentence-final line that had room for the next word was a real break."""
    next_word = line.split(" ", 1)[0]
    return _ends_sentence(prev) and len(prev.rstrip()) + 1 + len(next_word) <= width


def _dehyphenate(out: str, line: str, text: str | None = None) -> str:
    head, _, tail = out.rpartition(" ")
    left = (tail or head)[:-1]
    rest, _, after = line.partition(" ")
    word = _join_word(left, rest, text or (out + " " + line), at_line_end=True)
    prefix = (head + " ") if tail else ""
    return prefix + word + ((" " + after) if after else "")


def _join_word(left: str, right: str, text: str, *, at_line_end: bool) -> str:
    """Rejoin ``left-`` + ``right``: keep the hyphen for real compounds, drop it otherwise."""
    bare_left = re.sub(r"^\W+", "", left).lower()
    hyphenated, solid = f"{left}-{right}", f"{left}{right}"
    if bare_left in HYPHEN_PREFIXES or _core(hyphenated) in text.replace("-\n", "-"):
        return hyphenated
    if _core(solid) in text or at_line_end:
        return solid
    return hyphenated


def _core(word: str) -> str:
    return re.sub(r"\W+$", "", word)


def _rejoin_dangling_hyphens(paragraph: str, text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        if right.lower() in SUSPENDED or not right[:1].islower():
            return m.group(0)
        return _join_word(left, right, text, at_line_end=False)

    return re.sub(r"(\w+)- (\w+)", fix, paragraph)
