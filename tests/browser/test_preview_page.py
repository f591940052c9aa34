"""The HTML preview in a real headless Chromium: loads offline, fits, runs right to left, runs nothing."""

from __future__ import annotations

import pytest

from bot.preview.html import render_html
from tests.browser.support import CONFIG, FIXTURES, SEED, preview_documents

pytestmark = pytest.mark.slow

# Every box inside a card must stay inside it: nothing scrolls, nothing sticks out.
OVERFLOWS = r"""() => {
  const bad = [];
  document.querySelectorAll('.card').forEach(card => {
    const c = card.getBoundingClientRect();
    const where = `${card.closest('.column').dataset.account} #${card.dataset.index}`;
    if (card.scrollWidth > card.clientWidth || card.scrollHeight > card.clientHeight) {
      bad.push(`${where}: card scrolls`);
    }
    card.querySelectorAll('.text, .head, .foot').forEach(el => {
      const r = el.getBoundingClientRect();
      if (el.scrollWidth > el.clientWidth) bad.push(`${where}: ${el.className} scrolls sideways`);
      if (r.left < c.left - 0.5 || r.right > c.right + 0.5) bad.push(`${where}: ${el.className} sticks out`);
    });
    // Word by word: the spaces pre-wrap leaves at a line's end may hang past the edge, unseen.
    const text = card.querySelector('.text'), t = text.getBoundingClientRect();
    const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        for (const r of range.getClientRects()) {
          if (r.left < t.left - 0.5 || r.right > t.right + 0.5) bad.push(`${where}: "${m[0]}" runs past the card`);
        }
      }
    }
  });
  return bad;
}"""

# For each post text: its computed direction and alignment, and where its lines start and end.
LINES = """() => [...document.querySelectorAll('.card')].map(card => {
  const text = card.querySelector('.text'), style = getComputedStyle(text), range = document.createRange();
  range.selectNodeContents(text);
  const box = text.getBoundingClientRect(), lines = new Map();
  for (const r of range.getClientRects()) {
    if (!r.width) continue;
    const key = Math.round(r.top), line = lines.get(key) || {left: Infinity, right: -Infinity};
    lines.set(key, {left: Math.min(line.left, r.left), right: Math.max(line.right, r.right)});
  }
  const avatar = card.querySelector('.avatar').getBoundingClientRect();
  return {
    direction: style.direction, align: style.textAlign, cardDirection: getComputedStyle(card).direction,
    rightGaps: [...lines.values()].map(l => box.right - l.right),
    leftGaps: [...lines.values()].map(l => l.left - box.left),
    avatarOnRight: avatar.left > box.right,
  };
})"""


@pytest.fixture(scope="module")
def seed_documents():
    return preview_documents(SEED)


def test_seed_page_loads_from_disk_with_no_errors_and_no_requests(open_page, seed_documents):
    loaded = open_page(render_html(seed_documents))
    assert loaded.errors == []
    assert loaded.requests == [loaded.url]
    assert loaded.page.locator("script, link, img, iframe").count() == 0


def test_every_column_has_one_card_per_post_of_the_json_preview(open_page, seed_documents):
    page = open_page(render_html(seed_documents)).page
    threads = seed_documents[0]["threads"]
    assert len(threads) == page.locator("section.column").count() == 3
    for thread in threads:
        column = page.locator(f'section.column[data-account="{thread["account"]}"]')
        indexes = column.locator("li.card").evaluate_all("cards => cards.map(c => Number(c.dataset.index))")
        assert indexes == [post["index"] for post in thread["posts"]], thread["account"]
        counts = column.locator(".count").all_inner_texts()
        assert counts == [f"{post['length']} / {thread['limit']}" for post in thread["posts"]]


@pytest.mark.parametrize("width", [1400, 760])
@pytest.mark.parametrize("statement", [SEED, FIXTURES / "fa-soleimani.txt"], ids=["seed", "persian"])
def test_no_card_text_overflows_its_card(open_page, statement, width):
    page = open_page(render_html(preview_documents(statement)), width=width).page
    assert page.locator(".card").count() > 3
    assert page.evaluate(OVERFLOWS) == []


def test_persian_cards_are_laid_out_right_to_left(open_page):
    documents = preview_documents(FIXTURES / "fa-soleimani.txt")
    assert documents[0]["statement"]["language"] == "fa"
    cards = open_page(render_html(documents)).page.evaluate(LINES)
    assert cards
    for card in cards:
        assert (card["direction"], card["cardDirection"]) == ("rtl", "rtl")
        assert card["align"] in ("start", "right")
        assert max(card["rightGaps"]) < 2, "every line ends flush with the right edge"
        assert card["avatarOnRight"], "the card is mirrored, avatar on the right"
    assert any(max(card["leftGaps"]) > 20 for card in cards), "short lines leave the gap on the left"


def test_english_cards_stay_left_to_right(open_page, seed_documents):
    cards = open_page(render_html(seed_documents)).page.evaluate(LINES)
    assert {card["direction"] for card in cards} == {"ltr"}
    assert all(max(card["leftGaps"]) < 2 for card in cards)


def test_statement_with_script_runs_nothing_and_shows_the_markup_as_text(open_page):
    documents = preview_documents(FIXTURES / "script-injection.txt")
    loaded = open_page(render_html(documents))
    page = loaded.page
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.title() == f"Preview: {documents[0]['statement']['title']}"
    assert "<script>" in page.title()
    assert page.locator("script, img").count() == 0
    assert loaded.errors == [] and loaded.requests == [loaded.url]
    x_column = page.locator('section.column[data-platform="x"] .text').all_inner_texts()
    x_posts = next(t for t in documents[0]["threads"] if t["platform"] == "x")["posts"]
    assert x_column == [post["text"] for post in x_posts]
    assert any("<script>window.pwned = 1;" in text for text in x_column)


def test_preview_command_writes_the_same_page_to_a_file(open_page, seed_documents, tmp_path):
    from bot.cli import main

    out = tmp_path / "seed.html"
    assert main(["preview", str(SEED), "--format", "html", "--config", str(CONFIG), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html == render_html(seed_documents)
    loaded = open_page(html)
    assert loaded.errors == [] and loaded.requests == [loaded.url]
