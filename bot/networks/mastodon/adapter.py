"""Mastodon through Mastodon.py.

Every post carries an ``Idempotency-Key`` (``Outgoing.key``): Mastodon remembers it
for about an hour, so resending after an unknown outcome returns the same status
instead of a second one. The instance's character limit and URL cost are read from
``GET /api/v2/instance`` and cached in the journal for a day.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import mastodon

from bot.errors import AuthError, MediaGone, PublishError, RateLimited, Rejected, Unavailable
from bot.model import Account, Media, MediaRules
from bot.networks.base import AccountCheck, CachedLimits, KeyValue, Limits, Outgoing, PostRef, Uploaded
from bot.networks.mastodon import NETWORK, instance_url
from bot.text.entities import find_entities

LIMITS_TTL = 24 * 3600  # seconds an instance's limits are trusted
RECENT = 40  # the most statuses Mastodon returns per page
# Scheduler::MediaCleanupScheduler deletes media not attached to a status after a day.
UNATTACHED_KEPT = timedelta(days=1)
T = TypeVar("T")


class MastodonAdapter:
    """Posts, replies, boosts and deletes on one Mastodon account."""

    def __init__(
        self,
        account: Account,
        *,
        access_token: str,
        timeout: float,
        store: KeyValue,
        clock: Callable[[], float] = time.time,
    ):
        self.account = account
        self.store = store
        self.clock = clock
        self.base = instance_url(account)
        self.client = mastodon.Mastodon(
            api_base_url=self.base,
            access_token=access_token,
            request_timeout=timeout,
            ratelimit_method="throw",  # the publisher decides how long to wait, not the SDK
        )
        self._last_headers: Any = {}
        self.client.session.hooks["response"].append(self._remember)
        self._me: str | None = None

    def limits(self) -> Limits:
        """The instance's max characters and URL cost (``GET /api/v2/instance``), cached for a day."""
        key = NETWORK.limits_key(self.account)
        cached = CachedLimits.load(self.store, key)
        if cached is None or self.clock() - cached.at > LIMITS_TTL:
            try:
                instance = self._call("read instance limits", self.client.instance_v2)
            except (Unavailable, RateLimited):
                if cached is None:
                    raise
            else:
                configuration = instance.get("configuration") or {}
                statuses = configuration.get("statuses") or {}
                cached = CachedLimits(
                    Limits(
                        int(statuses.get("max_characters") or NETWORK.default_limit),
                        int(statuses.get("characters_reserved_per_url") or NETWORK.url_cost),
                        _media_rules(statuses, configuration.get("media_attachments") or {}),
                    ),
                    self.clock(),
                )
                cached.save(self.store, key)
        return cached.limits

    def upload(self, media: Media) -> Uploaded:
        """``POST /api/v2/media`` with the description; the instance deletes it if unattached after a day."""
        name = "image." + media.mime.split("/")[-1]
        made = self._call(
            "upload",
            lambda: self.client.media_post(
                io.BytesIO(media.data), mime_type=media.mime, description=media.alt or None, file_name=name
            ),
        )
        return Uploaded(str(made["id"]), datetime.fromtimestamp(self.clock(), UTC) + UNATTACHED_KEPT)

    def post(self, out: Outgoing) -> PostRef:
        """Send one status; the same ``out.key`` never makes a second one."""
        media_ids = [a.remote for a in out.media if a.remote]
        status = self._call(
            "post",
            lambda: self.client.status_post(
                out.text,
                media_ids=media_ids or None,
                in_reply_to_id=out.reply_to.id if out.reply_to else None,
                visibility=self.account.visibility,
                language=out.language or None,
                idempotency_key=_header_safe(out.key),
                spoiler_text=self.account.spoiler_text or None,
                quoted_status_id=out.quote.id if out.quote else None,  # Mastodon 4.5+ quote posts
            ),
        )
        return PostRef(id=str(status["id"]), url=status.get("url"))

    def check(self) -> AccountCheck:
        """``GET /api/v1/accounts/verify_credentials``: who the token belongs to."""
        me = self._call("check", self.client.account_verify_credentials)
        self._me = str(me["id"])
        return AccountCheck(
            f"@{me.get('acct') or me.get('username')}", None, "Mastodon does not say the token's scopes"
        )

    def find(self, out: Outgoing) -> PostRef | None:
        """The account's recent status with this text (and reply target), if any."""
        if self._me is None:
            self._me = str(self._call("find", self.client.account_verify_credentials)["id"])
        me = self._me
        statuses = self._call("find", lambda: self.client.account_statuses(me, limit=RECENT))
        wanted = _comparable(out.text)
        parent = out.reply_to.id if out.reply_to else None
        for status in statuses:
            if str(status.get("in_reply_to_id") or "") != (parent or ""):
                continue
            if _comparable(_plain(status.get("content") or "")) == wanted:
                return PostRef(id=str(status["id"]), url=status.get("url"))
        return None

    def exists(self, ref: PostRef) -> bool:
        """Whether the status can still be read."""
        try:
            self._call("read", lambda: self.client.status(ref.id))
        except Rejected as e:
            if isinstance(e.__cause__, mastodon.MastodonNotFoundError):
                return False
            raise
        return True

    def boost(self, ref: PostRef) -> None:
        """Reblog ``ref``; Mastodon answers a second reblog with the first one."""
        self._call("boost", lambda: self.client.status_reblog(ref.id))

    def delete(self, ref: PostRef) -> None:
        """Delete a status; one already gone is fine."""
        try:
            self._call("delete", lambda: self.client.status_delete(ref.id))
        except Rejected as e:
            if not isinstance(e.__cause__, mastodon.MastodonNotFoundError):
                raise

    def close(self) -> None:
        """Release the HTTP connections."""
        self.client.session.close()

    def _remember(self, response: Any, *args: Any, **kwargs: Any) -> None:
        """Keep the last response's headers: a 429's reset time is read from them."""
        self._last_headers = response.headers

    def _call(self, action: str, call: Callable[[], T]) -> T:
        """Run one Mastodon.py call, translating every failure at the boundary."""
        try:
            return call()
        except mastodon.MastodonError as e:
            raise self._error(action, e) from e

    def _error(self, action: str, e: mastodon.MastodonError) -> PublishError:
        name = self.account.name
        args = e.args
        status = args[1] if len(args) > 1 and isinstance(args[1], int) else None
        said = str(args[3]) if len(args) > 3 and args[3] else (str(args[2]) if len(args) > 2 else "")
        where = f"account {name!r}: Mastodon {action} failed ({status or type(e).__name__}{' ' + said if said else ''})"
        if isinstance(e, mastodon.MastodonRatelimitError):
            if not str(e).startswith("Hit rate limit"):
                # Mastodon.py could not parse a rate-limit header of a response that may have succeeded
                return Unavailable(f"account {name!r}: Mastodon {action} answered unreadable rate-limit headers", name)
            retry_at = _reset_time(self._last_headers.get("X-RateLimit-Reset"))
            return RateLimited(f"account {name!r}: Mastodon {action} was rate limited", name, retry_at=retry_at)
        if isinstance(e, mastodon.MastodonUnauthorizedError):
            return AuthError(where, name)
        if isinstance(e, (mastodon.MastodonNetworkError, mastodon.MastodonServerError)):
            return Unavailable(where, name)
        if status is None or status in (408, 409, 425):
            return Unavailable(where, name)  # no status: an unreadable answer, outcome unknown
        if status == 422 and "finished processing" in said:
            return Unavailable(where, name)  # an upload still being processed: try again in a moment
        if status == 422 and action == "post" and re.search(r"Media [\d, ]+ not found", said):
            return MediaGone(where, name)
        return Rejected(where, name)


