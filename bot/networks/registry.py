"""Pick and build the adapter for an account; the only place adapters are chosen.

Adapter modules (and so their SDKs) are imported inside ``make_adapter`` only, so
importing this module costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.config import Config, credential
from bot.errors import ConfigError
from bot.model import Account

if TYPE_CHECKING:
    from bot.networks.base import Adapter


class KeyValue(Protocol):
    """Where adapters keep small state between runs (the journal's key/value table)."""

    def get_value(self, key: str) -> str | None:
        """The stored value, or None."""

    def set_value(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing any old one."""


class MemoryStore:
    """A ``KeyValue`` that lives as long as the process (no journal given)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get_value(self, key: str) -> str | None:
        """The stored value, or None."""
        return self._values.get(key)

    def set_value(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``."""
        self._values[key] = value


def make_adapter(account: Account, config: Config, journal: KeyValue | None = None) -> Adapter:
    """The adapter for ``account``; secrets are read now, so a missing one fails here."""
    store: KeyValue = journal if journal is not None else MemoryStore()
    timeout = config.publishing.timeout_seconds
    if account.platform == "x":
        from bot.networks.x import XAdapter

        return XAdapter(
            account,
            api_key=credential(account, "api_key"),
            api_secret=credential(account, "api_secret"),
            access_token=credential(account, "access_token"),
            access_secret=credential(account, "access_secret"),
            timeout=timeout,
        )
    if account.platform == "mastodon":
        from bot.networks.mastodon import MastodonAdapter

        return MastodonAdapter(account, access_token=credential(account, "access_token"), timeout=timeout, store=store)
    if account.platform == "bluesky":
        from bot.networks.bluesky import BlueskyAdapter

        return BlueskyAdapter(account, password=credential(account, "password"), timeout=timeout, store=store)
    raise ConfigError(f"account {account.name!r}: no adapter for platform {account.platform!r}")
