"""The Telegram adapter (and the publisher driving it) against the local Bot API server over real HTTP."""

from __future__ import annotations

import json
import logging
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import PublishingSettings, parse_config
from bot.errors import AuthError, ConfigError, RateLimited, Rejected, Unavailable
from bot.model import Account, Organisation, Post, Statement, Thread
from bot.networks.base import MemoryStore, Outgoing
from bot.networks.registry import platform_rules
from bot.networks.telegram.adapter import TelegramAdapter
from bot.networks.telegram.counting import telegram_rules
from bot.publishing.send import publish_thread
from bot.publishing.statement import resolve_post
from bot.text.reading import read_statement
from bot.text.threads import build_thread
from tests.servers.local_api import ServerClock

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT / "tests" / "fixtures" / "texts"
SETTINGS = PublishingSettings(timeout_seconds=2, max_attempts=4, backoff_base_seconds=0.01, backoff_max_seconds=0.05)


@pytest.fixture
def clock(telegram_server):
    return ServerClock(telegram_server)


def account(server, channel, probe=None, **extra) -> Account:
    options: dict[str, str | int | float | bool] = {
        "chat": f"@{channel.username}" if channel.username else str(channel.id)
    }
    if probe is not None:
        options["probe_chat"] = str(probe.id)
    return Account(name="org-telegram", platform="telegram", api_base=server.base_url, options=options, **extra)


def adapter_for(server, bot, channel, probe=None, store=None, clock=time.time, token=None) -> TelegramAdapter:
    return TelegramAdapter(
        account(server, channel, probe),
        token=token or bot.token,
        timeout=2.0,
        store=store or MemoryStore(),
        clock=clock,
    )


def out(text: str, i: int = 1, **refs) -> Outgoing:
    return Outgoing(text=text, key=f"s:org-telegram:thread:{i}", rkey="", language="en", **refs)


def thread_of(texts: list[str], statement_id: str = "s1") -> tuple[Statement, Thread]:
    statement = Statement(id=statement_id, title="T", paragraphs=tuple(texts), language="en", content_hash="h")
    posts = tuple(Post(i, t, len(t)) for i, t in enumerate(texts, 1))
    return statement, Thread("org-telegram", "telegram", 4096, posts, statement_id=statement_id)


def publish(journal, adapter, thread, statement, clock):
    return publish_thread(
        journal, adapter, thread, statement, now=clock.now, sleep=clock.sleep, settings=SETTINGS, rng=random.Random(1)
    )


def chain(server, channel) -> list[tuple[int, str, int | None]]:
    return [(m["message_id"], m["text"], m["reply_to_message_id"]) for m in server.messages(channel)]


def assert_chain(server, channel, texts: list[str]) -> None:
    stored = chain(server, channel)
    assert [text for _, text, _ in stored] == texts
    assert [parent for _, _, parent in stored] == [None] + [mid for mid, _, _ in stored[:-1]]


def test_a_thread_is_a_chain_of_html_messages_with_a_bold_title(telegram_server, bot, channel):
    adapter = adapter_for(telegram_server, bot, channel)
    first = adapter.post(out("Workers & <bosses>: a title\n\nRead https://example.org/a?b=1&c=2 or www.iaswi.org\n1/2"))
    second = adapter.post(out("Second part, #NoWar @iaswi_info\n2/2", 2, reply_to=first, root=first))
    assert first.url == f"https://t.me/{channel.username}/{first.id}"
    [one, two] = telegram_server.messages(channel)
    assert one["text"] == "Workers & <bosses>: a title\n\nRead https://example.org/a?b=1&c=2 or www.iaswi.org\n1/2"
    bold = [e for e in one["entities"] if e["type"] == "bold"]
    assert bold == [{"type": "bold", "offset": 0, "length": len("Workers & <bosses>: a title")}]
    links = sorted(e["url"] for e in one["entities"] if e["type"] == "text_link")
    assert links == ["https://example.org/a?b=1&c=2", "https://www.iaswi.org"]
    assert one["link_preview_options"] == {"is_disabled": True}
    assert (two["reply_to_message_id"], two["text"]) == (int(first.id), "Second part, #NoWar @iaswi_info\n2/2")
    assert second.id == str(two["message_id"]) and not [e for e in two["entities"] if e["type"] == "bold"]


