"""Text out of a PDF statement: the I/O-free part of reading a ``.pdf`` (bytes in, text out).

Every failure is a ``StatementError`` naming the file.
"""

from __future__ import annotations

from bot.errors import StatementError


def pdf_text(data: bytes, name: str) -> str:
    """Extract the text of a PDF, pages separated by a blank line like a page break."""
    if not data.startswith(b"%PDF"):
        raise StatementError(name, "is not a PDF (no %PDF header)")
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every quirk of real PDFs
    import io

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise StatementError(name, "PDF is encrypted; export it without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except StatementError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise StatementError(name, f"not a readable PDF ({type(e).__name__})") from None
    text = "\n\n".join(p.strip("\n") for p in pages)
    if not text.strip():
        raise StatementError(name, "PDF has no extractable text (a scanned image?)")
    return text
