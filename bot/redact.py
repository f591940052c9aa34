"""Keep secrets out of everything shown or stored: messages, logs, the journal.

Every credential the bot reads from the environment passes through ``remember`` (see
``bot.config.credential``); from then on ``scrub`` replaces that value, in plain, URL-encoded
or JSON-escaped form, with ``[redacted]``, and also blanks what looks like a credential
whatever its origin: ``Authorization`` headers, OAuth parameters, ``access_token=…`` and
JSON Web Tokens. ``bot.publishing.connect`` scrubs every error leaving an adapter, the
journal scrubs every message it stores, and the log record factory installed here scrubs
every log line, so a new network gets all of it without doing anything.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
MIN_SECRET = 4  # shorter values would blank ordinary words; real credentials are long

_NAMES = (
    "oauth_consumer_key|oauth_token|oauth_signature|oauth_nonce|access_token|refresh_token|client_secret"
    "|api_key|api_secret|password|app_password|accessJwt|refreshJwt|token"
)
_PATTERNS = (
    # An Authorization header as a gateway or SDK prints it, up to the next header or bracket.
    # Everything up to the next header (";"), the end of the list ("]") or of the line: OAuth values hold quotes.
    re.compile(r"(?i)\b((?:proxy-)?authorization[\"']?\s*[:=]\s*)[^;\[\]\n\r]+"),
    # OAuth 1.0a parameters and credential-looking query, form or JSON fields.
    re.compile(rf"(?i)\b((?:{_NAMES})=\\*\"?)[^&\s\"',;}}\[\]\\]+"),
    re.compile(rf"(?i)(\"(?:{_NAMES})\"\s*:\s*\")[^\"]+"),
    # JSON Web Tokens (Bluesky sessions, bearer tokens) wherever they appear.
    re.compile(r"()\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]+"),
    # Telegram bot tokens in a URL path: /bot<digits>:<secret>/
    re.compile(r"(/bot)\d{5,}:[\w-]{20,}"),
)

_lock = threading.Lock()
_secrets: set[str] = set()
_forms: tuple[str, ...] = ()  # every secret's shown forms, longest first
_installed = False


def remember(value: str) -> None:
    """Scrub ``value`` from everything from now on (a credential read from the environment)."""
    global _forms
    if len(value) < MIN_SECRET or value in _secrets:
        return
    with _lock:
        _secrets.add(value)
        forms = {v for s in _secrets for v in _encodings(s) if len(v) >= MIN_SECRET}
        _forms = tuple(sorted(forms, key=len, reverse=True))
    _install_log_scrubber()


def forget_all() -> None:
    """Forget every remembered secret (tests)."""
    global _forms
    with _lock:
        _secrets.clear()
        _forms = ()


def _encodings(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}


def scrub(text: str) -> str:
    """``text`` with every remembered secret and anything credential-shaped replaced by ``[redacted]``."""
    for pattern in _PATTERNS:  # first: a [redacted] put in by the forms below would end a header early
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    for form in _forms:
        if form in text:
            text = text.replace(form, REDACTED)
    return text


def scrub_exception(error: BaseException) -> BaseException:
    """Scrub ``error``'s message and string attributes in place, and cut its chain (SDK errors carry requests)."""
    error.args = tuple(scrub(a) if isinstance(a, str) else a for a in error.args)
    for name, value in list(vars(error).items()):
        if isinstance(value, str):
            setattr(error, name, scrub(value))
    error.__cause__ = None
    error.__context__ = None
    error.__suppress_context__ = True
    return error


def _install_log_scrubber() -> None:
    """Scrub every log record as it is made, whatever handler or formatter later prints it."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler to report
            return record
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            _scrub_chain(record.exc_info[1])
        return record

    logging.setLogRecordFactory(factory)


def _scrub_chain(error: BaseException) -> None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(scrub(a) if isinstance(a, str) else a for a in current.args)
        current = current.__cause__ or current.__context__
