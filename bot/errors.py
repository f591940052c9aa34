"""The error tree. Every error the bot raises on purpose is a ``BotError``::

    BotError
    ├─ UsageError         a command given arguments that cannot work   (exit 2)
    ├─ ConfigError        bad or missing settings or credentials       (exit 2)
    ├─ StatementError     a statement file that cannot be read         (exit 2)
    ├─ SplitError         text that cannot be made into posts
    ├─ JournalError       the state database is unusable
    ├─ AlreadyRunning     another `statement-bot run` holds the state
    └─ PublishError       raised by network adapters only
       ├─ AuthError       credentials rejected: stop, do not retry
       ├─ RateLimited     wait until ``retry_at`` then retry
       ├─ Rejected        the network refused this post for good
       │  ├─ Duplicate    the network says this exact text was already posted
       │  ├─ MediaGone    a file uploaded earlier is no longer known to the network
       │  └─ ReplyRefused the network will not take this post as a reply (X's reply rules)
       └─ Unavailable     transient: timeout, connection, 5xx; retry with backoff

Messages are one line and never contain secret values.
"""

from __future__ import annotations

from datetime import datetime


class BotError(Exception):
    """Base of every error statement-bot raises on purpose."""

    exit_code = 1


class UsageError(BotError):
    """A command was given options that cannot work together or a value it cannot use."""

    exit_code = 2


class ConfigError(BotError):
    """The config file or the environment it names is wrong."""

    exit_code = 2


class StatementError(BotError):
    """A statement file cannot be read; the message names the file."""

    exit_code = 2

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem

    def __reduce__(self) -> tuple[type[StatementError], tuple[str, str]]:
        # Pickled as its two parts: statements are read in another process (bot.daemon.reader).
        return (StatementError, (self.path, self.problem))


class SplitError(BotError):
    """A statement cannot be made into posts for an account."""


class JournalError(BotError):
    """The SQLite state cannot be opened, migrated or written."""


class AlreadyRunning(BotError):
    """Another ``statement-bot run`` holds the single-instance lock of this state."""


class PublishError(BotError):
    """A network call failed; ``account`` names the account."""

    def __init__(self, message: str, account: str = ""):
        super().__init__(message)
        self.account = account


class AuthError(PublishError):
    """The network rejected the credentials; retrying cannot help."""


class RateLimited(PublishError):
    """The network asked us to wait; ``retry_at`` is when (UTC), if it said."""

    def __init__(self, message: str, account: str = "", retry_at: datetime | None = None):
        super().__init__(message, account)
        self.retry_at = retry_at


class Rejected(PublishError):
    """The network refused this post permanently (too long, policy, bad reply)."""


class Duplicate(Rejected):
    """The network says this text was already posted by the account."""


class MediaGone(Rejected):
    """The network no longer knows a file uploaded for this post (it expired): upload it again."""


class ReplyRefused(Rejected):
    """The network refuses this post as a reply in the thread; the message is the network's own."""


class Unavailable(PublishError):
    """A transient failure: timeout, dropped connection, 5xx."""
