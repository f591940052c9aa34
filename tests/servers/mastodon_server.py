"""mastodon-mock (real HTTP, in-process uvicorn) behind a proxy adding Mastodon's rules and faults."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from tests.servers.faults import MASTODON, Faults, start_proxy
from tests.servers.mastodon_rules import MastodonRules

# mastodon-mock's seeded test accounts (username -> access token); not real credentials.
SEEDED = {"alice": "alice_token", "bob": "bob_token", "carol": "carol_token"}


class MastodonServer:
    """The instance a test talks to: ``base_url`` is the rules+faults proxy in front of the mock."""

    def __init__(self) -> None:
        from mastodon_mock.routers import statuses
        from mastodon_mock.testing.server import MockServer

        # mastodon-mock caps len(text) at 500 itself; the proxy enforces Mastodon's real count instead,
        # so the mock's own ceiling is lifted out of the way.
        statuses.MAX_STATUS_CHARACTERS = 1_000_000
        self.mock = MockServer().start()
        self.rules = MastodonRules()
        self.faults = Faults(lambda method, path: method == "POST" and path == "/api/v1/statuses")
        self._proxy = start_proxy(self.mock.base_url, self.faults, MASTODON, self.rules)
        self._dirty = False

    @property
    def base_url(self) -> str:
        """The proxy's URL: point Mastodon.py here."""
        return self._proxy.base_url

    @property
    def direct_url(self) -> str:
        """mastodon-mock itself (no rules, no faults), for read-back."""
        return self.mock.base_url

    def _call(self, method: str, path: str, token: str | None = None, body: dict | None = None) -> Any:
        """A JSON request straight to the mock."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.direct_url + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def create_account(self, username: str) -> tuple[str, str, str]:
        """A new local account: (username, account id, access token)."""
        self._dirty = True
        made = self._call("POST", "/api/v1/_mock/dev_user", body={"username": username})
        return made["username"], made["id"], made["access_token"]

    def configure(
        self,
        *,
        limit: int | None = None,
        url_length: int | None = None,
        api_window: tuple[int, int] | None = None,
        status_window: tuple[int, int] | None = None,
        **media: int | float,
    ) -> None:
        """Change the instance's character limit, URL cost, rate-limit windows (requests, seconds), or media
        rules (``image_size_limit``, ``image_matrix_limit``, ``description_limit``, ``max_media_attachments``,
        ``unattached_kept`` seconds)."""
        for key, value in media.items():
            setattr(self.rules.media.settings, key, value)
        with self.rules.lock:
            self.rules.limit = limit if limit is not None else self.rules.limit
            self.rules.url_length = url_length if url_length is not None else self.rules.url_length
            self.rules.api_window = api_window or self.rules.api_window
            self.rules.status_window = status_window or self.rules.status_window

    def posts(self, token: str) -> list[dict[str, Any]]:
        """The account's statuses in posting order: id, text, in_reply_to_id, spoiler, visibility, language."""
        me = self._call("GET", "/api/v1/accounts/verify_credentials", token)
        found: list[dict[str, Any]] = []
        max_id = ""
        while True:
            page = self._call("GET", f"/api/v1/accounts/{me['id']}/statuses?limit=40{max_id}", token)
            if not page:
                break
            found.extend(page)
            max_id = f"&max_id={page[-1]['id']}"
        out = []
        for status in sorted(found, key=lambda s: int(s["id"])):
            # A boost has no source of its own: it is read back by the id it reblogs.
            source = (
                {"text": "", "spoiler_text": ""}
                if status.get("reblog")
                else self._call("GET", f"/api/v1/statuses/{status['id']}/source", token)
            )
            out.append(
                {
                    "id": status["id"],
                    "text": source["text"],
                    "in_reply_to_id": status["in_reply_to_id"],
                    "spoiler_text": source["spoiler_text"],
                    "visibility": status["visibility"],
                    "language": status.get("language"),
                    "reblog": (status.get("reblog") or {}).get("id"),
                    "media": [
                        {"description": m.get("description"), "url": m.get("url"), "type": m.get("type")}
                        for m in status.get("media_attachments") or ()
                    ],
                }
            )
        return out

    def advance(self, seconds: float) -> None:
        """Move the media clock forward (the cleanup of unattached uploads)."""
        self.rules.media.settings.offset += seconds

    def media_bytes(self, url: str) -> bytes:
        """An uploaded file as the instance serves it."""
        with urllib.request.urlopen(url, timeout=10) as response:
            return bytes(response.read())

    def reset(self) -> None:
        """Mock back to its seed (alice/bob/carol), default rules, no faults."""
        # Re-seeding costs ~0.3 s: skip it when nothing but reads went through since the last one.
        if self._dirty or any(method != "GET" for method, _ in self.faults.requests):
            self.mock.reset()
        self._dirty = False
        self.faults.clear()
        self.rules.reset()

    def close(self) -> None:
        """Stop the proxy and the mock."""
        self.faults.close()
        self._proxy.close()
        self.mock.stop()
