"""Opening the state file: a journal is created only where no file exists, and anything else is refused.

A new journal is built complete (WAL, schema, our ``application_id``) under a temporary
name and then hard-linked into place, which fails if the name is taken: two first runs at
once both end up opening the one complete journal, and no process ever sees a
half-made file. An existing file must be ours: marked with ``APPLICATION_ID``, or an
older statement-bot journal (unmarked, schema version >= 1, our tables), which is marked
on first open. A 0-byte file, another program's SQLite file, garbage or a damaged file
is a ``CorruptJournal`` naming the file: never a fresh start, which would queue every
statement again. ``sqlite3`` errors met later, while reading or writing, become
``JournalError`` too (see ``GuardedConnection``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import stat
from pathlib import Path
from typing import Any

from bot.errors import JournalError
from bot.publishing.migrations import MIGRATIONS, migrate

APPLICATION_ID = 0x53424A31  # "SBJ1": this file is a statement-bot journal
HEADER = b"SQLite format 3\x00"
OUR_TABLES = {"statements", "threads", "posts"}
MOVE_AWAY = "move it away to start a new journal, or restore the journal from a backup"
# Files whose pages this process has checked, as (device, inode, size, mtime): a file changed on disk since
# (a checkpoint, or damage) is checked again on its next open.
_checked: set[tuple[int, int, int, int]] = set()


class CorruptJournal(JournalError):
    """The state file exists but is not a usable statement-bot journal (bad input: exit 2)."""

    exit_code = 2


def _problem(path: Path, error: sqlite3.Error) -> JournalError:
    code = getattr(error, "sqlite_errorcode", None)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or type(error) is sqlite3.DatabaseError:
        return CorruptJournal(f"{path}: the journal is damaged ({error}); {MOVE_AWAY}")
    return JournalError(f"{path}: journal error: {error}")


class GuardedCursor(sqlite3.Cursor):
    """A cursor whose every ``sqlite3`` failure is a ``JournalError`` naming the file."""

    path: Path = Path()

    def execute(self, sql: str, parameters: Any = (), /) -> GuardedCursor:
        try:
            super().execute(sql, parameters)
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as e:
            if isinstance(e, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
                raise
            raise _problem(self.path, e) from None
        return self

    def executemany(self, sql: str, seq: Any, /) -> GuardedCursor:
        try:
            super().executemany(sql, seq)
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as e:
            if isinstance(e, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
                raise
            raise _problem(self.path, e) from None
        return self

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as e:
            raise _problem(self.path, e) from None

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as e:
            raise _problem(self.path, e) from None


class GuardedConnection(sqlite3.Connection):
    """A connection whose ``execute`` runs on a ``GuardedCursor``, so reads and fetches are guarded too."""

    path: Path = Path()

    def cursor(self, factory: Any = None) -> Any:
        made = super().cursor(factory or GuardedCursor)
        made.path = self.path
        return made

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq: Any, /) -> Any:
        return self.cursor().executemany(sql, seq)


def open_journal(path: Path, create: bool = True) -> sqlite3.Connection:
    """A checked, migrated connection to the journal at ``path`` (made first if there is no file and ``create``)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if not create:
            raise JournalError(f"{path}: there is no journal here") from None
        _create(path)
        st = os.stat(path)
    except OSError as e:
        raise JournalError(f"{path}: cannot open journal: {e.strerror}") from None
    _check_file(path, st)
    db = sqlite3.connect(path, isolation_level=None, timeout=10.0, factory=GuardedConnection)
    db.path = path
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout = 10000")
        _identify(db, path)
        db.execute("PRAGMA journal_mode = WAL")  # already so since creation; a no-op that needs no lock
        db.execute("PRAGMA synchronous = FULL")  # a committed intent survives power loss, not only a kill
        db.execute("PRAGMA foreign_keys = ON")
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        if key not in _checked:
            _check_pages(db, path)
            _checked.add(key)
        try:
            migrate(db)
        except sqlite3.Error as e:
            raise _problem(path, e) from None
        if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            db.execute("BEGIN IMMEDIATE")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("COMMIT")
    except BaseException:
        db.close()
        raise
    return db


def _check_file(path: Path, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise JournalError(f"{path}: is a folder; `state` must name the journal file")
    if not stat.S_ISREG(st.st_mode):
        raise CorruptJournal(f"{path}: is not a regular file, so not a journal")
    if st.st_size == 0:
        raise CorruptJournal(f"{path}: is empty (0 bytes), not a journal; {MOVE_AWAY}")
    try:
        with open(path, "rb") as f:
            head = f.read(len(HEADER))
    except OSError as e:
        raise JournalError(f"{path}: cannot open journal: {e.strerror}") from None
    if head != HEADER:
        raise CorruptJournal(f"{path}: is not a journal (not an SQLite database); {MOVE_AWAY}")


def _identify(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a database that is not a statement-bot journal."""
    app = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version < 0:
        raise CorruptJournal(f"{path}: has an impossible schema version ({version}); {MOVE_AWAY}")
    if version > len(MIGRATIONS) and app in (0, APPLICATION_ID):
        raise JournalError(
            f"{path}: journal schema version {version} is newer than this statement-bot ({len(MIGRATIONS)}); "
            "run the statement-bot that wrote it, or a newer one"
        )
    if app == APPLICATION_ID:
        return
    if app != 0:
        raise CorruptJournal(f"{path}: is another program's SQLite database (application id {app:#x}), not a journal")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    if version == 0 and not tables:
        raise CorruptJournal(f"{path}: is an empty SQLite database, not a journal; {MOVE_AWAY}")
    if version == 0 or not tables >= OUR_TABLES:
        shown = ", ".join(sorted(tables)[:5]) or "none"
        raise CorruptJournal(f"{path}: is a foreign SQLite database (tables: {shown}), not a journal")


def _check_pages(db: sqlite3.Connection, path: Path) -> None:
    """Read every page once (``quick_check``): damage is found now, not in the middle of posting."""
    found = db.execute("PRAGMA quick_check(1)").fetchone()[0]
    if found != "ok":
        raise CorruptJournal(f"{path}: the journal is damaged ({' '.join(str(found).split())[:120]}); {MOVE_AWAY}")


def _create(path: Path) -> None:
    """Build a complete journal under a temporary name, then link it into place unless someone was first."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise JournalError(f"{path}: cannot create the journal's folder: {e.strerror}") from None
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    try:
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrate(db)
        finally:
            db.close()  # the last connection checkpoints: the file alone is the whole journal
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
    except (sqlite3.Error, OSError) as e:
        raise JournalError(f"{path}: cannot create the journal: {e}") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
