"""Benchmark `statement-bot post`: a 20-post thread to each local server.

Run: ``.venv/bin/python benchmarks/bench_post.py`` (needs the test servers set up:
``npm ci`` in tests/servers/pds). Prints, per network:

- CPU ms per post: the CPU time (user + sys) ``bot.cli.main(["post", ...])``
  takes in a process that imported every library beforehand, minus the same for a
  rerun that finds the thread already sent, divided by 20. The servers run in other
  processes, so their time is not in it; the HTTP client library's time is. A profiled
  run splits it into statement-bot's own code (bot/ and sqlite3) and the SDK.
- wall ms per post, including the server, for context;
- start-up: CPU of a whole `statement-bot post` process that has nothing to send
  (imports, config, journal, splitting);
- peak RSS of the real `python -m bot post` process that posted the thread.

And the publisher + journal alone (FakeAdapter, real SQLite file, no HTTP): ms per post.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.publishing.test_crash import (  # noqa: E402
    POSTS,
    bluesky_network,
    mastodon_network,
    planned_texts,
    setup_files,
    telegram_network,
    threads_network,
    x_network,
)


def measure(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int, str]:
    """(wall s, CPU s, peak RSS KiB, stdout) of one run of ``cmd``."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"statement-bot post failed: {text}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, text


# Imports every heavy library first, then times only the command itself. With a profile,
# it also says which share of the CPU went to statement-bot's own code (bot/ and sqlite3)
# rather than to the network's SDK and HTTP stack.
DRIVER = """
import cProfile, os, pstats, sys, time
import atproto, mastodon, tweepy, bot.commands.post
import bot.networks.x.adapter, bot.networks.mastodon.adapter, bot.networks.bluesky.adapter
import bot.networks.telegram.adapter, bot.networks.threads.adapter
from bot.cli import main
profile = cProfile.Profile(time.process_time) if os.environ.get("BENCH_PROFILE") else None
cpu, wall = time.process_time(), time.perf_counter()
if profile:
    profile.enable()
code = main(sys.argv[1:])
if profile:
    profile.disable()
print(f"TIMES {time.process_time() - cpu} {time.perf_counter() - wall}")
if profile:
    stats = pstats.Stats(profile).stats
    own = sum(v[2] for (path, _, name), v in stats.items() if "/bot/" in path or "sqlite3" in name)
    print(f"OWN {own / sum(v[2] for v in stats.values())}")
sys.exit(code)
"""


def timed(cmd: list[str], env: dict[str, str], cwd: Path, profile: bool = False) -> tuple[float, float, float]:
    """(CPU s, wall s, own-code share or 0) of the post command alone, libraries already imported."""
    env = {**env, "BENCH_PROFILE": "1"} if profile else env
    done = subprocess.run([sys.executable, "-c", DRIVER, *cmd[3:]], env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"statement-bot post failed: {done.stdout} {done.stderr}")
    cpu, wall = done.stdout.rsplit("TIMES ", 1)[1].split()[:2]
    own = float(done.stdout.rsplit("OWN ", 1)[1].split()[0]) if profile else 0.0
    return float(cpu), float(wall), own


def bench_network(name: str, make, server, workdir: Path) -> None:
    results, own = [], 0.0
    for kind in ("cpu", "profile", "rss"):  # a fresh account and thread for each measurement
        folder = workdir / f"{name}-{kind}"
        folder.mkdir()
        net = make(server, f"{name[0]}{random.randrange(10**6)}")
        net.faults.clear()
        cmd, env = setup_files(folder, net, "")
        if kind == "cpu":
            results.append(timed(cmd, env, folder))
            results.append(timed(cmd, env, folder))  # nothing left to send
        elif kind == "profile":
            own = timed(cmd, env, folder, profile=True)[2]
        else:
            wall, cpu, rss, _ = measure(cmd, env, folder)
            _, idle_cpu, _, _ = measure(cmd, env, folder)
        assert len(planned_texts(folder)) == POSTS and len(net.read()) == POSTS, f"{name}: expected {POSTS} posts"
    (cpu, wall, _), (cpu0, wall0, _) = results
    per_post = 1000 * (cpu - cpu0) / POSTS
    print(
        f"{name:9} {per_post:7.2f} ms CPU/post (statement-bot's own code ~{own * per_post:4.2f} ms, the rest "
        f"in the SDK/HTTP)   {1000 * (wall - wall0) / POSTS:6.1f} ms wall/post   start-up {idle_cpu * 1000:5.0f} ms "
        f"CPU   peak RSS {rss / 1024:5.1f} MiB"
    )


def bench_core(workdir: Path) -> None:
    """The publisher and the journal alone, against the in-memory FakeAdapter."""
    from bot.config import PublishingSettings
    from bot.model import Post, Statement, Thread
    from bot.publishing.journal import Journal
    from bot.publishing.send import publish_thread
    from tests.networks.fake import FakeAdapter

    rounds, total, cpu = 10, 0.0, 0.0
    for r in range(rounds):
        texts = [f"post {i} of round {r}" for i in range(1, POSTS + 1)]
        statement = Statement(id=f"bench{r}", title="t", paragraphs=tuple(texts), language="en", content_hash="h")
        thread = Thread(
            "acct",
            "mastodon",
            500,
            tuple(Post(i, t, len(t)) for i, t in enumerate(texts, 1)),
            statement_id=statement.id,
        )
        with Journal(workdir / "core.sqlite3") as journal:
            start, start_cpu = time.perf_counter(), time.process_time()
            publish_thread(
                journal,
                FakeAdapter(),
                thread,
                statement,
                now=lambda: datetime.now(UTC),
                sleep=time.sleep,
                settings=PublishingSettings(),
            )
            total += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
    n = rounds * POSTS
    print(
        f"{'core':9} {1000 * cpu / n:7.2f} ms CPU/post   {1000 * total / n:7.1f} ms wall/post   (publisher + journal "
        f"alone: FakeAdapter, 2 fsynced commits per post)"
    )


def main() -> None:
    from tests.servers.mastodon_server import MastodonServer
    from tests.servers.pds_server import PdsServer
    from tests.servers.telegram_api import TelegramServer
    from tests.servers.threads_api import ThreadsServer
    from tests.servers.x_api import XServer

    print(f"statement-bot post, a {POSTS}-post thread per local server")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bench_core(workdir)
        for name, make, start in (
            ("x", x_network, XServer),
            ("mastodon", mastodon_network, MastodonServer),
            ("bluesky", bluesky_network, PdsServer),
            ("telegram", lambda server, tag: telegram_network(server, tag, pdf=False), TelegramServer),
            ("threads", threads_network, ThreadsServer),
        ):
            server = start()
            try:
                bench_network(name, make, server, workdir)
            finally:
                server.close()


if __name__ == "__main__":
    main()
