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
back where a mark says it was.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.text.pdf.bidi import balance_brackets, logical_order

LINE_BREAK = "\n"
HYPHEN = "\x02"  # PDFium: a hyphen it removed at a line end (the word goes on on the next line)
ZWNJ = "\u200c"
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
        return all(_is_mark(g.char) or not _ink(g.char) for g in self.glyphs)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me") if char else False


def _ink(char: str) -> bool:
    """Whether a glyph is drawn (a kashida's control character is; a space is not). Not ``str.strip``:
    Python counts U+001C..U+001F, which PDFium gives for kashidas, as whitespace."""
    return bool(char) and char not in "\t\n\r" and unicodedata.category(char) != "Zs"


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" if char else False


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
        if current.hyphen and not _is_control(glyph.char):
            current.hyphen = False  # a removed hyphen is only a line end when the line ends there
        if not current.glyphs or (_ink(glyph.char) and not _is_mark(glyph.char) and not current.size):
            current.baseline = glyph.baseline
        current.glyphs.append(glyph)
        if _ink(glyph.char) and not _is_mark(glyph.char):
            current.size = max(current.size, glyph.size)
    if current.glyphs:
        out.append(current)
    for fragment in out:
        bases = [g.baseline for g in fragment.glyphs if _ink(g.char) and not _is_mark(g.char)]
        if bases:
            fragment.baseline = statistics.median(bases)
        fragment.size = fragment.size or max(g.size for g in fragment.glyphs)
    return out


def _same_baseline(fragment: _Fragment, glyph: Glyph) -> bool:
    size = max(fragment.size, glyph.size, 1.0)
    if _is_mark(glyph.char) or not _ink(glyph.char):
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
        touching = glyphs and _ink(glyphs[-1].char) and _ink(fragment.glyphs[0].char)
        if touching and _span_gap(glyphs[-4:], fragment.glyphs[:4]) > 0.15 * fragment.size:
            glyphs.append(_space_between(glyphs[-1], fragment.glyphs[0]))
        glyphs.extend(fragment.glyphs)
    glyphs += [g for f in group if f.marks_only() for g in f.glyphs if _is_mark(g.char)]  # placed by position next
    glyphs = _attach_marks(glyphs)
    glyphs = _drop_false_spaces(glyphs)
    glyphs = [g for g in glyphs if not _is_control(g.char) and g.char not in "\ufffe\ufeff"]
    if rtl:
        glyphs = logical_order(glyphs)
    size = max(f.size for f in group)
    baseline = statistics.median(f.baseline for f in group)
    glyphs = _insert_zwnj(glyphs, zwnj, baseline, size)
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(g.char for g in glyphs))).strip(" ")
    if not rtl and _letter_spaced(text):
        text = _unspaced(glyphs)
    if rtl:
        text = balance_brackets(_rtl_list_marker(text))
    visible = [g for g in glyphs if _ink(g.char) and not _is_control(g.char)]
    if not text or not visible:
        return None
    sizes = [g.size for g in visible if not _is_mark(g.char)] or [size]
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
    )


def _letter_spaced(text: str) -> bool:
    """A line set with wide letter-spacing ("I N T E R N A T I O N A L"): PDFium put a space between every two
    letters, so nearly every token is one character."""
    tokens = text.split(" ")
    return len(tokens) >= 6 and sum(1 for t in tokens if len(t) == 1) >= 0.8 * len(tokens)


def _unspaced(glyphs: list[Glyph]) -> str:
    """A letter-spaced line's words again: the gap between the letters of a word is the letter-spacing,
    a word gap is wider by about a space."""
    visible = [g for g in glyphs if _ink(g.char) and not _is_control(g.char)]
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(visible)]
    if not gaps:
        return "".join(g.char for g in visible)
    spacing = statistics.median(gaps)
    out = visible[0].char
    for glyph, gap in zip(visible[1:], gaps):
        out += (" " if gap > spacing + 0.15 * glyph.size and not _is_mark(glyph.char) else "") + glyph.char
    return unicodedata.normalize("NFC", out)


