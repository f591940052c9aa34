"""One bot per state: an exclusive lock on ``<state>.lock`` that holds the running bot's pid.

A dry run writes nothing beside the state: its lock lives in the system's temporary
folder, named after the state, so ``status`` can still say that one is running.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

from bot.errors import AlreadyRunning


def dry_run_lock(state: Path) -> Path:
    """Where a dry run on ``state`` keeps its lock (outside the state's folder)."""
    digest = hashlib.sha256(str(Path(state).resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"statement-bot-dry-run-{digest}.lock"


def lock_state(state: Path, dry_run: bool = False) -> int:
    """Take the single-instance lock (pid inside); refuse if another run holds it. Returns the fd."""
    path = dry_run_lock(state) if dry_run else Path(f"{state}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        other = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        what = "dry run" if dry_run else "`statement-bot run`"
        raise AlreadyRunning(
            f"{state}: another {what} (pid {other}) is already using this state; "
            "stop it first (two bots would post the same threads)"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def running_pid(state: Path, dry_run: bool = False) -> int | None:
    """The pid of the `run` (or dry run) holding the lock on ``state``, or None if none runs."""
    try:
        fd = os.open(dry_run_lock(state) if dry_run else f"{state}.lock", os.O_RDONLY)
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
