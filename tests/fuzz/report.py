"""The fuzz suite's figures, printed at the end of every run that used it (a plugin of tests/conftest.py,
so the xdist controller, which collects nothing, loads it too).

Under pytest-xdist each worker keeps its own tallies: a worker hands them to the controller when it
finishes, and the controller adds them up before printing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.fuzz.harness import HEADER, TALLIES, Tally


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # an xdist worker
        output["fuzz_tallies"] = [dataclasses.asdict(t) for t in TALLIES.values()]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    for fields in getattr(node, "workeroutput", {}).get("fuzz_tallies", []):
        t = TALLIES.setdefault(fields["name"], Tally(fields["name"]))
        t.inputs += fields["inputs"]
        t.ok += fields["ok"]
        t.clean += fields["clean"]
        t.crashes += fields["crashes"]
        t.hangs += fields["hangs"]
        t.seconds += fields["seconds"]
        if fields["slowest"] > t.slowest:
            t.slowest, t.slowest_input = fields["slowest"], fields["slowest_input"]


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
