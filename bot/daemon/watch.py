"""Watch the statements folder with OS file events and report statement files once complete.

Every event for a statement file starts (or restarts) a settle timer for that path; the
file is reported only when its size and modification time have not changed for
``settle_seconds``. Between events nothing polls: the settle thread sleeps until the next
deadline. A path that disappears and reappears within the settle time is an edit, not a
deletion, so editors that save by renaming are handled.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.text.reading import is_statement_file, statement_files

log = logging.getLogger("statement-bot.daemon.watch")


EventKind = Literal["created", "modified", "deleted", "moved"]


@dataclass(frozen=True)
class FileEvent:
    """A statement file that is complete (or gone): ``src`` is the old path of a move."""

    kind: EventKind
    path: Path
    src: Path | None = None


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.lstat()  # the entry itself: a link is a statement file to report, whatever it points at
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


@dataclass
class _Pending:
    signature: tuple[int, int] | None
    changed: float
    src: Path | None = None


@dataclass
class Watcher:
    """Emit ``FileEvent``s for one folder (not its subfolders) through ``emit``."""

    folder: Path
    settle_seconds: float
    emit: Callable[[FileEvent], None]
    _pending: dict[Path, _Pending] = field(default_factory=dict)
    _known: set[Path] = field(default_factory=set)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _stopped: bool = False
    _observer: Any = None
    _thread: threading.Thread | None = None

    def start(self) -> list[Path]:
        """Start watching; returns the statement files already there (which count as known)."""
        from watchdog.observers import Observer

        self.folder = self.folder.resolve()
        self._observer = Observer()
        self._observer.schedule(_Handler(self), str(self.folder), recursive=False)
        self._observer.start()
        # Listed after the observer starts, so a file created meanwhile is seen either way.
        present = statement_files(self.folder)
        with self._cond:
            self._known.update(present)
        self._thread = threading.Thread(target=self._settle_loop, name="watch-settle", daemon=True)
        self._thread.start()
        return present

    def stop(self) -> None:
        """Stop the observer and the settle thread; pending files are not reported."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def touched(self, path: Path, src: Path | None = None) -> None:
        """Note an OS event for ``path`` (``src``: where it was moved from); restarts its timer."""
        with self._cond:
            entry = self._pending.get(path)
            now = time.monotonic()
            if entry is None:
                self._pending[path] = _Pending(_signature(path), now, src)
            else:
                entry.signature, entry.changed = _signature(path), now
                entry.src = src or entry.src
            self._cond.notify_all()

    def _settle_loop(self) -> None:
        while True:
            with self._cond:
                if self._stopped:
                    return
                ready = self._take_settled()
                if not ready:
                    self._cond.wait(timeout=self._next_wait())
                    continue
            for event in ready:
                try:
                    self.emit(event)
                except Exception:  # the watcher must outlive any one bad handler call
                    log.exception("handling %s %s failed", event.kind, event.path)

    def _next_wait(self) -> float | None:
        if not self._pending:
            return None
        deadline = min(p.changed for p in self._pending.values()) + self.settle_seconds
        return max(0.0, deadline - time.monotonic()) + 0.001

    def _take_settled(self) -> list[FileEvent]:
        now = time.monotonic()
        ready: list[FileEvent] = []
        for path, entry in sorted(self._pending.items(), key=lambda kv: kv[1].changed):
            if path not in self._pending or now - entry.changed < self.settle_seconds:
                continue
            signature = _signature(path)
            if signature != entry.signature:  # changed without an event reaching us yet
                entry.signature, entry.changed = signature, now
                continue
            del self._pending[path]
            event = self._classify(path, entry)
            if event is not None:
                ready.append(event)
        return ready

    def _classify(self, path: Path, entry: _Pending) -> FileEvent | None:
        exists = entry.signature is not None
        if exists and path in self._known:
            return FileEvent("modified", path)
        if exists:
            self._known.add(path)
            src = entry.src
            if src is not None and src in self._known and not src.exists():
                self._known.discard(src)
                self._pending.pop(src, None)
                return FileEvent("moved", path, src)
            return FileEvent("created", path)
        if path in self._known:
            self._known.discard(path)
            return FileEvent("deleted", path)
        return None


class _Handler:
    """Turns watchdog events into ``Watcher.touched`` calls for statement files only."""

    def __init__(self, watcher: Watcher):
        self.watcher = watcher
        self.folder = os.path.abspath(watcher.folder)

    def dispatch(self, event: Any) -> None:
        if event.is_directory or event.event_type not in ("created", "modified", "deleted", "moved", "closed"):
            return
        dest = getattr(event, "dest_path", "") or ""
        src = os.fsdecode(event.src_path)
        if event.event_type == "moved":
            dest = os.fsdecode(dest)
            if self._mine(dest) and is_statement_file(dest):
                self.watcher.touched(Path(dest), Path(src) if is_statement_file(src) else None)
            if self._mine(src) and is_statement_file(src):
                self.watcher.touched(Path(src))
        elif self._mine(src) and is_statement_file(src):
            self.watcher.touched(Path(src))

    def _mine(self, path: str) -> bool:
        # The entry's own folder, not its target's: a link pointing elsewhere is reported when read, not ignored.
        return os.path.dirname(os.path.abspath(path)) == self.folder
