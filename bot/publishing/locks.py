"""One bot per state: an exclusive lock on ``<state>.lock`` that holds the running bot's pid."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from bot.errors import AlreadyRunning


def lock_state(state: Path) -> int:
    """Take the single-instance lock (pid inside); refuse if another run holds it. Returns the fd."""
    path = Path(f"{state}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        other = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise AlreadyRunning(
            f"{state}: another `statement-bot run` (pid {other}) is already using this state; "
            "stop it first (two bots would post the same threads)"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def running_pid(state: Path) -> int | None:
    """The pid of the `run` holding the lock on ``state``, or None if none runs."""
    try:
        fd = os.open(f"{state}.lock", os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        text = os.pread(fd, 32, 0).decode(errors="replace").strip()
        return int(text) if text.isdigit() else None
    finally:
        os.close(fd)
    return None