def _media_rules(statuses: dict[str, Any], media: dict[str, Any]) -> MediaRules:
    """The instance's image rules (``configuration.media_attachments``), Mastodon's defaults where it says nothing."""
    default = NETWORK.media
    assert default is not None
    images = tuple(t for t in media.get("supported_mime_types") or () if str(t).startswith("image/"))
    return MediaRules(
        max_items=int(statuses.get("max_media_attachments") or default.max_items),
        max_bytes=int(media.get("image_size_limit") or default.max_bytes),
        alt_limit=int(media.get("description_limit") or default.alt_limit),
        max_pixels=int(media.get("image_matrix_limit") or default.max_pixels or 0) or None,
        types=images or default.types,
    )


def _reset_time(value: str | None) -> datetime | None:
    """X-RateLimit-Reset: ISO 8601 from Mastodon, epoch seconds from some servers (and mastodon-mock)."""
    if not value:
        return None
    value = value.strip()
    try:
        if value.isdigit():
            return datetime.fromtimestamp(int(value), UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _header_safe(key: str) -> str:
    """The key as an HTTP header value: kept if printable ASCII, else a stable hash of it."""
    if key.isascii() and key.isprintable():
        return key
    return "sha256-" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _plain(content: str) -> str:
    """A status's HTML content as the text that was sent (line breaks kept)."""
    content = re.sub(r"<br\s*/?>", "\n", content)
    content = re.sub(r"</p>\s*<p>", "\n\n", content)
    return html.unescape(re.sub(r"<[^>]+>", "", content))


def _comparable(text: str) -> str:
    """Text minus what Mastodon renders differently: URLs are shortened, mentions lose their domain."""
    for entity in sorted(find_entities(text), key=lambda e: e.start, reverse=True):
        if entity.kind in ("url", "mention"):
            text = text[: entity.start] + text[entity.end :]
    return " ".join(text.split())
