"""Mastodon: the instance says its limit and URL cost; Idempotency-Key for resends; boosts on anniversaries."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.model import MediaRules
from bot.networks.base import Mention, Network, Recovery, RepostStyle, Theme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.model import Account
    from bot.networks.base import Adapter, KeyValue
    from bot.text.counting import Rules


def instance_url(account: Account) -> str:
    """The instance's base URL (``api_base`` wins over ``instance``), with a scheme."""
    base = (account.api_base or account.instance or "").rstrip("/")
    return base if "://" in base else "https://" + base


class MastodonNetwork(Network):
    """Mastodon's policy; the adapter (Mastodon.py) is imported only by ``connect``."""

    platform = "mastodon"
    name = "Mastodon"
    default_limit = 500
    hard_limit = None  # instances set their own (GET /api/v2/instance); a configured limit may only lower it
    url_cost = 23
    credentials = ("access_token",)
    required = ("instance",)
    # Mastodon remembers an Idempotency-Key for about an hour; older unknowns are looked up first.
    recovery = Recovery(
        timedelta(minutes=50),
        duplicate_proves_sent=False,
        by_hand=True,
        how="the Idempotency-Key for 50 minutes, then the account's recent posts",
    )
    repost = RepostStyle.BOOST_AND_LINK
    # Mastodon's defaults (MediaAttachment: 16 MB images, 33,177,600 pixels, descriptions of 1,500,
    # Status::MEDIA_ATTACHMENTS_LIMIT 4); the instance's own, from /api/v2/instance, win (``Limits.media``).
    media = MediaRules(max_items=4, max_bytes=16 * 1024 * 1024, alt_limit=1500, max_pixels=33_177_600)
    theme = Theme(
        "#563acc", "#282c37", "#ffffff", "#393f4f", "#6364ff", "#9baec8", "#d9e1e8", "#8c8dff", square_avatars=True
    )  # dark columns, violet accents

    def rules(self, limit: int, url_cost: int) -> Rules:
        """Graphemes, with every URL counting the instance's ``characters_reserved_per_url``."""
        from bot.networks.mastodon.counting import mastodon_rules

        return mastodon_rules(limit, url_cost)

    def connect(self, account: Account, secrets: Mapping[str, str], timeout: float, store: KeyValue) -> Adapter:
        """A Mastodon.py client on the account's instance."""
        from bot.networks.mastodon.adapter import MastodonAdapter

        return MastodonAdapter(account, access_token=secrets["access_token"], timeout=timeout, store=store)

    def limits_key(self, account: Account) -> str:
        """One cache entry per instance."""
        return f"mastodon.instance_limits:{instance_url(account)}"

    def link_text(self, url: str) -> str | None:
        """Only links with a scheme are links; ``www.`` is dropped from what is shown."""
        if "://" not in url[:12]:
            return None
        rest = url.split("://", 1)[1]
        return super().link_text(rest[4:] if rest.lower().startswith("www.") else rest)

    def mention(self, text: str) -> Mention:
        """``@user@host`` shows as ``@user``, the full address as its title."""
        if text.count("@") + text.count("\uff20") > 1:
            return Mention(text[: text.replace("\uff20", "@").index("@", 1)], title=text)
        return Mention(text)


NETWORK = MastodonNetwork()
