"""One planner for preview, post and run: the same thread for an account, given what its network reported."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.cli import build_parser, main
from bot.commands import post as post_command
from bot.config import parse_config
from bot.daemon.jobs import post_thread
from bot.daemon.scheduler import JobKey
from bot.model import Account
from bot.networks.base import Limits, MemoryStore
from bot.networks.registry import account_rules, known_limits, reported_limits
from bot.planning import plan_thread
from bot.publishing.journal import Journal
from bot.publishing.states import Kind
from bot.text.reading import read_statement
from tests.networks.fake import FakeAdapter

BODY = " ".join(f"Sentence {i} of a statement about the strike and what the workers ask for." for i in range(30))
CONFIG = """
state: state/j.sqlite3
statements_dir: statements
accounts:
  - name: masto
    platform: mastodon
    instance: https://masto.example
    credentials: {access_token: PLANNING_TEST_TOKEN}
  - name: sky
    platform: bluesky
    handle: org.test
    credentials: {password: PLANNING_TEST_PASSWORD}
"""


def setup(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "statements").mkdir()
    statement = tmp_path / "statements" / "strike.txt"
    statement.write_text(f"Strike\n\n{BODY}\n", encoding="utf-8")
    config = tmp_path / "bot.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return statement, config


def test_a_configured_limit_only_lowers_what_the_network_reports() -> None:
    mastodon = Account(name="m", platform="mastodon", limit=400)
    assert account_rules(mastodon, Limits(1000, 30)).limit == 400
    assert account_rules(mastodon, Limits(300, 30)).limit == 300
    assert account_rules(Account(name="m", platform="mastodon"), Limits(1000, 30)).limit == 1000
    assert account_rules(Account(name="b", platform="bluesky")).limits == (300, 3000)


def test_reported_limits_are_read_back_from_the_store_the_adapter_writes() -> None:
    from bot.networks.base import CachedLimits
    from bot.networks.registry import network_of

    account, store = Account(name="m", platform="mastodon", instance="masto.example"), MemoryStore()
    assert known_limits(account, store) is None
    key = network_of("mastodon").limits_key(account)
    assert key is not None
    CachedLimits(Limits(1000, 30), 1.0).save(store, key)
    assert known_limits(account, store) == Limits(1000, 30)
    assert reported_limits([account, Account(name="b", platform="bluesky")], store) == {"m": Limits(1000, 30)}


def test_preview_post_and_run_plan_the_same_thread_for_every_account(tmp_path, capsys, monkeypatch) -> None:
    statement_path, config_path = setup(tmp_path)
    config = parse_config(config_path.read_text(), config_path)
    statement = read_statement(statement_path, config.tz)
    # The Mastodon instance allows 1,000 characters, as `post` learns before freezing the thread.
    fakes = {
        "masto": FakeAdapter(platform="mastodon", account="masto", max_chars=1000),
        "sky": FakeAdapter(platform="bluesky", account="sky", max_chars=300),
    }
    args = build_parser().parse_args(["post", str(statement_path), "--config", str(config_path)])
    assert post_command.run(args, adapter_for=lambda account: fakes[account.name]) == 0
    with Journal(config.state) as journal:
        posted = {a.name: [p.text for p in journal.posts(journal.thread("strike", a.name).id)] for a in config.accounts}
        # What the Mastodon adapter would have cached; the fake does not write the journal itself.
        from bot.networks.base import CachedLimits
        from bot.networks.registry import network_of

        account = config.account("masto")
        CachedLimits(Limits(1000, 23), 1.0).save(journal, network_of("mastodon").limits_key(account) or "")
    capsys.readouterr()
    assert main(["preview", str(statement_path), "--config", str(config_path), "--format", "json"]) == 0
    previewed = {t["account"]: [p["text"] for p in t["posts"]] for t in json.loads(capsys.readouterr().out)["threads"]}
    assert previewed == posted
    # The daemon's job plans with the same function and the same reported limits.
    for name, fake in fakes.items():
        planned = plan_thread(statement, config.account(name), config, fake.limits() if name == "masto" else None)
        assert [p.text for p in planned.posts] == posted[name]
    assert len(posted["masto"]) < len(posted["sky"])


def test_the_daemon_job_posts_the_thread_post_planned(tmp_path) -> None:
    statement_path, config_path = setup(tmp_path)
    config = parse_config(config_path.read_text(), config_path)
    statement = read_statement(statement_path, config.tz)
    fake = FakeAdapter(platform="mastodon", account="masto", max_chars=1000)

    class Context:
        def __init__(self) -> None:
            self.config, self.schedule, self.dry_run = config, None, False

        def clock(self) -> datetime:
            return datetime.now(UTC)

        def sleep(self, seconds: float) -> None:
            raise AssertionError("no retries expected")

        def adapter_for(self, account: Account, journal: Journal) -> FakeAdapter:
            return fake

        def plan_anniversary(self, statement: object, account: str, journal: Journal) -> None:
            pass

    with Journal(config.state) as journal:
        post_thread(Context(), journal, statement, JobKey(Kind.THREAD, "masto", "", "strike"))  # type: ignore[arg-type]
    expected = plan_thread(statement, config.account("masto"), config, Limits(1000, 23))
    assert [p.text for p in fake.live()] == [p.text for p in expected.posts]
