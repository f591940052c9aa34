"""Helpers shared by tests of different layers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.model import Account, Organisation, Statement, Thread
from bot.networks.registry import account_rules
from bot.text.threads import build_thread


def thread_for(statement: Statement, account: Account, organisation: Organisation | None = None) -> Thread:
    """The account's thread at its network's default rules (what ``preview`` plans)."""
    return build_thread(statement, account, organisation or Organisation(), account_rules(account))


ROOT = Path(__file__).resolve().parents[1]


def run_bot(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` in a child process, as a user runs it, with this checkout on its path."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "bot", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
