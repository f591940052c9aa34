"""Bluesky link cards: Open Graph tags fetched from a page on 127.0.0.1, with every way a page can go wrong."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.media.images import sniff
from bot.networks.bluesky import card
from bot.networks.bluesky.card import fetch_card, parse_card
from tests.servers.media import png

HEAD = (
    '<html><head><meta charset="utf-8"><title>Page title</title>'
    '<meta property="og:title" content="No to war: the statement">'
    '<meta property="og:description" content="IASWI on the assassination &amp; its aftermath.">'
    '<meta property="og:image" content="/thumb.png"></head><body>text</body></html>'
)
BIG = png(1500, 1500, padding=2_500_000)  # a 2.5 MB thumbnail: over Bluesky's 1,000,000 bytes


class Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/page": (200, "text/html", HEAD.encode()),
            "/big-thumb": (200, "text/html", HEAD.replace("/thumb.png", "/big.png").encode()),
            "/no-og": (200, "text/html", b"<html><head><title>Only a title</title></head><body>x</body></html>"),
            "/nothing": (200, "text/html", b"<html><body>no head at all</body></html>"),
            "/malformed": (200, "text/html", b'<html><head><meta property=og:title content="Broken <<</ti\x00tle><<'),
            "/huge": (200, "text/html", HEAD.encode() + b"<p>" + b"x" * (3 << 20)),
            "/pdf": (200, "application/pdf", b"%PDF-1.7"),
            "/bad-thumb": (200, "text/html", HEAD.replace("/thumb.png", "/not-an-image").encode()),
            "/thumb.png": (200, "image/png", png(400, 210)),
            "/big.png": (200, "image/png", BIG),
            "/not-an-image": (200, "image/png", b"<html>"),
        }
        if self.path == "/slow":
            time.sleep(2)
        status, kind, body = routes.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_card_has_the_open_graph_title_description_and_thumbnail(site):
    found = fetch_card(f"{site}/page")
    assert found is not None
    assert (found.title, found.description) == (
        "No to war: the statement",
        "IASWI on the assassination & its aftermath.",
    )
    assert found.thumb is not None and (found.thumb.width, found.thumb.height) == (400, 210)


def test_a_thumbnail_over_a_million_bytes_is_made_smaller(site):
    found = fetch_card(f"{site}/big-thumb")
    assert len(BIG) > 2_000_000
    assert found is not None and found.thumb is not None
    assert len(found.thumb.data) <= 1_000_000 and sniff(found.thumb.data) is not None


def test_a_page_without_open_graph_tags_uses_its_title(site):
    found = fetch_card(f"{site}/no-og")
    assert found is not None and (found.title, found.description, found.thumb) == ("Only a title", "", None)


@pytest.mark.parametrize("path", ["/nothing", "/malformed", "/pdf", "/missing", "/slow"])
def test_pages_that_cannot_give_a_card_give_none_quickly(site, path, monkeypatch):
    monkeypatch.setattr(card, "TIMEOUT", 0.5)
    started = time.monotonic()
    assert fetch_card(f"{site}{path}") is None
    assert time.monotonic() - started < 1.5


def test_a_huge_page_is_read_only_as_far_as_its_head(site):
    found = fetch_card(f"{site}/huge")
    assert found is not None and found.title == "No to war: the statement"


def test_a_thumbnail_that_is_not_an_image_leaves_the_card_without_one(site):
    found = fetch_card(f"{site}/bad-thumb")
    assert found is not None and found.thumb is None


def test_parse_card_resolves_relative_images_and_ignores_other_schemes():
    found = parse_card("https://ex.org/a/b", HEAD)
    assert found is not None and found[2] == "https://ex.org/thumb.png"
    found = parse_card("https://ex.org/a/b", HEAD.replace("/thumb.png", "javascript:alert(1)"))
    assert found is not None and found[2] is None
    assert parse_card("https://ex.org/", "<p>no title</p>") is None
