"""Telegram channels through the Bot API (plain HTTP, httpx).

A thread is a chain of messages, each replying to the one before (``reply_parameters``);
only the first one notifies subscribers. Text goes out as HTML (``markup.to_html``). A post
with a file is a photo (an image) or a document (the statement's PDF), its text the caption.

The Bot API has no idempotency key and a bot cannot read its channel's history, so an
unknown outcome is settled by probing (``find``): from ``probe_chat``, a chat the bot
owns, it sends a reply to message N of the channel quoting the post's opening text.
Telegram refuses it when message N does not exist ("message to be replied not found")
or does not contain that text (QUOTE_TEXT_INVALID), and otherwise sends it, in the probe
chat only; the probe reply is deleted at once. Message ids grow by one per channel, so
the candidates are the ids after the last message the bot knows of (the post replied
to, or the highest id it has seen there, kept in the journal). Nothing is written to
the channel, and no one else's message is touched.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from enum import Enum
from typing import Any

from bot.errors import PublishError, Rejected, Unavailable
from bot.model import Account
from bot.networks.base import AccountCheck, KeyValue, Limits, Outgoing, PostRef
from bot.networks.telegram import API, chat_of, message_url
from bot.networks.telegram.api import BotApi, TelegramRejected
from bot.networks.telegram.markup import quote_html, to_html

MAX_PROBES = 25  # candidate ids tried before giving up (each is one call)
MISSES_TO_END = 2  # consecutive missing ids that mean "past the channel's last message"
_LINK_ID = re.compile(r"(?:^|/)(\d+)/?$")


class _Seen(Enum):
    OURS = "ours"  # the message exists and holds the text
    MISSING = "missing"  # no such message (never sent, or deleted)
    OTHER = "other"  # a message with other text


class TelegramAdapter:
    """Posts, replies, quotes and deletes in one Telegram channel."""

    def __init__(
        self, account: Account, *, token: str, timeout: float, store: KeyValue, clock: Callable[[], float] = time.time
    ):
        chat = chat_of(account)
        if not chat:
            raise Rejected(f"account {account.name!r}: no chat is configured", account.name)
        self.account, self.chat, self.store = account, chat, store
        self.probe_chat = chat_of(account, "probe_chat")
        self.api = BotApi(account.name, token, account.api_base or API, timeout, clock)

    def limits(self) -> Limits | None:
        """The Bot API reports no limits: they are the documented ones."""
        return None

    def check(self) -> AccountCheck:
        """``getMe``, then ``getChatMember`` for the bot in the channel: an admin that may post?"""
        me = self.api.call("getMe", {}, self.chat)
        member = self.api.call("getChatMember", {"chat_id": self.chat, "user_id": me["id"]}, self.chat)
        status = str(member.get("status") or "")
        can_post = status == "creator" or (status == "administrator" and bool(member.get("can_post_messages")))
        note = f"{status} of {self.chat}" + ("" if can_post else ": make the bot an admin allowed to post messages")
        return AccountCheck(f"@{me.get('username')}", can_post, note)

    def post(self, out: Outgoing) -> PostRef:
        """Send one message; a reply in the chain, or (an anniversary) a reply to the original message.

        A post with a file is that file with the text as its caption: an image as a photo
        (``sendPhoto``), anything else (the statement's PDF) as a document (``sendDocument``).
        """
        text = to_html(out.text, bold_first_line=_opens(out))
        params: dict[str, Any] = {"chat_id": self.chat, "parse_mode": "HTML"}
        if out.reply_to is not None:
            params["reply_parameters"] = {"message_id": self._id(out.reply_to)}
            params["disable_notification"] = True  # subscribers are notified once per statement
        elif out.quote is not None:  # the original may be gone: then the message stands alone
            params["reply_parameters"] = {"message_id": self._id(out.quote), "allow_sending_without_reply": True}
        if not out.media:
            params.update(text=text, link_preview_options={"is_disabled": True})
            message = self.api.call("sendMessage", params, self.chat)
        else:
            media = out.media[0].media  # Telegram's rules allow one file a post
            photo = media.mime.startswith("image/")
            params["caption"] = text
            field = "photo" if photo else "document"
            upload = (field, _file_name(media.path, media.mime), media.data)
            message = self.api.call("sendPhoto" if photo else "sendDocument", params, self.chat, upload)
        if not isinstance(message, dict) or not str(message.get("message_id", "")).isdigit():
            raise Unavailable(
                f"account {self.account.name!r}: Telegram answered without a message id", self.account.name
            )
        return self._adopt(int(message["message_id"]))

    def find(self, out: Outgoing) -> PostRef | None:
        """After an unknown outcome: the message if the probe finds it, None if surely not sent.

        Raises ``Rejected`` (the thread then waits for a person) when there is no probe chat,
        or the probes reach no end.
        """
        floor = max([self._last_seen(), *(self._id(r) for r in (out.reply_to, out.quote) if r is not None)])
        if self.probe_chat is None:
            raise Rejected(
                f"account {self.account.name!r}: a Telegram bot cannot read its channel and no probe_chat is "
                f"configured; the post would be message {floor + 1} or later in {self.chat}"
                f"{_link(self.chat, floor + 1)}",
                self.account.name,
            )
        quote = quote_html(out.text, bold_first_line=_opens(out))
        misses = 0
        for candidate in range(floor + 1, floor + 1 + MAX_PROBES):
            seen = self._probe(candidate, quote)
            if seen is _Seen.OURS:
                return self._adopt(candidate)
            misses = misses + 1 if seen is _Seen.MISSING else 0
            if misses >= MISSES_TO_END:
                return None
        raise Rejected(
            f"account {self.account.name!r}: {MAX_PROBES} messages after message {floor} of {self.chat} were "
            "checked without reaching the end of the channel",
            self.account.name,
        )

    def exists(self, ref: PostRef) -> bool:
        """Whether the message is still there (assumed, without a probe chat to ask)."""
        return self.probe_chat is None or self._probe(self._id(ref), None) is not _Seen.MISSING

    def boost(self, ref: PostRef) -> None:
        """Not used on Telegram: anniversaries reply to the original message instead."""
        raise Rejected(
            f"account {self.account.name!r}: reposting is not used on Telegram (anniversaries reply instead)",
            self.account.name,
        )

    def delete(self, ref: PostRef) -> None:
        """Delete a message; one already gone is fine. Bots may delete only messages under 48 hours old."""
        try:
            self.api.call("deleteMessage", {"chat_id": self.chat, "message_id": self._id(ref)}, self.chat)
        except TelegramRejected as e:
            if "not found" in e.description.lower():
                return
            if "can't be deleted" in e.description.lower():
                raise Rejected(
                    f"{e}: Telegram lets a bot delete a channel message only within 48 hours; delete "
                    f"{ref.url or 'message ' + ref.id} in the channel by hand",
                    self.account.name,
                ) from None
            raise

    def close(self) -> None:
        """Release the HTTP connections."""
        self.api.close()

    def _probe(self, message_id: int, quote: str | None) -> _Seen:
        """Whether message ``message_id`` of the channel exists (and contains ``quote``, HTML), asked from the
        probe chat."""
        if self.probe_chat is None:
            raise Rejected(f"account {self.account.name!r}: no probe_chat is configured", self.account.name)
        reply: dict[str, Any] = {"chat_id": self.chat, "message_id": message_id}
        if quote:
            reply.update(quote=quote, quote_parse_mode="HTML")
        params = {
            "chat_id": self.probe_chat,
            "text": f"statement-bot: checking message {message_id} of {self.chat}",
            "disable_notification": True,
            "reply_parameters": reply,
        }
        try:
            probe = self.api.call("sendMessage", params, self.probe_chat)
        except TelegramRejected as e:
            said = e.description.lower()
            if "message to be replied not found" in said:
                return _Seen.MISSING
            if "quote" in said:  # QUOTE_TEXT_INVALID, "quote not found": the message holds other text
                return _Seen.OTHER
            raise
        if isinstance(probe, dict) and str(probe.get("message_id", "")).isdigit():
            try:  # a leftover probe only clutters the bot's own chat
                self.api.call("deleteMessage", {"chat_id": self.probe_chat, "message_id": probe["message_id"]}, "")
            except PublishError:
                pass
        return _Seen.OURS

    def _adopt(self, message_id: int) -> PostRef:
        """The message as a ``PostRef``; remember the channel's highest id seen (the probes start after it)."""
        if message_id > self._last_seen():
            self.store.set_value(self._seen_key, str(message_id))
        return PostRef(id=str(message_id), url=message_url(self.chat, str(message_id)))

    @property
    def _seen_key(self) -> str:
        return f"telegram.last_message:{self.chat.lower()}"

    def _last_seen(self) -> int:
        value = self.store.get_value(self._seen_key) or ""
        return int(value) if value.isdigit() else 0

    def _id(self, ref: PostRef) -> int:
        """The message id of ``ref`` (also from a pasted t.me link, as ``--resolve`` may get)."""
        match = _LINK_ID.search(ref.id.strip())
        if match is None:
            raise Rejected(f"account {self.account.name!r}: {ref.id!r} is not a Telegram message id", self.account.name)
        return int(match.group(1))


def _opens(out: Outgoing) -> bool:
    """Whether the post opens a thread (its first line, the title, is shown bold)."""
    return out.reply_to is None and out.quote is None


def _file_name(path: str, mime: str) -> str:
    """The name Telegram shows for a file: the statement's own for its PDF, a plain one for an image."""
    if mime.startswith("image/"):
        return "statement." + ("jpg" if mime == "image/jpeg" else mime.split("/")[-1])
    return os.path.basename(path.split("#", 1)[0]) or "statement.pdf"


def _link(chat: str, message_id: int) -> str:
    url = message_url(chat, str(message_id))
    return f" ({url})" if url else ""