def _is_rtl(chars: Iterable[str]) -> bool:
    rtl = ltr = 0
    for char in chars:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL_BIDI:
            rtl += 1
        elif kind == "L":
            ltr += 1
    return rtl > ltr


def _gap(a: Glyph, b: Glyph) -> float:
    """Horizontal distance between two boxes (negative when they overlap)."""
    return max(b.x0 - a.x1, a.x0 - b.x1)


def _space_between(a: Glyph, b: Glyph) -> Glyph:
    x0, x1 = sorted((min(a.x1, b.x1), max(a.x0, b.x0)))
    return Glyph(" ", x0, a.baseline, x1, a.baseline, a.baseline, a.size)


def _attach_marks(glyphs: list[Glyph]) -> list[Glyph]:
    """Put each combining mark right after the letter it is drawn over; a mark over no letter goes, and so
    does the same mark drawn twice over one letter (Writer draws some shadda-fatha pairs twice)."""
    if not any(_is_mark(g.char) for g in glyphs):
        return glyphs
    letters = [i for i, g in enumerate(glyphs) if g.char.isalpha() and not _is_mark(g.char)]
    after: dict[int, list[Glyph]] = {}
    previous: int | None = None
    i = 0
    while i < len(glyphs):
        if not _is_mark(glyphs[i].char):
            if glyphs[i].char.isalpha():
                previous = i
            i += 1
            continue
        j = i + 1
        while j < len(glyphs) and _is_mark(glyphs[j].char) and _touch(glyphs[j - 1], glyphs[j]):
            j += 1
        cluster = glyphs[i:j]  # marks drawn together (shadda + fatha) go to one letter together
        base = _base_under(cluster, glyphs, letters, previous)
        if base is not None:
            placed = after.setdefault(base, [])
            for mark in cluster:
                if all(mark.char != other.char for other in placed):
                    placed.append(mark)
        i = j
    out: list[Glyph] = []
    for i, glyph in enumerate(glyphs):
        if not _is_mark(glyph.char):
            out.append(glyph)
            out.extend(after.get(i, ()))
    return out


def _touch(a: Glyph, b: Glyph) -> bool:
    return abs(a.baseline - b.baseline) < 0.1 * a.size and max(b.x0 - a.x1, a.x0 - b.x1) <= 0.1 * a.size


def _base_under(cluster: list[Glyph], glyphs: list[Glyph], letters: list[int], previous: int | None) -> int | None:
    """The letter marks are drawn over. The letter before them in PDFium's order when they are over it
    (half their width or more); otherwise the letter under most of them, then the nearest."""
    x0, x1 = min(m.x0 for m in cluster), max(m.x1 for m in cluster)
    width, centre, size = max(x1 - x0, 0.01), (x0 + x1) / 2, max(m.size for m in cluster)
    baseline = cluster[0].baseline
    scored = []
    for i in letters:
        glyph = glyphs[i]
        if abs(glyph.baseline - baseline) > 0.8 * max(glyph.size, 1.0):
            continue
        overlap = max(0.0, min(x1, glyph.x1) - max(x0, glyph.x0)) / width
        distance = abs((glyph.x0 + glyph.x1) / 2 - centre)
        if i == previous and overlap >= 0.5:
            return i
        if overlap > 0 or distance <= 0.3 * size:
            scored.append((overlap, -distance, i))
    if not scored:
        return None
    best = max(scored)
    good = [s for s in scored if s[0] >= best[0] - 0.1]
    return max(good, key=lambda s: s[1])[2]


