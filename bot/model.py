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


@dataclass(frozen=True)
class Organisation:
    """Who publishes: what every thread may carry besides the statement itself."""

    name: str = ""
    slogans: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    statement_url_template: str | None = None


@dataclass(frozen=True)
class Post:
    """One post of a thread; ``length`` is the network's own count, ``index`` from 1."""

    index: int
    text: str
    length: int


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
