"""What a statement keeps of its closing block: the date line as written, hashtag lines as hashtags."""

from __future__ import annotations

from datetime import date

import pytest

from bot.model import Account, Organisation
from bot.networks.registry import platform_rules
from bot.text.statement import parse_statement
from bot.text.threads import build_thread

BODY = "Die Streikenden haben unsere volle Unterstützung.\n\n"


def _posted(text: str, name: str = "s.txt") -> str:
    statement = parse_statement(text, name=name)
    thread = build_thread(statement, Account(name="m", platform="mastodon"), Organisation(), platform_rules("mastodon"))
    return "\n".join(p.text for p in thread.posts)


def test_the_date_line_is_posted_as_written_with_its_place():
    text = "Titel\n\n" + BODY + "Gewerkschaftsgruppe Nord\nBerlin, den 4. März 2024\n"
    statement = parse_statement(text, name="s.txt")
    assert statement.date == date(2024, 3, 4) and statement.date_line == "Berlin, den 4. März 2024"
    assert "Berlin, den 4. März 2024" in _posted(text) and "2024-03-04" not in _posted(text)


def test_a_solar_hijri_date_line_is_posted_as_written_and_dated_in_the_gregorian_calendar():
    text = "عنوان\n\nما از کارگران اعتصابی حمایت می‌کنیم.\n\nشورای همبستگی\n۱۴ دی ۱۴۰۲\n"
    statement = parse_statement(text, name="s.txt")
    assert statement.date == date(2024, 1, 4) and "۱۴ دی ۱۴۰۲" in _posted(text)


def test_a_front_matter_date_alone_is_formatted():
    text = "---\ndate: 2024-03-04\nlanguage: de\n---\nTitel\n\n" + BODY + "Gewerkschaftsgruppe Nord\n"
    assert parse_statement(text, name="s.md", fmt="md").date_line is None
    assert "2024-03-04" in _posted(text, "s.md")


def test_a_front_matter_date_other_than_the_date_line_wins_and_is_formatted():
    text = "---\ndate: 2024-03-05\n---\nTitel\n\n" + BODY + "Gewerkschaftsgruppe Nord\nBerlin, den 4. März 2024\n"
    statement = parse_statement(text, name="s.md", fmt="md")
    assert statement.date == date(2024, 3, 5) and statement.date_line is None


def test_hashtag_lines_ending_the_text_are_the_statements_hashtags():
    text = "Titre\n\nNous soutenons les grévistes.\n\nVive la grève !\nLyon, le 8 mars 2023\n#Grève #Lyon\n"
    statement = parse_statement(text, name="s.txt")
    assert statement.hashtags == ("#Grève", "#Lyon") and statement.slogans == ("Vive la grève !",)
    assert statement.paragraphs == ("Nous soutenons les grévistes.",)
    assert "#Grève #Lyon" in _posted(text)


def test_hashtags_of_the_text_come_after_the_front_matters_each_once():
    text = "---\nhashtags: [Grève, Solidarité]\n---\nTitre\n\nNous soutenons les grévistes.\n\n#Grève #Paris\n"
    assert parse_statement(text, name="s.md", fmt="md").hashtags == ("#Grève", "#Solidarité", "#Paris")


def test_a_statement_of_hashtags_alone_keeps_them_as_its_text():
    assert parse_statement("Titre\n\n#Grève #Paris\n", name="s.txt").paragraphs == ("#Grève #Paris",)


@pytest.mark.parametrize(
    ("signature", "contact"),
    [
        ("ver.di Betriebsgruppe Klinikum Nord", "E-Mail: nord@example.org"),
        ("Ver.di Betriebsgruppe Klinikum Nord", "E-Mail: nord@example.org"),
        ("Solidaritätskreis Klinikum Kassel e.V.", "E-Mail: nord@example.org"),
        ("Warehouse Workers United", "Bluesky: @wwu-northgate.bsky.social"),
    ],
)
def test_stylised_names_abbreviations_and_hyphenated_handles_keep_the_closing_block(signature, contact):
    text = (
        "Titel\n\nWir unterstützen den Streik der Beschäftigten.\n\nMehr Personal, mehr Lohn!\n"
        f"Gemeinsam sind wir stark!\n\n{signature}\nKassel, 24. April 2024\n\n{contact}\n"
    )
    statement = parse_statement(text, name="s.txt")
    assert statement.slogans == ("Mehr Personal, mehr Lohn!", "Gemeinsam sind wir stark!")
    assert statement.signature == signature and statement.date == date(2024, 4, 24)
    assert statement.links == (contact.split(": ", 1)[1],)
    assert statement.paragraphs == ("Wir unterstützen den Streik der Beschäftigten.",)


def test_a_date_line_atop_a_body_whose_title_is_in_the_front_matter_is_posted_once():
    front = "---\ntitle: Grève\nlanguage: fr\n---\n"
    text = front + "Paris, le 4 janvier 2020\n\nNous soutenons la grève.\n\nVive la grève !\n"
    statement = parse_statement(text, name="s.md", fmt="md")
    assert statement.date == date(2020, 1, 4) and statement.date_line == "Paris, le 4 janvier 2020"
    assert statement.paragraphs == ("Nous soutenons la grève.",)
    assert _posted(text, "s.md").count("Paris, le 4 janvier 2020") == 1


def test_a_list_of_signatories_may_hold_stylised_and_abbreviated_names():
    names = ["ver.di Betriebsgruppe Klinikum Nord", "Solidaritätskreis Kassel e.V.", "Pflege in Bewegung"]
    text = (
        "Titel\n\nWir unterstützen den Streik.\n\nGemeinsam sind wir stark!\n\n"
        + "\n".join(names)
        + "\n\nE-Mail: nord@example.org\n"
    )
    statement = parse_statement(text, name="s.txt")
    assert statement.signature == "\n".join(names) and statement.slogans == ("Gemeinsam sind wir stark!",)
