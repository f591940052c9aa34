"""The Threads adapter (and the publisher driving it) against the local Threads API server over real HTTP."""

from __future__ import annotations

import json
import logging
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import PublishingSettings
from bot.errors import AuthError, RateLimited, Rejected, Unavailable
from bot.model import Account, Organisation, Post, Statement, Thread
from bot.networks.base import MemoryStore, Outgoing
from bot.networks.registry import platform_rules
from bot.networks.threads.adapter import ThreadsAdapter
from bot.networks.threads.counting import threads_rules
from bot.publishing.send import publish_thread
from bot.text.reading import read_statement
from bot.text.threads import build_thread
from tests.servers.local_api import ServerClock

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT / "tests" / "fixtures" / "texts"
SETTINGS = PublishingSettings(timeout_seconds=2, max_attempts=4, backoff_base_seconds=0.01, backoff_max_seconds=0.05)
DAY = 86400


@pytest.fixture
def user(threads_server):
    return threads_server.create_user(f"org{random.randrange(10**6)}")


@pytest.fixture
def clock(threads_server):
    return ServerClock(threads_server)


def adapter_for(server, token: str, clock: ServerClock, store=None) -> ThreadsAdapter:
    account = Account(name="org-threads", platform="threads", api_base=server.api_url)
    return ThreadsAdapter(
        account, token=token, timeout=2.0, store=store or MemoryStore(), clock=clock.time, sleep=clock.sleep
    )


def out(text: str, i: int = 1, **refs) -> Outgoing:
    return Outgoing(text=text, key=f"s:org-threads:thread:{i}", rkey="", language="en", **refs)


def thread_of(texts: list[str]) -> tuple[Statement, Thread]:
    statement = Statement(id="s1", title="T", paragraphs=tuple(texts), language="en", content_hash="h")
    return statement, Thread("org-threads", "threads", 500, tuple(Post(i, t, len(t)) for i, t in enumerate(texts, 1)))


def publish(journal, adapter, thread, statement, clock):
    return publish_thread(
        journal, adapter, thread, statement, now=clock.now, sleep=clock.sleep, settings=SETTINGS, rng=random.Random(1)
    )


def assert_chain(server, user, texts: list[str]) -> None:
    posts = server.posts(user)
    assert [p["text"] for p in posts] == texts
    assert [p["reply_to"] for p in posts] == [None] + [p["id"] for p in posts[:-1]]
    assert {p["root_id"] for p in posts[1:]} <= {posts[0]["id"]}


def test_a_thread_is_a_post_and_a_chain_of_replies(threads_server, user, clock):
    adapter = adapter_for(threads_server, user.access_token, clock)
    first = adapter.post(out("Title\n\nRead https://example.org/x\n1/3"))
    second = adapter.post(out("second\n2/3", 2, reply_to=first, root=first))
    third = adapter.post(out("third\n3/3", 3, reply_to=second, root=first))
    assert first.url and first.url.startswith("https://www.threads.com/@") and third.id != second.id
    assert_chain(threads_server, user, ["Title\n\nRead https://example.org/x\n1/3", "second\n2/3", "third\n3/3"])
    assert [c["status"] for c in threads_server.containers(user)] == ["PUBLISHED"] * 3


HARD = {
    "emoji": "✊🏽 " * 60 + "😀",
    "persian": "نه به جنگ، نه به سرکوب، آزادی برای زندانیان سیاسی ",
    "curly": "Workers’ rights aren’t “optional” — ",
    "flags": "🇮🇷🇺🇦🇵🇸 ",
}


@pytest.mark.parametrize("counting", ["documented", "utf8_bytes"])
@pytest.mark.parametrize("sample", sorted(HARD))
def test_every_post_the_product_plans_is_accepted_in_both_readings(threads_server, user, clock, counting, sample):
    # The product counts UTF-8 bytes: at least what either reading of "500 characters" counts.
    threads_server.configure(text_counting=counting)
    rules, adapter = threads_rules(), adapter_for(threads_server, user.access_token, clock)
    text = ""
    while rules.fits(text + HARD[sample]):
        text += HARD[sample]
    text = text.strip()
    assert rules.fits(text) and not rules.fits(text + HARD[sample])
    assert adapter.post(out(text)).id


