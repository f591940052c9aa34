"""The local X server's media endpoints and rules (X API v2, docs.x.com/x-api/media).

- ``POST /2/media/upload`` (one-shot): ``media`` base64 in a JSON body or raw bytes in a multipart
  one, ``media_category`` (``tweet_image`` when absent), ``media_type``. Images (JPEG, PNG, GIF,
  WebP) up to 5 MB (``max_image_bytes``) → 200 ``{"data": {"id", "media_key", "size",
  "expires_after_secs", "image": {"image_type", "w", "h"}}}``; otherwise 400.
- ``POST /2/media/metadata``: ``{"id", "metadata": {"alt_text": {"text"}}}``, alt text at most
  1,000 characters; unknown, expired or someone else's media → 400.
- ``POST /2/tweets`` with ``media.media_ids``: at most 4, each the user's own and not expired
  (``expires_after_secs``, 24 hours by default, ``media_ttl``) → else 400 "Your media IDs are invalid.".
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from tests.servers.media import sniff
from tests.servers.params import BadBodyError, Upload, parse

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_ALT_TEXT = 1000
MAX_MEDIA = 4
MEDIA_INVALID = "Your media IDs are invalid."
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


@dataclass
class XMedia:
    """An uploaded file: who owns it, what it is, its alt text, until when it can be attached."""

    id: str
    owner: str
    data: bytes
    image_type: str
    width: int
    height: int
    expires_at: float
    alt: str | None = None
    attached_to: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Read-back form for tests."""
        return {
            "media_key": f"3_{self.id}",
            "bytes": len(self.data),
            "type": self.image_type,
            "width": self.width,
            "height": self.height,
            "alt": self.alt,
        }


def _image(data: bytes) -> tuple[str, int, int] | None:
    found = sniff(data)
    if found:
        return IMAGE_TYPES[found[0]], found[1], found[2]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return IMAGE_TYPES["webp"], 0, 0
    return None


def upload(state: Any, user: Any, content_type: str | None, body: bytes, invalid: Any) -> tuple[int, dict, dict]:
    """POST /2/media/upload"""
    try:
        params = parse(content_type, "", body)
    except BadBodyError as e:
        return invalid("body", "", str(e))
    raw = params.get("media")
    if isinstance(raw, Upload):
        data = raw.data
    elif isinstance(raw, str):
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            return invalid("media", "", "media must be base64-encoded in a JSON body")
    else:
        return invalid("media", "", "$.media: is missing but it is required")
    category = str(params.get("media_category") or "tweet_image")
    if category not in ("tweet_image", "dm_image"):
        return invalid("media_category", category, "This local server takes images only (tweet_image).")
    found = _image(data)
    if found is None:
        return invalid("media", "", "media type unrecognized.")
    if len(data) > state.limits.max_image_bytes:
        return invalid("media", "", f"File size exceeds {state.limits.max_image_bytes} bytes.")
    with state.lock:
        media = XMedia(state.new_id(), user.id, data, *found, expires_at=state.now() + state.limits.media_ttl)
        state.media[media.id] = media
    return (
        200,
        {},
        {
            "data": {
                "id": media.id,
                "media_key": f"3_{media.id}",
                "size": len(data),
                "expires_after_secs": int(state.limits.media_ttl),
                "image": {"image_type": media.image_type, "w": media.width, "h": media.height},
            }
        },
    )


def usable(state: Any, user: Any, media_id: str) -> XMedia | None:
    """The user's own upload with this id, if it has not expired."""
    media = state.media.get(str(media_id))
    if media is None or media.owner != user.id or media.expires_at < state.now():
        return None
    return media


def metadata(state: Any, user: Any, body: bytes, invalid: Any) -> tuple[int, dict, dict]:
    """POST /2/media/metadata"""
    try:
        params = parse("application/json", "", body)
    except BadBodyError as e:
        return invalid("body", "", str(e))
    media_id = str(params.get("id") or "")
    alt = ((params.get("metadata") or {}).get("alt_text") or {}).get("text")
    if not isinstance(alt, str):
        return invalid("metadata.alt_text.text", "", "$.metadata.alt_text.text: is missing but it is required")
    if len(alt) > MAX_ALT_TEXT:
        return invalid("metadata.alt_text.text", alt[:20], f"alt text must be at most {MAX_ALT_TEXT} characters")
    with state.lock:
        media = usable(state, user, media_id)
        if media is None:
            return invalid("id", media_id, MEDIA_INVALID)
        media.alt = alt
    return 200, {}, {"data": {"id": media_id, "associated_metadata": {"alt_text": {"text": alt}}}}


def attach(state: Any, user: Any, request: dict[str, Any], invalid: Any) -> tuple[list[XMedia], Any]:
    """The uploads a create request attaches, or (``[]``, an error reply)."""
    ids = (request.get("media") or {}).get("media_ids") or []
    if not isinstance(ids, list) or len(ids) > MAX_MEDIA:
        return [], invalid("media.media_ids", str(ids), f"A post may have at most {MAX_MEDIA} images.")
    found = []
    for media_id in ids:
        media = usable(state, user, str(media_id))
        if media is None:
            return [], invalid("media.media_ids", str(media_id), MEDIA_INVALID)
        found.append(media)
    return found, None
