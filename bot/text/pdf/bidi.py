"""Right-to-left lines back into logical order from where their glyphs are drawn. Pure.

PDFium's order inside one run of a right-to-left line is logical, but where Writer broke a line into runs
(at a Latin address, a phone number, a colon before one) the runs can come in drawing order, and
Noto Sans Arabic's lam-alef ligature comes as alef then lam. The line is read again from its geometry:
glyphs (each with its combining marks) right to left, then every left-to-right stretch (Latin words,
numbers) turned back to read left to right, as the Unicode bidi algorithm laid it out.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.text.pdf.glyphs import Glyph

_ALEFS = frozenset("اأإآ")
_LAM = "ل"
_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "‹": "›", "<": ">"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_NUMBER_JOINERS = frozenset(",.:/-")  # inside a number: 1,5  12:30  2020/01/04


def logical_order(glyphs: list[Glyph]) -> list[Glyph]:
    """The glyphs of a right-to-left line in logical order (combining marks stay after their letter)."""
    clusters = _clusters(glyphs)
    order = sorted(clusters, key=lambda c: -_centre(c[1]))
    space = _space_width(glyphs)
    kinds = _kinds([c[1] for c in order])
    units: list[list[tuple[int, list[Glyph]]]] = []  # right-to-left: one cluster; left-to-right: a run
    i = 0
    while i < len(order):
        end = i if kinds[i] not in "LN" else _ltr_run_end(kinds, [c[1] for c in order], i, space)
        units.append(list(reversed(order[i : end + 1])))
        i = end + 1
    out: list[Glyph] = []
    previous: list[tuple[int, list[Glyph]]] | None = None
    for unit in units:
        if previous is not None:
            _space_if_apart(out, previous, unit, space)
        for k, cluster in enumerate(unit):
            if k:
                _space_if_apart(out, unit[k - 1 : k], unit[k : k + 1], space)
            out.extend(_lam_alef(cluster[1]))
        previous = unit
    return out


def _space_if_apart(
    out: list[Glyph], a: list[tuple[int, list[Glyph]]], b: list[tuple[int, list[Glyph]]], space: float
) -> None:
    """Add a space where two pieces that were not neighbours in PDFium's order now meet across a gap of
    half a space or more (PDFium put that space elsewhere in the line, or nowhere)."""
    if not out or out[-1].char == " " or b[0][1][0].char == " ":
        return
    last_index, last = max(a, key=lambda c: c[0])
    first_index = min(c[0] for c in b)
    if first_index == last_index + len(last):
        return
    if _gap([g for c in a for g in c[1]], [g for c in b for g in c[1]]) > 0.5 * space:
        ref = out[-1]
        out.append(type(ref)(" ", ref.x0, ref.y0, ref.x0, ref.y0, ref.baseline, ref.size))


def _gap(a: list[Glyph], b: list[Glyph]) -> float:
    a0, a1 = min(g.x0 for g in a), max(g.x1 for g in a)
    b0, b1 = min(g.x0 for g in b), max(g.x1 for g in b)
    return max(b0 - a1, a0 - b1)


def _space_width(glyphs: list[Glyph]) -> float:
    widths = sorted(g.x1 - g.x0 for g in glyphs if g.char == " " and g.x1 - g.x0 >= 0.01)
    if widths:
        return widths[len(widths) // 2]
    sizes = [g.size for g in glyphs if g.char != " "]
    return 0.25 * max(sizes, default=10.0)


def _clusters(glyphs: list[Glyph]) -> list[tuple[int, list[Glyph]]]:
    """Glyphs that must keep PDFium's order, each with the index of its first glyph: a letter and its
    marks, letters drawn one over the other (a ligature's two characters share one box), and a space of
    no width with the glyph after it (such a space is PDFium's word break; its position says nothing)."""
    out: list[tuple[int, list[Glyph]]] = []
    pending: list[Glyph] = []
    start = 0
    for index, glyph in enumerate(glyphs):
        zero = glyph.char == " " and glyph.x1 - glyph.x0 < 0.01
        if zero:
            if not pending:
                start = index
            pending.append(glyph)
        elif out and not pending and (_is_mark(glyph.char) or _stacked(out[-1][1][-1], glyph)):
            out[-1][1].append(glyph)
        elif glyph.char == " ":
            out.append((index, [glyph]))  # a real space: it is the word break, PDFium's own ones go
            pending = []
        else:
            out.append((start if pending else index, [*pending, glyph]))
            pending = []
    if pending:
        if out:
            out[-1][1].extend(pending)
        else:
            out.append((start, pending))
    return out


def _stacked(a: Glyph, b: Glyph) -> bool:
    narrower = min(a.x1 - a.x0, b.x1 - b.x0)
    if narrower <= 0.01 or not (a.char.isalpha() and b.char.isalpha()):
        return False
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.8 * narrower


def _centre(cluster: list[Glyph]) -> float:
    base = [g for g in cluster if not _is_mark(g.char) and g.char != " "] or [max(cluster, key=lambda g: g.x1 - g.x0)]
    return sum((g.x0 + g.x1) / 2 for g in base) / len(base)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me")


def _kinds(clusters: list[list[Glyph]]) -> str:
    """Per cluster: L (left-to-right letters, or a number after them), N (number), R (right-to-left), O (other)."""
    kinds = []
    strong = "R"
    for cluster in clusters:
        types = {unicodedata.bidirectional(g.char) for g in cluster if not _is_mark(g.char)}
        if "L" in types:
            kind = strong = "L"
        elif types & {"R", "AL"}:
            kind = strong = "R"
        elif types & {"EN", "AN"}:
            kind = "L" if strong == "L" else "N"  # a number right after Latin text belongs to it
        else:
            kind = "O"
        kinds.append(kind)
    return "".join(kinds)


def _ltr_run_end(kinds: str, clusters: list[list[Glyph]], start: int, space: float) -> int:
    """The last cluster of the left-to-right stretch starting at ``start``: Latin words with the spaces and
    punctuation between them, or one number with the separators inside it."""
    end = start
    j = start + 1
    while j < len(kinds):
        if kinds[j] in "LN":
            between = clusters[end + 1 : j]
            if kinds[j] == "L" and kinds[end] == "L":
                end = j
            elif _gap(clusters[end], clusters[j]) > 0.5 * space:
                break  # numbers apart: "+961 1 234 567" is four of them, each left to right
            elif not between or (len(between) == 1 and between[0][0].char in _NUMBER_JOINERS):
                end = j  # a number going on: 1,5 or 2020/01/04
            else:
                break
        elif kinds[j] == "R":
            break
        j += 1
    return end


def _lam_alef(cluster: list[Glyph]) -> list[Glyph]:
    """Noto Sans Arabic's lam-alef ligature comes as alef, lam with one box: lam comes first in the text."""
    letters = [g for g in cluster if not _is_mark(g.char)]
    if len(letters) == 2 and letters[0].char in _ALEFS and letters[1].char == _LAM:
        alef = [g for g in cluster if g is not letters[1]]
        return [letters[1], *alef]
    return cluster


def balance_brackets(text: str) -> str:
    """Brackets and guillemets of a right-to-left line as written, not as drawn: a closer with no opener
    before it is an opener drawn mirrored, and an opener with no closer after it a closer."""
    chars = list(text)
    depth: dict[str, int] = {}
    for i, char in enumerate(chars):
        if char in _PAIRS:
            depth[char] = depth.get(char, 0) + 1
        elif char in _CLOSERS:
            opener = _CLOSERS[char]
            if depth.get(opener, 0):
                depth[opener] -= 1
            else:
                chars[i] = opener
                depth[opener] = depth.get(opener, 0) + 1
    closers: dict[str, int] = {}
    for i in range(len(chars) - 1, -1, -1):
        char = chars[i]
        if char in _CLOSERS:
            closers[char] = closers.get(char, 0) + 1
        elif char in _PAIRS:
            closer = _PAIRS[char]
            if closers.get(closer, 0):
                closers[closer] -= 1
            else:
                chars[i] = closer
                closers[closer] = closers.get(closer, 0) + 1
    return "".join(chars)