def _drop_false_spaces(glyphs: list[Glyph]) -> list[Glyph]:
    """Drop a space that has no width and sits between two Arabic-script glyphs less than a space
    apart (a kashida or a misplaced mark made PDFium break the word there)."""
    out: list[Glyph] = []
    for i, glyph in enumerate(glyphs):
        if glyph.char == " " and glyph.x1 - glyph.x0 < 0.01:
            before = _run(glyphs, i, -1)
            after = _run(glyphs, i, 1)
            if before and after and _no_space_needed(before, after):
                continue
        out.append(glyph)
    return out


def _no_space_needed(before: list[Glyph], after: list[Glyph]) -> bool:
    """Whether PDFium's own (zero-width) space between two runs is an artefact: Arabic-script glyphs that
    nearly touch (a kashida or a misplaced mark cut the word), or a CJK character and a Latin one or a digit
    a quarter em apart (Writer's spacing between Asian and other text, "仅在2019年", is no space)."""
    a, b = before[0].char, after[0].char
    gap = _span_gap(before, after) / max(before[0].size, 1.0)
    if _is_joining(a) or _is_joining(b):
        return gap < (0.15 if _is_joining(a) and _is_joining(b) else 0.03)
    if _cjk(a) != _cjk(b):
        return gap < 0.3
    return False


def _cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" or "\uac00" <= char <= "\ud7af"


def _run(glyphs: list[Glyph], i: int, step: int, most: int = 4) -> list[Glyph]:
    """The visible glyphs next to position ``i`` (nearest first): up to ``most`` letters and the kashidas
    between them, stopping at a real space."""
    out: list[Glyph] = []
    letters = 0
    j = i + step
    while 0 <= j < len(glyphs) and letters < most:
        glyph = glyphs[j]
        if glyph.char == " " and glyph.x1 - glyph.x0 >= 0.01:
            break  # a real space glyph: the two sides are two words
        if _ink(glyph.char) and not _is_mark(glyph.char):
            out.append(glyph)
            letters += not _is_control(glyph.char)  # a chain of kashidas counts as glue, however long
        j += step
    return out


def _span_gap(a: list[Glyph], b: list[Glyph]) -> float:
    """The gap between the boxes two runs of glyphs cover (kashidas overlap, so one glyph is not enough)."""
    a0, a1 = min(g.x0 for g in a), max(g.x1 for g in a)
    b0, b1 = min(g.x0 for g in b), max(g.x1 for g in b)
    return max(b0 - a1, a0 - b1)


def _is_joining(char: str) -> bool:
    """An Arabic-script letter or a kashida (which comes as a control character): the script whose words
    PDFium cuts at a kashida or a misplaced mark. Latin words are never joined here."""
    return _is_control(char) or (char.isalpha() and unicodedata.bidirectional(char) == "AL")


def _insert_zwnj(glyphs: list[Glyph], points: list[tuple[float, float]], baseline: float, size: float) -> list[Glyph]:
    """A ZWNJ between the two letters whose boxes meet at a point a ``/ActualText`` mark gives."""
    here = [x for x, y in points if abs(y - baseline) <= 0.4 * size]
    if not here:
        return glyphs
    out = list(glyphs)
    for x in sorted(here):
        for i in range(len(out) - 1):
            a, b = out[i], out[i + 1]
            if not (a.char.isalpha() and b.char.isalpha()):
                continue
            low, high = sorted((a.x0, b.x1)) if a.x0 > b.x0 else sorted((a.x1, b.x0))
            if low - 0.6 <= x <= high + 0.6 and ZWNJ not in (a.char, b.char):
                out.insert(i + 1, Glyph(ZWNJ, x, a.y0, x, a.y1, a.baseline, a.size, a.bold))
                break
    return out


def _rtl_list_marker(text: str) -> str:
    """PDFium gives a right-to-left list number "١." as ".١": put the full stop back after it."""
    head, _, rest = text.partition(" ")
    if len(head) >= 2 and head[0] in ".)" and head[1:].isdigit():
        return f"{head[1:]}{head[0]} {rest}".rstrip()
    return text
