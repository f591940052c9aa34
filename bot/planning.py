"""Which accounts a statement goes to, and the thread each gets: one planner for ``preview``, ``post`` and ``run``.

The counting rules come from ``bot.networks.registry.account_rules`` and nowhere else, so
the three commands plan the same thread for an account given the same reported limits:
``post`` and ``run`` ask the network (``Adapter.limits``), ``preview`` reads what the
network last reported from the journal (``reported``), without a network call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot.errors import StatementError
from bot.model import Account, Statement, Thread
from bot.networks.registry import account_rules, network_of, platform_rules
from bot.text.threads import build_thread

if TYPE_CHECKING:
    from bot.config import Config
    from bot.networks.base import Limits


def select_accounts(statement: Statement, config: Config, names: Sequence[str] | None = None) -> list[Account]:
    """The named accounts, else the statement's own ``accounts``, else every configured account."""
    if names:
        return [config.account(name) for name in names]
    if statement.accounts is None:
        return list(config.accounts)
    known = {a.name: a for a in config.accounts}
    unknown = [name for name in statement.accounts if name not in known]
    if unknown:
        raise StatementError(
            statement.path or statement.id,
            f"front matter accounts: no account named "
            f"{unknown[0]!r} in {config.path} (configured: {', '.join(known) or 'none'})",
        )
    return [known[name] for name in statement.accounts]


def plan_thread(statement: Statement, account: Account, config: Config, reported: Limits | None = None) -> Thread:
    """The thread ``account`` gets, with the limits its network ``reported`` (None: it reports none)."""
    return build_thread(statement, account, config.organisation, account_rules(account, reported))


def plan_threads(
    statement: Statement,
    config: Config,
    accounts: Sequence[str] | None = None,
    platform: str | None = None,
    reported: Mapping[str, Limits] | None = None,
) -> list[Thread]:
    """One thread per selected account; ``reported`` maps account names to limits their network reported.

    ``platform`` previews with that network's default rules, no account needed.
    """
    if platform is not None:
        network_of(platform)  # an unknown platform is a ConfigError, not a KeyError later
        return [
            build_thread(
                statement, Account(name=platform, platform=platform), config.organisation, platform_rules(platform)
            )
        ]
    reported = reported or {}
    return [
        plan_thread(statement, account, config, reported.get(account.name))
        for account in select_accounts(statement, config, accounts)
    ]
