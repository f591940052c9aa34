"""What the local Telegram Bot API server stores: bots, channels with their members, messages, files,
flood-control windows and settings, behind one lock with a clock tests can advance."""

from __future__ import annotations

import itertools
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

MB = 1024 * 1024
# ChatMemberAdministrator rights (core.telegram.org/bots/api#chatmemberadministrator), as a channel admin bot has them.
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_post_messages",
    "can_edit_messages",
)


@dataclass(frozen=True)
class TelegramBot:
    """A bot account and its token (``<bot id>:<secret>``, as @BotFather issues them)."""

    id: int
    username: str
    token: str
    first_name: str


@dataclass
class Member:
    """A user's status in a chat: creator, administrator (with rights), member, left or kicked."""

    status: str
    rights: dict[str, bool] = field(default_factory=dict)


@dataclass
class Chat:
    """A channel (or group) the bots post to; ``id`` is -100… as Telegram gives channels."""

    id: int
    title: str
    username: str | None
    type: str = "channel"
    members: dict[int, Member] = field(default_factory=dict)
    next_message_id: int = 1


@dataclass
class Message:
    """A stored message; ``text`` or ``caption`` is the text after entity parsing."""

    message_id: int
    chat_id: int
    date: int
    sender_id: int
    text: str | None = None
    entities: list[dict[str, object]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, object]] = field(default_factory=list)
    document: dict[str, Any] | None = None
    photo: list[dict[str, Any]] | None = None
    reply_to: int | None = None
    link_preview_options: dict[str, Any] | None = None
    edit_date: int | None = None
    deleted: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Read-back form for tests (deleted messages included, flagged)."""
        out = {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "date": self.date,
            "text": self.text,
            "entities": self.entities,
            "caption": self.caption,
            "caption_entities": self.caption_entities,
            "document": self.document,
            "photo": self.photo,
            "reply_to_message_id": self.reply_to,
            "link_preview_options": self.link_preview_options,
            "edit_date": self.edit_date,
            "deleted": self.deleted,
            "sender_id": self.sender_id,
        }
        return out


@dataclass
class Settings:
    """Enforcement settings (changeable per test through ``TelegramServer.configure``)."""

    # core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this: no more than 20 messages per
    # minute to the same group, about 30 messages per second overall. (Channels: the same per-chat figure,
    # per @BotSupport; the FAQ names groups only.)
    chat_window: tuple[int, float] = (20, 60.0)
    global_window: tuple[int, float] = (30, 1.0)
    text_limit: int = 4096  # sendMessage: "1-4096 characters after entities parsing"
    caption_limit: int = 1024  # sendDocument/sendPhoto: "0-1024 characters after entities parsing"
    length_unit: str = "code_points"  # TDLib counts utf8_length (code points); "utf16" is stricter
    max_document_bytes: int = 50 * MB  # sendDocument: "files of any type of up to 50 MB"
    max_photo_bytes: int = 10 * MB  # sendPhoto: "The photo must be at most 10 MB in size"
    delete_window: float = 48 * 3600.0  # deleteMessage: "only be deleted if it was sent less than 48 hours ago"


class TelegramState:
    """All server state behind one lock; ``offset`` moves the clock for tests."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.offset = 0.0
        self.bots: dict[str, TelegramBot] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, dict[int, Message]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.blobs: dict[str, bytes] = {}  # file_path -> the bytes getFile's download serves
        self.settings = Settings()
        self.sent: dict[int, deque[float]] = {}
        self.sent_all: deque[float] = deque()
        self._bot_ids = itertools.count(7_000_000_001)
        self._chat_ids = itertools.count(1_000_000_001)
        self._user_ids = itertools.count(500_000_001)

    def now(self) -> float:
        """Server time (real time plus any test-advanced offset)."""
        return time.time() + self.offset

    def clear(self) -> None:
        """Forget chats, messages, files, windows and settings; bots (and their tokens) stay."""
        with self.lock:
            self.chats.clear()
            self.messages.clear()
            self.files.clear()
            self.blobs.clear()
            self.sent.clear()
            self.sent_all.clear()
            self.settings = Settings()
            self.offset = 0.0

    def add_bot(self, username: str) -> TelegramBot:
        """Register a bot with a fresh token."""
        with self.lock:
            bot_id = next(self._bot_ids)
            bot = TelegramBot(bot_id, username, f"{bot_id}:AA{secrets.token_urlsafe(24)[:33]}", username)
            self.bots[bot.token] = bot
            return bot

    def add_chat(self, title: str, username: str | None, kind: str = "channel") -> Chat:
        """A new channel with a human creator; bots join through ``set_member``."""
        with self.lock:
            chat = Chat(-(10**12 + next(self._chat_ids)), title, username, kind)
            chat.members[next(self._user_ids)] = Member("creator")
            self.chats[chat.id] = chat
            self.messages[chat.id] = {}
            return chat

    def set_member(self, chat: Chat, user_id: int, status: str, **rights: bool) -> None:
        """Make ``user_id`` an administrator (default rights of a posting bot, overridable), member, left or kicked."""
        with self.lock:
            granted = {name: name not in ("can_promote_members", "can_restrict_members") for name in ADMIN_RIGHTS}
            granted.update(rights)
            chat.members[user_id] = Member(status, granted if status == "administrator" else {})

    def resolve(self, chat_id: str) -> Chat | None:
        """The chat a ``chat_id`` names: a numeric id or ``@username`` (case-insensitive, like Telegram)."""
        chat_id = chat_id.strip()
        if chat_id.startswith("@"):
            name = chat_id[1:].lower()
            return next((c for c in self.chats.values() if c.username and c.username.lower() == name), None)
        try:
            return self.chats.get(int(chat_id))
        except ValueError:
            return None

    def visible(self, chat: Chat, message_id: int | None) -> Message | None:
        """A message that exists in ``chat`` and was not deleted."""
        message = self.messages[chat.id].get(message_id or 0)
        return message if message and not message.deleted else None

    def flood_wait(self, chat: Chat) -> int | None:
        """Seconds to wait if sending to ``chat`` now would break a flood window; else record the send."""
        now = self.now()
        with self.lock:
            chat_sent = self.sent.setdefault(chat.id, deque())
            waits = []
            for sent, (limit, span) in (
                (chat_sent, self.settings.chat_window),
                (self.sent_all, self.settings.global_window),
            ):
                while sent and sent[0] <= now - span:
                    sent.popleft()
                if len(sent) >= limit:
                    waits.append(max(1, math.ceil(sent[0] + span - now)))
            if waits:
                return max(waits)
            chat_sent.append(now)
            self.sent_all.append(now)
            return None

    def store(self, chat: Chat, sender: TelegramBot, **content: Any) -> Message:
        """Save a message with the chat's next id (ids grow by one per chat)."""
        with self.lock:
            message = Message(chat.next_message_id, chat.id, int(self.now()), sender.id, **content)
            chat.next_message_id += 1
            self.messages[chat.id][message.message_id] = message
            return message

    def add_file(
        self, kind: str, size: int, data: bytes | None = None, extension: str = "bin", **info: Any
    ) -> dict[str, Any]:
        """Register an uploaded file under a new file_id / file_unique_id; ``data``, when given, is what a
        download of it (getFile) serves."""
        with self.lock:
            file = {
                "file_id": f"{kind[:2].upper()}{secrets.token_urlsafe(30)}",
                "file_unique_id": f"AQAD{secrets.token_urlsafe(9)}",
                "file_size": size,
                **info,
            }
            stored: dict[str, Any] = {"kind": kind, **file}
            if data is not None:
                folder = "photos" if kind.startswith("photo") else "documents"
                stored["file_path"] = f"{folder}/file_{len(self.blobs)}.{extension}"
                self.blobs[stored["file_path"]] = data
            self.files[file["file_id"]] = stored
            return file
