"""Threaded HTTP servers on 127.0.0.1 that outlive clients killed mid-request."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A client that dies (kill -9, timeout) leaves these behind; they are not server bugs.
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout, TimeoutError)


# Written by the handler itself (send_response adds Date and Server); never copied from elsewhere.
OWN_HEADERS = {"content-length", "transfer-encoding", "connection", "date", "server"}


class QuietServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that never blocks on handler threads and ignores vanished clients."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Swallow errors from clients that went away; report anything else."""
        import sys

        error = sys.exc_info()[1]
        if not isinstance(error, GONE):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    """Keep-alive handler with safe body reading and response writing."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms stalls

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: test output is for test results."""

    def read_body(self) -> bytes:
        """The request body (empty when there is none or the client vanished)."""
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return self.rfile.read(length) if length else b""
        except GONE:
            self.close_connection = True
            return b""

    def respond(self, status: int, body: Any = b"", headers: dict[str, str] | None = None) -> None:
        """Send a complete response; a dict/list body is sent as JSON."""
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode()
            content_type = "application/json; charset=utf-8"
        else:
            payload = body
            content_type = "application/octet-stream"
        headers = dict(headers or {})
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type
        try:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in OWN_HEADERS:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            self.wfile.flush()
        except GONE:
            self.close_connection = True

    def client_gone(self) -> bool:
        """Whether the client has closed its end (peeks without consuming anything)."""
        try:
            self.connection.setblocking(False)
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True
        finally:
            try:
                self.connection.setblocking(True)
            except OSError:
                pass

    def drop(self) -> None:
        """Close the connection without sending any response."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


@dataclass
class Running:
    """A started server: its URL and how to stop it."""

    server: QuietServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        host, port = self.server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def close(self) -> None:
        """Stop accepting requests and release the port."""
        self.server.shutdown()
        self.server.server_close()


def start(handler: type[Handler], **attributes: Any) -> Running:
    """Serve ``handler`` on a free 127.0.0.1 port in a daemon thread; attributes go on the server."""
    server = QuietServer(("127.0.0.1", 0), handler)
    for name, value in attributes.items():
        setattr(server, name, value)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return Running(server, thread)
