"""A PDF's first page is rendered in the sandbox's child process: a hostile PDF is a one-line error, never a crash.

In the bot's own process, PDFium aborts the whole process when an allocation fails (SIGABRT): the
flate bomb below takes a plain ``pypdfium2`` render down in about 2 s. Rendered in the child, the same
file is a ``StatementError`` naming the statement, raised at preview time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from bot.errors import StatementError
from bot.media import images
from bot.media.images import render_pdf_page, sniff
from tests.fuzz.pdfs import assemble, stream
from tests.support import run_bot

ROOT = Path(__file__).resolve().parents[2]
PDFS = ROOT / "tests" / "fixtures" / "pdfs"
HOSTILE = PDFS / "hostile"


def annotation_bomb(path: Path) -> Path:
    """A PDF whose text reads fine (PDFium's text layer never opens annotations) but whose first page, drawn
    with its stamp annotation, parses 8 million path operators: only rendering it blows up."""
    ops = zlib.compress(b"0 0 m 1 1 l S " * 8_000_000, 9)
    text = b"BT /F1 24 Tf 72 760 Td (Free the teachers) Tj ET BT /F1 11 Tf 72 700 Td (They did nothing wrong.) Tj ET"
    path.write_bytes(
        assemble(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>",
                stream(text),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                b"<< /Type /Annot /Subtype /Stamp /Rect [0 0 595 842] /F 4 /AP << /N 7 0 R >> >>",
                b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Length %d /Filter /FlateDecode >>\nstream\n"
                % len(ops)
                + ops
                + b"\nendstream",
            ]
        )
    )
    return path


def test_a_good_pdf_renders_to_a_png_in_the_child(tmp_path):
    image = render_pdf_page(str(PDFS / "en-port-workers.pdf"), "en-port-workers.pdf")
    assert sniff(image.data) == ("image/png", image.width, image.height)
    assert max(image.width, image.height) == 2000


def test_the_flate_bomb_is_a_one_line_error_naming_the_statement_not_a_dead_process(tmp_path):
    started = time.monotonic()
    with pytest.raises(StatementError) as caught:
        render_pdf_page(str(HOSTILE / "flate-bomb.pdf"), "statements/bomb.pdf")
    message = str(caught.value)
    assert message.startswith("statements/bomb.pdf: cannot render the first page of ")
    assert "needs more than 1,024 MB (stopped by SIGABRT); not rendered" in message and "\n" not in message
    assert time.monotonic() - started < images.RENDER_SECONDS  # the memory limit stops it, not the clock


def test_a_render_that_takes_too_long_is_stopped(tmp_path, monkeypatch):
    pdf = tmp_path / "slow.pdf"
    pdf.write_bytes((PDFS / "en-port-workers.pdf").read_bytes())
    monkeypatch.setattr(images, "RENDER_SECONDS", 0.01)
    with pytest.raises(StatementError, match=r"slow\.pdf: cannot render the first page .*longer than 0\.01 s"):
        render_pdf_page(str(pdf), "slow.pdf")


@pytest.mark.parametrize(("name", "why"), [("truncated.pdf", "(Data format error)")])
def test_a_damaged_pdf_says_what_pdfium_said(name, why):
    with pytest.raises(StatementError, match=rf"cannot render the first page of .*{name} \({why[1:-1]}\)"):
        render_pdf_page(str(HOSTILE / name), name)


def test_preview_of_a_pdf_whose_page_cannot_be_rendered_fails_cleanly_at_preview_time(tmp_path):
    pdf = annotation_bomb(tmp_path / "teachers.pdf")
    done = run_bot("preview", str(pdf), "--platform", "x", "--format", "json")
    assert done.returncode == 2, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(pdf) in lines[0], done.stderr
    assert lines[0].endswith(f"{pdf}: cannot render its first page: it needs more than 1,024 MB (stopped by SIGABRT); "
                             "not rendered")  # fmt: skip
    assert done.stdout == ""


def test_the_bots_process_never_loads_pdfium(tmp_path):
    code = (
        "import sys; from bot.media.images import render_pdf_page; "
        f"render_pdf_page({str(PDFS / 'en-port-workers.pdf')!r}, 's'); "
        "print('pypdfium2' in sys.modules, 'PIL' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.stdout.split() == ["False", "False"], done.stderr
