"""`statement-bot post` and `retract` end to end, with in-memory networks and a real journal."""

from __future__ import annotations

import argparse
import socket
from datetime import UTC, datetime

import pytest

from bot.cli import build_parser, main
from bot.commands import post as post_command
from bot.commands import retract as retract_command
from bot.errors import AuthError
from bot.publishing.journal import Journal
from tests.networks.fake import FakeAdapter, chain_ok

FAKE_SECRET = "SECRET-tok-9b3e77c1"
STATEMENT = """---
id: test-statement
title: A statement for tests
---
First paragraph of the statement, long enough to be a post of its own and then some more words.

Second paragraph says something else entirely, and it also goes on for a while to fill a post.

Third paragraph closes it.
"""


def write_config(tmp_path, accounts: str, publishing: str = "") -> str:
    path = tmp_path / "config" / "bot.yaml"
    path.parent.mkdir()
    path.write_text(
        f"state: ../state/j.sqlite3\nstatements_dir: ../statements\n{publishing}accounts:\n{accounts}", encoding="utf-8"
    )
    return str(path)


ACCOUNTS = """  - name: masto
    platform: mastodon
    instance: https://example.invalid
    limit: 120
    credentials: {access_token: TEST_MASTO_TOKEN}
  - name: sky
    platform: bluesky
    handle: bot.test
    limit: 120
    credentials: {password: TEST_SKY_PASSWORD}
"""


@pytest.fixture
def setup(tmp_path):
    statement = tmp_path / "statements" / "test-statement.md"
    statement.parent.mkdir()
    statement.write_text(STATEMENT, encoding="utf-8")
    return str(statement), write_config(tmp_path, ACCOUNTS), tmp_path / "state" / "j.sqlite3"


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def fakes(**adapters: FakeAdapter):
    return lambda account: adapters[account.name]


