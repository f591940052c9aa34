"""Client of the independent counting service (``tests/servers/counter/``, node).

The local servers measure posts with the official implementations, never with statement-bot's
own counters, so a counting bug in ``bot/`` fails the posting tests instead of hiding in both:
X's weighted length and links with the ``twitter-text`` npm package, grapheme clusters with ICU.
One node process serves the whole test session: started on first use, shared by every thread
(one request at a time), started again if it dies.
"""

from __future__ import annotations

import atexit
import json
import pathlib
import subprocess
import tempfile
import threading
from typing import IO, Any

COUNTER_DIR = pathlib.Path(__file__).resolve().parent / "counter"
SETUP_HINT = "run scripts/setup-test-deps (it runs `npm ci` in tests/servers/counter)"


class CounterUnavailableError(RuntimeError):
    """The counting service cannot run (node_modules missing, node failing)."""


class Counter:
    """One long-lived ``node counter.js``; ``call`` sends one request (or a list) and returns the answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if not (COUNTER_DIR / "node_modules" / "twitter-text").is_dir():
            raise CounterUnavailableError(f"{COUNTER_DIR / 'node_modules'} is missing: {SETUP_HINT}")
        self._log = self._log or tempfile.TemporaryFile()  # noqa: SIM115 - node's stderr, kept until close()
        try:
            return subprocess.Popen(
                ["node", "--no-deprecation", "counter.js"],
                cwd=COUNTER_DIR,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._log,
            )
        except OSError as error:
            raise CounterUnavailableError(f"cannot start node for {COUNTER_DIR}: {error}") from error

    def _exchange(self, line: bytes) -> bytes:
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(line)
        self._process.stdin.flush()
        reply = self._process.stdout.readline()
        if not reply:
            raise BrokenPipeError("the counting service closed its output")
        return reply

    def call(self, request: dict[str, Any] | list[dict[str, Any]]) -> Any:
        """The service's answer to ``request``; raises CounterUnavailableError or ValueError (a refused request)."""
        line = json.dumps(request, ensure_ascii=False).encode() + b"\n"
        with self._lock:
            try:
                reply = self._exchange(line)
            except (BrokenPipeError, ConnectionResetError, ValueError):
                self._stop()  # died mid-request: one fresh process, one more try
                try:
                    reply = self._exchange(line)
                except (BrokenPipeError, ConnectionResetError, ValueError) as error:
                    raise CounterUnavailableError(f"the counting service died: {self._stderr()}") from error
        answer = json.loads(reply)
        if isinstance(answer, list):
            return [_unwrap(a) for a in answer]
        return _unwrap(answer)

    def _stderr(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read()[-2000:].decode(errors="replace")

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        """Stop the node process (closing its input ends it)."""
        with self._lock:
            self._stop()
            if self._log is not None:
                self._log.close()
                self._log = None


def _unwrap(answer: dict[str, Any]) -> Any:
    if "error" in answer:
        raise ValueError(f"counting service: {answer['error']}")
    return answer["ok"]


_SERVICE = Counter()
atexit.register(_SERVICE.close)


def service() -> Counter:
    """The session's counting service."""
    return _SERVICE


def require() -> dict[str, str]:
    """Start the service now (versions of twitter-text, node, ICU), so a server that needs it fails at start-up
    with CounterUnavailableError naming the set-up command, not later inside a request handler."""
    return _SERVICE.call({"op": "version"})


def x_parse(text: str, config: str = "v3") -> dict[str, Any]:
    """twitter-text ``parseTweet``: ``weightedLength``, ``valid``, ``permillage`` (config ``v3`` or ``v2``)."""
    return _SERVICE.call({"op": "x", "text": text, "config": config})


def x_weighted_length(text: str) -> int:
    """X's weighted length of ``text`` by twitter-text (config v3)."""
    return int(x_parse(text)["weightedLength"])


def x_url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the links twitter-text extracts (with or without scheme), as str offsets."""
    return [(s, e) for s, e in _SERVICE.call({"op": "urls", "text": text})]


def mastodon_url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the links Mastodon's length validator counts as one URL each (scheme required)."""
    if ":" not in text:
        return []
    return [(s, e) for s, e in _SERVICE.call({"op": "mastodon_urls", "text": text})]


def graphemes(text: str) -> int:
    """Extended grapheme clusters in ``text`` (ICU)."""
    return int(_SERVICE.call({"op": "graphemes", "text": text}))
