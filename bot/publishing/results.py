"""What one run of one account's thread came to, in a form commands and the daemon can report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.publishing.states import Outcome


@dataclass(frozen=True)
class ThreadResult:
    """What happened to one account's thread: outcome, one-line message, progress."""

    account: str
    status: Outcome
    message: str
    sent: int = 0
    total: int = 0
    url: str | None = None
    not_before: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when nothing needs a person: sent, or paused to continue by itself."""
        return self.status in (Outcome.SENT, Outcome.PAUSED)
