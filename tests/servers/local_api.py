"""What every hand-written local API server offers: its URL, a clock to move, a reset and a close.

A subclass sets ``state`` (with ``lock``, ``offset`` and ``clear()``), ``faults`` and ``_running``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from tests.servers.faults import Faults
from tests.servers.serving import Running


class LocalApi:
    state: Any
    faults: Faults
    _running: Running

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        return self._running.base_url

    def advance(self, seconds: float) -> None:
        """Move the server clock forward (rate windows, quotas, expiry, timestamps)."""
        with self.state.lock:
            self.state.offset += seconds

    def reset(self) -> None:
        """Forget what was posted, windows, settings, the clock offset and faults (accounts stay valid)."""
        self.faults.clear()
        self.state.clear()

    def close(self) -> None:
        """Stop the server and release held requests."""
        self.faults.close()
        self._running.close()

    def _configure(self, settings_type: type, **settings: Any) -> None:
        with self.state.lock:
            for name, value in settings.items():
                if not hasattr(settings_type, name):
                    raise TypeError(f"unknown setting {name!r}")
                setattr(self.state.settings, name, value)


class ServerClock:
    """The adapter's and publisher's clock, kept equal to a local server's: ``sleep`` moves both forward."""

    def __init__(self, server: LocalApi) -> None:
        self.server, self.offset = server, 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def time(self) -> float:
        return time.time() + self.offset

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += seconds
        self.server.advance(seconds)
