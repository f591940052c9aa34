"""Helpers shared by tests of different layers."""

from __future__ import annotations

from bot.model import Account, Organisation, Statement, Thread
from bot.networks.registry import account_rules
from bot.text.threads import build_thread


def thread_for(statement: Statement, account: Account, organisation: Organisation | None = None) -> Thread:
    """The account's thread at its network's default rules (what ``preview`` plans)."""
    return build_thread(statement, account, organisation or Organisation(), account_rules(account))
