"""The always-on bot with its real scheduler, real watcher and a real temporary folder.

In-process tests post to ``FakeAdapter``s; the crash and single-instance tests run
``statement-bot run`` as a subprocess against the local Mastodon server.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Config, parse_config
from bot.daemon.scheduler import JobKey, Schedule
from bot.daemon.service import Daemon
from bot.publishing.journal import Journal
from bot.publishing.states import Kind
from tests.networks.fake import FakeAdapter

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sk-test-NOT-A-REAL-TOKEN-7f3a"


def make_config(root: Path, accounts: str = "", extra: str = "", statements_dir: str = "statements") -> Config:
    accounts = (
        accounts
        or """
  - name: masto
    platform: mastodon
    instance: https://masto.example
    credentials: {access_token: DAEMON_TEST_TOKEN}
  - name: xacct
    platform: x
    credentials: {api_key: A, api_secret: B, access_token: C, access_secret: D}
"""
    )
    (root / "statements").mkdir(parents=True, exist_ok=True)
    text = f"""
timezone: Europe/London
statements_dir: {statements_dir}
state: state/bot.sqlite3
accounts:{accounts}
scheduler: {{settle_seconds: 0.2, grace_seconds: 600}}
{extra}"""
    (root / "bot.yaml").write_text(text)
    return parse_config(text, root / "bot.yaml")


def statement(title: str, body: str = "We stand with the workers.", **front: str) -> str:
    head = "".join(f"{k}: {v}\n" for k, v in front.items())
    return (f"---\n{head}---\n" if head else "") + f"{title}\n\n{body}\n"


def extra(record: logging.LogRecord, name: str) -> object:
    """A field the bot logs in ``extra`` (statement, account, index)."""
    return getattr(record, name, None)


class Records(logging.Handler):
    """Collects the bot's log records."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, start: str) -> list[logging.LogRecord]:
        return [r for r in list(self.records) if r.getMessage().startswith(start)]


