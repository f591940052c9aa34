"""Bluesky rich text: turn a post's links, mentions and hashtags into facets.

Pure: no I/O. Facet positions are UTF-8 *byte* offsets into the text that is sent,
which may differ from the planned text because long URLs are shown shortened
(``bot.entities.display_url``) while the link facet keeps the full URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.text.entities import display_url, find_entities

FACET = "app.bsky.richtext.facet"
MAX_TAG_LENGTH = 64  # Bluesky ignores longer tags; a facet for one would be rejected


def mention_handles(text: str) -> list[str]:
    """The handles mentioned in ``text`` (without '@'), in order, each once."""
    handles: list[str] = []
    for entity in find_entities(text):
        if entity.kind == "mention" and entity.text.lstrip("@＠") not in handles:
            handles.append(entity.text.lstrip("@＠"))
    return handles


def build_facets(text: str, dids: Mapping[str, str] | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The text to send and its facets; ``dids`` maps resolved handles to DIDs.

    A mention whose handle is not in ``dids`` stays plain text: a mention facet
    must point at a real account. Emails get no facet (Bluesky does not link them).
    """
    dids = dids or {}
    parts: list[str] = []
    facets: list[dict[str, Any]] = []
    offset = 0  # bytes written so far
    cursor = 0  # str index consumed so far
    for entity in sorted(find_entities(text), key=lambda e: e.start):
        if entity.start < cursor:
            continue  # overlapping entities: the first one wins
        before = text[cursor : entity.start]
        parts.append(before)
        offset += len(before.encode("utf-8"))
        shown, feature = _feature(entity.kind, entity.text, dids)
        parts.append(shown)
        length = len(shown.encode("utf-8"))
        if feature is not None:
            facets.append(
                {
                    "$type": FACET,
                    "index": {"byteStart": offset, "byteEnd": offset + length},
                    "features": [feature],
                }
            )
        offset += length
        cursor = entity.end
    parts.append(text[cursor:])
    return "".join(parts), facets


def _feature(kind: str, text: str, dids: Mapping[str, str]) -> tuple[str, dict[str, str] | None]:
    """What to show for one entity, and the facet feature it carries (if any)."""
    if kind == "url":
        uri = text if "://" in text else "https://" + text
        return display_url(text), {"$type": f"{FACET}#link", "uri": uri}
    if kind == "mention":
        did = dids.get(text.lstrip("@＠"))
        return text, ({"$type": f"{FACET}#mention", "did": did} if did else None)
    if kind == "hashtag":
        tag = text.lstrip("#＃")
        if tag and len(tag) <= MAX_TAG_LENGTH:
            return text, {"$type": f"{FACET}#tag", "tag": tag}
    return text, None
