"""Repair text copied out of a PDF into a title, paragraphs and a closing block.

Pure: a string in, a ``Cleaned`` out. Every word of the input survives; only line
breaks, page furniture (page numbers, repeated headers/footers) and extraction
hyphens change. Text that is already clean passes through unchanged, and so does the
PDF reader's own output (``bot.text.pdf``): a ``# title``, paragraphs separated by blank
lines, list items on lines of their own, the closing block's lines at the end.

Every step is linear in the length of the text (no regular expression here can
backtrack over a long word more than once, and hyphen decisions are set lookups).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date

from bot.text import closing, furniture, hyphens
from bot.text.closing import ends_sentence
from bot.text.dates import parse_date

TITLE_LINES = 3  # a title in a caseless script, wrapped: at most this many lines
NOT_TITLE_ENDS = (".", "。", ",", "،", ";", "؛", ":")  # a sentence's or a lead-in's end
# Words a title keeps in lower case, in the languages the tool reads ("Déclaration des Droits de l'Homme").
SMALL_WORDS = frozenset(
    "a an the of on in and or its for to at by with from as into against about over under via vs "
    "de la le les des du d l el los las y e et en da do dos das di del della degli al au aux un une "
    "der die das und von zu im am für mit auf o i ve ile".split()
)
LIST_ITEM = re.compile(r"^\s*(?:[-*•–◦▪●]\s|[0-9٠-٩۰-۹]{1,3}[.)]\s|#{1,6}\s)")
_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t|dell|all|dall|nell|sull)['’]", re.I)
_DANGLING = re.compile(r"(?<![\w-])(\w+)- (\w+)")


@dataclass(frozen=True)
class Cleaned:
    """What the repair recovered; ``paragraphs`` may contain newlines (kept lines)."""

    title: str | None
    paragraphs: tuple[str, ...]
    slogans: tuple[str, ...] = ()
    signature: str | None = None
    date: date | None = None
    contacts: tuple[str, ...] = ()
    date_line: str | None = None  # the line stating ``date``, as written ("Paris, le 4 janvier 2020")


def clean(text: str, *, find_title: bool = True) -> Cleaned:
    """Repair ``text``; with ``find_title`` the leading title lines (and a date line under them) are
    recovered too."""
    lines = _normalise(text)
    lines = [line for line in lines if not furniture.is_page_number(line)]
    keyed = [furniture.key(line) for line in lines]
    heads, feet = _running(lines, keyed)
    body, block = closing.peel(lines, feet)
    running = heads | feet
    lines = [line for line, key in zip(body, keyed) if not key or key not in running]
    title, when, when_line = None, block.date, block.date_line
    if find_title:
        title, lines = _title(lines)
    if title is not None or not find_title:  # a date line under the title (or atop a body whose title is given)
        top_date, top_line, lines = _date_line(lines)
        if when is None:
            when, when_line = top_date, top_line
    context = hyphens.Text(text)
    width = _wrap_width(lines)
    paragraphs = [p for block_ in _blocks(lines, width) for p in _join_lines(block_, width, context)]
    paragraphs = [_rejoin_dangling_hyphens(p, context) for p in paragraphs]
    if title is not None:
        title = _rejoin_dangling_hyphens(title, context)
    kept = tuple(p for p in paragraphs if p.strip("# \t"))
    return Cleaned(title, kept, block.slogans, block.signature, when, block.links, when_line)


def _normalise(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u00ad", "")
    return [line.expandtabs(4).rstrip() for line in text.split("\n")]


def _running(lines: list[str], keyed: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Keys of running headers and footers: short unpunctuated lines at the start (end) of two or more
    pages, a page being a run of lines between blank lines. A header may equal the signature (the end of
    the text is no page start), a footer is stepped over when the closing block is read."""
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for i, key in enumerate(keyed):
        start, end = i == 0 or not keyed[i - 1], i + 1 == len(keyed) or not keyed[i + 1]
        if not key or not (start or end) or len(key) > 80 or ends_sentence(lines[i]):
            continue
        if closing.contact_links(lines[i].strip()) is not None:
            continue
        if start:
            starts[key] = starts.get(key, 0) + 1
        if end:
            ends[key] = ends.get(key, 0) + 1
    heads = frozenset(k for k, n in starts.items() if n >= 2)
    feet = frozenset(k for k, n in ends.items() if n >= 2 and k not in heads)
    return heads, feet


def _is_title_line(line: str) -> bool:
    """A line of a title in title case: every word capitalised, a number, or a small word ("de", "of")."""
    words = line.split()
    if not words or line.rstrip()[-1] in ".,;:":
        return False
    for word in words:
        letters = _ELISION.sub("", word.lstrip("\"'“‘«(¿¡"))
        if not letters or letters[0].isupper() or letters[0].isdigit() or not letters[0].isalpha():
            continue
        if not (letters[0].islower() and letters.lower().rstrip(":,") in SMALL_WORDS):
            return False  # a lower-case word, or a script without case: not title case
    return True


