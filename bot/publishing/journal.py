"""The SQLite journal: what was planned, what is being sent, what was sent.

The only module that imports ``sqlite3``. The schema changes only through the
numbered ``MIGRATIONS`` (version in ``PRAGMA user_version``). Every timestamp is UTC
ISO-8601 text with microseconds, ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``, so text order
is time order. The publisher writes an intent (``mark_sending``) in its own committed
transaction before each network call and the result right after; a row still in
``sending`` when a process starts is an unknown outcome.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import JournalError
from bot.networks.base import PostRef

THREAD_STATUSES = ("planned", "sending", "sent", "failed", "needs_attention", "paused", "retracted")
POST_STATUSES = ("planned", "sending", "sent", "failed", "unknown", "deleted")


def _m1_core(db: sqlite3.Connection) -> None:
    db.execute("""CREATE TABLE statements (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        first_seen TEXT NOT NULL,  -- UTC ISO-8601 YYYY-MM-DDTHH:MM:SS.ffffff+00:00
        updated TEXT NOT NULL      -- UTC ISO-8601, as above
    )""")
    db.execute(f"""CREATE TABLE threads (
        id INTEGER PRIMARY KEY,
        statement_id TEXT NOT NULL,
        account TEXT NOT NULL,
        platform TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('thread', 'anniversary')),
        occasion TEXT NOT NULL DEFAULT '',  -- '' for the main thread, the year for anniversaries
        status TEXT NOT NULL CHECK (status IN {THREAD_STATUSES!r}),
        content_hash TEXT NOT NULL,         -- the statement version the frozen plan came from
        language TEXT NOT NULL,
        last_error TEXT,
        not_before TEXT,                    -- UTC ISO-8601: paused until then (rate limit, daily cap)
        created TEXT NOT NULL,              -- UTC ISO-8601
        updated TEXT NOT NULL,              -- UTC ISO-8601
        UNIQUE (statement_id, account, kind, occasion)
    )""")
    db.execute(f"""CREATE TABLE posts (
        id INTEGER PRIMARY KEY,
        thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,               -- 1-based position in the thread
        text TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('post', 'quote', 'boost')),
        quote_id TEXT, quote_url TEXT, quote_cid TEXT,  -- target of a quote or boost
        status TEXT NOT NULL CHECK (status IN {POST_STATUSES!r}),
        idempotency_key TEXT NOT NULL,      -- Mastodon Idempotency-Key
        rkey TEXT NOT NULL,                 -- Bluesky record key (TID), fixed before the first attempt
        remote_id TEXT,                     -- X/Mastodon id, or the Bluesky at:// uri
        cid TEXT,
        url TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created TEXT NOT NULL,              -- UTC ISO-8601
        updated TEXT NOT NULL,              -- UTC ISO-8601
        sent_at TEXT,                       -- UTC ISO-8601 when the network confirmed it
        UNIQUE (thread_id, idx)
    )""")


def _m2_values_and_caps(db: sqlite3.Connection) -> None:
    db.execute("""CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated TEXT NOT NULL  -- UTC ISO-8601
    )""")
    db.execute("CREATE INDEX posts_sent_at ON posts (sent_at)")  # daily caps scan the last 24 h


# Append only; never edit a migration that has shipped.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_m1_core, _m2_values_and_caps)


def stamp(moment: datetime) -> str:
    """A timezone-aware datetime as the journal's UTC text."""
    if moment.tzinfo is None:
        raise JournalError(f"naive datetime {moment.isoformat()} given to the journal; use UTC")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def unstamp(text: str | None) -> datetime | None:
    """The journal's UTC text back as a datetime."""
    return None if text is None else datetime.fromisoformat(text)


_B32 = "234567abcdefghijklmnopqrstuvwxyz"


