import re

import pytest

from bot.config import parse_config
from bot.errors import StatementError
from bot.model import Account, Organisation, Statement
from bot.planning import plan_threads as build_threads
from bot.text.reading import read_statement
from tests.support import thread_for

ORG = Organisation(hashtags=("#Iran", "#NoWar"))


@pytest.fixture
def seed(seed_path):
    return read_statement(seed_path)


@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky"])
def test_seed_thread_opens_with_title_and_hashtags(seed, platform):
    first = thread_for(seed, Account(name="a", platform=platform), ORG).posts[0].text
    assert first.startswith("IASWI’s Statement on Assassination of Qasem Soleimani and its Aftermath\n#Iran #NoWar\n\n")


@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky"])
def test_seed_closing_posts_carry_slogans_signature_date_and_links_whole(seed, platform):
    thread = thread_for(seed, Account(name="a", platform=platform), ORG)
    tail = "\n".join(p.text for p in thread.posts[-3:])
    for line in (
        "No War But Class War!",
        "Long Live International Working Class Solidarity!",
        "International Alliance in Support of Workers in Iran (IASWI)",
        "January 4, 2020",
        "info@workers-iran.org",
        "www.workers-iran.org",
        "http://etehadbinalmelali.com/ak",
        "https://twitter.com/IASWIinfo",
    ):
        assert sum(line in p.text for p in thread.posts) == 1, line
        assert line in tail
    assert not thread.warnings


def test_numbering_is_on_its_own_last_line_and_counts_in_the_budget(seed):
    thread = thread_for(seed, Account(name="a", platform="x"), ORG)
    n = len(thread.posts)
    for post in thread.posts:
        assert post.text.endswith(f"\n{post.index}/{n}")
        assert post.length <= 280


def test_numbering_can_be_customised_or_turned_off(seed):
    custom = thread_for(seed, Account(name="a", platform="mastodon", numbering="({i}/{n})"), ORG)
    assert custom.posts[0].text.endswith(f"\n(1/{len(custom.posts)})")
    off = thread_for(seed, Account(name="a", platform="mastodon", numbering=None), ORG)
    assert not re.search(r"\d+/\d+$", off.posts[0].text)


def test_hook_replaces_the_title_in_the_first_post(seed):
    from dataclasses import replace

    thread = thread_for(
        replace(seed, hook="Five years on, we still say: no war."), Account(name="a", platform="x"), ORG
    )
    assert thread.posts[0].text.startswith("Five years on, we still say: no war.")


def test_hashtags_that_do_not_fit_are_left_out_with_a_warning():
    s = Statement(id="t", title="T" * 250, paragraphs=("Body text.",), language="en", content_hash="h")
    org = Organisation(hashtags=("#One", "#TwoTwoTwoTwoTwoTwoTwo"))
    thread = thread_for(s, Account(name="a", platform="x"), org)
    assert "#One" in thread.posts[0].text
    assert any("#TwoTwoTwoTwoTwoTwoTwo does not fit" in w for w in thread.warnings)


def test_max_posts_ends_with_a_link_to_the_full_statement(seed):
    from dataclasses import replace

    s = replace(seed, url="https://workers-iran.org/s/soleimani")
    thread = thread_for(s, Account(name="a", platform="x", max_posts=10), ORG)
    assert len(thread.posts) == 10
    assert thread.posts[-1].text == "Read the full statement: https://workers-iran.org/s/soleimani\n10/10"
    assert all(p.text.endswith("/10") for p in thread.posts)
    assert any("max_posts is 10" in w for w in thread.warnings)


def test_max_posts_without_url_keeps_everything_and_says_so(seed):
    thread = thread_for(seed, Account(name="a", platform="x", max_posts=10), ORG)
    assert len(thread.posts) > 10
    assert any("no url" in w for w in thread.warnings)


def test_statement_url_template_is_used_for_max_posts(seed):
    org = Organisation(statement_url_template="https://example.org/s/{id}")
    thread = thread_for(seed, Account(name="a", platform="x", max_posts=5), org)
    assert thread.posts[-1].text.startswith(f"Read the full statement: https://example.org/s/{seed.id}")


def test_persian_thread_numbering_stays_readable():
    paragraphs = ("ما از اعتصاب معلمان حمایت می‌کنیم. " * 30,)
    s = Statement(id="fa", title="بیانیه", paragraphs=paragraphs, language="fa", content_hash="h")
    thread = thread_for(s, Account(name="a", platform="x"), Organisation())
    for post in thread.posts:
        last_line = post.text.rsplit("\n", 1)[1]
        assert re.fullmatch(r"\d+/\d+", last_line)  # digits only on their own line: no bidi reordering
    assert thread.language == "fa"


def test_persian_sentences_break_at_persian_question_marks():
    sentence = "آیا کارگران حق اعتصاب ندارند؟ "
    s = Statement(id="fa", title="", paragraphs=(sentence * 40,), language="fa", content_hash="h")
    thread = thread_for(s, Account(name="a", platform="x", numbering=None), Organisation())
    assert all(p.text.endswith("؟") for p in thread.posts)


CONFIG = """
accounts:
  - {name: main-x, platform: x, credentials: {api_key: A, api_secret: B, access_token: C, access_secret: D}}
  - {name: main-m, platform: mastodon, instance: https://m.example, credentials: {access_token: T}}
"""


def test_threads_follow_the_statements_own_account_list(tmp_path, seed):
    from dataclasses import replace

    config = parse_config(CONFIG, tmp_path / "bot.yaml")
    assert [t.account for t in build_threads(seed, config)] == ["main-x", "main-m"]
    assert [t.account for t in build_threads(replace(seed, accounts=("main-m",)), config)] == ["main-m"]
    with pytest.raises(StatementError, match="no account named 'ghost'"):
        build_threads(replace(seed, accounts=("ghost",)), config)


def test_platform_preview_needs_no_account(tmp_path, seed):
    config = parse_config("{}", tmp_path / "bot.yaml")
    (thread,) = build_threads(seed, config, platform="bluesky")
    assert thread.platform == "bluesky" and thread.limit == 300
