"""Check accounts without posting: their environment variables, their credentials (one read-only call each),
the limits the network reports, and whether they may post where the network says."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.config import Config, secrets
from bot.errors import AuthError, ConfigError, PublishError
from bot.model import Account
from bot.networks.base import Adapter, KeyValue
from bot.networks.registry import account_rules, network_of
from bot.publishing.connect import connect


@dataclass(frozen=True)
class AccountStatus:
    """One account's check: ``ok`` when it can post as far as anything tells."""

    account: str
    network: str
    ok: bool
    text: str
    missing: tuple[str, ...] = ()  # environment variables that are not set
    refused: bool = False  # the network refused the credentials: a person must act


def missing_variables(account: Account) -> list[str]:
    """The environment variables the account's credentials name that are not set."""
    try:
        secrets(account)
    except ConfigError:
        import os

        return [var for var in account.credentials.values() if not os.environ.get(var)]
    return []


def check_account(
    account: Account,
    config: Config,
    store: KeyValue | None = None,
    adapter_for: Callable[[Account], Adapter] | None = None,
    limits: bool = True,
) -> AccountStatus:
    """Check one account (and the limits it sees, with ``limits``); never raises for the account's own problems."""
    network = network_of(account.platform)
    missing = missing_variables(account) if adapter_for is None else []  # a given factory brings its own secrets
    if missing:
        return AccountStatus(account.name, network.name, False, f"environment variable {', '.join(missing)} is not set",
                             tuple(missing))  # fmt: skip
    variables = ", ".join(account.credentials.values())
    adapter = None
    try:
        adapter = (adapter_for or (lambda a: connect(a, config, store)))(account)
        seen = adapter.check()
        may = {True: "may post", False: "may NOT post", None: "posting not checked"}[seen.can_post]
        note = f"; {seen.note}" if seen.note else ""
        text = f"{seen.who}, {may}{note}"
        if limits:
            reported = adapter.limits()
            source = "as the instance says" if reported else "the network's"
            text = f"{seen.who}, limit {account_rules(account, reported).limit} ({source}), {may}{note}"
        return AccountStatus(account.name, network.name, seen.can_post is not False, text)
    except AuthError as e:
        return AccountStatus(account.name, network.name, False,
                             f"credentials refused: {e}; check the value of {variables}", refused=True)  # fmt: skip
    except (PublishError, ConfigError) as e:
        return AccountStatus(account.name, network.name, False, f"cannot check: {e}")
    finally:
        if adapter is not None:
            adapter.close()


def check_accounts(config: Config, names: Sequence[str] | None = None, store: KeyValue | None = None,
                   adapter_for: Callable[[Account], Adapter] | None = None) -> list[AccountStatus]:  # fmt: skip
    """Check the named accounts (all by default), one after another."""
    accounts = [config.account(n) for n in names] if names else list(config.accounts)
    return [check_account(a, config, store, adapter_for) for a in accounts]
