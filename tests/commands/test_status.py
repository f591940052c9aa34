"""`status`, `schedule` and `adopt` as an organiser uses them: a summary first, filters, JSON, many statements
at once, and no traceback when the output is cut short."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.commands import post as post_command
from bot.daemon.planner import ADOPTED, FAILING
from bot.errors import AuthError
from bot.publishing.journal import Journal
from tests.networks.fake import FakeAdapter

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """timezone: Europe/Paris
state: state/j.sqlite3
statements_dir: statements
accounts:
  - name: masto
    platform: mastodon
    instance: https://masto.example
    credentials: {access_token: STATUS_TEST_TOKEN}
  - name: sky
    platform: bluesky
    handle: org.test
    credentials: {password: STATUS_TEST_PASSWORD}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "statements").mkdir()
    (tmp_path / "bot.yaml").write_text(CONFIG)
    return tmp_path


def write(folder: Path, name: str, title: str, day: str = "2024-05-01") -> Path:
    path = folder / "statements" / f"{name}.md"
    path.write_text(f"---\ntitle: {title}\ndate: {day}\n---\n{title} body, with enough words to post.\n")
    return path


def post(folder: Path, path: Path, fakes: dict[str, FakeAdapter]) -> None:
    args = build_parser().parse_args(["post", str(path), "--config", str(folder / "bot.yaml")])
    post_command.run(args, adapter_for=lambda account: fakes[account.name])


def test_status_gives_a_summary_then_what_needs_a_person_then_details(folder, capsys):
    ok = write(folder, "ok", "All is well")
    refused = write(folder, "refused", "Refused somewhere")
    post(folder, ok, {"masto": FakeAdapter(account="masto"), "sky": FakeAdapter(platform="bluesky", account="sky")})
    sky = FakeAdapter(platform="bluesky", account="sky")
    sky.fail(AuthError("account 'sky': Bluesky login failed (AuthenticationRequired)"), times=3)
    post(folder, refused, {"masto": FakeAdapter(account="masto"), "sky": sky})
    capsys.readouterr()
    assert main(["status", "--config", str(folder / "bot.yaml")]) == 0
    out = capsys.readouterr().out
    summary, needs, details = out.index("\nsummary"), out.index("\nneeds you (1):"), out.index("\nstatements:")
    assert summary < needs < details
    assert "refused on sky: failed, 0/1 posts — " in out and "Bluesky login failed (AuthenticationRequired)" in out
    assert "fix it, then `statement-bot post" in out and out.count("fix it") == 2  # once in each section
    lines = [line for line in out[summary:needs].splitlines() if line.strip()][1:]
    assert lines[0].split() == ["account", "posted", "failed"], lines
    assert [line.split() for line in lines[1:3]] == [["masto", "2", "0"], ["sky", "1", "1"]]
    assert main(["status", "--failed", "--config", str(folder / "bot.yaml")]) == 0
    only = capsys.readouterr().out
    assert "needs you (1)" in only and "\nstatements:" not in only and "masto" in only  # the summary stays


