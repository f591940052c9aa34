"""Reading a PDF never hangs, never sinks the bot: PDFium runs in an isolated child with a memory limit,
a wall-clock timeout and bounded pages and text, and every failure is one line naming the file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from bot.errors import StatementError
from bot.text.pdf import pdf_text
from bot.text.pdf.pdfium import MAX_PAGES
from bot.text.pdf.sandbox import IsolationError, Limits, run_isolated
from bot.text.reading import read_statement

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "fixtures" / "pdfs" / "hostile"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>"
)


def assemble(objects: list[bytes]) -> bytes:
    """A PDF whose object n (1-based) is objects[n-1], with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(content: bytes) -> bytes:
    data = zlib.compress(content, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"


def one_page(content: bytes) -> bytes:
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE % (4, 5),
            stream(content),
            FONT,
        ]
    )


def pages(count: int) -> bytes:
    """``count`` pages sharing one small content stream: 3,000 of them is 470 KB, far under the 8 MiB cap."""
    kids = b" ".join(b"%d 0 R" % (n + 5) for n in range(count))
    text = stream(b"BT /F1 12 Tf 72 720 Td (A page of a very long statement.) Tj ET")
    head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        text,
        FONT,
    ]
    return assemble(head + [PAGE % (3, 4)] * count)


def error_of(data: bytes, name: str = "hostile.pdf", limits: Limits | None = None) -> tuple[str, float]:
    start = time.perf_counter()
    with pytest.raises(StatementError) as caught:
        pdf_text(data, name, limits) if limits else pdf_text(data, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "\n" not in message and len(message) < 200, message
    return message, time.perf_counter() - start


@pytest.mark.parametrize(
    "name, problem",
    [
        ("truncated.pdf", "not a readable PDF (Data format error)"),
        ("page-tree-cycle.pdf", "not a readable PDF"),
        ("flate-bomb.pdf", "PDF needs more than 1,024 MB to read"),
    ],
)
def test_hostile_pdfs_are_one_line_errors(name: str, problem: str):
    message, seconds = error_of((HOSTILE / name).read_bytes(), name)
    assert problem in message
    assert seconds < Limits().seconds + 2


@pytest.mark.parametrize(
    "name, text", [("broken-xref.pdf", "Solidarity with the Striking Port Workers"), ("deep-nesting.pdf", "Deep")]
)
def test_damaged_pdfs_pdfium_repairs_are_read(name: str, text: str):
    assert text in pdf_text((HOSTILE / name).read_bytes(), name)


def test_fifty_thousand_open_brackets_in_a_content_stream():
    assert pdf_text(one_page(b"BT /F1 12 Tf 72 720 Td (Open) Tj ET " + b"[" * 50_000), "x.pdf").strip() == "Open"


def test_operands_piled_up_before_an_inline_image():
    content = b"BT /F1 12 Tf 72 720 Td (Image) Tj ET " + b"1 " * 200_000 + b"BI /W 4 /H 4 /BPC 8 /CS /G ID "
    assert pdf_text(one_page(content + b"\x00" * 16 + b" EI"), "x.pdf").strip() == "Image"


def test_three_thousand_pages_under_the_size_cap_are_refused_at_once():
    data = pages(3000)
    assert len(data) < 8 << 20
    message, seconds = error_of(data, "long.pdf")
    assert message == f"long.pdf: has 3,000 pages; a statement may have at most {MAX_PAGES}"
    assert seconds < 5


def test_as_many_pages_as_allowed_are_read():
    assert pdf_text(pages(MAX_PAGES), "x.pdf").count("A page of a very long statement.") == MAX_PAGES


def test_an_encrypted_pdf_says_so(tmp_path: Path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Secret statement")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    with pytest.raises(StatementError, match="PDF is encrypted; export it without a password"):
        read_statement(path)


def test_time_limit_stops_a_slow_pdf():
    message, seconds = error_of((HOSTILE / "flate-bomb.pdf").read_bytes(), "slow.pdf", Limits(seconds=0.5))
    assert message == "slow.pdf: PDF took longer than 0.5 s to read; not read"
    assert seconds < 3


# --- the sandbox itself, with functions of this module as the child's work ------------------------------


def abort(data: bytes) -> bytes:
    os.abort()  # what PDFium does when an allocation fails


def spin(data: bytes) -> bytes:
    while True:
        pass


def hoard(data: bytes) -> bytes:
    return b"x" * (1 << 33)  # 8 GiB: over the address-space limit


def broken(data: bytes) -> bytes:
    raise ValueError("bad input")


def echo(data: bytes) -> bytes:
    print("noise from a library")  # must not reach the answer
    return data[::-1]


TARGET = "tests.text.test_pdf_hostile"


def test_the_child_answers_with_its_result_only():
    assert run_isolated(f"{TARGET}:echo", b"abc") == b"cba"


@pytest.mark.parametrize(
    "function, kind",
    [("abort", "memory"), ("hoard", "memory"), ("spin", "timeout"), ("broken", "failed")],
)
def test_a_child_that_crashes_hoards_spins_or_raises_is_a_clean_error(function: str, kind: str):
    start = time.perf_counter()
    with pytest.raises(IsolationError) as caught:
        run_isolated(f"{TARGET}:{function}", b"", Limits(seconds=1.0, memory_bytes=512 << 20))
    assert caught.value.kind == kind
    assert time.perf_counter() - start < 4


def test_a_text_statement_and_even_a_pdf_one_never_load_pypdfium2_in_the_bot(tmp_path: Path):
    pdf = ROOT / "tests" / "fixtures" / "pdfs" / "en-port-workers.pdf"
    code = (
        "import sys\nfrom bot.text.reading import read_statement\n"
        f"read_statement({str(ROOT / 'statements' / '2020-01-04-iaswi-soleimani-assassination.txt')!r})\n"
        "print('pypdfium2' in sys.modules)\n"
        f"read_statement({str(pdf)!r})\n"
        "print('pypdfium2' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
