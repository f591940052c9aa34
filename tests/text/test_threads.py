import re

import pytest

from bot.config import parse_config
from bot.errors import StatementError
from bot.model import Account, Organisation, Statement
from bot.networks.registry import platform_rules
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


@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky", "telegram", "threads"])
def test_a_statement_without_a_title_still_carries_the_hashtags(platform):
    body = ("We stand with the strikers in the port and call on every union to do the same. " * 6,)
    s = Statement(id="t", title="", paragraphs=body, language="en", content_hash="h")
    thread = thread_for(s, Account(name="a", platform=platform), Organisation(hashtags=("#Strike", "#Ports")))
    assert thread.posts[0].text.startswith("#Strike #Ports\n\nWe stand")
    assert not thread.warnings


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


def _statement(paragraphs, title="T", language="en", **kw):
    return Statement(id="s1", title=title, paragraphs=tuple(paragraphs), language=language, content_hash="h", **kw)


def test_a_thread_of_one_post_has_no_numbering():
    thread = thread_for(_statement(["One short paragraph."]), Account(name="a", platform="x"), Organisation())
    assert [p.text for p in thread.posts] == ["T\n\nOne short paragraph."]


def test_no_post_ends_after_a_function_word_a_name_or_a_number_when_a_clean_break_exists():
    from bot.text.breakwords import AFTER

    sentence = (
        "Workers in the Middle East and across the region were joined on November 15, 2019 by 1500 protesters "
        "who marched to the Islamic Revolutionary Guard Corps offices, and they were not alone."
    )
    thread = thread_for(_statement([sentence] * 6), Account(name="a", platform="x"), Organisation())
    for post in thread.posts[:-1]:
        last = re.sub(r"\n\d+/\d+$", "", post.text).split()[-1]
        assert last.lower() not in AFTER["en"], post.text
        assert not last.isdigit() and last not in ("Middle", "November", "Islamic", "Revolutionary", "Guard")


@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky"])
def test_markdown_heading_markers_are_not_posted_and_the_heading_never_ends_a_post(platform):
    body = "Los trabajadores del puerto siguen en huelga y exigen que se respeten sus derechos laborales. " * 3
    for heading in ("## Exigimos ##", "### مطالبنا"):
        s = _statement([body.strip(), heading, body.strip(), body.strip()], language="es")
        thread = thread_for(s, Account(name="a", platform=platform), Organisation())
        text = "\n".join(p.text for p in thread.posts)
        assert "#" not in text and heading.strip("# ") in text.splitlines()
        for post in thread.posts[:-1]:
            assert re.sub(r"\n\d+/\d+$", "", post.text).splitlines()[-1] != heading.strip("# "), post.text


@pytest.mark.parametrize("heading", ["## What we demand", "What we demand"])
def test_a_heading_or_a_lead_in_never_ends_a_post(heading):
    body = ("The strike went on for weeks and the workers held out against every threat they received. " * 2).strip()
    paragraphs = [body, heading, body, "We demand the following:", "- " + body, body]
    for platform in ("x", "mastodon", "bluesky"):
        thread = thread_for(_statement(paragraphs), Account(name="a", platform=platform), Organisation())
        for post in thread.posts[:-1]:
            last_line = re.sub(r"\n\d+/\d+$", "", post.text).rstrip().splitlines()[-1]
            assert last_line != heading and not last_line.endswith(":"), (platform, post.text)


def test_hashtags_move_to_the_last_post_where_under_the_title_they_would_cost_a_paid_post():
    from bot.model import Prices

    # One long name (every gap inside it a weak break), 233 characters: with the title it fits one post; with
    # the tags too, it does not.
    first = " ".join(["Haft Tappeh Sugar Cane Company Workers Union"] * 5) + " Members."
    s = _statement([first, "They have not been paid for months. " * 5, "Solidarity with them."])
    org = Organisation(hashtags=("#HaftTappeh", "#GeneralStrike", "#WorkersUnite", "#Iran"))
    paid = Account(name="a", platform="x", prices=Prices(post=0.015, post_with_link=0.2))
    moved = thread_for(s, paid, org)
    assert moved.posts[0].text == f"T\n\n{first}\n1/2"
    assert moved.posts[-1].text.endswith("Solidarity with them.\n\n#HaftTappeh #GeneralStrike #WorkersUnite #Iran\n2/2")
    assert any("moved to the last post" in w for w in moved.warnings)
    kept = thread_for(s, Account(name="a", platform="x"), org)  # no price per post: the tags stay up top
    assert kept.posts[0].text == "T\n#HaftTappeh #GeneralStrike #WorkersUnite #Iran\n1/3"  # not half the name
    assert len(moved.posts) == 2 and len(kept.posts) == 3
    for thread in (moved, kept):
        assert all(platform_rules("x").fits(p.text) for p in thread.posts)


def test_an_entity_longer_than_a_post_is_an_error_naming_the_statement_and_the_piece():
    from bot.errors import SplitError

    tag = "#" + "Solidarity" * 60
    s = _statement([f"Use {tag} today."], path="statements/s1.md")
    for platform in ("x", "mastodon", "bluesky"):
        with pytest.raises(SplitError, match=r"statements/s1\.md: the hashtag '#SolidaritySolidarity.*never cut"):
            thread_for(s, Account(name="a", platform=platform), Organisation())


