"""The contracts between the core and a network: ``Network`` (what it is) and ``Adapter`` (how to talk to it).

Everything that differs between networks sits behind these two: limits and counting,
how links and mentions are shown, how a post's URL is built, how an unknown outcome is
recovered, how an anniversary is reposted, and the SDK. The core asks; it never tests a
network's name. Adapters translate their SDK's exceptions into ``bot.errors.PublishError``
subclasses at the boundary (``raise … from e``) and never log or raise secret values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.model import MediaRules

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.model import Account, Media, Prices
    from bot.text.counting import Rules

FOREVER = timedelta.max


@dataclass(frozen=True)
class PostRef:
    """Where a post lives on its network: X/Mastodon id, or Bluesky at:// uri + cid."""

    id: str
    url: str | None = None
    cid: str | None = None


@dataclass(frozen=True)
class Attached:
    """A file on an outgoing post: the prepared ``media``, and ``remote``, what ``Uploader.upload``
    returned for it (recorded in the journal), or None for an adapter that sends the bytes itself."""

    media: Media
    remote: str | None = None


@dataclass(frozen=True)
class Uploaded:
    """What a network answered an upload: its id for the file (opaque to the core), and until when it keeps
    it unattached (None: no known end)."""

    id: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Outgoing:
    """One post to send, with everything needed to send it exactly once.

    ``key`` is deterministic (statement id, account, thread kind, index): Mastodon's
    Idempotency-Key. ``rkey`` is a TID fixed in the journal before the first attempt:
    Bluesky's record key. ``root``/``reply_to`` chain replies; ``quote`` makes a quote post.
    ``media`` are the files to attach (see ``Uploader``); ``card`` a URL to show as a link
    card, for networks with ``Network.link_cards``.
    """

    text: str
    key: str
    rkey: str
    language: str
    reply_to: PostRef | None = None
    root: PostRef | None = None
    quote: PostRef | None = None
    media: tuple[Attached, ...] = ()
    card: str | None = None


@dataclass(frozen=True)
class Limits:
    """What a network says about an account's posts: the character limit, what a URL costs, and its
    media rules (None: the network's default ``Network.media``)."""

    chars: int
    url_cost: int
    media: MediaRules | None = None


