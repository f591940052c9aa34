"""Regenerate ``docs/preview.png``: the seed statement's preview page in headless Chromium.

Run from the repository root: ``.venv/bin/python -m tests.browser.screenshot [OUT.png]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bot.preview.html import render_html
from tests.browser.support import ROOT, SEED, launch, preview_documents


def screenshot(out: Path, statement: Path = SEED, width: int = 1400, height: int = 1100) -> None:
    """Render ``statement``'s preview and save the top of the page as a PNG."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "preview.html"
        page_file.write_text(render_html(preview_documents(statement)), encoding="utf-8")
        with sync_playwright() as pw:
            context = launch(pw, Path(tmp) / "profile", width, height)
            try:
                page = context.new_page()
                page.goto(page_file.as_uri(), wait_until="load")
                page.screenshot(path=str(out))
            finally:
                context.close()


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "preview.png")
