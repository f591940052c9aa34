"""X (Twitter) through tweepy's API v2 client, OAuth 1.0a user context.

X's create endpoint (``POST /2/tweets``) takes no language: X detects it, so
``Outgoing.language`` is not sent. X has no idempotency key; ``find`` reads the
account's recent posts where the access level allows it.
"""

from __future__ import annotations

import base64
import html
import logging
import time
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

from bot.errors import AuthError, Duplicate, MediaGone, PublishError, RateLimited, Rejected, ReplyRefused, Unavailable
from bot.model import Account, Media
from bot.networks.base import AccountCheck, Limits, Outgoing, PostRef, Uploaded
from bot.networks.x import NETWORK
from bot.text.entities import find_entities

X_API = "https://api.twitter.com"  # the host tweepy hard-codes
RECENT = 100  # posts read back by ``find``; a thread's unknown post is always recent

# oauthlib and requests_oauthlib log the consumer key and access token at DEBUG: never let them.
for _logger in ("oauthlib", "requests_oauthlib"):
    logging.getLogger(_logger).setLevel(logging.INFO)


class _Redirect(HTTPAdapter):
    """Transport for ``X_API``: sends to ``base`` instead (when set), always with a timeout.

    tweepy builds every URL from the hard-coded host but sends it through its public
    ``session``; mounting this on that prefix is the one place the base URL is changed.
    OAuth 1.0a signing has already happened, so the Authorization header is unchanged.
    """

    def __init__(self, base: str | None, timeout: float):
        super().__init__()
        self.base = base.rstrip("/") if base else None
        self.timeout = timeout

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if self.base and request.url and request.url.startswith(X_API):
            request.url = self.base + request.url[len(X_API) :]
        return super().send(request, stream, timeout or self.timeout, verify, cert, proxies)


