"""The registry of networks: one line per network, and the one place an account's counting rules are decided.

Adding a network is its folder ``bot/networks/<name>/`` (whose ``__init__.py`` defines
``NETWORK``, a ``bot.networks.base.Network``) plus one line in ``Platform``. Network
folders are imported on first use, and their SDKs only when an adapter is made, so
importing this module costs nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from bot.errors import ConfigError
from bot.networks.base import CachedLimits, Limits

if TYPE_CHECKING:
    from bot.model import Account
    from bot.networks.base import KeyValue, Network
    from bot.text.counting import Rules


class Platform(StrEnum):
    """Every network statement-bot posts to; the value names its folder."""

    X = "x"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    TELEGRAM = "telegram"
    THREADS = "threads"


@cache
def network_of(platform: str) -> Network:
    """The ``Network`` of ``platform``; a ``ConfigError`` naming the known ones for anything else."""
    try:
        known = Platform(platform)
    except ValueError:
        raise ConfigError(f"unknown platform {platform!r} (use {', '.join(Platform)})") from None
    network: Network = importlib.import_module(f"bot.networks.{known.value}").NETWORK
    return network


def known_limits(account: Account, store: KeyValue | None) -> Limits | None:
    """The limits the network last reported for ``account``, from the journal's cache (no network)."""
    key = network_of(account.platform).limits_key(account)
    cached = CachedLimits.load(store, key) if key and store is not None else None
    return cached.limits if cached else None


def account_rules(account: Account, reported: Limits | None = None) -> Rules:
    """An account's counting rules, for ``preview``, ``post`` and ``run`` alike.

    The network's default limit, or the account's ``limit``; where the network reported
    its own (``reported``: a Mastodon instance's), that wins and the account's may only
    lower it. The config refuses a limit above the network's hard maximum.
    """
    network = network_of(account.platform)
    limit = account.limit or (reported.chars if reported else network.default_limit)
    if reported is not None:
        limit = min(limit, reported.chars)
    return network.rules(limit, reported.url_cost if reported else network.url_cost)


def platform_rules(platform: str, limit: int | None = None, url_cost: int | None = None) -> Rules:
    """A network's rules at its defaults (``preview --platform``), optionally at another limit or URL cost."""
    network = network_of(platform)
    return network.rules(limit or network.default_limit, url_cost or network.url_cost)


def reported_limits(accounts: Iterable[Account], store: KeyValue | None) -> dict[str, Limits]:
    """Account name -> the limits its network last reported, for the accounts whose network reported any."""
    return {a.name: limits for a in accounts if (limits := known_limits(a, store)) is not None}
