"""How the always-on bot copes unattended, against the local Mastodon instance (mastodon-mock behind its
rules proxy): one command, prints numbers.

1. Outage: the instance answers 503 to every request for OUTAGE seconds while a statement is due;
   minutes from the end of the outage to the thread complete, with the default retry settings,
   and duplicates (0 expected).
2. Isolation: a healthy Mastodon account beside a Bluesky account whose server never answers
   (a socket that accepts and stays silent); statements dropped for WINDOW seconds; posts per
   minute the healthy account gets out, next to the same run without the broken account.
3. First start on an archive: ARCHIVE old statements in the folder; how many are posted (0
   expected), adopted, and how long a new statement then takes to be posted.

Run: .venv/bin/python benchmarks/bench_unattended.py [--outage 60] [--window 60] [--archive 300]
Needs `scripts/setup-test-deps` (the counting service the proxy uses).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers.mastodon_server import MastodonServer  # noqa: E402

LONG = " ".join(f"Sentence {i} of a statement about the strike and what the workers demand." for i in range(12))


def write_config(folder: Path, accounts: str, extra: str = "") -> Path:
    (folder / "statements").mkdir(parents=True, exist_ok=True)
    config = folder / "bot.yaml"
    config.write_text(f"state: state/s.sqlite3\nstatements_dir: statements\naccounts:\n{accounts}{extra}\n")
    return config


def mastodon_account(server: MastodonServer, name: str) -> tuple[str, str]:
    _user, _, token = server.create_account(name)
    return (f"  - name: {name}\n    platform: mastodon\n    instance: {server.base_url}\n"
            f"    credentials: {{access_token: BENCH_{name.upper()}}}\n", token)  # fmt: skip


def start(config: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)], cwd=ROOT, env=env,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stderr is not None
    while "started" not in (proc.stderr.readline() or "started"):
        pass
    threading.Thread(target=lambda: proc.stderr and proc.stderr.read(), daemon=True).start()  # keep the pipe drained
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)


def outage(server: MastodonServer, seconds: float) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-outage-"))
    account, token = mastodon_account(server, "outage")
    config = write_config(folder, account)
    env = {**os.environ, "BENCH_OUTAGE": token, "PYTHONPATH": str(ROOT)}
    proc = start(config, env)
    server.faults.add("status", status=503, count=1_000_000)
    began = time.monotonic()
    (folder / "statements" / "down.txt").write_text(f"During the outage\n\n{LONG}\n")
    time.sleep(seconds)
    server.faults.clear()
    ended = time.monotonic()
    expected = None
    while time.monotonic() - ended < 3600:
        posts = server.posts(token)
        expected = expected or _planned(folder)
        if expected and len(posts) >= expected:
            break
        time.sleep(0.5)
    done = time.monotonic()
    stop(proc)
    texts = [p["text"] for p in server.posts(token)]
    print(f"outage of {seconds:.0f} s (503 on every request): thread of {len(texts)} posts complete "
          f"{(done - ended) / 60:.2f} min after the outage ended ({(done - began) / 60:.2f} min after it began); "
          f"duplicates: {len(texts) - len(set(texts))}")  # fmt: skip


def _planned(folder: Path) -> int | None:
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{folder / 'state' / 's.sqlite3'}?mode=ro", uri=True)
        count = db.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
        db.close()
        return int(count) or None
    except sqlite3.Error:
        return None


def silent_port() -> tuple[socket.socket, int]:
    """A socket that accepts connections and never answers: a network that hangs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(100)
    return sock, sock.getsockname()[1]


def isolation(server: MastodonServer, window: float, broken: bool) -> float:
    folder = Path(tempfile.mkdtemp(prefix="bench-isolation-"))
    account, token = mastodon_account(server, f"healthy{int(broken)}")
    accounts, env = account, {"PYTHONPATH": str(ROOT)}
    env[f"BENCH_HEALTHY{int(broken)}"] = token
    sock = None
    if broken:
        sock, port = silent_port()
        accounts += (
            "  - name: broken\n    platform: bluesky\n    handle: broken.test\n"
            f"    api_base: http://127.0.0.1:{port}\n    credentials: {{password: BENCH_BROKEN}}\n"
        )
        env["BENCH_BROKEN"] = "app-password"
    config = write_config(folder, accounts, "\npublishing: {timeout_seconds: 10}")
    proc = start(config, {**os.environ, **env})
    began = time.monotonic()
    n = 0
    while time.monotonic() - began < window:
        (folder / "statements" / f"s{n:04d}.txt").write_text(f"Statement {n}\n\nWe stand with the workers, {n}.\n")
        n += 1
        time.sleep(1.0)
    posted = len(server.posts(token))
    stop(proc)
    if sock is not None:
        sock.close()
    return posted / (window / 60)


def archive(server: MastodonServer, count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    account, token = mastodon_account(server, "archive")
    config = write_config(folder, account)
    for i in range(count):
        year = 2010 + i % 15
        (folder / "statements" / f"{year}-{i:04d}.md").write_text(
            f"---\ntitle: Archive statement {i}\ndate: {year}-0{1 + i % 9}-1{i % 10}\n---\nText of statement {i}.\n"
        )
    env = {**os.environ, "BENCH_ARCHIVE": token, "PYTHONPATH": str(ROOT)}
    began = time.monotonic()
    proc = start(config, env)
    started = time.monotonic()
    (folder / "statements" / "new.txt").write_text("A new statement\n\nPosted at once.\n")
    while not server.posts(token):
        time.sleep(0.1)
    first = time.monotonic()
    time.sleep(2)
    posts = server.posts(token)
    stop(proc)
    print(
        f"first start on {count} old statements: start took {started - began:.1f} s, {len(posts)} post(s) "
        f"went out (the new statement, {first - started:.1f} s after it was dropped), "
        f"{count} adopted, 0 of the archive posted"
        if len(posts) == 1
        else f"UNEXPECTED: {len(posts)} posts"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=60)
    parser.add_argument("--window", type=float, default=60)
    parser.add_argument("--archive", type=int, default=300)
    args = parser.parse_args()
    server = MastodonServer()
    try:
        archive(server, args.archive)
        alone = isolation(server, args.window, broken=False)
        beside = isolation(server, args.window, broken=True)
        print(f"healthy account alone: {alone:.1f} posts/min; beside an account whose server never answers: "
              f"{beside:.1f} posts/min (one statement dropped per second)")  # fmt: skip
        outage(server, args.outage)
    finally:
        server.close()


if __name__ == "__main__":
    main()
