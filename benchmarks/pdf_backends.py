"""The PDF extractors compared by pdf_extractors.py, each as "raw text" and, where it can, as layout lines.

A ``Line`` is what a layout-aware reader needs per printed line: page, position, font size, bold, text.
Every function takes a path and returns plain Python data, so the benchmark can time and score them alike.
"""

from __future__ import annotations

import ctypes
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BOLD = re.compile(r"bold|black|heavy|semibold|demibold", re.I)


@dataclass(frozen=True)
class Line:
    page: int  # 0-based
    x0: float  # left edge, pt
    top: float  # distance of the line's top from the top of the page, pt
    size: float  # font size in pt (median of the line's glyphs)
    bold: bool  # from the font name (…-Bold, …Black) or pdfium's weight
    font: str
    text: str


def _line(
    page: int, x0: float, top: float, sizes: list[float], fonts: list[str], text: str, weight_bold: bool = False
) -> Line:
    font = Counter(fonts).most_common(1)[0][0] if fonts else ""
    size = round(statistics.median(sizes), 1) if sizes else 0.0
    return Line(page, round(x0, 1), round(top, 1), size, weight_bold or bool(BOLD.search(font)), font, text)


# --- pypdf -------------------------------------------------------------------------------------------


def pypdf_plain(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def pypdf_layout(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text(extraction_mode="layout") or "" for page in PdfReader(path).pages)


def _matmul(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def pypdf_visitor_lines(path: Path) -> list[Line]:
    """Fragments from ``visitor_text`` in content-stream order; a new line starts when the baseline moves."""
    from pypdf import PdfReader

    lines: list[Line] = []
    for number, page in enumerate(PdfReader(path).pages):
        height = float(page.mediabox.height)
        frags: list[tuple[float, float, float, str, str]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, frags: list[Any] = frags) -> None:
            m = _matmul([float(v) for v in tm], [float(v) for v in cm])
            scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0
            name = str(font.get("/BaseFont", "")) if font else ""
            frags.append((m[4], m[5], size * scale, name, text))

        page.extract_text(visitor_text=visit)
        current: list[tuple[float, float, float, str, str]] = []
        for frag in frags + [(0.0, -1e9, 0.0, "", "")]:
            text = frag[4].replace("\n", "")
            if current and (abs(frag[1] - current[0][1]) > 0.4 * max(current[0][2], 1.0)):
                joined = "".join(f[4].replace("\n", "") for f in current).strip()
                if joined:
                    sizes = [f[2] for f in current if f[4].strip()]
                    lines.append(
                        _line(
                            number,
                            min(f[0] for f in current),
                            height - current[0][1] - current[0][2],
                            sizes,
                            [f[3] for f in current if f[4].strip()],
                            joined,
                        )
                    )
                current = []
            if text.strip() or current:
                current.append(frag)
    return lines


# --- pdfminer.six ------------------------------------------------------------------------------------


def pdfminer_text(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return str(extract_text(str(path)))


def pdfminer_lines(path: Path) -> list[Line]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    lines: list[Line] = []
    for number, page in enumerate(extract_pages(str(path))):
        for box in page:
            if not isinstance(box, LTTextContainer):
                continue
            for line in box:
                if not isinstance(line, LTTextLine):
                    continue
                chars = [c for c in line if isinstance(c, LTChar)]
                text = line.get_text().strip()
                if text:
                    lines.append(
                        _line(
                            number,
                            line.x0,
                            page.height - line.y1,
                            [c.size for c in chars],
                            [c.fontname for c in chars],
                            text,
                        )
                    )
    return lines


# --- pdfplumber ------------------------------------------------------------------------------------


def pdfplumber_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdfplumber_lines(path: Path) -> list[Line]:
    import pdfplumber

    lines: list[Line] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for line in page.extract_text_lines(return_chars=True):
                chars = [c for c in line["chars"] if c["text"].strip()]
                lines.append(
                    _line(
                        number,
                        line["x0"],
                        line["top"],
                        [c["size"] for c in chars],
                        [c["fontname"] for c in chars],
                        line["text"],
                    )
                )
    return lines


# --- pypdfium2 -------------------------------------------------------------------------------------


def pypdfium2_text(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            pages.append(page.get_textpage().get_text_range().replace("\r\n", "\n"))
        return "\n".join(pages)
    finally:
        pdf.close()


def pypdfium2_lines(path: Path) -> list[Line]:
    """Chars in pdfium's text order (which applies its own bidi reordering); pdfium inserts "\\r\\n" between lines."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    lines: list[Line] = []
    pdf = pdfium.PdfDocument(path)
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            height = page.get_height()
            textpage = page.get_textpage()
            chars: list[tuple[str, tuple[float, float, float, float], float, str, int]] = []
            for i in range(textpage.count_chars() + 1):
                code = raw.FPDFText_GetUnicode(textpage.raw, i) if i < textpage.count_chars() else 10
                if code in (10, 13):
                    visible = [c for c in chars if c[0].strip()]
                    text = "".join(c[0] for c in chars).strip()
                    if text and visible:
                        left, top = min(c[1][0] for c in visible), height - max(c[1][3] for c in visible)
                        lines.append(
                            _line(
                                number,
                                left,
                                top,
                                [c[2] for c in visible],
                                [c[3] for c in visible],
                                text,
                                weight_bold=Counter(c[4] for c in visible).most_common(1)[0][0] >= 600,
                            )
                        )
                    chars = []
                    continue
                n = raw.FPDFText_GetFontInfo(textpage.raw, i, buf, len(buf), ctypes.byref(flags))
                font = buf.raw[: max(n - 1, 0)].decode("latin-1") if n else ""
                chars.append(
                    (
                        chr(code),
                        textpage.get_charbox(i),
                        raw.FPDFText_GetFontSize(textpage.raw, i),
                        font,
                        raw.FPDFText_GetFontWeight(textpage.raw, i),
                    )
                )
    finally:
        pdf.close()
    return lines


TEXT: dict[str, Callable[[Path], str]] = {
    "pypdf": pypdf_plain,
    "pypdf layout": pypdf_layout,
    "pdfminer": pdfminer_text,
    "pdfplumber": pdfplumber_text,
    "pypdfium2": pypdfium2_text,
}
LINES: dict[str, Callable[[Path], list[Line]]] = {
    "pypdf visitor": pypdf_visitor_lines,
    "pdfminer lines": pdfminer_lines,
    "pdfplumber lines": pdfplumber_lines,
    "pypdfium2 chars": pypdfium2_lines,
}
# What each library is, for the licence/version/import-time table.
LIBRARIES = {
    "pypdf": "pypdf",
    "pdfminer.six": "pdfminer.high_level",
    "pdfplumber": "pdfplumber",
    "pypdfium2": "pypdfium2",
}
VARIANT_LIBRARY = {
    "pypdf": "pypdf",
    "pypdf layout": "pypdf",
    "pypdf visitor": "pypdf",
    "pdfminer": "pdfminer.six",
    "pdfminer lines": "pdfminer.six",
    "pdfplumber": "pdfplumber",
    "pdfplumber lines": "pdfplumber",
    "pypdfium2": "pypdfium2",
    "pypdfium2 chars": "pypdfium2",
}


def all_variants() -> dict[str, Callable[[Path], str]]:
    """Every variant as a text function (lines joined by newlines), in table order."""
    out: dict[str, Callable[[Path], str]] = dict(TEXT)
    for name, fn in LINES.items():
        out[name] = (lambda f: lambda p: "\n".join(line.text for line in f(p)))(fn)
    return out
