"""Turn a statement's text (front matter + body) into a ``Statement``. Pure.

Front matter fields win; whatever they leave out is recovered from the text by
``bot.text.cleaning`` (title, date, slogans, signature, contacts) and ``bot.text.language``. Lines of
hashtags ending the text are the statement's hashtags, after the front matter's; the date line is kept
as written, to be posted as the statement signs it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Any

from bot.errors import StatementError
from bot.model import Statement
from bot.text.cleaning import clean
from bot.text.closing import is_hashtag_line
from bot.text.controls import clean_controls
from bot.text.frontmatter import parse_front_matter, validate_front_matter
from bot.text.language import detect_language

FRONT_MATTER_KEYS = {
    "id": str,
    "title": str,
    "date": date,
    "language": str,
    "url": str,
    "hook": str,
    "slogans": list,
    "signature": str,
    "links": list,
    "hashtags": list,
    "accounts": list,
    "publish_at": datetime,
    "anniversary": (str, list),
    "translation_of": str,
    "image": str,
    "alt": str,
}
NO_IMAGE = "none"  # ``image: none``: no image, not even a PDF's first page
_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    """(front matter mapping, body); a file without a leading ``---`` block has none."""
    m = _FENCE.match(text)
    if not m:
        return {}, text
    return parse_front_matter(m.group(1) or "", name), text[m.end() :]


def parse_statement(text: str, *, name: str, fmt: str = "txt", digest: str | None = None) -> Statement:
    """Build a Statement from decoded text; ``name`` is the file path used in errors and the id."""
    text = clean_controls(text)  # before anything else: no control character reaches a post or the terminal
    meta, body = split_front_matter(text, name) if fmt in ("md", "txt") else ({}, text)
    fields = _validate(meta, name)
    cleaned = clean(body, find_title="title" not in fields)
    title = fields.get("title") or cleaned.title or ""
    paragraphs = cleaned.paragraphs
    if paragraphs and paragraphs[0].lstrip("# ").strip() == title:
        paragraphs = paragraphs[1:]  # a Markdown H1 repeating the front matter title
    if not paragraphs and not title:
        raise StatementError(name, "has no statement text")
    paragraphs, tags = _closing_hashtags(paragraphs)
    links = fields.get("links")
    when = fields.get("date") or cleaned.date
    return Statement(
        id=fields.get("id") or statement_id(name),
        title=title,
        paragraphs=paragraphs,
        language=(fields.get("language") or detect_language(" ".join((title,) + paragraphs))).lower(),
        content_hash=digest or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        path=name,
        date=when,
        date_line=cleaned.date_line if when == cleaned.date else None,
        url=fields.get("url"),
        hook=fields.get("hook"),
        slogans=tuple(fields.get("slogans") or cleaned.slogans),
        signature=fields.get("signature") or cleaned.signature,
        links=tuple(links if links is not None else cleaned.contacts),
        hashtags=tuple(
            dict.fromkeys([*(h if h.startswith("#") else "#" + h for h in fields.get("hashtags", ())), *tags])
        ),
        accounts=tuple(fields["accounts"]) if "accounts" in fields else None,
        publish_at=fields.get("publish_at"),
        anniversary=fields.get("anniversary"),
        translation_of=fields.get("translation_of"),
        source_format=fmt,
        image=_image_path(fields.get("image"), name),
        alt=fields.get("alt"),
    )


def _closing_hashtags(paragraphs: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The paragraphs without the lines of hashtags that end them (the closing block gives its hashtag lines
    back there), and those hashtags; a statement of hashtags alone keeps them as its text."""
    end = len(paragraphs)
    while end > 1 and all(is_hashtag_line(line.strip()) for line in paragraphs[end - 1].splitlines()):
        end -= 1
    return paragraphs[:end], tuple(tag for paragraph in paragraphs[end:] for tag in paragraph.split())


def _image_path(image: str | None, name: str) -> str | None:
    """The front matter ``image`` relative to the statement file's folder (``none`` stays ``none``)."""
    if image is None or image.lower() == NO_IMAGE:
        return NO_IMAGE if image else None
    import os.path

    return os.path.normpath(os.path.join(os.path.dirname(name), image))


def statement_id(name: str) -> str:
    """The id a file gets from its name: ``2020-01-04-soleimani.txt`` -> ``2020-01-04-soleimani``."""
    stem = re.split(r"[\\/]", name)[-1].rsplit(".", 1)[0]
    return re.sub(r"[^\w-]+", "-", stem.lower()).strip("-") or "statement"


def _validate(meta: dict[str, Any], name: str) -> dict[str, Any]:
    return validate_front_matter(meta, name, FRONT_MATTER_KEYS)
