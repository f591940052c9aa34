"""The parent's side of reading a PDF: run ``pdfium.extract`` isolated, check its answer, word its errors."""

from __future__ import annotations

import json

from bot.errors import StatementError
from bot.text.pdf.glyphs import Line
from bot.text.pdf.sandbox import IsolationError, Limits, run_isolated

_TARGET = "bot.text.pdf.pdfium:extract"


def read_lines(data: bytes, name: str, limits: Limits) -> list[Line]:
    """Every printed line of the PDF ``data``, in reading order; a ``StatementError`` naming ``name`` if the
    PDF cannot be read within ``limits``."""
    from bot.text.pdf.pdfium import unpack

    try:
        answer = run_isolated(_TARGET, data, limits)
    except IsolationError as e:
        if e.kind == "timeout":
            raise StatementError(name, f"PDF took longer than {limits.seconds:g} s to read; not read") from None
        if e.kind == "memory":
            megabytes = limits.memory_bytes >> 20
            raise StatementError(name, f"PDF needs more than {megabytes:,} MB to read ({e.detail}); not read") from None
        raise StatementError(name, f"PDF could not be read ({e.detail})") from None
    try:
        parsed = json.loads(answer)
        if "error" in parsed:
            problem = str(parsed["error"])
            if problem == "encrypted":
                raise StatementError(name, "PDF is encrypted; export it without a password")
            raise StatementError(name, problem)
        return [unpack(values) for values in parsed["lines"]]
    except (ValueError, KeyError, TypeError):
        raise StatementError(name, "PDF could not be read (the reader's answer was malformed)") from None
