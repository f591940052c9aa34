"""A local X API v2 server (the endpoints tweepy.Client uses) that enforces X's documented rules.

Rules: OAuth 1.0a HMAC-SHA1 signatures (401), weighted length ≤ 280 by the official twitter-text
package (``tests.servers.counter``, never statement-bot's own counter) (400), duplicate content
(403), replies/quotes of missing tweets, per-user rate-limit windows (429 with ``x-rate-limit-*``
on every response), and per-tier enrolment (free tier: 403 ``client-not-enrolled`` on the user
timeline). Returned texts look like X's: URLs as t.co links,
``& < >`` escaped. Faults from ``tests.servers.faults`` are built in.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.servers import counter, x_media, x_oauth
from tests.servers.faults import FaultingHandler, Faults, Reply, X
from tests.servers.local_api import LocalApi
from tests.servers.serving import start
from tests.servers.x_state import XState, XUser, iso

TOO_LONG = (
    "Your Tweet text is too long. For more information on how Twitter determines text length see "
    "https://github.com/twitter/twitter-text."
)
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
REPLY_GONE = "You attempted to reply to a Tweet that is deleted or not visible to you."
# X's answer to an API reply it does not allow (403), as reported from live use in 2026.
REPLY_NOT_ALLOWED = (
    "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the "
    "author of the post you are replying to."
)
NOT_ENROLLED = (
    "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a "
    "Twitter developer App that is attached to a Project. You can create a project via the developer "
    "portal."
)
TWEET_FIELDS = ("author_id", "conversation_id", "created_at", "in_reply_to_user_id", "referenced_tweets")


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> Reply:
    """X's problem-details error body."""
    return status, {}, {"title": title, "detail": detail, "type": kind, "status": status}


