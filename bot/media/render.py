"""A PDF's first page as a PNG, computed only inside the sandbox's child process (``bot.text.pdf.sandbox``).

PDFium aborts its process when an allocation fails, and a compression bomb or a page of
millions of operators can take any amount of memory and time: this module is never
imported by the bot's own process, only by the limited child ``run_isolated`` starts. The
answer is the PNG, or ``ERROR`` and one line saying why PDFium refused the file.
"""

from __future__ import annotations

import io

PAGE_SIDE = 2000  # pixels of the longer side of the rendered page
ERROR = b"ERROR "


def first_page(data: bytes) -> bytes:
    """``run_isolated`` entry point: PDF bytes -> the first page as an RGB PNG, or ``ERROR <why>``."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        why = "it is encrypted" if "password" in str(e).lower() else _reason(e)
        return ERROR + why.encode("utf-8")
    try:
        if len(pdf) < 1:
            return ERROR + b"it has no pages"
        page = pdf[0]
        width, height = page.get_size()
        if min(width, height) <= 0:
            return ERROR + b"its first page has no size"
        picture = page.render(scale=PAGE_SIDE / max(width, height), fill_color=(255, 255, 255, 255)).to_pil()
    except pypdfium2.PdfiumError as e:
        return ERROR + _reason(e).encode("utf-8")
    finally:
        pdf.close()
    out = io.BytesIO()
    # Default zlib level, no ``optimize``: optimising saves ~2 % of the bytes and costs ~0.7 s a page.
    picture.convert("RGB").save(out, "PNG")
    return out.getvalue()


def _reason(error: Exception) -> str:
    return str(error).split("(PDFium: ")[-1].rstrip(").") or type(error).__name__
