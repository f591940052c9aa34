"""Issue 11: `preview --serve` answers only its own Host, and shows every failure in the red box, never a dropped
connection."""

from __future__ import annotations

import http.client
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_config
from bot.preview.serve import make_server

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "statements" / "2020-01-04-iaswi-soleimani-assassination.txt"
CONFIG = ROOT / "config" / "bot.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "statements"
    path.mkdir()
    shutil.copy(SEED, path / SEED.name)
    return path


def serving(path: Path, **kwargs) -> Iterator[int]:
    server = make_server(path, load_config(CONFIG), port=0, **kwargs)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def port(folder: Path) -> Iterator[int]:
    yield from serving(folder)


def get(port: int, host: str | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.putrequest("GET", "/", skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_the_page_is_served_to_its_own_host_names(port):
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        status, page = get(port, host)
        assert status == 200 and "IASWI" in page


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1", "127.0.0.1:1", None])
def test_any_other_host_is_refused_dns_rebinding(port, host):
    status, page = get(port, host.format(port=port) if host else None)
    assert status == 403 and "IASWI" not in page


def test_a_file_that_stops_parsing_shows_the_red_box(port, folder):
    assert get(port, f"127.0.0.1:{port}")[0] == 200
    (folder / "broken.md").write_text("---\ndate: 2020-02-30\n---\nWords.\n", encoding="utf-8")
    status, page = get(port, f"127.0.0.1:{port}")
    assert status == 200 and "Cannot preview" in page
    assert "broken.md: front matter: date: &#x27;2020-02-30&#x27;" in page
    assert "IASWI" in page  # the good statement is still shown


def test_a_folder_that_disappears_is_shown_not_dropped(port, folder):
    shutil.rmtree(folder)
    status, page = get(port, f"127.0.0.1:{port}")
    assert status == 200 and "Cannot preview" in page and "folder not found" in page


def test_a_bug_while_building_is_shown_in_the_red_box(folder, monkeypatch):
    import bot.preview.batch

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(bot.preview.batch, "split_file", broken)
    for port in serving(folder):
        status, page = get(port, f"127.0.0.1:{port}")
        assert status == 200 and "Cannot preview" in page and "unexpected ZeroDivisionError" in page


def test_a_failing_journal_read_is_shown_in_the_red_box(folder):
    def posted():
        raise RuntimeError("journal went away")

    for port in serving(folder, posted=posted):
        status, page = get(port, f"127.0.0.1:{port}")
        assert status == 200 and "Cannot preview" in page and "unexpected RuntimeError" in page
