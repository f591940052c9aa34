"""Open an account's adapter: its network, its secrets from the environment, the configured timeout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import secrets
from bot.networks.base import MemoryStore
from bot.networks.registry import network_of

if TYPE_CHECKING:
    from bot.config import Config
    from bot.model import Account
    from bot.networks.base import Adapter, KeyValue


def connect(account: Account, config: Config, store: KeyValue | None = None) -> Adapter:
    """The adapter for ``account``; secrets are read now, so a missing one fails here (``ConfigError``)."""
    return network_of(account.platform).connect(
        account, secrets(account), config.publishing.timeout_seconds, store if store is not None else MemoryStore()
    )
