"""How each network words its errors and rate-limit headers (used by the fault layer and the servers)."""

from __future__ import annotations

import datetime as dt
import json
import math
import secrets
import time
from dataclasses import dataclass
from http import HTTPStatus


@dataclass(frozen=True)
class Style:
    """How a network words errors and rate-limit headers."""

    name: str

    def error(self, status: int, retry_after: int | None = None, echo: str | None = None) -> dict[str, object]:
        """The network's JSON error body for ``status``; ``echo`` (the request) goes into the message."""
        phrase = HTTPStatus(status).phrase
        if self.name == "telegram":
            return _telegram_error(status, phrase, retry_after, echo)
        if self.name == "threads":
            return _meta_error(status, echo)
        if self.name == "x":
            return {"title": phrase, "detail": echo or phrase, "type": "about:blank", "status": status}
        if self.name == "mastodon":
            return {"error": echo or ("Too many requests" if status == 429 else phrase)}
        code = "RateLimitExceeded" if status == 429 else phrase.replace(" ", "")
        return {"error": code, "message": echo or ("Rate Limit Exceeded" if status == 429 else phrase)}

    def rate_limit_headers(self, limit: int, remaining: int, reset: float, window: int = 300) -> dict[str, str]:
        """Rate-limit headers in the network's own format (``reset`` is epoch seconds)."""
        if self.name == "telegram":
            # The Bot API sends Retry-After (seconds) with its 429s (telegram-bot-api HttpConnection.cpp).
            return {"Retry-After": str(max(1, math.ceil(reset - time.time())))}
        if self.name == "threads":
            # Graph API usage in percent (developers.facebook.com/docs/graph-api/overview/rate-limiting).
            used = 100 if remaining <= 0 else int(100 * (limit - remaining) / max(limit, 1))
            return {"X-App-Usage": json.dumps({"call_count": used, "total_cputime": 0, "total_time": 0})}
        if self.name == "x":
            return {
                "x-rate-limit-limit": str(limit),
                "x-rate-limit-remaining": str(remaining),
                "x-rate-limit-reset": str(int(reset)),
            }
        if self.name == "mastodon":
            # Mastodon sends an ISO 8601 time with microseconds, not epoch seconds.
            when = dt.datetime.fromtimestamp(reset, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": when}
        return {
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(int(reset)),
            "RateLimit-Policy": f"{limit};w={window}",
        }


def _telegram_error(status: int, phrase: str, retry_after: int | None, echo: str | None) -> dict[str, object]:
    """Bot API error shape: {"ok": false, "error_code", "description", "parameters"?}
    (core.telegram.org/bots/api#making-requests)."""
    if status == 429:
        wait = retry_after or 1
        body: dict[str, object] = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {wait}",
            "parameters": {"retry_after": wait},
        }
    else:
        body = {"ok": False, "error_code": status, "description": phrase}
    if echo is not None:
        body["description"] = f"{body['description']}: {echo}"
    return body


def _meta_error(status: int, echo: str | None) -> dict[str, object]:
    """Graph API error shape (developers.facebook.com/docs/graph-api/guides/error-handling)."""
    if status == 429:
        code, message = 4, "Application request limit reached"  # code 4: API Too Many Calls
    elif status >= 500:
        code, message = 2, "An unexpected error has occurred. Please retry your request later."  # code 2: API Service
    else:
        code, message = 1, "An unknown error occurred"  # code 1: API Unknown
    error: dict[str, object] = {
        "message": f"{message} {echo}" if echo else message,
        "type": "OAuthException",
        "code": code,
        "is_transient": status == 429 or status >= 500,
        "fbtrace_id": secrets.token_urlsafe(8),
    }
    return {"error": error}


X, MASTODON, ATPROTO = Style("x"), Style("mastodon"), Style("atproto")
TELEGRAM, THREADS = Style("telegram"), Style("threads")
