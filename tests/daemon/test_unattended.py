"""Unattended for months: outages heal by themselves, accounts do not wait for each other, an archive is not
posted by surprise, and a person hears of what needs them."""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.daemon.planner import ADOPTED, FAILING
from bot.errors import AuthError, Unavailable
from bot.networks.base import Limits
from bot.publishing.journal import Journal
from tests.daemon.test_service import Bot, extra, make_config, statement
from tests.networks.fake import FakeAdapter, chain_ok

QUICK_RETRIES = """
publishing: {max_attempts: 2, backoff_base_seconds: 0.01, backoff_max_seconds: 0.02,
             retry_wait_first_seconds: 0.2, retry_wait_max_seconds: 0.4, give_up_after_hours: 1}
"""
MASTO = """
  - name: masto
    platform: mastodon
    instance: https://masto.example
    credentials: {access_token: DAEMON_TEST_TOKEN}
"""


def notify_to(tmp_path: Path) -> tuple[str, Path]:
    """A notify section whose command appends each notice (JSON on stdin) to a file."""
    out = tmp_path / "notices.jsonl"
    script = tmp_path / "record.py"
    script.write_text(f"import sys\nopen({str(out)!r}, 'a').write(sys.stdin.read() + '\\n')\n")
    return f"notify: {{command: '{sys.executable} {script}'}}\n", out


