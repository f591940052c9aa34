"""A local Telegram Bot API server (channels, sendMessage/sendDocument/sendPhoto and friends) that enforces
the documented rules. Written from core.telegram.org/bots/api; nothing here imports the product.

URL shape ``/bot<token>/<method>`` (case-insensitive method names), parameters as query string, JSON,
form or multipart (core.telegram.org/bots/api#making-requests); answers ``{"ok": true, "result": …}`` or
``{"ok": false, "error_code", "description", "parameters"?}``. A real bot cannot read a channel's
history (no such method; getUpdates never carries the bot's own messages), so this server offers none
either: tests read what was posted with ``messages()`` or ``GET /_test/chats/<chat id>/messages``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.servers import media, params
from tests.servers import telegram_methods as tm
from tests.servers.faults import TELEGRAM, FaultingHandler, Faults, Reply
from tests.servers.local_api import LocalApi
from tests.servers.serving import start
from tests.servers.telegram_methods import ApiError, Call, bad, send
from tests.servers.telegram_state import Chat, Settings, TelegramBot, TelegramState

SEND_METHODS = ("sendmessage", "senddocument", "sendphoto")
PHOTO_BOUNDS = (90, 320, 800, 1280, 2560)  # the sides Telegram scales photo sizes to


def is_create(method: str, path: str) -> bool:
    """Create requests (the default target of a fault rule): the send methods."""
    name = path.rsplit("/", 1)[-1].lower()
    return path.startswith("/bot") and name in SEND_METHODS


def get_me(call: Call) -> Any:
    return {
        **tm.user(call.bot),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def get_chat(call: Call) -> Any:
    chat = tm.resolve_chat(call, write=False)
    return {**tm.chat_object(chat), "accent_color_id": 0, "max_reaction_count": 11}


def member_object(call: Call, chat: Chat, user_id: int) -> dict[str, Any]:
    """A ChatMember object (core.telegram.org/bots/api#chatmember)."""
    member = chat.members.get(user_id)
    bot = next((b for b in call.state.bots.values() if b.id == user_id), None)
    who = tm.user(bot) if bot else {"id": user_id, "is_bot": False, "first_name": "Owner"}
    if member is None:
        return {"status": "left", "user": who}
    out: dict[str, Any] = {"status": member.status, "user": who}
    if member.status == "administrator":
        out.update(can_be_edited=False, is_anonymous=False, **member.rights)
    elif member.status == "creator":
        out["is_anonymous"] = False
    elif member.status == "kicked":
        out["until_date"] = 0
    return out


def get_chat_member(call: Call) -> Any:
    chat = tm.resolve_chat(call, write=False)
    user_id = call.arg("user_id")
    if not user_id.isdigit():
        raise bad("invalid user_id specified")
    known = int(user_id) in chat.members or any(b.id == int(user_id) for b in call.state.bots.values())
    if not known:
        raise bad("user not found")
    return member_object(call, chat, int(user_id))


def get_chat_administrators(call: Call) -> Any:
    # "By default, bots other than the current bot are omitted" (return_bots adds them).
    chat = tm.resolve_chat(call, write=False)
    bot_ids = {b.id for b in call.state.bots.values()}
    wanted = [
        uid
        for uid, m in chat.members.items()
        if m.status in ("creator", "administrator")
        and (uid not in bot_ids or uid == call.bot.id or params.flag(call.args, "return_bots"))
    ]
    return [member_object(call, chat, uid) for uid in wanted]


def send_message(call: Call) -> Any:
    return send(call, {}, tm.formatted(call, "text", "entities", caption=False), caption=False)


def send_document(call: Call) -> Any:
    data, existing, name, mime = tm.input_file(call, "document")
    if data is not None and len(data) > call.state.settings.max_document_bytes:
        raise ApiError(413, "Request Entity Too Large")
    parsed = tm.formatted(call, "caption", "caption_entities", caption=True)
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    document = existing or call.state.add_file(
        "document", len(data or b""), data, extension, file_name=name, mime_type=mime or "application/octet-stream"
    )
    return send(call, {"document": document}, parsed, caption=True)


def send_photo(call: Call) -> Any:
    data, existing, _, _ = tm.input_file(call, "photo")
    if data is not None:
        # sendPhoto: at most 10 MB; width + height at most 10000; width/height ratio at most 20.
        if len(data) > call.state.settings.max_photo_bytes:
            raise bad("PHOTO_SAVE_FILE_INVALID")
        sniffed = media.sniff(data)
        if sniffed is None:
            raise bad("IMAGE_PROCESS_FAILED")
        _, width, height = sniffed
        if width + height > 10000 or max(width, height) > 20 * max(1, min(width, height)):
            raise bad("PHOTO_INVALID_DIMENSIONS")
        existing = call.state.add_file("photo", len(data), sizes=photo_sizes(call, width, height, data))
    parsed = tm.formatted(call, "caption", "caption_entities", caption=True)
    sizes = (existing or {}).get("sizes") or [existing]  # a single PhotoSize's file_id may be sent again too
    return send(call, {"photo": sizes}, parsed, caption=True)


def photo_sizes(call: Call, width: int, height: int, data: bytes) -> list[dict[str, Any]]:
    """PhotoSize objects, smallest first, as Telegram returns several scaled copies. Only the largest can be
    downloaded here (getFile), and it serves the uploaded bytes: Telegram would serve its own re-encoding."""
    sizes: list[dict[str, Any]] = []
    longest = max(width, height)
    for bound in PHOTO_BOUNDS:
        scale = min(1.0, bound / longest)
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        largest = scale == 1.0 or bound == PHOTO_BOUNDS[-1]
        if not sizes or (w, h) != (sizes[-1]["width"], sizes[-1]["height"]):
            size = math.ceil(len(data) * scale * scale)
            kept = call.state.add_file("photo_size", size, data if largest else None, media.extension(data))
            sizes.append({**kept, "width": w, "height": h})
        if scale == 1.0:
            break
    return sizes


def get_file(call: Call) -> Any:
    # getFile: "a File object … the file can then be downloaded via https://api.telegram.org/file/bot<token>/
    # <file_path>"; "bots can download files of up to 20MB in size".
    known = call.state.files.get(call.arg("file_id"))
    if known is None:
        raise bad("invalid file_id")
    if "file_path" not in known:
        raise bad("wrong file_id or the file is temporarily unavailable")
    if int(known["file_size"]) > 20 * 1024 * 1024:
        raise bad("file is too big")
    return {k: known[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}


def message_of(call: Call, purpose: str) -> tuple[Chat, Any]:
    """The (chat, message) a delete/edit call names, or the Bot API's "… not found"."""
    if not call.arg("chat_id"):
        raise bad("chat identifier is not specified")
    message_id = call.arg("message_id")
    if not message_id.isdigit() or int(message_id) == 0:
        raise bad("message identifier is not specified")
    chat = tm.resolve_chat(call, write=True)
    message = call.state.visible(chat, int(message_id))
    if message is None:
        raise bad(f"message to {purpose} not found")
    return chat, message


def delete_message(call: Call) -> Any:
    chat, message = message_of(call, "delete")
    member = chat.members.get(call.bot.id)
    rights = member.rights if member and member.status == "administrator" else {}
    own = message.sender_id == call.bot.id
    allowed = rights.get("can_delete_messages") or (own and (chat.type != "channel" or rights.get("can_post_messages")))
    if not allowed or call.state.now() - message.date >= call.state.settings.delete_window:
        raise bad("message can't be deleted")
    message.deleted = True
    return True


def edit_message_text(call: Call) -> Any:
    chat, message = message_of(call, "edit")
    member = chat.members.get(call.bot.id)
    if message.sender_id != call.bot.id and not (member and member.rights.get("can_edit_messages")):
        raise bad("message can't be edited")
    if message.text is None:
        raise bad("there is no text in the message to edit")
    done = tm.finished(call, tm.formatted(call, "text", "entities", caption=False), caption=False)
    if done.text == message.text and done.entities == message.entities:
        raise bad(
            "message is not modified: specified new message content and reply markup are exactly the same "
            "as a current content and reply markup of the message"
        )
    message.text, message.entities, message.edit_date = done.text, done.entities, int(call.state.now())
    return tm.render(call.state, message)


def get_updates(call: Call) -> Any:
    return []  # bots are not sent their own messages; nobody else posts in these channels


METHODS: dict[str, Callable[[Call], Any]] = {
    "getme": get_me,
    "getchat": get_chat,
    "getchatmember": get_chat_member,
    "getchatadministrators": get_chat_administrators,
    "sendmessage": send_message,
    "senddocument": send_document,
    "sendphoto": send_photo,
    "deletemessage": delete_message,
    "editmessagetext": edit_message_text,
    "getupdates": get_updates,
    "getfile": get_file,
}
TOKEN_SHAPE = re.compile(r"[1-9]\d*:[^/]+")


class TelegramHandler(FaultingHandler):
    """Routes ``/bot<token>/<method>`` after checking the token; ``/_test/…`` reads state for tests."""

    @property
    def state(self) -> TelegramState:
        state: TelegramState = self.server.state  # type: ignore[attr-defined]
        return state

    def commit(self, body: bytes) -> Reply:
        parts = urlsplit(self.path)
        inspect = re.fullmatch(r"/_test/chats/([^/]+)/messages", parts.path)
        if inspect and self.command == "GET":
            chat = self.state.resolve(unquote(inspect.group(1)))
            if chat is None:
                return 404, {}, {"error": "no such chat"}
            return 200, {}, [m.as_dict() for m in self.state.messages[chat.id].values()]
        download = re.fullmatch(r"/file/bot([^/]*)/(.+)", parts.path)
        if download and self.command == "GET":
            return self.download(unquote(download.group(1)), unquote(download.group(2)))
        match = re.fullmatch(r"/bot([^/]*)/([^/]+)", parts.path)
        if match is None:
            return 404, {}, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, method = unquote(match.group(1)), match.group(2).lower()
        try:
            bot = self.authenticate(token)
            args = params.parse(self.headers.get("Content-Type"), parts.query, body)
            if method not in METHODS:
                raise ApiError(404, "Not Found: method not found")
            return 200, {}, {"ok": True, "result": METHODS[method](Call(self.state, bot, args))}
        except params.BadBodyError as error:
            return self.fail(bad(str(error)))
        except ApiError as error:
            return self.fail(error)

    def download(self, token: str, path: str) -> Reply:
        """``GET /file/bot<token>/<file_path>``: a file getFile named, for a valid token."""
        try:
            self.authenticate(token)
        except ApiError as error:
            return self.fail(error)
        data = self.state.blobs.get(path)
        if data is None:
            return 404, {}, {"ok": False, "error_code": 404, "description": "Not Found"}
        return 200, {"Content-Type": "application/octet-stream"}, data

    def authenticate(self, token: str) -> TelegramBot:
        """The bot whose token this is; tokens never appear in error descriptions."""
        if not TOKEN_SHAPE.fullmatch(token) or len(token) > 80:
            raise ApiError(401, "Unauthorized: invalid token specified")
        bot = self.state.bots.get(token)
        if bot is None:
            raise ApiError(401, "Unauthorized")
        return bot

    def fail(self, error: ApiError) -> Reply:
        body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
        headers = {}
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
            headers["Retry-After"] = str(error.retry_after)
        return error.code, headers, body


class TelegramServer(LocalApi):
    """The running local Bot API: base URL, bots, channels, read-back, settings and faults."""

    def __init__(self) -> None:
        self.state = TelegramState()
        self.faults = Faults(is_create)
        self._running = start(TelegramHandler, state=self.state, faults=self.faults, style=TELEGRAM)

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT (methods live at ``{base_url}/bot<token>/<method>``)."""
        return self._running.base_url

    def create_bot(self, username: str = "statement_bot") -> TelegramBot:
        """A bot with a fresh token."""
        return self.state.add_bot(username)

    def create_channel(
        self,
        username: str | None,
        bot: TelegramBot | None = None,
        *,
        title: str = "Statements",
        status: str = "administrator",
        **rights: bool,
    ) -> Chat:
        """A channel (public if ``username``) where ``bot`` is an administrator that may post, unless
        ``status`` ("member", "left", "kicked") or rights (``can_post_messages=False``) say otherwise."""
        chat = self.state.add_chat(title, username)
        if bot is not None:
            self.state.set_member(chat, bot.id, status, **rights)
        return chat

    def set_member(self, chat: Chat, bot: TelegramBot, status: str, **rights: bool) -> None:
        """Change a bot's status or rights in a channel."""
        self.state.set_member(chat, bot.id, status, **rights)

    def messages(self, chat: Chat, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Messages stored in ``chat``, in id order (what a subscriber of the channel would see)."""
        with self.state.lock:
            stored = list(self.state.messages[chat.id].values())
        return [m.as_dict() for m in stored if include_deleted or not m.deleted]

    def configure(self, **settings: Any) -> None:
        """Change enforcement: chat_window=(n, seconds), global_window=(n, seconds), text_limit, caption_limit,
        length_unit ("code_points" or "utf16"), max_document_bytes, max_photo_bytes, delete_window."""
        self._configure(Settings, **settings)
