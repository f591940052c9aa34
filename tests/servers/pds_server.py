"""The reference Bluesky PDS (node, tests/servers/pds) behind a fault proxy, with XRPC helpers."""

from __future__ import annotations

import itertools
import json
import pathlib
import secrets
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from tests.servers.faults import ATPROTO, Faults, start_proxy

PDS_DIR = pathlib.Path(__file__).resolve().parent / "pds"
SETUP_HINT = "run scripts/setup-test-deps (it runs `npm ci` in tests/servers/pds)"
WRITES = {
    "/xrpc/com.atproto.repo.createRecord",
    "/xrpc/com.atproto.repo.putRecord",
    "/xrpc/com.atproto.repo.applyWrites",
}
_handles = itertools.count(1)


class PdsUnavailable(RuntimeError):
    """The PDS could not be started (missing node_modules, node error)."""


class PdsServer:
    """A running PDS: ``base_url`` is the fault proxy that account DID documents point at."""

    def __init__(self, rate_limits: bool = False, startup_timeout: float = 90.0, wait: bool = True) -> None:
        if not (PDS_DIR / "node_modules" / "@atproto" / "pds").is_dir():
            raise PdsUnavailable(f"{PDS_DIR / 'node_modules'} is missing: {SETUP_HINT}")
        self.faults = Faults(lambda method, path: method == "POST" and path in WRITES)
        # The proxy starts first so the PDS can advertise it as its public URL.
        self._proxy = start_proxy("http://127.0.0.1:9", self.faults, ATPROTO)
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - the PDS's output, kept until close()
        command = ["node", "launch.mjs", "--public-url", self._proxy.base_url]
        self._process = subprocess.Popen(
            command + (["--rate-limits"] if rate_limits else []),
            cwd=PDS_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self._timeout = startup_timeout
        self.direct_url = ""
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Block until the PDS serves (node takes seconds to boot, so it can start early)."""
        if not self.direct_url:
            self.direct_url = self._ready_line(self._timeout)["pds"]
            self._proxy.server.upstream = self.direct_url  # type: ignore[attr-defined]

    def _ready_line(self, timeout: float) -> dict[str, Any]:
        """Read the launcher's JSON ready line, or fail with its stderr."""
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(self._process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not line or not line[0].strip():
            self.close()
            self._log.seek(0)
            tail = self._log.read()[-2000:].decode(errors="replace")
            raise PdsUnavailable(f"PDS did not report ready within {timeout}s: {tail}")
        return json.loads(line[0])

    @property
    def base_url(self) -> str:
        """Where clients should connect (the proxy)."""
        return self._proxy.base_url

    def xrpc(
        self,
        method: str,
        nsid: str,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> Any:
        """One XRPC call straight to the PDS (no faults); raises HTTPError on an error status."""
        query = "?" + urllib.parse.urlencode(params) if params else ""
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.direct_url}/xrpc/{nsid}{query}", data, headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def create_account(self, handle_prefix: str = "org") -> tuple[str, str, str]:
        """A new account over com.atproto.server.createAccount: (handle, did, password)."""
        handle = f"{handle_prefix.lower()}{next(_handles):03d}.test"
        password = secrets.token_urlsafe(16)
        made = self.xrpc(
            "POST",
            "com.atproto.server.createAccount",
            body={"handle": handle, "email": f"{handle}@example.com", "password": password},
        )
        return made["handle"], made["did"], password

    def get_record(self, uri: str) -> dict[str, Any] | None:
        """com.atproto.repo.getRecord for an at:// URI, or None if it is not there."""
        repo, collection, rkey = uri.removeprefix("at://").split("/")
        try:
            found: dict[str, Any] = self.xrpc(
                "GET", "com.atproto.repo.getRecord", {"repo": repo, "collection": collection, "rkey": rkey}
            )
            return found
        except urllib.error.HTTPError as error:
            if error.code in (400, 404):
                return None
            raise

    def posts(self, did: str) -> list[dict[str, Any]]:
        """The account's app.bsky.feed.post records in posting order, with reply and quote refs."""
        records: list[dict[str, Any]] = []
        cursor: dict[str, str] = {}
        while True:
            page = self.xrpc(
                "GET",
                "com.atproto.repo.listRecords",
                {"repo": did, "collection": "app.bsky.feed.post", "limit": 100, **cursor},
            )
            records.extend(page["records"])
            if not page.get("cursor") or not page["records"]:
                break
            cursor = {"cursor": page["cursor"]}
        out = []
        for item in records:
            value = item["value"]
            reply = value.get("reply") or {}
            embed = value.get("embed") or {}
            quoted = embed.get("record", {})
            out.append(
                {
                    "uri": item["uri"],
                    "cid": item["cid"],
                    "rkey": item["uri"].rsplit("/", 1)[1],
                    "text": value.get("text", ""),
                    "created_at": value.get("createdAt", ""),
                    "reply_parent": (reply.get("parent") or {}).get("uri"),
                    "reply_root": (reply.get("root") or {}).get("uri"),
                    "quote": quoted.get("uri") or (quoted.get("record") or {}).get("uri"),
                    "langs": value.get("langs"),
                    "facets": value.get("facets"),
                    "record": value,
                }
            )
        return sorted(out, key=lambda p: (p["created_at"], p["rkey"]))

    def reset(self) -> None:
        """Clear faults (accounts and records stay: make a fresh account per test)."""
        self.faults.clear()

    def close(self) -> None:
        """Stop the PDS process (SIGTERM, then kill) and the proxy."""
        self.faults.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream:
                stream.close()
        self._log.close()
        self._proxy.close()
