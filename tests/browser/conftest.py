"""A real headless Chromium (Debian's) driven by Playwright, and preview pages to open in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import CHROMIUM, launch


@dataclass
class Loaded:
    """An open page and what it did while loading."""

    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One browser for the session, with a fresh profile."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = launch(pw, tmp_path_factory.mktemp("chromium-profile"))
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def open_page(chromium: Any, tmp_path: Path) -> Iterator[Callable[..., Loaded]]:
    """Write HTML to a file and open it from file://, recording console errors and requests."""
    pages: list[Any] = []

    def open_(html: str, width: int = 1400) -> Loaded:
        path = tmp_path / f"preview-{len(pages)}.html"
        path.write_text(html, encoding="utf-8")
        page = chromium.new_page()
        pages.append(page)
        page.set_viewport_size({"width": width, "height": 1000})
        loaded = Loaded(page, path.as_uri())
        page.on("console", lambda m: loaded.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: loaded.errors.append(str(e)))
        page.on("request", lambda r: loaded.requests.append(r.url))
        page.goto(loaded.url, wait_until="load")
        return loaded

    yield open_
    for page in pages:
        page.close()
