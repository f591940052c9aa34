"""The journal's rows as typed values, and the text forms of times and record keys it stores."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.errors import JournalError
from bot.model import Media
from bot.networks.base import PostRef
from bot.publishing.states import Action, Kind, PostStatus, ThreadStatus


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
    kind: Kind
    occasion: str
    status: ThreadStatus
    content_hash: str
    language: str
    last_error: str | None
    not_before: datetime | None
    retries: int = 0  # transient failures in a row that paused the thread
    failing_since: datetime | None = None


@dataclass(frozen=True)
class NewPost:
    """A post to freeze into the journal."""

    index: int
    text: str
    key: str
    rkey: str
    action: Action = Action.POST
    quote: PostRef | None = None
    media: tuple[Media, ...] = ()
    card: str | None = None


@dataclass(frozen=True)
class PostRow:
    """One post as the journal has it; ``ref`` is set once the network confirmed it."""

    id: int
    thread_id: int
    index: int
    text: str
    action: Action
    quote: PostRef | None
    status: PostStatus
    key: str
    rkey: str
    ref: PostRef | None
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    updated: datetime | None = None
    card: str | None = None


@dataclass(frozen=True)
class MediaRow:
    """A file frozen on a post, and what the network answered its upload (``remote``), if it was uploaded."""

    post_id: int
    position: int
    media: Media
    remote: str | None
    expires_at: datetime | None


def thread_row(r: sqlite3.Row) -> ThreadRow:
    """A ``threads`` row as a ``ThreadRow``."""
    return ThreadRow(
        r["id"],
        r["statement_id"],
        r["account"],
        r["platform"],
        Kind(r["kind"]),
        r["occasion"],
        ThreadStatus(r["status"]),
        r["content_hash"],
        r["language"],
        r["last_error"],
        unstamp(r["not_before"]),
        r["retries"],
        unstamp(r["failing_since"]),
    )


def post_row(r: sqlite3.Row) -> PostRow:
    """A ``posts`` row as a ``PostRow``."""
    quote = PostRef(r["quote_id"], r["quote_url"], r["quote_cid"]) if r["quote_id"] else None
    ref = PostRef(r["remote_id"], r["url"], r["cid"]) if r["remote_id"] else None
    return PostRow(
        r["id"],
        r["thread_id"],
        r["idx"],
        r["text"],
        Action(r["action"]),
        quote,
        PostStatus(r["status"]),
        r["idempotency_key"],
        r["rkey"],
        ref,
        r["attempts"],
        r["last_error"],
        unstamp(r["sent_at"]),
        unstamp(r["updated"]),
        r["card"],
    )


@dataclass(frozen=True)
class StatementRow:
    """A statement the journal has seen: where it was and which version."""

    id: str
    path: str
    content_hash: str
    title: str
