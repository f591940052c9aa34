"""Read statement files (.txt, .md, .pdf) from disk: the I/O edge of the text pipeline.

The one place where reading, parsing and validating a statement happens: whatever goes
wrong in it (a bad file, or a bug met by a strange one) leaves as a one-line
``StatementError`` naming the file, with an unexpected exception's traceback logged at
debug level, so a folder of statements is always read to the end.

Reading is bounded: only a regular file is opened (a FIFO, device, socket or folder is an
error at once, without blocking: the file is opened non-blocking and checked with
``fstat`` on the open descriptor), and never more than the size cap plus one byte is read,
whatever the file claims its size is.

The symlink rule: **a statement file is never a symbolic link.** Wherever a statement is
read (a file named on the command line, a folder preview, the daemon's start and its file
events) a link is refused with an error naming it, because the file is opened with
``O_NOFOLLOW``; the folder itself (``statements_dir``, or a folder given to ``preview``)
may be a link. So a link to ``/etc/passwd`` or ``/dev/zero`` dropped into the folder is
reported, never read. ``is_statement_entry`` is the same rule for a watcher deciding
which paths to pass on: it keeps links (so that reading them reports them) and drops
folders.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import StatementError
from bot.model import Statement
from bot.text.frontmatter import clip

if TYPE_CHECKING:
    from datetime import tzinfo

    from bot.text.budget import Budget

log = logging.getLogger("statement-bot.reading")

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".pdf": "pdf"}
MAX_TEXT_BYTES = 1 << 20  # 1 MiB: a long statement is ~20 KB
MAX_PDF_BYTES = 8 << 20  # PDFs carry fonts and images
_CHUNK = 1 << 16
_KINDS = {
    stat.S_IFDIR: "folder",
    stat.S_IFIFO: "FIFO (named pipe)",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
    stat.S_IFSOCK: "socket",
    stat.S_IFLNK: "symbolic link",
}
LINK_REFUSED = "is a symbolic link; statement files must be regular files, not links (copy the file in instead)"


class Unreadable(Exception):
    """A file that cannot be read as asked; ``problem`` says why in a few words."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def is_statement_file(path: str | os.PathLike[str]) -> bool:
    """Whether a file name is a statement's, not a dotfile, editor backup or partial download.

    Partial downloads and swap files (``.part``, ``.crdownload``, ``.swp``, ``.tmp``) end in
    their own suffix, so the suffix test below already leaves them out.
    """
    name = os.path.basename(os.fspath(path))
    if name.startswith((".", "#", "~")) or name.endswith("~"):
        return False
    return os.path.splitext(name)[1].lower() in FORMATS


