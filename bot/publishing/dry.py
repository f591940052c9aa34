"""A network that sends nothing: what ``run --dry-run`` posts to, so a dry run plans, waits, caps and
records exactly as a real run would, in a throwaway copy of the journal."""

from __future__ import annotations

import itertools
import sqlite3
import tempfile
from pathlib import Path

from bot.model import Account
from bot.networks.base import AccountCheck, KeyValue, Limits, Outgoing, PostRef
from bot.networks.registry import known_limits

_ids = itertools.count(1)


class DryAdapter:
    """Accepts every post at once, as a healthy network would; never opens a connection."""

    def __init__(self, account: Account, store: KeyValue):
        self.account, self.store = account, store

    def limits(self) -> Limits | None:
        """The limits the real network last reported (from the journal), as ``preview`` plans with them."""
        return known_limits(self.account, self.store)

    def check(self) -> AccountCheck:
        """Nothing to check: no network is asked."""
        return AccountCheck("dry run", None, "no network was asked")

    def post(self, out: Outgoing) -> PostRef:
        """A made-up id; nothing leaves the machine."""
        return PostRef(f"dry-run-{next(_ids)}")

    def find(self, out: Outgoing) -> PostRef | None:
        """A dry run's post never goes out, so it is never found."""
        return None

    def exists(self, ref: PostRef) -> bool:
        """Posts are taken to be still there."""
        return True

    def boost(self, ref: PostRef) -> None:
        """Nothing to boost."""

    def delete(self, ref: PostRef) -> None:
        """Nothing to delete."""

    def close(self) -> None:
        """Nothing to release."""


def journal_copy(state: Path) -> Path:
    """A private copy of the journal at ``state`` (consistent, even with a bot writing it), or a path for a
    new one: a dry run writes only there, never beside the real state."""
    folder = Path(tempfile.mkdtemp(prefix="statement-bot-dry-run-"))
    copy = folder / state.name
    if state.exists():
        source = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    return copy