def test_status_filters_by_account_and_date_and_speaks_json(folder, capsys):
    path = write(folder, "first", "First")
    post(folder, path, {"masto": FakeAdapter(account="masto"), "sky": FakeAdapter(platform="bluesky", account="sky")})
    config = str(folder / "bot.yaml")
    capsys.readouterr()
    assert main(["status", "--json", "--account", "sky", "--config", config]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["timezone"] == "Europe/Paris" and set(document["summary"]) == {"sky"}
    (row,) = document["rows"]
    assert (row["statement"], row["account"], row["state"], row["sent"]) == ("first", "sky", "posted", 1)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert main(["status", "--json", "--since", tomorrow, "--config", config]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == []


def test_a_failure_before_planning_is_shown(folder, capsys):
    path = write(folder, "early", "Early")
    config = str(folder / "bot.yaml")
    assert main(["schedule", str(path), "--at", "2030-01-01T09:00", "--config", config]) == 0
    with Journal(folder / "state" / "j.sqlite3") as journal:
        error = "account 'masto': Mastodon read instance limits failed (ConnectError at masto.example)"
        record = {"since": "2026-01-04T09:00:00+00:00", "attempts": 3, "gave_up": False, "error": error}
        journal.set_value(FAILING + "thread:masto::early", json.dumps(record))
    capsys.readouterr()
    main(["status", "--config", config])
    out = capsys.readouterr().out
    assert "masto: retrying, until 2030-01-01 09:00 CET — account 'masto': Mastodon read instance limits failed" in out


def test_one_time_zone_per_line(folder, capsys):
    path = write(folder, "later", "Later")
    config = str(folder / "bot.yaml")
    main(["schedule", str(path), "--at", "2030-07-01T09:00", "--config", config])
    capsys.readouterr()
    main(["status", "--config", config])
    out = capsys.readouterr().out
    assert "2030-07-01 09:00 CEST" in out
    assert not any(("UTC" in line or "GMT" in line) and "CE" in line for line in out.splitlines())


def test_schedule_and_cancel_take_many_paths_and_patterns_in_one_call(folder, capsys):
    for i in range(300):
        write(folder, f"2019-{i:03d}", f"Old statement {i}", day="2019-03-01")
    config = str(folder / "bot.yaml")
    started = time.monotonic()
    assert (
        main(["schedule", str(folder / "statements" / "2019-*"), "--at", "2030-01-01T09:00", "--config", config]) == 0
    )
    assert capsys.readouterr().out.count("scheduled 2030-01-01 09:00 CET") == 600
    assert main(["schedule", str(folder / "statements" / "2019-1*"), "--cancel", "--config", config]) == 0
    assert capsys.readouterr().out.count("cancelled") == 100
    main(["schedule", "--json", "--days", "10000", "--config", config])
    jobs = json.loads(capsys.readouterr().out)["jobs"]
    assert len(jobs) == 400 and all(j["statement"][5] != "1" for j in jobs)
    print(f"FIGURES 300 statements scheduled then 100 cancelled in {time.monotonic() - started:.1f} s")


def test_adopt_keeps_anniversaries_and_drops_the_thread(folder, capsys):
    old = write(folder, "old", "Published on paper", day="2018-05-01")
    config = str(folder / "bot.yaml")
    main(["schedule", str(old), "--at", "2030-01-01T09:00", "--config", config])
    capsys.readouterr()
    assert main(["adopt", str(folder / "statements" / "o*.md"), "--config", config]) == 0
    assert "adopted old as published on 2018-05-01: 2 pending thread(s) dropped, anniversaries kept" in (
        capsys.readouterr().out
    )
    with Journal(folder / "state" / "j.sqlite3") as journal:
        assert json.loads(journal.get_value(ADOPTED + "old") or "{}")["published"] == "2018-05-01"
    main(["status", "--json", "--config", config])
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert {(r["account"], r["state"]) for r in rows} == {("masto", "adopted"), ("sky", "adopted")}
    # A person can still post it after all.
    assert main(["schedule", str(old), "--at", "2030-01-01T09:00", "--config", config]) == 0
    with Journal(folder / "state" / "j.sqlite3") as journal:
        assert journal.get_value(ADOPTED + "old") is None


def test_a_pattern_matching_nothing_is_a_clean_error(folder, capsys):
    assert main(["adopt", str(folder / "statements" / "nothing-*"), "--config", str(folder / "bot.yaml")]) == 2
    assert "matches no file" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["status"], ["schedule", "--days", "10000"]])
def test_output_cut_short_by_head_is_not_a_traceback(folder, command):
    for i in range(60):
        path = write(folder, f"s{i:02d}", f"Statement {i}")
        main(["schedule", str(path), "--at", "2030-01-01T09:00", "--config", str(folder / "bot.yaml")])
    shell = f"{sys.executable} -m bot {' '.join(command)} --config {folder / 'bot.yaml'} | head -n 2"
    done = subprocess.run(shell, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 2
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
