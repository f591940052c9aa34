"""Live preview: serve the HTML preview on 127.0.0.1 and rebuild it whenever the statement changes.

The page reloads itself with ``<meta http-equiv="refresh">`` (it carries no script), and the
server rebuilds the threads only when a statement file's size or modification time moved.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.html import Posted, render_html

if TYPE_CHECKING:
    from bot.config import Config

HOST = "127.0.0.1"  # never another interface: the preview shows unpublished statements
REFRESH_SECONDS = 2


class LivePreview:
    """Builds the page for ``path`` (a statement file or a folder), rebuilding only after an edit."""

    def __init__(self, path: str | Path, config: Config, posted: Callable[[], Posted] | None = None):
        self.path, self.config, self.posted = Path(path), config, posted
        self._lock = threading.Lock()
        self._stamp: tuple[Any, ...] | None = None
        self._documents: list[dict[str, Any]] = []
        self._errors: list[str] = []

    def stamp(self) -> tuple[Any, ...]:
        """What changes when any statement file is edited, added or removed."""
        files = sorted(self.path.iterdir()) if self.path.is_dir() else [self.path]
        return tuple(_file_stamp(p) for p in files)

    def page(self) -> str:
        """The current preview page, rebuilt first if a statement changed."""
        with self._lock:
            stamp = self.stamp()
            if stamp != self._stamp:
                self._documents, self._errors = self._build()
                self._stamp = stamp
            posted = self.posted() if self.posted else None
            return render_html(self._documents, posted, errors=self._errors, refresh=REFRESH_SECONDS)

    def _build(self) -> tuple[list[dict[str, Any]], list[str]]:
        from bot.errors import BotError
        from bot.preview import preview_document
        from bot.reading import iter_statements, read_statement
        from bot.threads import build_threads

        documents: list[dict[str, Any]] = []
        errors: list[str] = []
        try:
            items = (iter_statements(self.path, self.config) if self.path.is_dir()
                     else [(self.path, read_statement(self.path, self.config))])
            for item_path, statement in items:
                if isinstance(statement, BotError):
                    errors.append(str(statement))
                    continue
                try:
                    documents.append(preview_document(statement, build_threads(statement, self.config)))
                except BotError as e:
                    errors.append(f"{item_path}: {e}")
        except BotError as e:  # a half-saved or deleted file: show why, keep serving
            errors.append(str(e))
        return documents, errors


def _file_stamp(path: Path) -> tuple[Any, ...]:
    try:
        st = path.stat()
    except OSError:  # removed between listing and looking: that is a change too
        return (str(path),)
    return (str(path), st.st_mtime_ns, st.st_size)


def make_server(path: str | Path, config: Config, port: int = 8000,
                posted: Callable[[], Posted] | None = None) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1:``port`` (0 picks a free port) answering ``/`` with the live page."""
    preview = LivePreview(path, config, posted)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            if self.path.split("?")[0] != "/":
                self.send_error(404)
                return
            body = preview.page().encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per reload every two seconds would drown the terminal

    return ThreadingHTTPServer((HOST, port), Handler)


def serve(path: str | Path, config: Config, port: int = 8000, posted: Callable[[], Posted] | None = None) -> None:
    """Serve the live preview of ``path`` until interrupted (Ctrl-C)."""
    server = make_server(path, config, port, posted)
    print(f"Previewing {path} at http://{HOST}:{server.server_address[1]}/ (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    finally:
        server.server_close()
