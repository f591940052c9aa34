"""Images for Threads: Meta fetches them from a public URL, so the bot puts them where the organisation serves files.

Threads takes no uploads. An IMAGE container names an ``image_url``, and Meta fetches it
from the public internet while the container is ``IN_PROGRESS`` ("Threads retrieves your
image from the URL provided, so it must be on a public server", developers.facebook.com/
docs/threads/posts). The account's ``media_dir`` is a folder the organisation's web server
publishes at ``media_base_url``; the bot writes each image there before making its
container. Files are named by their SHA-256 (the same image is written once; a name never
changes meaning), written atomically (a temporary file, then a rename) and readable by the
web server. The bot never deletes them: Meta keeps its own copy once the container is
``FINISHED``, so they may be cleaned up after a day.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from collections.abc import Callable
from typing import Any

import httpx

from bot.errors import Rejected, Unavailable
from bot.model import Account, Media
from bot.networks.base import Outgoing

IMAGE_WAIT = 120.0  # seconds a container may stay IN_PROGRESS (Meta suggests ~30 s on average) before a retry
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}


class MediaHost:
    """Writes images to ``media_dir`` and names their public URLs under ``media_base_url``."""

    def __init__(self, account: Account, folder: str, base_url: str, timeout: float):
        self.account, self.folder, self.base, self.timeout = account.name, folder, base_url.rstrip("/"), timeout

    @classmethod
    def of(cls, account: Account, timeout: float) -> MediaHost | None:
        """The account's host, or None when it has no ``media_dir``/``media_base_url``."""
        folder, base = account.options.get("media_dir"), account.options.get("media_base_url")
        return cls(account, str(folder), str(base), timeout) if folder and base else None

    def url(self, media: Media) -> str:
        """Where ``media`` is (or will be) served."""
        return f"{self.base}/{_name(media)}"

    def publish(self, media: Media) -> str:
        """Put ``media`` in the folder (once per content) and return the URL Meta is to fetch it from."""
        path = os.path.join(self.folder, _name(media))
        try:
            if not (os.path.isfile(path) and os.path.getsize(path) == len(media.data)):
                self._write(path, media.data)
        except OSError as e:
            raise Rejected(
                f"account {self.account!r}: cannot write the image to media_dir {self.folder} ({e.strerror})",
                self.account,
            ) from None
        return self.url(media)

    def check(self) -> str | None:
        """Write a small file and read it back from ``media_base_url``: None when it is served, else why not."""
        name = f"statement-bot-check-{secrets.token_hex(8)}.txt"
        body = secrets.token_hex(16).encode("ascii")
        path = os.path.join(self.folder, name)
        try:
            self._write(path, body)
        except OSError as e:
            return f"cannot write to media_dir {self.folder} ({e.strerror})"
        try:
            got = httpx.get(f"{self.base}/{name}", timeout=self.timeout, follow_redirects=True)
            if got.status_code != 200 or got.content != body:
                return f"{self.base}/ does not serve media_dir (answered {got.status_code} for a file written there)"
        except httpx.HTTPError as e:
            return f"{self.base}/ cannot be reached ({type(e).__name__})"
        finally:
            try:
                os.unlink(path)
            except OSError:
                pass
        return None

    def _write(self, path: str, data: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".statement-bot-")
        try:
            with os.fdopen(handle, "wb") as f:
                f.write(data)
            os.chmod(temporary, 0o644)  # the web server reads it, whoever it runs as
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise


def _name(media: Media) -> str:
    return f"{hashlib.sha256(media.data).hexdigest()[:32]}.{EXTENSIONS.get(media.mime, 'bin')}"


def container_params(out: Outgoing, host: MediaHost | None, account: str) -> dict[str, Any]:
    """The ``POST /me/threads`` parameters of ``out``: a TEXT container, or an IMAGE one with its URL and alt text."""
    params: dict[str, Any] = {"media_type": "TEXT", "text": out.text}
    if out.media:
        if host is None:
            raise Rejected(
                f"account {account!r}: the post has an image but the account has no media_dir and media_base_url "
                "to publish it from; set them, or re-plan with --replan",
                account,
            )
        media = out.media[0].media  # one image a post (``ThreadsNetwork.media``)
        params.update(media_type="IMAGE", image_url=host.publish(media))
        if media.alt:
            params["alt_text"] = media.alt
    if out.reply_to is not None:
        params["reply_to_id"] = out.reply_to.id
    if out.quote is not None:
        params["quote_post_id"] = out.quote.id
    return params


def await_image(status: Callable[[], dict[str, Any]], sleep: Callable[[float], None], account: str, url: str) -> None:
    """Wait while Meta fetches the image (``IN_PROGRESS``); an ``ERROR`` is refused with Meta's reason.

    ``status()`` reads the container's ``status`` and ``error_message``. Still in progress after
    ``IMAGE_WAIT`` seconds is ``Unavailable``: the publisher retries later with the same container.
    """
    waited, pause = 0.0, 1.0
    while True:
        answer = status()
        state = str(answer.get("status") or "")
        if state == "ERROR":
            raise Rejected(
                f"account {account!r}: Threads could not use the image {url} "
                f"({answer.get('error_message') or 'no reason given'}); check that media_base_url serves "
                "media_dir publicly (`statement-bot check` tries it)",
                account,
            )
        if state != "IN_PROGRESS":
            return
        if waited >= IMAGE_WAIT:
            raise Unavailable(f"account {account!r}: Threads was still fetching the image {url}", account)
        sleep(pause)
        waited, pause = waited + pause, min(pause * 2, 10.0)
