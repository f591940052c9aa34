"""A link card (``app.bsky.embed.external``): title, description and thumbnail from a page's Open Graph tags.

Bluesky shows no card unless the post carries one, and the PDS does not fetch pages, so the
client does. Everything here may fail (slow, huge, malformed pages, no tags, a thumbnail
that is not an image): then there is no card, or no thumbnail, and the post goes out with
its plain link. Never an exception from ``fetch_card``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from bot.media.images import Image, ImageProblem, shrink, sniff

log = logging.getLogger(__name__)

TIMEOUT = 5.0  # seconds for each of the page and the thumbnail
MAX_PAGE_BYTES = 1 << 20  # the head of a page is enough; a huge page is read only this far
MAX_IMAGE_BYTES = 5 << 20  # thumbnails larger than this are not fetched at all
THUMB_BYTES = 1_000_000  # app.bsky.embed.external#external thumb: maxSize 1,000,000
THUMB_SIDE = 2000
TITLE_MAX, DESCRIPTION_MAX = 300, 1000


@dataclass(frozen=True)
class Card:
    """What the card shows; ``thumb`` is an image of at most ``THUMB_BYTES``, or None."""

    url: str
    title: str
    description: str
    thumb: Image | None = None


class _Meta(HTMLParser):
    """The ``og:*`` meta tags, ``<meta name=description>`` and ``<title>`` of a page, up to ``</head>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key and key not in self.meta and "content" in values:
                self.meta[key] = values["content"].strip()
        elif tag == "title":
            self._in_title = True
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.title:
            self.title = " ".join(data.split())


def parse_card(url: str, html: str) -> tuple[str, str, str | None] | None:
    """(title, description, absolute thumbnail URL or None) from a page, or None when it has no title at all."""
    parser = _Meta()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some malformed markup
        pass
    meta = parser.meta
    title = meta.get("og:title") or meta.get("twitter:title") or parser.title
    if not title:
        return None
    description = meta.get("og:description") or meta.get("twitter:description") or meta.get("description") or ""
    image = meta.get("og:image") or meta.get("og:image:url") or meta.get("twitter:image")
    thumb = urljoin(url, image) if image else None
    if thumb and urlsplit(thumb).scheme not in ("http", "https"):
        thumb = None
    return " ".join(title.split())[:TITLE_MAX], " ".join(description.split())[:DESCRIPTION_MAX], thumb


def fetch_card(url: str, client: httpx.Client | None = None) -> Card | None:
    """The card for ``url``, or None when the page cannot give one (any failure: the post keeps a plain link)."""
    own = client is None
    http = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True, headers={"User-Agent": "statement-bot"})
    try:
        page = _get(http, url, MAX_PAGE_BYTES, truncate=True)
        if page is None:
            return None
        body, kind, final = page
        if kind and "html" not in kind:
            return None
        found = parse_card(final, body.decode("utf-8", "replace"))
        if found is None:
            return None
        title, description, image_url = found
        return Card(url, title, description, _thumb(http, image_url) if image_url else None)
    except Exception as e:  # a card is a nicety: nothing about it may fail a post
        log.info("no link card for %s: %s", url, type(e).__name__)
        return None
    finally:
        if own:
            http.close()


def _get(http: httpx.Client, url: str, cap: int, truncate: bool = False) -> tuple[bytes, str, str] | None:
    """(body, content type, final URL) of a 200 answer; None if not 200, or longer than ``cap`` (unless
    ``truncate``: then its first ``cap`` bytes, enough for a page's head)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    with http.stream("GET", url) as response:
        if response.status_code != 200:
            return None
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > cap and not truncate:
            return None
        chunks, total = [], 0
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                return (b"".join(chunks)[:cap], _kind(response), str(response.url)) if truncate else None
        return b"".join(chunks), _kind(response), str(response.url)


def _kind(response: httpx.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _thumb(http: httpx.Client, url: str) -> Image | None:
    """The thumbnail within 1,000,000 bytes (made smaller with Pillow when it is larger), or None."""
    got = _get(http, url, MAX_IMAGE_BYTES)
    if got is None:
        return None
    found = sniff(got[0])
    if found is None:
        return None
    image = Image(got[0], *found)
    if len(image.data) <= THUMB_BYTES and image.mime != "image/gif":
        return image
    try:
        return shrink(image, THUMB_BYTES, None, THUMB_SIDE, ("image/jpeg", "image/png"))
    except ImageProblem:
        return None
