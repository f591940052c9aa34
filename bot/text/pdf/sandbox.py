"""Run untrusted-input work (PDFium on a PDF someone sent) in a child process that cannot hang or sink the bot.

``run_isolated("package.module:function", data, limits)`` starts a fresh ``python -I`` that sets its own
limits before it imports anything heavy (``RLIMIT_AS`` for memory, ``RLIMIT_CPU``, no core file), reads
``data`` from its stdin, calls ``function(data) -> bytes`` and writes the answer to its stdout. The parent
waits at most ``limits.seconds`` of wall-clock time and kills it after that. PDFium aborts the process
when an allocation fails (SIGABRT, not an exception): here that is only a child's exit status, turned into
an ``IsolationError`` the caller words for its user. A fresh interpreter (not ``fork``) inherits no
threads or locks of the caller, which may be the daemon with its scheduler and watcher threads.

Anything that needs the same protection can use it, e.g. rendering a PDF's first page for an image:
the function runs with the limits in force and gets the input bytes, nothing else.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding ``bot``, installed or not
_BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from bot.text.pdf.child import main; main()"


@dataclass(frozen=True)
class Limits:
    """What one isolated call may use. 1 GiB of address space is ample: reading an ordinary
    statement PDF peaks near 100 MB; 10 s is ~1,000 times what its pages take."""

    seconds: float = 10.0
    memory_bytes: int = 1 << 30


class IsolationError(Exception):
    """The child did not answer: ``kind`` is "timeout", "memory" (aborted or out of memory) or "failed"."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


def run_isolated(target: str, data: bytes, limits: Limits = Limits()) -> bytes:
    """``function(data)`` for ``target`` = "module:function", computed in a limited child process."""
    command = [sys.executable, "-I", "-c", _BOOT, _ROOT, target, str(limits.memory_bytes), str(limits.seconds)]
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a Ctrl-C to the bot's process group is the bot's to handle
        )
    except OSError as e:
        raise IsolationError("failed", f"cannot start a helper process ({e.strerror})") from None
    try:
        out, err = process.communicate(data, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise IsolationError("timeout", f"{limits.seconds:g} s") from None
    except BaseException:
        process.kill()
        process.wait()
        raise
    if process.returncode == 0:
        return out
    status = process.returncode
    last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    if status < 0:
        name = signal.Signals(-status).name if -status in signal.valid_signals() else str(-status)
        kind = "timeout" if -status in (signal.SIGXCPU, signal.SIGKILL) else "memory"
        raise IsolationError(kind, f"stopped by {name}")
    if "MemoryError" in last[0]:
        raise IsolationError("memory", "out of memory")
    raise IsolationError("failed", last[0][:200])
