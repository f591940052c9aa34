"""The isolated child's side of ``sandbox.run_isolated`` (kept apart so the child imports almost nothing).

Limits first (address space, CPU time, no core file), then the input from stdin, the function, and its
answer on the original stdout; stdout itself is pointed at stderr so nothing a library prints gets into
the answer.
"""

from __future__ import annotations

import importlib
import os
import resource
import signal
import sys


def main() -> None:
    _, _, target, memory, seconds = sys.argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _lower(resource.RLIMIT_AS, int(memory))
    cpu = int(float(seconds)) + 1
    _lower(resource.RLIMIT_CPU, cpu, cpu + 1)  # SIGXCPU at the soft limit, SIGKILL one second later
    _lower(resource.RLIMIT_CORE, 0)  # a crash leaves no core file behind
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    data = sys.stdin.buffer.read()
    module, _, function = target.partition(":")
    answer = getattr(importlib.import_module(module), function)(data)
    answers.write(answer)
    answers.flush()


def _lower(kind: int, soft: int, hard: int | None = None) -> None:
    """Set a limit no higher than the one already in force (a parent's own limit stays the ceiling)."""
    old_hard = resource.getrlimit(kind)[1]
    hard = soft if hard is None else hard
    if old_hard != resource.RLIM_INFINITY:
        hard = min(hard, old_hard)
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))
