"""The Bot API methods of the local Telegram server, each enforcing its documented rules.

Method pages: core.telegram.org/bots/api#sendmessage, #senddocument, #sendphoto, #deletemessage,
#editmessagetext, #getchat, #getchatmember, #getchatadministrators, #getme. Error descriptions are the
Bot API server's own (github.com/tdlib/telegram-bot-api, telegram-bot-api/Client.cpp) and TDLib's
(td/telegram/MessageContent.cpp "Message is too long", DialogManager.cpp "Need administrator rights in
the channel chat"), lower-cased after the prefix as the Bot API does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.servers import media, params
from tests.servers.params import Upload
from tests.servers.telegram_html import EntityError, Formatted, finish, parse_html, utf16_len
from tests.servers.telegram_state import Chat, Message, TelegramBot, TelegramState

URL_LIMITS = {"photo": 5 * 1024 * 1024, "document": 20 * 1024 * 1024}  # "Sending Files": 5 MB photos, 20 MB others


class ApiError(Exception):
    """A failed call: HTTP/error code, description and, for 429, retry_after seconds."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def bad(description: str) -> ApiError:
    """A 400 with the Bot API's prefix."""
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class Call:
    """One method call: the server state, the calling bot and its parameters."""

    state: TelegramState
    bot: TelegramBot
    args: dict[str, Any]

    def arg(self, name: str) -> str:
        return params.text(self.args, name)


def user(bot: TelegramBot) -> dict[str, Any]:
    """The bot as a User object."""
    return {"id": bot.id, "is_bot": True, "first_name": bot.first_name, "username": bot.username}


def chat_object(chat: Chat) -> dict[str, Any]:
    """A Chat object (id, type, title, username)."""
    out: dict[str, Any] = {"id": chat.id, "title": chat.title, "type": chat.type}
    if chat.username:
        out["username"] = chat.username
    return out


def render(state: TelegramState, message: Message, with_reply: bool = True) -> dict[str, Any]:
    """A Message object as the Bot API returns it for a bot's channel post."""
    chat = state.chats[message.chat_id]
    out: dict[str, Any] = {"message_id": message.message_id, "chat": chat_object(chat), "date": message.date}
    out["sender_chat" if chat.type == "channel" else "from"] = (
        chat_object(chat) if chat.type == "channel" else {"id": message.sender_id, "is_bot": True}
    )
    fields = {
        "text": message.text,
        "entities": message.entities or None,
        "caption": message.caption,
        "caption_entities": message.caption_entities or None,
        "document": message.document,
        "photo": message.photo,
        "link_preview_options": message.link_preview_options,
        "edit_date": message.edit_date,
    }
    out.update({key: value for key, value in fields.items() if value is not None})
    parent = state.messages[chat.id].get(message.reply_to or 0)
    if with_reply and parent is not None and not parent.deleted:
        # "will not contain further reply_to_message fields even if it itself is a reply"
        out["reply_to_message"] = render(state, parent, with_reply=False)
    return out


def resolve_chat(call: Call, write: bool) -> Chat:
    """The target chat, checked as the Bot API's check_chat / check_chat_access do."""
    chat_id = call.arg("chat_id")
    if not chat_id:
        raise bad("chat_id is empty")
    chat = call.state.resolve(chat_id)
    if chat is None:
        raise bad("chat not found")
    member = chat.members.get(call.bot.id)
    kind = "channel" if chat.type == "channel" else "supergroup"
    if member is not None and member.status == "kicked":
        raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
    in_chat = member is not None and member.status in ("creator", "administrator", "member")
    if not in_chat and (write or not chat.username):  # public chats can be read without joining
        raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
    return chat


def require_posting(call: Call, chat: Chat) -> None:
    """Only administrators with can_post_messages may post in a channel."""
    member = chat.members.get(call.bot.id)
    if chat.type == "channel" and not (
        member and member.status == "administrator" and member.rights.get("can_post_messages")
    ):
        raise bad("need administrator rights in the channel chat")


def formatted(call: Call, field: str, entities_field: str, caption: bool) -> Formatted:
    """The text after entity parsing (parse_mode HTML, or explicit entities), not yet trimmed."""
    raw = call.arg(field)
    if not raw and not caption:
        raise bad("message text is empty")
    if len(raw.encode("utf-8", "surrogatepass")) > 1 << 15:
        raise bad("text is too long")
    mode = call.arg("parse_mode").lower()
    if raw and mode and mode != "none":
        if mode not in ("html", "markdown", "markdownv2"):
            raise bad("unsupported parse_mode")
        if mode != "html":
            raise bad("this local server implements parse_mode HTML only")
        try:
            return parse_html(raw)
        except EntityError as error:
            raise bad(f"can't parse entities: {error}") from error
    try:
        given = params.obj(call.args, entities_field) or []
    except ValueError as error:
        raise bad("can't parse entities JSON object") from error
    return Formatted(raw, [dict(e) for e in given if isinstance(e, dict)])


def measure(state: TelegramState, text: str) -> int:
    """Length as TDLib checks it: code points (utf8_length) unless a test asks for UTF-16 units."""
    return utf16_len(text) if state.settings.length_unit == "utf16" else len(text)


def finished(call: Call, parsed: Formatted, caption: bool) -> Formatted:
    """Trimmed text within its limit ("message is too long" / "message caption is too long")."""
    done = finish(parsed)
    if not done.text and not caption:
        raise bad("text must be non-empty")
    limit = call.state.settings.caption_limit if caption else call.state.settings.text_limit
    if measure(call.state, done.text) > limit:
        raise bad("message caption is too long" if caption else "message is too long")
    return done


