"""The journal's schema, changed only through numbered migrations (version in ``PRAGMA user_version``).

Every timestamp column is UTC ISO-8601 text with microseconds,
``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``, so text order is time order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from bot.errors import JournalError

# The values every CHECK constraint allows, as they were when each migration shipped.
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


def _m3_retries(db: sqlite3.Connection) -> None:
    # A transient failure streak: how many times the thread was paused to be tried again, since when.
    db.execute("ALTER TABLE threads ADD COLUMN retries INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE threads ADD COLUMN failing_since TEXT")  # UTC ISO-8601, as above


def _m4_media(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE posts ADD COLUMN card TEXT")  # a URL shown as a link card (Bluesky)
    # The exact bytes frozen with a plan, once per content: a rerun uploads what was planned.
    db.execute("""CREATE TABLE media_files (
        digest TEXT PRIMARY KEY,            -- SHA-256 of data
        mime TEXT NOT NULL,
        data BLOB NOT NULL
    )""")
    db.execute("""CREATE TABLE post_media (
        post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,          -- 1-based order on the post
        path TEXT NOT NULL,                 -- where the image came from (file, or file.pdf#page=1)
        alt TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        digest TEXT NOT NULL REFERENCES media_files(digest),
        remote_id TEXT,                     -- the network's id for the upload (X/Mastodon id, Bluesky blob ref)
        expires_at TEXT,                    -- UTC ISO-8601: the network forgets an unattached upload then
        uploaded_at TEXT,                   -- UTC ISO-8601
        attempts INTEGER NOT NULL DEFAULT 0,  -- upload attempts (the intent, written before each)
        PRIMARY KEY (post_id, position)
    )""")


# Append only; never edit a migration that has shipped.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_m1_core, _m2_values_and_caps, _m3_retries, _m4_media)


def migrate(db: sqlite3.Connection) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version.

    The version is read again inside each write transaction: another process may have
    migrated between our first look and our lock, and its work must not be done twice.
    """
    while True:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise JournalError(f"journal schema version {version} is newer than this statement-bot ({len(MIGRATIONS)})")
        if version == len(MIGRATIONS):
            return version
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] == version:
                MIGRATIONS[version](db)
                db.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
