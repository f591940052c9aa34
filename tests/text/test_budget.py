"""Reading within a budget: a helper process that is killed when a file takes too long, and stopped at once."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.errors import StatementError
from bot.text import budget
from bot.text.budget import Budget, read_within, stop_helpers
from bot.text.reading import read_statement

TEXT = "---\npublish_at: 2026-01-04T09:00\n---\nA statement read by a helper. It has words.\n"


@pytest.fixture(autouse=True)
def no_helpers_left():
    yield
    stop_helpers()


def idle_helper_pid() -> int:
    [helper] = budget._idle
    return helper.process.pid


def test_a_budgeted_read_gives_the_same_statement_as_reading_here(tmp_path):
    path = tmp_path / "s.md"
    path.write_text(TEXT, encoding="utf-8")
    tz = ZoneInfo("Europe/Paris")
    assert read_statement(path, tz, budget=Budget()) == read_statement(path, tz)


def test_errors_come_back_as_the_same_one_line(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(StatementError, match=r"pipe\.txt: is a FIFO"):
        read_statement(fifo, budget=Budget())


def test_the_helper_is_reused_and_runs_under_an_address_space_limit(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("Words here.\n", encoding="utf-8")
    read_within(path, None, Budget(memory_bytes=700 << 20))
    pid = idle_helper_pid()
    read_within(path, None, Budget(memory_bytes=700 << 20))
    assert idle_helper_pid() == pid
    limits = Path(f"/proc/{pid}/limits").read_text(encoding="utf-8")
    assert f"Max address space         {700 << 20}" in limits


def test_a_read_over_its_time_is_a_clean_error_and_the_helper_is_replaced(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("Words here.\n", encoding="utf-8")
    read_within(path, None, Budget())
    stuck = idle_helper_pid()
    os.kill(stuck, signal.SIGSTOP)  # a helper that never answers, like one caught in an endless parse
    started = time.monotonic()
    with pytest.raises(StatementError, match=r"took longer than 1 s to read"):
        read_within(path, None, Budget(seconds=1))
    assert time.monotonic() - started < 5  # the budget, plus the kill, on a busy machine
    status = Path(f"/proc/{stuck}/status")
    assert not status.exists() or "State:\tZ" in status.read_text(encoding="utf-8")  # killed, perhaps unreaped
    assert read_within(path, None, Budget()).paragraphs == ("Words here.",)  # a fresh helper


def test_stopping_the_helpers_ends_a_read_in_progress_at_once(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("Words here.\n", encoding="utf-8")
    read_within(path, None, Budget())
    os.kill(idle_helper_pid(), signal.SIGSTOP)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_within(path, None, Budget(seconds=60))
        except StatementError as e:
            outcome.append(e)

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 10
    while not budget._busy:  # the read has taken the stopped helper: it is in progress
        assert time.monotonic() < deadline, "the read never started"
        time.sleep(0.01)
    started = time.monotonic()
    stop_helpers()
    reader.join(10)
    assert not reader.is_alive() and time.monotonic() - started < 5
    assert outcome and "reading it stopped the reader" in str(outcome[0])