@pytest.mark.parametrize(
    ("unit", "fits"),
    [("a", 4096), ("😀", 4096), ("ب", 4096), ("&", 4096), ("<", 4096), ("🇮🇷", 2048)],
)
def test_the_product_counts_what_the_server_counts(telegram_server, bot, channel, unit, fits):
    rules = telegram_rules()
    adapter = adapter_for(telegram_server, bot, channel)
    at_limit, over = unit * fits, unit * fits + "a"
    assert rules.fits(at_limit) and not rules.fits(over)
    adapter.post(out(at_limit))
    with pytest.raises(Rejected, match="message is too long"):
        adapter.post(out(over))
    assert telegram_server.messages(channel)[-1]["text"] == at_limit


@pytest.mark.parametrize("name", ["fa-haft-tappeh.md", "en-long-annual-statement.md", "zh-waimai-qishou.md"])
def test_real_statements_split_for_telegram_are_accepted_whole(telegram_server, bot, channel, journal, clock, name):
    statement = read_statement(TEXTS / name)
    thread = build_thread(statement, Account("org-telegram", "telegram"), Organisation(), platform_rules("telegram"))
    assert all(p.length <= 4096 for p in thread.posts)
    adapter = adapter_for(telegram_server, bot, channel, clock=clock.time)
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "sent", result.message
    assert_chain(telegram_server, channel, [p.text for p in thread.posts])


def test_a_long_chain_is_paced_at_twenty_a_minute_and_never_flood_limited(
    telegram_server, bot, channel, journal, clock
):
    # The server enforces Telegram's 20 messages a minute to one chat; the publisher keeps under it.
    statement, thread = thread_of([f"part {i} of a long statement" for i in range(1, 26)])
    adapter = adapter_for(telegram_server, bot, channel, clock=clock.time)
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "sent", result.message
    assert_chain(telegram_server, channel, [p.text for p in thread.posts])
    sends = [path for method, path in telegram_server.faults.requests if path.endswith("/sendMessage")]
    assert len(sends) == 25  # no 429, no retry
    # Post 21 waits until post 1 is a minute old; posts 22-25 then wait the milliseconds between posts 2-5.
    assert len(clock.sleeps) <= 5 and 55 < clock.sleeps[0] <= 60 and sum(clock.sleeps) < 61


def test_flood_control_429_carries_retry_after_and_the_publisher_waits_it(
    telegram_server, bot, channel, journal, clock
):
    adapter = adapter_for(telegram_server, bot, channel, clock=clock.time)
    telegram_server.faults.add("status", status=429, reset_after=7)
    before = clock.time()
    with pytest.raises(RateLimited) as raised:
        adapter.post(out("one"))
    assert raised.value.retry_at is not None
    assert 6 <= raised.value.retry_at.timestamp() - before <= 8
    telegram_server.faults.add("status", status=429, reset_after=5)
    statement, thread = thread_of(["first", "second"])
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    assert any(4.9 <= s <= 5.1 for s in clock.sleeps)
    assert_chain(telegram_server, channel, ["first", "second"])


@pytest.mark.parametrize("then", ["drop", "500", "timeout"])
def test_saved_but_unanswered_is_found_by_the_probe_not_sent_twice(
    telegram_server, bot, channel, probe, journal, clock, then
):
    statement, thread = thread_of(["first\n1/3", "second\n2/3", "third\n3/3"])
    adapter = adapter_for(telegram_server, bot, channel, probe, clock=clock.time)
    telegram_server.faults.add("pass")
    telegram_server.faults.add("commit_then_fail", then=then, hold=3.0)
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "sent", result.message
    assert_chain(telegram_server, channel, ["first\n1/3", "second\n2/3", "third\n3/3"])
    assert telegram_server.messages(probe) == []  # the probe's own reply was deleted at once


