"""What the local Threads server stores: users and their access tokens, media containers, published posts,
moving 24-hour quotas and call counts, behind one lock with a clock tests can advance."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

DAY = 86400
# Long-lived tokens are "valid for 60 days" (developers.facebook.com/docs/threads/get-started/long-lived-tokens).
TOKEN_TTL = 60 * DAY


@dataclass(frozen=True)
class ThreadsUser:
    """A Threads profile with its first long-lived access token."""

    id: str
    username: str
    access_token: str


@dataclass
class Token:
    """An access token: whose, when issued, when it expires."""

    value: str
    user_id: str
    issued_at: float
    expires_at: float
    long_lived: bool = True


@dataclass
class Container:
    """A media container from POST /{user-id}/threads, published at most once."""

    id: str
    owner_id: str
    media_type: str
    created_at: float
    ready_at: float
    text: str = ""
    image_url: str | None = None
    alt_text: str | None = None
    reply_to: str | None = None
    link_attachment: str | None = None
    children: list[str] = field(default_factory=list)
    is_carousel_item: bool = False
    failure: str | None = None  # the error_message it will end with (image could not be fetched…)
    fetched: bytes | None = None  # the image as Meta fetched it when the container was made
    published_id: str | None = None


@dataclass
class Post:
    """A published Threads media object."""

    id: str
    owner_id: str
    media_type: str  # as the API returns it: TEXT_POST, IMAGE, VIDEO, CAROUSEL_ALBUM
    text: str
    timestamp: float
    shortcode: str
    container_id: str
    media_url: str | None = None
    alt_text: str | None = None
    fetched: bytes | None = None  # Meta's copy of the image: the post keeps it whatever happens to image_url
    reply_to: str | None = None
    root_id: str | None = None
    link_attachment: str | None = None
    children: list[str] = field(default_factory=list)
    deleted: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Read-back form for tests."""
        return {
            "id": self.id,
            "owner_id": self.owner_id,
            "media_type": self.media_type,
            "text": self.text,
            "timestamp": self.timestamp,
            "reply_to": self.reply_to,
            "root_id": self.root_id,
            "media_url": self.media_url,
            "alt_text": self.alt_text,
            "image": self.fetched,
            "children": list(self.children),
            "link_attachment": self.link_attachment,
            "container_id": self.container_id,
            "deleted": self.deleted,
        }


@dataclass
class Settings:
    """Enforcement settings (changeable per test through ``ThreadsServer.configure``)."""

    text_limit: int = 500  # "Text posts are limited to 500 characters"
    text_counting: str = "documented"  # see tests.servers.threads_text
    max_links: int = 5  # "The number of links is restricted to 5 or fewer"
    # Moving 24-hour windows (developers.facebook.com/docs/threads/overview "Rate limiting"; delete-posts page).
    post_quota: tuple[int, int] = (250, DAY)
    reply_quota: tuple[int, int] = (1000, DAY)
    delete_quota: tuple[int, int] = (100, DAY)
    call_limit: tuple[int, int] = (48000, DAY)  # 4800 * impressions, impressions at least 10
    throttle_status: int = 400  # HTTP status of throttling errors (Graph API answers 400 with its error code)
    image_seconds: float = 0.5  # how long an image container stays IN_PROGRESS
    text_seconds: float = 0.0  # text containers are ready at once unless a test says otherwise
    container_ttl: float = DAY  # "EXPIRED — The container was not published within 24 hours"
    refresh_min_age: float = DAY  # "can be refreshed as long as they are at least 24 hours old"
    refresh_revokes_old: bool = False  # the docs do not say; by default the old token lives to its expiry
    max_image_bytes: int = 8 * 1024 * 1024  # image specifications: "Max file size: 8 MB"
    max_alt_text: int = 1000


class ThreadsState:
    """All server state behind one lock; ``offset`` moves the clock for tests."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.offset = 0.0
        self.users: dict[str, ThreadsUser] = {}
        self.tokens: dict[str, Token] = {}
        self.containers: dict[str, Container] = {}
        self.posts: dict[str, Post] = {}
        self.order: list[str] = []
        self.images: dict[str, tuple[bytes, str]] = {}
        self.settings = Settings()
        self.usage: dict[tuple[str, str], deque[float]] = {}
        self._user_ids = itertools.count(26_000_000_000_000_001)
        self._media_ids = itertools.count(17_841_000_000_000_001)

    def now(self) -> float:
        """Server time (real time plus any test-advanced offset)."""
        return time.time() + self.offset

    def clear(self) -> None:
        """Forget containers, posts, quotas, images, settings and the clock offset; users and tokens stay."""
        with self.lock:
            self.containers.clear()
            self.posts.clear()
            self.order.clear()
            self.images.clear()
            self.usage.clear()
            self.settings = Settings()
            self.offset = 0.0

    def add_user(self, username: str) -> ThreadsUser:
        """A profile with a fresh 60-day long-lived token."""
        with self.lock:
            user_id = str(next(self._user_ids))
            token = self.issue(user_id, TOKEN_TTL)
            user = ThreadsUser(user_id, username, token.value)
            self.users[user_id] = user
            return user

    def issue(self, user_id: str, expires_in: float, age: float = 0.0, long_lived: bool = True) -> Token:
        """A new token for ``user_id``, issued ``age`` seconds ago, expiring ``expires_in`` after issue."""
        with self.lock:
            issued = self.now() - age
            token = Token("TH" + secrets.token_urlsafe(48), user_id, issued, issued + expires_in, long_lived)
            self.tokens[token.value] = token
            return token

    def new_id(self) -> str:
        """A media/container id shaped like Threads' (17-18 digits)."""
        return str(next(self._media_ids))

    def used(self, user_id: str, kind: str, span: int) -> deque[float]:
        """The moving-window log of ``kind`` events for a user, pruned to ``span`` seconds."""
        log = self.usage.setdefault((user_id, kind), deque())
        horizon = self.now() - span
        while log and log[0] <= horizon:
            log.popleft()
        return log

    def take(self, user_id: str, kind: str, quota: tuple[int, int]) -> bool:
        """Consume one unit of a moving-window quota; False when it is spent."""
        with self.lock:
            log = self.used(user_id, kind, quota[1])
            if len(log) >= quota[0]:
                return False
            log.append(self.now())
            return True

    def status(self, container: Container) -> str:
        """IN_PROGRESS → FINISHED or ERROR as time passes; EXPIRED after 24 h unpublished; PUBLISHED once used."""
        now = self.now()
        if container.published_id:
            return "PUBLISHED"
        if now >= container.created_at + self.settings.container_ttl:
            return "EXPIRED"
        children = [self.containers[c] for c in container.children if c in self.containers]
        if now < container.ready_at or any(self.status(c) == "IN_PROGRESS" for c in children):
            return "IN_PROGRESS"
        if container.failure or any(self.status(c) == "ERROR" for c in children):
            return "ERROR"
        return "FINISHED"

    def visible(self, media_id: str) -> Post | None:
        """A published post that was not deleted."""
        post = self.posts.get(media_id)
        return post if post and not post.deleted else None


def graph_time(epoch: float) -> str:
    """Threads' timestamp format: 2023-10-17T05:42:03+0000."""
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
