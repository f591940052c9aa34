"""Bluesky: 300 graphemes and 3,000 bytes, links shown shortened, records under fixed keys, quotes on anniversaries."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.model import MediaRules
from bot.networks.base import Mention, Network, Recovery, RepostStyle, Theme
from bot.text.entities import DISPLAY_URL_MAX, display_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.model import Account
    from bot.networks.base import Adapter, KeyValue
    from bot.text.counting import Rules


class BlueskyNetwork(Network):
    """Bluesky's policy; the adapter (atproto) is imported only by ``connect``."""

    platform = "bluesky"
    name = "Bluesky"
    default_limit = 300
    hard_limit = 300  # the lexicon's maxGraphemes for app.bsky.feed.post text: the PDS refuses more
    url_cost = DISPLAY_URL_MAX  # a link counts what is shown of it, at most this
    credentials = ("password",)
    required = ("handle",)
    recovery = Recovery(
        timedelta(0), duplicate_proves_sent=False, by_hand=False, how="the record key fixed before the first attempt"
    )
    repost = RepostStyle.QUOTE
    default_endpoint = "bsky.social"
    # app.bsky.embed.images: at most 4 images, each a blob of at most 2,000,000 bytes, ``alt`` required
    # (the lexicon sets no length; the Bluesky app stops at 2,000 characters, MAX_ALT_TEXT).
    media = MediaRules(
        max_items=4,
        max_bytes=2_000_000,
        alt_limit=2000,
        alt_required=True,
        types=("image/jpeg", "image/png", "image/webp"),
    )
    link_cards = True  # app.bsky.embed.external, from the page's Open Graph tags
    theme = Theme("#0085ff", "#fff", "#0b0f14", "#d4dbe2", "#0085ff", "#6f869f", "#0b0f14", "#1083fe")  # sky blue

    def rules(self, limit: int, url_cost: int) -> Rules:
        """Graphemes and bytes of the text as sent (links shortened)."""
        from bot.networks.bluesky.counting import bluesky_rules

        return bluesky_rules(limit)

    def connect(self, account: Account, secrets: Mapping[str, str], timeout: float, store: KeyValue) -> Adapter:
        """An atproto client on the account's PDS, logging in with an app password."""
        from bot.networks.bluesky.adapter import BlueskyAdapter

        return BlueskyAdapter(account, password=secrets["password"], timeout=timeout, store=store)

    def link_text(self, url: str) -> str:
        """Bluesky's own shortening (the facet keeps the full URL)."""
        return display_url(url)

    def facets(self, text: str) -> list[dict[str, Any]]:
        """Link and hashtag facets over the text as sent (links shortened; byte offsets). A mention's facet
        needs the account's DID, which the adapter looks up when posting, so it is not among these."""
        from bot.networks.bluesky.facets import build_facets

        return build_facets(text)[1]

    def mention(self, text: str) -> Mention | None:
        """A Bluesky handle is a domain: ``@name`` alone, or ``@a@b``, stays plain text."""
        if "." not in text or text.count("@") + text.count("\uff20") > 1:
            return None
        return Mention(text)


NETWORK = BlueskyNetwork()
