"""The closing block read from the end (``bot.text.closing.peel``): signatories, links, labels."""

from __future__ import annotations

from bot.text.closing import contact_links, peel
from bot.text.hyphens import Text, join

BODY = ["The last sentence of the body ends here.", ""]


def test_signatories_on_lines_of_their_own_are_each_a_line_of_the_signature():
    orgs = ["Northgate Branch, United Logistics Union", "Riverside Trades Council", "Migrant Solidarity Network"]
    lines = [*BODY, *(x for org in orgs for x in (org, "")), "Email: branch@union.example.org"]
    body, block = peel(lines)
    assert block.signature == "\n".join(orgs)
    assert [line for line in body if line] == BODY[:1]
    many = [*BODY, *(x for n in range(15) for x in (f"Union Branch {n}", "")), "Email: branch@union.example.org"]
    assert str(peel(many)[1].signature).count("\n") == 11  # a list has a limit: 12 signatories


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
