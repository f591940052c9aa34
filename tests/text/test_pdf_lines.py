"""Printed lines from PDFium's glyphs (``bot.text.pdf.glyphs`` and ``bidi``): pure, no PDF needed.

Glyphs are laid out here the way PDFium reports them for LibreOffice exports: loose boxes that touch inside a
word, PDFium's ``\\n`` between lines, a removed line-end hyphen as ``\\x02``, kashidas as control
characters, right-to-left runs in logical order but sometimes in the wrong order among themselves.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.pdf.bidi import balance_brackets
from bot.text.pdf.glyphs import HYPHEN, LINE_BREAK, Glyph, page_lines
from bot.text.pdf.repair import ZWNJ

SIZE = 12.0
ADVANCE = 6.0  # every letter 6 pt wide, a space 3 pt, a CJK character 12 pt
HEIGHT = 842.0
RIGHT = 527.0
LEFT = 68.0


def width(char: str) -> float:
    return 12.0 if "\u3000" <= char <= "\u9fff" else 3.0 if char == " " else ADVANCE


def laid_out(text: str, row: int, rtl: bool = False, start: float | None = None) -> list[Glyph]:
    """One line of ``text`` (logical order) on row ``row``: left to right from LEFT, or right to left from RIGHT."""
    baseline = 800.0 - 20.0 * row
    x = start if start is not None else (RIGHT if rtl else LEFT)
    out = []
    for char in text:
        w = width(char)
        x0, x1 = (x - w, x) if rtl else (x, x + w)
        out.append(Glyph(char, x0, baseline - 3, x1, baseline + 9, baseline, SIZE))
        x = x0 if rtl else x1
    return out


def texts(glyphs: list[Glyph], zwnj: list[tuple[float, float]] | None = None) -> list[str]:
    return [line.text for line in page_lines(glyphs, 0, 595.0, HEIGHT, zwnj or [])]


def test_lines_in_order_with_their_geometry():
    glyphs = laid_out("Solidarity with the workers", 0) + [Glyph(LINE_BREAK, 0, 0, 0, 0, 0, 1)]
    glyphs += laid_out("of the port", 1)
    lines = page_lines(glyphs, 2, 595.0, HEIGHT)
    assert [line.text for line in lines] == ["Solidarity with the workers", "of the port"]
    first = lines[0]
    assert (first.page, first.rtl, first.size, first.x0) == (2, False, SIZE, LEFT)
    assert first.baseline == HEIGHT - 800.0 and lines[1].baseline - first.baseline == 20.0


def test_a_line_pdfium_glued_at_a_removed_hyphen_is_two_lines_the_first_hyphenated():
    """PDFium joins "ter-/minals" into one line of text with \\x02 where the hyphen was."""
    first = laid_out("kept the container ter", 0)
    hyphen = Glyph(HYPHEN, first[-1].x1, 797, first[-1].x1, 809, 800, SIZE)
    lines = page_lines([*first, hyphen, *laid_out("minals closed.", 1)], 0, 595.0, HEIGHT)
    assert [(line.text, line.hyphen) for line in lines] == [("kept the container ter", True), ("minals closed.", False)]


def test_kashida_controls_are_dropped_and_zero_width_spaces_beside_them_too():
    word = laid_out("همه", 0, rtl=True)
    kashida = Glyph("\x1c", word[1].x0 - 2.0, 797, word[1].x0, 809, 800, SIZE)
    gap = Glyph(" ", kashida.x0, 800, kashida.x0, 800, 800, 1.0)  # PDFium's own space, no width
    rest = laid_out("ی", 0, rtl=True, start=kashida.x0)
    assert texts([*word[:2], kashida, gap, *rest]) == ["همی"]


def test_a_displaced_shadda_goes_back_over_its_letter():
    """Noto Naskh Arabic: the shadda of "عمّال" drawn as its own run, which PDFium puts first."""
    word = laid_out("عمال", 0, rtl=True)
    meem = word[1]
    shadda = Glyph("\u0651", meem.x0 + 1, 806, meem.x1 - 1, 810, 800.5, SIZE)
    assert texts([shadda, Glyph(" ", 400, 800, 400, 800, 800, 1), *word]) == ["عمّال"]


def test_a_mark_drawn_twice_over_one_letter_is_kept_once():
    word = laid_out("تجمد", 0, rtl=True)
    meem = word[2]
    marks = [Glyph(c, meem.x0 + 1, 806, meem.x1 - 1, 810, 800, SIZE) for c in "\u064e\u0651"]
    assert texts([*word[:3], *marks, *marks, word[3]]) == ["تجمَّد"]


def test_zwnj_is_put_back_where_an_actualtext_mark_says():
    word = laid_out("همهی", 0, rtl=True)
    point = (word[2].x0, 800.0)  # between ه and ی
    assert texts(word, [point]) == [f"همه{ZWNJ}ی"]


PERSIAN_LINE = "کارگران زندانی را خواستاریم"  # the rest of a right-to-left page


def test_right_to_left_runs_in_drawing_order_are_put_in_logical_order():
    """A contact line of a Persian page: PDFium gives the address first, then the label, each run itself
    in order."""
    label = laid_out("ایمیل: ", 1, rtl=True)
    address = laid_out("info@example.org", 1, start=label[-1].x0 - 6 * 16)
    page = [*laid_out(PERSIAN_LINE, 0, rtl=True), Glyph(LINE_BREAK, 0, 0, 0, 0, 0, 1.0)]
    assert texts([*page, *address, *label]) == [PERSIAN_LINE, "ایمیل: info@example.org"]


def test_a_phone_number_in_right_to_left_text_reads_left_to_right_in_groups():
    """Bidi draws "هاتف: +961 1 234" as "234 1 961+ :هاتف": groups right to left, each left to right, the
    plus sign on the right; PDFium puts its own zero-width space before each group."""
    label = laid_out("هاتف: ", 0, rtl=True)
    plus = laid_out("+", 0, start=label[-1].x0 - 6)
    glyphs = [*label, *laid_out("961", 0, start=plus[0].x0 - 18), *plus]
    x = plus[0].x0 - 18
    for group in ("1", "234"):
        x -= 3 + 6 * len(group)
        glyphs += [Glyph(" ", x + 6 * len(group), 800, x + 6 * len(group), 800, 800, 1.0), *laid_out(group, 0, start=x)]
    assert texts(glyphs) == ["هاتف: +961 1 234"]


def test_lam_alef_ligature_given_as_alef_then_lam_is_read_lam_first():
    word = laid_out("پا", 0, rtl=True)  # پ, then the ligature's box
    box = word[1]
    alef = Glyph("ا", box.x0, box.y0, box.x1, box.y1, 800, SIZE)
    lam = Glyph("ل", box.x0, box.y0, box.x1, box.y1, 800, SIZE)
    rest = laid_out("یش", 0, rtl=True, start=box.x0)
    assert texts([word[0], alef, lam, *rest]) == ["پلایش"]


def test_mirrored_brackets_and_list_numbers_of_right_to_left_lines():
    assert balance_brackets("چون »اجتماع« و )ILO)") == "چون «اجتماع» و (ILO)"
    assert texts(laid_out(".١ إصدار بيانات", 0, rtl=True)) == ["١. إصدار بيانات"]


def test_cjk_next_to_latin_has_no_space_where_writer_only_added_spacing():
    han = laid_out("仅在", 0)
    gap = Glyph(" ", han[-1].x1, 800, han[-1].x1, 800, 800, 1.0)
    digits = laid_out("2019", 0, start=han[-1].x1 + 2.9)
    assert texts([*han, gap, *digits]) == ["仅在2019"]


def test_a_letter_spaced_line_gets_its_words_back():
    glyphs, x = [], LEFT
    for char in "WORKERS’ SOLIDARITY":
        if char == " ":
            x += 3.0  # a space wider than the letter-spacing
            continue
        glyphs.append(Glyph(char, x, 797, x + 6, 809, 800, 9.0))
        glyphs.append(Glyph(" ", x + 6, 800, x + 6, 800, 800, 1.0))  # PDFium's space between spaced letters
        x += 6 + 3.4
    assert texts(glyphs) == ["WORKERS’ SOLIDARITY"]


def test_typed_single_letters_are_not_taken_for_letter_spacing():
    glyphs = laid_out("a b c d e f g", 0)
    assert texts(glyphs) == ["a b c d e f g"]


# --- properties: whatever the script, no word is lost and the order is kept ---------------------------

LATIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÉéèçñ", min_size=1, max_size=9)
PERSIAN = st.text(alphabet="ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی", min_size=1, max_size=8)
ARABIC = st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءأإ", min_size=1, max_size=8)
HAN = st.text(alphabet="国际工人团结网络声援被拘押的独立会活动士", min_size=1, max_size=1)
SCRIPTS = {"latin": (LATIN, False), "persian": (PERSIAN, True), "arabic": (ARABIC, True), "chinese": (HAN, False)}


def layout(lines: list[list[str]], rtl: bool, joiner: str, split_at: list[int]) -> list[Glyph]:
    """The lines as PDFium would report them; a right-to-left line cut at ``split_at[row]`` (a word gap) comes
    as two runs, the later one first, as Writer's runs sometimes do."""
    glyphs: list[Glyph] = []
    for row, words in enumerate(lines):
        line = laid_out(joiner.join(words), row, rtl)
        cut = _cut(words, joiner, split_at[row % len(split_at)]) if rtl and len(words) > 1 else 0
        runs = [line[cut:], line[:cut]] if cut else [line]
        for run in runs:
            glyphs += run + [Glyph(LINE_BREAK, 0, 0, 0, 0, run[-1].baseline, 1.0)]
    return glyphs