class XAdapter:
    """Posts, replies, quotes and deletes on one X account."""

    def __init__(
        self, account: Account, *, api_key: str, api_secret: str, access_token: str, access_secret: str, timeout: float
    ):
        self.account = account
        self.client = tweepy.Client(
            consumer_key=api_key,
            consumer_secret=api_secret,
            access_token=access_token,
            access_token_secret=access_secret,
            return_type=requests.Response,
            wait_on_rate_limit=False,
        )
        self.client.session.mount(X_API, _Redirect(account.api_base, timeout))
        self._user_id: str | None = None

    def limits(self) -> Limits | None:
        """X does not report an account's limit through the API: the configuration says it."""
        return None

    def post(self, out: Outgoing) -> PostRef:
        """Create one post, replying to ``out.reply_to`` or quoting ``out.quote``."""
        media_ids = [a.remote for a in out.media if a.remote]
        body = self._call(
            "post",
            lambda: self.client.create_tweet(
                text=out.text,
                in_reply_to_tweet_id=out.reply_to.id if out.reply_to else None,
                quote_tweet_id=out.quote.id if out.quote else None,
                media_ids=media_ids or None,
                user_auth=True,
            ),
        )
        data = body.get("data") or {}
        if not data.get("id"):
            raise Unavailable(f"account {self.account.name!r}: X answered the post without an id", self.account.name)
        return self._ref(str(data["id"]))

    def upload(self, media: Media) -> Uploaded:
        """``POST /2/media/upload`` (one request, base64 in JSON), then its alt text (``POST /2/media/metadata``)."""
        payload = {
            "media": base64.b64encode(media.data).decode("ascii"),
            "media_category": "tweet_image",
            "media_type": media.mime,
        }
        body = self._call(
            "upload", lambda: self.client.request("POST", "/2/media/upload", json=payload, user_auth=True)
        )
        data = body.get("data") or {}
        media_id = str(data.get("id") or "")
        if not media_id:
            raise Unavailable(f"account {self.account.name!r}: X answered the upload without an id", self.account.name)
        if media.alt:
            alt = {"id": media_id, "metadata": {"alt_text": {"text": media.alt}}}
            self._call("upload", lambda: self.client.request("POST", "/2/media/metadata", json=alt, user_auth=True))
        seconds = data.get("expires_after_secs")
        expires = datetime.fromtimestamp(time.time(), UTC) + timedelta(seconds=int(seconds)) if seconds else None
        return Uploaded(media_id, expires)

    def find(self, out: Outgoing) -> PostRef | None:
        """The account's recent post with this text (and reply target), if any.

        Raises ``Rejected`` when the access level cannot read the timeline (X free tier).
        """
        user_id = self._me()
        body = self._call(
            "find",
            lambda: self.client.get_users_tweets(
                user_id,
                max_results=RECENT,
                tweet_fields=["referenced_tweets"],
                user_auth=True,
            ),
        )
        wanted = _comparable(out.text)
        parent = out.reply_to.id if out.reply_to else None
        for tweet in body.get("data") or []:
            if _parent_of(tweet) == parent and _comparable(tweet.get("text", "")) == wanted:
                return self._ref(str(tweet["id"]))
        return None

    def exists(self, ref: PostRef) -> bool:
        """Whether the post can still be read."""
        try:
            body = self._call("read", lambda: self.client.get_tweet(ref.id, user_auth=True))
        except Rejected as e:
            if isinstance(e.__cause__, tweepy.NotFound):
                return False
            raise
        return bool(body.get("data"))  # X answers 200 with only "errors" for a deleted post

    def boost(self, ref: PostRef) -> None:
        """Not used on X: anniversaries quote the original instead."""
        raise Rejected(
            f"account {self.account.name!r}: reposting is not used on X (anniversaries quote instead)",
            self.account.name,
        )

    def delete(self, ref: PostRef) -> None:
        """Delete a post; one already gone is fine."""
        try:
            self._call("delete", lambda: self.client.delete_tweet(ref.id, user_auth=True))
        except Rejected as e:
            if not isinstance(e.__cause__, tweepy.NotFound):
                raise

    def check(self) -> AccountCheck:
        """``GET /2/users/me``; X tells the app's access level in a header (``x-access-level: read-write``)."""
        response = self._response("check", lambda: self.client.get_me(user_auth=True))
        body = response.json() if response.content else {}
        username = str((body.get("data") or {}).get("username") or "")
        level = response.headers.get("x-access-level", "")
        can_post = ("write" in level) if level else None
        note = f"access level {level}" if level else "X does not say whether the app may write"
        return AccountCheck(f"@{username}" if username else "?", can_post, note)

    def close(self) -> None:
        """Release the HTTP connections."""
        self.client.session.close()

    def _me(self) -> str:
        if self._user_id is None:
            body = self._call("find", lambda: self.client.get_me(user_auth=True))
            self._user_id = str((body.get("data") or {}).get("id", ""))
            if not self._user_id:
                raise Unavailable(
                    f"account {self.account.name!r}: X did not say who this account is", self.account.name
                )
        return self._user_id

    def _ref(self, tweet_id: str) -> PostRef:
        return PostRef(id=tweet_id, url=NETWORK.post_url(self.account, tweet_id))

    def _call(self, action: str, call: Any) -> dict[str, Any]:
        """Run one tweepy call and return its JSON body, translating every failure."""
        response = self._response(action, call)
        try:
            return response.json() if response.content else {}
        except ValueError as e:  # not JSON: a proxy's error page
            raise Unavailable(f"account {self.account.name!r}: X {action} failed: {type(e).__name__}",
                              self.account.name) from e  # fmt: skip

    def _response(self, action: str, call: Any) -> requests.Response:
        """Run one tweepy call, translating every failure."""
        try:
            response: requests.Response = call()
            return response
        except tweepy.HTTPException as e:
            raise self._http_error(action, e) from e
        except requests.RequestException as e:  # timeouts, refused or dropped connections, bad JSON
            raise Unavailable(
                f"account {self.account.name!r}: X {action} failed: {type(e).__name__}", self.account.name
            ) from e

    def _http_error(self, action: str, e: tweepy.HTTPException) -> PublishError:
        name = self.account.name
        status = e.response.status_code
        said = "; ".join(str(m) for m in e.api_messages)[:200] or e.response.reason or ""
        where = f"account {name!r}: X {action} failed ({status} {said})"
        if isinstance(e, tweepy.TooManyRequests):
            reset = getattr(e, "reset_time", None)
            retry_at = datetime.fromtimestamp(reset, UTC) if reset else None
            return RateLimited(where, name, retry_at=retry_at)
        if isinstance(e, tweepy.Unauthorized):
            return AuthError(where, name)
        if isinstance(e, tweepy.TwitterServerError):
            return Unavailable(where, name)
        if isinstance(e, tweepy.Forbidden) and "duplicate" in said.lower():
            return Duplicate(where, name)
        if isinstance(e, tweepy.Forbidden) and "reply to this conversation is not allowed" in said.lower():
            return ReplyRefused(f"X refused the reply ({status} {said})", name)
        if isinstance(e, tweepy.BadRequest) and action == "post" and "media ids are invalid" in said.lower():
            return MediaGone(where, name)
        if isinstance(e, tweepy.Forbidden) and action == "find":
            return Rejected(
                f"account {name!r}: X does not let this account's access level read its own posts "
                f"({status}), so whether the post went out cannot be checked automatically",
                name,
            )
        return Rejected(where, name)


def _comparable(text: str) -> str:
    """Text as X stores it, minus what X rewrites: URLs become t.co links, &<> are escaped."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    for entity in sorted(find_entities(text), key=lambda e: e.start, reverse=True):
        if entity.kind == "url":
            text = text[: entity.start] + text[entity.end :]
    return " ".join(text.split())


def _parent_of(tweet: dict[str, Any]) -> str | None:
    """The id the tweet replies to (X omits ``referenced_tweets`` on posts that reference nothing)."""
    for ref in tweet.get("referenced_tweets") or []:
        if ref.get("type") == "replied_to":
            return str(ref.get("id"))
    return None
