"""From printed lines to a statement (``bot.text.pdf.layout`` and ``paragraphs``): pure, no PDF needed.

Lines are made here with the geometry of an A4 LibreOffice export: text frame 68-527 pt, 12 pt body with a
pitch of 16 pt, headers near the top edge and footers near the bottom one.
"""

from __future__ import annotations

import pytest

from bot.text.pdf.glyphs import Line
from bot.text.pdf.layout import drop_furniture, read_layout
from bot.text.pdf.paragraphs import paragraphs

LEFT, RIGHT = 68.0, 527.0


def line(text: str, y: float, page: int = 0, x0: float = LEFT, x1: float = RIGHT, **kw: object) -> Line:
    size = float(kw.pop("size", 12.0))  # type: ignore[arg-type]
    bold = bool(kw.pop("bold", False))
    return Line(text, page, x0, x1, y - size, y + 3, y, size, rtl=False, bold=bold, **kw)  # type: ignore[arg-type]


def body(texts: list[str], y: float = 150.0, page: int = 0, ends: tuple[int, ...] = ()) -> list[Line]:
    """Justified lines 16 pt apart; the lines at ``ends`` are a paragraph's last (short) line."""
    return [line(t, y + 16 * i, page, x1=300.0 if i in ends else RIGHT) for i, t in enumerate(texts)]


def test_title_is_the_largest_text_and_a_smaller_letterhead_above_it_is_dropped():
    lines = [
        line("I N T E R N A T I O N A L W O R K E R S", 70, size=9, x1=300),
        line("Solidarity with the Striking", 100, size=18, bold=True, x1=400),
        line("Port Workers", 121, size=18, bold=True, x1=200),
        line("4 January 2024", 140, size=11, x1=150),
        *body(["For three weeks the port workers have kept the terminals", "closed."], y=165, ends=(1,)),
    ]
    layout = read_layout(lines)
    assert layout is not None
    assert layout.title == "Solidarity with the Striking Port Workers"
    assert layout.date_line == "4 January 2024"
    assert layout.paragraphs == ("For three weeks the port workers have kept the terminals closed.",)


@pytest.mark.parametrize("hyphen", ["removed", "kept"])
def test_a_title_word_hyphenated_at_its_line_end_is_whole(hyphen):
    first = "Gute Pflege braucht gute Arbeitsbedingungen – unsere For" + ("-" if hyphen == "kept" else "")
    lines = [
        line(first, 100, size=18, bold=True, hyphen=hyphen == "removed"),
        line("derungen zum Warnstreik", 121, size=18, bold=True, x1=300),
        *body(["Die Beschäftigten der Klinik streiken seit Montag für mehr Personal und", "bessere Löhne."],
              y=165, ends=(1,)),
    ]  # fmt: skip
    layout = read_layout(lines)
    assert layout is not None
    assert layout.title == "Gute Pflege braucht gute Arbeitsbedingungen – unsere Forderungen zum Warnstreik"


def test_a_sentence_case_title_in_any_script_is_found_by_size():
    text = ["از روز ۳۰ فروردین، هزاران کارگر پیمانی در پالایشگاه‌ها", "دست از کار کشیده‌اند."]
    lines = [line("بیانیه‌ی همبستگی با کارگران", 100, size=16, x0=200), *body(text, y=140, ends=(1,))]
    layout = read_layout(lines)
    assert layout is not None and layout.title == "بیانیه‌ی همبستگی با کارگران"


def test_no_larger_title_means_no_layout_the_text_repair_takes_over():
    assert read_layout(body(["A statement typed line by line", "and printed as it was."])) is None


def test_running_header_and_footers_go_but_a_signature_equal_to_the_header_stays():
    header = "اتحاد النقابات العمالية المستقلة"
    lines = []
    for page in range(3):
        lines.append(line(header, 48, page, x0=400))
        lines += body([f"paragraph text of page {page} goes on here"], page=page)
        lines.append(line(f"صفحة {'١٢٣'[page]} من ٣", 800, page, x0=280, x1=320))
    lines.insert(-1, line(header, 400, 2, x0=400))  # the signature, in the body of the last page
    kept = [x.text for x in drop_furniture(lines)]
    assert kept.count(header) == 1 and not any("صفحة" in t for t in kept)


def test_page_numbers_alone_in_a_band_are_furniture_even_on_one_page():
    for number in ("3", "- 3 -", "Page 3 of 5", "Seite 3", "第 3 页，共 5 页", "Página 3 de 5"):
        lines = [*body(["Text of the statement."]), line(number, 800, x0=280, x1=320)]
        assert [x.text for x in drop_furniture(lines)] == ["Text of the statement."], number