def _title(lines: list[str]) -> tuple[str | None, list[str]]:
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return None, lines
    first = lines[start].strip()
    if first.startswith("#"):  # Markdown heading (and the PDF reader's title)
        return first.lstrip("#").strip() or None, lines[start + 1 :]
    end = start
    while end < len(lines) and lines[end].strip() and _is_title_line(lines[end].strip()):
        end += 1
    while end > start + 1 and lines[end - 1].strip().lower() in SMALL_WORDS:
        end -= 1  # a title does not end on "de" or "of": that word begins the text
    title = " ".join(line.strip() for line in lines[start:end])
    if start < end < len(lines) and len(title) <= 200 and _has_letters(title):
        return title, lines[end:]
    # Any case, any script: a short first block (up to three lines, a title wrapped) standing alone and not
    # ending as a sentence or a lead-in does is the title.
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    title = " ".join(line.strip() for line in lines[start:end])
    if end - start <= TITLE_LINES and end < len(lines) and len(title) <= 200 and not title.endswith(NOT_TITLE_ENDS):
        return title, lines[end:]
    return None, lines


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _date_line(lines: list[str]) -> tuple[date | None, str | None, list[str]]:
    """A date line right under the title ("4 January 2024", "Paris, le 4 janvier 2020"): the date, the line
    as written, and the lines without it."""
    i = next((i for i, line in enumerate(lines) if line.strip()), None)
    when = parse_date(lines[i]) if i is not None else None
    if i is None or when is None:
        return None, None, lines
    return when, lines[i].strip(), lines[:i] + lines[i + 1 :]


def _wrap_width(lines: list[str]) -> int:
    """The width the text was hard-wrapped at, or 0 when it was not wrapped: most lines followed by another
    line end mid-sentence (a paragraph per line ends each one with a full stop). Any width: an A4 page of
    small type has lines of 110 characters and more."""
    inner = [
        line for line, nxt in itertools.pairwise(lines) if line.strip() and nxt.strip() and not LIST_ITEM.match(line)
    ]
    if len(inner) < 3 or sum(1 for line in inner if not ends_sentence(line)) * 2 < len(inner):
        return 0
    widths = sorted(len(line) for line in inner)
    width = widths[int(len(widths) * 0.9) - 1] if len(widths) >= 10 else widths[-1]
    near = sum(1 for w in widths if w >= 0.75 * width)
    return width if near * 2 >= len(widths) else 0


def _blocks(lines: list[str], width: int) -> list[list[str]]:
    """Blank-line separated blocks, with blocks a page break cut mid-sentence rejoined (wrapped text only)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines + [""]:
        if line.strip():
            current.append(line)
            continue
        if current:
            if width and blocks and _continues(blocks[-1][-1], current[0], width):
                blocks[-1].extend(current)
            else:
                blocks.append(current)
            current = []
    return blocks


def _continues(last: str, first: str, width: int) -> bool:
    last, first = last.rstrip(), first.lstrip()
    if ends_sentence(last) or last.endswith(":") or LIST_ITEM.match(first):
        return False
    if last.endswith("-") or first[:1].islower():
        return True
    return len(last) >= 0.75 * width and not first[:1].isupper()


def _join_lines(block: list[str], width: int, context: hyphens.Text) -> list[str]:
    """Unwrap a block into paragraphs; lines of unwrapped text, headings and list items stay lines."""
    paragraphs = [block[0].strip()]
    for prev, line in itertools.pairwise(block):
        line = line.strip()
        if width and _paragraph_ends(prev, line, width, fresh=paragraphs[-1] == prev.strip()):
            paragraphs.append(line)
        elif LIST_ITEM.match(line) or not width:
            paragraphs[-1] += "\n" + line
        elif paragraphs[-1].endswith("-") and line[:1].islower():
            paragraphs[-1] = _dehyphenate(paragraphs[-1], line, context)
        elif _cjk(paragraphs[-1][-1:]) and _cjk(line[:1]):
            paragraphs[-1] += line
        else:
            paragraphs[-1] += " " + line
    return paragraphs


def _paragraph_ends(prev: str, line: str, width: int, *, fresh: bool) -> bool:
    """A line that ends a sentence and had room for the next word was a real break; so was a heading: a
    short line standing alone after a paragraph (``fresh``), without punctuation, before a capital."""
    next_word = line.split(" ", 1)[0]
    if len(prev.rstrip()) + 1 + len(next_word) > width:
        return False
    core = prev.rstrip()
    heading = fresh and core[-1:].isalnum() and line[:1].isupper() and len(core) < 0.75 * width
    return ends_sentence(prev) or heading


def _dehyphenate(out: str, line: str, context: hyphens.Text) -> str:
    """Join ``out`` ending in "organi-" (or "admis -", a space before the hyphen) with ``line``."""
    head, _, tail = out[:-1].rstrip().rpartition(" ") if out.endswith(" -") else out.rpartition(" ")
    left = tail if out.endswith(" -") else (tail or head)[:-1]
    if not tail:
        head = ""
    rest, _, after = line.partition(" ")
    if out.endswith(" -") and (not left or rest.lower() in context.words.repeated):
        return out + " " + line  # a dash before a word used elsewhere: "the workers -\nand their families"
    word = hyphens.join(left, rest, context, at_line_end=True)
    return " ".join(p for p in (head, word, after) if p)


def _cjk(char: str) -> bool:
    return bool(char) and ("\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" or "\uac00" <= char <= "\ud7af")


def _rejoin_dangling_hyphens(paragraph: str, context: hyphens.Text) -> str:
    """ "anti- imperialists" (an extraction break after a hyphen) becomes "anti-imperialists"; a suspended
    hyphen ("pre- and post-war") stays."""
    if "- " not in paragraph:
        return paragraph

    def fix(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        if right.lower() in hyphens.SUSPENDED or not right[:1].islower():
            return m.group(0)
        return hyphens.join(left, right, context, at_line_end=False)

    return _DANGLING.sub(fix, paragraph)
