"""Render threads for people (text) and for other tools (JSON). Pure: no I/O."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.model import Cost, Media, Statement, Thread
from bot.networks.registry import network_of

RULE = "─" * 60


def statement_fields(statement: Statement) -> dict[str, Any]:
    """The statement part of the preview document, JSON-ready."""
    anniversary = statement.anniversary
    return {
        "id": statement.id,
        "title": statement.title,
        "date": _iso(statement.date),
        "date_line": statement.date_line,
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
    """The JSON preview: ``{"statement": {...}, "threads": [{account, platform, limit, cost, posts, warnings}]}``.

    Each post carries its ``media`` (path, alt, and bytes, width and height as uploaded,
    after any resizing); ``cost`` is null where the network charges nothing. ``text`` is the
    planned text; where the network receives another form (Bluesky shows links shortened)
    ``sent_text`` gives it, and ``facets`` the rich-text annotations sent with it (Bluesky);
    ``length`` counts what is sent.
    """
    return {
        "statement": statement_fields(statement),
        "threads": [
            {
                "account": t.account,
                "platform": t.platform,
                "limit": t.limit,
                "cost": cost_fields(t.cost),
                "posts": _posts(t),
                "warnings": list(t.warnings),
            }
            for t in threads
        ],
    }


def _posts(thread: Thread) -> list[dict[str, Any]]:
    network = network_of(thread.platform)
    sent = network.rules(thread.limit, network.url_cost).sent
    posts = []
    for p in thread.posts:
        post: dict[str, Any] = {
            "index": p.index,
            "text": p.text,
            "length": p.length,
            "media": [media_fields(m) for m in p.media],
        }
        if (shown := sent(p.text)) != p.text:
            post["sent_text"] = shown
        if (facets := network.facets(p.text)) is not None:
            post["facets"] = facets
        posts.append(post)
    return posts


def cost_fields(cost: Cost | None) -> dict[str, Any] | None:
    """A thread's cost, JSON-ready."""
    if cost is None:
        return None
    return {
        "currency": cost.currency,
        "amount": cost.amount,
        "posts": cost.posts,
        "posts_with_links": cost.posts_with_links,
    }


def media_fields(media: Media) -> dict[str, Any]:
    """One attached image or document, JSON-ready (no bytes: the preview never carries the file)."""
    return {
        "path": media.path,
        "mime": media.mime,
        "alt": media.alt,
        "bytes": media.size,
        "width": media.width,
        "height": media.height,
    }


def money(cost: Cost) -> str:
    """``$0.545`` (or ``0.545 EUR``) and what it is made of, for people."""
    amount = f"${cost.amount:.3f}" if cost.currency == "USD" else f"{cost.amount:.3f} {cost.currency}"
    return f"{amount} ({cost.posts} posts, {cost.posts_with_links} with links)"


def preview_images(threads: list[Thread]) -> dict[str, bytes]:
    """Image path -> the bytes first attached from it, for the HTML page to show."""
    return {m.path: m.data for t in threads for p in t.posts for m in p.media if m.mime.startswith("image/")}


def render_text(statement: Statement, threads: list[Thread]) -> str:
    """A terminal-friendly preview: every post with its number and length, warnings last."""
    head = statement.title or statement.id
    meta = ", ".join(x for x in (_iso(statement.date), statement.language, f"id {statement.id}") if x)
    out = [f"{head}\n({meta})"]
    warnings: list[str] = []
    for thread in threads:
        cost = f" · cost {money(thread.cost)}" if thread.cost else ""
        out.append(
            f"\n{'═' * 60}\n{thread.account} · {thread.platform} · limit {thread.limit} · {len(thread.posts)} posts"
            f"{cost}"
        )
        if thread.held:
            out.append(f"HELD: {thread.held}")
        for post in thread.posts:
            over = "  OVER THE LIMIT" if post.length > thread.limit else ""
            out.append(f"{RULE}\n[{post.index}/{len(thread.posts)}] {post.length}/{thread.limit}{over}\n{post.text}")
            for m in post.media:
                if m.mime.startswith("image/"):
                    alt = f"alt: {m.alt}" if m.alt else "no alt text"
                    out.append(f"[image: {m.path}, {m.size:,} bytes, {m.width}x{m.height}; {alt}]")
                else:
                    out.append(f"[document: {m.path}, {m.size:,} bytes, {m.mime}]")
            if post.card:
                out.append(f"[link card: {post.card}]")
        warnings.extend(f"{thread.account}: {w}" for w in thread.warnings)
    if warnings:
        out.append(f"\n{'═' * 60}\nWarnings:\n" + "\n".join(f"  ! {w}" for w in warnings))
    return "\n".join(out) + "\n"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
