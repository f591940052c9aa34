"""The splitter's invariants, as properties over random and real texts."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.model import Account, Organisation, Statement
from bot.networks.registry import platform_rules as rules_for
from bot.text.breaks import BREAK_COST, EXTRA_POST_COST, break_costs, choose_breaks, fewest_posts, window_starts
from bot.text.pieces import CLAUSE, LINE, PARAGRAPH, SENTENCE, WORD
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


def body_words(thread, numbering=True):
    words = []
    for post in thread.posts:
        text = post.text.rsplit("\n", 1)[0] if numbering else post.text
        words.extend(text.split())
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


def _exhaustive(breaks, widths, lows):
    """Reference: try every post count; cost of the best split with exactly c posts."""
    n = len(breaks)
    costs = break_costs(breaks, widths)
    best = {(0, 0): 0.0}
    for i in range(1, n + 1):
        for j in range(lows[i], i):
            for c in range(n):
                if (j, c) in best:
                    v = best[(j, c)] + costs[i - 1]
                    if v < best.get((i, c + 1), float("inf")):
                        best[(i, c + 1)] = v
    return {c: v for (i, c), v in best.items() if i == n}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.sampled_from([PARAGRAPH, LINE, SENTENCE, CLAUSE, WORD])),
        min_size=1,
        max_size=40,
    ),
    st.integers(30, 80),
)
def test_breaks_are_optimal_within_one_post_of_the_floor(items, budget):
    sizes = [(w,) for w, _ in items]
    seps = [(1,)] * len(items)
    breaks = [b for _, b in items]
    widths = [w + 1 for w, _ in items]
    lows = window_starts(sizes, seps, (budget,))
    cuts = choose_breaks(breaks, widths, lows)
    floor = fewest_posts(lows)
    reference = _exhaustive(breaks, widths, lows)
    assert min(reference) == floor
    costs = break_costs(breaks, widths)
    got = sum(costs[end - 1] for _, end in cuts)
    assert len(cuts) in (floor, floor + 1)
    want = min(reference[floor], reference.get(floor + 1, float("inf")) + EXTRA_POST_COST)
    assert got + (EXTRA_POST_COST if len(cuts) == floor + 1 else 0) == want
    assert [s for s, _ in cuts] == [0] + [e for _, e in cuts[:-1]] and cuts[-1][1] == len(items)


def test_paragraph_ends_are_preferred_to_word_breaks():
    para = " ".join(["word"] * 40) + "."
    s = statement([para] * 6, title="")
    thread = thread_for(s, Account(name="a", platform="x", numbering=None), Organisation())
    for post in thread.posts:
        assert post.text.endswith(".")


def test_break_costs_rank_paragraph_sentence_clause_word():
    assert BREAK_COST[PARAGRAPH] < BREAK_COST[SENTENCE] < BREAK_COST[CLAUSE] < BREAK_COST[WORD]


def test_a_word_longer_than_a_post_gets_its_own_post_and_a_warning():
    giant = "x" * 400
    s = statement([f"before {giant} after"])
    thread = thread_for(s, Account(name="a", platform="bluesky"), Organisation())
    assert any(giant in p.text for p in thread.posts)
    assert any("longer than a post" in w for w in thread.warnings)


def test_seed_split_is_compact_on_every_network(seed_path):
    from bot.text.pieces import is_mid_sentence
    from bot.text.reading import read_statement
    from bot.text.threads import _pieces

    s = read_statement(seed_path)
    for platform in ("x", "mastodon", "bluesky"):
        account = Account(name=platform, platform=platform)
        thread = thread_for(s, account, Organisation())
        rules = rules_for(platform)
        pieces = _pieces(s, account, Organisation(), rules, [])
        measure = rules.measure
        room = rules.measure("\n" + "99/99")
        budget = tuple(a - b for a, b in zip(rules.limits, room))
        floor = fewest_posts(window_starts([measure(p.text) for p in pieces], [measure(p.sep) for p in pieces], budget))
        assert len(thread.posts) <= floor + 1
        mid = [p.index for p in thread.posts[:-1] if is_mid_sentence(re.sub(r"\n\d+/\d+$", "", p.text))]
        assert len(mid) <= len(thread.posts) * 2 // 3, (platform, mid)


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