def _cut(words: list[str], joiner: str, at: int) -> int:
    at = 1 + at % (len(words) - 1)
    return len(joiner.join(words[:at])) + len(joiner)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(SCRIPTS)),
    st.data(),
    st.lists(st.integers(0, 20), min_size=1, max_size=5),
)
def test_no_word_is_lost_and_the_order_is_kept(script, data, split_at):
    words, rtl = SCRIPTS[script]
    lines = data.draw(st.lists(st.lists(words, min_size=1, max_size=8), min_size=1, max_size=6))
    joiner = "" if script == "chinese" else " "
    got = texts(layout(lines, rtl, joiner, split_at))
    assert got == [joiner.join(line) for line in lines]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(PERSIAN, min_size=2, max_size=6), min_size=1, max_size=4), st.data())
def test_kashidas_anywhere_inside_persian_words_change_no_word(lines, data):
    glyphs: list[Glyph] = []
    for row, words in enumerate(lines):
        for glyph in laid_out(" ".join(words), row, rtl=True):
            glyphs.append(glyph)
            if glyph.char != " " and data.draw(st.booleans()):
                glyphs.append(Glyph("\x1c", glyph.x0, glyph.y0, glyph.x0, glyph.y1, glyph.baseline, SIZE))
        glyphs.append(Glyph(LINE_BREAK, 0, 0, 0, 0, 0, 1.0))
    assert texts(glyphs) == [" ".join(words) for words in lines]


