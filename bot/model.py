"""The domain, as frozen dataclasses. Data flows one way:

statement file -> ``Statement`` -> ``Thread`` per ``Account`` -> publisher -> adapter -> journal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Statement:
    """One statement, read and repaired, ready to be split.

    ``id`` is stable across edits of the same file (front matter ``id`` or the file
    name); ``content_hash`` changes with every edit, so the two together tell an edit
    from a new statement.
    """

    id: str
    title: str
    paragraphs: tuple[str, ...]
    language: str
    content_hash: str
    path: str = ""
    date: dt.date | None = None
    date_line: str | None = None  # the line stating ``date`` as the text writes it (place included), if any
    url: str | None = None
    hook: str | None = None
    slogans: tuple[str, ...] = ()
    signature: str | None = None
    links: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    accounts: tuple[str, ...] | None = None
    publish_at: dt.datetime | None = None
    anniversary: str | tuple[dt.date, ...] | None = None
    translation_of: str | None = None
    source_format: str = "txt"
    image: str | None = None  # front matter ``image``: a file path (relative to the cwd, like ``path``), or "none"
    alt: str | None = None  # front matter ``alt``: the image's description


@dataclass(frozen=True)
class Account:
    """One configured account on one network. Credentials are env var *names*."""

    name: str
    platform: str  # a ``bot.networks.registry.Platform`` value, checked by the config
    handle: str | None = None
    instance: str | None = None
    limit: int | None = None
    max_posts: int | None = None
    posts_per_day: int | None = None
    numbering: str | None = "{i}/{n}"
    hashtags: tuple[str, ...] = ()
    credentials: dict[str, str] = field(default_factory=dict)
    visibility: str = "public"
    spoiler_text: str | None = None
    api_base: str | None = None
    options: dict[str, str | int | float | bool] = field(default_factory=dict)  # Network.options keys
    prices: Prices | None = None  # None: the network's own (``Network.prices``), if it charges
    max_cost: float | None = None  # ``max_cost_usd``: the most one thread may cost
    over_budget: str = "cut"  # "cut" like max_posts, or "hold" (not posted)
    mode: str = "thread"  # or "single": one post with the title, the image and the link to the full statement
    link_in_opener: bool = False  # the statement's url in the first post (on X that post costs the link price)


@dataclass(frozen=True)
class Organisation:
    """Who publishes: what every thread may carry besides the statement itself."""

    name: str = ""
    slogans: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    statement_url_template: str | None = None


@dataclass(frozen=True)
class Prices:
    """What a network charges per post (X's pay-per-use API); a post containing a URL costs more."""

    post: float
    post_with_link: float
    currency: str = "USD"


@dataclass(frozen=True)
class Cost:
    """What one thread costs to post: ``posts`` in all, ``posts_with_links`` of them at the link price."""

    currency: str
    amount: float
    posts: int
    posts_with_links: int


@dataclass(frozen=True)
class MediaRules:
    """What a network takes on one post: how many images, how big, how long their descriptions."""

    max_items: int
    max_bytes: int
    alt_limit: int  # characters (code points) of a description
    alt_required: bool = False
    max_pixels: int | None = None  # width x height (Mastodon's image_matrix_limit)
    max_side: int | None = None  # longest side in pixels
    max_aspect: float | None = None  # longest side over shortest (Telegram refuses photos over 20)
    types: tuple[str, ...] = ("image/jpeg", "image/png", "image/gif", "image/webp")


@dataclass(frozen=True)
class Media:
    """One image attached to a post, already within its network's ``MediaRules``.

    ``path`` is where it came from (the statement's image, or ``file.pdf#page=1`` for a
    PDF's rendered first page); ``data`` is exactly what is uploaded.
    """

    path: str
    alt: str
    mime: str
    width: int
    height: int
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Bytes uploaded."""
        return len(self.data)

    @property
    def digest(self) -> str:
        """SHA-256 of ``data``: names the file in the journal."""
        import hashlib

        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Post:
    """One post of a thread; ``length`` is the network's own count, ``index`` from 1.

    ``media`` is attached to it; ``card`` is a URL the network shows as a link card
    (Bluesky's ``app.bsky.embed.external``), when it makes one.
    """

    index: int
    text: str
    length: int
    media: tuple[Media, ...] = ()
    card: str | None = None


@dataclass(frozen=True)
class Thread:
    """The exact posts that go to one account, with what the splitter had to say."""

    account: str
    platform: str
    limit: int
    posts: tuple[Post, ...]
    warnings: tuple[str, ...] = ()
    language: str = "en"
    statement_id: str = ""
    cost: Cost | None = None  # None: the network charges nothing
    held: str | None = None  # why the thread is not to be posted (over budget with ``over_budget: hold``)
