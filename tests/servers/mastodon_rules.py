"""The real Mastodon rules mastodon-mock lacks, applied by the proxy in front of it.

- Status length (content warning + text) counted like Mastodon's StatusLengthValidator, written
  here from Mastodon's source, independently of statement-bot's counters: every link Mastodon
  extracts counts ``url_length``, every ``@user@domain`` counts as ``@user``, and the result is
  measured in ICU grapheme clusters (links and graphemes from ``tests.servers.counter``)
  → 422 ``{"error": "Validation failed: Text character limit of N exceeded"}``.
- ``/api/v1/instance`` and ``/api/v2/instance`` advertise this proxy's limit and URL cost.
- Rate limits with Mastodon's headers (``X-RateLimit-Reset`` is ISO 8601): 300 requests per
  5 minutes per token, and status creation 300 per 3 hours per account (replays of an
  Idempotency-Key that already made a status do not count) → 429 ``{"error": "Too many requests"}``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import regex

from tests.servers import counter
from tests.servers.faults import MASTODON, Reply
from tests.servers.mastodon_media import MediaLedger, media_ids

STATUS_PATH = re.compile(r"/api/v1/statuses(?:/(\d+))?")
MEDIA_PATH = re.compile(r"/api/v[12]/media")
INSTANCE_PATH = re.compile(r"/api/v[12]/instance/?")


# Ruby's [[:word:]] on Unicode text: letters, marks, decimal digits, connector punctuation.
_WORD = r"\p{L}\p{M}\p{Nd}\p{Pc}"
# Account::MENTION_RE since Mastodon 4.2 (USERNAME_RE inlined); group 1 is user@domain.
MENTION = regex.compile(
    rf"(?<![=/{_WORD}])@(([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[{_WORD}.-]+[{_WORD}]+)?)", regex.IGNORECASE
)
# twitter-text's end_mention_match: a mention followed by one of these is no mention.
END_MENTION = regex.compile(
    r"[@\uFF20\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259"
    r"\u025B\u0263\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF]|://",
    regex.IGNORECASE,
)
BLANK = regex.compile(r"\p{White_Space}*")


def mentions(text: str) -> list[tuple[int, int, str]]:
    """Mastodon's extract_mentions_or_lists_with_indices: (start, end, user@domain)."""
    return [(m.start(), m.end(), m.group(1)) for m in MENTION.finditer(text) if not END_MENTION.match(text, m.end())]


def countable_text(text: str, url_length: int) -> str:
    """StatusLengthValidator#countable_text: links as ``url_length`` x's, ``@user@domain`` as ``@user``."""
    if BLANK.fullmatch(text):
        return ""
    entities = [(start, end, "x" * url_length) for start, end in counter.mastodon_url_spans(text)]
    if "@" in text:
        entities += [(start, end, "@" + name.split("@")[0]) for start, end, name in mentions(text)]
    parts, pos = [], 0
    for start, end, replacement in sorted(entities):
        if start < pos:
            continue  # Extractor.remove_overlapping_entities: the one that starts first stays
        parts += [text[pos:start], replacement]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def status_length(text: str, spoiler: str, url_length: int) -> int:
    """Mastodon's count for a status: graphemes of the content warning joined to the countable text."""
    return counter.graphemes(spoiler + countable_text(text, url_length))


def form_fields(headers: Any, body: bytes) -> dict[str, str]:
    """status / spoiler_text from a JSON or form-encoded request body."""
    kind = (headers.get("Content-Type") or "").lower()
    if "json" in kind:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return {}
        return {k: str(v) for k, v in data.items() if isinstance(v, str)}
    if "multipart" in kind:
        from email.parser import BytesParser

        message: Any = BytesParser().parsebytes(f"Content-Type: {headers.get('Content-Type')}\r\n\r\n".encode() + body)
        return {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True).decode()
            for part in message.get_payload()
            if not part.get_filename()
        }
    return {k: v[0] for k, v in parse_qs(body.decode(errors="replace"), keep_blank_values=True).items()}


