"""The PDFium edge: PDF bytes -> printed lines, run only inside the isolated child (``sandbox.py``).

Per character: its Unicode value, loose box (font ascent to descent, advance width), baseline origin,
font size and whether its font is bold; per page, where ``/ActualText`` marks say a ZWNJ was. The
characters become lines in ``glyphs.py`` (pure). The answer is JSON: ``{"lines": [...]}`` or
``{"error": "..."}`` for a PDF that PDFium refuses or that is over a limit.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import re
import unicodedata
from typing import Any

from bot.text.pdf.glyphs import Glyph, Line, page_lines
from bot.text.pdf.repair import ZWNJ

MAX_PAGES = 200  # a statement is a few pages; a 3,000-page file is refused before any page is read
MAX_PAGE_CHARS = 40_000  # a dense A4 page of 8 pt text has ~8,000
MAX_CHARS = 400_000  # the whole file: ~100 dense pages, more text than a 1 MiB text statement
_BOLD = re.compile(r"bold|black|heavy|semibold|demibold", re.I)
_FORCE_BOLD = 1 << 18  # PDF font descriptor flag


class TooLarge(Exception):
    """Over one of the limits above; the message says which."""


def extract(data: bytes) -> bytes:
    """The child's entry point (``sandbox.run_isolated``): JSON with every page's lines, or an error."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        return _error("encrypted" if "password" in str(e).lower() else f"not a readable PDF ({_reason(e)})")
    try:
        lines = _document_lines(pdf)
    except TooLarge as e:
        return _error(str(e))
    except pdfium.PdfiumError as e:
        return _error(f"not a readable PDF ({_reason(e)})")
    finally:
        pdf.close()
    return json.dumps({"lines": [_pack(line) for line in lines]}, ensure_ascii=False).encode("utf-8")


def _error(message: str) -> bytes:
    return json.dumps({"error": message}).encode("utf-8")


def _reason(error: Exception) -> str:
    return str(error).split("(PDFium: ")[-1].rstrip(").") or type(error).__name__


def _document_lines(pdf: Any) -> list[Line]:
    count = len(pdf)
    if count > MAX_PAGES:
        raise TooLarge(f"has {count:,} pages; a statement may have at most {MAX_PAGES}")
    lines: list[Line] = []
    total = 0
    for number in range(count):
        page = pdf[number]
        try:
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                n = textpage.count_chars()
                if n > MAX_PAGE_CHARS:
                    raise TooLarge(f"page {number + 1} has {n:,} characters; at most {MAX_PAGE_CHARS:,} are read")
                total += n
                if total > MAX_CHARS:
                    raise TooLarge(f"has over {MAX_CHARS:,} characters of text; too long for a statement")
                glyphs = _glyphs(textpage, n)
            finally:
                textpage.close()
            lines += page_lines(glyphs, number, width, height, _zwnj_points(page))
        finally:
            page.close()
    return lines


def _glyphs(textpage: Any, count: int) -> list[Glyph]:
    import pypdfium2.raw as raw

    handle = textpage.raw
    rect = raw.FS_RECTF()
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    x, y = ctypes.c_double(), ctypes.c_double()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    bold_of: dict[int | None, bool] = {}
    out = []
    for i in range(count):
        code = raw.FPDFText_GetUnicode(handle, i)
        raw.FPDFText_GetLooseCharBox(handle, i, ctypes.byref(rect))
        raw.FPDFText_GetCharOrigin(handle, i, ctypes.byref(x), ctypes.byref(y))
        obj = ctypes.cast(raw.FPDFText_GetTextObject(handle, i), ctypes.c_void_p).value
        bold = bold_of.get(obj)
        if bold is None:
            length = raw.FPDFText_GetFontInfo(handle, i, name, len(name), ctypes.byref(flags))
            font = name.raw[: max(length - 1, 0)].decode("latin-1")
            weight = raw.FPDFText_GetFontWeight(handle, i)
            bold = bool(_BOLD.search(font)) or weight >= 600 or bool(flags.value & _FORCE_BOLD)
            bold_of[obj] = bold
        char = chr(code) if 0 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        size = raw.FPDFText_GetFontSize(handle, i)
        if unicodedata.category(char) == "Mn":  # a mark has no advance: where its ink is says which letter it is on
            raw.FPDFText_GetCharBox(handle, i, left, right, bottom, top)
            out.append(Glyph(char, left.value, bottom.value, right.value, top.value, y.value, size, bold))
        else:
            out.append(Glyph(char, rect.left, rect.bottom, rect.right, rect.top, y.value, size, bold))
    return out


def _zwnj_points(page: Any) -> list[tuple[float, float]]:
    """Where a ``/Span <</ActualText (U+200C)>>`` mark holds a ZWNJ's zero-width glyph (LibreOffice writes ZWNJ so)."""
    import pypdfium2.raw as raw

    points = []
    value = (ctypes.c_ushort * 16)()
    length = ctypes.c_ulong()
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for index in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, index)
        for m in range(raw.FPDFPageObj_CountMarks(obj)):
            mark = raw.FPDFPageObj_GetMark(obj, m)
            if not raw.FPDFPageObjMark_GetParamStringValue(mark, b"ActualText", value, ctypes.sizeof(value), length):
                continue
            if _actual_text(bytes(value)[: length.value]) != ZWNJ:
                continue
            if raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                points.append(((left.value + right.value) / 2, bottom.value))
    return points


def _actual_text(raw_value: bytes) -> str:
    """An ActualText value; pypdfium2 5 hands a UTF-16BE string over one byte per UTF-16LE unit, undone here."""
    text = raw_value.decode("utf-16-le", "replace").rstrip("\x00")
    if text and all(ord(c) < 256 for c in text) and len(text) % 2 == 0:
        try:
            return bytes(ord(c) for c in text).decode("utf-16-be")
        except UnicodeDecodeError:
            return text
    return text


_FIELDS = tuple(field.name for field in dataclasses.fields(Line))


def _pack(line: Line) -> list[Any]:
    return [getattr(line, name) for name in _FIELDS]


def unpack(values: list[Any]) -> Line:
    """A ``Line`` from the child's JSON, checked field by field (the child's output is not trusted blindly)."""
    if not isinstance(values, list) or len(values) != len(_FIELDS):
        raise ValueError("malformed line")
    fields = dict(zip(_FIELDS, values))
    if not isinstance(fields["text"], str) or not isinstance(fields["page"], int):
        raise ValueError("malformed line")
    numbers = {k: float(v) for k, v in fields.items() if k not in ("text", "page", "bold", "rtl", "hyphen")}
    return Line(
        text=fields["text"],
        page=fields["page"],
        bold=bool(fields["bold"]),
        rtl=bool(fields["rtl"]),
        hyphen=bool(fields["hyphen"]),
        **numbers,
    )