class KeyValue(Protocol):
    """Where adapters keep small state between runs (the journal's key/value table)."""

    def get_value(self, key: str) -> str | None:
        """The stored value, or None."""

    def set_value(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing any old one."""


class MemoryStore:
    """A ``KeyValue`` that lives as long as the process (no journal given)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get_value(self, key: str) -> str | None:
        """The stored value, or None."""
        return self._values.get(key)

    def set_value(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``."""
        self._values[key] = value


@dataclass(frozen=True)
class CachedLimits:
    """Limits a network reported, and when (epoch seconds): kept in the journal's key/value store."""

    limits: Limits
    at: float

    @classmethod
    def load(cls, store: KeyValue, key: str) -> CachedLimits | None:
        """The cached limits under ``key``, or None (never stored, or unreadable)."""
        raw = store.get_value(key)
        try:
            data = json.loads(raw) if raw else None
            if not data:
                return None
            media = data.get("media")  # absent in entries cached before media were read
            rules = MediaRules(**{**media, "types": tuple(media["types"])}) if media else None
            return cls(Limits(int(data["limit"]), int(data["url"]), rules), float(data["at"]))
        except (ValueError, TypeError, KeyError):
            return None

    def save(self, store: KeyValue, key: str) -> None:
        """Store these limits under ``key``."""
        media = self.limits.media
        data: dict[str, Any] = {"at": self.at, "limit": self.limits.chars, "url": self.limits.url_cost}
        if media is not None:
            data["media"] = {f.name: getattr(media, f.name) for f in fields(media)}
        store.set_value(key, json.dumps(data))


@dataclass(frozen=True)
class Recovery:
    """How a post whose outcome is unknown (a timeout, a crash) is settled before anything is sent again.

    ``resend_within``: while the last attempt is younger than this, resending is safe
    because the network itself deduplicates (an idempotency key); ``FOREVER`` always
    resends; ``timedelta(0)`` always looks the post up first (``Adapter.find``).
    ``duplicate_proves_sent``: a "duplicate" refusal of the resend proves the post is
    online, so it is looked up instead of failing. ``by_hand``: a person may answer with
    ``post --resolve INDEX=ID``. ``how`` says it in a few words, for messages.
    """

    resend_within: timedelta
    duplicate_proves_sent: bool
    by_hand: bool
    how: str


@dataclass(frozen=True)
class Pace:
    """At most ``posts`` posts per ``per`` on one account (Telegram: 20 a minute to a channel).

    The publisher waits before a post that would break it, counting the account's posts in
    the journal, so the pace holds across threads and runs.
    """

    posts: int
    per: timedelta


class RepostStyle(StrEnum):
    """How an anniversary brings a post back."""

    QUOTE = "quote"  # a new post quoting the original (X, Bluesky)
    BOOST_AND_LINK = "boost"  # boost the original, plus a short post linking to it (Mastodon)


@dataclass(frozen=True)
class Mention:
    """How a network shows a mention: ``linked`` is the part it links, ``tail`` follows as text."""

    linked: str
    tail: str = ""
    title: str | None = None


@dataclass(frozen=True)
class Theme:
    """How the HTML preview draws a network's column, close to the network's own look."""

    header: str
    background: str
    text: str
    rule: str  # lines between posts, and the number badge's background
    avatar: str
    meta: str
    number: str
    link: str
    square_avatars: bool = False


class Network:
    """One network's policy. Each ``bot/networks/<name>/__init__.py`` defines one, cheap to import.

    Subclasses set the class attributes and implement ``rules`` and ``connect``; the
    display methods have the common behaviour as default.
    """

    platform: str
    name: str  # as people write it: "X", "Mastodon"
    default_limit: int
    hard_limit: int | None  # a configured limit above this is refused; None: the instance decides
    url_cost: int
    credentials: tuple[str, ...]  # keys of ``accounts[].credentials``; values name environment variables
    required: tuple[str, ...] = ()  # account keys this network needs (``instance``, ``handle``, an option)
    # Account keys only this network has (Telegram's ``chat``): name -> accepted type(s). The
    # config validates them and keeps them in ``Account.options``.
    options: Mapping[str, type | tuple[type, ...]] = MappingProxyType({})
    pace: Pace | None = None  # how fast posts may follow each other, if the network limits it
    recovery: Recovery
    repost: RepostStyle
    link_display_max = 30  # characters of a link shown (after the scheme), then "…"
    refuses_duplicates = False  # the network refuses a text the account already posted (X)
    default_endpoint = ""  # the API's host when the account names none
    media: MediaRules | None = None  # images on a post; None: the network takes none
    prices: Prices | None = None  # what a post costs (X's pay-per-use API); None: nothing
    link_cards = False  # a post's ``card`` URL is shown as a link card (Bluesky)
    # The text a post with media may carry (Telegram's 1,024-character caption): a longer first post gets the
    # image in a post of its own before it, captioned with the title (``bot.media.attach.with_media``).
    caption_limit: int | None = None
    # The statement's source file (a PDF) follows the thread as a post of its own, captioned with the title,
    # when it is at most this many bytes (Telegram's sendDocument: 50 MB); None: never.
    source_document_bytes: int | None = None
    theme = Theme("#444", "#fff", "#111", "#e5e5e5", "#444", "#666", "#111", "#0645ad")

    def rules(self, limit: int, url_cost: int) -> Rules:
        """How this network counts a post of at most ``limit`` (URLs costing ``url_cost``)."""
        raise NotImplementedError

    def connect(self, account: Account, secrets: Mapping[str, str], timeout: float, store: KeyValue) -> Adapter:
        """The adapter for ``account`` (imports the SDK); ``secrets`` maps credential keys to values."""
        raise NotImplementedError

    def check(self, account: Account) -> tuple[str, str] | None:
        """A problem with the account's settings as (key, problem), for the config to report; None if fine."""
        return None

    def media_for(self, account: Account) -> MediaRules | None:
        """The images ``account`` may post: ``media``, unless the account lacks a setting images need here."""
        return self.media

    def media_missing(self, account: Account) -> str | None:
        """Why ``account`` posts no image although the network takes images (a setting to add), for previews."""
        return None

    def limits_key(self, account: Account) -> str | None:
        """The key/value key under which the adapter caches limits the network reported, if it reports any."""
        return None

    def endpoint(self, account: Account) -> str:
        """Where the account's API is, as messages name it (``api_base`` when set)."""
        return (account.api_base or account.instance or self.default_endpoint).split("://", 1)[-1].rstrip("/")

    def post_url(self, account: Account, remote_id: str) -> str | None:
        """The public URL of a post given its id, where the id alone is enough to build it."""
        return None

    def link_text(self, url: str) -> str | None:
        """The text a post shows for ``url``, or None when the network does not link it."""
        rest = url.split("://", 1)[1] if "://" in url[:12] else url
        return rest if len(rest) <= self.link_display_max else rest[: self.link_display_max] + "…"

    def mention(self, text: str) -> Mention | None:
        """How ``@name`` (or ``@name@host``) is shown, or None when it stays plain text."""
        return Mention(text)

    def facets(self, text: str) -> list[dict[str, Any]] | None:
        """The rich-text annotations the adapter sends with ``text`` (Bluesky's facets), as far as they are
        known before posting; None where the network has none (it finds links itself)."""
        return None


@runtime_checkable
class Uploader(Protocol):
    """An adapter whose network takes files in a call of their own before the post that uses them.

    The publisher calls ``upload`` for each of a post's files, records the answer in the
    journal (so a rerun after a crash reuses it until ``Uploaded.expires_at``), and passes
    it as ``Attached.remote``. An adapter without ``upload`` gets ``Attached.remote`` None
    and sends ``Attached.media.data`` with the post itself (e.g. a Telegram photo).
    """

    def upload(self, media: Media) -> Uploaded:
        """Upload one file with its description. Raises a PublishError subclass on failure."""


@dataclass(frozen=True)
class AccountCheck:
    """What one read-only call tells of an account: who the credentials belong to, and whether it may post."""

    who: str  # the name or handle the network knows the account by
    can_post: bool | None = None  # None: the network does not say without posting
    note: str = ""


class Adapter(Protocol):
    """What the publisher needs from a network account. Every call has a timeout."""

    def limits(self) -> Limits | None:
        """What the network says of this account's limits (Mastodon's instance), or None if it says nothing."""

    def post(self, out: Outgoing) -> PostRef:
        """Send one post (or reply, or quote). Raises a PublishError subclass on failure."""

    def check(self) -> AccountCheck:
        """Prove the credentials work with one read-only call (``statement-bot check``); raises like ``post``."""

    def find(self, out: Outgoing) -> PostRef | None:
        """After an unknown outcome: the post if it already exists, None if surely not.

        Raises ``Rejected`` when the network gives no way to tell (X free tier), so the
        publisher can stop the thread as needing attention instead of guessing.
        """

    def exists(self, ref: PostRef) -> bool:
        """Whether a post is still there (anniversaries of deleted posts)."""

    def boost(self, ref: PostRef) -> None:
        """Reblog/repost ``ref`` (Mastodon anniversaries); idempotent."""

    def delete(self, ref: PostRef) -> None:
        """Delete a post; deleting one already gone is not an error."""

    def close(self) -> None:
        """Release connections."""