def is_statement_entry(path: str | os.PathLike[str]) -> bool:
    """Whether a watcher or a listing should hand ``path`` to ``read_statement``: a statement name, not a folder.

    Links, FIFOs and devices are kept on purpose: reading them reports them (one error line).
    """
    if not is_statement_file(path):
        return False
    try:
        return not stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes, safe to print on a terminal."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def read_bounded(path: str | os.PathLike[str], limit: int, follow_links: bool = False) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``Unreadable`` otherwise, without blocking."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise Unreadable("file not found") from None
    except OSError as e:
        if e.errno == errno.ELOOP and not follow_links:
            raise Unreadable(LINK_REFUSED) from None
        if e.errno == errno.ENXIO:
            raise Unreadable("is a socket, not a regular file") from None
        raise Unreadable(f"cannot read file: {e.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "special file")
            raise Unreadable("is a folder, not a file" if kind == "folder" else f"is a {kind}, not a regular file")
        if st.st_size > limit:
            raise Unreadable(f"file is too large ({st.st_size:,} bytes; limit {limit:,})")
        chunks, total = [], 0
        while chunk := os.read(fd, min(_CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew, or its size lied (/proc): stop at limit + 1
                raise Unreadable(f"file is too large (over the limit of {limit:,} bytes)")
        return b"".join(chunks)
    except OSError as e:
        raise Unreadable(f"cannot read file: {e.strerror}") from None
    finally:
        os.close(fd)


def read_statement(path: str | Path, tz: tzinfo | None = None, budget: Budget | None = None) -> Statement:
    """Read and parse one statement file; a naive ``publish_at`` is taken to be in ``tz`` (the organisation's).

    With a ``budget`` the work is done in a helper process that is stopped when it takes
    longer or needs more memory than the budget allows (what the daemon uses: one strange
    file can never hold it up); without one it is done here.
    Every failure is a ``StatementError`` naming the file.
    """
    if budget is not None:
        from bot.text.budget import read_within

        return read_within(Path(path), tz, budget)
    path = Path(path)
    try:
        return _read(path, str(path), tz)
    except StatementError as e:
        if printable(e.path) != e.path or printable(e.problem) != e.problem:
            raise StatementError(printable(e.path), printable(e.problem)) from None
        raise
    except RecursionError:
        raise StatementError(printable(str(path)), "is nested too deeply to read") from None
    except MemoryError:
        raise StatementError(printable(str(path)), "needs too much memory to read") from None
    except Exception as e:  # a bug met by a strange file: one clean line, the traceback at debug level
        log.debug("reading %s failed", printable(str(path)), exc_info=True)
        raise StatementError(
            printable(str(path)),
            f"could not be read: unexpected {type(e).__name__} ({clip(printable(str(e)), 80)}); "
            "this is a statement-bot bug, the traceback is logged at debug level",
        ) from None


def _read(path: Path, name: str, tz: tzinfo | None) -> Statement:
    from bot.text.statement import parse_statement

    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise StatementError(
            name, f"unsupported file type {clip(path.suffix, 20) or '(none)'!r} (use .txt, .md or .pdf)"
        )
    try:
        data = read_bounded(path, MAX_PDF_BYTES if fmt == "pdf" else MAX_TEXT_BYTES)
    except Unreadable as e:
        raise StatementError(name, e.problem) from None
    digest = hashlib.sha256(data).hexdigest()[:16]
    if fmt == "pdf":
        from bot.text.pdf import pdf_text

        text = pdf_text(data, name)
    else:
        text = decode_text(data, name)
    statement = parse_statement(text, name=name, fmt=fmt, digest=digest)
    if tz is not None and statement.publish_at is not None and statement.publish_at.tzinfo is None:
        statement = replace(statement, publish_at=statement.publish_at.replace(tzinfo=tz))
    return statement


def statement_files(folder: str | Path) -> list[Path]:
    """The statement files in ``folder``, sorted: every entry with a statement's name that is not a folder.

    Links, FIFOs and devices are listed so that reading them reports them.
    """
    folder = Path(folder)
    try:
        with os.scandir(folder) as entries:
            found = [Path(e.path) for e in entries if is_statement_file(e.name) and not _is_dir(e)]
    except FileNotFoundError:
        raise StatementError(printable(str(folder)), "folder not found") from None
    except NotADirectoryError:
        raise StatementError(printable(str(folder)), "is not a folder") from None
    except OSError as e:
        raise StatementError(printable(str(folder)), f"cannot list the folder: {e.strerror}") from None
    return sorted(found)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def iter_statements(
    folder: str | Path, tz: tzinfo | None = None, budget: Budget | None = None
) -> Iterator[tuple[Path, Statement | StatementError]]:
    """Every statement file in ``folder`` (sorted), each with its Statement or its error."""
    for path in statement_files(folder):
        try:
            yield path, read_statement(path, tz, budget)
        except StatementError as e:
            yield path, e


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file strictly: UTF-8 (BOM allowed) or BOM-marked UTF-16; a NUL anywhere means binary."""
    if not data.strip():
        raise StatementError(name, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise StatementError(name, "is not valid UTF-16 despite its byte-order mark") from None
    else:
        if b"\x00" in data:
            raise StatementError(name, f"is binary data, not text (a NUL byte at offset {data.index(0):,})")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise StatementError(name, f"is not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})") from None
    if "\x00" in text:
        raise StatementError(name, "is binary data, not text (a NUL character)")
    if not text.strip():
        raise StatementError(name, "file is empty")
    return text
