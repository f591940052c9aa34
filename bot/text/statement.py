"""Turn a statement's text (front matter + body) into a ``Statement``. Pure.

Front matter fields win; whatever they leave out is recovered from the text by
``bot.text.cleaning`` (title, date, slogans, signature, contacts) and ``bot.text.language``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Any

from bot.errors import StatementError
from bot.model import Statement
from bot.text.cleaning import clean
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
}
_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    """(front matter mapping, body); a file without a leading ``---`` block has none."""
    m = _FENCE.match(text)
    if not m:
        return {}, text
    import yaml

    try:
        data = yaml.load(m.group(1) or "", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        problem = f": {getattr(e, 'problem', '')}" if getattr(e, "problem", None) else ""
        raise StatementError(name, f"front matter is not valid YAML{where}{problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise StatementError(name, "front matter must be a mapping of keys to values")
    return data, text[m.end() :]


def parse_statement(text: str, *, name: str, fmt: str = "txt", digest: str | None = None) -> Statement:
    """Build a Statement from decoded text; ``name`` is the file path used in errors and the id."""
    meta, body = split_front_matter(text, name) if fmt in ("md", "txt") else ({}, text)
    fields = _validate(meta, name)
    cleaned = clean(body, find_title="title" not in fields)
    title = fields.get("title") or cleaned.title or ""
    paragraphs = cleaned.paragraphs
    if paragraphs and paragraphs[0].lstrip("# ").strip() == title:
        paragraphs = paragraphs[1:]  # a Markdown H1 repeating the front matter title
    if not paragraphs and not title:
        raise StatementError(name, "has no statement text")
    links = fields.get("links")
    return Statement(
        id=fields.get("id") or statement_id(name),
        title=title,
        paragraphs=paragraphs,
        language=(fields.get("language") or detect_language(" ".join((title,) + paragraphs))).lower(),
        content_hash=digest or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        path=name,
        date=fields.get("date") or cleaned.date,
        url=fields.get("url"),
        hook=fields.get("hook"),
        slogans=tuple(fields.get("slogans") or cleaned.slogans),
        signature=fields.get("signature") or cleaned.signature,
        links=tuple(links if links is not None else cleaned.contacts),
        hashtags=tuple(h if h.startswith("#") else "#" + h for h in fields.get("hashtags", ())),
        accounts=tuple(fields["accounts"]) if "accounts" in fields else None,
        publish_at=fields.get("publish_at"),
        anniversary=fields.get("anniversary"),
        translation_of=fields.get("translation_of"),
        source_format=fmt,
    )


def statement_id(name: str) -> str:
    """The id a file gets from its name: ``2020-01-04-soleimani.txt`` -> ``2020-01-04-soleimani``."""
    stem = re.split(r"[\\/]", name)[-1].rsplit(".", 1)[0]
    return re.sub(r"[^\w-]+", "-", stem.lower()).strip("-") or "statement"


def _validate(meta: dict[str, Any], name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in meta.items():
        kind = FRONT_MATTER_KEYS.get(str(key))
        if kind is None:
            allowed = ", ".join(sorted(FRONT_MATTER_KEYS))
            raise StatementError(name, f"front matter: unknown key {key!r} (allowed: {allowed})")
        if value is None:
            continue
        out[key] = _coerce(key, value, kind, name)
    return out


def _coerce(key: str, value: Any, kind: Any, name: str) -> Any:
    def bad(expected: str) -> StatementError:
        return StatementError(
            name, f"front matter: {key} must be {expected}, got {type(value).__name__} {value!r}"[:200]
        )

    if kind is date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise bad("a date like 2020-01-04")
    if kind is datetime:
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.strip())
            except ValueError:
                pass
        raise bad("an ISO 8601 time like 2026-01-04T09:00 or 2026-01-04T09:00+01:00")
    if key == "anniversary":
        if isinstance(value, str):
            if value not in ("yearly", "none"):
                raise bad("yearly, none or a list of dates")
            return value
        return tuple(_coerce("anniversary", v, date, name) for v in value)
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return value
    if not isinstance(value, kind) or isinstance(value, bool):
        raise bad("a string")
    return value.strip()