WORDS = st.one_of(
    st.sampled_from(["https://example.org/a", "www.iaswi.org", "info@iaswi.org", "x.io", "e.g.", "نه", "✊🏽", "(see"]),
    st.text(st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(a=WORDS, b=WORDS, sep=st.sampled_from([" ", "\n", "\n\n"]))
def test_bytes_and_links_add_up_over_words_as_the_splitter_needs(a, b, sep):
    rules = threads_rules()
    parts = [rules.measure(a), rules.measure(sep), rules.measure(b)]
    assert rules.measure(a + sep + b) == tuple(map(sum, zip(*parts, strict=True)))


@pytest.mark.parametrize("counting", ["documented", "utf8_bytes"])
@pytest.mark.parametrize("name", ["fa-haft-tappeh.md", "en-aban-anniversary.md", "ar-tishreen-iraq.md"])
def test_real_statements_split_for_threads_go_out_whole(threads_server, user, clock, journal, counting, name):
    threads_server.configure(text_counting=counting)
    statement = read_statement(TEXTS / name)
    thread = build_thread(statement, Account("org-threads", "threads"), Organisation(), platform_rules("threads"))
    assert all(len(p.text.encode()) <= 500 for p in thread.posts)
    result = publish(journal, adapter_for(threads_server, user.access_token, clock), thread, statement, clock)
    assert result.status == "sent", result.message
    assert_chain(threads_server, user, [p.text for p in thread.posts])


def test_the_byte_count_is_stricter_than_the_documented_reading_where_they_differ(threads_server, user, clock):
    threads_server.configure(text_counting="utf8_bytes")
    adapter = adapter_for(threads_server, user.access_token, clock)
    persian = "ب" * 251  # 251 characters, 502 bytes: the documented reading would let it through
    assert not threads_rules().fits(persian)
    with pytest.raises(Rejected, match="at most 500 characters"):
        adapter.post(out(persian))


def test_at_most_five_links_a_post(threads_server, user, clock, journal):
    rules = threads_rules()
    six = " ".join(f"https://example{i}.org" for i in range(6))
    assert rules.overrun(six) == "6 links > 5"
    with pytest.raises(Rejected, match="LINK_LIMIT_EXCEEDED"):
        adapter_for(threads_server, user.access_token, clock).post(out(six))
    links = tuple(f"https://iaswi{i}.org/contact" for i in range(8)) + ("info@iaswi.org", "www.iaswi.org")
    statement = Statement("links", "Contacts", ("Write to us.",), "en", "h", links=links)
    thread = build_thread(statement, Account("org-threads", "threads"), Organisation(), platform_rules("threads"))
    assert len(thread.posts) >= 2 and all(rules.measure(p.text)[1] <= 5 for p in thread.posts)
    result = publish(journal, adapter_for(threads_server, user.access_token, clock), thread, statement, clock)
    assert result.status == "sent", result.message


@pytest.mark.parametrize("then", ["drop", "500", "timeout"])
def test_published_but_unanswered_is_found_not_published_twice(threads_server, user, clock, journal, then):
    statement, thread = thread_of(["first\n1/3", "second\n2/3", "third\n3/3"])
    threads_server.faults.add("pass")
    threads_server.faults.add("commit_then_fail", then=then, hold=3.0)
    result = publish(journal, adapter_for(threads_server, user.access_token, clock), thread, statement, clock)
    assert result.status == "sent", result.message
    assert_chain(threads_server, user, ["first\n1/3", "second\n2/3", "third\n3/3"])


def test_a_lost_publish_reuses_its_container(threads_server, user, clock, journal):
    # The publish never arrived: the container is FINISHED, so the same one is published (no second container).
    statement, thread = thread_of(["first", "second", "third"])
    threads_server.faults.add("pass")
    threads_server.faults.add("drop")
    assert publish(journal, adapter_for(threads_server, user.access_token, clock), thread, statement, clock).status
    assert_chain(threads_server, user, ["first", "second", "third"])
    assert [c["status"] for c in threads_server.containers(user)] == ["PUBLISHED"] * 3


def test_a_crash_between_container_and_publish_leaves_nothing_public(threads_server, user, clock, journal):
    store = MemoryStore()
    threads_server.faults.add("timeout", hold=3.0)  # the first publish: the "crash"
    adapter = adapter_for(threads_server, user.access_token, clock, store)
    with pytest.raises(Unavailable):
        adapter.post(out("first"))
    assert threads_server.posts(user) == []  # a container is not public
    again = adapter_for(threads_server, user.access_token, clock, store)  # the next run
    assert again.find(out("first")) is None
    first = again.post(out("first"))
    assert [c["id"] for c in threads_server.containers(user)] == [threads_server.posts(user)[0]["container_id"]]
    assert first.id == threads_server.posts(user)[0]["id"]


def test_the_daily_post_quota_pauses_until_the_oldest_post_leaves_the_window(threads_server, user, clock, journal):
    threads_server.configure(post_quota=(2, DAY))
    adapter = adapter_for(threads_server, user.access_token, clock)
    adapter.post(out("one"))
    clock.sleep(3600)
    adapter.post(out("two", 2))
    with pytest.raises(RateLimited, match="quota spent") as raised:
        adapter.post(out("three", 3))
    oldest = threads_server.posts(user)[0]["timestamp"]
    assert raised.value.retry_at is not None
    assert DAY <= raised.value.retry_at.timestamp() - oldest <= DAY + 120
    statement, thread = thread_of(["four"])
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "paused" and result.not_before is not None
    assert abs((result.not_before - raised.value.retry_at).total_seconds()) < 5
    clock.sleep(DAY)
    assert publish(journal, adapter, thread, statement, clock).status == "sent"


def test_the_reply_quota_is_read_for_replies(threads_server, user, clock):
    threads_server.configure(reply_quota=(1, DAY))
    adapter = adapter_for(threads_server, user.access_token, clock)
    first = adapter.post(out("one"))
    adapter.post(out("two", 2, reply_to=first, root=first))
    with pytest.raises(RateLimited, match="reply quota spent"):
        adapter.post(out("three", 3, reply_to=first, root=first))
    adapter.post(out("a new post still goes", 4))


def test_a_token_a_day_old_is_refreshed_and_the_new_one_kept_in_the_journal(threads_server, user, clock, caplog):
    caplog.set_level(logging.DEBUG)
    threads_server.configure(refresh_revokes_old=True)
    old = threads_server.issue_token(user, age=2 * DAY)
    store = MemoryStore()
    adapter_for(threads_server, old, clock, store).post(out("one"))
    kept = json.loads(store.get_value("threads.token:org-threads") or "{}")
    assert kept["token"] not in (old, user.access_token) and kept["next_refresh"] > clock.time() + DAY - 60
    # The old token is revoked; the next run still posts, with the kept one.
    adapter_for(threads_server, old, clock, store).post(out("two", 2))
    assert len(threads_server.posts(user)) == 2
    assert old not in caplog.text and kept["token"] not in caplog.text


def test_a_young_token_is_used_as_it_is_and_refreshed_a_day_later(threads_server, user, clock):
    store = MemoryStore()
    adapter_for(threads_server, user.access_token, clock, store).post(out("one"))
    kept = json.loads(store.get_value("threads.token:org-threads") or "{}")
    assert kept["token"] == user.access_token  # under 24 hours old: Threads refuses to refresh it yet
    clock.sleep(DAY + 1)
    adapter_for(threads_server, user.access_token, clock, store).post(out("two", 2))
    assert json.loads(store.get_value("threads.token:org-threads") or "{}")["token"] != user.access_token


def test_an_expired_token_says_what_to_do_and_a_new_one_in_the_environment_wins(threads_server, user, clock):
    store = MemoryStore()
    expired = threads_server.issue_token(user, expires_in=DAY, age=2 * DAY)
    with pytest.raises(AuthError, match=r"expired.*new long-lived token") as raised:
        adapter_for(threads_server, expired, clock, store).post(out("one"))
    assert expired not in str(raised.value)
    fresh = threads_server.issue_token(user, age=0)
    adapter_for(threads_server, fresh, clock, store).post(out("one"))
    assert len(threads_server.posts(user)) == 1


@pytest.mark.parametrize(("fault", "error"), [("429", RateLimited), ("500", Unavailable), ("timeout", Unavailable)])
def test_faults_map_to_the_error_classes(threads_server, user, clock, fault, error):
    if fault.isdigit():
        threads_server.faults.add("status", status=int(fault))
    else:
        threads_server.faults.add(fault, hold=3.0)
    with pytest.raises(error):
        adapter_for(threads_server, user.access_token, clock).post(out("x"))


def test_the_token_never_reaches_a_message_or_the_journal(threads_server, user, clock, journal, caplog):
    caplog.set_level(logging.DEBUG)
    threads_server.faults.add("echo", status=502, method=None, path=".*", count=40)
    statement, thread = thread_of(["first"])
    result = publish(journal, adapter_for(threads_server, user.access_token, clock, journal), thread, statement, clock)
    assert result.status != "sent" and "Authorization: Bearer <acces" in result.message  # the echo, blanked
    rows = repr([tuple(r) for t in ("posts", "threads") for r in journal.db.execute(f"SELECT * FROM {t}")])
    for text in (result.message, rows, caplog.text):
        assert user.access_token not in text


def test_delete_is_idempotent_and_exists_tells(threads_server, user, clock):
    adapter = adapter_for(threads_server, user.access_token, clock)
    first = adapter.post(out("first"))
    assert adapter.exists(first)
    adapter.delete(first)
    adapter.delete(first)  # already gone: fine
    assert not adapter.exists(first) and threads_server.posts(user) == []


def test_an_anniversary_quote_is_a_new_top_level_post(threads_server, user, clock):
    adapter = adapter_for(threads_server, user.access_token, clock)
    original = adapter.post(out("Title\n\nbody"))
    adapter.post(out("Five years ago today, we said: Title", 9, quote=original))
    posts = threads_server.posts(user)
    assert [p["reply_to"] for p in posts] == [None, None] and posts[1]["text"].startswith("Five years")


def test_preview_platform_threads_needs_no_account(seed_path, tmp_path):
    def preview(*args: str) -> str:
        cmd = [sys.executable, "-m", "bot", "preview", str(seed_path), "--platform", "threads", *args]
        done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    [thread] = json.loads(preview("--format", "json"))["threads"]
    assert (thread["platform"], thread["limit"]) == ("threads", 500)
    assert all(p["length"] == len(p["text"].encode()) <= 500 for p in thread["posts"])
    assert "threads · limit 500" in preview()
    assert "net-threads" in preview("--format", "html")
