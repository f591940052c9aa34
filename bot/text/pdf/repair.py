"""Repairs of one line's glyphs before they become text. Pure.

- combining marks go back after the letter they are drawn over (``attach_marks``);
- PDFium's own zero-width spaces that cut a word go (``drop_false_spaces``): around a kashida or a
  misplaced mark in Arabic script, and Writer's spacing between CJK and Latin text;
- ZWNJ comes back where an ``/ActualText`` mark put it (``insert_zwnj``);
- a letter-spaced line gets its words back (``letter_spaced``, ``unspaced``).
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import statistics
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.text.pdf.glyphs import Glyph

ZWNJ = "\u200c"


def is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me") if char else False


def ink(char: str) -> bool:
    """Whether a glyph is drawn (a kashida's control character is; a space is not). Not ``str.strip``:
    Python counts U+001C..U+001F, which PDFium gives for kashidas, as whitespace."""
    return bool(char) and char not in "\t\n\r" and unicodedata.category(char) != "Zs"


def is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" if char else False


def letter_spaced(text: str, glyphs: list[Glyph]) -> bool:
    """A line set with wide letter-spacing ("I N T E R N A T I O N A L"): PDFium put a space between every two
    letters, so nearly every token is one character. Those spaces are PDFium's own (no width); a line whose
    spaces were typed ("a b c d e f") is text."""
    tokens = text.split(" ")
    if len(tokens) < 6 or sum(1 for t in tokens if len(t) == 1) < 0.8 * len(tokens):
        return False
    typed = sum(1 for g in glyphs if g.char == " " and g.x1 - g.x0 > 0.01)
    return typed * 2 < len(tokens) - 1


def unspaced(glyphs: list[Glyph]) -> str:
    """A letter-spaced line's words again: the gap between the letters of a word is the letter-spacing,
    a word gap is wider by about a space."""
    visible = [g for g in glyphs if ink(g.char) and not is_control(g.char)]
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(visible)]
    if not gaps:
        return "".join(g.char for g in visible)
    spacing = statistics.median(gaps)
    out = visible[0].char
    for glyph, gap in zip(visible[1:], gaps):
        out += (" " if gap > spacing + 0.15 * glyph.size and not is_mark(glyph.char) else "") + glyph.char
    return unicodedata.normalize("NFC", out)


def attach_marks(glyphs: list[Glyph]) -> list[Glyph]:
    """Put each combining mark right after the letter it is drawn over; a mark over no letter goes, and so
    does the same mark drawn twice over one letter (Writer draws some shadda-fatha pairs twice)."""
    if not any(is_mark(g.char) for g in glyphs):
        return glyphs
    letters = [i for i, g in enumerate(glyphs) if g.char.isalpha() and not is_mark(g.char)]
    after: dict[int, list[Glyph]] = {}
    previous: int | None = None
    i = 0
    while i < len(glyphs):
        if not is_mark(glyphs[i].char):
            if glyphs[i].char.isalpha():
                previous = i
            i += 1
            continue
        j = i + 1
        while j < len(glyphs) and is_mark(glyphs[j].char) and _touch(glyphs[j - 1], glyphs[j]):
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
        if not is_mark(glyph.char):
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


def drop_false_spaces(glyphs: list[Glyph]) -> list[Glyph]:
    """Drop a space that has no width and sits between two Arabic-script glyphs less than a space
    apart (a kashida or a misplaced mark made PDFium break the word there)."""
    out: list[Glyph] = []
    drawn = [g for g in glyphs if ink(g.char) and not is_mark(g.char) and g.x1 - g.x0 > 0.5]
    starts, ends = sorted(g.x0 for g in drawn), sorted(g.x1 for g in drawn)
    for i, glyph in enumerate(glyphs):
        if glyph.char == " " and glyph.x1 - glyph.x0 < 0.01:
            before = _run(glyphs, i, -1)
            after = _run(glyphs, i, 1)
            if before and after and _no_space_needed(before, after):
                continue
            if _near(starts, glyph.x0) and _near(ends, glyph.x0):
                continue  # ink ends and ink starts right there: no gap on the page, whatever the stream order
        out.append(glyph)
    return out


def _near(positions: list[float], x: float, within: float = 0.5) -> bool:
    """Whether a sorted ``positions`` holds one within ``within`` of ``x``. Writer draws the dots of
    "info@example.org" in a right-to-left line after its letters, so PDFium saw gaps where they go."""
    k = bisect.bisect_left(positions, x - within)
    return k < len(positions) and positions[k] <= x + within


def _no_space_needed(before: list[Glyph], after: list[Glyph]) -> bool:
    """Whether PDFium's own (zero-width) space between two runs is an artefact: Arabic-script glyphs that
    nearly touch (a kashida or a misplaced mark cut the word), or a CJK character and a Latin one or a digit
    a quarter em apart (Writer's spacing between Asian and other text, "仅在2019年", is no space), or any
    two runs that touch."""
    a, b = before[0].char, after[0].char
    gap = span_gap(before, after) / max(before[0].size, 1.0)
    if _is_joining(a) or _is_joining(b):
        return gap < (0.15 if _is_joining(a) and _is_joining(b) else 0.03)
    if _cjk(a) != _cjk(b):
        return gap < 0.3
    # Any script: two runs that touch are one word ("info@mawani.example.org" in an RTL line came as
    # "mawani . example . org"); a word space is a quarter em even in tight justified lines.
    return gap < 0.05


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
        if ink(glyph.char) and not is_mark(glyph.char):
            out.append(glyph)
            letters += not is_control(glyph.char)  # a chain of kashidas counts as glue, however long
        j += step
    return out


def span_gap(a: list[Glyph], b: list[Glyph]) -> float:
    """The gap between the boxes two runs of glyphs cover (kashidas overlap, so one glyph is not enough)."""
    a0, a1 = min(g.x0 for g in a), max(g.x1 for g in a)
    b0, b1 = min(g.x0 for g in b), max(g.x1 for g in b)
    return max(b0 - a1, a0 - b1)


def _is_joining(char: str) -> bool:
    """An Arabic-script letter or a kashida (which comes as a control character): the script whose words
    PDFium cuts at a kashida or a misplaced mark. Latin words are never joined here."""
    return is_control(char) or (char.isalpha() and unicodedata.bidirectional(char) == "AL")


def insert_zwnj(glyphs: list[Glyph], points: list[tuple[float, float]], baseline: float, size: float) -> list[Glyph]:
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
                out.insert(i + 1, dataclasses.replace(a, char=ZWNJ, x0=x, x1=x))
                break
    return out


def rtl_list_marker(text: str) -> str:
    """PDFium gives a right-to-left list number "١." as ".١": put the full stop back after it."""
    head, _, rest = text.partition(" ")
    if len(head) >= 2 and head[0] in ".)" and head[1:].isdigit():
        return f"{head[1:]}{head[0]} {rest}".rstrip()
    return text


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscripts(glyphs: list[Glyph], baseline: float, size: float) -> list[Glyph]:
    """Digits set smaller and raised above the line (a footnote mark "запрещено¹") as superscript digits:
    taken as ordinary digits they glue a number onto the word before them ("запрещено1")."""
    out = []
    for glyph in glyphs:
        raised = glyph.baseline - baseline  # PDF space: y grows upwards
        if "0" <= glyph.char <= "9" and glyph.size <= 0.75 * size and raised >= 0.2 * size:
            glyph = dataclasses.replace(glyph, char=glyph.char.translate(_SUPERSCRIPT))
        out.append(glyph)
    return out


def first_word_width(glyphs: list[Glyph]) -> float:
    """How wide the line's first word is as printed (glyphs in logical order): letters vary in width too
    much, most of all in Arabic script, for a count of characters to say whether it had fit on the line before."""
    word = list(itertools.takewhile(lambda g: ink(g.char), itertools.dropwhile(lambda g: not ink(g.char), glyphs)))
    if not word:
        return 0.0
    if _cjk(word[0].char):
        word = word[:1]  # a CJK line may break after any character
    return max(g.x1 for g in word) - min(g.x0 for g in word)