def test_lost_before_it_was_saved_is_sent_again_once(telegram_server, bot, channel, probe, journal, clock):
    statement, thread = thread_of(["first", "second", "third"])
    adapter = adapter_for(telegram_server, bot, channel, probe, clock=clock.time)
    telegram_server.faults.add("pass")
    telegram_server.faults.add("drop")
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    assert_chain(telegram_server, channel, ["first", "second", "third"])


def test_first_post_saved_but_unanswered_on_a_fresh_journal_is_found(
    telegram_server, bot, channel, probe, journal, clock
):
    statement, thread = thread_of(["first", "second"])
    adapter = adapter_for(telegram_server, bot, channel, probe, clock=clock.time)
    telegram_server.faults.add("commit_then_fail", then="drop")
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    assert_chain(telegram_server, channel, ["first", "second"])


def test_without_a_probe_chat_an_unknown_outcome_waits_for_a_person(telegram_server, bot, channel, journal, clock):
    statement, thread = thread_of(["first", "second", "third"])
    adapter = adapter_for(telegram_server, bot, channel, clock=clock.time)
    telegram_server.faults.add("pass")
    telegram_server.faults.add("commit_then_fail", then="drop")
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "needs_attention"
    assert f"message 2 or later in @{channel.username} (https://t.me/{channel.username}/2)" in result.message
    assert "--resolve 2=POST_ID" in result.message
    assert publish(journal, adapter, thread, statement, clock).status == "needs_attention"  # never guesses
    assert len(telegram_server.messages(channel)) == 2
    # A person finds it at t.me/<channel>/2 and answers with the link (or the id).
    resolve_post(journal, "s1", account(telegram_server, channel), 2, f"https://t.me/{channel.username}/2", clock.now())
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    assert_chain(telegram_server, channel, ["first", "second", "third"])
    second = journal.posts(journal.thread("s1", "org-telegram").id)[1]
    assert second.ref is not None and second.ref.url == f"https://t.me/{channel.username}/2"


def test_errors_name_the_account_and_what_to_fix(telegram_server, bot, channel):
    with pytest.raises(AuthError, match=r"401.*bot token"):
        adapter_for(telegram_server, bot, channel, token="123456:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").post(out("x"))
    telegram_server.set_member(channel, bot, "member")
    with pytest.raises(AuthError, match=rf"org-telegram.*administrator rights.*administrator of @{channel.username}"):
        adapter_for(telegram_server, bot, channel).post(out("x"))
    telegram_server.set_member(channel, bot, "kicked")
    with pytest.raises(AuthError, match="kicked"):
        adapter_for(telegram_server, bot, channel).post(out("x"))
    gone = telegram_server.create_channel("someoneelses", None)
    with pytest.raises(AuthError, match="not a member"):
        adapter_for(telegram_server, bot, gone).post(out("x"))


@pytest.mark.parametrize("fault", ["500", "timeout", "drop"])
def test_transient_failures_are_unavailable(telegram_server, bot, channel, fault):
    if fault == "500":
        telegram_server.faults.add("status", status=500)
    else:
        telegram_server.faults.add(fault, hold=3.0)
    with pytest.raises(Unavailable):
        adapter_for(telegram_server, bot, channel).post(out("x"))


