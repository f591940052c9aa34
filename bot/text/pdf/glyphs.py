"""Printed lines from PDFium's characters. Pure: glyphs in, ``Line``s out, no PDF library needed.

PDFium gives each page's characters in its reading order: logical order inside a run (right-to-left
text too), columns one after the other, ``\\n`` where it saw a line end. It is not enough alone:

- a line whose word was hyphenated is glued to the next one (the hyphen comes as ``\\x02``);
- right-to-left lines may come as several runs in the wrong order, and with Noto Naskh Arabic a
  shadda or tanwin is a run of its own, or sits in the middle of the next word;
- kashida glyphs (justified Persian and Arabic) have no Unicode and come as control characters;
- ZWNJ has no glyph at all: it is only in the PDF's ``/ActualText`` marks (``zwnj`` points below).

So characters are grouped by baseline into fragments, fragments on one baseline next to each other
become a line ordered by position (right to left for Arabic script), each combining mark goes back
after the letter it is drawn over, zero-width spaces between touching letters go, and ZWNJ is put
back where a mark says it was (those repairs are ``repair.py``'s; the right-to-left order ``bidi.py``'s).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.text.pdf.bidi import balance_brackets, logical_order
from bot.text.pdf.repair import (
    attach_marks,
    drop_false_spaces,
    first_word_width,
    ink,
    insert_zwnj,
    is_control,
    is_mark,
    letter_spaced,
    rtl_list_marker,
    span_gap,
    superscripts,
    unspaced,
)

LINE_BREAK = "\n"
HYPHEN = "\x02"  # PDFium: a hyphen it removed at a line end (the word goes on on the next line)
_RTL_BIDI = frozenset({"R", "AL"})
_SPACES = re.compile(r"[ \t\r\n]+")  # no-break spaces (French "\u202f!") are the text's own: kept


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character as PDFium placed it: its loose box (font ascent to descent, advance width) in PDF
    space (y up), its baseline, font size and weight. ``char`` may be a control character (a kashida,
    ``\\x02``, PDFium's ``\\n``); a space from PDFium's own word breaking has a box of zero width."""

    char: str
    x0: float
    y0: float
    x1: float
    y1: float
    baseline: float
    size: float
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line. Vertical positions are measured down from the top of the page, in points."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    size: float
    bold: bool
    rtl: bool
    hyphen: bool = False  # ends in a hyphen PDFium removed: the last word goes on on the next line
    page_width: float = 595.0
    page_height: float = 842.0
    first_word: float = 0.0  # the printed width of the first word (0: unknown)

    @property
    def start(self) -> float:
        """Where the line starts: its left edge, or its right edge for right-to-left text."""
        return self.page_width - self.x1 if self.rtl else self.x0

    @property
    def end(self) -> float:
        return self.page_width - self.x0 if self.rtl else self.x1


@dataclass
class _Fragment:
    glyphs: list[Glyph] = field(default_factory=list)
    baseline: float = 0.0
    size: float = 0.0
    hyphen: bool = False

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    def marks_only(self) -> bool:
        return all(is_mark(g.char) or not ink(g.char) for g in self.glyphs)


def page_lines(
    glyphs: Sequence[Glyph],
    page: int,
    width: float,
    height: float,
    zwnj: Iterable[tuple[float, float]] = (),
) -> list[Line]:
    """The lines of one page in PDFium's reading order; ``zwnj`` are (x, y) points where a ZWNJ was."""
    groups = _merge(_fragments(glyphs))
    points = list(zwnj)
    rtl_page = _is_rtl(g.char for g in glyphs)
    lines = []
    for group in groups:
        line = _line(group, page, width, height, points, rtl_page)
        if line is not None:
            lines.append(line)
    return lines


def _fragments(glyphs: Sequence[Glyph]) -> list[_Fragment]:
    """Runs of glyphs on one baseline, split where PDFium ended a line or the baseline moved."""
    out: list[_Fragment] = []
    current = _Fragment()
    for glyph in glyphs:
        if glyph.char == LINE_BREAK or glyph.char == "\r":
            if current.glyphs:
                out.append(current)
            current = _Fragment()
            continue
        if glyph.char == HYPHEN:
            current.hyphen = True
            continue
        if current.glyphs and not _same_baseline(current, glyph):
            out.append(current)
            current = _Fragment()
        if current.hyphen and not is_control(glyph.char):
            current.hyphen = False  # a removed hyphen is only a line end when the line ends there
        if not current.glyphs or (ink(glyph.char) and not is_mark(glyph.char) and not current.size):
            current.baseline = glyph.baseline
        current.glyphs.append(glyph)
        if ink(glyph.char) and not is_mark(glyph.char):
            current.size = max(current.size, glyph.size)
    if current.glyphs:
        out.append(current)
    for fragment in out:
        bases = [g.baseline for g in fragment.glyphs if ink(g.char) and not is_mark(g.char)]
        if bases:
            fragment.baseline = statistics.median(bases)
        fragment.size = fragment.size or max(g.size for g in fragment.glyphs)
    return out


def _same_baseline(fragment: _Fragment, glyph: Glyph) -> bool:
    size = max(fragment.size, glyph.size, 1.0)
    if is_mark(glyph.char) or not ink(glyph.char):
        return fragment.baseline - 0.4 * size <= glyph.baseline <= fragment.baseline + 0.8 * size
    return abs(glyph.baseline - fragment.baseline) <= 0.4 * size