def test_post_refuses_to_start_a_thread_that_cannot_be_split(tmp_path):
    from datetime import UTC, datetime

    from bot.publishing.journal import Journal
    from bot.publishing.statement import publish_statement
    from bot.publishing.states import Outcome
    from tests.networks.fake import FakeAdapter

    config = parse_config(CONFIG, tmp_path / "bot.yaml")
    s = _statement(["Fine words.", "#" + "Solidarity" * 30], path="statements/s1.md")
    adapter = FakeAdapter(platform="x", max_chars=280)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        (result,) = publish_statement(
            journal,
            s,
            [config.account("main-x")],
            config,
            lambda account: adapter,
            now=lambda: datetime(2026, 1, 1, tzinfo=UTC),
            sleep=lambda seconds: None,
        )
    assert result.status == Outcome.FAILED and "statements/s1.md" in result.message and "never cut" in result.message
    assert adapter.live() == []


def test_bluesky_says_bytes_when_the_byte_limit_is_what_a_word_breaks():
    word = "🏳️‍🌈" * 250  # 250 graphemes (fits 300) but 3,500 bytes (over 3,000)
    thread = thread_for(_statement([f"Pride {word} now."]), Account(name="a", platform="bluesky"), Organisation())
    rules = platform_rules("bluesky")
    assert all(rules.fits(p.text) for p in thread.posts)
    assert any("bytes > 3,000" in w for w in thread.warnings), thread.warnings
    assert all(p.text.count("🏳️‍🌈") * len("🏳️‍🌈".encode()) <= 3000 for p in thread.posts)


def test_a_bidi_isolate_stays_in_one_post_where_it_fits():
    quoted = "\u2067" + " ".join(["کارگران"] * 12) + "\u2069"
    sentence = " ".join(["word"] * 30)
    s = _statement([f"{sentence} {quoted} {sentence}. {sentence}."])
    for platform in ("x", "bluesky"):
        for post in thread_for(s, Account(name="a", platform=platform), Organisation()).posts:
            assert post.text.count("\u2067") == post.text.count("\u2069"), post.text


def test_a_bidi_embedding_longer_than_a_post_is_closed_and_reopened():
    long = "\u202b" + " ".join(["کارگران"] * 120) + "\u202c"
    thread = thread_for(_statement([f"Before {long} after."]), Account(name="a", platform="x"), Organisation())
    rules = platform_rules("x")
    assert len(thread.posts) > 2 and all(rules.fits(p.text) for p in thread.posts)
    for post in thread.posts:
        body = re.sub(r"\n\d+/\d+$", "", post.text)
        assert body.count("\u202b") == body.count("\u202c"), body  # every post balanced on its own
    words = " ".join(re.sub(r"\n\d+/\d+$", "", p.text) for p in thread.posts).split()
    assert [w.strip("\u202b\u202c") for w in words] == f"T Before {long} after.".replace("\u202b", "").replace(
        "\u202c", ""
    ).split()


def test_max_posts_of_one_is_the_link_alone_without_numbering(seed):
    from dataclasses import replace

    s = replace(seed, url="https://workers-iran.org/s/soleimani")
    thread = thread_for(s, Account(name="a", platform="x", max_posts=1), ORG)
    assert [p.text for p in thread.posts] == ["Read the full statement: https://workers-iran.org/s/soleimani"]


@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky", "threads"])
def test_thai_repetition_marks_and_etc_stay_with_the_word_before(platform):
    # Thai writes a space before ๆ and ฯลฯ; here it is the only space, so the gap a splitter would like best.
    sentence = "แรงงานข้ามชาติจากประเทศต่าง ๆ ในภูมิภาคถูกเลิกจ้างและถูกกดดันด้วยวิธีการอื่น ฯลฯ"
    s = _statement([sentence * 12], title="ข้อเรียกร้อง", language="th")
    thread = thread_for(s, Account(name="a", platform=platform), Organisation())
    assert len(thread.posts) >= 2
    for post in thread.posts:
        assert not post.text.startswith(("ๆ", "ฯลฯ")), post.text
    assert "".join(p.text for p in thread.posts).count("ๆ") == 12


def test_a_statement_with_a_title_and_no_text_is_posted_with_a_warning():
    s = Statement(id="t", title="Free the teachers", paragraphs=(), language="en", content_hash="h")
    thread = thread_for(s, Account(name="a", platform="x"), Organisation())
    assert [p.text for p in thread.posts] == ["Free the teachers"]
    assert any("no text under its title" in w for w in thread.warnings)


@pytest.mark.parametrize("platform", ["x", "bluesky"])
def test_a_title_longer_than_a_post_is_cut_where_it_reads_best_with_a_warning_and_keeps_the_hashtags(platform):
    title = (
        "Joint Statement of the Coalition of Independent Trade Unions, Tenant Associations, Migrant Worker "
        "Collectives, Student Unions and Human Rights Defenders on the Mass Dismissals, Arrests and Deportations "
        "Following the General Strike of the Port, Railway, Healthcare and Education Workers in the Northern Provinces"
    )
    s = _statement(["We demand the release of all detained workers."], title=title)
    thread = thread_for(s, Account(name="a", platform=platform), Organisation(hashtags=("#Strike",)))
    first = re.sub(r"\n\d+/\d+$", "", thread.posts[0].text)
    assert first.endswith((",", "Unions", "Defenders")), first[-40:]  # a clause end or a name's end, never "the"
    assert "#Strike" in "\n".join(p.text for p in thread.posts)
    assert any("title is longer than a post" in w for w in thread.warnings)
