"""The SQLite journal: what was planned, what is being sent, what was sent.

The only module that uses the database (``sqlite3``; ``bot.publishing.journalfile`` opens it,
refusing any file that is not a journal). The publisher writes an intent
(``mark_sending``) in its own committed transaction before each network call and the
result right after; a row still in ``sending`` when a process starts is an unknown
outcome. The schema is in ``bot.publishing.migrations``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import JournalError
from bot.model import Media
from bot.networks.base import PostRef, Uploaded
from bot.publishing.journalfile import open_journal
from bot.publishing.rows import (
    MediaRow,
    NewPost,
    PostRow,
    StatementRow,
    ThreadRow,
    post_row,
    stamp,
    thread_row,
    unstamp,
)
from bot.publishing.states import Kind, PostStatus, ThreadStatus
from bot.redact import scrub


class Journal:
    """An open journal file; use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path, create: bool = True):
        """Open the journal at ``path``; a missing file becomes a new journal only with ``create``."""
        self.path = Path(path)
        self._lock_fd: int | None = None
        try:
            # Autocommit mode (WAL, synchronous=FULL): every write below opens its own explicit transaction.
            self.db = open_journal(self.path, create)
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
                with contextlib.suppress(sqlite3.Error, JournalError):  # the error that got us here matters more
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
            db.execute(
                "INSERT INTO kv (key, value, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
                (key, value, when),
            )

    # -- statements and threads ----------------------------------------------------
    def record_statement(self, statement_id: str, path: str, content_hash: str, title: str, now: datetime) -> None:
        """Remember a statement (insert, or update its path/hash/title)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO statements (id, path, content_hash, title, first_seen, updated) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET path = excluded.path, "
                "content_hash = excluded.content_hash, title = excluded.title, updated = excluded.updated",
                (statement_id, path, content_hash, title, stamp(now), stamp(now)),
            )

    def statement_for_path(self, path: str) -> str | None:
        """The id of the statement last seen at ``path``, if any."""
        row = self.db.execute("SELECT id FROM statements WHERE path = ? ORDER BY updated DESC", (path,)).fetchone()
        return None if row is None else row["id"]

    def thread(self, statement_id: str, account: str, kind: Kind = Kind.THREAD, occasion: str = "") -> ThreadRow | None:
        """The journal's thread for this statement, account, kind and occasion, if any."""
        row = self.db.execute(
            "SELECT * FROM threads WHERE statement_id = ? AND account = ? AND kind = ? AND occasion = ?",
            (statement_id, account, kind, occasion),
        ).fetchone()
        return None if row is None else thread_row(row)

    def thread_by_id(self, thread_id: int) -> ThreadRow:
        """The thread with this id."""
        return thread_row(self.db.execute("SELECT * FROM threads WHERE id = ?", (thread_id,)).fetchone())

    def threads(self, statement_id: str | None = None) -> list[ThreadRow]:
        """All threads, or those of one statement, oldest first."""
        if statement_id is None:
            rows = self.db.execute("SELECT * FROM threads ORDER BY id").fetchall()
        else:
            rows = self.db.execute(
                "SELECT * FROM threads WHERE statement_id = ? ORDER BY id", (statement_id,)
            ).fetchall()
        return [thread_row(r) for r in rows]

    def create_thread(
        self,
        statement_id: str,
        account: str,
        platform: str,
        kind: Kind,
        occasion: str,
        content_hash: str,
        language: str,
        posts: Sequence[NewPost],
        now: datetime,
    ) -> ThreadRow:
        """Freeze a planned thread and its posts in one transaction; a thread frozen first by another process wins."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO threads (statement_id, account, platform, kind, occasion, status, "
                "content_hash, language, created, updated) VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?)",
                (statement_id, account, platform, kind, occasion, content_hash, language, stamp(now), stamp(now)),
            )
            if cur.rowcount:
                self._insert_posts(db, int(cur.lastrowid or 0), posts, now)
        found = self.thread(statement_id, account, kind, occasion)
        assert found is not None
        return found

    def replan(self, thread_id: int, content_hash: str, language: str, posts: Sequence[NewPost], now: datetime) -> None:
        """Replace the posts that surely never went out with ``posts`` from the same index on."""
        with self._tx() as db:
            kept = db.execute(
                "SELECT COALESCE(MAX(idx), 0) FROM posts WHERE thread_id = ? AND status NOT IN ('planned', 'failed')",
                (thread_id,),
            ).fetchone()[0]
            db.execute("DELETE FROM posts WHERE thread_id = ? AND idx > ?", (thread_id, kept))
            self._insert_posts(db, thread_id, [p for p in posts if p.index > kept], now)
            db.execute(
                "UPDATE threads SET content_hash = ?, language = ?, updated = ? WHERE id = ?",
                (content_hash, language, stamp(now), thread_id),
            )

    @staticmethod
    def _insert_posts(db: sqlite3.Connection, thread_id: int, posts: Sequence[NewPost], now: datetime) -> None:
        db.executemany(
            "INSERT INTO posts (thread_id, idx, text, action, quote_id, quote_url, quote_cid, status, "
            "idempotency_key, rkey, card, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?)",
            [
                (
                    thread_id,
                    p.index,
                    p.text,
                    p.action,
                    p.quote and p.quote.id,
                    p.quote and p.quote.url,
                    p.quote and p.quote.cid,
                    p.key,
                    p.rkey,
                    p.card,
                    stamp(now),
                    stamp(now),
                )
                for p in posts
            ],
        )
        for p in posts:
            if p.media:
                post_id = db.execute("SELECT id FROM posts WHERE thread_id = ? AND idx = ?", (thread_id, p.index))
                Journal._insert_media(db, post_id.fetchone()[0], p.media)

    @staticmethod
    def _insert_media(db: sqlite3.Connection, post_id: int, media: Sequence[Media]) -> None:
        for position, m in enumerate(media, start=1):
            digest = m.digest
            db.execute(
                "INSERT OR IGNORE INTO media_files (digest, mime, data) VALUES (?, ?, ?)", (digest, m.mime, m.data)
            )
            db.execute(
                "INSERT INTO post_media (post_id, position, path, alt, width, height, digest) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (post_id, position, m.path, m.alt, m.width, m.height, digest),
            )

    def set_thread_status(
        self,
        thread_id: int,
        status: ThreadStatus,
        now: datetime,
        error: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        """Record a thread's new status, with the reason and when it may continue."""
        with self._tx() as db:
            db.execute(
                "UPDATE threads SET status = ?, last_error = ?, not_before = ?, updated = ? WHERE id = ?",
                (status, error and scrub(error), not_before and stamp(not_before), stamp(now), thread_id),
            )

    def note_transient_failure(self, thread_id: int, now: datetime) -> ThreadRow:
        """Count one more transient stop in the thread's failure streak (started now if none runs)."""
        with self._tx() as db:
            db.execute(
                "UPDATE threads SET retries = retries + 1, failing_since = COALESCE(failing_since, ?) WHERE id = ?",
                (stamp(now), thread_id),
            )
        return self.thread_by_id(thread_id)

    def clear_failures(self, thread_id: int) -> None:
        """End the thread's failure streak (it made progress)."""
        with self._tx() as db:
            db.execute("UPDATE threads SET retries = 0, failing_since = NULL WHERE id = ?", (thread_id,))

    # -- posts ---------------------------------------------------------------------
    def posts(self, thread_id: int) -> list[PostRow]:
        """The thread's posts in order."""
        rows = self.db.execute("SELECT * FROM posts WHERE thread_id = ? ORDER BY idx", (thread_id,)).fetchall()
        return [post_row(r) for r in rows]

    def mark_sending(self, post_id: int, now: datetime) -> None:
        """The intent: committed before the network call."""
        with self._tx() as db:
            db.execute(
                "UPDATE posts SET status = 'sending', attempts = attempts + 1, updated = ? WHERE id = ?",
                (stamp(now), post_id),
            )

    def mark_sent(self, post_id: int, ref: PostRef, now: datetime) -> None:
        """The network confirmed the post (or it was found after an unknown outcome)."""
        with self._tx() as db:
            db.execute(
                "UPDATE posts SET status = 'sent', remote_id = ?, cid = ?, url = ?, last_error = NULL, "
                "sent_at = COALESCE(sent_at, ?), updated = ? WHERE id = ?",
                (ref.id, ref.cid, ref.url, stamp(now), stamp(now), post_id),
            )

    def mark_failed(self, post_id: int, error: str, now: datetime, unknown: bool = False) -> None:
        """The attempt failed: surely not posted (``failed``) or perhaps posted (``unknown``)."""
        with self._tx() as db:
            db.execute(
                "UPDATE posts SET status = ?, last_error = ?, updated = ? WHERE id = ?",
                (PostStatus.UNKNOWN if unknown else PostStatus.FAILED, scrub(error), stamp(now), post_id),
            )

    # -- files on posts ------------------------------------------------------------
    def post_media(self, post_id: int) -> list[MediaRow]:
        """The files frozen on a post, in order, with their recorded uploads."""
        rows = self.db.execute(
            "SELECT m.*, f.mime, f.data FROM post_media m JOIN media_files f ON f.digest = m.digest "
            "WHERE m.post_id = ? ORDER BY m.position",
            (post_id,),
        ).fetchall()
        return [
            MediaRow(
                r["post_id"],
                r["position"],
                Media(r["path"], r["alt"], r["mime"], r["width"], r["height"], bytes(r["data"])),
                r["remote_id"],
                unstamp(r["expires_at"]),
            )
            for r in rows
        ]

    def mark_uploading(self, post_id: int, position: int, now: datetime) -> None:
        """The intent of an upload, committed before the network call."""
        with self._tx() as db:
            db.execute(
                "UPDATE post_media SET attempts = attempts + 1 WHERE post_id = ? AND position = ?", (post_id, position)
            )

    def mark_uploaded(self, post_id: int, position: int, uploaded: Uploaded, now: datetime) -> None:
        """The network took the file: its id, kept until it expires, so a rerun never uploads it again."""
        with self._tx() as db:
            db.execute(
                "UPDATE post_media SET remote_id = ?, expires_at = ?, uploaded_at = ? "
                "WHERE post_id = ? AND position = ?",
                (uploaded.id, uploaded.expires_at and stamp(uploaded.expires_at), stamp(now), post_id, position),
            )

    def forget_uploads(self, post_id: int) -> None:
        """The network no longer knows the post's uploads: the next attempt uploads them again."""
        with self._tx() as db:
            db.execute("UPDATE post_media SET remote_id = NULL, expires_at = NULL WHERE post_id = ?", (post_id,))

    def mark_deleted(self, post_id: int, now: datetime) -> None:
        """The post was deleted from the network (retract)."""
        with self._tx() as db:
            db.execute("UPDATE posts SET status = 'deleted', updated = ? WHERE id = ?", (stamp(now), post_id))

    def sent_times(self, account: str, since: datetime) -> list[datetime]:
        """When this account's posts went out since ``since``, oldest first (daily caps)."""
        rows = self.db.execute(
            "SELECT p.sent_at FROM posts p JOIN threads t ON t.id = p.thread_id "
            "WHERE t.account = ? AND p.sent_at >= ? ORDER BY p.sent_at",
            (account, stamp(since)),
        ).fetchall()
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

    # -- read-outs for status and schedule -----------------------------------------
    def statement_rows(self) -> list[StatementRow]:
        """Every statement the journal has seen, by id."""
        rows = self.db.execute("SELECT id, path, content_hash, title FROM statements ORDER BY id").fetchall()
        return [StatementRow(r["id"], r["path"], r["content_hash"], r["title"]) for r in rows]

    def values_with_prefix(self, prefix: str) -> dict[str, str]:
        """Every key/value whose key starts with ``prefix``."""
        rows = self.db.execute(
            "SELECT key, value FROM kv WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        return {r["key"]: r["value"] for r in rows}

    def sent_texts(self, account: str) -> set[str]:
        """Every text the account has online from this bot (networks that refuse duplicates compare them)."""
        rows = self.db.execute(
            "SELECT p.text FROM posts p JOIN threads t ON t.id = p.thread_id WHERE t.account = ? AND p.status = ?",
            (account, PostStatus.SENT),
        ).fetchall()
        return {r[0] for r in rows}

    def first_seen(self) -> dict[str, datetime]:
        """When the journal first saw each statement (``status --since``)."""
        rows = self.db.execute("SELECT id, first_seen FROM statements").fetchall()
        return {r["id"]: datetime.fromisoformat(r["first_seen"]) for r in rows}

    def delete_value(self, key: str) -> None:
        """Forget one key/value (nothing if it is not there)."""
        with self._tx() as db:
            db.execute("DELETE FROM kv WHERE key = ?", (key,))

    def posted_urls(self) -> dict[tuple[str, str, int], str]:
        """(statement id, account, index) -> live URL of every thread post the journal has as sent."""
        rows = self.db.execute(
            "SELECT t.statement_id, t.account, p.idx, p.url FROM posts p JOIN threads t "
            "ON t.id = p.thread_id WHERE t.kind = ? AND p.status = ? AND p.url IS NOT NULL",
            (Kind.THREAD, PostStatus.SENT),
        ).fetchall()
        return {(r[0], r[1], r[2]): r[3] for r in rows}
