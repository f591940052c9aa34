"""Fixtures the network tests share: a journal file, and a bot with its channels on the local Telegram server."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from bot.publishing.journal import Journal


@pytest.fixture
def journal(tmp_path) -> Iterator[Journal]:
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


@pytest.fixture
def bot(telegram_server):
    """A bot on the local Telegram Bot API server."""
    return telegram_server.create_bot(f"statements{random.randrange(10**6)}_bot")


@pytest.fixture
def channel(telegram_server, bot):
    """A public channel the bot posts to."""
    return telegram_server.create_channel(f"org{random.randrange(10**6)}", bot)


@pytest.fixture
def probe(telegram_server, bot):
    """A private channel of the bot's own, for its read-only probes."""
    return telegram_server.create_channel(None, bot, title="statement-bot probes")
