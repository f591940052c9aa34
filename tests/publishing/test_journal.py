"""The journal on real SQLite files: migrations, intent/result, crash recovery, TIDs."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.errors import JournalError
from bot.networks.base import PostRef
from bot.publishing.journal import Journal
from bot.publishing.migrations import MIGRATIONS, migrate
from bot.publishing.rows import NewPost, stamp, tid
from bot.publishing.states import Kind, ThreadStatus

NOW = datetime(2026, 1, 4, 12, 0, tzinfo=UTC)
TID_RE = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def new_posts(n: int) -> list[NewPost]:
    return [NewPost(i, f"post {i}", f"key{i}", tid(1_700_000_000_000_000 + i, 7)) for i in range(1, n + 1)]


def test_fresh_file_gets_every_migration_and_wal(tmp_path):
    with Journal(tmp_path / "deep" / "j.sqlite3") as j:
        assert j.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert j.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert j.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))  # version 0 is an empty database: refused
def test_upgrade_from_each_earlier_version_keeps_data(tmp_path, version):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        step(db)
    db.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        db.execute(
            "INSERT INTO statements VALUES ('s', 'p', 'h', 't', '2026-01-01T00:00:00.000000+00:00', "
            "'2026-01-01T00:00:00.000000+00:00')"
        )
    db.close()
    with Journal(path) as j:
        assert j.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        j.set_value("bluesky:session", "opaque")
        assert j.get_value("bluesky:session") == "opaque"
        if version >= 1:
            assert j.db.execute("SELECT title FROM statements").fetchone()[0] == "t"


def test_a_failing_migration_leaves_the_old_version(tmp_path):
    db = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("CREATE TABLE kv (clash INTEGER)")  # migration 2 will fail on this
    with pytest.raises(sqlite3.OperationalError):
        migrate(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'posts_sent_at'").fetchone()[0] == 0


def test_a_journal_newer_than_the_code_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(JournalError, match="newer"):
        Journal(path)


def test_unopenable_path_is_a_journal_error(tmp_path):
    (tmp_path / "dir.sqlite3").mkdir()
    with pytest.raises(JournalError, match=r"dir\.sqlite3"):
        Journal(tmp_path / "dir.sqlite3")


def test_intent_then_result_round_trip(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        row = j.create_thread("s", "acct", "mastodon", Kind.THREAD, "", "h1", "en", new_posts(2), NOW)
        first = j.posts(row.id)[0]
        j.mark_sending(first.id, NOW)
        assert (j.posts(row.id)[0].status, j.posts(row.id)[0].attempts) == ("sending", 1)
        j.mark_sent(first.id, PostRef("111", "https://m.example/@a/111"), NOW + timedelta(seconds=1))
        done = j.posts(row.id)[0]
        assert (done.status, done.ref.id, done.sent_at) == ("sent", "111", NOW + timedelta(seconds=1))
        j.mark_failed(j.posts(row.id)[1].id, "503", NOW, unknown=True)
        assert j.posts(row.id)[1].status == "unknown"


def test_killed_between_intent_and_result_leaves_a_sending_row(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as j:
        row = j.create_thread("s", "acct", "x", Kind.THREAD, "", "h1", "en", new_posts(3), NOW)
    code = (
        "import os, sys; from datetime import datetime, UTC; from bot.publishing.journal import Journal; "
        "j = Journal(sys.argv[1]); p = j.posts(int(sys.argv[2]))[0]; "
        "j.mark_sending(p.id, datetime.now(UTC)); os.kill(os.getpid(), 9)"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(path), str(row.id)])
    assert proc.returncode == -9
    with Journal(path) as j:
        post = j.posts(row.id)[0]
        assert (post.status, post.attempts, post.ref) == ("sending", 1, None)


def test_a_thread_frozen_twice_keeps_the_first_plan(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        first = j.create_thread("s", "acct", "x", Kind.THREAD, "", "h1", "en", new_posts(2), NOW)
        again = j.create_thread("s", "acct", "x", Kind.THREAD, "", "h2", "en", new_posts(5), NOW)
        assert again == first and len(j.posts(first.id)) == 2


def test_replan_keeps_every_post_that_may_be_online(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        row = j.create_thread("s", "acct", "x", Kind.THREAD, "", "h1", "en", new_posts(4), NOW)
        posts = j.posts(row.id)
        j.mark_sent(posts[0].id, PostRef("1"), NOW)
        j.mark_failed(posts[1].id, "timeout", NOW, unknown=True)
        j.mark_failed(posts[2].id, "400", NOW)
        j.replan(row.id, "h2", "en", [NewPost(i, f"new {i}", f"k{i}", tid(i, 1)) for i in range(1, 6)], NOW)
        assert [p.text for p in j.posts(row.id)] == ["post 1", "post 2", "new 3", "new 4", "new 5"]
        assert j.thread_by_id(row.id).content_hash == "h2"


def test_daily_cap_counts_only_this_accounts_last_24_hours(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        for account in ("a", "b"):
            row = j.create_thread("s", account, "x", Kind.THREAD, "", "h", "en", new_posts(3), NOW)
            for k, post in enumerate(j.posts(row.id)):
                j.mark_sent(post.id, PostRef(f"{account}{k}"), NOW - timedelta(hours=30 - 10 * k))
        assert j.sent_times("a", NOW - timedelta(hours=24)) == [NOW - timedelta(hours=20), NOW - timedelta(hours=10)]


def test_thread_status_and_not_before_round_trip(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        row = j.create_thread("s", "acct", "x", Kind.ANNIVERSARY, "2027", "h", "en", new_posts(1), NOW)
        later = NOW + timedelta(hours=5)
        j.set_thread_status(row.id, ThreadStatus.PAUSED, NOW, "daily cap", later)
        again = j.thread("s", "acct", Kind.ANNIVERSARY, "2027")
        assert (again.status, again.last_error, again.not_before) == ("paused", "daily cap", later)
        assert j.thread("s", "acct") is None


def test_timestamps_are_utc_text_that_sorts_as_time():
    east = timezone(timedelta(hours=3, minutes=30))
    assert stamp(datetime(2026, 1, 1, 3, 30, tzinfo=east)) == "2026-01-01T00:00:00.000000+00:00"
    assert stamp(NOW) < stamp(NOW + timedelta(microseconds=1))
    with pytest.raises(JournalError, match="naive"):
        stamp(datetime(2026, 1, 1))


def test_tid_is_thirteen_sortable_chars():
    assert tid(0, 0) == "2222222222222"
    assert tid(2**53 - 1, 2**10 - 1) == "bzzzzzzzzzzzz"  # 63 bits: the top char stops at b
    assert TID_RE.match(tid(1_767_225_600_000_000, 513))
    assert tid(1_767_225_600_000_000, 0) < tid(1_767_225_600_000_001, 0) < tid(1_767_225_600_000_001, 1)
    with pytest.raises(ValueError):
        tid(2**53, 0)


def test_tid_matches_the_atproto_reference_layout():
    # 3jzfcijpj2z2a is the example TID of the atproto spec: decode it and encode it back.
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    value = 0
    for ch in "3jzfcijpj2z2a":
        value = value * 32 + alphabet.index(ch)
    assert tid(value >> 10, value & 1023) == "3jzfcijpj2z2a"
