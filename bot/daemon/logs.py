"""The always-on bot's log lines: one line per event, UTC with milliseconds, text or JSON, to stderr or a file."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

FIELDS = ("statement", "account", "index")


def _stamp(record: logging.LogRecord) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"


class TextFormatter(logging.Formatter):
    """`2026-01-04T09:00:00.123Z INFO message statement=… account=… index=…`, one line per event."""

    def format(self, record: logging.LogRecord) -> str:
        extra = "".join(f" {k}={getattr(record, k)}" for k in FIELDS if getattr(record, k, None) is not None)
        line = f"{_stamp(record)} {record.levelname} {record.getMessage()}{extra}"
        if record.exc_info:
            line += " | " + self.formatException(record.exc_info).replace("\n", " | ")
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, message, and statement/account/index when known."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {"time": _stamp(record), "level": record.levelname.lower(), "message": record.getMessage()}
        doc.update({k: getattr(record, k) for k in FIELDS if getattr(record, k, None) is not None})
        if record.exc_info:
            doc["error"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


def setup_logging(fmt: str, log_file: Path | None = None) -> None:
    """Send the bot's log lines to stderr (or appended to ``log_file``) in ``fmt``; libraries only say warnings."""
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("statement-bot").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # the bot logs missed and failed jobs itself