def preview_options(call: Call) -> dict[str, Any] | None:
    """link_preview_options (or the legacy disable_web_page_preview)."""
    try:
        options = params.obj(call.args, "link_preview_options")
    except ValueError as error:
        raise bad("can't parse link preview options JSON object") from error
    if options is None:
        return {"is_disabled": True} if params.flag(call.args, "disable_web_page_preview") else None
    if not isinstance(options, dict):
        raise bad("object expected as link preview options")
    return options


def reply_target(call: Call) -> tuple[str, int, bool]:
    """(chat_id, message_id, allow_sending_without_reply) from reply_parameters or the legacy fields."""
    try:
        reply = params.obj(call.args, "reply_parameters")
    except ValueError as error:
        raise bad("can't parse reply parameters JSON object") from error
    if isinstance(reply, dict):
        return (
            str(reply.get("chat_id") or ""),
            int(reply.get("message_id") or 0),
            bool(reply.get("allow_sending_without_reply")),
        )
    legacy = call.arg("reply_to_message_id")
    return "", int(legacy) if legacy.lstrip("-").isdigit() else 0, params.flag(call.args, "allow_sending_without_reply")


def check_reply(call: Call, chat: Chat, target: tuple[str, int, bool]) -> int | None:
    """The replied-to message id in ``chat``, or None; missing → "message to be replied not found"."""
    reply_chat_id, message_id, allow_missing = target
    if message_id <= 0:
        return None
    where = call.state.resolve(reply_chat_id) if reply_chat_id else chat
    target_message = call.state.visible(where, message_id) if where is not None else None
    if target_message is not None:
        check_quote(call, target_message)
        return message_id if where is chat else None
    if allow_missing:
        return None
    raise bad("message to be replied not found")


STYLES = ("bold", "italic", "underline", "strikethrough", "spoiler")  # what a quote must repeat exactly


def check_quote(call: Call, target: Message) -> None:
    """ReplyParameters.quote: "an exact substring of the message to be replied to, including bold, italic,
    underline, strikethrough, spoiler … entities"; the text or caption is searched, else QUOTE_TEXT_INVALID."""
    reply = params.obj(call.args, "reply_parameters")
    quote = str(reply.get("quote") or "") if isinstance(reply, dict) else ""
    if not quote:
        return
    mode = str(reply.get("quote_parse_mode") or "").lower() if isinstance(reply, dict) else ""
    try:
        parsed = parse_html(quote) if mode == "html" else Formatted(quote, [])
    except EntityError as error:
        raise bad(f"can't parse quote entities: {error}") from error
    if measure(call.state, parsed.text) > 1024:
        raise bad("QUOTE_TEXT_INVALID")
    text, entities = (
        (target.text, target.entities) if target.text is not None else (target.caption, target.caption_entities)
    )
    text = text or ""
    start = text.find(parsed.text)
    while start >= 0 and parsed.text:
        if _same_styles(entities, parsed.entities, utf16_len(text[:start]), utf16_len(parsed.text)):
            return
        start = text.find(parsed.text, start + 1)
    raise bad("QUOTE_TEXT_INVALID")


def _same_styles(message: list[dict[str, Any]], quote: list[dict[str, Any]], at: int, size: int) -> bool:
    """Whether the message's style entities over [at, at + size) (UTF-16 units) are exactly the quote's."""

    def spans(entities: list[dict[str, Any]], shift: int) -> set[tuple[str, int, int]]:
        out = set()
        for e in entities:
            start, end = int(e["offset"]) - shift, int(e["offset"]) + int(e["length"]) - shift
            if e["type"] in STYLES and end > 0 and start < size:
                out.add((str(e["type"]), max(start, 0), min(end, size)))
        return out

    return spans(message, at) == spans(quote, 0)


def send(call: Call, content: dict[str, Any], parsed: Formatted, caption: bool) -> dict[str, Any]:
    """The shared tail of every send method: chat, reply, rights, limits, flood control, store."""
    preview = preview_options(call)
    target = reply_target(call)
    chat = resolve_chat(call, write=True)
    reply_to = check_reply(call, chat, target)
    require_posting(call, chat)
    done = finished(call, parsed, caption)
    wait = call.state.flood_wait(chat)
    if wait is not None:
        raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
    if caption:
        content.update(caption=done.text or None, caption_entities=done.entities)
    else:
        content.update(text=done.text, entities=done.entities, link_preview_options=preview)
    message = call.state.store(chat, call.bot, reply_to=reply_to, **content)
    return render(call.state, message)


def input_file(call: Call, field: str) -> tuple[bytes | None, dict[str, Any] | None, str, str]:
    """(new bytes, or an existing file, filename, mime type) for an upload, attach://, file_id or URL."""
    value = call.args.get(field)
    if isinstance(value, str) and value.startswith("attach://"):
        value = call.args.get(value[9:])
    if isinstance(value, Upload):
        return value.data, None, value.filename, value.content_type
    if not isinstance(value, str) or not value:
        raise bad(f"there is no {field} in the request")
    known = call.state.files.get(value)
    if known is not None and str(known["kind"]).startswith(field):
        return None, {k: v for k, v in known.items() if k != "kind"}, "", ""
    if value.startswith(("http://", "https://")):
        try:
            data, mime = media.fetch_local(value, URL_LIMITS[field])
        except media.FetchError as error:
            raise bad("failed to get HTTP URL content") from error
        return data, None, value.rstrip("/").rsplit("/", 1)[-1], mime
    raise bad("wrong file identifier/HTTP URL specified")
