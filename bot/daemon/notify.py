"""Tell a person when the bot needs one, and when it healed: a command, a webhook, or mail through sendmail.

A notice is one JSON document (``Notice.document``). Every channel has a timeout and runs
on a thread of its own, so a slow or broken channel never holds up posting; a channel's
failure is logged, never raised. Messages carry no secrets (they are the journal's, which
are scrubbed before they are stored).
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import subprocess
import threading
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum
from typing import Any

from bot.config import NotifySettings

log = logging.getLogger("statement-bot")
TIMEOUT = 20.0  # seconds any one channel may take


class Event(StrEnum):
    """What a notice is about."""

    FAILED = "failed"  # stopped for good; a person must act (credentials, refused text, gave up)
    NEEDS_ATTENTION = "needs_attention"  # a post may be online and the network cannot tell
    RETRYING = "retrying"  # a network is failing; the bot keeps trying by itself
    RECOVERED = "recovered"  # a thread that was failing went out


@dataclass(frozen=True)
class Notice:
    """One thing a person should hear about."""

    event: Event
    account: str
    statement: str
    message: str
    path: str = ""
    advice: str = ""

    def document(self) -> dict[str, Any]:
        """The notice as JSON-ready data (what the command reads on stdin and the webhook receives)."""
        return {"event": self.event.value, "account": self.account, "statement": self.statement,
                "path": self.path, "message": self.message, "advice": self.advice}  # fmt: skip

    def subject(self) -> str:
        """A one-line summary, e.g. for a mail subject."""
        what = {
            Event.FAILED: "needs you: failed",
            Event.NEEDS_ATTENTION: "needs you: check a post",
            Event.RETRYING: "retrying",
            Event.RECOVERED: "recovered",
        }[self.event]
        return f"statement-bot {what}: {self.statement} on {self.account}"


class Notifier:
    """Sends notices through the configured channels, in the background."""

    def __init__(self, settings: NotifySettings):
        self.settings = settings
        self._threads: list[threading.Thread] = []

    @property
    def enabled(self) -> bool:
        """Whether any channel is configured."""
        return bool(self.settings.command or self.settings.webhook or self.settings.email)

    def notify(self, notice: Notice) -> None:
        """Send ``notice`` if its event is wanted; returns at once."""
        if not self.enabled or notice.event.value not in self.settings.events:
            return
        thread = threading.Thread(target=self._send, args=(notice,), name="notify", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def wait(self, timeout: float = TIMEOUT) -> None:
        """Wait for notices still being sent (at shutdown, and in tests)."""
        for thread in list(self._threads):
            thread.join(timeout)

    def _send(self, notice: Notice) -> None:
        for name, channel in (("command", self._command), ("webhook", self._webhook), ("email", self._email)):
            if getattr(self.settings, name):
                try:
                    channel(notice)
                except Exception as e:  # a notice that cannot go out is logged; posting goes on
                    log.error("notification by %s failed: %s", name, _brief(e))

    def _command(self, notice: Notice) -> None:
        env = {**os.environ, **{f"STATEMENT_BOT_{k.upper()}": str(v) for k, v in notice.document().items()}}
        done = subprocess.run(
            shlex.split(self.settings.command or ""), input=json.dumps(notice.document(), ensure_ascii=False),
            text=True, env=env, capture_output=True, timeout=TIMEOUT, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[:200]}")

    def _webhook(self, notice: Notice) -> None:
        body = json.dumps(notice.document(), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.settings.webhook or "", data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read(1024)

    def _email(self, notice: Notice) -> None:
        mail = EmailMessage()
        mail["To"] = self.settings.email or ""
        mail["Subject"] = notice.subject()
        mail.set_content("\n".join(f"{k}: {v}" for k, v in notice.document().items() if v) + "\n")
        done = subprocess.run(
            [self.settings.sendmail, "-t", "-oi"], input=mail.as_bytes(), capture_output=True,
            timeout=TIMEOUT, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"sendmail exit {done.returncode}: {done.stderr.decode(errors='replace')[:200]}")


def _brief(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error)[:200]}"
