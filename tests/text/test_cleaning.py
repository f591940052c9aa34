import re
from datetime import date

import pytest

from bot.text.cleaning import clean


def words(text: str) -> list[str]:
    return re.findall(r"[\w’'.,;:!?“”…()-]+", text)


def test_seed_title_is_rejoined_from_one_word_per_line(seed_text):
    assert clean(seed_text).title == "IASWI’s Statement on Assassination of Qasem Soleimani and its Aftermath"


def test_seed_closing_block_is_recognised(seed_text):
    c = clean(seed_text)
    assert c.date == date(2020, 1, 4)
    assert c.slogans == ("No War But Class War!", "Long Live International Working Class Solidarity!")
    assert c.signature == "International Alliance in Support of Workers in Iran (IASWI)"
    assert c.contacts == (
        "info@workers-iran.org",
        "www.workers-iran.org",
        "http://etehadbinalmelali.com/ak",
        "https://twitter.com/IASWIinfo",
    )


def test_seed_page_breaks_mid_sentence_are_rejoined(seed_text):
    body = "\n".join(clean(seed_text).paragraphs)
    assert "It is important to emphasize" in body
    assert "labour activists, communists, feminists" in body
    assert "the poor and oppressed people of Iran" in body


def test_seed_paragraphs_have_no_wrap_artefacts(seed_text):
    c = clean(seed_text)
    assert 5 <= len(c.paragraphs) <= 9
    for p in c.paragraphs:
        assert "\n" not in p and "  " not in p
        assert not re.search(r"\w- ", p), p
    assert c.paragraphs[0].startswith("The US military’s assassination of Qasem Soleimani")
    assert c.paragraphs[-1].endswith("across the region.")


def test_seed_dangling_extraction_hyphen_is_rejoined(seed_text):
    body = " ".join(clean(seed_text).paragraphs)
    assert "real anti-imperialists" in body
    assert "anti- imperialists" not in body


def test_seed_keeps_every_word(seed_text):
    c = clean(seed_text)
    out = " ".join([c.title or "", *c.paragraphs, *c.slogans, c.signature or "", *c.contacts])
    source = seed_text.replace("anti- imperialists", "anti-imperialists").replace(";", "")
    expected = [w for w in words(source) if w != "January" and w != "4," and w != "2020"]
    got = [w.rstrip(";") for w in words(out)]
    assert sorted(expected) == sorted(got)


FILLER = (
    "the workers of the factory went on strike again this morning and\n"
    "demanded the wages that the owners have been holding back since\n"
    "the spring, while the police watched from across the street as\n"
)


@pytest.mark.parametrize(
    "raw, joined",
    [
        (
            "the workers of the organi-\nsation met again yesterday and decided to go on strike at noon today\n",
            "organisation",
        ),
        (
            "we have always opposed the anti-\nwar movement being co-opted by the regimes of the whole region\n",
            "anti-war",
        ),
        (
            "that was the result of a long co-\noperation between the unions of both countries and the region\n",
            "co-operation",
        ),
    ],
)
def test_end_of_line_hyphenation_is_undone_but_real_hyphens_kept(raw, joined):
    text = FILLER + raw + FILLER
    assert joined in " ".join(clean(text, find_title=False).paragraphs)


def test_suspended_hyphen_is_left_alone():
    text = "Both pre- and post-war governments repressed the workers of the region.\n"
    assert "pre- and post-war" in clean(text, find_title=False).paragraphs[0]


def test_lone_page_numbers_and_running_headers_are_dropped():
    pages = [
        f"IASWI statement on the strike\n{FILLER}the workers of factory number {w} went on strike\n\n{n}\n"
        for n, w in ((1, "one"), (2, "two"), (3, "three"))
    ]
    body = " ".join(clean("\n".join(pages), find_title=False).paragraphs)
    assert "IASWI statement" not in body
    assert not re.search(r"\b[123]\b", body)
    assert body.count("went on strike") == 6 and body.count("factory number") == 3


def test_clean_paragraphs_pass_through_unchanged():
    text = (
        "We stand with the teachers of Iran.\n\n"
        "Their strike is just: wages have not kept up with prices for ten years.\n\n"
        "Free all jailed teachers now."
    )
    c = clean(text, find_title=False)
    assert "\n\n".join(c.paragraphs) == text


def test_one_paragraph_per_line_text_keeps_its_lines():
    text = (
        "First point, stated plainly in one long line that goes on past the usual wrap width of a PDF export.\n"
        "Second point, also one long line, because this text was written in an editor and never wrapped at all."
    )
    assert "\n".join(clean(text, find_title=False).paragraphs) == text


def test_markdown_heading_is_the_title():
    c = clean("# Free Them All\n\nThe teachers must be released.")
    assert c.title == "Free Them All"
    assert c.paragraphs == ("The teachers must be released.",)


def test_persian_title_alone_on_first_line_is_found():
    c = clean("بیانیه درباره اعتصاب معلمان\n\nما از اعتصاب معلمان حمایت می‌کنیم.")
    assert c.title == "بیانیه درباره اعتصاب معلمان"
