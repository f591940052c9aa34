"""The fuzz suite's figures, printed at the end of every run that used it."""

from __future__ import annotations

from typing import Any

from tests.fuzz.harness import HEADER, TALLIES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLIES:
        return
    terminalreporter.section("fuzz figures (issue 11)")
    terminalreporter.write_line(HEADER)
    for t in TALLIES.values():
        terminalreporter.write_line(t.row())
    total = sum(t.inputs for t in TALLIES.values())
    crashes = sum(len(t.crashes) for t in TALLIES.values())
    hangs = sum(len(t.hangs) for t in TALLIES.values())
    terminalreporter.write_line(f"total inputs {total}, crashes {crashes}, hangs {hangs}")
    slowest = max(TALLIES.values(), key=lambda t: t.slowest)
    terminalreporter.write_line(f"slowest input: {slowest.slowest:.1f} s in {slowest.name}: {slowest.slowest_input}")
