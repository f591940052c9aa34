"""Planning with an image, a price and a budget: what preview, post and run all get for an account."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import parse_config
from bot.errors import StatementError
from bot.media.images import sniff
from bot.model import MediaRules
from bot.networks.base import Limits
from bot.planning import plan_thread, thread_cost
from bot.text.reading import read_statement
from tests.servers.media import png

SEED = Path(__file__).resolve().parents[2] / "statements" / "2020-01-04-iaswi-soleimani-assassination.txt"
X = """
accounts:
  - name: x
    platform: x
    credentials: {api_key: A, api_secret: B, access_token: C, access_secret: D}
"""


def config(tmp_path: Path, extra: str = "", org: str = ""):
    text = (org + X).replace("    platform: x\n", "    platform: x\n" + extra)
    return parse_config(text, tmp_path / "bot.yaml")


def statement(tmp_path: Path, front: str, body: str = "The teachers must be released now. They did nothing wrong."):
    path = tmp_path / "s.md"
    path.write_text(f"---\ntitle: Free the teachers\n{front}---\n{body}\n", encoding="utf-8")
    return read_statement(path)


def test_the_seed_on_x_costs_its_posts_and_one_post_with_links(tmp_path):
    thread = plan_thread(read_statement(SEED), config(tmp_path).accounts[0], config(tmp_path))
    assert thread.cost is not None
    with_links = [p.index for p in thread.posts if "http" in p.text or "www." in p.text]
    assert with_links == [len(thread.posts)]  # every link in the closing post
    assert thread.cost.posts_with_links == 1
    assert thread.cost.amount == pytest.approx((len(thread.posts) - 1) * 0.015 + 0.20)


def test_links_are_kept_together_where_they_cost_more(tmp_path):
    links = (
        "links: [https://a.example.org/1, https://b.example.org/2, https://c.example.org/3, https://d.example.org/4]\n"
    )
    body = "\n\n".join(f"Paragraph {i} " + "of the statement, long enough to fill a post " * 4 for i in range(6))
    st = statement(tmp_path, links, body)
    priced = plan_thread(st, config(tmp_path).accounts[0], config(tmp_path))
    assert priced.cost is not None and priced.cost.posts_with_links == 1
    free = plan_thread(
        st, config(tmp_path, "    prices: {post: 0.015, post_with_link: 0.015}\n").accounts[0], config(tmp_path)
    )
    assert free.cost is not None and free.cost.posts_with_links >= 1


def test_over_budget_is_cut_to_end_with_the_link_to_the_full_statement(tmp_path):
    org = "organisation: {statement_url_template: 'https://ex.org/s/{id}'}\n"
    cfg = config(tmp_path, "    max_cost_usd: 0.30\n", org)
    thread = plan_thread(read_statement(SEED), cfg.accounts[0], cfg)
    assert thread.cost is not None and thread.cost.amount <= 0.30 and thread.held is None
    assert "https://ex.org/s/2020-01-04-iaswi-soleimani-assassination" in thread.posts[-1].text
    assert thread.cost.posts == len(thread.posts) == 7  # 6 x 0.015 + 0.20 = 0.29
    assert any("over max_cost_usd 0.3: cut to 7 posts" in w for w in thread.warnings)


def test_over_budget_with_hold_is_held_with_the_reason(tmp_path):
    cfg = config(tmp_path, "    max_cost_usd: 0.30\n    over_budget: hold\n")
    thread = plan_thread(read_statement(SEED), cfg.accounts[0], cfg)
    assert thread.held and "over max_cost_usd 0.3" in thread.held and "not posted" in thread.held


def test_mode_single_is_one_post_with_the_title_the_link_and_the_image(tmp_path):
    (tmp_path / "poster.png").write_bytes(png(800, 600))
    cfg = config(tmp_path, "    mode: single\n")
    thread = plan_thread(statement(tmp_path, "image: poster.png\nurl: https://ex.org/free\n"), cfg.accounts[0], cfg)
    [post] = thread.posts
    assert post.text == "Free the teachers\n\nRead the full statement: https://ex.org/free"
    assert [m.path for m in post.media] == [str(tmp_path / "poster.png")]
    assert thread.cost is not None and (thread.cost.amount, thread.cost.posts_with_links) == (0.2, 1)


def test_image_goes_on_the_first_post_with_the_title_and_first_sentence_as_alt(tmp_path):
    (tmp_path / "poster.png").write_bytes(png(800, 600))
    cfg = config(tmp_path)
    thread = plan_thread(statement(tmp_path, "image: poster.png\n"), cfg.accounts[0], cfg)
    [media] = thread.posts[0].media
    assert media.alt == "Free the teachers. The teachers must be released now."
    assert (media.width, media.height, media.mime) == (800, 600, "image/png")
    assert all(not p.media for p in thread.posts[1:])


def test_a_chinese_statement_is_described_without_spaces_between_its_characters(tmp_path):
    (tmp_path / "poster.png").write_bytes(png(800, 600))
    (tmp_path / "s.md").write_text(
        "---\ntitle: 释放被拘押的工人\nlanguage: zh\nimage: poster.png\n---\n"
        "我们要求立即释放被拘押的工人。他们是无辜的。\n",
        encoding="utf-8",
    )
    cfg = config(tmp_path)
    [media] = plan_thread(read_statement(tmp_path / "s.md"), cfg.accounts[0], cfg).posts[0].media
    assert media.alt == "释放被拘押的工人。我们要求立即释放被拘押的工人。"


def test_too_big_an_image_is_made_smaller_for_the_network_that_reported_its_limits(tmp_path):
    (tmp_path / "poster.png").write_bytes(png(1200, 900, padding=300_000))
    cfg = config(tmp_path)
    rules = MediaRules(max_items=4, max_bytes=100_000, alt_limit=20, max_pixels=500_000)
    thread = plan_thread(statement(tmp_path, "image: poster.png\n"), cfg.accounts[0], cfg, Limits(280, 23, rules))
    [media] = thread.posts[0].media
    assert media.size <= 100_000 and media.width * media.height <= 500_000
    assert sniff(media.data) is not None and media.alt == "Free the teachers.…"  # cut at a word, within 20


def test_image_none_and_a_missing_image(tmp_path):
    cfg = config(tmp_path)
    assert plan_thread(statement(tmp_path, "image: none\n"), cfg.accounts[0], cfg).posts[0].media == ()
    with pytest.raises(StatementError, match=r"s\.md: image .*missing\.png: file not found"):
        plan_thread(statement(tmp_path, "image: missing.png\n"), cfg.accounts[0], cfg)


def test_a_pdf_statement_gets_its_first_page_as_the_image(tmp_path):
    from bot.model import Statement

    pdf = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "pdfs").glob("*.pdf"))[0]
    cfg = config(tmp_path)
    read = Statement("s", "A statement", ("Its text.",), "en", "h", path=str(pdf), source_format="pdf")
    thread = plan_thread(read, cfg.accounts[0], cfg)
    [media] = thread.posts[0].media
    assert media.path == f"{pdf}#page=1" and media.mime == "image/png" and max(media.width, media.height) == 2000
    assert media.size <= 5 * 1024 * 1024


def test_thread_cost_counts_posts_with_a_url_twitter_text_finds():
    from bot.model import Prices

    cost = thread_cost(["no link here", "see www.example.org", "mail info@example.org"], Prices(0.015, 0.2))
    assert (cost.posts, cost.posts_with_links, cost.amount) == (3, 1, 0.23)
