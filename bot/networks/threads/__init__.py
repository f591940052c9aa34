"""Threads (Meta): 500 counted as UTF-8 bytes, 5 links a post, replies by ``reply_to_id``, quotes on anniversaries.

Publishing is two steps: a container, then ``threads_publish``. A container is not
public, and one is published at most once: after an unknown outcome the adapter asks the
container's status and, if it was published, finds the post among the profile's recent
threads or replies by its text and reply target.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.model import MediaRules
from bot.networks.base import Mention, Network, Recovery, RepostStyle, Theme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.model import Account
    from bot.networks.base import Adapter, KeyValue
    from bot.text.counting import Rules

API = "https://graph.threads.net/v1.0"
_USERNAME = re.compile(r"@[A-Za-z0-9._]{1,30}")


class ThreadsNetwork(Network):
    """Threads' policy; the adapter (httpx) is imported only by ``connect``."""

    platform = "threads"
    name = "Threads"
    default_limit = 500
    hard_limit = 500  # the API refuses longer text ("Param text must be at most 500 characters long")
    url_cost = 0  # unused: a link counts the bytes it is written with
    credentials = ("access_token",)  # a long-lived token (60 days); refreshed copies are kept in the journal
    recovery = Recovery(
        timedelta(0),
        duplicate_proves_sent=False,
        by_hand=True,
        how="the container's status, then the profile's recent posts (same text, same reply target)",
    )
    repost = RepostStyle.QUOTE  # quote_post_id
    default_endpoint = "graph.threads.net"
    # Meta fetches an image from a public URL (``image_url``): the account's ``media_dir`` is a folder the
    # organisation's web server serves at ``media_base_url`` (``bot.networks.threads.hosting``).
    options = {"media_dir": str, "media_base_url": str}  # noqa: RUF012 - read-only by convention
    # Image posts: "JPEG and PNG", "8 MB maximum" (developers.facebook.com/docs/threads/posts, media
    # specifications); alt_text up to 1,000 characters.
    media = MediaRules(max_items=1, max_bytes=8 * 1024 * 1024, alt_limit=1000, types=("image/jpeg", "image/png"))
    theme = Theme("#000000", "#ffffff", "#000000", "#e5e5e5", "#000000", "#999999", "#000000", "#0095f6")

    def rules(self, limit: int, url_cost: int) -> Rules:
        """UTF-8 bytes (the strictest reading of Threads' 500 characters) and 5 links."""
        from bot.networks.threads.counting import threads_rules

        return threads_rules(limit)

    def connect(self, account: Account, secrets: Mapping[str, str], timeout: float, store: KeyValue) -> Adapter:
        """An HTTP client on the Threads Graph API (``api_base`` replaces https://graph.threads.net/v1.0)."""
        from bot.networks.threads.adapter import ThreadsAdapter

        return ThreadsAdapter(account, token=secrets["access_token"], timeout=timeout, store=store)

    def check(self, account: Account) -> tuple[str, str] | None:
        """``media_dir`` (an absolute folder) and ``media_base_url`` (an http(s) URL) come together."""
        folder, base = account.options.get("media_dir"), account.options.get("media_base_url")
        if (folder is None) != (base is None):
            return ("media_dir" if folder is None else "media_base_url"), (
                "media_dir and media_base_url go together: the folder the bot writes images to, and the public "
                "URL where the organisation's web server serves that folder"
            )
        if folder is not None and not str(folder).startswith("/"):
            return "media_dir", f"must be an absolute path (the bot may run from any folder), got {str(folder)!r}"
        if base is not None and not re.match(r"https?://[^/\s]+", str(base)):
            return "media_base_url", f"must be an http(s) URL, got {str(base)[:60]!r}"
        return None

    def media_for(self, account: Account) -> MediaRules | None:
        """Images only where the account says where to put them so that Meta can fetch them."""
        return self.media if account.options.get("media_base_url") else None

    def media_missing(self, account: Account) -> str | None:
        """Without ``media_dir``/``media_base_url`` the image is left out, and the preview says why."""
        if account.options.get("media_base_url"):
            return None
        return (
            "no image on Threads: Threads fetches images from a public URL; set media_dir and media_base_url "
            "(a folder your web server publishes) to post the statement's image"
        )

    def mention(self, text: str) -> Mention | None:
        """Threads links ``@username`` (letters, digits, ``.`` and ``_``); ``@user@host`` stays text."""
        user = _USERNAME.match(text)
        if user is None or text.count("@") > 1:
            return None
        name = user.group().rstrip(".")
        return Mention(name, text[len(name) :])


NETWORK = ThreadsNetwork()
