"""Run one fuzz input and file its outcome: success, one clean error line, a crash, or a hang.

A clean error is a ``BotError`` whose message is one line, names the file (or config) and is
not the "statement-bot bug" line the error boundaries print for an unexpected exception: that
one counts as a crash, since it is what the fuzz suite is here to find. In-process inputs run
under a ``SIGALRM`` time limit; reads that may hang in C run in the budgeted helper process
(``bot.text.budget``), whose time-out is a hang here, not an error.
"""

from __future__ import annotations

import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bot.errors import BotError

BUG_MARKS = ("statement-bot bug", "Traceback")  # every error boundary says "statement-bot bug" for a bug
HANG_MARKS = ("took longer than",)


class Hang(BaseException):
    """Raised by the alarm when an input runs past its time limit (a BaseException: no handler swallows it)."""


@dataclass
class Tally:
    """What one fuzz target saw."""

    name: str
    inputs: int = 0
    ok: int = 0
    clean: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    slowest: float = 0.0
    slowest_input: str = ""

    def row(self) -> str:
        per = self.seconds / self.inputs * 1000 if self.inputs else 0.0
        return (
            f"{self.name:<28} {self.inputs:>6} {self.ok:>6} {self.clean:>6} {len(self.crashes):>7} "
            f"{len(self.hangs):>5} {per:>9.1f} {self.slowest * 1000:>9.0f}"
        )

    def assert_clean(self) -> None:
        assert not self.crashes and not self.hangs, f"{self.name}: crashes {self.crashes[:3]} hangs {self.hangs[:3]}"


TALLIES: dict[str, Tally] = {}
COLUMNS = ("inputs", 6), ("ok", 6), ("clean", 6), ("crashes", 7), ("hangs", 5), ("ms/input", 9), ("max ms", 9)
HEADER = f"{'fuzz target':<28}" + "".join(f" {name:>{width}}" for name, width in COLUMNS)


def tally(name: str) -> Tally:
    """The session's tally for ``name`` (made on first use)."""
    return TALLIES.setdefault(name, Tally(name))


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``Hang`` in the main thread if the block runs longer than ``seconds``."""

    def ring(signum: int, frame: object) -> None:
        raise Hang()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def clean_error(message: str, names: tuple[str, ...]) -> bool:
    """One line, naming one of ``names``, and not the line printed for a bug."""
    return (
        "\n" not in message
        and len(message) < 600
        and any(n in message for n in names)
        and not any(m in message for m in BUG_MARKS)
    )


def check(t: Tally, label: str, run: Callable[[], object], names: tuple[str, ...], limit: float = 10.0) -> None:
    """Run one input and file its outcome in ``t``."""
    t.inputs += 1
    started = time.perf_counter()
    try:
        with time_limit(limit):
            run()
    except Hang:
        t.hangs.append(label)
    except BotError as e:
        message = str(e)
        if any(m in message for m in HANG_MARKS):
            t.hangs.append(f"{label}: {message[:200]}")
        elif clean_error(message, names):
            t.clean += 1
        else:
            t.crashes.append(f"{label}: {message[:300]}")
    except Exception as e:
        t.crashes.append(f"{label}: {type(e).__name__}: {e!s:.200} | {traceback.format_exc(limit=-3)[-600:]}")
    else:
        t.ok += 1
    finally:
        elapsed = time.perf_counter() - started
        t.seconds += elapsed
        if elapsed > t.slowest:
            t.slowest, t.slowest_input = elapsed, label[:100]