def test_dry_run_prints_every_post_and_touches_nothing(setup, capsys):
    statement, config, state = setup
    assert main(["post", statement, "--config", config, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "== masto (mastodon):" in out and "== sky (bluesky):" in out
    assert "[would send]" in out and "First paragraph" in out
    assert not state.exists()


def test_post_reports_one_line_per_account_and_one_failure_gives_exit_1(setup, capsys):
    statement, config, state = setup
    masto, sky = (
        FakeAdapter(account="masto", max_chars=120),
        FakeAdapter(platform="bluesky", account="sky", max_chars=120),
    )
    sky.fail(AuthError("account 'sky': Bluesky refused the app password (401)"))
    code = post_command.run(parse("post", statement, "--config", config), adapter_for=fakes(masto=masto, sky=sky))
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0].startswith("✔ masto:") and masto.posts[0].ref.url in lines[0]
    assert lines[1].startswith("✘ sky: 0/") and "refused the app password" in lines[1]
    assert masto.closed and sky.closed
    with Journal(state) as journal:
        assert journal.thread("test-statement", "masto").status == "sent"
        assert journal.thread("test-statement", "sky").status == "failed"


def test_second_run_finishes_only_what_is_missing_and_exits_0(setup, capsys):
    statement, config, _ = setup
    masto, sky = (
        FakeAdapter(account="masto", max_chars=120),
        FakeAdapter(platform="bluesky", account="sky", max_chars=120),
    )
    sky.refuse_after(1, AuthError("account 'sky': expired"))
    argv = ("post", statement, "--config", config)
    assert post_command.run(parse(*argv), adapter_for=fakes(masto=masto, sky=sky)) == 1
    sky.allow()
    assert post_command.run(parse(*argv), adapter_for=fakes(masto=masto, sky=sky)) == 0
    with Journal(setup[2]) as journal:
        row = journal.thread("test-statement", "sky")
        assert chain_ok(sky, [p.text for p in journal.posts(row.id)])
    capsys.readouterr()
    assert main(["post", statement, "--config", config, "--dry-run", "--account", "sky"]) == 0
    out = capsys.readouterr().out
    assert "[would send]" not in out and "[sent]" in out


def test_resolve_needs_exactly_one_account(setup, capsys):
    statement, config, _ = setup
    assert main(["post", statement, "--config", config, "--resolve", "2=123"]) == 2
    assert "--resolve needs exactly one --account" in capsys.readouterr().err


def test_bad_resolve_value_is_a_usage_error(setup, capsys):
    statement, config, _ = setup
    assert main(["post", statement, "--config", config, "--account", "masto", "--resolve", "two"]) == 2
    assert "INDEX=ID" in capsys.readouterr().err


def test_missing_statement_is_exit_2(setup, capsys):
    _, config, _ = setup
    assert main(["post", "nope.txt", "--config", config]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_retract_deletes_last_first_and_records_it(setup, capsys):
    statement, config, state = setup
    masto = FakeAdapter(account="masto", max_chars=120)
    post_command.run(parse("post", statement, "--config", config, "--account", "masto"), adapter_for=fakes(masto=masto))
    sent = [p.ref.id for p in masto.posts]
    assert retract_command.run(parse("retract", statement, "--config", config), adapter_for=fakes(masto=masto)) == 0
    assert masto.deletions == sent[::-1] and masto.live() == []
    assert "✔ masto:" in capsys.readouterr().out
    with Journal(state) as journal:
        assert journal.thread("test-statement", "masto").status == "retracted"
    code = post_command.run(
        parse("post", statement, "--config", config, "--account", "masto"), adapter_for=fakes(masto=masto)
    )
    assert code == 1 and masto.live() == []  # a retracted thread is never posted again


def test_secrets_stay_out_of_output_with_the_real_adapter(tmp_path, capsys, monkeypatch):
    with socket.socket() as s:  # a port nothing listens on: every call fails fast
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    accounts = f"""  - name: masto
    platform: mastodon
    instance: http://127.0.0.1:{port}
    credentials: {{access_token: TEST_MASTO_TOKEN}}
"""
    config = write_config(
        tmp_path,
        accounts,
        "publishing: {max_attempts: 2, backoff_base_seconds: 0.01, backoff_max_seconds: 0.02, timeout_seconds: 2}\n",
    )
    statement = tmp_path / "s.md"
    statement.write_text(STATEMENT, encoding="utf-8")
    monkeypatch.setenv("TEST_MASTO_TOKEN", FAKE_SECRET)
    assert main(["post", str(statement), "--config", config]) == 1
    captured = capsys.readouterr()
    assert "✘ masto" in captured.out
    assert FAKE_SECRET not in captured.out + captured.err
    for path in (tmp_path / "state").iterdir():
        assert FAKE_SECRET.encode() not in path.read_bytes()


def test_a_mastodon_instance_limit_is_used_before_the_thread_is_frozen(setup, capsys):
    statement, config, state = setup
    tight = FakeAdapter(account="masto", max_chars=90)  # the instance allows less than the config's 120
    post_command.run(parse("post", statement, "--config", config, "--account", "masto"), adapter_for=fakes(masto=tight))
    with Journal(state) as journal:
        frozen = journal.posts(journal.thread("test-statement", "masto").id)
    assert len(frozen) == len(tight.live()) >= 3
    assert max(len(p.text) for p in frozen) <= 90 < 120


def test_retract_looks_up_a_post_whose_outcome_was_unknown(setup, capsys):
    statement, config, state = setup
    masto = FakeAdapter(account="masto", max_chars=120)
    post_command.run(parse("post", statement, "--config", config, "--account", "masto"), adapter_for=fakes(masto=masto))
    with Journal(state) as journal:
        last = journal.posts(journal.thread("test-statement", "masto").id)[-1]
        journal.mark_failed(last.id, "read timed out", last.sent_at or datetime.now(UTC), unknown=True)
        journal.db.execute("UPDATE posts SET remote_id = NULL WHERE id = ?", (last.id,))
    assert retract_command.run(parse("retract", statement, "--config", config), adapter_for=fakes(masto=masto)) == 0
    assert masto.live() == [] and "find" in masto.calls
