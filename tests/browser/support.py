"""What the browser tests and the screenshot share: where Chromium is, how to start it, what to show."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "statements" / "2020-01-04-iaswi-soleimani-assassination.txt"
CONFIG = ROOT / "config" / "bot.yaml"
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google, which this
# machine's closed network refuses; the tests also assert the page itself makes no requests.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Any, profile: Path, width: int = 1400, height: int = 1000) -> Any:
    """Debian's Chromium, headless, with a fresh profile at ``profile`` (Playwright's own browser is never used)."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)")
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=FLAGS,
        viewport={"width": width, "height": height},
    )


def preview_documents(path: Path) -> list[dict[str, Any]]:
    """What ``statement-bot preview PATH --format json`` prints, for the bundled config's accounts."""
    from bot.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "preview.json"
        status = main(["preview", str(path), "--format", "json", "--config", str(CONFIG), "-o", str(out)])
        assert status == 0, f"statement-bot preview {path} exited with {status}"
        return [json.loads(out.read_text(encoding="utf-8"))]
