"""The publisher against the in-memory FakeAdapter and a real SQLite journal."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import PublishingSettings
from bot.errors import AuthError, Duplicate, RateLimited, Rejected, Unavailable
from bot.model import Account, Post, Statement, Thread
from bot.networks.base import PostRef
from bot.publishing.journal import Journal
from bot.publishing.plan import freeze, plan_dry_run
from bot.publishing.send import publish_thread
from bot.publishing.statement import resolve_post
from tests.networks.fake import FakeAdapter, chain_ok

SETTINGS = PublishingSettings(timeout_seconds=1, max_attempts=4, backoff_base_seconds=2, backoff_max_seconds=30)
FAKE_SECRET = "SECRET-sk-live-4f9a1c"
XACCT = Account(name="xacct", platform="x")


class Clock:
    """Test time: ``sleep`` moves it forward instantly and remembers each wait."""

    def __init__(self) -> None:
        self.t = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        self.t += timedelta(milliseconds=1)
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += timedelta(seconds=seconds)


def make(
    n: int = 5, account: str = "acct", platform: str = "mastodon", version: str = "v1"
) -> tuple[Statement, Thread]:
    texts = [f"{version} post {i}/{n}" for i in range(1, n + 1)]
    statement = Statement(
        id="s1", title="T", paragraphs=tuple(texts), language="en", content_hash=version, path="statements/s1.txt"
    )
    thread = Thread(
        account=account,
        platform=platform,
        limit=500,
        posts=tuple(Post(i, t, len(t)) for i, t in enumerate(texts, 1)),
        statement_id="s1",
    )
    return statement, thread


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "state" / "journal.sqlite3") as j:
        yield j


@pytest.fixture
def clock():
    return Clock()


def publish(journal, adapter, thread, statement, clock, **kw):
    return publish_thread(
        journal,
        adapter,
        thread,
        statement,
        now=clock.now,
        sleep=clock.sleep,
        settings=SETTINGS,
        rng=random.Random(1),
        **kw,
    )


def texts(thread: Thread) -> list[str]:
    return [p.text for p in thread.posts]


def test_thread_goes_out_in_order_each_replying_to_the_last(journal, clock):
    statement, thread = make(5)
    adapter = FakeAdapter()
    result = publish(journal, adapter, thread, statement, clock)
    assert (result.status, result.sent, result.total) == ("sent", 5, 5)
    assert result.url == adapter.posts[0].ref.url
    assert chain_ok(adapter, texts(thread))
    assert journal.thread("s1", "acct").status == "sent"


def test_rerun_of_a_sent_thread_sends_nothing(journal, clock):
    statement, thread = make(3)
    adapter = FakeAdapter()
    publish(journal, adapter, thread, statement, clock)
    calls = len(adapter.calls)
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    assert len(adapter.calls) == calls


def test_resume_from_the_middle_replies_to_the_last_sent_post(journal, clock):
    statement, thread = make(6)
    adapter = FakeAdapter()
    adapter.refuse_after(3, AuthError("account 'acct': token revoked"))
    first = publish(journal, adapter, thread, statement, clock)
    assert (first.status, first.sent) == ("failed", 3)
    assert "token revoked" in first.message
    adapter.allow()
    second = publish(journal, adapter, thread, statement, clock)
    assert (second.status, second.sent) == ("sent", 6)
    assert chain_ok(adapter, texts(thread))


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "x"])
def test_commit_then_timeout_never_duplicates(journal, clock, platform):
    statement, thread = make(5, platform=platform)
    adapter = FakeAdapter(platform=platform)
    adapter.fail(Unavailable("read timed out"), commit=True, times=2)
    adapter.post  # noqa: B018
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "sent"
    assert chain_ok(adapter, texts(thread))


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "x"])
def test_crash_between_send_and_record_is_settled_without_a_duplicate(journal, clock, platform):
    statement, thread = make(4, platform=platform)
    adapter = FakeAdapter(platform=platform)
    publish(journal, adapter, thread, statement, clock)
    # Simulate the process dying after post 3 reached the network but before the journal heard:
    row = journal.thread("s1", "acct")
    third = journal.posts(row.id)[2]
    journal.mark_sending(third.id, clock.now())
    journal.db.execute("UPDATE posts SET status = 'planned', remote_id = NULL, sent_at = NULL WHERE idx = 4")
    journal.db.execute("UPDATE posts SET remote_id = NULL, sent_at = NULL WHERE idx = 3")
    adapter.posts.pop()  # post 4 never went out
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "sent", result.message
    assert chain_ok(adapter, texts(thread))


def test_mastodon_unknown_older_than_the_key_window_is_looked_up_not_resent(journal, clock):
    statement, thread = make(2)
    adapter = FakeAdapter()
    publish(journal, adapter, thread, statement, clock)
    second = journal.posts(journal.thread("s1", "acct").id)[1]
    journal.mark_sending(second.id, clock.now())  # a run died here; the status is on the server
    journal.db.execute("UPDATE posts SET remote_id = NULL, sent_at = NULL WHERE id = ?", (second.id,))
    clock.t += timedelta(hours=2)  # Mastodon has forgotten the Idempotency-Key by now
    adapter.calls.clear()
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    assert adapter.calls == ["find"]
    assert chain_ok(adapter, texts(thread))


def test_x_duplicate_on_a_timeline_it_cannot_read_needs_attention_and_resolves(journal, clock):
    statement, thread = make(4, account="xacct", platform="x")
    adapter = FakeAdapter(platform="x", account="xacct", can_read=False)
    adapter.fail(Unavailable("read timed out"), commit=True)
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "needs_attention"
    assert "'v1 post 1/4'" in result.message
    assert "statement-bot post statements/s1.txt --account xacct --resolve 1=POST_ID" in result.message
    assert len(adapter.live()) == 1
    # Rerunning without an answer never guesses.
    assert publish(journal, adapter, thread, statement, clock).status == "needs_attention"
    assert len(adapter.live()) == 1
    resolve_post(journal, "s1", XACCT, 1, adapter.posts[0].ref.id, clock.now())
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    assert chain_ok(adapter, texts(thread))


def test_x_lookup_that_fails_for_a_moment_is_retried_not_guessed(journal, clock):
    statement, thread = make(3, platform="x")
    adapter = FakeAdapter(platform="x")
    adapter.fail(Unavailable("read timed out"), commit=True)
    adapter.fail(Unavailable("connection reset"), call="find")
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "sent", result.message
    assert adapter.calls[:4] == ["post", "post", "find", "find"]
    assert chain_ok(adapter, texts(thread))


def test_an_anniversary_needing_attention_is_resolved_for_its_year(journal, clock):
    statement, thread = make(1, account="xacct", platform="x")
    adapter = FakeAdapter(platform="x", account="xacct", can_read=False)
    publish(journal, adapter, thread, statement, clock)
    _, intro = make(1, account="xacct", platform="x", version="On this day")
    adapter.fail(Unavailable("read timed out"), commit=True)
    options = {"kind": "anniversary", "occasion": "2027", "quote": adapter.posts[0].ref}
    result = publish(journal, adapter, intro, statement, clock, **options)
    assert result.status == "needs_attention" and "--occasion 2027 --resolve 1=POST_ID" in result.message
    resolve_post(journal, "s1", XACCT, 1, adapter.posts[1].ref.id, clock.now(), occasion="2027")
    assert publish(journal, adapter, intro, statement, clock, **options).status == "sent"
    assert len(adapter.live()) == 2 and journal.thread("s1", "xacct").status == "sent"


def test_rate_limit_waits_until_the_announced_reset(journal, clock):
    statement, thread = make(3)
    adapter = FakeAdapter()
    reset = clock.t + timedelta(seconds=90)
    adapter.fail(RateLimited("429", retry_at=reset))
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "sent"
    assert clock.sleeps and 89 <= clock.sleeps[0] <= 90
    assert chain_ok(adapter, texts(thread))


def test_a_long_rate_limit_pauses_the_thread_until_reset(journal, clock):
    statement, thread = make(3)
    adapter = FakeAdapter()
    reset = clock.t + timedelta(hours=3)
    adapter.fail(RateLimited("429", retry_at=reset))
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "paused" and result.not_before is not None
    assert abs((result.not_before - reset).total_seconds()) < 1
    assert publish(journal, adapter, thread, statement, clock).status == "paused"  # too early
    clock.t = reset + timedelta(seconds=1)
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    assert chain_ok(adapter, texts(thread))


def test_server_errors_back_off_then_pause_to_try_again_later(journal, clock):
    statement, thread = make(3)
    adapter = FakeAdapter()
    adapter.fail(Unavailable("503"), times=SETTINGS.max_attempts)
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "paused" and "failed 4 times" in result.message and "trying again at" in result.message
    assert result.not_before is not None
    wait = (result.not_before - clock.t).total_seconds()
    assert SETTINGS.retry_wait_first_seconds / 2 <= wait <= SETTINGS.retry_wait_first_seconds
    assert len(clock.sleeps) == SETTINGS.max_attempts - 1
    assert all(0 < s <= SETTINGS.backoff_max_seconds for s in clock.sleeps)
    assert clock.sleeps[-1] > clock.sleeps[0]
    assert publish(journal, adapter, thread, statement, clock).status == "paused"  # not before its time
    assert adapter.live() == []
    clock.t = result.not_before
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    assert chain_ok(adapter, texts(thread))
    row = journal.thread("s1", "acct")
    assert (row.retries, row.failing_since) == (0, None)  # the streak ended with the thread


def test_an_outage_waits_longer_each_time_and_is_given_up_after_the_configured_hours(journal, clock):
    statement, thread = make(2)
    adapter = FakeAdapter()
    adapter.fail(Unavailable("503"), times=1000)
    started, waits = clock.t, []
    while True:
        result = publish(journal, adapter, thread, statement, clock)
        if result.status != "paused":
            break
        assert result.not_before is not None
        waits.append((result.not_before - clock.t).total_seconds())
        clock.t = result.not_before
    assert result.status == "failed" and "gave up after" in result.message
    assert clock.t - started >= timedelta(hours=SETTINGS.give_up_after_hours)
    assert max(waits) <= SETTINGS.retry_wait_max_seconds and waits[3] > waits[0]
    assert adapter.live() == []


def test_auth_error_stops_only_that_account(journal, clock):
    statement, broken = make(3, account="a")
    _, fine = make(3, account="b")
    bad, good = FakeAdapter(account="a"), FakeAdapter(account="b")
    bad.fail(AuthError("account 'a': credentials rejected (401)"), times=10)
    first = publish(journal, bad, broken, statement, clock)
    second = publish(journal, good, fine, statement, clock)
    assert first.status == "failed" and "credentials rejected" in first.message
    assert bad.calls == ["post"]
    assert second.status == "sent"


def test_daily_cap_pauses_and_continues_in_the_next_window(journal, clock):
    statement, thread = make(7, platform="x")
    adapter = FakeAdapter(platform="x")
    start = clock.t
    result = publish(journal, adapter, thread, statement, clock, posts_per_day=3)
    assert (result.status, result.sent) == ("paused", 3)
    assert "daily cap of 3" in result.message
    assert result.not_before is not None and result.not_before - start >= timedelta(hours=24)
    clock.t = result.not_before + timedelta(seconds=1)
    result = publish(journal, adapter, thread, statement, clock, posts_per_day=3)
    assert (result.status, result.sent) == ("paused", 6)
    clock.t = result.not_before + timedelta(seconds=1)
    assert publish(journal, adapter, thread, statement, clock, posts_per_day=3).status == "sent"
    assert chain_ok(adapter, texts(thread))


def test_edit_after_start_keeps_the_frozen_plan(journal, clock):
    statement, thread = make(4, version="v1")
    adapter = FakeAdapter()
    adapter.refuse_after(2, Unavailable("503"))
    paused = publish(journal, adapter, thread, statement, clock)
    adapter.allow()
    clock.t = paused.not_before
    edited, new_thread = make(4, version="v2")
    result = publish(journal, adapter, new_thread, edited, clock)
    assert result.status == "sent" and "frozen plan was kept" in result.message
    assert chain_ok(adapter, texts(thread))


def test_replan_changes_only_the_unsent_part(journal, clock):
    statement, thread = make(4, version="v1")
    adapter = FakeAdapter()
    adapter.refuse_after(2, Rejected("account 'acct': text refused"))
    publish(journal, adapter, thread, statement, clock)
    adapter.allow()
    edited, new_thread = make(5, version="v2")
    assert publish(journal, adapter, new_thread, edited, clock, replan=True).status == "sent"
    assert chain_ok(adapter, texts(thread)[:2] + texts(new_thread)[2:])


def test_secrets_never_reach_results_or_the_journal(journal, clock, tmp_path):
    statement, thread = make(2)
    adapter = FakeAdapter()
    adapter.fail(RuntimeError(f"boom with token {FAKE_SECRET}"))
    result = publish(journal, adapter, thread, statement, clock)
    assert result.status == "failed" and "RuntimeError" in result.message
    assert FAKE_SECRET not in result.message
    journal.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in (tmp_path / "state").iterdir():
        assert FAKE_SECRET.encode() not in path.read_bytes()


def test_anniversary_quote_thread_is_separate_and_once_per_year(journal, clock):
    statement, thread = make(2)
    adapter = FakeAdapter()
    publish(journal, adapter, thread, statement, clock)
    original = PostRef(adapter.posts[0].ref.id, adapter.posts[0].ref.url)
    _, intro = make(2, version="On this day")
    for _ in range(2):
        result = publish(journal, adapter, intro, statement, clock, kind="anniversary", occasion="2027", quote=original)
        assert result.status == "sent"
    assert len(adapter.live()) == 4
    quote_post, reply = adapter.live()[2:]
    assert quote_post.quote == original.id and quote_post.reply_to is None
    assert reply.reply_to == quote_post.ref.id


def test_anniversary_boost_happens_once(journal, clock):
    statement, thread = make(1)
    adapter = FakeAdapter()
    publish(journal, adapter, thread, statement, clock)
    target = adapter.posts[0].ref
    adapter.fail(Unavailable("timeout"), call="boost", commit=True)
    for _ in range(2):
        assert (
            publish(
                journal, adapter, thread, statement, clock, kind="anniversary", occasion="2027", boost=target
            ).status
            == "sent"
        )
    assert adapter.boosts == [target.id]


def test_dry_run_marks_what_the_journal_already_sent(journal, clock):
    statement, thread = make(3)
    adapter = FakeAdapter()
    adapter.refuse_after(1, Duplicate("account 'acct': already said"))
    publish(journal, adapter, thread, statement, clock)
    [plan] = plan_dry_run(journal, [thread], statement)
    assert [state for _, _, state in plan.posts] == ["sent", "failed", "planned"]
    [fresh] = plan_dry_run(None, [thread], statement)
    assert [state for _, _, state in fresh.posts] == ["planned"] * 3


def test_a_second_process_cannot_post_the_same_thread(tmp_path, clock):
    statement, thread = make(2)
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        row = freeze(journal, thread, statement, now=clock.now())
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys; from bot.publishing.journal import Journal; j = Journal(sys.argv[1]); "
                "assert j.lock_thread(int(sys.argv[2])); print('locked', flush=True); sys.stdin.read()"
            ),
            str(path),
            str(row.id),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        adapter = FakeAdapter()
        with Journal(path) as journal:
            assert publish(journal, adapter, thread, statement, clock).status == "busy"
            assert adapter.calls == []
    finally:
        holder.kill()
        holder.wait()
    with Journal(path) as journal:  # the kernel dropped the dead holder's lock
        assert publish(journal, adapter, thread, statement, clock).status == "sent"
