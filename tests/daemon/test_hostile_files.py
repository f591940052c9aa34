"""The running bot, handed every kind of hostile file, reports each bad one on one line, keeps handling the
files that follow, and stops on SIGTERM within 10 seconds, whatever it is doing."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.daemon.test_service import make_config, read_until, start_run, statement

HOSTILE_PDFS = Path(__file__).resolve().parents[1] / "fixtures" / "pdfs" / "hostile"
REFUSED = {  # file -> what its one line says
    "pipe.txt": "is a FIFO",
    "laughs.md": "anchors (&a) are not allowed",
    "binary.txt": "binary",
    "types.md": "anniversary",
    "zero.txt": "is a symbolic link",
    "hostile-flate-bomb.pdf": "PDF needs more than",
    "hostile-truncated.pdf": "not a readable PDF",
    "hostile-page-tree-cycle.pdf": "not a readable PDF",
}


def drop_hostile_files(folder: Path) -> None:
    """Every kind of bad statement file, as it would land in the watched folder."""
    os.mkfifo(folder / "pipe.txt")
    (folder / "laughs.md").write_text(
        "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: [*c, *c, *c]\n---\nBody.\n"
    )
    (folder / "word.txt").write_text("A title\n\n" + "x" * 200_000 + "\n")
    os.symlink("/dev/zero", folder / "zero.txt")
    (folder / "binary.txt").write_bytes(b"Title\n\n" + b"text " * 5000 + b"\x00\x01\x02")
    (folder / "types.md").write_text("---\nanniversary: 5\n---\nTitle\n\nBody.\n")
    (folder / "controls.txt").write_text("Title\x1b[31m\n\nBody \x07 with a bell and an \u202e override.\n")
    for pdf in sorted(HOSTILE_PDFS.glob("*.pdf")):
        shutil.copy(pdf, folder / f"hostile-{pdf.name}")


def stop_within_ten_seconds(proc) -> None:
    asked = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    assert time.monotonic() - asked < 10


@pytest.mark.slow
def test_every_hostile_file_is_one_line_and_a_good_file_after_them_is_handled(tmp_path):
    config = make_config(tmp_path)
    proc = start_run(config, dict(os.environ), "--dry-run")
    try:
        read_until(proc, "started")
        drop_hostile_files(config.statements_dir)
        (config.statements_dir / "zz-good.txt").write_text(statement("Still listening", "We stand with the workers."))
        lines = read_until(proc, "would post post 1/1 None statement=zz-good", timeout=120)
    finally:
        stop_within_ten_seconds(proc)
    text = "".join(lines)
    assert "Traceback" not in text and "\x1b" not in text and "\x07" not in text
    for name, says in REFUSED.items():
        (line,) = [line for line in lines if f"skipped: {config.statements_dir / name}:" in line]
        assert says in line, line
