"""Benchmarks for `statement-bot run`.

1. File complete -> thread queued: 100 statements written into the watched folder of a
   running daemon (in process, real watcher and scheduler, posting to FakeAdapters);
   latency is from the moment each file is closed to the log record that queues its
   thread. Includes the settle time (config default 0.5 s). Target p95 <= 1 s.
2. Idle: a real `statement-bot run` process with an empty folder; RSS and CPU over
   ``--idle-seconds`` (default 60). Targets <= 60 MB RSS, ~0 % CPU.

Run: .venv/bin/python benchmarks/bench_daemon.py [--files 100] [--idle-seconds 60]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIG = """
timezone: Europe/London
statements_dir: statements
state: state/bot.sqlite3
accounts:
  - name: masto
    platform: mastodon
    instance: https://masto.example
    credentials: {access_token: BENCH_TOKEN}
"""


class Queued(logging.Handler):
    """Wall-clock time of each 'queued thread' record, by statement id."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.at: dict[str, float] = {}
        self.done = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("queued thread"):
            with self.done:
                self.at.setdefault(getattr(record, "statement", ""), record.created)
                self.done.notify_all()


def latency(files: int, gap: float) -> list[float]:
    """Seconds from file closed to thread queued, for each of ``files`` statements."""
    from bot.config import parse_config
    from bot.daemon.service import Daemon
    from tests.networks.fake import FakeAdapter

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "statements").mkdir()
        config = parse_config(CONFIG, root / "bot.yaml")
        daemon = Daemon(config, adapter_for=lambda account, journal: FakeAdapter(account=account.name))
        handler = Queued()
        logger = logging.getLogger("statement-bot")
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        runner = threading.Thread(target=daemon.run)
        runner.start()
        daemon.started.wait(10)
        closed: dict[str, float] = {}
        try:
            for i in range(files):
                sid = f"bench-{i:03d}"
                with open(root / "statements" / f"{sid}.txt", "w") as f:
                    f.write(f"Statement {i}\n\n" + "Workers of the world stand together. " * 20)
                closed[sid] = time.time()
                time.sleep(gap)
            with handler.done:
                handler.done.wait_for(lambda: len(handler.at) >= files, timeout=30)
        finally:
            daemon.stop()
            runner.join(30)
            logger.removeHandler(handler)
        return [handler.at[sid] - closed[sid] for sid in closed if sid in handler.at]


def idle(seconds: float) -> tuple[float, float, float]:
    """(RSS MB after start, RSS MB at the end, CPU %) of a real idle `statement-bot run`."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "statements").mkdir()
        (root / "bot.yaml").write_text(CONFIG)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(root / "bot.yaml")],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            assert proc.stderr is not None
            while "started" not in (proc.stderr.readline() or "started"):
                pass
            time.sleep(1.0)
            rss_start, cpu_start, t0 = _rss_mb(proc.pid), _cpu_seconds(proc.pid), time.monotonic()
            time.sleep(seconds)
            rss_end, cpu_end, t1 = _rss_mb(proc.pid), _cpu_seconds(proc.pid), time.monotonic()
        finally:
            proc.terminate()
            proc.wait(10)
        return rss_start, rss_end, 100.0 * (cpu_end - cpu_start) / (t1 - t0)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between files (default 0.1)")
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    args = parser.parse_args()
    found = sorted(latency(args.files, args.gap))
    p50, p95 = statistics.median(found), found[max(0, round(0.95 * len(found)) - 1)]
    print(
        f"file complete -> thread queued over {len(found)}/{args.files} files (settle 0.5 s): "
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {found[-1] * 1000:.0f} ms "
        f"({'meets' if p95 <= 1.0 else 'MISSES'} p95 <= 1 s)"
    )
    rss_start, rss_end, cpu = idle(args.idle_seconds)
    print(
        f"idle `statement-bot run` over {args.idle_seconds:.0f} s: RSS {rss_start:.1f} MB -> {rss_end:.1f} MB, "
        f"CPU {cpu:.2f} % ({'meets' if rss_end <= 60 and cpu < 1 else 'MISSES'} <= 60 MB, ~0 %)"
    )


if __name__ == "__main__":
    main()
