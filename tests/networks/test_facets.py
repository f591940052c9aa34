"""Bluesky facets: byte offsets into the text actually sent, around any script."""

from __future__ import annotations

import pytest

from bot.networks.bluesky.facets import build_facets, mention_handles

LONG = "https://example.org/statements/2020/01/04/on-the-assassination?lang=fa"


def covered(text: str, facet: dict) -> str:
    """The part of ``text`` a facet points at, cut by UTF-8 bytes as Bluesky does."""
    index = facet["index"]
    return text.encode("utf-8")[index["byteStart"] : index["byteEnd"]].decode("utf-8")


@pytest.mark.parametrize(
    "before, after",
    [
        ("بیانیهٔ کامل: ", " ✊🏽 آزادی"),
        ("全文はこちら ", " 。中文也一样"),
        ("👩‍👩‍👧 family first ", " 🇮🇷"),
        ("", ""),
    ],
)
def test_link_facet_covers_the_shortened_url_and_keeps_the_full_one(before, after):
    text, facets = build_facets(before + LONG + after)
    assert text == before + "example.org/statements/2020/0…" + after
    (facet,) = facets
    assert covered(text, facet) == "example.org/statements/2020/0…"
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": LONG}]


def test_short_url_is_shown_without_scheme_and_www():
    text, facets = build_facets("See https://www.example.org/x today")
    assert text == "See example.org/x today"
    assert covered(text, facets[0]) == "example.org/x"
    assert facets[0]["features"][0]["uri"] == "https://www.example.org/x"


def test_url_without_scheme_links_to_https():
    text, facets = build_facets("متن کامل در example.org/fa است")
    assert text == "متن کامل در example.org/fa است"
    assert covered(text, facets[0]) == "example.org/fa"
    assert facets[0]["features"][0]["uri"] == "https://example.org/fa"


def test_hashtags_in_persian_and_latin_become_tag_facets():
    text, facets = build_facets("نه به جنگ #نه_به_جنگ and #NoWar ✊")
    assert [covered(text, f) for f in facets] == ["#نه_به_جنگ", "#NoWar"]
    assert [f["features"][0] for f in facets] == [
        {"$type": "app.bsky.richtext.facet#tag", "tag": "نه_به_جنگ"},
        {"$type": "app.bsky.richtext.facet#tag", "tag": "NoWar"},
    ]


def test_mention_gets_a_facet_only_when_its_handle_resolved():
    source = "🕊️ با @alice.bsky.social و @ghost.bsky.social"
    assert mention_handles(source) == ["alice.bsky.social", "ghost.bsky.social"]
    text, facets = build_facets(source, {"alice.bsky.social": "did:plc:alice"})
    assert text == source
    (facet,) = facets
    assert covered(text, facet) == "@alice.bsky.social"
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:alice"}]


def test_offsets_stay_right_after_a_shortened_url():
    source = f"一 {LONG} 二 #标签 @bob.test"
    text, facets = build_facets(source, {"bob.test": "did:plc:bob"})
    assert [covered(text, f) for f in facets] == ["example.org/statements/2020/0…", "#标签", "@bob.test"]
    assert all(f["$type"] == "app.bsky.richtext.facet" for f in facets)


def test_email_gets_no_facet_and_text_without_entities_is_unchanged():
    assert build_facets("write to press@example.org") == ("write to press@example.org", [])
    assert build_facets("۱۴ دی ۱۳۹۸") == ("۱۴ دی ۱۳۹۸", [])