def invalid(parameter: str, value: str, message: str) -> Reply:
    """X's 400 'Invalid Request' body for a bad parameter."""
    return (
        400,
        {},
        {
            "errors": [{"parameters": {parameter: [value]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
    )


def not_found(value: str, parameter: str = "id") -> dict[str, Any]:
    """X's resource-not-found error entry (returned inside a 200 for lookups)."""
    return {
        "value": value,
        "detail": f"Could not find tweet with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": parameter,
        "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def as_x_returns(text: str) -> str:
    """Text as X's API returns it: NFC, every URL twitter-text finds wrapped in a t.co link, & < > HTML-escaped."""
    import hashlib
    import html
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    parts, pos = [], 0
    for first, end in counter.x_url_spans(text) if "." in text else []:  # every link has a dot
        slug = hashlib.sha1(text[first:end].encode()).hexdigest()[:10]
        parts += [html.escape(text[pos:first], quote=False), f"https://t.co/{slug}"]
        pos = end
    parts.append(html.escape(text[pos:], quote=False))
    return "".join(parts)


def x_length(text: str) -> int:
    """X's weighted length by twitter-text's parseTweet (config v3)."""
    return counter.x_weighted_length(text)


ROUTES = [
    ("POST", re.compile(r"/2/media/upload"), "upload"),
    ("POST", re.compile(r"/2/media/metadata"), "metadata"),
    ("POST", re.compile(r"/2/tweets"), "create"),
    ("DELETE", re.compile(r"/2/tweets/(\d+)"), "delete"),
    ("GET", re.compile(r"/2/users/me"), "me"),
    ("GET", re.compile(r"/2/tweets/(\d+)"), "tweet"),
    ("GET", re.compile(r"/2/users/(\d+)/tweets"), "timeline"),
]


class XHandler(FaultingHandler):
    """Routes tweepy's calls after authenticating, checking enrolment and rate limits."""

    @property
    def state(self) -> XState:
        """The shared server state."""
        return self.server.state  # type: ignore[attr-defined]

    def commit(self, body: bytes) -> Reply:
        """Authenticate, then enforce tier and windows, then run the endpoint."""
        path = urlsplit(self.path).path
        route = next(
            ((name, m) for method, rx, name in ROUTES if method == self.command and (m := rx.fullmatch(path))), None
        )
        if route is None:
            return problem(404, "Not Found Error", f"No route for {self.command} {path}.")
        user = self.authenticate(body)
        if user is None:
            return problem(401, "Unauthorized", "Unauthorized")
        name, match = route
        if self.state.limits.windows(name) is None:
            return (
                403,
                {},
                {
                    "client_id": "1",
                    "detail": NOT_ENROLLED,
                    "title": "Client Forbidden",
                    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
                    "required_enrollment": "Appropriate Level of API Access",
                    "reason": "client-not-enrolled",
                    "type": "https://api.twitter.com/2/problems/client-forbidden",
                },
            )
        allowed, headers = self.state.check_rate(user, name)
        if not allowed:
            status, _, payload = problem(429, "Too Many Requests", "Too Many Requests")
            return status, headers, payload
        status, extra, payload = getattr(self, f"do_{name}")(user, body, *match.groups())
        return status, {**headers, **extra}, payload

    def authenticate(self, body: bytes) -> XUser | None:
        """The user whose valid OAuth 1.0a signature is on this request, or None."""
        oauth = x_oauth.parse_header(self.headers.get("Authorization"))
        state = self.state
        if oauth is None or oauth.get("oauth_consumer_key") != state.consumer_key:
            return None
        user = state.users.get(oauth.get("oauth_token", ""))
        try:
            # Clients sign with their real clock, whatever the test did to the server clock.
            fresh = abs(float(oauth.get("oauth_timestamp", "")) - time.time()) <= 300
        except ValueError:
            return None
        form = body if "form-urlencoded" in (self.headers.get("Content-Type") or "") else b""
        bases = (*x_oauth.PUBLIC_BASES, self.server.public_url)  # type: ignore[attr-defined]
        if (
            user is None
            or not fresh
            or not x_oauth.verify(
                self.command, self.path, oauth, state.consumer_secret, user.access_secret, bases, form
            )
        ):
            return None
        nonce = (oauth.get("oauth_timestamp", ""), oauth.get("oauth_nonce", ""))
        with state.lock:
            if nonce in state.nonces:  # a replayed signed request is refused
                return None
            state.nonces.add(nonce)
        return user

    def do_create(self, user: XUser, body: bytes) -> Reply:
        """POST /2/tweets"""
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return invalid("body", "", "Request body is not valid JSON.")
        text = request.get("text")
        if not isinstance(text, str) or not text.strip():
            return invalid("text", str(text), "$.text: must not be empty")
        if x_length(text) > self.state.limits.max_weight:
            return problem(400, "Bad Request", TOO_LONG)
        reply_id = (request.get("reply") or {}).get("in_reply_to_tweet_id")
        quote_id = request.get("quote_tweet_id")
        with self.state.lock:
            parent = self.state.visible(reply_id) if reply_id else None
            if reply_id and parent is None:
                return problem(403, "Forbidden", REPLY_GONE)
            if parent is not None and not self.replies_allowed(user, parent):
                return problem(403, "Forbidden", REPLY_NOT_ALLOWED)
            media, refused = x_media.attach(self.state, user, request, invalid)
            if refused is not None:
                return refused
            if quote_id and self.state.visible(quote_id) is None:
                return invalid("quote_tweet_id", str(quote_id), f"Could not find tweet with id: [{quote_id}].")
            if self.state.recent_duplicate(user, text):
                return problem(403, "Forbidden", DUPLICATE)
            tweet = self.state.store(user, text, parent, quote_id)
            tweet.media = [m.as_dict() for m in media]
            for m in media:
                m.attached_to.append(tweet.id)
        return (
            201,
            {},
            {"data": {"id": tweet.id, "text": as_x_returns(tweet.text), "edit_history_tweet_ids": [tweet.id]}},
        )

    def do_upload(self, user: XUser, body: bytes) -> Reply:
        """POST /2/media/upload"""
        return x_media.upload(self.state, user, self.headers.get("Content-Type"), body, invalid)

    def do_metadata(self, user: XUser, body: bytes) -> Reply:
        """POST /2/media/metadata"""
        return x_media.metadata(self.state, user, body, invalid)

    def replies_allowed(self, user: XUser, parent: Any) -> bool:
        """X's API reply rule: the parent's author is the replier, or mentioned them (``reply_rule``)."""
        rule = self.state.limits.reply_rule
        if rule == "open":
            return True
        if rule == "closed":
            return False
        mentioned = re.search(rf"@{re.escape(user.username)}\b", parent.text, re.IGNORECASE)
        return parent.author_id == user.id or mentioned is not None

    def do_delete(self, user: XUser, body: bytes, tweet_id: str) -> Reply:
        """DELETE /2/tweets/:id"""
        with self.state.lock:
            tweet = self.state.visible(tweet_id)
            if tweet is None:
                return (
                    404,
                    {},
                    {
                        "errors": [not_found(tweet_id)],
                        "title": "Not Found Error",
                        "detail": f"Could not find tweet with id: [{tweet_id}].",
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    },
                )
            if tweet.author_id != user.id:
                return problem(403, "Forbidden", "You are not allowed to delete this Tweet.")
            tweet.deleted = True
        return 200, {}, {"data": {"deleted": True}}

    def do_me(self, user: XUser, body: bytes) -> Reply:
        """GET /2/users/me"""
        return 200, {}, {"data": {"id": user.id, "name": user.username, "username": user.username}}

    def do_tweet(self, user: XUser, body: bytes, tweet_id: str) -> Reply:
        """GET /2/tweets/:id"""
        tweet = self.state.visible(tweet_id)
        if tweet is None:
            return 200, {}, {"errors": [not_found(tweet_id)]}
        return 200, {}, {"data": self.render(tweet)}

    def do_timeline(self, user: XUser, body: bytes, user_id: str) -> Reply:
        """GET /2/users/:id/tweets (newest first, paginated)"""
        query = parse_qs(urlsplit(self.path).query)
        size = int(query.get("max_results", ["10"])[0])
        if not 5 <= size <= 100:
            return invalid(
                "max_results", str(size), f"The `max_results` query parameter value [{size}] is not between 5 and 100"
            )
        start = int(query.get("pagination_token", ["0"])[0])
        mine = [
            self.state.tweets[t]
            for t in reversed(self.state.order)
            if self.state.tweets[t].author_id == user_id and not self.state.tweets[t].deleted
        ]
        page = mine[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0].id, oldest_id=page[-1].id)
        if start + size < len(mine):
            meta["next_token"] = str(start + size)
        return 200, {}, ({"data": [self.render(t) for t in page], "meta": meta} if page else {"meta": meta})

    def render(self, tweet: Any) -> dict[str, Any]:
        """A tweet object with the ``tweet.fields`` the request asked for."""
        asked = set(",".join(parse_qs(urlsplit(self.path).query).get("tweet.fields", [])).split(","))
        out: dict[str, Any] = {"id": tweet.id, "text": as_x_returns(tweet.text), "edit_history_tweet_ids": [tweet.id]}
        refs = [{"type": "replied_to", "id": tweet.in_reply_to}] if tweet.in_reply_to else []
        refs += [{"type": "quoted", "id": tweet.quote_of}] if tweet.quote_of else []
        parent = self.state.tweets.get(tweet.in_reply_to or "")
        values = {
            "author_id": tweet.author_id,
            "conversation_id": tweet.conversation_id,
            "created_at": iso(tweet.created_at),
            "referenced_tweets": refs or None,
            "in_reply_to_user_id": parent.author_id if parent else None,
        }
        out.update({k: v for k, v in values.items() if k in asked and v is not None})
        return out


class XServer(LocalApi):
    """The running local X API: base URL, accounts, read-back, settings and faults."""

    def __init__(self, consumer_key: str = "local-consumer-key", consumer_secret: str = "local-consumer-secret"):
        counter.require()
        self.state = XState(consumer_key, consumer_secret)
        self.faults = Faults(lambda method, path: method == "POST" and path == "/2/tweets")
        self._running = start(XHandler, state=self.state, faults=self.faults, style=X, public_url="")
        self._running.server.public_url = self.base_url  # type: ignore[attr-defined]

    @property
    def consumer_key(self) -> str:
        """The app's consumer key clients must sign with."""
        return self.state.consumer_key

    @property
    def consumer_secret(self) -> str:
        """The app's consumer secret clients must sign with."""
        return self.state.consumer_secret

    def create_user(self, username: str) -> XUser:
        """A new account; its access token pair is what a client signs with."""
        return self.state.add_user(username)

    def credentials(self, user: XUser) -> dict[str, str]:
        """tweepy.Client keyword arguments for ``user``."""
        return {
            "consumer_key": self.consumer_key,
            "consumer_secret": self.consumer_secret,
            "access_token": user.access_token,
            "access_token_secret": user.access_secret,
        }

    def configure(
        self,
        *,
        tier: str | None = None,
        limits: dict[str, Any] | None = None,
        max_weight: int | None = None,
        duplicate_window: float | None = None,
        reply_rule: str | None = None,
        media_ttl: float | None = None,
        max_image_bytes: int | None = None,
    ) -> None:
        """Change the access tier, per-endpoint windows, weighted limit, duplicate window, reply rule or media rules."""
        with self.state.lock:
            settings = self.state.limits
            if tier is not None:
                settings.tier = tier
            settings.overrides.update(limits or {})
            settings.max_weight = max_weight if max_weight is not None else settings.max_weight
            if duplicate_window is not None:
                settings.duplicate_window = duplicate_window
            settings.reply_rule = reply_rule or settings.reply_rule
            settings.media_ttl = media_ttl if media_ttl is not None else settings.media_ttl
            settings.max_image_bytes = max_image_bytes or settings.max_image_bytes

    def posts(self, user: XUser | None = None, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Stored tweets in posting order, with reply parent and quote ids."""
        with self.state.lock:
            tweets = [self.state.tweets[t] for t in self.state.order]
        return [
            t.as_dict()
            for t in tweets
            if (user is None or t.author_id == user.id) and (include_deleted or not t.deleted)
        ]
