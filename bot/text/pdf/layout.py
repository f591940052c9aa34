"""A statement from its printed lines: furniture, title, date line, paragraphs, lists. Pure.

``read_layout(lines)`` takes the lines of every page in reading order (``glyphs.Line``) and returns the
statement as ``Layout``, or None when the PDF has no typographic hierarchy to go by (every line the same
size, as when a text file was printed line by line): that text is then repaired like copied text.

- **Furniture**: a line in the top or bottom tenth of a page that repeats, digits and spacing aside,
  at the same height (within a point or so) on another page (a running header or footer), or that is a
  page number by itself.
  Only there: a signature equal to the running header stays, it is not at the header's height.
- **Title**: the largest text near the top of page 1 (one or more lines in a row); smaller lines above
  it are the letterhead. A date line right below it is the date line; without one, a date in a running
  header or footer ("Northgate Branch      12 March 2024", a letter's date in Word's header) is.
- **Footnotes**: small lines at the foot of a page that start with the number of a superscript mark in
  the text; they leave the page's flow (a paragraph going on over the page break stays whole) and come
  after the body, before the closing block.
- **Paragraphs** (``paragraphs.py``): a new one where the vertical gap grows, where a line is indented,
  where the line before had room for this line's first word, or where the size or weight changes; list
  items stay items.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from bot.text import closing, furniture, hyphens
from bot.text.dates import parse_date
from bot.text.pdf.glyphs import Line
from bot.text.pdf.paragraphs import join_lines, paragraphs

BAND = 0.1  # top and bottom tenth of a page: where running headers and footers are
TITLE_ZONE = 0.45  # the title starts in the top 45 % of page 1
_MARK = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")  # a footnote mark, as glyphs.py writes a raised smaller number
_NOTE = re.compile(r"^([0-9⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s*[.)]?\s*\S")  # a footnote's first line: its number, then text
_ASCII_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


@dataclass(frozen=True)
class Layout:
    """What the page layout says: the title, the date line under it, and the body's paragraphs (a list is
    one paragraph, its items on lines of their own; the closing block's lines are paragraphs too)."""

    title: str | None
    date_line: str | None
    paragraphs: tuple[str, ...]


def read_layout(lines: list[Line]) -> Layout | None:
    """The statement's structure from its lines, or None when there is no larger title to go by."""
    body = drop_furniture(lines)
    if not body:
        return None
    title_at = _title_lines(body)
    if title_at is None:
        return None
    start, end = title_at
    title = join_lines(body[start:end], hyphens.Text("\n".join(line.text for line in body)))
    rest = body[end:]
    date_line = None
    if rest and rest[0].page == body[end - 1].page and parse_date(rest[0].text) is not None:
        date_line, rest = rest[0].text, rest[1:]
    if date_line is None:  # the closing block's date, if any, still comes first (bot.text.cleaning)
        kept = {id(line) for line in body}
        date_line = _running_date([line for line in lines if id(line) not in kept])
    rest, notes = _footnotes(rest, _body_size(body))
    out = paragraphs(rest)
    if notes:
        out[_closing_start(out) : 0] = _notes(notes)
    return Layout(title, date_line, tuple(out))


def _running_date(furniture_lines: list[Line]) -> str | None:
    """A date at the start or end of a running header or footer line: the organisation on the left and
    the date on the right come as one line, so the words are tried from either end."""
    for line in furniture_lines:
        words = line.text.split()
        if furniture.is_page_number(line.text) or len(words) > 16:
            continue
        for count in range(min(len(words), 6), 1, -1):
            for part in (words[-count:], words[:count]):
                if parse_date(" ".join(part)) is not None:
                    return " ".join(part)
    return None