def test_a_year_or_number_in_the_body_is_not_a_page_number():
    lines = body(["1789", "3"])
    assert [x.text for x in drop_furniture(lines)] == ["1789", "3"]


def test_paragraphs_by_vertical_gap():
    lines = body(["The first paragraph runs over", "two lines."], ends=(1,))
    lines += body(["The second one too, and it", "ends here."], y=150 + 16 + 26, ends=(1,))
    assert paragraphs(lines) == ["The first paragraph runs over two lines.", "The second one too, and it ends here."]


def test_paragraphs_by_first_line_indent_without_gaps():
    lines = body(["first line of one", "last line of one.", "first line of two", "last of two."], ends=(1, 3))
    lines = [x if i % 2 else line(x.text, x.baseline, x0=LEFT + 21) for i, x in enumerate(lines)]
    assert paragraphs(lines) == ["first line of one last line of one.", "first line of two last of two."]


def test_a_short_line_ends_its_paragraph_closing_lines_stay_apart():
    lines = [
        *body(["until your demands are met, and we will continue to speak about it", "everywhere."], ends=(1,)),
        line("London, 4 January 2024", 190, x1=200),
        line("Email: contact@iwsn.example.org", 206, x1=260),
        line("Tel. +44 20 7946 0123", 222, x1=190),
    ]
    assert paragraphs(lines)[1:] == [x.text for x in lines[2:]]


def test_list_items_are_lines_of_one_paragraph_and_a_continued_item_is_joined():
    lines = [
        line("The demands are clear:", 150, x1=250),
        line("• the reinstatement of all the dismissed workers with back", 166, x0=83),
        line("pay;", 182, x0=99, x1=130),
        line("• an end to compulsory overtime.", 198, x0=83, x1=320),
        line("After the list the text goes on.", 214, x1=300),
    ]
    assert paragraphs(lines) == [
        "The demands are clear:",
        "• the reinstatement of all the dismissed workers with back pay;\n• an end to compulsory overtime.",
        "After the list the text goes on.",
    ]


def test_hyphenated_line_ends_are_joined_keeping_real_compounds():
    lines = [
        line("an end to twelve-hour shifts and to the terrible ter", 150, hyphen=True),
        line("minals where twelve", 166, hyphen=True),
        line("hour shifts are the rule.", 182, x1=300),
    ]
    assert paragraphs(lines) == [
        "an end to twelve-hour shifts and to the terrible terminals where twelve-hour shifts are the rule."
    ]


def test_spanish_drops_a_line_end_hyphen_after_a_prefix():
    lines = [line("la salud es un bien co", 150, hyphen=True), line("mún que se defiende con la huelga.", 166, x1=300)]
    assert paragraphs(lines) == ["la salud es un bien común que se defiende con la huelga."]


def test_two_columns_side_by_side_read_one_after_the_other_each_with_its_own_edges():
    left = [line("In Iran, bus drivers and sugar", 300, x1=286), line("workers were jailed.", 316, x1=200)]
    right = [
        line("In Latin America dozens of unionists", 300, x0=309 + 21),
        line("are killed every year.", 316, x0=309, x1=420),
    ]
    assert paragraphs(left + right) == [
        "In Iran, bus drivers and sugar workers were jailed.",
        "In Latin America dozens of unionists are killed every year.",
    ]


def test_right_to_left_indents_are_measured_from_the_right_edge():
    lines = [
        Line("سطر اول بند اول", 0, LEFT, RIGHT - 21, 138, 153, 150, 12, False, True),
        Line("پایان بند.", 0, 300, RIGHT, 154, 169, 166, 12, False, True),
        Line("بند دوم", 0, LEFT, RIGHT - 21, 170, 185, 182, 12, False, True),
    ]
    assert paragraphs(lines) == ["سطر اول بند اول پایان بند.", "بند دوم"]


def test_a_new_page_goes_on_with_the_paragraph_a_full_line_left_open():
    lines = [line("the workers of the port kept the terminals", 780), line("closed for weeks.", 80, page=1, x1=200)]
    assert paragraphs(lines) == ["the workers of the port kept the terminals closed for weeks."]


def test_cjk_lines_join_without_a_space():
    lines = [line("近几个月来，多名独立工会活动人士", 150), line("相继被警方带走。", 166, x1=200)]
    assert paragraphs(lines) == ["近几个月来，多名独立工会活动人士相继被警方带走。"]


