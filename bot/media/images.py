"""Read, check and fit images to a network's ``MediaRules``; render a PDF's first page (in a sandbox).

An image that already fits is used byte for byte (read, never decoded: no Pillow). One
that does not is scaled down and re-encoded with Pillow until it fits: JPEG at falling
quality, then smaller, or PNG when it has transparency. Every problem is a
``StatementError`` naming the statement and the file.
"""

from __future__ import annotations

import io
import math
import os
import struct
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.errors import StatementError
from bot.model import MediaRules

MAX_SOURCE_BYTES = 50 << 20  # an image file larger than this is refused before it is read
_RENDER = "bot.media.render:first_page"
# A statement's page renders in ~1.5 s (PDFium, then PNG); 1 GiB is the PDF reader's own memory limit.
RENDER_SECONDS = 20.0
RENDER_MEMORY = 1 << 30
QUALITIES = (90, 82, 74, 66, 58, 50)
MIMES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


@dataclass(frozen=True)
class Image:
    """Image bytes and what they are."""

    data: bytes
    mime: str
    width: int
    height: int


class ImageProblem(Exception):
    """The bytes are not an image this module can use."""


def sniff(data: bytes) -> tuple[str, int, int] | None:
    """(MIME type, width, height) of a PNG, JPEG, GIF or WebP from its header, or None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return MIMES["png"], width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return MIMES["gif"], width, height
    if data[:2] == b"\xff\xd8":
        return _jpeg(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    return None


def _jpeg(data: bytes) -> tuple[str, int, int] | None:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return MIMES["jpeg"], width, height
        pos += 2 + length
    return None


def _webp(data: bytes) -> tuple[str, int, int] | None:
    kind = data[12:16]
    if kind == b"VP8X" and len(data) >= 30:
        return MIMES["webp"], 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if kind == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return MIMES["webp"], width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return MIMES["webp"], (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def read_image(path: str, statement: str) -> Image:
    """The image file at ``path`` as it is; a ``StatementError`` naming ``statement`` and the file otherwise."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise StatementError(statement, f"image {path}: file not found") from None
    except OSError as e:
        raise StatementError(statement, f"image {path}: cannot read ({e.strerror})") from None
    return _read(path, statement, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _read(path: str, statement: str, mtime: int, size: int) -> Image:
    if size > MAX_SOURCE_BYTES:
        raise StatementError(statement, f"image {path}: {size:,} bytes, over the {MAX_SOURCE_BYTES:,} this bot reads")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        raise StatementError(statement, f"image {path}: is a folder, not an image") from None
    except OSError as e:
        raise StatementError(statement, f"image {path}: cannot read ({e.strerror})") from None
    found = sniff(data)
    if found is None or min(found[1:]) < 1:
        raise StatementError(statement, f"image {path}: not a PNG, JPEG, GIF or WebP image (or a damaged one)")
    return Image(data, *found)


def render_pdf_page(path: str, statement: str) -> Image:
    """The first page of the PDF at ``path`` as a PNG, its longer side ``render.PAGE_SIDE`` pixels.

    PDFium renders in a limited child process (``bot.text.pdf.sandbox``), never in this one:
    a hostile PDF that would abort or exhaust it is a ``StatementError`` naming ``statement``.
    """
    try:
        stat = os.stat(path)
    except OSError as e:
        raise StatementError(statement, f"{_cannot(path, statement)}: {e.strerror}") from None
    return _render(path, statement, stat.st_mtime_ns)


def _cannot(path: str, statement: str) -> str:
    return "cannot render its first page" if path == statement else f"cannot render the first page of {path}"


@lru_cache(maxsize=4)
def _render(path: str, statement: str, mtime: int) -> Image:
    from bot.media.render import ERROR
    from bot.text.pdf.sandbox import IsolationError, Limits, run_isolated

    problem = _cannot(path, statement)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SOURCE_BYTES + 1)
    except OSError as e:
        raise StatementError(statement, f"{problem}: {e.strerror}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise StatementError(statement, f"{problem}: over the {MAX_SOURCE_BYTES:,} bytes this bot reads")
    try:
        answer = run_isolated(_RENDER, data, Limits(RENDER_SECONDS, RENDER_MEMORY))
    except IsolationError as e:
        if e.kind == "timeout":
            why = f"it took longer than {RENDER_SECONDS:g} s; not rendered"
        elif e.kind == "memory":
            why = f"it needs more than {RENDER_MEMORY >> 20:,} MB ({e.detail}); not rendered"
        else:
            why = f"the renderer failed: {e.detail}"
        raise StatementError(statement, f"{problem}: {why}") from None
    if answer.startswith(ERROR):
        raise StatementError(statement, f"{problem} ({answer[len(ERROR) :].decode('utf-8', 'replace')[:200]})")
    found = sniff(answer)
    if found is None or found[0] != MIMES["png"]:
        raise StatementError(statement, f"{problem}: the renderer's answer was not a PNG")
    return Image(answer, *found)


def fits(image: Image, rules: MediaRules) -> bool:
    """Whether the network takes ``image`` as it is."""
    pixels = image.width * image.height
    return (
        image.mime in rules.types
        and len(image.data) <= rules.max_bytes
        and (rules.max_pixels is None or pixels <= rules.max_pixels)
        and (rules.max_side is None or max(image.width, image.height) <= rules.max_side)
        and (rules.max_aspect is None or _aspect(image.width, image.height) <= rules.max_aspect)
    )


def _aspect(width: int, height: int) -> float:
    return max(width, height) / max(1, min(width, height))


@lru_cache(maxsize=32)
def fit(image: Image, rules: MediaRules) -> Image:
    """``image`` itself if it fits ``rules``, else a smaller re-encoding that does."""
    if fits(image, rules):
        return image
    return shrink(image, rules.max_bytes, rules.max_pixels, rules.max_side, rules.types, rules.max_aspect)


def shrink(
    image: Image,
    max_bytes: int,
    max_pixels: int | None,
    max_side: int | None,
    types: tuple[str, ...],
    max_aspect: float | None = None,
) -> Image:
    """Scale down and re-encode (Pillow) until the image is at most ``max_bytes``; ``ImageProblem`` if it cannot.

    An image longer than ``max_aspect`` is padded at its sides (white, or transparent), never cropped: a
    long poster or a screenshot of a whole statement keeps all it shows.
    """
    from PIL import Image as Pil  # ~30 ms to import: only an image that does not fit pays it

    try:
        with Pil.open(io.BytesIO(image.data)) as source:
            source.seek(0)  # an animated GIF: its first frame
            picture = source.convert("RGBA" if _has_alpha(source) else "RGB")
    except (OSError, ValueError, Pil.DecompressionBombError) as e:
        raise ImageProblem(f"cannot be decoded ({type(e).__name__})") from None
    if max_aspect and _aspect(picture.width, picture.height) > max_aspect:
        picture = _pad(picture, max_aspect, Pil)
    scale = 1.0
    if max_pixels:
        scale = min(scale, (max_pixels / (picture.width * picture.height)) ** 0.5)
    if max_side:
        scale = min(scale, max_side / max(picture.width, picture.height))
    png = picture.mode == "RGBA" and "image/png" in types
    if not png and "image/jpeg" not in types:
        raise ImageProblem("the network takes neither JPEG nor PNG")
    for _ in range(12):
        size = (max(1, int(picture.width * scale)), max(1, int(picture.height * scale)))
        if max_aspect and _aspect(*size) > max_aspect:  # rounding the short side down made it too thin
            short = math.ceil(max(size) / max_aspect)
            size = (size[0], short) if size[0] > size[1] else (short, size[1])
        frame = picture if size == picture.size else picture.resize(size, Pil.Resampling.LANCZOS)
        for quality in (None,) if png else QUALITIES:
            out = io.BytesIO()
            if png:
                frame.save(out, "PNG", optimize=True)
            else:
                frame.convert("RGB").save(out, "JPEG", quality=quality, optimize=True, progressive=True)
            if out.tell() <= max_bytes:
                return Image(out.getvalue(), "image/png" if png else "image/jpeg", *size)
        scale *= 0.75
    raise ImageProblem(f"cannot be made smaller than {max_bytes:,} bytes")


def _pad(picture: Any, max_aspect: float, pil: Any) -> Any:
    """``picture`` centred on a canvas whose short side is just long enough for ``max_aspect``."""
    width, height = picture.size
    short = math.ceil(max(width, height) / max_aspect)
    size = (short, height) if height > width else (width, short)
    canvas = pil.new(picture.mode, size, (0, 0, 0, 0) if picture.mode == "RGBA" else (255, 255, 255))
    canvas.paste(picture, ((size[0] - width) // 2, (size[1] - height) // 2))
    return canvas


def _has_alpha(picture: object) -> bool:
    mode = getattr(picture, "mode", "")
    return mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in getattr(picture, "info", {}))


def thumbnail(data: bytes, side: int, max_bytes: int) -> tuple[bytes, str]:
    """A small JPEG (or the image itself when already small) for the HTML preview: (bytes, MIME type)."""
    found = sniff(data)
    if found is None:
        raise ImageProblem("not an image")
    if len(data) <= max_bytes and max(found[1:]) <= side:
        return data, found[0]
    small = shrink(Image(data, *found), max_bytes, None, side, ("image/jpeg",))
    return small.data, small.mime