def _footnotes(lines: list[Line], body_size: float) -> tuple[list[Line], list[list[Line]]]:
    """The lines without the footnotes, and the footnotes' lines. On a page, the footnotes are the lines
    from the first one that starts with the number of a footnote mark in the text, when it and every line
    after it on the page are smaller than the body and it is in the lower half of the page; each note runs
    from such a numbered line to the next."""
    marks = {m.translate(_ASCII_DIGITS) for line in lines for m in _MARK.findall(line.text)}
    if not marks:
        return lines, []
    pages: dict[int, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        pages[line.page].append(i)
    notes: list[list[Line]] = []
    dropped: set[int] = set()
    for indexes in pages.values():
        starts: list[int] = []
        for i in reversed(indexes):
            if lines[i].size > 0.9 * body_size:
                break
            if _numbered(lines[i], marks) and lines[i].top > lines[i].page_height / 2:
                starts.insert(0, i)
        for i in (i for i in indexes if starts and i >= starts[0]):
            if i in starts:
                notes.append([])
            notes[-1].append(lines[i])
            dropped.add(i)
    return [line for i, line in enumerate(lines) if i not in dropped], notes


def _numbered(line: Line, marks: set[str]) -> bool:
    number = _NOTE.match(line.text)
    return number is not None and number.group(1).translate(_ASCII_DIGITS) in marks


def _notes(notes: list[list[Line]]) -> list[str]:
    """A paragraph per footnote (its number usually hangs in an indent: the indented lines after it
    start no new paragraph)."""
    return [" ".join(paragraphs(note)) for note in notes]


def _closing_start(paragraphs_: list[str]) -> int:
    """Where the closing block (slogans, signature, date, contacts: a paragraph a line) begins."""
    lines = "\n\n".join(paragraphs_).split("\n")
    kept, _ = closing.peel(lines)
    return len(paragraphs_) - sum(1 for line in lines[len(kept) :] if line.strip())


def drop_furniture(lines: list[Line]) -> list[Line]:
    """The lines without running headers, footers and page numbers."""
    seen: dict[tuple[str, int], set[int]] = defaultdict(set)  # (key, height in points) -> pages
    for line in lines:
        if _in_band(line):
            seen[(furniture.key(line.text), round(line.baseline))].add(line.page)
    return [
        line for line in lines if not (_in_band(line) and (furniture.is_page_number(line.text) or _repeats(line, seen)))
    ]


def _in_band(line: Line) -> bool:
    return line.baseline < BAND * line.page_height or line.baseline > (1 - BAND) * line.page_height


def _repeats(line: Line, seen: dict[tuple[str, int], set[int]]) -> bool:
    """Whether the same text (digits aside) is at the same height, give or take a point, on another page."""
    key, here = furniture.key(line.text), round(line.baseline)
    for height in (here - 1, here, here + 1):
        pages = seen.get((key, height), set())
        if len(pages) > 1 or (pages and line.page not in pages):
            return True
    return False


def _title_lines(lines: list[Line]) -> tuple[int, int] | None:
    """Where the title is in ``lines``: the first run of lines in the largest size near the top of page 1,
    when that size is larger than the body's (or, all sizes equal, bold when the body is not)."""
    first = [i for i, line in enumerate(lines) if line.page == lines[0].page]
    zone = [i for i in first if lines[i].top <= TITLE_ZONE * lines[i].page_height][:12]
    if not zone:
        return None
    body_size = _body_size(lines)
    biggest = max(lines[i].size for i in zone)
    if biggest >= body_size + 1.0:
        start = next(i for i in zone if lines[i].size >= biggest - 0.5)
        end = start + 1
        while end < len(lines) and lines[end].size >= biggest - 0.5 and _close_below(lines[end - 1], lines[end]):
            end += 1
        return start, end
    head = zone[0]
    rest_bold = sum(1 for line in lines[head + 1 :] if line.bold)
    if lines[head].bold and rest_bold * 4 < len(lines) - head - 1:
        end = head + 1
        while end < len(lines) and lines[end].bold and _close_below(lines[end - 1], lines[end]):
            end += 1
        return head, end
    return None


def _body_size(lines: list[Line]) -> float:
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size * 2) / 2] += len(line.text)
    return weights.most_common(1)[0][0]


def _close_below(above: Line, below: Line) -> bool:
    return below.page == above.page and 0 < below.baseline - above.baseline <= 2.5 * max(above.size, below.size)


def line_pitch(lines: list[Line]) -> float:
    """The usual distance between the baselines of two lines of one paragraph."""
    steps = [
        b.baseline - a.baseline
        for a, b in itertools.pairwise(lines)
        if a.page == b.page and abs(a.size - b.size) < 0.5 and 0 < b.baseline - a.baseline < 3 * a.size
    ]
    return statistics.median(steps) if steps else 1.2 * _body_size(lines)
