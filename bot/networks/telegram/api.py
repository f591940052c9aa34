"""One Bot API call over httpx, every failure translated into ``bot.errors`` with the token kept out.

The token is part of every URL (``/bot<token>/<method>``), so it can surface wherever a URL
does: an error description from a gateway, httpx's request log. Descriptions are scrubbed
before they are used, and httpx's and httpcore's log records have bot tokens blanked.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from bot.errors import AuthError, PublishError, RateLimited, Rejected, Unavailable

_ANY_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")  # how @BotFather's tokens look
BLANK = "<bot token>"


class TelegramRejected(Rejected):
    """A refusal, with Telegram's own description (the adapter tells kinds of refusal apart by it)."""

    def __init__(self, message: str, account: str, description: str):
        super().__init__(message, account)
        self.description = description


class _BlankTokens(logging.Filter):
    """Blanks bot tokens in log records (httpx logs every request's URL at INFO)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _ANY_TOKEN.search(message):
            record.msg, record.args = _ANY_TOKEN.sub(BLANK, message), None
        return True


for _name in ("httpx", "httpcore"):
    if not any(isinstance(f, _BlankTokens) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(_BlankTokens())


class BotApi:
    """Calls ``{base}/bot<token>/<method>`` with JSON parameters; ``account`` names errors."""

    def __init__(self, account: str, token: str, base: str, timeout: float, clock: Callable[[], float]):
        self.account, self.clock = account, clock
        self._token = token
        self.http = httpx.Client(base_url=f"{base.rstrip('/')}/bot{token}/", timeout=timeout)

    def call(self, method: str, params: dict[str, Any], chat: str, file: tuple[str, str, bytes] | None = None) -> Any:
        """The method's ``result``; ``chat`` is the chat the call is about, for messages.

        ``file`` (field, file name, bytes) goes up as multipart/form-data, the other parameters as
        form fields with objects in JSON (core.telegram.org/bots/api#sending-files).
        """
        try:
            if file is None:
                response = self.http.post(method, json=params)
            else:
                form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
                field, name, data = file
                response = self.http.post(method, data=form, files={field: (name, data)})
        except httpx.HTTPError as e:  # timeouts, refused or dropped connections: the outcome is unknown
            raise Unavailable(f"{self._who} {method} failed: {type(e).__name__}", self.account) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Unavailable(
                f"{self._who} {method} answered {response.status_code} without a Bot API answer", self.account
            )
        if body.get("ok") is True:
            return body.get("result")
        code = int(body.get("error_code") or response.status_code)
        description = self.scrub(str(body.get("description") or response.reason_phrase))
        extra = body.get("parameters")
        parameters: dict[str, Any] = extra if isinstance(extra, dict) else {}
        raise self._error(method, code, description, parameters, response.headers.get("Retry-After"), chat)

    def scrub(self, text: str) -> str:
        """``text`` without this bot's token or anything shaped like a bot token."""
        return _ANY_TOKEN.sub(BLANK, text.replace(self._token, BLANK))

    def close(self) -> None:
        """Release the HTTP connections."""
        self.http.close()

    @property
    def _who(self) -> str:
        return f"account {self.account!r}: Telegram"

    def _error(
        self, method: str, code: int, description: str, parameters: dict[str, Any], header: str | None, chat: str
    ) -> PublishError:
        where = f"{self._who} {method} failed ({code} {description})"
        lowered = description.lower()
        if code == 429:
            wait = parameters.get("retry_after") or (int(header) if header and header.isdigit() else None)
            retry_at = datetime.fromtimestamp(self.clock() + float(wait), UTC) if wait else None
            return RateLimited(where, self.account, retry_at=retry_at)
        if code == 401:
            return AuthError(f"{where}: check the bot token (credentials.bot_token)", self.account)
        if code == 403 or "administrator rights" in lowered or "not enough rights" in lowered:
            return AuthError(f"{where}: make the bot an administrator of {chat} allowed to post messages", self.account)
        if "chat not found" in lowered:
            return AuthError(f"{where}: check the chat setting {chat!r} and that the bot was added there", self.account)
        if code >= 500:
            return Unavailable(where, self.account)
        return TelegramRejected(where, self.account, description)
