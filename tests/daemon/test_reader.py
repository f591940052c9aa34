"""Statements are read in a separate process with a time budget: one slow file never holds up the bot."""

from __future__ import annotations

import time
from multiprocessing.connection import Connection
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.daemon.reader import Reader, Stopped
from bot.errors import StatementError

UTC = ZoneInfo("UTC")


def slow_serve(requests: Connection) -> None:
    """A reader that never answers (what a pathological file does to a real one)."""
    while True:
        requests.recv()
        time.sleep(3600)


def test_a_statement_is_read_in_the_reader_process(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("A title\n\nThe text of the statement.\n")
    reader = Reader(30)
    try:
        assert reader.read(path, UTC, lambda: False).title == "A title"
        with pytest.raises(StatementError, match="file is empty"):
            (tmp_path / "empty.txt").write_text("")
            reader.read(tmp_path / "empty.txt", UTC, lambda: False)
        assert reader.read(path, UTC, lambda: False).paragraphs  # the same process goes on
    finally:
        reader.close()


def test_a_read_over_budget_is_a_clean_error_and_the_next_read_works(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("A title\n\nText.\n")
    slow = Reader(0.5, serve=slow_serve)
    started = time.monotonic()
    with pytest.raises(StatementError, match=r"took longer than 0.5 s to read; skipped"):
        slow.read(path, UTC, lambda: False)
    assert time.monotonic() - started < 10
    slow.close()


def test_a_stop_request_ends_the_wait_at_once(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("A title\n\nText.\n")
    slow = Reader(3600, serve=slow_serve)
    asked = time.monotonic()
    with pytest.raises(Stopped):
        slow.read(path, UTC, lambda: time.monotonic() - asked > 0.3)
    assert time.monotonic() - asked < 5
    slow.close()
