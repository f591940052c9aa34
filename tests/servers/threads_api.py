"""A local Threads API server (graph.threads.net) that enforces Meta's documented rules. Written from
developers.facebook.com/docs/threads; nothing here imports the product.

Paths as on graph.threads.net, with or without a version prefix (``/v1.0/me``); the access token as
``access_token`` (query or form) or ``Authorization: Bearer``. Publishing is two steps: POST
/{user-id}/threads makes a container (text ready at once, an image after ``image_seconds``), POST
/{user-id}/threads_publish?creation_id=… publishes it once. Image URLs are fetched from 127.0.0.1 only
(``serve_image`` hosts test images on this server). Endpoint functions live in ``threads_routes``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from tests.servers import params, threads_routes
from tests.servers.faults import THREADS, FaultingHandler, Faults, Reply
from tests.servers.local_api import LocalApi
from tests.servers.serving import start
from tests.servers.threads_graph import GraphError
from tests.servers.threads_state import Settings, ThreadsState, ThreadsUser

VERSION = re.compile(r"/v\d+\.\d+(?=/)")


def is_create(method: str, path: str) -> bool:
    """Create requests (the default target of a fault rule): publishing a container."""
    return method == "POST" and path.endswith("/threads_publish")


class ThreadsHandler(FaultingHandler):
    """Authenticates, counts the call, then routes to ``threads_routes``."""

    @property
    def state(self) -> ThreadsState:
        state: ThreadsState = self.server.state  # type: ignore[attr-defined]
        return state

    def commit(self, body: bytes) -> Reply:
        parts = urlsplit(self.path)
        path = VERSION.sub("", parts.path, count=1)
        image = re.fullmatch(r"/_test/images/([\w.-]+)", path)
        if image and self.command == "GET":
            stored = self.state.images.get(image.group(1))
            return (200, {"Content-Type": stored[1]}, stored[0]) if stored else (404, {}, b"no such image")
        headers: dict[str, str] = {}
        try:
            args = params.parse(self.headers.get("Content-Type"), parts.query, body)
            token = threads_routes.authenticate(self.state, self.token(args))
            headers = threads_routes.count_call(self.state, token)
            public = f"{self.server.public_url}{parts.path}"  # type: ignore[attr-defined]
            result = threads_routes.route(self.state, token, self.command, path, args, public)
            return 200, headers, result
        except params.BadBodyError as error:
            failure = GraphError(400, str(error), 100)
        except GraphError as error:
            failure = error
        return failure.status, {**headers, **failure.headers}, {"error": failure.body}

    def token(self, args: dict[str, Any]) -> str:
        """The access token: Authorization: Bearer, else the access_token parameter."""
        header = self.headers.get("Authorization") or ""
        if header.lower().startswith(("bearer ", "oauth ")):
            return header.split(None, 1)[1].strip()
        return params.text(args, "access_token")


class ThreadsServer(LocalApi):
    """The running local Threads API: base URL, profiles, tokens, read-back, settings and faults."""

    def __init__(self) -> None:
        self.state = ThreadsState()
        self.faults = Faults(is_create)
        self._running = start(ThreadsHandler, state=self.state, faults=self.faults, style=THREADS, public_url="")
        self._running.server.public_url = self.base_url  # type: ignore[attr-defined]

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT (stands for https://graph.threads.net)."""
        return self._running.base_url

    @property
    def api_url(self) -> str:
        """The versioned base clients call: ``{base_url}/v1.0``."""
        return f"{self.base_url}/v1.0"

    def create_user(self, username: str = "statementorg") -> ThreadsUser:
        """A profile with a fresh 60-day long-lived token (``user.access_token``)."""
        return self.state.add_user(username)

    def issue_token(
        self, user: ThreadsUser, expires_in: float = 60 * 86400, age: float = 0.0, long_lived: bool = True
    ) -> str:
        """Another token for ``user``, issued ``age`` seconds ago and valid ``expires_in`` seconds from issue."""
        return self.state.issue(user.id, expires_in, age, long_lived).value

    def serve_image(self, name: str, data: bytes, content_type: str = "image/png") -> str:
        """Host ``data`` on this server; returns a loopback URL usable as ``image_url``."""
        with self.state.lock:
            self.state.images[name] = (data, content_type)
        return f"{self.base_url}/_test/images/{name}"

    def posts(self, user: ThreadsUser | None = None, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Published posts (replies included) in publishing order."""
        with self.state.lock:
            stored = [self.state.posts[p] for p in self.state.order]
        return [
            p.as_dict()
            for p in stored
            if (user is None or p.owner_id == user.id) and (include_deleted or not p.deleted)
        ]

    def containers(self, user: ThreadsUser | None = None) -> list[dict[str, Any]]:
        """Every container made, with its current status and the post it became, if any."""
        with self.state.lock:
            return [
                {
                    "id": c.id,
                    "media_type": c.media_type,
                    "text": c.text,
                    "status": self.state.status(c),
                    "published_id": c.published_id,
                    "reply_to": c.reply_to,
                }
                for c in self.state.containers.values()
                if user is None or c.owner_id == user.id
            ]

    def configure(self, **settings: Any) -> None:
        """Change enforcement (see ``threads_state.Settings``): text_limit, text_counting, max_links,
        post_quota/reply_quota/delete_quota/call_limit=(n, seconds), throttle_status, image_seconds,
        text_seconds, container_ttl, refresh_min_age, refresh_revokes_old, max_image_bytes, max_alt_text."""
        self._configure(Settings, **settings)
