"""The live preview server: real HTTP on 127.0.0.1, real files edited, a real browser reloading."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_config
from bot.preview.serve import REFRESH_SECONDS, make_server
from tests.browser.support import CONFIG, SEED

pytestmark = pytest.mark.slow
ADDED = "We add this closing sentence while the preview is open."


@pytest.fixture
def statement(tmp_path: Path) -> Path:
    path = tmp_path / "statements" / SEED.name
    path.parent.mkdir()
    shutil.copy(SEED, path)
    return path


@pytest.fixture
def served(statement: Path) -> Iterator[tuple[str, dict]]:
    """The server on a free loopback port, with a posted map the test may fill in."""
    posted: dict = {}
    server = make_server(statement, load_config(CONFIG), port=0, posted=lambda: dict(posted))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", posted
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        return response.read().decode("utf-8")


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")  # every edit here changes the size, so the stamp moves


def add_sentence(path: Path) -> None:
    edit(path, path.read_text(encoding="utf-8").replace("No War But Class War!", f"{ADDED}\nNo War But Class War!"))


def test_page_is_rebuilt_after_the_statement_is_edited(served, statement):
    url, _ = served
    first = fetch(url)
    assert "IASWI’s Statement" in first and ADDED not in first
    assert fetch(url) == first  # nothing changed, same page
    add_sentence(statement)
    assert ADDED in fetch(url)


def test_broken_statement_is_reported_on_the_page_until_it_is_fixed(served, statement):
    url, _ = served
    good = statement.read_text(encoding="utf-8")
    edit(statement, "")
    page = fetch(url)
    assert "Cannot preview" in page and "file is empty" in page
    edit(statement, good)
    assert "Cannot preview" not in fetch(url)


def test_posted_links_are_looked_up_on_every_request(served, statement):
    url, posted = served
    assert "0 posted" in fetch(url)
    posted[("2020-01-04-iaswi-soleimani-assassination", "iaswi-x", 1)] = "https://x.com/IASWIinfo/status/1"
    page = fetch(url)
    assert 'href="https://x.com/IASWIinfo/status/1"' in page and "1 posted" in page


def test_server_listens_on_loopback_and_serves_only_the_page(served):
    url, _ = served
    assert url.startswith("http://127.0.0.1:")
    with pytest.raises(urllib.error.HTTPError) as e:
        fetch(url + "../etc/passwd")
    assert e.value.code == 404


def test_open_browser_page_shows_the_edit_by_itself(chromium, served, statement):
    url, _ = served
    page = chromium.new_page()
    try:
        page.goto(url, wait_until="load")
        page.mouse.wheel(0, 600)
        page.wait_for_function("window.scrollY >= 600")
        add_sentence(statement)
        started = time.monotonic()
        page.get_by_text(ADDED).first.wait_for(state="attached", timeout=(REFRESH_SECONDS + 5) * 1000)
        assert time.monotonic() - started < REFRESH_SECONDS + 5
        assert page.evaluate("window.scrollY") >= 600, "the reload keeps the reader's place"
    finally:
        page.close()
