"""Render threads for people (text) and for other tools (JSON). Pure: no I/O."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.model import Statement, Thread

RULE = "─" * 60


def statement_fields(statement: Statement) -> dict[str, Any]:
    """The statement part of the preview document, JSON-ready."""
    anniversary = statement.anniversary
    return {
        "id": statement.id,
        "title": statement.title,
        "date": _iso(statement.date),
        "language": statement.language,
        "slogans": list(statement.slogans),
        "links": list(statement.links),
        "signature": statement.signature,
        "url": statement.url,
        "hook": statement.hook,
        "hashtags": list(statement.hashtags),
        "accounts": list(statement.accounts) if statement.accounts is not None else None,
        "publish_at": _iso(statement.publish_at),
        "anniversary": [_iso(d) for d in anniversary] if isinstance(anniversary, tuple) else anniversary,
        "translation_of": statement.translation_of,
        "path": statement.path,
        "content_hash": statement.content_hash,
        "paragraphs": len(statement.paragraphs),
    }


def preview_document(statement: Statement, threads: list[Thread]) -> dict[str, Any]:
    """The JSON preview: ``{"statement": {...}, "threads": [{account, platform, limit, posts, warnings}]}``."""
    return {
        "statement": statement_fields(statement),
        "threads": [
            {
                "account": t.account,
                "platform": t.platform,
                "limit": t.limit,
                "posts": [{"index": p.index, "text": p.text, "length": p.length} for p in t.posts],
                "warnings": list(t.warnings),
            }
            for t in threads
        ],
    }


def render_text(statement: Statement, threads: list[Thread]) -> str:
    """A terminal-friendly preview: every post with its number and length, warnings last."""
    head = statement.title or statement.id
    meta = ", ".join(x for x in (_iso(statement.date), statement.language, f"id {statement.id}") if x)
    out = [f"{head}\n({meta})"]
    warnings: list[str] = []
    for thread in threads:
        out.append(
            f"\n{'═' * 60}\n{thread.account} · {thread.platform} · limit {thread.limit} · {len(thread.posts)} posts"
        )
        for post in thread.posts:
            over = "  OVER THE LIMIT" if post.length > thread.limit else ""
            out.append(f"{RULE}\n[{post.index}/{len(thread.posts)}] {post.length}/{thread.limit}{over}\n{post.text}")
        warnings.extend(f"{thread.account}: {w}" for w in thread.warnings)
    if warnings:
        out.append(f"\n{'═' * 60}\nWarnings:\n" + "\n".join(f"  ! {w}" for w in warnings))
    return "\n".join(out) + "\n"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
