"""The HTML preview page as text: escaping, meters, entities, direction, posted state."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bot.preview.html import is_rtl, meter_level, render_html, rich_text

LIMITS = {"x": 280, "mastodon": 500, "bluesky": 300}


def document(
    texts: list[str],
    *,
    language: str = "en",
    title: str = "A statement",
    sid: str = "s1",
    platforms: tuple[str, ...] = ("x", "mastodon", "bluesky"),
    warnings: tuple[str, ...] = (),
    **statement: object,
) -> dict:
    """A preview document in the shape ``bot.preview.preview_document`` returns."""
    threads = [
        {
            "account": f"org-{p}",
            "platform": p,
            "limit": LIMITS[p],
            "warnings": list(warnings),
            "posts": [{"index": i, "text": t, "length": len(t)} for i, t in enumerate(texts, 1)],
        }
        for p in platforms
    ]
    fields: dict[str, object] = {
        "id": sid,
        "title": title,
        "date": "2020-01-04",
        "language": language,
        "slogans": [],
        "links": [],
        "signature": None,
        "url": None,
        "publish_at": None,
        "anniversary": None,
        "hashtags": [],
    }
    fields.update(statement)
    return {"statement": fields, "threads": threads}


class Page(HTMLParser):
    """Collects what a browser would show: each card's post text, and every tag seen."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self._depth = 0  # >0 while inside a post's text element
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if self._depth:
            self._depth += 1
        elif tag == "div" and dict(attrs).get("class") == "text":
            self._depth = 1
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.texts[-1] += data

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and (cls is None or cls in (a.get("class") or "").split())]


HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=1"> & "quotes" \'single\''


def test_markup_in_every_field_is_shown_as_text_never_as_tags():
    doc = document(
        [HOSTILE, "second </div></li></ol> post"],
        title=HOSTILE,
        slogans=[HOSTILE],
        links=[HOSTILE],
        signature=HOSTILE,
        warnings=(HOSTILE,),
    )
    doc["threads"][0]["account"] = '"><script>alert(1)</script>'
    html = render_html([doc])
    page = Page(html)
    assert not page.find("script") and not page.find("img")
    assert "onerror=" not in html.replace("onerror=&quot;", "")
    assert page.texts[:2] == [HOSTILE, "second </div></li></ol> post"]
    assert html.count(HOSTILE) == 0  # only ever present escaped


