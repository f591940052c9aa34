"""Open an account's adapter: its network, its secrets from the environment, the configured timeout.

Every adapter comes wrapped in ``Scrubbed``: whatever error leaves it, from any network
present or future, has every configured secret and anything credential-shaped removed
from its message (``bot.redact``) and its SDK cause cut off (an SDK error carries the
request, its URL and headers), before the publisher prints it or the journal stores it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.config import secrets
from bot.errors import AuthError, Unavailable
from bot.networks.base import MemoryStore
from bot.networks.registry import network_of
from bot.redact import scrub_exception

if TYPE_CHECKING:
    from bot.config import Config
    from bot.model import Account
    from bot.networks.base import Adapter, KeyValue, Limits, Outgoing, PostRef


def connect(account: Account, config: Config, store: KeyValue | None = None) -> Adapter:
    """The adapter for ``account``; secrets are read now, so a missing one fails here (``ConfigError``)."""
    found = secrets(account)
    try:
        adapter = network_of(account.platform).connect(
            account, found, config.publishing.timeout_seconds, store if store is not None else MemoryStore()
        )
    except Exception as e:
        raise scrub_exception(e) from None
    return Scrubbed(adapter, _advice(account))


def _advice(account: Account) -> Callable[[BaseException], BaseException]:
    """What an error leaving the account's adapter should add, so it names what to fix: for refused
    credentials the environment variables that hold them, for an unreachable network its address."""
    network = network_of(account.platform)
    variables = ", ".join(account.credentials.values())
    where = network.endpoint(account)

    def advise(error: BaseException) -> BaseException:
        message = str(error.args[0]) if error.args else ""
        if isinstance(error, AuthError) and variables and variables not in message:
            error.args = (f"{message}; check the value of {variables}", *error.args[1:])
        elif isinstance(error, Unavailable) and where and where not in message:
            error.args = (f"{message} (at {where})", *error.args[1:])
        return error

    return advise


class Scrubbed:
    """An adapter whose every error is scrubbed of secrets; other attributes (``upload``…) pass through, guarded too."""

    def __init__(self, inner: Any, advise: Callable[[BaseException], BaseException] | None = None):
        self.inner = inner
        self.advise = advise or (lambda e: e)

    def _call(self, name: str, *args: Any) -> Any:
        try:
            return getattr(self.inner, name)(*args)
        except Exception as e:
            raise self.advise(scrub_exception(e)) from None

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.inner, name)  # AttributeError as the adapter's own: isinstance checks stay true
        if not callable(value):
            return value

        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return value(*args, **kwargs)
            except Exception as e:
                raise self.advise(scrub_exception(e)) from None

        return guarded

    def limits(self) -> Limits | None:
        """The wrapped adapter's ``limits``."""
        result: Limits | None = self._call("limits")
        return result

    def post(self, out: Outgoing) -> PostRef:
        """The wrapped adapter's ``post``."""
        result: PostRef = self._call("post", out)
        return result

    def find(self, out: Outgoing) -> PostRef | None:
        """The wrapped adapter's ``find``."""
        result: PostRef | None = self._call("find", out)
        return result

    def exists(self, ref: PostRef) -> bool:
        """The wrapped adapter's ``exists``."""
        return bool(self._call("exists", ref))

    def boost(self, ref: PostRef) -> None:
        """The wrapped adapter's ``boost``."""
        self._call("boost", ref)

    def delete(self, ref: PostRef) -> None:
        """The wrapped adapter's ``delete``."""
        self._call("delete", ref)

    def close(self) -> None:
        """The wrapped adapter's ``close``."""
        self._call("close")