class Bot:
    """A daemon running in a thread, its fake networks and its log."""

    def __init__(
        self,
        config: Config,
        dry_run: bool = False,
        clock: Callable[[], datetime] | None = None,
        fakes: dict[str, FakeAdapter] | None = None,
        post_backlog: bool = False,
    ):
        self.config = config
        self.fakes = fakes if fakes is not None else {}
        self.log = Records()
        self.adapter_calls = 0

        def adapter_for(account, journal):
            self.adapter_calls += 1
            return self.fakes.setdefault(account.name, FakeAdapter(platform=account.platform, account=account.name))

        self.daemon = Daemon(config, dry_run=dry_run, adapter_for=adapter_for, clock=clock, post_backlog=post_backlog)
        logger = logging.getLogger("statement-bot")
        logger.setLevel(logging.INFO)
        logger.addHandler(self.log)
        self.thread = threading.Thread(target=self.daemon.run, daemon=True)
        self.thread.start()
        assert self.daemon.started.wait(10), "daemon did not start"

    def stop(self) -> None:
        self.daemon.stop()
        self.thread.join(10)
        logging.getLogger("statement-bot").removeHandler(self.log)
        assert not self.thread.is_alive()

    def texts(self, account: str) -> list[str]:
        fake = self.fakes.get(account)
        return [p.text for p in fake.live()] if fake else []

    def wait(self, check: Callable[[], object], timeout: float = 10.0) -> None:
        """Poll ``check`` until it is true (the condition is the event; the poll interval is not)."""
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.02)

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until the daemon has nothing to do: every event handled, no job running or due."""
        self.wait(self.daemon.quiet, timeout)


@pytest.fixture
def bots() -> Iterator[list[Bot]]:
    started: list[Bot] = []
    yield started
    for bot in started:
        if bot.thread.is_alive():
            bot.stop()


def test_new_statement_is_posted_to_every_account_once(tmp_path, bots):
    config = make_config(tmp_path)
    bot = Bot(config)
    bots.append(bot)
    (config.statements_dir / "s1.txt").write_text(statement("No to war"))
    bot.wait(lambda: bot.texts("masto") and bot.texts("xacct"))
    bot.settle()
    assert len(bot.texts("masto")) == len(bot.texts("xacct")) == 1
    assert bot.texts("masto")[0].startswith("No to war")
    posted = bot.log.messages("posted")
    logged = {(extra(r, "statement"), extra(r, "account"), extra(r, "index")) for r in posted}
    assert logged == {("s1", "masto", 1), ("s1", "xacct", 1)}


def test_statement_with_publish_at_two_seconds_ahead_is_posted_then(tmp_path, bots):
    config = make_config(tmp_path)
    bot = Bot(config)
    bots.append(bot)
    due = datetime.now(config.tz).replace(microsecond=0) + timedelta(seconds=3)
    naive_local = due.replace(tzinfo=None).isoformat()  # no offset: means the configured timezone
    (config.statements_dir / "later.md").write_text(statement("Later", publish_at=naive_local))
    bot.wait(lambda: bot.log.messages("queued thread"))
    assert bot.texts("masto") == []
    bot.wait(lambda: bot.texts("masto"), timeout=10)
    assert datetime.now(UTC) >= due  # never early; how late is measured by benchmarks/bench_daemon.py
    queued = bot.log.messages("queued thread for")
    assert len(queued) == 2 and all(f"{due:%Y-%m-%d %H:%M:%S}" in r.getMessage() for r in queued)


def test_edit_before_posting_starts_sends_the_new_version(tmp_path, bots):
    config = make_config(tmp_path)
    bot = Bot(config)
    bots.append(bot)
    due = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    path = config.statements_dir / "draft.txt"
    path.write_text(statement("First draft", publish_at=due))
    bot.wait(lambda: bot.log.messages("queued thread"))
    path.write_text(statement("Final text", publish_at=due))
    bot.wait(lambda: bot.texts("masto"), timeout=10)
    assert bot.texts("masto")[0].startswith("Final text")


def test_edit_after_posting_is_not_posted_again_and_status_shows_it(tmp_path, bots, capsys):
    config = make_config(tmp_path)
    bot = Bot(config)
    bots.append(bot)
    path = config.statements_dir / "done.txt"
    path.write_text(statement("Posted"))
    bot.wait(lambda: bot.texts("masto") and bot.texts("xacct"))
    bot.wait(lambda: bot.log.messages("queued anniversary"))
    path.write_text(statement("Posted, then edited"))
    bot.wait(lambda: bot.log.messages("edited after posting started"))
    bot.settle()
    assert bot.texts("masto") == [bot.texts("masto")[0]] and "edited" not in bot.texts("masto")[0]
    bot.stop()
    from bot.cli import main

    assert main(["status", "--config", str(config.path)]) == 0
    out = capsys.readouterr().out
    assert "masto: posted, 1/1 posts" in out and "edited after posting started" in out


def test_deleted_statement_cancels_its_pending_jobs(tmp_path, bots):
    (tmp_path / "config").mkdir()
    config = make_config(tmp_path, statements_dir="config/../statements")  # as the default config has it
    soon = statement("Soon", publish_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat())
    (config.statements_dir / "before-start.txt").write_text(soon)
    bot = Bot(config)
    bots.append(bot)
    (config.statements_dir / "after-start.txt").write_text(soon)
    bot.wait(lambda: len(bot.daemon.schedule.planned()) == 4)
    for name in ("before-start.txt", "after-start.txt"):
        (config.statements_dir / name).unlink()
    # Each job is logged just after the schedule dropped it: wait for the log, then check nothing is left.
    bot.wait(lambda: len(bot.log.messages("cancelled thread:")) == 4)
    assert bot.daemon.schedule.planned() == []


def test_statements_added_while_down_are_queued_once_and_nothing_posts_twice(tmp_path, bots):
    config = make_config(tmp_path)
    for i in range(3):
        (config.statements_dir / f"while-down-{i}.txt").write_text(statement(f"Statement {i}"))
    fakes: dict[str, FakeAdapter] = {}
    first = Bot(config, fakes=fakes)
    bots.append(first)
    first.wait(lambda: len(first.texts("masto")) == 3 and len(first.texts("xacct")) == 3)
    first.stop()
    second = Bot(config, fakes=fakes)
    bots.append(second)
    second.settle()
    assert len(second.texts("masto")) == 3 and len(second.texts("xacct")) == 3
    assert second.log.messages("posted") == []


def test_fifty_bad_files_in_a_burst_leave_the_bot_running_and_every_good_file_posted(tmp_path, bots):
    config = make_config(tmp_path)
    bot = Bot(config)
    bots.append(bot)
    folder = config.statements_dir
    for i in range(50):
        bad = [
            (f"bad-{i}.txt", b"\xff\xfe\xfa not text \x00\x01"),
            (f"bad-{i}.md", b"---\nunknown_key: 1\n---\nTitle\n\nBody\n"),
            (f"bad-{i}.pdf", b"%PDF-1.4 this is not a pdf"),
            (f"bad-{i}.txt", b"---\npublish_at: tomorrow-ish\n---\nTitle\n\nBody\n"),
            (f"bad-{i}.md", b""),
        ][i % 5]
        (folder / bad[0]).write_bytes(bad[1])
    for i in range(5):
        (folder / f"good-{i}.txt").write_text(statement(f"Good statement {i}"))
    bot.wait(lambda: len(bot.texts("masto")) == 5 and len(bot.texts("xacct")) == 5, timeout=20)
    assert bot.thread.is_alive()
    assert len(bot.log.messages("skipped")) >= 50
    (folder / "good-late.txt").write_text(statement("Still listening"))
    bot.wait(lambda: len(bot.texts("masto")) == 6)


def test_dry_run_logs_each_post_when_it_would_go_and_sends_nothing(tmp_path, bots):
    config = make_config(tmp_path)
    bot = Bot(config, dry_run=True)
    bots.append(bot)
    due = datetime.now(UTC) + timedelta(seconds=1.5)
    long_body = " ".join(f"Sentence number {i} says something about solidarity." for i in range(30))
    (config.statements_dir / "rehearse.txt").write_text(statement("Rehearsal", long_body, publish_at=due.isoformat()))
    bot.wait(lambda: len({extra(r, "account") for r in bot.log.messages("would post")}) == 2, timeout=10)
    bot.settle()
    lines = bot.log.messages("would post")
    assert all(datetime.fromtimestamp(r.created, UTC) >= due for r in lines)
    x_indexes = [extra(r, "index") for r in lines if extra(r, "account") == "xacct"]
    assert len(x_indexes) > 1 and x_indexes == list(range(1, len(x_indexes) + 1))
    assert all(extra(r, "statement") == "rehearse" for r in lines)
    assert bot.adapter_calls == 0 and bot.fakes == {}
    assert not config.state.exists() and not config.state.parent.exists()  # a dry run writes nothing


def test_job_missed_beyond_the_grace_window_is_recorded_not_dropped(tmp_path, bots, capsys):
    config = make_config(tmp_path, extra="")
    path = config.statements_dir / "missed.txt"
    path.write_text(statement("Missed it", publish_at="2020-01-01T09:00:00+00:00"))
    bot = Bot(config)
    bots.append(bot)
    bot.wait(lambda: bot.log.messages("missed thread"))
    bot.settle()
    assert bot.texts("masto") == []
    bot.stop()
    from bot.cli import main

    main(["status", "--config", str(config.path)])
    out = capsys.readouterr().out
    assert "masto: missed, 2020-01-01 09:00 GMT — was due while the bot was down" in out
    assert "needs you (2):" in out


def test_job_left_in_the_store_past_grace_is_marked_missed_by_the_scheduler(tmp_path, bots):
    config = make_config(tmp_path)
    (config.statements_dir / "stale.txt").write_text(statement("Stale", publish_at="2020-01-01T09:00:00+00:00"))
    Journal(config.state).close()
    store = Schedule(config.state, config.scheduler.grace_seconds, offline=True)
    store.start(paused=True)
    store.add(JobKey(Kind.THREAD, "masto", "", "stale"), datetime.now(UTC) - timedelta(hours=2))
    store.shutdown()
    bot = Bot(config)
    bots.append(bot)
    bot.wait(lambda: [r for r in bot.log.messages("missed thread") if extra(r, "account") == "masto"])
    with Journal(config.state) as journal:
        assert journal.get_value("daemon.missed:thread:masto::stale") is not None


def test_schedule_at_and_cancel_by_hand(tmp_path, bots, capsys):
    config = make_config(tmp_path)
    path = config.statements_dir / "hand.txt"
    path.write_text(statement("By hand", publish_at=(datetime.now(UTC) + timedelta(days=2)).isoformat()))
    bot = Bot(config)
    bots.append(bot)
    # The daemon runs in a worker thread here, so the SIGHUP the command sends is forwarded by hand.
    previous = signal.signal(signal.SIGHUP, lambda *_: bot.daemon.events.put("reload"))
    try:
        _schedule_by_hand(bot, config, path, capsys)
    finally:
        signal.signal(signal.SIGHUP, previous)


def _schedule_by_hand(bot: Bot, config: Config, path: Path, capsys) -> None:
    from bot.cli import main

    bot.wait(lambda: len(bot.daemon.schedule.planned()) == 2)
    assert main(["schedule", str(path), "--at", "now", "--config", str(config.path)]) == 0
    bot.wait(lambda: bot.texts("masto") and bot.texts("xacct"))
    later = config.statements_dir / "later.txt"
    later.write_text(statement("Later", publish_at=(datetime.now(UTC) + timedelta(days=2)).isoformat()))
    bot.wait(lambda: [p for p in bot.daemon.schedule.planned() if p.key.statement_id == "later"])
    capsys.readouterr()
    assert main(["schedule", "--days", "3", "--config", str(config.path)]) == 0
    listing = capsys.readouterr().out
    assert "later" in listing and "thread" in listing
    assert main(["schedule", str(later), "--cancel", "--config", str(config.path)]) == 0
    bot.wait(lambda: not [p for p in bot.daemon.schedule.planned() if p.key.statement_id == "later"])
    bot.stop()
    restarted = Bot(config, fakes=bot.fakes)
    restarted.settle()
    restarted.stop()
    assert not [p for p in restarted.daemon.schedule.planned() if p.key.statement_id == "later"]


# -- the real process ----------------------------------------------------------------


def start_run(config: Config, env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(config.path), *extra],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(moment: datetime) -> None:
    """Block until the wall clock has passed ``moment`` (the condition some restart tests need)."""
    while (left := (moment - datetime.now(UTC)).total_seconds()) >= 0:
        time.sleep(min(left + 0.01, 0.5))


def read_until(proc: subprocess.Popen, needle: str, timeout: float = 20.0) -> list[str]:
    """The process's log lines up to the first holding ``needle``; an error after ``timeout`` seconds,
    even when the process writes nothing more."""
    import queue as queues

    if not hasattr(proc, "lines"):  # one reader thread per process hands its lines over a queue
        proc.lines = queues.SimpleQueue()  # type: ignore[attr-defined]

        def pump() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                proc.lines.put(line)  # type: ignore[attr-defined]
            proc.lines.put("")  # type: ignore[attr-defined]

        threading.Thread(target=pump, daemon=True).start()
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = proc.lines.get(timeout=left)  # type: ignore[attr-defined]
        except queues.Empty:
            break
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} not seen; got:\n{''.join(lines)}")


def read_rest(proc: subprocess.Popen) -> list[str]:
    """Every line the (ended) process wrote after what ``read_until`` already took."""
    lines: list[str] = []
    while line := proc.lines.get(timeout=10):  # type: ignore[attr-defined]
        lines.append(line)
    return lines


def mastodon_config(tmp_path: Path, server) -> tuple[Config, dict[str, str]]:
    config = make_config(
        tmp_path,
        accounts=f"""
  - name: masto
    platform: mastodon
    instance: {server.base_url}
    credentials: {{access_token: DAEMON_TEST_TOKEN}}
