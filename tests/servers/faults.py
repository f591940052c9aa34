"""Deterministic fault injection for the local servers, and a reverse proxy that applies it.

A ``Faults`` plan holds ordered rules; each matching request consumes one. Effects:

- ``status``: answer ``status`` (500/502/503/429…) without storing; a 429 carries the
  network's own rate-limit headers (``reset_after`` seconds ahead).
- ``timeout``: hold the request ``hold`` seconds (longer than the client waits), then drop it.
- ``drop``: close the connection with no response.
- ``commit_then_fail``: store the request, then answer 500 (``then="500"``), drop it
  (``then="drop"``) or hold then drop (``then="timeout"``): posted, but the client never learns it.
- ``hang_before_commit`` / ``hang_after_commit``: hold the request until ``release()``,
  then go on normally (lets a test kill -9 the poster at an exact post). A request held before
  commit whose client died meanwhile is dropped unprocessed.
- ``pass``: no fault (used to lay out seeded random plans).
- ``echo``: answer ``status`` with an error body that echoes the request line and headers, as a
  debugging gateway would (opt-in: lets a test check that the client scrubs secrets such as a
  token in the URL or an Authorization header from what it logs or stores). Stores nothing.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from tests.servers.serving import Handler, Running, start
from tests.servers.styles import ATPROTO, MASTODON, TELEGRAM, THREADS, Style, X

# The styles moved to tests.servers.styles; importing them from here keeps working.
__all__ = [
    "ATPROTO",
    "MASTODON",
    "TELEGRAM",
    "THREADS",
    "FaultingHandler",
    "Faults",
    "ProxyHandler",
    "Reply",
    "Rule",
    "Style",
    "X",
    "start_proxy",
]

EFFECTS = ("status", "timeout", "drop", "commit_then_fail", "hang_before_commit", "hang_after_commit", "pass", "echo")
MIX = ("429", "500", "timeout", "drop")
HOLD_LIMIT = 300.0  # a held request never outlives a forgotten release() by more than this


@dataclass
class Rule:
    """One planned fault for the next ``remaining`` matching requests."""

    effect: str
    method: str | None
    path: re.Pattern[str] | None
    remaining: int
    status: int = 500
    then: str = "500"
    hold: float = 3.0
    reset_after: int = 60

    def matches(self, method: str, path: str, is_create: bool) -> bool:
        """Whether this rule applies; no path means the server's create requests."""
        if self.method and self.method != method:
            return False
        if self.path is None:
            return is_create
        return bool(self.path.fullmatch(path))


