"""What the local X server stores and the rules it enforces: users, tweets, rate-limit windows."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

DAY, QUARTER = 86400, 900
TWEPOCH_MS = 1288834974657  # X's snowflake epoch

# Per-user windows (limit, seconds) per endpoint; None = the tier is not enrolled for it.
# Figures follow X's published v2 tables for each access level; override per test as needed.
TIERS: dict[str, dict[str, list[tuple[int, int]] | None]] = {
    "free": {
        "create": [(17, DAY)],
        "delete": [(17, DAY)],
        "me": [(25, DAY)],
        "tweet": [(1, QUARTER)],
        "timeline": None,
        "upload": [(500, QUARTER)],
        "metadata": [(500, QUARTER)],
    },
    "basic": {
        "create": [(100, DAY)],
        "delete": [(5, QUARTER)],
        "me": [(250, DAY)],
        "tweet": [(15, QUARTER)],
        "timeline": [(5, QUARTER)],
        "upload": [(500, QUARTER)],
        "metadata": [(500, QUARTER)],
    },
}


@dataclass(frozen=True)
class XUser:
    """An X account with its OAuth 1.0a access token pair."""

    id: str
    username: str
    access_token: str
    access_secret: str


@dataclass
class Tweet:
    """A stored tweet."""

    id: str
    text: str
    author_id: str
    created_at: float
    in_reply_to: str | None = None
    quote_of: str | None = None
    conversation_id: str = ""
    deleted: bool = False
    media: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """Read-back form for tests."""
        return {
            "id": self.id,
            "text": self.text,
            "author_id": self.author_id,
            "in_reply_to": self.in_reply_to,
            "quote_of": self.quote_of,
            "conversation_id": self.conversation_id,
            "deleted": self.deleted,
            "created_at": self.created_at,
            "media": self.media,
        }


@dataclass
class Limits:
    """Enforcement settings of one server (changeable per test)."""

    tier: str = "free"
    overrides: dict[str, list[tuple[int, int]] | None] = field(default_factory=dict)
    max_weight: int = 280
    duplicate_window: float = DAY
    max_image_bytes: int = 5 * 1024 * 1024
    media_ttl: float = DAY  # expires_after_secs of an upload
    # Who may reply through the API: "engaged" (the parent's author is the replier, or mentioned them:
    # X's 2026 rule), "open" (anyone), "closed" (nobody: X refusing even a thread's own replies).
    reply_rule: str = "engaged"

    def windows(self, endpoint: str) -> list[tuple[int, int]] | None:
        """The windows for ``endpoint`` at this tier, overrides first."""
        if endpoint in self.overrides:
            return self.overrides[endpoint]
        return TIERS[self.tier][endpoint]


class XState:
    """All server state behind one lock; the clock can be advanced by tests."""

    def __init__(self, consumer_key: str, consumer_secret: str) -> None:
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.lock = threading.RLock()
        self.offset = 0.0
        self.users: dict[str, XUser] = {}
        self._user_ids = itertools.count(1_000_000_000_000_000_001)
        self.limits = Limits()
        self.tweets: dict[str, Tweet] = {}
        self.media: dict[str, Any] = {}
        self.order: list[str] = []
        self.windows: dict[tuple[str, str, int], list[float]] = {}
        self.nonces: set[tuple[str, str]] = set()
        self._seq = itertools.count()

    def now(self) -> float:
        """Server time (real time plus any test-advanced offset)."""
        return time.time() + self.offset

    def clear(self) -> None:
        """Forget tweets, windows, nonces and settings; users stay."""
        with self.lock:
            self.tweets.clear()
            self.media.clear()
            self.order.clear()
            self.windows.clear()
            self.nonces.clear()
            self.limits = Limits()
            self.offset = 0.0

    def add_user(self, username: str) -> XUser:
        """Register an account with a fresh access token pair."""
        with self.lock:
            uid = str(next(self._user_ids))
            user = XUser(uid, username, f"{uid}-{secrets.token_hex(12)}", secrets.token_hex(20))
            self.users[user.access_token] = user
            return user

    def user_by_id(self, uid: str) -> XUser | None:
        """The account with this numeric id, if any."""
        return next((u for u in self.users.values() if u.id == uid), None)

    def new_id(self) -> str:
        """A snowflake-shaped tweet id."""
        millis = int(self.now() * 1000) - TWEPOCH_MS
        return str((millis << 22) | (next(self._seq) & 0xFFF))

    def check_rate(self, user: XUser, endpoint: str) -> tuple[bool, dict[str, str]]:
        """Consume one request from ``user``'s windows for ``endpoint``; (allowed, X headers)."""
        windows = self.limits.windows(endpoint) or []
        now = self.now()
        with self.lock:
            states = []
            for limit, span in windows:
                slot = self.windows.setdefault((user.id, endpoint, span), [now, 0])
                if now >= slot[0] + span:
                    slot[0], slot[1] = now, 0
                states.append((limit, span, slot))
            allowed = all(slot[1] < limit for limit, _, slot in states)
            if allowed:
                for _, _, slot in states:
                    slot[1] += 1
            return allowed, _headers(states)

    def recent_duplicate(self, user: XUser, text: str) -> bool:
        """Whether ``user`` posted exactly ``text`` within the duplicate window and kept it."""
        horizon = self.now() - self.limits.duplicate_window
        return any(
            t.author_id == user.id and t.text == text and not t.deleted and t.created_at >= horizon
            for t in self.tweets.values()
        )

    def visible(self, tweet_id: str | None) -> Tweet | None:
        """A tweet that exists and is not deleted."""
        tweet = self.tweets.get(tweet_id or "")
        return tweet if tweet and not tweet.deleted else None

    def store(self, user: XUser, text: str, reply_to: Tweet | None, quote_of: str | None) -> Tweet:
        """Save a new tweet in posting order."""
        with self.lock:
            tid = self.new_id()
            conversation = reply_to.conversation_id if reply_to else tid
            tweet = Tweet(tid, text, user.id, self.now(), reply_to.id if reply_to else None, quote_of, conversation)
            self.tweets[tid] = tweet
            self.order.append(tid)
            return tweet


def _headers(states: list[tuple[int, int, list[float]]]) -> dict[str, str]:
    """x-rate-limit-* for the shortest window; x-user-limit-24hour-* for a daily one."""
    if not states:
        return {}
    headers = {}
    limit, span, slot = min(states, key=lambda s: s[1])
    headers.update(
        {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(0, limit - int(slot[1]))),
            "x-rate-limit-reset": str(int(slot[0] + span)),
        }
    )
    for limit, span, slot in states:
        if span == DAY:
            headers.update(
                {
                    "x-user-limit-24hour-limit": str(limit),
                    "x-user-limit-24hour-remaining": str(max(0, limit - int(slot[1]))),
                    "x-user-limit-24hour-reset": str(int(slot[0] + span)),
                }
            )
    return headers


def iso(epoch: float) -> str:
    """X's created_at format."""
    moment = dt.datetime.fromtimestamp(epoch, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
