"""The Threads access token: the environment gives the first one; refreshed ones live in the journal.

Long-lived tokens last 60 days and can be refreshed once they are 24 hours old
(developers.facebook.com/docs/threads/get-started/long-lived-tokens). The adapter
refreshes at most once a day, whenever it is used, and keeps the new token in the
journal's key/value store with a fingerprint of the environment's token it descends
from: a new token put in the environment (after an expiry, say) starts over from it.
Tokens are never logged or put in a message.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import AuthError, PublishError, RateLimited, Unavailable
from bot.networks.base import KeyValue

REFRESH_EVERY = 24 * 3600.0  # the youngest a token may be refreshed, and how often we try


@dataclass
class _Kept:
    origin: str  # fingerprint of the environment token this one descends from
    token: str
    next_refresh: float  # epoch seconds


class TokenKeeper:
    """The current token for one account; ``refresh`` is the call that trades it for a new one.

    ``refresh(token)`` returns the new token, or raises ``PublishError`` (too young, network down…).
    """

    def __init__(self, store: KeyValue, account: str, initial: str, clock: Callable[[], float]):
        self.store, self.clock = store, clock
        self.key = f"threads.token:{account}"
        origin = hashlib.sha256(initial.encode("utf-8")).hexdigest()[:16]
        kept = self._load()
        self.kept = kept if kept is not None and kept.origin == origin else _Kept(origin, initial, 0.0)
        self.tried = False

    def current(self) -> str:
        """The token to use now."""
        return self.kept.token

    def refresh_if_due(self, refresh: Callable[[str], str]) -> None:
        """Trade the token for a new one if a day has passed since the last try (once per adapter)."""
        if self.tried or self.clock() < self.kept.next_refresh:
            return
        self.tried = True
        try:
            fresh = refresh(self.kept.token)
        except AuthError:
            raise  # expired or revoked: a person must issue a new token
        except (Unavailable, RateLimited):
            return  # the token still works; the next adapter tries again
        except PublishError:
            # Refused (under 24 hours old, most likely): the token still works; try again in a day.
            self.kept.next_refresh = self.clock() + REFRESH_EVERY
            self._save()
            return
        self.kept = _Kept(self.kept.origin, fresh, self.clock() + REFRESH_EVERY)
        self._save()

    def _load(self) -> _Kept | None:
        try:
            data = json.loads(self.store.get_value(self.key) or "null")
            return _Kept(str(data["origin"]), str(data["token"]), float(data["next_refresh"])) if data else None
        except (ValueError, TypeError, KeyError):
            return None

    def _save(self) -> None:
        kept = self.kept
        self.store.set_value(
            self.key, json.dumps({"origin": kept.origin, "token": kept.token, "next_refresh": kept.next_refresh})
        )


def refresh_url(base: str) -> str:
    """``/refresh_access_token`` sits at the API's root, without the version (``…/v1.0``)."""
    return re.sub(r"/v\d+(\.\d+)?$", "", base.rstrip("/")) + "/refresh_access_token"