def test_a_footnote_leaves_the_page_flow_and_comes_after_the_body_before_the_closing_block():
    lines = [
        line("A Title", 80, size=18, bold=True, x1=200),
        *body(["The right to organise is protected by law¹ and the workers", "did nothing"], y=600),
        line("1 Federal Law No. 10, articles 2 and 9.", 760, size=9, x1=300),
        line("on page 2 but go on with the paragraph.", 100, page=1, x1=300),
        line("Solidarity forever!", 130, page=1, x1=200, bold=True),
        line("Email: info@union.example.org", 150, page=1, x1=250),
    ]
    layout = read_layout(lines)
    assert layout is not None
    assert layout.paragraphs == (
        "The right to organise is protected by law¹ and the workers did nothing on page 2 but go on with the "
        "paragraph.",
        "1 Federal Law No. 10, articles 2 and 9.",
        "Solidarity forever!",
        "Email: info@union.example.org",
    )


def test_small_numbered_lines_at_a_page_foot_without_a_mark_in_the_text_stay_where_they_are():
    lines = [
        line("A Title", 80, size=18, bold=True, x1=200),
        *body(["The body ends here."], y=600, ends=(0,)),
        line("2 Union Street, Leeds", 760, size=9, x1=300),  # an address in small type, no footnote mark
    ]
    layout = read_layout(lines)
    assert layout is not None and layout.paragraphs == ("The body ends here.", "2 Union Street, Leeds")


def test_a_ragged_line_breaks_where_the_next_words_printed_width_did_not_fit():
    # 40 pt left at the end of the first line; "WWWW" is 4 characters, which the line's average width per
    # character puts at 23 pt, but it is 52 pt wide as printed: it did not fit, the paragraph goes on
    first = line("first line of a ragged paragraph", 150, x1=RIGHT - 40)
    wide = line("A paragraph before, its one line as wide as the frame.", 110)
    lines = [wide, first, line("WWWW and then a lot of narrow words", 166, x1=300, first_word=52.0)]
    assert paragraphs(lines)[1:] == ["first line of a ragged paragraph WWWW and then a lot of narrow words"]
    estimated = [wide, first, line("WWWW and then a lot of narrow words", 166, x1=300)]
    assert len(paragraphs(estimated)) == 3  # without the measure: taken for a paragraph end


def test_a_date_in_the_running_header_is_the_date_line_when_none_is_under_the_title():
    header = "Northgate Warehouse Workers’ Branch 12 March 2024"
    lines = [
        line(header, 48, size=8.5),
        line("Reinstate the dismissed representatives", 90, size=20, bold=True, x1=400),
        *body(["The body of the letter goes on to page 2 and", "ends on it."], y=150, ends=(1,)),
        line(header, 48, page=1, size=8.5),
        *body(["Page two of the letter.", "Northgate Branch"], y=100, page=1, ends=(0, 1)),
    ]
    layout = read_layout(lines)
    assert layout is not None and layout.date_line == "12 March 2024"
    assert all(header not in p for p in layout.paragraphs)
    one_page = read_layout(lines[:4])  # not repeated: not known as a header, so not taken for the date
    assert one_page is not None and one_page.date_line is None


def test_centred_lines_larger_than_the_body_go_on_until_a_sentence_ends():
    quote = [  # a pull quote in 15 pt, each line centred between indents: lots of room at every line's end
        line("Reporting the news is not a crime; every journalist", 300, x0=120, x1=475, size=15),
        line("silenced is a part torn from the public's right to", 320, x0=125, x1=470, size=15),
        line("know.", 340, x0=280, x1=315, size=15),
        line("Free them now!", 360, x0=245, x1=350, size=15),
    ]
    before = [
        "The body before the quote, in the body's size, goes on over",
        "three lines of text to be the body",
        "and ends here.",
    ]
    lines = [*body(before, y=228, ends=(2,)), *quote]
    lines += body(["The body after it, in its own size, is a new paragraph."], y=390, ends=(0,))
    assert paragraphs(lines) == [
        " ".join(before),
        "Reporting the news is not a crime; every journalist silenced is a part torn from the public's right to know.",
        "Free them now!",
        "The body after it, in its own size, is a new paragraph.",
    ]
    same_size = [line(x.text, x.baseline, x0=x.x0, x1=x.x1) for x in quote]  # centred lines in the body's size:
    assert len(paragraphs([*lines[:3], *same_size])) == 5  # a closing block set centred, a line each