def test_a_raised_smaller_number_is_a_superscript_footnote_mark_not_glued_digits():
    glyphs = laid_out("sanctioned", 0)
    x = glyphs[-1].x1
    mark = Glyph("1", x, 800.0 - 1, x + 3.5, 800.0 + 6, 800.0 + 4.7, 7.0)  # 7 pt, raised 4.7 pt, as Writer sets it
    glyphs += [mark, *laid_out(". Next", 0, start=x + 3.5)]
    glyphs += [
        Glyph(LINE_BREAK, 0, 0, 0, 0, 0, 1.0),
        *laid_out("Page 1 of 2", 1),
    ]  # a digit of the line's own size stays a digit
    assert texts(glyphs) == ["sanctioned¹. Next", "Page 1 of 2"]


def test_the_first_words_printed_width_is_measured_from_its_glyphs():
    glyphs = [*laid_out("first line", 0), Glyph(LINE_BREAK, 0, 0, 0, 0, 0, 1.0), *laid_out("語です", 1)]
    lines = page_lines(glyphs, 0, 595.0, HEIGHT)
    assert [line.first_word for line in lines] == [5 * ADVANCE, 12.0]  # "first"; a CJK line's first character


def _glyphs_at(text: str, x: float, width: float = 7.0) -> list[Glyph]:
    out = []
    for char in text:
        advance = 0.0 if char == " " else width
        out.append(Glyph(char, x, 0.0, x + advance, 12.0, 2.0, 12.0))
        x += advance
    return out


def test_a_space_pdfium_saw_where_a_glyph_drawn_later_sits_is_no_space():
    from bot.text.pdf.repair import drop_false_spaces

    # Writer draws "info@mawani.example.org" in a right-to-left line letters first, dots after: PDFium sees
    # gaps where the dots go and puts its own zero-width spaces there.
    left = _glyphs_at("mawani", 100.0)
    right = _glyphs_at("example", 145.5)
    gap = Glyph(" ", 145.5, 0.0, 145.5, 12.0, 2.0, 12.0)
    dot = Glyph(".", 142.0, 0.0, 145.4, 12.0, 2.0, 12.0)
    kept = drop_false_spaces([*left, gap, *right, dot])
    assert " " not in "".join(g.char for g in kept)
    # A real word space: nothing drawn in the gap.
    words = [*_glyphs_at("mawani", 100.0), Glyph(" ", 145.5, 0.0, 145.5, 12.0, 2.0, 12.0), *_glyphs_at("org", 148.5)]
    assert "".join(g.char for g in drop_false_spaces(words)) == "mawani org"


def test_a_glyph_drawn_after_the_rest_of_its_line_goes_where_it_sits():
    """Writer draws a Ukrainian apostrophe (U+02BC) after the rest of the line; PDFium saw a gap there."""
    head = laid_out("право на об", 0)
    apostrophe = laid_out("ʼ", 0, start=head[-1].x1)
    tail = laid_out("єднання гарантоване", 0, start=apostrophe[0].x1)
    gap = Glyph(" ", tail[0].x0, tail[0].y0, tail[0].x0, tail[0].y1, tail[0].baseline, SIZE)
    assert texts([*head, gap, *tail, *apostrophe]) == ["право на обʼєднання гарантоване"]
