"""PDFs for the fuzz suite: real ones made with fpdf2, hand-built hostile structures, and seeded mutations of both."""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = "Workers of the port stand together. The strike goes on until every demand is met. "


def real_pdf(pages: int = 2, seed: int = 0) -> bytes:
    """A well-formed text PDF, as a word processor would export it."""
    from fpdf import FPDF

    rng = random.Random(seed)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Statement page {page + 1}\n\n" + TEXT * rng.randint(3, 12))
    return bytes(pdf.output())


def assemble(objects: list[bytes], root: int = 1, trailer: bytes = b"") -> bytes:
    """A PDF whose object n (1-based) is objects[n-1], with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, trailer, xref)
    return bytes(out)


def stream(data: bytes, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pages_pdf(content: bytes, pages: int = 1, compress: bool = False, trailer: bytes = b"") -> bytes:
    """``pages`` pages all drawing the same content stream (object 3), in one page tree."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
        b"/Resources << /Font << /F1 4 0 R >> >> >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        stream(content, compress),
        FONT,
    ] + [page] * pages
    return assemble(objects, trailer=trailer)


def text_ops(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET "


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
ENCRYPT = b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >> "
INLINE = b"1 2 3 /x BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q Q"


def _cycle() -> bytes:
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        PAGE,
        stream(text_ops("Hello")),
    ])  # fmt: skip


def _broken_xref() -> bytes:
    return real_pdf().replace(b"startxref\n", b"startxref\n99999999").replace(b"\nxref\n", b"\nxrex\n")


HOSTILE: dict[str, Callable[[], bytes]] = {
    "flate bomb (100 MB of operators)": lambda: pages_pdf(
        b"BT /F1 12 Tf 72 720 Td " + b"(A) Tj " * 14_300_000 + b"ET", compress=True
    ),
    "50,000 nested [": lambda: pages_pdf(text_ops("Deep") + b"[" * 50_000 + b"]" * 50_000, compress=True),
    "operands before an inline image": lambda: pages_pdf(text_ops("Image") + INLINE),
    "inline image without EI": lambda: pages_pdf(text_ops("Image") + b"BI /W 100 /H 100 /BPC 8 ID " + bytes(50)),
    "page tree cycle": _cycle,
    "3,000 pages of text": lambda: pages_pdf(text_ops(TEXT * 3) * 60, pages=3000, compress=True),
    "encryption claimed": lambda: pages_pdf(text_ops("Secret"), trailer=ENCRYPT),
    "no text at all": lambda: pages_pdf(b"0 0 m 100 100 l S"),
    "root is not a catalog": lambda: assemble([b"(just a string)"]),
    "xref points past the end": _broken_xref,
    "header only": lambda: b"%PDF-1.7\n",
    "huge object number": lambda: pages_pdf(text_ops("x")).replace(b"3 0 R", b"999999999 0 R"),
    "negative length": lambda: pages_pdf(text_ops("x")).replace(b"/Length", b"/Length -5 /Old"),
    "deep dictionary": lambda: assemble([b"<< /Type /Catalog /Pages " + b"<< /A " * 20_000 + b">>" * 20_000 + b" >>"]),
}


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One seeded damage of ``data``: cut, flipped bytes, a region overwritten, a chunk repeated or removed."""
    kind = rng.choice(["truncate", "flip", "overwrite", "repeat", "remove", "splice nesting"])
    size = len(data)
    if kind == "truncate":
        return kind, data[: rng.randrange(1, size)]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            out[rng.randrange(size)] ^= 1 << rng.randrange(8)
        return kind, bytes(out)
    if kind == "overwrite":
        start = rng.randrange(size)
        return kind, data[:start] + rng.randbytes(min(rng.randint(1, 4096), size - start)) + data[start + 4096 :]
    if kind == "repeat":
        start = rng.randrange(size)
        chunk = data[start : start + rng.randint(1, 2000)]
        return kind, data[:start] + chunk * rng.randint(2, 50) + data[start:]
    if kind == "remove":
        start = rng.randrange(size)
        return kind, data[:start] + data[start + rng.randint(1, 2000) :]
    at = data.find(b"stream\n") + 7 if b"stream\n" in data else rng.randrange(size)
    return kind, data[:at] + b"[" * rng.randint(100, 60_000) + data[at:]
