"""Mastodon's media rules, which mastodon-mock does not enforce, applied by the rules proxy.

From Mastodon's source (``MediaAttachment``, ``PostStatusService#validate_media!``,
``Scheduler::MediaCleanupScheduler``) and ``/api/v2/instance``:

- ``POST /api/v1/media`` and ``/api/v2/media``: a file of a supported image type
  (``supported_mime_types``), at most ``image_size_limit`` bytes and ``image_matrix_limit``
  pixels, a ``description`` of at most ``description_limit`` characters → else 422
  ``{"error": "Validation failed: …"}``.
- ``POST /api/v1/statuses`` with ``media_ids[]``: at most ``max_media_attachments``, each an
  upload of the same account not yet attached and not older than a day (the cleanup deletes
  unattached media after one) → else 422 ``{"error": "Media 1, 2 not found or already attached
  to another post"}`` (``media_attachments.validations.not_found``). A replayed Idempotency-Key
  is answered by Mastodon before this check (the proxy lets it through).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from tests.servers.media import sniff
from tests.servers.params import BadBodyError, Upload, parse

TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}


@dataclass
class MediaSettings:
    """What the instance advertises and enforces; tests change it with ``MastodonServer.configure``."""

    image_size_limit: int = 16 * 1024 * 1024
    image_matrix_limit: int = 33_177_600
    description_limit: int = 1500
    max_media_attachments: int = 4
    unattached_kept: float = 86400.0
    offset: float = 0.0  # test clock: ``advance``


@dataclass
class MediaLedger:
    """Uploads per token (id -> when), which are attached, and the rules; thread-safe."""

    settings: MediaSettings = field(default_factory=MediaSettings)
    lock: threading.Lock = field(default_factory=threading.Lock)
    uploads: dict[str, tuple[str, float]] = field(default_factory=dict)  # media id -> (token, uploaded at)
    attached: set[str] = field(default_factory=set)

    def reset(self) -> None:
        with self.lock:
            self.settings = MediaSettings()
            self.uploads.clear()
            self.attached.clear()

    def now(self) -> float:
        return time.time() + self.settings.offset

    def check_upload(self, headers: Any, body: bytes) -> str | None:
        """Why Mastodon would refuse this upload, or None."""
        try:
            params = parse(headers.get("Content-Type"), "", body)
        except BadBodyError:
            return "Validation failed: File can't be blank"
        file = params.get("file")
        if not isinstance(file, Upload):
            return "Validation failed: File can't be blank"
        found = sniff(file.data)
        s = self.settings
        if found is None:
            return "Validation failed: File content type is invalid, File is invalid"
        if len(file.data) > s.image_size_limit:
            return f"Validation failed: File file size must be less than {s.image_size_limit // (1024 * 1024)} MB"
        if found[1] * found[2] > s.image_matrix_limit:
            return f"Validation failed: File dimensions {found[1]}x{found[2]} are too large"
        description = params.get("description")
        if isinstance(description, str) and len(description) > s.description_limit:
            return f"Validation failed: Description is too long (maximum is {s.description_limit} characters)"
        return None

    def uploaded(self, token: str, payload: dict[str, Any]) -> None:
        with self.lock:
            self.uploads[str(payload.get("id"))] = (token, self.now())

    def check_status(self, token: str, ids: list[str]) -> str | None:
        """Why Mastodon would refuse the media of this status, or None."""
        if len(ids) > self.settings.max_media_attachments:
            return "You can't attach more than 4 files."
        with self.lock:
            missing = [
                i
                for i in ids
                if i not in self.uploads
                or self.uploads[i][0] != token
                or i in self.attached
                or self.now() - self.uploads[i][1] > self.settings.unattached_kept
            ]
        if missing:
            return f"Media {', '.join(missing)} not found or already attached to another post"
        return None

    def posted(self, ids: list[str]) -> None:
        with self.lock:
            self.attached.update(ids)

    def advertise(self, data: dict[str, Any]) -> None:
        """Put the rules into an instance document."""
        configuration = data.setdefault("configuration", {})
        media = configuration.setdefault("media_attachments", {})
        media.update(
            image_size_limit=self.settings.image_size_limit,
            image_matrix_limit=self.settings.image_matrix_limit,
            description_limit=self.settings.description_limit,
            supported_mime_types=[*TYPES.values(), "video/mp4"],
        )
        configuration.setdefault("statuses", {})["max_media_attachments"] = self.settings.max_media_attachments


def media_ids(headers: Any, body: bytes) -> list[str]:
    """``media_ids`` of a status request: ``media_ids[]`` form fields (as Mastodon.py sends them) or a JSON list."""
    kind = (headers.get("Content-Type") or "").lower()
    if "json" in kind:
        try:
            ids = json.loads(body or b"{}").get("media_ids") or []
        except (ValueError, AttributeError):
            return []
        return [str(i) for i in (ids if isinstance(ids, list) else [ids])]
    if "multipart" in kind:
        try:
            found = parse(headers.get("Content-Type"), "", body)
        except BadBodyError:
            return []
        ids = found.get("media_ids[]") or found.get("media_ids") or []
        return [str(i) for i in (ids if isinstance(ids, list) else [ids])]
    pairs = parse_qs(body.decode(errors="replace"), keep_blank_values=True)
    return [str(i) for i in pairs.get("media_ids[]", []) + pairs.get("media_ids", [])]
