"""Telegram channels through the Bot API: 4,096 characters a message, a chain of replies, 20 messages a minute.

A bot has no idempotency key and cannot read its channel's history. After an unknown
outcome the adapter asks a chat the bot owns (``probe_chat``) to reply to the candidate
message ids, quoting the post's text: Telegram answers whether such a message exists
without anything appearing in the channel. Without a probe chat a person decides.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.model import MediaRules
from bot.networks.base import Mention, Network, Pace, Recovery, RepostStyle, Theme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.model import Account
    from bot.networks.base import Adapter, KeyValue
    from bot.text.counting import Rules

API = "https://api.telegram.org"
_USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}")  # t.me usernames: 5-32 characters, a letter first
_CHAT = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}|-100\d{5,}")  # a public channel, or a channel's numeric id


def chat_of(account: Account, key: str = "chat") -> str | None:
    """The account's ``chat`` (or ``probe_chat``) as the Bot API takes it: ``@username`` or a numeric id."""
    value = account.options.get(key)
    return None if value is None else str(value).strip()


def message_url(chat: str, message_id: str) -> str | None:
    """``https://t.me/<channel>/<id>``; for a private channel (numeric id) the members-only ``t.me/c/`` link."""
    if chat.startswith("@"):
        return f"https://t.me/{chat[1:]}/{message_id}"
    if chat.startswith("-100") and chat[4:].isdigit():
        return f"https://t.me/c/{chat[4:]}/{message_id}"
    return None


class TelegramNetwork(Network):
    """Telegram's policy; the adapter (httpx) is imported only by ``connect``."""

    platform = "telegram"
    name = "Telegram"
    default_limit = 4096  # sendMessage: "1-4096 characters after entities parsing"
    hard_limit = 4096
    url_cost = 0  # unused: a link counts as the characters it is written with
    credentials = ("bot_token",)
    required = ("chat",)
    options = {"chat": (str, int), "probe_chat": (str, int)}  # noqa: RUF012 - read-only by convention
    # core.telegram.org/bots/faq: "not more than 20 messages per minute to the same group"
    pace = Pace(20, timedelta(minutes=1))
    recovery = Recovery(
        timedelta(0),
        duplicate_proves_sent=False,
        by_hand=True,
        how="a read-only probe from the account's probe_chat (else a person)",
    )
    repost = RepostStyle.QUOTE  # a new message replying to the original: Telegram shows the original above it
    default_endpoint = "api.telegram.org"
    link_display_max = 4096  # Telegram shows a link as written
    # sendPhoto: "at most 10 MB", "width and height must not exceed 10000 in total", "width and height ratio must
    # be at most 20" (a longer image is padded at its sides); Telegram keeps photos at most 2560 px on a side, so
    # larger ones are scaled here. No alt text: the Bot API has no field for one.
    media = MediaRules(
        max_items=1,
        max_bytes=10 * 1024 * 1024,
        alt_limit=0,
        max_side=2560,
        max_aspect=20,
        types=("image/jpeg", "image/png"),
    )
    caption_limit = 1024  # sendPhoto/sendDocument caption: "0-1024 characters after entities parsing"
    source_document_bytes = 50 * 1024 * 1024  # sendDocument: "files of any type of up to 50 MB"
    theme = Theme("#2aabee", "#ffffff", "#000000", "#e7ebf0", "#2aabee", "#8d969f", "#000000", "#168acd")

    def rules(self, limit: int, url_cost: int) -> Rules:
        """Code points of the text as Telegram stores it (HTML tags and entities do not count)."""
        from bot.networks.telegram.counting import telegram_rules

        return telegram_rules(limit)

    def connect(self, account: Account, secrets: Mapping[str, str], timeout: float, store: KeyValue) -> Adapter:
        """An HTTP client on the Bot API (``api_base`` replaces https://api.telegram.org)."""
        from bot.networks.telegram.adapter import TelegramAdapter

        return TelegramAdapter(account, token=secrets["bot_token"], timeout=timeout, store=store)

    def check(self, account: Account) -> tuple[str, str] | None:
        """``chat`` and ``probe_chat`` must name channels the Bot API can address, and not the same one."""
        for key in ("chat", "probe_chat"):
            chat = chat_of(account, key)
            if chat is not None and not _CHAT.fullmatch(chat):
                return key, f"must be a channel's @username or its numeric id (-100…), got {chat!r}"
        probe = chat_of(account, "probe_chat")
        if probe is not None and probe.lower() == (chat_of(account) or "").lower():
            return "probe_chat", "must be another chat than chat: probes would appear in the channel"
        return None

    def post_url(self, account: Account, remote_id: str) -> str | None:
        """The message's t.me link (``remote_id`` may be that link already, as ``--resolve`` takes it)."""
        chat, message_id = chat_of(account), remote_id.strip().rstrip("/").rsplit("/", 1)[-1]
        return message_url(chat, message_id) if chat and message_id.isdigit() else None

    def mention(self, text: str) -> Mention | None:
        """Telegram links ``@username`` (5 to 32 letters, digits, _); ``@user@host`` stays text."""
        user = _USERNAME.match(text)
        if user is None or text.count("@") > 1:
            return None
        return Mention(user.group(), text[user.end() :])


NETWORK = TelegramNetwork()