def test_page_loads_nothing_and_forbids_scripts():
    html = render_html([document(["Visit https://example.org and write to a@example.org"])])
    page = Page(html)
    assert not page.find("script") and not page.find("link") and not page.find("img")
    assert "@import" not in html and "url(" not in html
    csp = [a["content"] for a in page.find("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in str(csp[0]) and "script-src" not in str(csp[0])


def test_each_account_gets_a_column_with_one_card_per_post():
    html = render_html([document(["one", "two", "three"], platforms=("x", "bluesky"))])
    page = Page(html)
    columns = page.find("section", "column")
    assert [c["data-account"] for c in columns] == ["org-x", "org-bluesky"]
    assert len(page.find("li", "card")) == 6
    assert page.texts == ["one", "two", "three"] * 2


@pytest.mark.parametrize(
    ("length", "limit", "level"),
    [
        (0, 280, "ok"),
        (223, 280, "ok"),
        (224, 280, "high"),
        (265, 280, "high"),
        (266, 280, "near"),
        (280, 280, "near"),
        (281, 280, "over"),
        (499, 500, "near"),
    ],
)
def test_meter_level_grows_as_the_post_nears_its_limit(length, limit, level):
    assert meter_level(length, limit) == level


def test_meter_shows_length_against_the_accounts_limit():
    doc = document(["x" * 271], platforms=("x",))
    html = render_html([doc])
    assert "271 / 280" in html
    meter = Page(html).find("span", "meter")[0]
    assert meter["class"] == "meter m-near"
    assert (meter["aria-valuenow"], meter["aria-valuemax"]) == ("271", "280")


def test_over_long_post_is_flagged_in_the_warning_banner_and_its_card():
    doc = document(["y" * 290], platforms=("x",))
    page = Page(render_html([doc]))
    assert page.find("li", "over")
    assert page.find("div", "bad")
    assert "post 1 is 290 long, over the limit of 280" in render_html([doc])


def test_splitter_warnings_come_before_the_threads():
    html = render_html([document(["a post"], warnings=("max_posts reached: thread cut after 17 posts",))])
    assert html.index("max_posts reached") < html.index('class="columns"')
    assert html.count("max_posts reached") == 3  # one line per account
    assert 'role="alert"' in html
    assert html.count("0 posted · ⚠ 1 warning</bdi>") == 3


def test_statement_without_its_own_anniversary_says_the_config_decides():
    assert "<dt>Anniversary</dt><dd><bdi>config default</bdi></dd>" in render_html([document(["p"])])


def test_clean_thread_says_so_instead_of_showing_warnings():
    page = Page(render_html([document(["fine"])]))
    assert page.find("div", "ok") and not page.find("div", "bad")


def test_statement_details_are_in_the_header():
    doc = document(
        ["p"],
        title="On the strike",
        publish_at="2026-12-01T10:00:00+00:00",
        anniversary=["2026-01-04", "2027-01-04"],
        slogans=["No War But Class War!"],
        links=["https://example.org/s"],
        hashtags=["#Iran"],
        url="https://example.org/full",
    )
    header = render_html([doc]).split('class="columns"')[0]
    for shown in (
        "On the strike",
        "2020-01-04",
        "2026-12-01 10:00:00+00:00",
        "2026-01-04, 2027-01-04",
        "No War But Class War!",
        "https://example.org/s",
        "#Iran",
        "https://example.org/full",
    ):
        assert shown in header


def test_line_breaks_are_kept_as_posted():
    page = Page(render_html([document(["first line\nsecond line\n\nafter a blank"])]))
    assert page.texts[0] == "first line\nsecond line\n\nafter a blank"


def test_links_mentions_and_hashtags_are_marked_up():
    html = rich_text("Read https://example.org/a now #NoWar @friend", "x")
    page = Page(html)
    assert [a["href"] for a in page.find("a", "url")] == ["https://example.org/a"]
    assert page.find("span", "hashtag") and page.find("span", "mention")


def test_bare_domain_is_a_link_on_x_and_bluesky_but_text_on_mastodon():
    for platform, linked in (("x", True), ("bluesky", True), ("mastodon", False)):
        anchors = Page(rich_text("see www.workers-iran.org today", platform)).find("a", "url")
        assert [a["href"] for a in anchors] == (["https://www.workers-iran.org"] if linked else [])


def test_mastodon_shows_a_remote_mention_as_the_username_only():
    html = rich_text("thanks @iaswi@mastodon.social", "mastodon")
    assert ">@iaswi</span>" in html and 'title="@iaswi@mastodon.social"' in html


def test_bluesky_highlights_only_domain_handles():
    assert not Page(rich_text("hi @IASWIinfo", "bluesky")).find("span", "mention")
    assert Page(rich_text("hi @iaswi.bsky.social", "bluesky")).find("span", "mention")


def test_x_links_only_the_username_part_of_a_mention():
    html = rich_text("hi @iaswi.bsky.social", "x")
    assert html == 'hi <span class="ent mention" dir="auto">@iaswi</span>.bsky.social'
    assert not Page(rich_text("hi @iaswi@mastodon.social", "x")).find("span", "mention")


def test_each_entity_is_isolated_so_it_reads_whole_in_right_to_left_text():
    html = rich_text("زنده باد #Iran و https://example.org", "x")
    assert all(a.get("dir") == "auto" for a in Page(html).find("span") + Page(html).find("a"))


def test_email_is_marked_but_not_linked():
    page = Page(rich_text("write to info@workers-iran.org", "x"))
    assert page.find("span", "email") and not page.find("a")


def test_long_link_is_shortened_on_screen_but_keeps_its_full_address():
    url = "https://example.org/a/very/long/path/that/goes/on/and/on"
    anchor = Page(rich_text(url, "mastodon")).find("a", "url")[0]
    assert anchor["href"] == url
    assert "example.org/a/very/long/path/t…" in rich_text(url, "mastodon")


def test_only_web_addresses_become_clickable():
    html = rich_text('javascript:alert(1) data:text/html,<b>x</b> "https://ok.example/"', "x")
    assert 'href="javascript' not in html and 'href="data' not in html


def test_posted_cards_link_to_the_live_post_and_the_rest_say_not_yet_posted():
    doc = document(["one", "two", "three"], platforms=("bluesky",), sid="strike")
    posted = {
        ("strike", "org-bluesky", 1): "https://bsky.app/profile/org/post/3k1",
        ("strike", "org-bluesky", 2): "at://did:plc:abc/app.bsky.feed.post/3k2",
    }
    html = render_html([doc], posted)
    page = Page(html)
    assert [a["href"] for a in page.find("a") if a.get("rel") == "noreferrer" and "bsky.app" in str(a["href"])] == [
        "https://bsky.app/profile/org/post/3k1"
    ]
    assert 'href="at://' not in html
    assert html.count("not yet posted") == 1
    assert "2 posted" in html


def test_persian_threads_run_right_to_left_and_english_ones_follow_their_text():
    fa = Page(render_html([document(["جنگ نه، جنگ طبقاتی! 1/2"], language="fa")]))
    assert [c["dir"] for c in fa.find("div", "columns")] == ["rtl"]
    assert {t["dir"] for t in fa.find("div", "text")} == {"rtl"}
    en = Page(render_html([document(["No War But Class War!"])]))
    assert [c["dir"] for c in en.find("div", "columns")] == ["ltr"]
    assert {t["dir"] for t in en.find("div", "text")} == {"auto"}


def test_numbers_are_isolated_so_they_read_left_to_right_in_persian():
    html = render_html([document(["سلام", "دنیا"], language="fa", platforms=("x",))])
    assert '<bdi dir="ltr">2/2</bdi>' in html and '<bdi class="count" dir="ltr">4 / 280</bdi>' in html


@pytest.mark.parametrize(
    ("tag", "rtl"),
    [
        ("fa", True),
        ("fa-IR", True),
        ("ar", True),
        ("he", True),
        ("ur", True),
        ("en", False),
        ("de", False),
        ("", False),
        (None, False),
    ],
)
def test_right_to_left_languages_are_recognised(tag, rtl):
    assert is_rtl(tag) is rtl


def test_several_statements_share_one_page():
    html = render_html([document(["a"], sid="one", title="First"), document(["b"], sid="two", title="Second")])
    assert [a["data-statement"] for a in Page(html).find("article")] == ["one", "two"]
    assert "<title>Preview: 2 statements</title>" in html


def test_statements_that_cannot_be_read_are_reported_escaped_at_the_top():
    html = render_html([document(["ok"])], errors=["statements/<b>bad</b>.txt: file is empty"])
    assert html.index("Cannot preview") < html.index('class="columns"')
    assert "statements/&lt;b&gt;bad&lt;/b&gt;.txt: file is empty" in html


def test_live_page_reloads_itself_without_a_script():
    page = Page(render_html([document(["ok"])], refresh=2))
    assert [a["content"] for a in page.find("meta") if a.get("http-equiv") == "refresh"] == ["2"]
    assert not page.find("script")
    assert 'http-equiv="refresh"' not in render_html([document(["ok"])])
