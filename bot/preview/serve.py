"""Live preview: serve the HTML preview on 127.0.0.1 and rebuild it whenever the statement changes.

The page reloads itself with ``<meta http-equiv="refresh">`` (it carries no script), and the
server rebuilds the threads only when a statement file's size or modification time moved.
Whatever goes wrong while building the page (a file that stops parsing, a folder that is
gone, a bug) is shown on the page in the red "Cannot preview" box; the connection is never
just dropped. Only requests whose ``Host`` is ``127.0.0.1:PORT`` or ``localhost:PORT`` are
answered, so a web page cannot reach the preview through DNS rebinding.
"""

from __future__ import annotations

import errno
import logging
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
log = logging.getLogger("statement-bot.preview")


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
        self.folder = self.path.is_dir()  # remembered: a folder deleted later is reported as a missing folder
        self._lock = threading.Lock()
        self._stamp: tuple[Any, ...] | None = None
        self._documents: list[dict[str, Any]] = []
        self._errors: list[str] = []
        self._images: dict[str, bytes] = {}

    def stamp(self) -> tuple[Any, ...]:
        """What changes when any statement file is edited, added or removed."""
        try:
            files = sorted(self.path.iterdir()) if self.folder else [self.path]
        except OSError:  # the folder went away or cannot be listed: a change, shown by the build
            return (str(self.path),)
        return tuple(_file_stamp(p) for p in files)

    def page(self) -> str:
        """The current preview page, rebuilt first if a statement changed; any failure is shown on it."""
        with self._lock:
            try:
                stamp = self.stamp()
                if stamp != self._stamp:
                    self._documents, self._errors = self._build()
                    self._stamp = stamp
                posted = self.posted() if self.posted else None
                return render_html(
                    self._documents, posted, errors=self._errors, refresh=REFRESH_SECONDS, images=self._images
                )
            except Exception as e:
                self._stamp = None  # build again on the next request
                return _error_page(self.path, e)

    def _build(self) -> tuple[list[dict[str, Any]], list[str]]:
        from bot.errors import BotError
        from bot.preview.batch import split_files
        from bot.preview.render import preview_document, preview_images
        from bot.text.reading import statement_files

        documents: list[dict[str, Any]] = []
        errors: list[str] = []
        self._images = {}
        try:
            paths = statement_files(self.path) if self.folder else [self.path]
            for result in split_files(paths, self.config, reported=self.reported):
                if result.statement is None:
                    errors.append(str(result.error))
                else:
                    documents.append(preview_document(result.statement, list(result.threads)))
                    self._images.update(preview_images(list(result.threads)))
        except BotError as e:  # a half-saved or deleted file: show why, keep serving
            errors.append(str(e))
        except Exception as e:  # a bug met by a strange file: still a page, with the reason on it
            log.debug("building the preview of %s failed", self.path, exc_info=True)
            errors.append(f"{self.path}: unexpected {type(e).__name__} ({str(e)[:160]}); this is a statement-bot bug")
        return documents, errors


def _error_page(path: Path, error: Exception) -> str:
    """The page when even the preview page cannot be made: the red box alone."""
    from bot.errors import BotError

    why = str(error) if isinstance(error, BotError) else f"{path}: unexpected {type(error).__name__} ({error})"
    log.debug("the preview page of %s failed", path, exc_info=True)
    try:
        return render_html([], None, errors=[why[:500]], refresh=REFRESH_SECONDS)
    except Exception:
        import html

        return (
            f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
            f'<title>Cannot preview</title><p style="color:#b00">Cannot preview: {html.escape(why[:500])}</p>'
        )


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
    from bot.errors import UsageError

    preview = LivePreview(path, config, posted, reported)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            address: Any = self.server.server_address
            bound = address[1]
            if self.headers.get("Host", "").lower() not in (f"{HOST}:{bound}", f"localhost:{bound}"):
                self.send_error(403, "Unexpected Host header (the preview answers only 127.0.0.1 and localhost)")
                return
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

    try:
        return _Server((HOST, port), Handler)
    except OSError as e:
        busy = e.errno == errno.EADDRINUSE
        hint = "; another program is using it: choose another --port, or 0 for any free one" if busy else ""
        raise UsageError(f"--port {port}: cannot listen on {HOST}:{port}: {e.strerror}{hint}") from None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closed the tab mid-answer is no news; anything else is logged, never printed raw.
        log.debug("preview request from %s failed", client_address, exc_info=True)


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