def _merge(fragments: list[_Fragment]) -> list[list[_Fragment]]:
    """Fragments that make one printed line: consecutive ones on the same baseline and close together;
    a fragment of combining marks only joins the line it is drawn on, wherever PDFium put it."""
    groups: list[list[_Fragment]] = []
    loose_marks: list[_Fragment] = []
    for fragment in fragments:
        if fragment.marks_only():
            loose_marks.append(fragment)
            continue
        last = groups[-1] if groups else None
        if last is not None and _joins(last, fragment):
            last.append(fragment)
        else:
            groups.append([fragment])
    for marks in loose_marks:
        target = _line_under(groups, marks)
        if target is not None:
            target.append(marks)
    return groups


def _joins(group: list[_Fragment], fragment: _Fragment) -> bool:
    size = max(max(f.size for f in group), fragment.size, 1.0)
    if abs(group[0].baseline - fragment.baseline) > 0.3 * size:
        return False
    x0, x1 = min(f.x0 for f in group), max(f.x1 for f in group)
    gap = max(fragment.x0 - x1, x0 - fragment.x1)
    return gap <= 3.0 * size


def _line_under(groups: list[list[_Fragment]], marks: _Fragment) -> list[_Fragment] | None:
    """The line a fragment of marks is drawn on: its baseline a little below the marks, its x range under them."""
    centre = (marks.x0 + marks.x1) / 2
    best, best_distance = None, 0.0
    for group in groups:
        size = max(f.size for f in group)
        x0, x1 = min(f.x0 for f in group), max(f.x1 for f in group)
        if not x0 - size <= centre <= x1 + size:
            continue
        distance = abs(marks.baseline - group[0].baseline)
        if distance <= 0.8 * size and (best is None or distance < best_distance):
            best, best_distance = group, distance
    return best


def _line(
    group: list[_Fragment], page: int, width: float, height: float, zwnj: list[tuple[float, float]], rtl_page: bool
) -> Line | None:
    # On a right-to-left page every line is right-to-left text (a contact line with more Latin letters
    # in its address than Arabic ones in its label too); elsewhere a line goes by its own letters.
    rtl = rtl_page or _is_rtl(g.char for f in group for g in f.glyphs)
    fragments = sorted((f for f in group if not f.marks_only()), key=lambda f: -f.x1 if rtl else f.x0)
    glyphs: list[Glyph] = []
    for fragment in fragments:
        touching = glyphs and ink(glyphs[-1].char) and ink(fragment.glyphs[0].char)
        if touching and span_gap(glyphs[-4:], fragment.glyphs[:4]) > 0.15 * fragment.size:
            glyphs.append(_space_between(glyphs[-1], fragment.glyphs[0]))
        glyphs.extend(fragment.glyphs)
    if not rtl:
        # A glyph drawn after the rest of its line goes where it sits (Ukrainian "обʼєднання" came as "об єднання … ʼ").
        glyphs.sort(key=lambda g: g.x0)
    glyphs += [g for f in group if f.marks_only() for g in f.glyphs if is_mark(g.char)]  # placed by position next
    glyphs = attach_marks(glyphs)
    glyphs = drop_false_spaces(glyphs)
    glyphs = [g for g in glyphs if not is_control(g.char) and g.char not in "\ufffe\ufeff"]
    if rtl:
        glyphs = logical_order(glyphs)
    size = max(f.size for f in group)
    baseline = statistics.median(f.baseline for f in group)
    glyphs = superscripts(insert_zwnj(glyphs, zwnj, baseline, size), baseline, size)
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(g.char for g in glyphs))).strip(" ")
    if not rtl and letter_spaced(text, glyphs):
        text = unspaced(glyphs)
    if rtl:
        text = balance_brackets(rtl_list_marker(text))
    visible = [g for g in glyphs if ink(g.char) and not is_control(g.char)]
    if not text or not visible:
        return None
    sizes = [g.size for g in visible if not is_mark(g.char)] or [size]
    bold = sum(1 for g in visible if g.bold) * 2 > len(visible)
    return Line(
        text=text,
        page=page,
        x0=round(min(g.x0 for g in visible), 2),
        x1=round(max(g.x1 for g in visible), 2),
        top=round(height - max(g.y1 for g in visible), 2),
        bottom=round(height - min(g.y0 for g in visible), 2),
        baseline=round(height - baseline, 2),
        size=round(statistics.median(sizes), 2),
        bold=bold,
        rtl=rtl,
        hyphen=group[-1].hyphen if not rtl else any(f.hyphen for f in group),
        page_width=width,
        page_height=height,
        first_word=round(first_word_width(glyphs), 2),
    )


def _is_rtl(chars: Iterable[str]) -> bool:
    rtl = ltr = 0
    for char in chars:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL_BIDI:
            rtl += 1
        elif kind == "L":
            ltr += 1
    return rtl > ltr


def _space_between(a: Glyph, b: Glyph) -> Glyph:
    x0, x1 = sorted((min(a.x1, b.x1), max(a.x0, b.x0)))
    return Glyph(" ", x0, a.baseline, x1, a.baseline, a.baseline, a.size)
