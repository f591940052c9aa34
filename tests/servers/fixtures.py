"""pytest plugin: real local X, Bluesky (reference PDS) and Mastodon servers on 127.0.0.1.

Each server starts once per session (``*_session`` fixtures, for other session-scoped
fixtures); the plain fixtures ``x_server``, ``pds``, ``pds_rate_limited`` and
``mastodon_server`` are the same servers reset before and after every test, so faults,
held requests and settings never leak from one test to the next.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.mastodon_server import MastodonServer
from tests.servers.pds_server import PdsServer, PdsUnavailable
from tests.servers.telegram_api import TelegramServer
from tests.servers.threads_api import ThreadsServer
from tests.servers.x_api import XServer


@pytest.fixture(scope="session")
def x_server_session() -> Iterator[XServer]:
    """The local X API v2 server for the whole session."""
    server = XServer()
    yield server
    server.close()


@pytest.fixture
def x_server(x_server_session: XServer) -> Iterator[XServer]:
    """The local X server, reset (tweets, windows, tier, faults) around each test."""
    x_server_session.reset()
    yield x_server_session
    x_server_session.reset()


# The PDS boots for seconds: once collection shows a test needs it, start it so it boots alongside
# the tests that run first; the fixture then only waits for it.
# (Only the plain PDS: two node boots at once would starve the first tests on two cores.)
_early: dict[bool, PdsServer | PdsUnavailable] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the PDS in the background when any collected test uses it."""
    if False not in _early and any("pds_session" in getattr(i, "fixturenames", ()) for i in items):
        try:
            _early[False] = PdsServer(wait=False)
        except PdsUnavailable as error:
            _early[False] = error


def _start_pds(rate_limits: bool) -> PdsServer:
    """Take the early-started PDS (or start one) or fail the requesting tests with the setup command."""
    try:
        early = _early.pop(rate_limits, None)
        if isinstance(early, PdsUnavailable):
            raise early
        server = early or PdsServer(rate_limits=rate_limits, wait=False)
        server.wait_ready()
        return server
    except PdsUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def pds_session() -> Iterator[PdsServer]:
    """The reference PDS (no rate limiting) for the whole session."""
    server = _start_pds(rate_limits=False)
    yield server
    server.close()


def pytest_unconfigure() -> None:
    """Stop early-started servers that no test ended up using."""
    for early in _early.values():
        if isinstance(early, PdsServer):
            early.close()
    _early.clear()


@pytest.fixture
def pds(pds_session: PdsServer) -> Iterator[PdsServer]:
    """The PDS with its faults cleared around each test (make fresh accounts per test)."""
    pds_session.reset()
    yield pds_session
    pds_session.reset()


@pytest.fixture(scope="session")
def pds_rate_limited_session() -> Iterator[PdsServer]:
    """A second PDS with the PDS's own rate limiting on; started only if a test asks."""
    server = _start_pds(rate_limits=True)
    yield server
    server.close()


@pytest.fixture
def pds_rate_limited(pds_rate_limited_session: PdsServer) -> Iterator[PdsServer]:
    """The rate-limited PDS with faults cleared around each test."""
    pds_rate_limited_session.reset()
    yield pds_rate_limited_session
    pds_rate_limited_session.reset()


@pytest.fixture(scope="session")
def mastodon_server_session() -> Iterator[MastodonServer]:
    """mastodon-mock behind the Mastodon rules proxy for the whole session."""
    server = MastodonServer()
    yield server
    server.close()


@pytest.fixture
def mastodon_server(mastodon_server_session: MastodonServer) -> Iterator[MastodonServer]:
    """The Mastodon instance reset to its seed (alice/bob/carol), default rules, no faults."""
    mastodon_server_session.reset()
    yield mastodon_server_session
    mastodon_server_session.reset()


@pytest.fixture(scope="session")
def telegram_server_session() -> Iterator[TelegramServer]:
    """The local Telegram Bot API server for the whole session."""
    server = TelegramServer()
    yield server
    server.close()


@pytest.fixture
def telegram_server(telegram_server_session: TelegramServer) -> Iterator[TelegramServer]:
    """The local Bot API, reset (channels, messages, flood windows, settings, faults) around each test."""
    telegram_server_session.reset()
    yield telegram_server_session
    telegram_server_session.reset()


@pytest.fixture(scope="session")
def threads_server_session() -> Iterator[ThreadsServer]:
    """The local Threads API server for the whole session."""
    server = ThreadsServer()
    yield server
    server.close()


@pytest.fixture
def threads_server(threads_server_session: ThreadsServer) -> Iterator[ThreadsServer]:
    """The local Threads API, reset (posts, containers, quotas, tokens' clock, settings, faults) around each test."""
    threads_server_session.reset()
    yield threads_server_session
    threads_server_session.reset()