def tid(micros: int, clock_id: int) -> str:
    """A Bluesky TID: 53-bit microsecond timestamp + 10-bit clock id, 13 base32-sortable chars."""
    if not 0 <= micros < 2**53 or not 0 <= clock_id < 2**10:
        raise ValueError("TID timestamp must fit 53 bits and clock id 10 bits")
    value = (micros << 10) | clock_id
    return "".join(_B32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


@dataclass(frozen=True)
class ThreadRow:
    """One thread of one statement for one account, as the journal has it."""

    id: int
    statement_id: str
    account: str
    platform: str
    kind: str
    occasion: str
    status: str
    content_hash: str
    language: str
    last_error: str | None
    not_before: datetime | None


@dataclass(frozen=True)
class NewPost:
    """A post to freeze into the journal."""

    index: int
    text: str
    key: str
    rkey: str
    action: str = "post"
    quote: PostRef | None = None


@dataclass(frozen=True)
class PostRow:
    """One post as the journal has it; ``ref`` is set once the network confirmed it."""

    id: int
    thread_id: int
    index: int
    text: str
    action: str
    quote: PostRef | None
    status: str
    key: str
    rkey: str
    ref: PostRef | None
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    updated: datetime | None = None


def _thread(r: sqlite3.Row) -> ThreadRow:
    return ThreadRow(r["id"], r["statement_id"], r["account"], r["platform"], r["kind"], r["occasion"],
                     r["status"], r["content_hash"], r["language"], r["last_error"], unstamp(r["not_before"]))


def _post(r: sqlite3.Row) -> PostRow:
    quote = PostRef(r["quote_id"], r["quote_url"], r["quote_cid"]) if r["quote_id"] else None
    ref = PostRef(r["remote_id"], r["url"], r["cid"]) if r["remote_id"] else None
    return PostRow(r["id"], r["thread_id"], r["idx"], r["text"], r["action"], quote, r["status"],
                   r["idempotency_key"], r["rkey"], ref, r["attempts"], r["last_error"], unstamp(r["sent_at"]),
                   unstamp(r["updated"]))


class Journal:
    """An open journal file; use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock_fd: int | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: every write below opens its own explicit transaction.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed intent survives power loss, not only a killed process.
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            migrate(self.db)
        except sqlite3.Error as e:
            raise JournalError(f"{self.path}: cannot open journal: {e}") from None

    def close(self) -> None:
        """Close the database and release any thread locks."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
        self.db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            raise JournalError(f"{self.path}: journal write failed: {e}") from None

    # -- adapters' key/value store -------------------------------------------------
    def get_value(self, key: str) -> str | None:
        """A stored value (Bluesky session, instance limits), or None."""
        row = self.db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return None if row is None else row["value"]

    def set_value(self, key: str, value: str, now: datetime | None = None) -> None:
        """Store a value under ``key``, replacing any previous one."""
        when = stamp(now) if now else stamp(datetime.now(UTC))
        with self._tx() as db:
            db.execute("INSERT INTO kv (key, value, updated) VALUES (?, ?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
                       (key, value, when))

    # -- statements and threads ----------------------------------------------------
    def record_statement(self, statement_id: str, path: str, content_hash: str, title: str, now: datetime) -> None:
        """Remember a statement (insert, or update its path/hash/title)."""
        with self._tx() as db:
            db.execute("INSERT INTO statements (id, path, content_hash, title, first_seen, updated) "
                       "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET path = excluded.path, "
                       "content_hash = excluded.content_hash, title = excluded.title, updated = excluded.updated",
                       (statement_id, path, content_hash, title, stamp(now), stamp(now)))

    def statement_for_path(self, path: str) -> str | None:
        """The id of the statement last seen at ``path``, if any."""
        row = self.db.execute("SELECT id FROM statements WHERE path = ? ORDER BY updated DESC", (path,)).fetchone()
        return None if row is None else row["id"]

    def thread(self, statement_id: str, account: str, kind: str = "thread", occasion: str = "") -> ThreadRow | None:
        """The journal's thread for this statement, account, kind and occasion, if any."""
        row = self.db.execute("SELECT * FROM threads WHERE statement_id = ? AND account = ? AND kind = ? "
                              "AND occasion = ?", (statement_id, account, kind, occasion)).fetchone()
        return None if row is None else _thread(row)

    def thread_by_id(self, thread_id: int) -> ThreadRow:
        """The thread with this id."""
        return _thread(self.db.execute("SELECT * FROM threads WHERE id = ?", (thread_id,)).fetchone())

    def threads(self, statement_id: str | None = None) -> list[ThreadRow]:
        """All threads, or those of one statement, oldest first."""
        if statement_id is None:
            rows = self.db.execute("SELECT * FROM threads ORDER BY id").fetchall()
        else:
            rows = self.db.execute("SELECT * FROM threads WHERE statement_id = ? ORDER BY id", (statement_id,)).fetchall()
        return [_thread(r) for r in rows]

    def create_thread(self, statement_id: str, account: str, platform: str, kind: str, occasion: str,
                      content_hash: str, language: str, posts: Sequence[NewPost], now: datetime) -> ThreadRow:
        """Freeze a planned thread and its posts in one transaction; a thread frozen first by another process wins."""
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO threads (statement_id, account, platform, kind, occasion, status, "
                             "content_hash, language, created, updated) VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?)",
                             (statement_id, account, platform, kind, occasion, content_hash, language, stamp(now), stamp(now)))
            if cur.rowcount:
                self._insert_posts(db, int(cur.lastrowid or 0), posts, now)
        found = self.thread(statement_id, account, kind, occasion)
        assert found is not None
        return found

    def replan(self, thread_id: int, content_hash: str, language: str, posts: Sequence[NewPost], now: datetime) -> None:
        """Replace the posts that surely never went out with ``posts`` from the same index on."""
        with self._tx() as db:
            kept = db.execute("SELECT COALESCE(MAX(idx), 0) FROM posts WHERE thread_id = ? AND status NOT IN "
                              "('planned', 'failed')", (thread_id,)).fetchone()[0]
            db.execute("DELETE FROM posts WHERE thread_id = ? AND idx > ?", (thread_id, kept))
            self._insert_posts(db, thread_id, [p for p in posts if p.index > kept], now)
            db.execute("UPDATE threads SET content_hash = ?, language = ?, updated = ? WHERE id = ?",
                       (content_hash, language, stamp(now), thread_id))

    @staticmethod
    def _insert_posts(db: sqlite3.Connection, thread_id: int, posts: Sequence[NewPost], now: datetime) -> None:
        db.executemany(
            "INSERT INTO posts (thread_id, idx, text, action, quote_id, quote_url, quote_cid, status, "
            "idempotency_key, rkey, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?)",
            [(thread_id, p.index, p.text, p.action, p.quote and p.quote.id, p.quote and p.quote.url,
              p.quote and p.quote.cid, p.key, p.rkey, stamp(now), stamp(now)) for p in posts])

    def set_thread_status(self, thread_id: int, status: str, now: datetime, error: str | None = None,
                          not_before: datetime | None = None) -> None:
        """Record a thread's new status, with the reason and when it may continue."""
        with self._tx() as db:
            db.execute("UPDATE threads SET status = ?, last_error = ?, not_before = ?, updated = ? WHERE id = ?",
                       (status, error, not_before and stamp(not_before), stamp(now), thread_id))

    # -- posts ---------------------------------------------------------------------
    def posts(self, thread_id: int) -> list[PostRow]:
        """The thread's posts in order."""
        rows = self.db.execute("SELECT * FROM posts WHERE thread_id = ? ORDER BY idx", (thread_id,)).fetchall()
        return [_post(r) for r in rows]

    def mark_sending(self, post_id: int, now: datetime) -> None:
        """The intent: committed before the network call."""
        with self._tx() as db:
            db.execute("UPDATE posts SET status = 'sending', attempts = attempts + 1, updated = ? WHERE id = ?",
                       (stamp(now), post_id))

    def mark_sent(self, post_id: int, ref: PostRef, now: datetime) -> None:
        """The network confirmed the post (or it was found after an unknown outcome)."""
        with self._tx() as db:
            db.execute("UPDATE posts SET status = 'sent', remote_id = ?, cid = ?, url = ?, last_error = NULL, "
                       "sent_at = COALESCE(sent_at, ?), updated = ? WHERE id = ?",
                       (ref.id, ref.cid, ref.url, stamp(now), stamp(now), post_id))

    def mark_failed(self, post_id: int, error: str, now: datetime, unknown: bool = False) -> None:
        """The attempt failed: surely not posted (``failed``) or perhaps posted (``unknown``)."""
        with self._tx() as db:
            db.execute("UPDATE posts SET status = ?, last_error = ?, updated = ? WHERE id = ?",
                       ("unknown" if unknown else "failed", error, stamp(now), post_id))

    def mark_deleted(self, post_id: int, now: datetime) -> None:
        """The post was deleted from the network (retract)."""
        with self._tx() as db:
            db.execute("UPDATE posts SET status = 'deleted', updated = ? WHERE id = ?", (stamp(now), post_id))

    def sent_times(self, account: str, since: datetime) -> list[datetime]:
        """When this account's posts went out since ``since``, oldest first (daily caps)."""
        rows = self.db.execute("SELECT p.sent_at FROM posts p JOIN threads t ON t.id = p.thread_id "
                               "WHERE t.account = ? AND p.sent_at >= ? ORDER BY p.sent_at",
                               (account, stamp(since))).fetchall()
        return [datetime.fromisoformat(r[0]) for r in rows]

    # -- one poster per thread -----------------------------------------------------
    def lock_thread(self, thread_id: int) -> bool:
        """Take this process's exclusive lock on a thread; False if another process holds it.

        A POSIX record lock (one byte per thread id) on a side file: the kernel drops it
        when the process dies, even by kill -9, so a crashed poster never blocks the rerun.
        """
        if self._lock_fd is None:
            self._lock_fd = os.open(f"{self.path}.locks", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.lockf(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, thread_id)
        except OSError:
            return False
        return True

    def unlock_thread(self, thread_id: int) -> None:
        """Release a lock taken by ``lock_thread``."""
        if self._lock_fd is not None:
            fcntl.lockf(self._lock_fd, fcntl.LOCK_UN, 1, thread_id)


def migrate(db: sqlite3.Connection) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise JournalError(f"journal schema version {version} is newer than this statement-bot ({len(MIGRATIONS)})")
    for number in range(version + 1, len(MIGRATIONS) + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number - 1](db)
            db.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return len(MIGRATIONS)


# -- read-outs for the daemon's status and schedule commands (appended by the daemon engineer) --
@dataclass(frozen=True)
class StatementRow:
    """A statement the journal has seen: where it was and which version."""

    id: str
    path: str
    content_hash: str
    title: str


def statement_rows(journal: Journal) -> list[StatementRow]:
    """Every statement the journal has seen, by id."""
    rows = journal.db.execute("SELECT id, path, content_hash, title FROM statements ORDER BY id").fetchall()
    return [StatementRow(r["id"], r["path"], r["content_hash"], r["title"]) for r in rows]


def values_with_prefix(journal: Journal, prefix: str) -> dict[str, str]:
    """Every key/value whose key starts with ``prefix``."""
    rows = journal.db.execute("SELECT key, value FROM kv WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)).fetchall()
    return {r["key"]: r["value"] for r in rows}


def delete_value(journal: Journal, key: str) -> None:
    """Forget one key/value (nothing if it is not there)."""
    with journal._tx() as db:
        db.execute("DELETE FROM kv WHERE key = ?", (key,))
