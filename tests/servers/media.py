"""Images for the local servers: tiny real PNGs for tests, size sniffing, and fetching from 127.0.0.1 only.

Meta fetches a Threads ``image_url`` from the public internet and Telegram fetches an HTTP URL passed as
a file. The tests never reach the internet, so the servers fetch only from loopback (the tests serve
their images locally); any other host fails as an unreachable URL would.
"""

from __future__ import annotations

import http.client
import struct
import zlib
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class FetchError(Exception):
    """The URL could not be fetched (not loopback, not 200, too big, or the connection failed)."""


def png(width: int = 640, height: int = 480, padding: int = 0) -> bytes:
    """A valid RGB PNG of ``width`` x ``height``; ``padding`` adds an ancillary chunk to reach a size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    extra = chunk(b"tEXt", b"pad\x00" + b"x" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + extra
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def sniff(data: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a PNG, JPEG or GIF, from its header; None if it is none of those."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if data[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", data[6:10])
        return "gif", width, height
    if data[:2] == b"\xff\xd8":
        return _jpeg(data)
    return None


def extension(data: bytes) -> str:
    """The usual file extension of an image's bytes ("bin" when it is none this module knows)."""
    found = sniff(data)
    return {"jpeg": "jpg"}.get(found[0], found[0]) if found else "bin"


def _jpeg(data: bytes) -> tuple[str, int, int] | None:
    """Walk JPEG segments to the first start-of-frame marker."""
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return "jpeg", width, height
        pos += 2 + length
    return None


def fetch_local(url: str, max_bytes: int, timeout: float = 10.0) -> tuple[bytes, str]:
    """GET ``url`` if it is http(s) on loopback; (body, content type). Raises FetchError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in LOOPBACK:
        raise FetchError(f"not reachable from the test server: {parts.scheme}://{parts.hostname}")
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
    try:
        conn.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        response = conn.getresponse()
        body = response.read(max_bytes + 1)
    except OSError as error:
        raise FetchError(str(error)) from error
    finally:
        conn.close()
    if response.status != 200:
        raise FetchError(f"HTTP {response.status}")
    if len(body) > max_bytes:
        raise FetchError(f"larger than {max_bytes} bytes")
    return body, (response.getheader("Content-Type") or "").split(";")[0].strip()
