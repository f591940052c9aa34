"""X (Twitter): weighted 280 (long posts up to 25,000 for accounts that have them), quotes on anniversaries.

X has no idempotency key, but it refuses the same text twice as a duplicate: after an
unknown outcome the post is resent, and a duplicate refusal proves it is online.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.model import MediaRules, Prices
from bot.networks.base import FOREVER, Mention, Network, Recovery, RepostStyle, Theme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.model import Account
    from bot.networks.base import Adapter, KeyValue
    from bot.text.counting import Rules

_USER = re.compile(r"[@\uFF20][A-Za-z0-9_]{1,20}")


class XNetwork(Network):
    """X's policy; the adapter (tweepy) is imported only by ``connect``."""

    platform = "x"
    name = "X"
    default_limit = 280
    hard_limit = 25_000  # X's long posts, for accounts that have them (X Premium)
    url_cost = 23
    credentials = ("api_key", "api_secret", "access_token", "access_secret")
    recovery = Recovery(
        FOREVER,
        duplicate_proves_sent=True,
        by_hand=True,
        how="X refuses a resent text as a duplicate, then the post is looked up",
    )
    repost = RepostStyle.QUOTE
    default_endpoint = "api.twitter.com"
    refuses_duplicates = True  # X answers 403 to a text the account posted recently
    # POST /2/media/upload: up to 4 images of at most 5 MB; alt text (POST /2/media/metadata) up to 1,000 characters.
    media = MediaRules(max_items=4, max_bytes=5 * 1024 * 1024, alt_limit=1000)
    # Pay-per-use since February 2026 (docs.x.com/x-api/getting-started/pricing): "Content: Create"
    # $0.015 a request, "Content: Create (with URL)" $0.200. Accounts may set their own (``prices``).
    prices = Prices(post=0.015, post_with_link=0.20, currency="USD")
    theme = Theme("#0f1419", "#fff", "#0f1419", "#eff3f4", "#0f1419", "#536471", "#0f1419", "#1d9bf0")  # X's own

    def rules(self, limit: int, url_cost: int) -> Rules:
        """twitter-text v3 weighted length (X fixes a URL's cost at 23 itself)."""
        from bot.networks.x.counting import x_rules

        return x_rules(limit)

    def connect(self, account: Account, secrets: Mapping[str, str], timeout: float, store: KeyValue) -> Adapter:
        """A tweepy client with OAuth 1.0a user context."""
        from bot.networks.x.adapter import XAdapter

        return XAdapter(
            account,
            api_key=secrets["api_key"],
            api_secret=secrets["api_secret"],
            access_token=secrets["access_token"],
            access_secret=secrets["access_secret"],
            timeout=timeout,
        )

    def post_url(self, account: Account, remote_id: str) -> str:
        """``https://x.com/<handle>/status/<id>`` (``i/web`` when no handle is configured)."""
        return f"https://x.com/{(account.handle or '').lstrip('@') or 'i/web'}/status/{remote_id}"

    def mention(self, text: str) -> Mention | None:
        """X links ``@user`` (up to 20 letters, digits, _) and nothing of ``@user@host``."""
        user = _USER.match(text)
        if user is None or text.count("@") + text.count("\uff20") > 1:
            return None
        return Mention(user.group(), text[user.end() :])


NETWORK = XNetwork()
