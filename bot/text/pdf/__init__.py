"""Statements out of PDF files: the layout-aware reader.

``pdf_text(data, name)`` is the one entry point (``bot.text.reading`` calls it for a ``.pdf``). PDFium
(pypdfium2) reads the characters with their boxes, fonts and sizes in an isolated child process
(``sandbox.py``: memory, time, pages and text bounded, a crash is an error); the pure modules turn them
into lines (``glyphs.py``, ``bidi.py``) and the lines into a title, date line and paragraphs
(``layout.py``, ``paragraphs.py``). The result is text in the shape the text repair expects: ``# title``,
then paragraphs separated by blank lines with list items on lines of their own, ending with the closing
block's lines, so ``bot.text.cleaning`` finds the slogans, signature, date and contacts as it does in any
statement. pypdfium2 is imported only in the child, never by a text statement's preview.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import StatementError

if TYPE_CHECKING:
    from bot.text.pdf.sandbox import Limits


def pdf_text(data: bytes, name: str, limits: Limits | None = None) -> str:
    """The statement in a PDF as text (see the module's docstring); every failure a ``StatementError``.
    ``limits`` bound the PDFium child (default ``sandbox.Limits()``: 10 s, 1 GiB)."""
    from bot.text.pdf.extract import read_lines
    from bot.text.pdf.layout import drop_furniture, read_layout
    from bot.text.pdf.sandbox import Limits

    if b"%PDF" not in data[:1024]:
        raise StatementError(name, "is not a PDF (no %PDF header)")
    lines = read_lines(data, name, limits or Limits())
    if not lines:
        raise StatementError(name, "PDF has no extractable text (a scanned image?)")
    layout = read_layout(lines)
    if layout is None:  # no title by size or weight: lines as they are, for the text repair
        pages: dict[int, list[str]] = {}
        for line in drop_furniture(lines):
            pages.setdefault(line.page, []).append(line.text)
        return "\n\n".join("\n".join(page) for page in pages.values())
    head = [f"# {layout.title}"] if layout.title else []
    if layout.date_line:
        head.append(layout.date_line)
    return "\n\n".join([*head, *layout.paragraphs]) + "\n"
