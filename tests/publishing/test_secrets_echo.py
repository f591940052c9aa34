"""Issue 11: with every request echoed back by the server (URL, Authorization header), no configured secret reaches
`post`'s output, the debug log, `status` or the journal, on all five local servers.

Each network's real `post` runs as a subprocess against a real local server whose ``echo`` fault answers every
request with an error repeating the request line and headers (as a debugging gateway would). The scrubbing is
central (``bot.redact``: the adapter wrapper, the journal's writes, the log record factory, the CLI's last line),
so the same assertions hold for every network without any network doing anything itself.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.publishing.test_crash import (
    bluesky_network,
    mastodon_network,
    telegram_network,
    threads_network,
    x_network,
)

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NETWORKS = ["x", "mastodon", "bluesky", "telegram", "threads"]
UNSCRUBBED_AUTH = re.compile(r"(?i)authorization[\"']?\s*[:=]\s*[\"']?(?!\[redacted\])[^\s\"'\]]")


@pytest.fixture
def network(request, x_server, mastodon_server, pds, telegram_server, threads_server):
    name, tag = request.param, f"e{random.randrange(10**6)}"
    made = {
        "x": lambda: x_network(x_server, tag),
        "mastodon": lambda: mastodon_network(mastodon_server, tag),
        "bluesky": lambda: bluesky_network(pds, tag),
        "telegram": lambda: telegram_network(telegram_server, tag, probe=False),
        "threads": lambda: threads_network(threads_server, tag),
    }[name]()
    made.faults.clear()
    yield made
    made.faults.clear()


def run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def journal_text(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(repr(row) for t in tables for row in db.execute(f'SELECT * FROM "{t}"'))
    finally:
        db.close()


@pytest.mark.parametrize("network", NETWORKS, indirect=True)
@pytest.mark.parametrize("status", [401, 502])
def test_no_secret_in_output_logs_status_or_journal_when_the_server_echoes_requests(network, status, tmp_path):
    network.faults.add("echo", method=None, path=".*", status=status, count=500)
    (tmp_path / "s.md").write_text("---\nid: echo\ntitle: Echo\n---\nA short statement.\n", encoding="utf-8")
    (tmp_path / "bot.yaml").write_text(
        "state: state/j.sqlite3\n"
        "publishing: {max_attempts: 2, backoff_base_seconds: 0.01, backoff_max_seconds: 0.02, timeout_seconds: 10}\n"
        f"accounts:\n{network.account_yaml}",
        encoding="utf-8",
    )
    env = {**os.environ, **network.env, "PYTHONPATH": str(ROOT), "STATEMENT_BOT_DEBUG": "1"}
    posted = run(["post", str(tmp_path / "s.md"), "--config", str(tmp_path / "bot.yaml")], env, tmp_path)
    status_run = run(["status", "--config", str(tmp_path / "bot.yaml")], env, tmp_path)
    stored = journal_text(tmp_path / "state" / "j.sqlite3")
    # Failed (✘, exit 1), or paused to be tried again later (⏸, exit 0): either way nothing went out.
    assert posted.returncode in (0, 1) and ("✘" in posted.stdout or "⏸" in posted.stdout), posted.stdout + posted.stderr
    assert "✔" not in posted.stdout
    assert status_run.returncode == 0, status_run.stderr
    assert network.faults.requests, "the server saw no request"
    places = {
        "post's output": posted.stdout,
        "post's debug log": posted.stderr,
        "status": status_run.stdout + status_run.stderr,
        "the journal": stored,
    }
    secrets = [v for v in network.env.values() if len(v) >= 4]
    for place, text in places.items():
        for secret in secrets:
            assert secret not in text, f"{network.name}: a secret is in {place}"
        assert not UNSCRUBBED_AUTH.search(text), f"{network.name}: an Authorization header is in {place}"
    assert "Traceback" not in posted.stderr.split("DEBUG")[0]
    shown = "[redacted]" in "".join(places.values())
    print(f"FIGURES {network.name} echo {status}: the echoed request was shown, scrubbed: {shown}")