class MastodonRules:
    """Length and rate-limit rules for one proxied instance (thread-safe, resettable)."""

    def __init__(self, limit: int = 500, url_length: int = 23) -> None:
        counter.require()
        self.lock = threading.Lock()
        self.limit = limit
        self.url_length = url_length
        self.api_window = (300, 300)  # (requests, seconds) per token
        self.status_window = (300, 3 * 3600)  # statuses created per account
        self._slots: dict[tuple[str, str], list[float]] = {}
        self._keys: set[tuple[str, str]] = set()  # (token, Idempotency-Key) of statuses created
        self.media = MediaLedger()

    def reset(self, limit: int = 500, url_length: int = 23) -> None:
        """Back to Mastodon's defaults with fresh windows."""
        with self.lock:
            self.limit, self.url_length = limit, url_length
            self.api_window, self.status_window = (300, 300), (300, 3 * 3600)
            self._slots.clear()
            self._keys.clear()
        self.media.reset()

    def _take(self, kind: str, token: str, window: tuple[int, int]) -> tuple[bool, dict[str, str]]:
        """Count one request in ``token``'s window; (allowed, Mastodon rate-limit headers)."""
        limit, span = window
        now = time.time()
        with self.lock:
            slot = self._slots.setdefault((kind, token), [now, 0])
            if now >= slot[0] + span:
                slot[0], slot[1] = now, 0
            allowed = slot[1] < limit
            if allowed:
                slot[1] += 1
            return allowed, MASTODON.rate_limit_headers(limit, int(limit - slot[1]), slot[0] + span)

    def before(self, method: str, path: str, headers: Any, body: bytes) -> Reply | None:
        """Refuse over-limit or rate-limited requests before mastodon-mock sees them."""
        bare = urlsplit(path).path
        token = (headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        if not token or not bare.startswith("/api/"):
            return None
        # A replayed Idempotency-Key returns the status already made: Mastodon does not count it.
        creating = method == "POST" and bare == "/api/v1/statuses" and not self._replay(token, headers)
        kind, window = ("statuses", self.status_window) if creating else ("api", self.api_window)
        allowed, limit_headers = self._take(kind, token, window)
        if not allowed:
            return 429, limit_headers, {"error": "Too many requests"}
        match = STATUS_PATH.fullmatch(bare)
        if match and (creating or (method == "PUT" and match.group(1))):
            fields = form_fields(headers, body)
            length = status_length(fields.get("status", ""), fields.get("spoiler_text", ""), self.url_length)
            if length > self.limit:
                error = f"Validation failed: Text character limit of {self.limit} exceeded"
                return 422, limit_headers, {"error": error}
        if creating:
            ids = media_ids(headers, body)
            refused = self.media.check_status(token, ids) if ids else None
            if refused:
                return 422, limit_headers, {"error": refused}
            self.media.posted(ids)
        if method == "POST" and MEDIA_PATH.fullmatch(bare):
            refused = self.media.check_upload(headers, body)
            if refused:
                return 422, limit_headers, {"error": refused}
        return None

    def _replay(self, token: str, headers: Any) -> bool:
        """Whether this create repeats an Idempotency-Key that already made a status."""
        with self.lock:
            return (token, headers.get("Idempotency-Key") or "") in self._keys

    def after(self, method: str, path: str, headers: Any, reply: Reply) -> Reply:
        """Replace mastodon-mock's rate-limit headers with ours; advertise our length rules."""
        status, out, payload = reply
        out = {k: v for k, v in out.items() if not k.lower().startswith("x-ratelimit")}
        bare = urlsplit(path).path
        token = (headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        creating = method == "POST" and bare == "/api/v1/statuses"
        if creating and status == 200 and headers.get("Idempotency-Key"):
            with self.lock:
                self._keys.add((token, headers["Idempotency-Key"]))
        if token and bare.startswith("/api/"):
            kind, window = ("statuses", self.status_window) if creating else ("api", self.api_window)
            with self.lock:
                start, used = self._slots.get((kind, token), [time.time(), 0])
            out.update(MASTODON.rate_limit_headers(window[0], int(window[0] - used), start + window[1]))
        if INSTANCE_PATH.fullmatch(bare) and status == 200:
            payload = self._instance(payload)
            out.pop("Content-Length", None)
        if method == "POST" and MEDIA_PATH.fullmatch(bare) and status in (200, 202):
            self.media.uploaded(token, json.loads(payload) if isinstance(payload, bytes) else dict(payload))
        return status, out, payload

    def _instance(self, payload: bytes | dict | list) -> bytes:
        """The instance document with this proxy's status limit and URL cost."""
        data: Any = json.loads(payload) if isinstance(payload, bytes) else payload
        statuses = data.setdefault("configuration", {}).setdefault("statuses", {})
        statuses["max_characters"] = self.limit
        statuses["characters_reserved_per_url"] = self.url_length
        if "max_toot_chars" in data:
            data["max_toot_chars"] = self.limit
        self.media.advertise(data)
        return json.dumps(data).encode()
