"""The persistent job store, and anniversaries fired by the real scheduler.

Anniversary dates are worked out on a controllable clock (the daemon's ``clock``, set
to a DST-change day or 28 February); the real APScheduler fires the job, a few real
seconds later, through the same offset.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.daemon.scheduler import JobKey, Schedule
from bot.publishing.journal import Journal
from bot.publishing.states import Kind
from tests.daemon.test_service import Bot, make_config, statement


def test_jobs_survive_a_restart_and_the_same_key_replaces_its_job(tmp_path):
    state = tmp_path / "state.sqlite3"
    Journal(state).close()  # the job store shares the journal's file
    key = JobKey(Kind.THREAD, "acct", "", "id:with:colons")
    at = datetime(2030, 1, 4, 9, 0, tzinfo=UTC)
    first = Schedule(state, 600, offline=True)
    first.start(paused=True)
    first.add(key, at - timedelta(hours=1))
    first.add(key, at)
    first.shutdown()
    second = Schedule(state, 600, offline=True)
    second.start(paused=True)
    try:
        assert [(p.key, p.at) for p in second.planned()] == [(key, at)]
        assert second.cancel("id:with:colons") == [key]
        assert second.planned() == []
    finally:
        second.shutdown()
    with Journal(state) as journal:
        assert journal.threads() == []  # the journal's own tables are untouched


def test_job_keys_round_trip_and_foreign_jobs_are_ignored():
    key = JobKey(Kind.ANNIVERSARY, "iaswi-x", "2027", "2020-01-04-statement")
    assert JobKey.parse(key.id) == key
    assert JobKey.parse("someone-else's-job") is None


def test_naive_times_are_refused(tmp_path):
    schedule = Schedule(None, 600)
    with pytest.raises(ValueError):
        schedule.add(JobKey(Kind.THREAD, "a", "", "s"), datetime(2030, 1, 1))


def clock_at(moment: datetime):
    """A clock running at real speed from ``moment``."""
    offset = moment - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


def fire_anniversary(tmp_path, bots, origin: str, fake_now: datetime, occasion: int, accounts: str = ""):
    config = make_config(tmp_path, accounts=accounts)
    (config.statements_dir / "s.txt").write_text(statement("No to war", date=origin))
    bot = Bot(config, clock=clock_at(fake_now), post_backlog=True)  # posted first, as if years ago
    bots.append(bot)
    bot.wait(lambda: list(bot.log.messages("queued anniversary")))
    return config, bot


def anniversary_rows(config, occasion: int):
    with Journal(config.state) as journal:
        rows = [t for t in journal.threads() if t.kind == "anniversary" and t.occasion == str(occasion)]
        return rows, {r.account: journal.posts(r.id) for r in rows}


@pytest.fixture
def bots():
    started: list[Bot] = []
    yield started
    for bot in started:
        if bot.thread.is_alive():
            bot.stop()


def test_anniversary_on_the_day_clocks_go_forward_fires_at_local_ten(tmp_path, bots):
    # 29 March 2026: London moves to BST at 01:00 UTC, so 10:00 local is 09:00 UTC that day.
    fake_now = datetime(2026, 3, 29, 8, 59, 58, 500000, tzinfo=UTC)
    config, bot = fire_anniversary(tmp_path, bots, "2019-03-29", fake_now, 2026)
    bot.wait(lambda: len(bot.log.messages("anniversary complete")) == 2, timeout=10)
    rows, posts = anniversary_rows(config, 2026)
    assert {r.account for r in rows} == {"masto", "xacct"} and all(r.status == "sent" for r in rows)
    for account_posts in posts.values():
        local = account_posts[-1].sent_at.astimezone(config.tz)
        assert (local.date(), local.hour, local.utcoffset()) == (date(2026, 3, 29), 10, timedelta(hours=1))
    x = bot.fakes["xacct"]
    first, quote = x.live()
    assert quote.quote == first.ref.id and quote.text == "On this day seven years ago: No to war"
    masto = bot.fakes["masto"]
    assert masto.boosts == [masto.live()[0].ref.id]
    assert masto.live()[-1].text.endswith(masto.live()[0].ref.url)


def test_leap_day_statement_comes_back_on_28_february(tmp_path, bots):
    fake_now = datetime(2027, 2, 28, 9, 59, 58, 500000, tzinfo=UTC)  # GMT: local 09:59:58.5
    config, bot = fire_anniversary(tmp_path, bots, "2024-02-29", fake_now, 2027)
    planned = [p for p in bot.daemon.schedule.planned() if p.key.kind == "anniversary"]
    assert {p.at.astimezone(config.tz).date() for p in planned} == {date(2027, 2, 28)}
    bot.wait(lambda: len(bot.log.messages("anniversary complete")) == 2, timeout=10)
    rows, posts = anniversary_rows(config, 2027)
    assert len(rows) == 2
    assert all(p[-1].sent_at.astimezone(config.tz).date() == date(2027, 2, 28) for p in posts.values())
    assert "three years ago today" in bot.fakes["xacct"].live()[-1].text.lower()
    # Next: 29 February 2028, a leap year.
    nxt = [p for p in bot.daemon.schedule.planned() if p.key.kind == "anniversary"]
    assert {p.at.astimezone(config.tz).date() for p in nxt} == {date(2028, 2, 29)}


def test_anniversary_posts_once_per_year_even_after_a_restart(tmp_path, bots):
    fake_now = datetime(2026, 1, 4, 9, 59, 58, 500000, tzinfo=UTC)
    config, bot = fire_anniversary(tmp_path, bots, "2020-01-04", fake_now, 2026)
    bot.wait(lambda: len(bot.log.messages("anniversary complete")) == 2, timeout=10)
    bot.stop()
    again = Bot(config, clock=clock_at(datetime(2026, 1, 4, 10, 0, 30, tzinfo=UTC)), fakes=bot.fakes)
    bots.append(again)
    again.settle()
    assert again.log.messages("posted") == []
    assert {p.key.occasion for p in again.daemon.schedule.planned()} == {"2027"}


def test_deleted_original_is_posted_again_with_a_link_and_recorded(tmp_path, bots):
    fake_now = datetime(2026, 1, 4, 9, 59, 57, tzinfo=UTC)  # time to delete the original first
    accounts = """
  - name: xacct
    platform: x
    credentials: {api_key: A, api_secret: B, access_token: C, access_secret: D}
"""
    config = make_config(tmp_path, accounts=accounts)
    (config.statements_dir / "s.txt").write_text(
        statement("No to war", date="2020-01-04", url="https://example.org/no-to-war")
    )
    bot = Bot(config, clock=clock_at(fake_now), post_backlog=True)
    bots.append(bot)
    bot.wait(lambda: bot.log.messages("queued anniversary"))
    x = bot.fakes["xacct"]
    original = x.live()[0]
    x.delete(original.ref)
    bot.wait(lambda: bot.log.messages("anniversary complete"), timeout=10)
    again = x.live()[-1]
    assert again.quote is None and again.text.endswith("https://example.org/no-to-war")
    assert again.text.startswith("No to war")
    assert bot.log.messages("anniversary: the original first post is gone")
