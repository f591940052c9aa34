"""The preview shows what is sent: Bluesky's shortened links (sent_text), its facets, lengths of the sent form."""

from bot.model import Account, Organisation, Statement
from bot.networks.bluesky.facets import build_facets
from bot.networks.registry import platform_rules
from bot.preview.html import render_html
from bot.preview.render import preview_document
from bot.text.entities import display_url
from tests.support import thread_for

LONG_URL = "https://workers-iran.org/statements/2020/01/04/soleimani-assassination-and-its-aftermath"
SHOWN = display_url(LONG_URL)  # workers-iran.org/statements/2…


def _document(platform: str) -> dict:
    s = Statement(
        id="s",
        title="On the strike",
        paragraphs=(f"Read the statement at {LONG_URL} and share it with #NoWar and @iaswi.bsky.social now.",),
        language="en",
        content_hash="h",
    )
    return preview_document(s, [thread_for(s, Account(name=platform, platform=platform), Organisation())])


def test_bluesky_posts_carry_the_sent_text_and_its_facets():
    (post,) = _document("bluesky")["threads"][0]["posts"]
    assert LONG_URL in post["text"]  # the planned text keeps the full link
    sent, facets = build_facets(post["text"])
    assert post["sent_text"] == sent == platform_rules("bluesky").sent(post["text"])
    assert LONG_URL not in post["sent_text"] and SHOWN in post["sent_text"] and SHOWN.endswith("…")
    assert post["facets"] == facets
    link = next(f for f in facets if f["features"][0]["$type"].endswith("#link"))
    start, end = link["index"]["byteStart"], link["index"]["byteEnd"]
    assert post["sent_text"].encode()[start:end].decode() == SHOWN
    assert link["features"][0]["uri"] == LONG_URL
    assert any(f["features"][0]["$type"].endswith("#tag") for f in facets)
    assert post["length"] == len(post["sent_text"])  # what is sent is what is counted


def test_other_networks_send_the_planned_text():
    for platform in ("x", "mastodon"):
        (post,) = _document(platform)["threads"][0]["posts"]
        assert "sent_text" not in post and "facets" not in post


def test_html_preview_shows_the_sent_form_with_the_full_link_behind_it():
    page = render_html([_document("bluesky")])
    assert f"{SHOWN}</a>" in page
    assert f'href="{LONG_URL}"' in page
    assert '<span class="ent hashtag" dir="auto">#NoWar</span>' in page
    assert '<span class="ent mention"' in page  # not a facet before posting, still shown as a mention
