"""Fuzz: configs and state files. A hostile config is a Config or one ConfigError line naming the file; a damaged
state file (truncated, 0-byte, foreign, pages overwritten) gives `status`, `schedule`, `post --dry-run` and
`preview` either their normal answer or one error line: never a traceback, never a fresh start."""

from __future__ import annotations

import contextlib
import io
import random
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings

from bot.cli import main
from bot.config import parse_config
from bot.daemon.scheduler import JobKey, Schedule
from bot.publishing.journal import Journal
from bot.publishing.rows import NewPost, tid
from bot.publishing.states import Kind
from tests.fuzz.harness import BUG_MARKS, check, tally, time_limit
from tests.fuzz.strategies import config_text

FAST = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))  # fmt: skip
SLOW = settings(FAST, max_examples=1500, derandomize=False)
FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-config-"))
NOW = datetime(2026, 1, 4, 12, 0, tzinfo=UTC)
CONFIG = """state: state/j.sqlite3
statements_dir: statements
accounts:
  - {name: masto, platform: mastodon, instance: https://masto.example, credentials: {access_token: FUZZ_TOKEN}}
"""


def config_case(name: str, text: str) -> None:
    path = FOLDER / "bot.yaml"
    check(tally(name), text[:120], lambda: parse_config(text, path), names=(str(path),))


@FAST
@given(config_text())
def test_configs_fast(text):
    config_case("config", text)


@pytest.mark.slow
@SLOW
@seed(20263)
@given(config_text())
def test_configs_seeded(text):
    config_case("config (seeded)", text)


def base_state(folder: Path) -> Path:
    """A real state file: statements, threads, posts, adapters' values, and the scheduler's jobs."""
    state = folder / "state" / "j.sqlite3"
    with Journal(state) as journal:
        journal.set_value("mastodon.limits:https://masto.example", '{"at": 1, "limit": 500, "url": 23}', NOW)
        for t in range(30):
            posts = [NewPost(i, f"post {i} " + "words " * 30, f"k{t}-{i}", tid(1_700_000_000_000_000 + t * 99 + i, 3))
                     for i in range(1, 8)]  # fmt: skip
            journal.record_statement(f"s{t}", f"statements/s{t}.md", "hash", f"Title {t}", NOW)
            journal.create_thread(f"s{t}", "masto", "mastodon", Kind.THREAD, "", "hash", "en", posts, NOW)
    schedule = Schedule(state, 3600, offline=True)
    schedule.start(paused=True)
    for t in range(10):
        schedule.add(JobKey(Kind.THREAD, "masto", "", f"s{t}"), datetime.now(UTC) + timedelta(days=t + 1))
    schedule.shutdown(wait=False)
    db = sqlite3.connect(state)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return state


def damage(state: Path, rng: random.Random) -> str:
    """One seeded damage of the state file; returns what was done."""
    data = bytearray(state.read_bytes())
    page = 4096
    kind = rng.choice(["truncate", "zero bytes", "pages overwritten", "pages zeroed", "header bytes", "append garbage",
                       "first page overwritten", "user_version", "application_id", "foreign database"])  # fmt: skip
    if kind == "truncate":
        data = data[: rng.randrange(1, len(data))]
    elif kind == "zero bytes":
        data = bytearray()
    elif kind in ("pages overwritten", "pages zeroed"):
        for number in rng.sample(range(1, len(data) // page), min(rng.randint(1, 5), len(data) // page - 1)):
            junk = rng.randbytes(page) if kind == "pages overwritten" else bytes(page)
            data[number * page : (number + 1) * page] = junk
    elif kind == "header bytes":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(100)] = rng.randrange(256)
    elif kind == "append garbage":
        data += rng.randbytes(rng.randint(1, 3 * page))
    elif kind == "first page overwritten":
        data[100:page] = rng.randbytes(page - 100)
    elif kind == "user_version":
        data[60:64] = rng.randbytes(4)
    elif kind == "application_id":
        data[68:72] = rng.randbytes(4)
    else:
        state.unlink()
        db = sqlite3.connect(state)
        db.execute("CREATE TABLE notes (body TEXT)")
        db.commit()
        db.close()
        return kind
    state.write_bytes(bytes(data))
    return kind


def run_cli(argv: list[str]) -> None:
    """One command in-process: its normal answer, or one clean error line (anything else raises)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    message = err.getvalue()
    if code == 0:
        return
    assert message.count("\n") == 1 and not any(m in message for m in BUG_MARKS), f"exit {code}: {message[:400]}"
    from bot.errors import JournalError

    raise JournalError(message.strip())  # filed as a clean error by the harness


def state_cases(name: str, count: int, seed_value: int) -> None:
    rng = random.Random(seed_value)
    work = FOLDER / f"state-{seed_value}"
    (work / "statements").mkdir(parents=True, exist_ok=True)
    (work / "statements" / "s1.md").write_text("---\nid: s1\n---\nA statement. It has words.\n", encoding="utf-8")
    (work / "bot.yaml").write_text(CONFIG, encoding="utf-8")
    pristine = base_state(work).read_bytes()
    state = work / "state" / "j.sqlite3"
    commands = [["status"], ["schedule"], ["post", str(work / "statements" / "s1.md"), "--dry-run"],
                ["preview", str(work / "statements" / "s1.md")]]  # fmt: skip
    for i in range(count):
        for leftover in state.parent.iterdir():
            leftover.unlink()
        state.write_bytes(pristine)
        kind = damage(state, rng)
        for argv in commands:
            full = [*argv, "--config", str(work / "bot.yaml")]
            with time_limit(60):
                check(tally(name), f"{i} {kind}: {argv[0]}", partial(run_cli, full), names=(str(state),))
    shutil.rmtree(work)


def test_damaged_state_files_fast():
    state_cases("state file", 12, 5)


@pytest.mark.slow
def test_damaged_state_files_seeded():
    state_cases("state file (seeded)", 150, 2026)


def test_fast_config_and_state_fuzz_found_nothing():
    for name in ("config", "state file"):
        tally(name).assert_clean()


@pytest.mark.slow
def test_seeded_config_and_state_fuzz_found_nothing():
    for name in ("config (seeded)", "state file (seeded)"):
        tally(name).assert_clean()
