"""Live preview: serve the HTML preview on 127.0.0.1 and rebuild it whenever the statement changes.

The page reloads itself with ``<meta http-equiv="refresh">`` (it carries no script), and the
server rebuilds the threads only when a statement file's size or modification time moved.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.preview.html import Posted, render_html

if TYPE_CHECKING:
    from bot.config import Config
    from bot.networks.base import Limits

HOST = "127.0.0.1"  # never another interface: the preview shows unpublished statements
REFRESH_SECONDS = 2


class LivePreview:
    """Builds the page for ``path`` (a statement file or a folder), rebuilding only after an edit."""

    def __init__(
        self,
        path: str | Path,
        config: Config,
        posted: Callable[[], Posted] | None = None,
        reported: Mapping[str, Limits] | None = None,
    ):
        self.path, self.config, self.posted, self.reported = Path(path), config, posted, reported
        self._lock = threading.Lock()
        self._stamp: tuple[Any, ...] | None = None
        self._documents: list[dict[str, Any]] = []
        self._errors: list[str] = []
        self._images: dict[str, bytes] = {}

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
            return render_html(
                self._documents, posted, errors=self._errors, refresh=REFRESH_SECONDS, images=self._images
            )

    def _build(self) -> tuple[list[dict[str, Any]], list[str]]:
        from bot.errors import BotError
        from bot.preview.batch import split_files
        from bot.preview.render import preview_document, preview_images
        from bot.text.reading import statement_files

        documents: list[dict[str, Any]] = []
        errors: list[str] = []
        self._images = {}
        try:
            paths = statement_files(self.path) if self.path.is_dir() else [self.path]
            for result in split_files(paths, self.config, reported=self.reported):
                if result.statement is None:
                    errors.append(str(result.error))
                else:
                    documents.append(preview_document(result.statement, list(result.threads)))
                    self._images.update(preview_images(list(result.threads)))
        except BotError as e:  # a half-saved or deleted file: show why, keep serving
            errors.append(str(e))
        return documents, errors


def _file_stamp(path: Path) -> tuple[Any, ...]:
    try:
        st = path.stat()
    except OSError:  # removed between listing and looking: that is a change too
        return (str(path),)
    return (str(path), st.st_mtime_ns, st.st_size)


def make_server(
    path: str | Path,
    config: Config,
    port: int = 8000,
    posted: Callable[[], Posted] | None = None,
    reported: Mapping[str, Limits] | None = None,
) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1:``port`` (0 picks a free port) answering ``/`` with the live page."""
    preview = LivePreview(path, config, posted, reported)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
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


def serve(
    path: str | Path,
    config: Config,
    port: int = 8000,
    posted: Callable[[], Posted] | None = None,
    reported: Mapping[str, Limits] | None = None,
) -> None:
    """Serve the live preview of ``path`` until interrupted (Ctrl-C)."""
    server = make_server(path, config, port, posted, reported)
    print(f"Previewing {path} at http://{HOST}:{server.server_address[1]}/ (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    finally:
        server.server_close()