class Faults:
    """Thread-safe fault plan plus a log of requests, shared by a server and its tests."""

    def __init__(self, is_create: Callable[[str, str], bool]) -> None:
        self._is_create = is_create
        self._cond = threading.Condition()
        self._rules: list[Rule] = []
        self._generation = 0
        self._closed = False
        self.requests: list[tuple[str, str]] = []
        self.creates = 0
        self.held = 0
        self.in_flight = 0  # requests taken whose handler has not finished

    def add(
        self,
        effect: str,
        *,
        method: str | None = "POST",
        path: str | None = None,
        count: int = 1,
        status: int = 500,
        then: str = "500",
        hold: float = 3.0,
        reset_after: int = 60,
    ) -> None:
        """Apply ``effect`` to the next ``count`` requests matching method and path regex."""
        if effect not in EFFECTS:
            raise ValueError(f"unknown fault effect {effect!r}; expected one of {EFFECTS}")
        pattern = re.compile(path) if path is not None else None
        with self._cond:
            self._rules.append(Rule(effect, method, pattern, count, status, then, hold, reset_after))

    def random(
        self,
        share: float,
        *,
        seed: int,
        count: int = 200,
        method: str | None = "POST",
        path: str | None = None,
        mix: Iterable[str] = MIX,
        hold: float = 3.0,
    ) -> list[str]:
        """Fail a seeded ``share`` of the next ``count`` matching requests; returns the plan."""
        rng = random.Random(seed)
        kinds = list(mix)
        plan = [rng.choice(kinds) if rng.random() < share else "pass" for _ in range(count)]
        for kind in plan:
            if kind.isdigit():
                self.add("status", method=method, path=path, status=int(kind), hold=hold)
            elif kind == "commit_then_fail":
                self.add(kind, method=method, path=path, then=rng.choice(("500", "drop")), hold=hold)
            else:
                self.add(kind, method=method, path=path, hold=hold)
        return plan

    def take(self, method: str, path: str) -> Rule | None:
        """Record a request and consume the first rule it matches."""
        bare = urlsplit(path).path
        is_create = self._is_create(method, bare)
        with self._cond:
            self.requests.append((method, bare))
            self.in_flight += 1
            if is_create:
                self.creates += 1
            self._cond.notify_all()
            for rule in self._rules:
                if rule.remaining > 0 and rule.matches(method, bare, is_create):
                    rule.remaining -= 1
                    return None if rule.effect == "pass" else rule
        return None

    def wait_for_request(self, n: int, timeout: float = 10.0) -> None:
        """Block until the n-th create request has arrived."""
        self._wait(lambda: self.creates >= n, timeout, f"create request #{n}")

    def wait_for_held(self, n: int = 1, timeout: float = 10.0) -> None:
        """Block until ``n`` requests are being held by a hang effect."""
        self._wait(lambda: self.held >= n, timeout, f"{n} held request(s)")

    def wait_for_quiet(self, timeout: float = 10.0) -> None:
        """Block until every request taken so far has been answered, dropped or committed."""
        self._wait(lambda: self.in_flight == 0, timeout, "requests in flight to finish")

    def finished(self) -> None:
        """A handler is done with the request it took."""
        with self._cond:
            self.in_flight -= 1
            self._cond.notify_all()

    def _wait(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        with self._cond:
            if not self._cond.wait_for(ready, timeout):
                raise TimeoutError(f"waited {timeout}s for {what}; saw {self.creates} create request(s)")

    def hold(self, seconds: float = HOLD_LIMIT) -> None:
        """Park the calling request thread until ``release()``, ``clear()`` or ``seconds`` pass."""
        with self._cond:
            generation = self._generation
            self.held += 1
            self._cond.notify_all()
            try:
                self._cond.wait_for(lambda: self._generation != generation or self._closed, seconds)
            finally:
                self.held -= 1

    def release(self) -> None:
        """Let every held request go on."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def clear(self) -> None:
        """Forget all rules and counters and release held requests."""
        with self._cond:
            self._rules.clear()
            self.requests.clear()
            self.creates = 0
            self._generation += 1
            self._cond.notify_all()

    def close(self) -> None:
        """Release everything for good (server shutdown)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


Reply = tuple[int, dict[str, str], bytes | dict | list]


class FaultingHandler(Handler):
    """Applies the server's ``faults`` around ``commit`` (which does the real work)."""

    def commit(self, body: bytes) -> Reply:
        """Handle the request for real; subclasses implement it."""
        raise NotImplementedError

    def request_echo(self) -> str:
        """The request line and headers, as a debugging gateway would print them."""
        headers = "; ".join(f"{name}: {value}" for name, value in self.headers.items())
        return f"{self.command} {self.path} [{headers}]"

    def handle_any(self) -> None:
        """Read the request, then fail, hold or commit it as the fault plan says."""
        body = self.read_body()
        faults: Faults = self.server.faults  # type: ignore[attr-defined]
        rule = faults.take(self.command, self.path)
        try:
            self._apply(faults, rule, body)
        finally:
            faults.finished()

    def _apply(self, faults: Faults, rule: Rule | None, body: bytes) -> None:
        style: Style = self.server.style  # type: ignore[attr-defined]
        effect = rule.effect if rule else None
        if rule and effect == "status":
            headers = {}
            if rule.status == 429:
                headers = style.rate_limit_headers(300, 0, time.time() + rule.reset_after)
            self.respond(rule.status, style.error(rule.status, retry_after=rule.reset_after), headers)
            return
        if rule and effect == "echo":
            self.respond(rule.status, style.error(rule.status, echo=self.request_echo()))
            return
        if rule and effect in ("drop", "timeout"):
            if effect == "timeout":
                faults.hold(rule.hold)
            self.drop()
            return
        if effect == "hang_before_commit":
            faults.hold()
            if self.client_gone():  # killed while held: the request never gets processed
                self.drop()
                return
        status, headers, payload = self.commit(body)
        if rule and effect == "commit_then_fail":
            if rule.then == "500":
                self.respond(500, style.error(500))
                return
            if rule.then == "timeout":
                faults.hold(rule.hold)
            self.drop()
            return
        if effect == "hang_after_commit":
            faults.hold()
        self.respond(status, payload, headers)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any  # noqa: N815 - http.server dispatches on these names


HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "host",
    "te",
    "upgrade",
    "proxy-connection",
    "trailer",
}


class ProxyHandler(FaultingHandler):
    """Forwards to ``server.upstream``; ``server.rules`` may answer or rewrite first/after."""

    def commit(self, body: bytes) -> Reply:
        """Run the rules hook, forward upstream, then let the hook rewrite the response."""
        rules = getattr(self.server, "rules", None)
        if rules is not None:
            early = rules.before(self.command, self.path, self.headers, body)
            if early is not None:
                return early
        try:
            status, headers, payload = self.forward(body)
        except OSError:  # upstream down or gone mid-request: a gateway answers 502
            return 502, {}, self.server.style.error(502)  # type: ignore[attr-defined]
        if rules is not None:
            return rules.after(self.command, self.path, self.headers, (status, headers, payload))
        return status, headers, payload

    def forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """One request to the upstream server, hop-by-hop headers stripped."""
        upstream = urlsplit(self.server.upstream)  # type: ignore[attr-defined]
        conn = http.client.HTTPConnection(upstream.hostname or "127.0.0.1", upstream.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Host"] = upstream.netloc
        try:
            conn.request(self.command, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            out = {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}
            return response.status, out, payload
        finally:
            conn.close()


def start_proxy(upstream: str, faults: Faults, style: Style, rules: object | None = None) -> Running:
    """A fault-injecting reverse proxy to ``upstream`` on a free local port."""
    return start(ProxyHandler, upstream=upstream, faults=faults, style=style, rules=rules)