def test_the_token_never_reaches_a_message_the_journal_or_a_log(
    telegram_server, bot, channel, probe, journal, clock, caplog
):
    caplog.set_level(logging.DEBUG)
    telegram_server.faults.add("echo", status=502, count=10)  # sends and probes alike
    statement, thread = thread_of(["first"])
    adapter = adapter_for(telegram_server, bot, channel, probe, clock=clock.time)
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status != "sent" and "502" in result.message
    stored = repr([tuple(r) for t in ("posts", "threads", "kv") for r in journal.db.execute(f"SELECT * FROM {t}")])
    secret = bot.token.split(":", 1)[1]
    assert "/sendMessage" in result.message  # the echo did come back, scrubbed
    for text in (result.message, stored, caplog.text):
        assert secret not in text
    assert "HTTP Request" in caplog.text  # httpx did log the requests, with the token blanked


def test_delete_is_idempotent_and_old_messages_name_the_48_hour_rule(telegram_server, bot, channel):
    adapter = adapter_for(telegram_server, bot, channel)
    first, second = adapter.post(out("first")), adapter.post(out("second"))
    adapter.delete(first)
    adapter.delete(first)  # already gone: fine
    assert [m["text"] for m in telegram_server.messages(channel)] == ["second"]
    telegram_server.advance(49 * 3600)
    with pytest.raises(Rejected, match=r"48 hours.*by hand"):
        adapter.delete(second)


def test_anniversary_replies_to_the_original_and_stands_alone_when_it_is_gone(telegram_server, bot, channel, probe):
    adapter = adapter_for(telegram_server, bot, channel, probe)
    original = adapter.post(out("Title\n\nbody"))
    assert adapter.exists(original)
    again = adapter.post(out("Five years ago today, we said: Title", quote=original))
    assert telegram_server.messages(channel)[-1]["reply_to_message_id"] == int(original.id)
    adapter.delete(original)
    assert not adapter.exists(original)
    adapter.post(out("Six years ago today, we said: Title", quote=original))
    assert telegram_server.messages(channel)[-1]["reply_to_message_id"] is None
    assert int(again.id) > int(original.id)


def config_text(extra: str) -> str:
    return f"accounts:\n  - name: org-telegram\n    platform: telegram\n    credentials: {{bot_token: TG}}\n{extra}"


def test_config_takes_telegram_keys_and_checks_them():
    cfg = parse_config(config_text('    chat: "@iaswi"\n    probe_chat: -1001234567890\n'), Path("bot.yaml"))
    assert cfg.accounts[0].options == {"chat": "@iaswi", "probe_chat": -1001234567890}
    problems = {
        "": "accounts[0].chat: is required",
        "    chat: iaswi\n": "accounts[0].chat: must be a channel's @username",
        '    chat: "@iaswi"\n    probe_chat: "@IASWI"\n': "accounts[0].probe_chat: must be another chat",
        '    chat: "@iaswi"\n    limit: 5000\n': "accounts[0].limit: 5000 is over Telegram's maximum of 4096",
    }
    for extra, message in problems.items():
        with pytest.raises(ConfigError, match=re.escape(message)):
            parse_config(config_text(extra), Path("bot.yaml"))
    x_with_chat = "accounts:\n  - {name: a, platform: x, chat: '@iaswi', credentials: {api_key: A, api_secret: B, "
    with pytest.raises(ConfigError, match=r"accounts\[0\]\.chat: unknown key"):
        parse_config(x_with_chat + "access_token: C, access_secret: D}}\n", Path("bot.yaml"))


def test_preview_platform_telegram_needs_no_account(seed_path, tmp_path):
    def preview(*args: str) -> str:
        cmd = [sys.executable, "-m", "bot", "preview", str(seed_path), "--platform", "telegram", *args]
        done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    [thread] = json.loads(preview("--format", "json"))["threads"]
    assert (thread["platform"], thread["limit"]) == ("telegram", 4096)
    assert 1 <= len(thread["posts"]) <= 3 and all(p["length"] <= 4096 for p in thread["posts"])
    assert "telegram · limit 4096" in preview()
    page = preview("--format", "html")
    assert "net-telegram" in page and "#2aabee" in page
