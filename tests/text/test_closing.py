"""The closing block read from the end (``bot.text.closing.peel``): signatories, links, labels."""

from __future__ import annotations

import pytest

from bot.text.closing import contact_links, is_hashtag_line, peel
from bot.text.hyphens import Text, join

BODY = ["The last sentence of the body ends here.", ""]


def test_signatories_on_lines_of_their_own_are_each_a_line_of_the_signature():
    orgs = ["Northgate Branch, United Logistics Union", "Riverside Trades Council", "Migrant Solidarity Network"]
    lines = [*BODY, *(x for org in orgs for x in (org, "")), "Email: branch@union.example.org"]
    body, block = peel(lines)
    assert block.signature == "\n".join(orgs)
    assert [line for line in body if line] == BODY[:1]
    many = [*BODY, *(x for n in range(45) for x in (f"Union Branch {n}", "")), "Email: branch@union.example.org"]
    assert str(peel(many)[1].signature).count("\n") == 39  # a list has a limit: 40 signatories


def test_a_bare_domain_is_a_link_of_a_contact_line():
    assert contact_links("تلگرام: t.me/hambastegi_moalleman") == ["t.me/hambastegi_moalleman"]
    assert contact_links("Web: union.example.org") == ["union.example.org"]
    assert contact_links("We met at union.example.org last week") is None  # a sentence, not a contact line


def test_a_label_may_have_four_words():
    url = "https://union.example.org/statements/2024/03/reinstate"
    assert contact_links(f"Full text and signatories: {url}") == [url]
    assert contact_links(f"Read the whole statement here: {url}") is None  # five words: a sentence


def test_a_line_end_hyphen_inside_a_url_is_the_urls_own():
    context = Text("The statement is at the address below and signed by many unions.")
    url = join("https://union.example.org/reinstate-the-dismissed", "union-representatives", context, at_line_end=True)
    assert url == "https://union.example.org/reinstate-the-dismissed-union-representatives"
    assert join("organi", "sation", context, at_line_end=True) == "organisation"


def test_a_hashtag_line_after_the_contacts_does_not_hide_the_closing_block():
    lines = [
        *BODY,
        "Libérez les syndicalistes !",
        "Collectif de soutien aux enseignants",
        "Lyon, le 8 mars 2023",
        "Courriel : contact@collectif.example.org",
        "#LibérezLes #Enseignants",
    ]
    body, block = peel(lines)
    assert block.slogans == ("Libérez les syndicalistes !",)
    assert block.signature == "Collectif de soutien aux enseignants"
    assert block.date is not None and block.links == ("contact@collectif.example.org",)
    assert body == [BODY[0], "", "#LibérezLes #Enseignants"]  # the hashtags are kept, after the body


def test_hashtag_lines_anywhere_in_the_closing_block_are_stepped_over():
    lines = [*BODY, "Hoch die internationale Solidarität!", "#Streik", "Gewerkschaftsgruppe Nord", "#Solidarität"]
    lines += ["Berlin, den 4. März 2024", "https://gruppe-nord.example.org"]
    body, block = peel(lines)
    assert block.slogans == ("Hoch die internationale Solidarität!",)
    assert block.signature == "Gewerkschaftsgruppe Nord"
    assert body == [BODY[0], "", "#Streik", "#Solidarität"]


def test_without_a_closing_block_a_hashtag_line_stays_where_it_is():
    lines = ["The strike goes on.", "#Streik"]
    assert peel(lines) == (lines, peel([])[1])


@pytest.mark.parametrize(
    "line, tags",
    [
        ("#الحرية_للعمال", True),
        ("#FreeThemAll #StopExecutions", True),
        ("＃労働者", True),
        ("# A Markdown heading", False),
        ("#FreeThemAll now", False),
        ("#1", False),  # digits alone are no hashtag on any network
    ],
)
def test_a_hashtag_line_holds_hashtags_only(line, tags):
    assert is_hashtag_line(line) is tags


def test_a_list_of_signatories_on_consecutive_lines_is_the_signature_a_line_each():
    orgs = ["Sindicato de Docentes de Arequipa", "Frente de Defensa del Agua, Cusco", "Red de Mujeres Campesinas"]
    orgs += ["Colectivo Tierra y Libertad (Puno)"]
    lines = [*BODY, "¡Abajo la represión!", "¡Viva la lucha campesina!", "", "Firmantes:", *orgs, ""]
    lines += ["Lima, 1 de mayo de 2022", "Correo: prensa@red.example.org"]
    body, block = peel(lines)
    assert block.slogans == ("¡Abajo la represión!", "¡Viva la lucha campesina!")
    assert block.signature == "\n".join(["Firmantes:", *orgs])  # the label is the statement's too
    assert [line for line in body if line] == BODY[:1]


def test_thirty_signatories_without_a_label_are_all_kept_and_the_slogans_above_found():
    orgs = [f"İşçi Dayanışma Derneği {n}. Şube" for n in range(1, 31)]
    lines = [*BODY, "Yaşasın işçilerin birliği!", "", *orgs, "", "4 Ocak 2020", "https://dayanisma.example.org"]
    block = peel(lines)[1]
    assert block.slogans == ("Yaşasın işçilerin birliği!",)
    assert block.signature == "\n".join(orgs)


def test_short_lines_that_are_not_a_list_of_names_stay_body():
    names = [f"Union Branch {n}" for n in range(45)]  # longer than any list of signatories
    lines = [*BODY, *names, "", "4 January 2020"]
    body, block = peel(lines)
    assert block.signature is None and body[: len(BODY) + len(names)] == [*BODY, *names]
    clauses = [*BODY, "We demand:", "Release them all,", "Drop the charges,", "Reinstate the workers", ""]
    body, block = peel([*clauses, "4 January 2020"])  # clause punctuation: demands, not names
    assert block.signature is None


def test_a_name_and_a_role_on_two_lines_are_the_signature_a_line_each():
    lines = [*BODY, "Маргарита Иванова", "Председатель профсоюза", "4 января 2020 г."]
    assert peel(lines)[1].signature == "Маргарита Иванова\nПредседатель профсоюза"