def notices(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def bots():
    started: list[Bot] = []
    yield started
    for bot in started:
        if bot.thread.is_alive():
            bot.stop()


def test_a_network_outage_heals_without_a_command_and_a_person_hears_of_both_ends(tmp_path, bots):
    notify, out = notify_to(tmp_path)
    config = make_config(tmp_path, accounts=MASTO, extra=QUICK_RETRIES + notify)
    fake = FakeAdapter(platform="mastodon", account="masto", max_chars=120)
    fake.fail(Unavailable("account 'masto': Mastodon post failed (503)"), times=7)  # about 3 pauses' worth
    bot = Bot(config, fakes={"masto": fake})
    bots.append(bot)
    body = " ".join(f"Sentence {i} of the statement about the strike." for i in range(8))
    (config.statements_dir / "outage.txt").write_text(statement("Outage", body))
    bot.wait(lambda: bot.log.messages("thread complete"), timeout=20)
    bot.settle()
    with Journal(config.state) as journal:
        row = journal.thread("outage", "masto")
        planned = [p.text for p in journal.posts(row.id)]
        assert (row.status, row.retries, row.failing_since) == ("sent", 0, None)
    assert chain_ok(fake, planned)  # every post once, in order: no duplicate from the retries
    assert len(bot.log.messages("thread paused")) >= 2
    bot.daemon.notifier.wait()
    assert [n["event"] for n in notices(out)] == ["retrying", "recovered"]
    assert all(n["account"] == "masto" and n["statement"] == "outage" for n in notices(out))


@dataclass
class Hanging(FakeAdapter):
    """A network that never answers: every post waits until the test lets it go."""

    release: threading.Event = field(default_factory=threading.Event)
    entered: threading.Event = field(default_factory=threading.Event)

    def post(self, out):
        self.entered.set()
        self.release.wait(30)
        raise Unavailable(f"account {self.account!r}: timed out")


def test_one_account_that_hangs_never_delays_another(tmp_path, bots):
    accounts = (
        MASTO
        + """
  - name: xacct
    platform: x
    credentials: {api_key: A, api_secret: B, access_token: C, access_secret: D}
"""
    )
    config = make_config(tmp_path, accounts=accounts, extra=QUICK_RETRIES)
    stuck = Hanging(platform="x", account="xacct")
    healthy = FakeAdapter(platform="mastodon", account="masto")
    bot = Bot(config, fakes={"xacct": stuck, "masto": healthy})
    bots.append(bot)
    try:
        for i in range(12):
            (config.statements_dir / f"s{i}.txt").write_text(statement(f"Statement {i}"))
        assert stuck.entered.wait(10)
        # Every statement reaches the healthy account while the other one is still stuck in its first call.
        bot.wait(lambda: len(healthy.live()) == 12, timeout=20)
        assert not stuck.release.is_set() and stuck.live() == []
    finally:
        stuck.release.set()


@dataclass
class Unreachable(FakeAdapter):
    """An instance that cannot even be asked for its limits for the first ``down`` tries."""

    down: int = 0

    def limits(self) -> Limits:
        if self.down > 0:
            self.down -= 1
            raise Unavailable(f"account {self.account!r}: Mastodon read instance limits failed (ConnectError)")
        return super().limits()


def test_a_failure_before_the_thread_is_planned_is_retried_recorded_and_healed(tmp_path, bots):
    notify, out = notify_to(tmp_path)
    config = make_config(tmp_path, accounts=MASTO, extra=QUICK_RETRIES + notify)
    fake = Unreachable(platform="mastodon", account="masto", down=2)
    bot = Bot(config, fakes={"masto": fake})
    bots.append(bot)
    (config.statements_dir / "early.txt").write_text(statement("Early"))
    bot.wait(lambda: bot.log.messages("account 'masto': Mastodon read instance limits failed"))
    with Journal(config.state) as journal:
        record = json.loads(journal.get_value(FAILING + "thread:masto::early") or "{}")
    assert record["attempts"] >= 1 and not record["gave_up"] and "ConnectError" in record["error"]
    bot.wait(lambda: bot.log.messages("thread complete"), timeout=20)
    bot.settle()
    with Journal(config.state) as journal:
        assert journal.get_value(FAILING + "thread:masto::early") is None
    bot.daemon.notifier.wait()
    assert [n["event"] for n in notices(out)] == ["retrying", "recovered"]


def test_refused_credentials_wait_for_a_person_who_is_told(tmp_path, bots):
    notify, out = notify_to(tmp_path)
    config = make_config(tmp_path, accounts=MASTO, extra=QUICK_RETRIES + notify)
    fake = FakeAdapter(platform="mastodon", account="masto")
    fake.fail(AuthError("account 'masto': Mastodon post failed (401 The access token is invalid)"), times=5)
    bot = Bot(config, fakes={"masto": fake})
    bots.append(bot)
    (config.statements_dir / "refused.txt").write_text(statement("Refused"))
    bot.wait(lambda: bot.log.messages("thread failed"), timeout=10)
    bot.settle()
    assert fake.calls.count("post") == 1  # no retries of a refused credential
    bot.daemon.notifier.wait()
    (notice,) = notices(out)
    assert notice["event"] == "failed" and "401" in notice["message"] and notice["path"].endswith("refused.txt")


def test_first_start_on_an_archive_adopts_old_statements_and_posts_a_new_one_at_once(tmp_path, bots):
    config = make_config(tmp_path, accounts=MASTO)
    for year in range(2015, 2025):
        for n in range(3):
            text = statement(f"Archive {year}-{n}", date=f"{year}-0{n + 1}-15")
            (config.statements_dir / f"{year}-{n}.txt").write_text(text)
    today = datetime.now(config.tz).date().isoformat()
    (config.statements_dir / "today.txt").write_text(statement("Today's statement", date=today))
    fake = FakeAdapter(platform="mastodon", account="masto")
    bot = Bot(config, fakes={"masto": fake})
    bots.append(bot)
    bot.wait(lambda: len(fake.live()) == 1, timeout=15)
    bot.settle()
    assert [p.text.split("\n")[0] for p in fake.live()] == ["Today's statement"]
    (summary,) = bot.log.messages("first start: 30 statement(s)")
    assert "adopted as published elsewhere" in summary.getMessage()
    # Adopted statements keep their anniversaries.
    anniversaries = {p.key.statement_id for p in bot.daemon.schedule.planned() if p.key.kind == "anniversary"}
    assert len(anniversaries) == 31
    (config.statements_dir / "urgent.txt").write_text(statement("Urgent"))
    bot.wait(lambda: len(fake.live()) == 2, timeout=10)
    bot.stop()
    with Journal(config.state) as journal:
        assert journal.get_value(ADOPTED + "2015-0") is not None
        assert journal.thread("2015-0", "masto") is None
    # A later start is not a first start: nothing of the archive goes out then either.
    again = Bot(config, fakes={"masto": fake})
    bots.append(again)
    again.settle()
    assert len(fake.live()) == 2 and not again.log.messages("first start")


def test_post_backlog_posts_the_archive_on_a_first_start(tmp_path, bots):
    config = make_config(tmp_path, accounts=MASTO)
    for year in (2016, 2017):
        (config.statements_dir / f"{year}.txt").write_text(statement(f"Archive {year}", date=f"{year}-05-01"))
    fake = FakeAdapter(platform="mastodon", account="masto")
    bot = Bot(config, fakes={"masto": fake}, post_backlog=True)
    bots.append(bot)
    bot.wait(lambda: len(fake.live()) == 2, timeout=10)


def test_an_adopted_statement_comes_back_on_its_anniversary_as_a_new_post(tmp_path, bots):
    config = make_config(tmp_path, accounts=MASTO)
    (config.statements_dir / "old.txt").write_text(
        statement("An old statement", date="2020-01-04", url="https://example.org/old")
    )
    fake_now = datetime(2026, 1, 4, 9, 59, 58, 500000, tzinfo=UTC)  # 10:00 in London that day
    offset = fake_now - datetime.now(UTC)
    fake = FakeAdapter(platform="mastodon", account="masto")
    bot = Bot(config, fakes={"masto": fake}, clock=lambda: datetime.now(UTC) + offset)
    bots.append(bot)
    bot.wait(lambda: bot.log.messages("anniversary complete"), timeout=10)
    (post,) = fake.live()
    assert post.text.startswith("An old statement") and post.text.endswith("https://example.org/old")
    assert post.quote is None and fake.boosts == []


def test_giving_up_after_the_configured_hours_fails_the_thread_for_a_person(tmp_path, bots):
    notify, out = notify_to(tmp_path)
    extra = QUICK_RETRIES.replace("give_up_after_hours: 1", "give_up_after_hours: 0.0002") + notify  # 0.72 s
    config = make_config(tmp_path, accounts=MASTO, extra=extra)
    fake = FakeAdapter(platform="mastodon", account="masto")
    fake.fail(Unavailable("account 'masto': Mastodon post failed (503)"), times=1000)
    bot = Bot(config, fakes={"masto": fake})
    bots.append(bot)
    (config.statements_dir / "down.txt").write_text(statement("Down for good"))
    bot.wait(lambda: bot.log.messages("thread failed"), timeout=20)
    bot.settle()
    assert "gave up after" in bot.log.messages("thread failed")[0].getMessage()
    bot.daemon.notifier.wait()
    assert [n["event"] for n in notices(out)] == ["retrying", "failed"]
    assert fake.live() == []


def test_a_thread_over_its_budget_is_held_and_a_person_is_told(tmp_path, bots):
    notify, out = notify_to(tmp_path)
    accounts = """
  - name: xacct
    platform: x
    max_cost_usd: 0.02
    over_budget: hold
    credentials: {api_key: A, api_secret: B, access_token: C, access_secret: D}
"""
    config = make_config(tmp_path, accounts=accounts, extra=notify)
    fake = FakeAdapter(platform="x", account="xacct", max_chars=280)
    bot = Bot(config, fakes={"xacct": fake})
    bots.append(bot)
    body = " ".join(f"Sentence {i} of a statement long enough to need several posts on X." for i in range(20))
    (config.statements_dir / "dear.txt").write_text(statement("Too dear", body))
    bot.wait(lambda: bot.log.messages("thread held"), timeout=10)
    bot.settle()
    assert fake.live() == [] and fake.calls.count("post") == 0
    bot.daemon.notifier.wait()
    (notice,) = notices(out)
    assert notice["event"] == "failed" and "max_cost_usd" in notice["message"]


def test_run_refuses_to_start_without_the_accounts_environment_variables(tmp_path, monkeypatch):
    from bot.daemon.service import Daemon
    from bot.errors import ConfigError

    config = make_config(tmp_path, accounts=MASTO)
    monkeypatch.delenv("DAEMON_TEST_TOKEN", raising=False)
    with pytest.raises(ConfigError, match=r"environment variables not set \(masto: DAEMON_TEST_TOKEN\)"):
        Daemon(config).run()
    assert not config.state.exists()  # refused before anything was written


def test_every_account_is_checked_at_start(tmp_path, bots, monkeypatch):
    monkeypatch.setenv("DAEMON_TEST_TOKEN", "a-token")
    config = make_config(tmp_path, accounts=MASTO)
    bot = Bot(config, fakes={"masto": FakeAdapter(platform="mastodon", account="masto")})
    bots.append(bot)
    bot.wait(lambda: bot.log.messages("account check: @masto"))


def test_a_dry_run_behaves_like_a_real_run_and_writes_nothing(tmp_path, bots, capsys):
    config = make_config(tmp_path, accounts=MASTO)
    path = config.statements_dir / "draft.txt"
    path.write_text(statement("Draft"))
    bot = Bot(config, dry_run=True)
    bots.append(bot)
    bot.wait(lambda: bot.log.messages("thread complete"))
    assert bot.log.messages("would post post 1/1")
    from bot.cli import main

    assert main(["status", "--config", str(config.path)]) == 0
    assert "a dry run is running (pid" in capsys.readouterr().out
    path.write_text(statement("Draft, edited after it would have gone out"))
    bot.wait(lambda: bot.log.messages("edited after posting started"))
    bot.settle()
    assert len(bot.log.messages("would post")) == 1  # as a real run: the edit is not posted again
    bot.stop()
    assert not config.state.exists() and not config.state.parent.exists()


def test_a_dry_run_on_an_existing_state_leaves_it_as_it_was(tmp_path, bots):
    config = make_config(tmp_path, accounts=MASTO)
    fake = FakeAdapter(platform="mastodon", account="masto")
    real = Bot(config, fakes={"masto": fake})
    bots.append(real)
    (config.statements_dir / "done.txt").write_text(statement("Done"))
    real.wait(lambda: real.log.messages("thread complete"))
    real.stop()
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in config.state.parent.iterdir()}
    (config.statements_dir / "new.txt").write_text(statement("New while rehearsing"))
    dry = Bot(config, dry_run=True)
    bots.append(dry)
    dry.wait(lambda: dry.log.messages("would post"))
    dry.settle()
    assert [extra(r, "statement") for r in dry.log.messages("would post")] == ["new"]  # "done" is known as sent
    dry.stop()
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in config.state.parent.iterdir()}
    assert after == before


def test_a_dry_run_honours_daily_caps(tmp_path, bots):
    accounts = MASTO.replace("    credentials:", "    posts_per_day: 2\n    limit: 120\n    credentials:")
    config = make_config(tmp_path, accounts=accounts)
    body = " ".join(f"Sentence {i} about the strike and the demands of the workers." for i in range(10))
    (config.statements_dir / "long.txt").write_text(statement("Long", body))
    dry = Bot(config, dry_run=True)
    bots.append(dry)
    dry.wait(lambda: dry.log.messages("thread paused"))
    assert (
        len(dry.log.messages("would post")) == 2
        and "daily cap of 2" in dry.log.messages("thread paused")[0].getMessage()
    )
