"""The splitter's invariants, as properties over random and real texts."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.model import Account, Organisation, Statement
from bot.networks.registry import platform_rules as rules_for
from bot.text.breaks import (
    BAD,
    BREAK_COST,
    EXTRA_POST_COST,
    FAULT,
    break_costs,
    choose_breaks,
    fewest_posts,
    window_starts,
)
from bot.text.pieces import CLAUSE, LINE, PARAGRAPH, SENTENCE, WEAK, WORD, Piece
from tests.support import thread_for

WORDS = st.one_of(
    st.from_regex(r"[a-zA-Z]{1,12}", fullmatch=True),
    st.from_regex(r"[a-z]{1,8}[.,;:!?]", fullmatch=True),
    st.sampled_from(
        [
            "https://workers-iran.org/statements/2020/01/04/soleimani",
            "www.example.org",
            "@iaswi",
            "@someone@mastodon.social",
            "#NoWar",
            "#ایران",
            "info@workers-iran.org",
            "U.S.",
            "e.g.",
            "3.5",
            "“quoted",
            "words”",
            "(aside)",
            "—",
            "…",
            "کارگران",
            "العمال",
            "故人西辞",
            "😷",
            "👨‍👩‍👧",
            "anti-war",
            "x" * 40,
        ]
    ),
)
PARAGRAPHS = st.lists(st.lists(WORDS, min_size=1, max_size=60).map(" ".join), min_size=1, max_size=6)


def statement(paragraphs, **kw):
    return Statement(
        id="t", title=kw.pop("title", "A Title"), paragraphs=tuple(paragraphs), language="en", content_hash="h", **kw
    )


def body_words(thread):
    words = []
    for post in thread.posts:
        words.extend(re.sub(r"\n\d+/\d+$", "", post.text).split())
    return words


def expected_words(s, org=None):
    org = org or Organisation()
    parts = [s.title, *org.hashtags, *s.paragraphs, *s.slogans, s.signature or "", *s.links]
    return " ".join(parts).split()


@settings(max_examples=120, deadline=None)
@given(PARAGRAPHS, st.sampled_from(["x", "mastodon", "bluesky"]))
def test_every_post_fits_and_all_words_appear_in_order(paragraphs, platform):
    s = statement(paragraphs, slogans=("No War But Class War!",), links=("https://twitter.com/IASWIinfo",))
    thread = thread_for(s, Account(name="a", platform=platform), Organisation())
    rules = rules_for(platform)
    for post in thread.posts:
        assert rules.fits(post.text), (post.length, post.text)
        assert post.length == rules.count(post.text)
    assert body_words(thread) == expected_words(s)


@settings(max_examples=60, deadline=None)
@given(PARAGRAPHS)
def test_splitting_is_deterministic(paragraphs):
    s = statement(paragraphs)
    account = Account(name="a", platform="x")
    assert thread_for(s, account, Organisation()) == thread_for(s, account, Organisation())


def test_url_is_never_split():
    url = "https://workers-iran.org/" + "a" * 30
    s = statement([" ".join(["word"] * 60 + [url] + ["word"] * 60)])
    thread = thread_for(s, Account(name="a", platform="x"), Organisation())
    assert sum(p.text.count(url) for p in thread.posts) == 1


def test_mention_hashtag_and_email_are_never_split():
    tokens = ["@someone@mastodon.social", "#SolidarityForever", "info@workers-iran.org"]
    s = statement([" ".join(["word"] * 70 + tokens * 5 + ["word"] * 70)])
    for platform in ("x", "mastodon", "bluesky"):
        posts = thread_for(s, Account(name="a", platform=platform), Organisation()).posts
        for token in tokens:
            assert sum(p.text.split().count(token) for p in posts) == 5


def _reference(costs, lows, widths, short):
    """Every split, by post count: the cheapest, with the same stub rule (a quadratic search)."""
    n = len(costs)
    best = {(0, 0): 0}
    for i in range(1, n + 1):
        for j in range(lows[i], i):
            stub = BAD if j > 0 and i < n and sum(widths[j:i]) < short else 0
            for (end, c), v in list(best.items()):
                if end == j:
                    cand = v + costs[i - 1] + stub
                    if cand < best.get((i, c + 1), float("inf")):
                        best[(i, c + 1)] = cand
    return {c: v for (i, c), v in best.items() if i == n}


ITEMS = st.lists(
    st.tuples(
        st.integers(1, 30),
        st.sampled_from([PARAGRAPH, LINE, SENTENCE, CLAUSE, WORD]),
        st.sampled_from([0, 0, 0, WEAK]),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(ITEMS, st.integers(30, 80), st.sampled_from([0, 12]), st.sampled_from([EXTRA_POST_COST, FAULT // 2]))
def test_breaks_are_optimal_within_one_post_of_the_floor(items, budget, short, extra):
    pieces = [Piece("x" * w, " ", brk, flags) for w, brk, flags in items]
    sizes = [(w,) for w, _, _ in items]
    seps = [(1,)] * len(items)
    widths = [w + 1 for w, _, _ in items]
    lows = window_starts(sizes, seps, (budget,))
    costs = break_costs(pieces, widths, budget)
    choice = choose_breaks(costs, lows, widths, short, extra=extra)
    floor = fewest_posts(lows)
    reference = _reference(costs, lows, widths, short)
    assert min(reference) == floor
    assert len(choice.cuts) in (floor, floor + 1)
    got = sum(costs[end - 1] for _, end in choice.cuts)
    got += sum(BAD for start, end in choice.cuts if start > 0 and end < len(items) and sum(widths[start:end]) < short)
    assert got == choice.cost
    want = min(reference[floor], reference.get(floor + 1, float("inf")) + extra)
    assert got + (extra if len(choice.cuts) == floor + 1 else 0) == want
    starts = [s for s, _ in choice.cuts]
    assert starts == [0] + [e for _, e in choice.cuts[:-1]] and choice.cuts[-1][1] == len(items)


def test_break_memory_is_linear_in_the_pieces():
    """The search keeps two rows as long as the pieces, not one per post (30k pieces, about 1,000 posts: rows
    per post would take 16 kB a piece)."""
    import tracemalloc

    n = 30_000
    costs = [BREAK_COST[WORD]] * n
    sizes, seps = [(8,)] * n, [(1,)] * n
    lows = window_starts(sizes, seps, (280,))
    tracemalloc.start()
    choose_breaks(costs, lows, [9] * n, 94)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 500 * n  # bytes per piece: a few list slots and ints


def test_paragraph_ends_are_preferred_to_word_breaks():
    para = " ".join(["word"] * 40) + "."
    s = statement([para] * 6, title="")
    thread = thread_for(s, Account(name="a", platform="x", numbering=None), Organisation())
    for post in thread.posts:
        assert post.text.endswith(".")


def test_break_costs_rank_paragraph_sentence_clause_word():
    assert BREAK_COST[PARAGRAPH] < BREAK_COST[SENTENCE] < BREAK_COST[CLAUSE] < BREAK_COST[WORD] < FAULT < BAD


def test_a_word_longer_than_a_post_is_cut_at_graphemes_with_a_warning():
    giant = "x" * 400 + "e\u0301" * 100  # combining accents: cut only between whole graphemes
    s = statement([f"before {giant} after"])
    thread = thread_for(s, Account(name="a", platform="bluesky"), Organisation())
    rules = rules_for("bluesky")
    assert all(rules.fits(p.text) for p in thread.posts)
    joined = "".join(re.sub(r"\n\d+/\d+$", "", p.text) for p in thread.posts)
    assert giant in joined
    assert not any(p.text.startswith("\u0301") for p in thread.posts)
    assert any("longer than a post" in w and "cut into" in w for w in thread.warnings)


@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky"])
def test_seed_split_is_compact_and_has_no_weak_or_bad_break(seed_path, platform):
    from bot.text.reading import read_statement
    from bot.text.splitting import split
    from bot.text.threads import _pieces

    s = read_statement(seed_path)
    account = Account(name=platform, platform=platform)
    thread = thread_for(s, account, Organisation())
    rules = rules_for(platform)
    pieces = _pieces(s, account, Organisation(), [], rules)
    measure = rules.measure
    budget = tuple(a - b for a, b in zip(rules.limits, rules.measure("\n" + "99/99")))
    floor = fewest_posts(window_starts([measure(p.text) for p in pieces], [measure(p.sep) for p in pieces], budget))
    assert len(thread.posts) <= floor + 1
    assert split(pieces, rules, account.numbering, []).cost < FAULT  # every break one an editor could make


@settings(max_examples=40, deadline=None)
@given(st.data(), st.sampled_from(["x", "mastodon", "bluesky"]), st.integers(140, 600))
def test_real_text_fits_and_keeps_its_words_at_any_limit(data, platform, limit):
    from bot.text.reading import read_statement
    from tests.conftest import SEED

    seed = read_statement(SEED)
    start = data.draw(st.integers(0, len(seed.paragraphs) - 1))
    end = data.draw(st.integers(start + 1, len(seed.paragraphs)))
    s = statement(seed.paragraphs[start:end], title=seed.title, slogans=seed.slogans, links=seed.links)
    thread = thread_for(s, Account(name="a", platform=platform, limit=limit), Organisation())
    rules = rules_for(platform, limit=limit)
    assert all(rules.fits(p.text) for p in thread.posts)
    assert body_words(thread) == expected_words(s)


def test_list_items_stay_on_their_own_lines_and_breaks_prefer_them():
    items = "\n".join(f"- demand number {i}: release every jailed worker and teacher now" for i in range(12))
    s = statement([items], title="")
    thread = thread_for(s, Account(name="a", platform="x", numbering=None), Organisation())
    for post in thread.posts:
        assert all(line.startswith("- demand number") for line in post.text.split("\n"))
