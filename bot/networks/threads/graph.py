"""Threads Graph API calls over httpx, and Meta's errors translated into ``bot.errors``.

The access token travels in an ``Authorization: Bearer`` header, never in a URL, and is
blanked from anything Threads says back before it reaches a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from bot.errors import AuthError, PublishError, RateLimited, Rejected, Unavailable

THROTTLED = {4, 17, 32, 613}  # app, user, page and custom rate limits (Graph API error codes)
EXPIRED = 190  # an invalid or expired access token
BLANK = "<access token>"
_TOKENISH = re.compile(r"(?i)(bearer\s+|access_token=)[^\s&\"';,\]]+")


class GraphRejected(Rejected):
    """A refusal with Meta's ``code`` and ``subcode`` (the adapter tells kinds of refusal apart by them)."""

    def __init__(self, message: str, account: str, code: int, subcode: int | None):
        super().__init__(message, account)
        self.code, self.subcode = code, subcode


class GraphThrottled(RateLimited):
    """Code 4/17/32/613: ``code`` says which limit (17: the profile's own quotas)."""

    def __init__(self, message: str, account: str, code: int):
        super().__init__(message, account)
        self.code = code


class Graph:
    """Calls relative to ``base`` with the token ``token()`` returns; ``account`` names errors."""

    def __init__(self, account: str, base: str, timeout: float, token: Callable[[], str]):
        self.account, self.base, self.token = account, base.rstrip("/"), token
        self.http = httpx.Client(timeout=timeout)

    def call(self, method: str, path: str, params: dict[str, Any] | None = None, action: str = "") -> Any:
        """The JSON answer of ``method path`` (``path`` absolute, or relative to the base)."""
        url = path if "://" in path else f"{self.base}{path}"
        token = self.token()
        headers = {"Authorization": f"Bearer {token}"}
        action = action or method.lower()
        try:
            if method == "POST":
                response = self.http.post(url, data=params or {}, headers=headers)
            else:
                response = self.http.request(method, url, params=params or {}, headers=headers)
        except httpx.HTTPError as e:  # timeouts, refused or dropped connections: the outcome is unknown
            raise Unavailable(f"{self._who} {action} failed: {type(e).__name__}", self.account) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Unavailable(f"{self._who} {action} answered {response.status_code} unreadably", self.account)
        error = body.get("error")
        if response.status_code < 400 and not isinstance(error, dict):
            return body
        raise self._error(action, response.status_code, error if isinstance(error, dict) else {}, token)

    def close(self) -> None:
        """Release the HTTP connections."""
        self.http.close()

    @property
    def _who(self) -> str:
        return f"account {self.account!r}: Threads"

    def _error(self, action: str, status: int, error: dict[str, Any], token: str) -> PublishError:
        code = int(error.get("code") or 0)
        subcode = error.get("error_subcode")
        said = " ".join(str(error[k]) for k in ("message", "error_user_msg") if error.get(k))
        said = _TOKENISH.sub(lambda m: m.group(1) + BLANK, said).replace(token, BLANK)[:300]
        where = f"{self._who} {action} failed ({status}, code {code}{f'/{subcode}' if subcode else ''}: {said})"
        if code == EXPIRED or code in (102, 104) or status == 401:
            return AuthError(
                f"{where}: issue a new long-lived token and put it in the variable credentials.access_token names",
                self.account,
            )
        if code in THROTTLED or status == 429:
            return GraphThrottled(where, self.account, code)
        if status >= 500 or (error.get("is_transient") and code not in THROTTLED):
            return Unavailable(where, self.account)
        return GraphRejected(where, self.account, code, int(subcode) if subcode else None)