""",
    )
    env = {**os.environ, "DAEMON_TEST_TOKEN": "alice_token", "PYTHONPATH": str(ROOT)}
    return config, env


@pytest.mark.slow
def test_killed_with_a_job_due_then_restarted_posts_it_once(tmp_path, mastodon_server):
    config, env = mastodon_config(tmp_path, mastodon_server)
    due = datetime.now(UTC) + timedelta(seconds=3)
    body = " ".join(f"Sentence {i} of a statement long enough for a thread of several posts." for i in range(20))
    (config.statements_dir / "crash.txt").write_text(statement("Crash test", body, publish_at=due.isoformat()))
    first = start_run(config, env)
    read_until(first, "queued thread")
    first.kill()  # SIGKILL: no clean-up at all, the job is only in the SQLite job store
    first.wait()
    wait_until(due)  # the job comes due while no bot runs
    assert mastodon_server.posts("alice_token") == []
    second = start_run(config, env)
    try:
        lines = read_until(second, "thread complete")
        posts = mastodon_server.posts("alice_token")
        logged = [line for line in lines if " INFO posted post " in line]
        assert len(logged) == len(posts)
        assert all(f"statement=crash account=masto index={i}" in line for i, line in enumerate(logged, 1))
        assert len(posts) > 1 and len({p["text"] for p in posts}) == len(posts)
        assert posts[0]["text"].startswith("Crash test")
        assert all(p["in_reply_to_id"] == posts[i]["id"] for i, p in enumerate(posts[1:]))
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(10) == 0
    third = start_run(config, env)
    try:
        startup = "".join(read_until(third, "started"))
        # Everything a start queues is logged before "started": nothing for the sent thread.
        assert "queued thread" not in startup and "resume thread" not in startup
        assert len(mastodon_server.posts("alice_token")) == len(posts)
    finally:
        third.send_signal(signal.SIGTERM)
        third.wait(10)


@pytest.mark.slow
def test_second_run_refuses_sigterm_stops_cleanly_and_secrets_stay_out_of_logs(tmp_path, mastodon_server):
    config, env = mastodon_config(tmp_path, mastodon_server)
    env["DAEMON_TEST_TOKEN"] = SECRET  # the instance refuses it: the error must not echo it
    (config.statements_dir / "refused.txt").write_text(statement("Refused"))
    first = start_run(config, env, "--log-format", "json")
    try:
        seen = read_until(first, '"level": "error", "message": "thread failed')
        second = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--config", str(config.path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 1
        assert f"pid {first.pid}" in second.stderr and "already using this state" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(10) == 0
    rest = "".join(seen) + "".join(read_rest(first))
    assert '"message": "stopped"' in rest and SECRET not in rest
    assert mastodon_server.posts("alice_token") == []


@dataclass
class PowerCut(FakeAdapter):
    """A fake network whose process 'dies' (SystemExit) just before sending post ``cut_at``."""

    cut_at: int = 0

    def post(self, out):
        if len(self.posts) + 1 == self.cut_at:
            self.cut_at = 0
            raise SystemExit("power cut")
        return super().post(out)


# The "power cut" ends the account's worker thread the way a dying process would end everything.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_thread_interrupted_mid_way_is_resumed_at_start_without_duplicates(tmp_path, bots):
    from tests.networks.fake import chain_ok

    config = make_config(
        tmp_path,
        accounts="""
  - name: masto
    platform: mastodon
    instance: https://masto.example
    limit: 120
    credentials: {access_token: DAEMON_TEST_TOKEN}
""",
    )
    body = " ".join(f"Sentence {i} about the strike and the workers' demands." for i in range(12))
    (config.statements_dir / "long.txt").write_text(statement("Interrupted", body))
    fake = PowerCut(platform="mastodon", account="masto", max_chars=120, cut_at=3)
    first = Bot(config, fakes={"masto": fake})
    bots.append(first)
    first.wait(lambda: len(fake.posts) == 2 and fake.cut_at == 0)
    first.settle()
    first.stop()
    with Journal(config.state) as journal:
        row = journal.thread("long", "masto")
        assert row is not None and row.status == "sending"
        planned = [p.text for p in journal.posts(row.id)]
    assert len(planned) > 3
    second = Bot(config, fakes={"masto": fake})
    bots.append(second)
    second.wait(lambda: second.log.messages("thread complete"))
    assert second.log.messages("resume thread")
    assert chain_ok(fake, planned)
