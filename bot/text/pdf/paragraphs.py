"""Printed lines into paragraphs and list items. Pure.

Lines come in reading order (PDFium reads a column to its end before the next). Each line is measured
against its column: the text frame of the page, or one of two columns where lines stand side by side
(the gutter between them is found from those pairs). A paragraph ends before a line when

- the size or weight changes (a bold slogan after the body, a smaller contact line after the signature),
- the line starts a list item ("•", "1.", "۱.", "١." …),
- the gap above it is clearly larger than the line pitch (space-separated paragraphs),
- it is indented (first-line indents) and no list item is going on,
- or the line before had room left for its first word (a paragraph's last line, a closing-block line),
  except in centred lines larger than the body (a pull quote, a heading): their ends say nothing of
  where they broke, so they go on until a sentence ends.

Lines of one paragraph are joined with a space (none between two CJK characters); a word PDFium found
hyphenated at a line end is joined by ``bot.text.hyphens``, keeping the hyphen of a real compound.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from bot.text import hyphens
from bot.text.closing import ends_sentence
from bot.text.pdf.glyphs import Line

MARKER = re.compile(r"^(?:[•◦▪▫‣⁃∙●○■□➢➤►▸]|[-–—*](?=\s)|[(]?[0-9٠-٩۰-۹]{1,3}[.)](?=\s|$))\s*")
_GAP = 1.4  # a gap of 1.4 line pitches or more separates paragraphs


@dataclass
class _Block:
    lines: list[Line]
    item: bool  # a list item


def paragraphs(lines: list[Line]) -> list[str]:
    """The paragraphs of the body lines; consecutive list items make one paragraph, an item per line."""
    if not lines:
        return []
    frames = _frames(lines)
    pitch = _pitches(lines)
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += len(line.text)
    body_size = sizes.most_common(1)[0][0]
    blocks: list[_Block] = []
    for i, line in enumerate(lines):
        if not blocks or _breaks(lines[i - 1], line, blocks[-1], frames, pitch, body_size):
            blocks.append(_Block([line], bool(MARKER.match(line.text))))
        else:
            blocks[-1].lines.append(line)
    context = hyphens.Text("\n".join(line.text for line in lines))
    out: list[str] = []
    previous_item = False
    for block in blocks:
        joined = join_lines(block.lines, context)
        if block.item:
            joined = MARKER.sub(lambda m: m.group(0).rstrip() + " ", joined, count=1).rstrip()
        if block.item and previous_item:
            out[-1] += "\n" + joined
        else:
            out.append(joined)
        previous_item = block.item
    return out


def _breaks(
    a: Line, b: Line, block: _Block, frames: dict[int, tuple[float, float]], pitch: dict[float, float], body: float
) -> bool:
    """Whether a paragraph (or list item) ends between line ``a`` and the next line ``b`` (``body``: the
    body text's size)."""
    if abs(a.size - b.size) > 0.6 or a.bold != b.bold or MARKER.match(b.text):
        return True
    if a.hyphen:
        return False
    em = b.size
    frame_a, frame_b = frames[id(a)], frames[id(b)]
    step = b.baseline - a.baseline if a.page == b.page and frame_a == frame_b else 0.0
    if step >= _GAP * pitch.get(round(b.size), 1.2 * em):
        return True
    if a.size >= body + 1 and _centred(a, frame_a) and _centred(b, frame_b):
        return ends_sentence(a.text)
    if not block.item and _start(b, frame_b) > 0.5 * em and (_start(a, frame_a) < 0.5 * em or len(block.lines) == 1):
        return True  # a first-line indent
    if block.item and _start(b, frame_b) < 0.5 * em:
        return True  # back at the column edge: the list is over
    room = _room(a, frame_a)
    return room > _first_word_width(b) + 0.25 * em


def _centred(line: Line, frame: tuple[float, float]) -> bool:
    """Whether the line stands in the middle of its column, with room on both sides."""
    left, right = line.x0 - frame[0], frame[1] - line.x1
    return min(left, right) > line.size and abs(left - right) < line.size


def _start(line: Line, frame: tuple[float, float]) -> float:
    """How far the line starts from its column's start edge (the right one for right-to-left text)."""
    return frame[1] - line.x1 if line.rtl else line.x0 - frame[0]


def _room(line: Line, frame: tuple[float, float]) -> float:
    """The free width left at the line's end in its column."""
    return line.x0 - frame[0] if line.rtl else frame[1] - line.x1


def _first_word_width(line: Line) -> float:
    """How wide the line's first word is: as printed, or roughly when unknown (a CJK line breaks after any
    character: its first one)."""
    if line.first_word > 0:
        return line.first_word
    word = line.text[:1] if _cjk(line.text[:1]) else line.text.split(" ", 1)[0]
    per_char = (line.x1 - line.x0) / max(len(line.text), 1)
    return len(word) * per_char


def _pitches(lines: list[Line]) -> dict[float, float]:
    """The usual baseline-to-baseline distance of consecutive lines, per font size."""
    steps: dict[float, list[float]] = {}
    for a, b in itertools.pairwise(lines):
        step = b.baseline - a.baseline
        if a.page == b.page and abs(a.size - b.size) < 0.5 and 0.8 * a.size < step < 3 * a.size:
            steps.setdefault(round(a.size), []).append(step)
    return {size: _low_median(values) for size, values in steps.items()}


def _low_median(values: list[float]) -> float:
    """The median of the smaller half-and-some: the pitch inside paragraphs, not between them."""
    values = sorted(values)
    return statistics.median(values[: max(1, (len(values) * 2 + 2) // 3)])


def _frames(lines: list[Line]) -> dict[int, tuple[float, float]]:
    """Each line's column, as (left, right) in points: the page's text frame, or the left or right
    column where the page has lines side by side."""
    classes: dict[int, str] = {}
    pages: dict[int, list[Line]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    for on_page in pages.values():
        gutter = _gutter(on_page)
        for line in on_page:
            classes[id(line)] = "full" if gutter is None else _column(line, *gutter)
    edges: dict[str, tuple[float, float]] = {}
    for kind in ("full", "left", "right"):
        members = [line for line in lines if classes[id(line)] == kind]
        if members:
            edges[kind] = (min(line.x0 for line in members), max(line.x1 for line in members))
    if "full" not in edges:
        edges["full"] = (min(e[0] for e in edges.values()), max(e[1] for e in edges.values()))
    return {id(line): edges[classes[id(line)]] for line in lines}


def _column(line: Line, centre: float, top: float, bottom: float) -> str:
    """ "left", "right", or "full" for a line across the gutter or above or below the columns."""
    pitch = line.bottom - line.top
    if line.x0 < centre < line.x1 or line.bottom < top - pitch or line.top > bottom + pitch:
        return "full"
    return "left" if line.x1 <= centre else "right"


def _gutter(lines: list[Line]) -> tuple[float, float, float] | None:
    """The gap between two columns, from pairs of lines standing side by side: (its x, and the top and
    bottom of the stretch of the page in columns); None when the page has no such pairs."""
    centres: list[float] = []
    tops: list[float] = []
    bottoms: list[float] = []
    ordered = sorted(lines, key=lambda line: line.top)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 : i + 40]:  # lines further down the list start lower: only near ones overlap
            if b.top >= a.bottom:
                break
            left, right = (a, b) if a.x0 <= b.x0 else (b, a)
            overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
            if right.x0 - left.x1 >= 0.5 * a.size and overlap > 0.3 * min(a.bottom - a.top, b.bottom - b.top):
                centres.append((left.x1 + right.x0) / 2)
                tops.append(min(a.top, b.top))
                bottoms.append(max(a.bottom, b.bottom))
    if len(centres) < 2:
        return None
    return statistics.median(centres), min(tops), max(bottoms)


def join_lines(lines: list[Line], context: hyphens.Text) -> str:
    """One paragraph's (or the title's) lines as one line: a line-end hyphen resolved, no space between CJK."""
    out = lines[0].text
    for a, b in itertools.pairwise(lines):
        if a.hyphen or (out.endswith("-") and out[-2:-1].isalpha() and b.text[:1].islower()):
            head, _, left = out.rstrip("-").rpartition(" ")
            right, _, tail = b.text.partition(" ")
            word = hyphens.join(left, right, context, at_line_end=True)
            out = " ".join(p for p in (head, word, tail) if p)
        elif _cjk(out[-1:]) and _cjk(b.text[:1]):
            out += b.text
        else:
            out += " " + b.text
    return out


def _cjk(char: str) -> bool:
    return bool(char) and ("\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" or "\uac00" <= char <= "\ud7af")
