"""Read statement files (.txt, .md, .pdf) from disk: the I/O edge of the text pipeline.

Every problem is a ``StatementError`` naming the file; nothing here ever raises
anything else for bad input, so a folder of statements is read to the end.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import StatementError
from bot.model import Statement
from bot.text.pdf import pdf_text
from bot.text.statement import parse_statement

if TYPE_CHECKING:
    from datetime import tzinfo

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".pdf": "pdf"}
MAX_TEXT_BYTES = 1 << 20  # 1 MiB: a long statement is ~20 KB
MAX_PDF_BYTES = 8 << 20  # PDFs carry fonts and images


def is_statement_file(path: str | os.PathLike[str]) -> bool:
    """Whether a file name is a statement's, not a dotfile, editor backup or partial download.

    Partial downloads and swap files (``.part``, ``.crdownload``, ``.swp``, ``.tmp``) end in
    their own suffix, so the suffix test below already leaves them out.
    """
    name = os.path.basename(os.fspath(path))
    if name.startswith((".", "#", "~")) or name.endswith("~"):
        return False
    return os.path.splitext(name)[1].lower() in FORMATS


def read_statement(path: str | Path, tz: tzinfo | None = None) -> Statement:
    """Read and parse one statement file; a naive ``publish_at`` is taken to be in ``tz`` (the organisation's)."""
    path = Path(path)
    name = str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise StatementError(name, f"unsupported file type {path.suffix or '(none)'!r} (use .txt, .md or .pdf)")
    limit = MAX_PDF_BYTES if fmt == "pdf" else MAX_TEXT_BYTES
    try:
        if path.stat().st_size > limit:
            raise StatementError(name, f"file is too large ({path.stat().st_size:,} bytes; limit {limit:,})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise StatementError(name, "file not found") from None
    except IsADirectoryError:
        raise StatementError(name, "is a folder, not a file") from None
    except OSError as e:
        raise StatementError(name, f"cannot read file: {e.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()[:16]
    text = pdf_text(data, name) if fmt == "pdf" else decode_text(data, name)
    statement = parse_statement(text, name=name, fmt=fmt, digest=digest)
    if tz is not None and statement.publish_at is not None and statement.publish_at.tzinfo is None:
        from dataclasses import replace

        statement = replace(statement, publish_at=statement.publish_at.replace(tzinfo=tz))
    return statement


def statement_files(folder: str | Path) -> list[Path]:
    """The statement files in ``folder``, sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        raise StatementError(str(folder), "is not a folder")
    return sorted(p for p in folder.iterdir() if p.is_file() and is_statement_file(p))


def iter_statements(folder: str | Path, tz: tzinfo | None = None) -> Iterator[tuple[Path, Statement | StatementError]]:
    """Every statement file in ``folder`` (sorted), each with its Statement or its error."""
    for path in statement_files(folder):
        try:
            yield path, read_statement(path, tz)
        except StatementError as e:
            yield path, e


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file strictly: UTF-8 (BOM allowed) or BOM-marked UTF-16."""
    if not data.strip():
        raise StatementError(name, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise StatementError(name, "is not valid UTF-16 despite its byte-order mark") from None
    if b"\x00" in data[:8192]:
        raise StatementError(name, "is binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise StatementError(name, f"is not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})") from None
    if not text.strip():
        raise StatementError(name, "file is empty")
    return text
