"""Issue 11: a journal that never lies. A state file that is not a valid journal is refused with one line (never a
fresh start); two first runs at once never fail; a busy account is reported and is not a failure."""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.commands import post as post_command
from bot.errors import AuthError, JournalError
from bot.publishing.journal import Journal
from bot.publishing.journalfile import APPLICATION_ID, CorruptJournal
from bot.publishing.migrations import MIGRATIONS
from bot.publishing.rows import NewPost, tid
from bot.publishing.states import Kind
from tests.networks.fake import FakeAdapter

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 1, 4, 12, 0, tzinfo=UTC)
STATEMENT = "---\nid: s1\ntitle: A statement\n---\nFirst paragraph, long enough.\n\nSecond paragraph here.\n"
CONFIG = """state: state/j.sqlite3
statements_dir: statements
accounts:
  - name: masto
    platform: mastodon
    instance: https://masto.example
    limit: 120
    credentials: {access_token: HOSTILE_TEST_TOKEN}
  - name: sky
    platform: bluesky
    handle: org.test
    limit: 120
    credentials: {password: HOSTILE_TEST_PASSWORD}
"""


def full_journal(path: Path, threads: int = 60) -> None:
    """A real journal with enough rows to span many pages, checkpointed so the file alone holds it."""
    with Journal(path) as journal:
        for t in range(threads):
            posts = [NewPost(i, f"post {i} " + "words " * 40, f"k{t}-{i}", tid(1_700_000_000_000_000 + t * 99 + i, 3))
                     for i in range(1, 11)]  # fmt: skip
            journal.record_statement(f"s{t}", f"statements/s{t}.md", "hash", f"Title {t}", NOW)
            journal.create_thread(f"s{t}", "masto", "mastodon", Kind.THREAD, "", "hash", "en", posts, NOW)


def zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def garbage(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(50_000))


def text_file(path: Path) -> None:
    path.write_text("state: this is somebody's notes, not a database\n", encoding="utf-8")


def foreign_sqlite(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE songs (title TEXT)")
    db.execute("INSERT INTO songs VALUES ('Bella ciao')")
    db.commit()
    db.close()


def foreign_application(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 1234")
    db.execute("CREATE TABLE statements (id TEXT)")
    db.commit()
    db.close()


def empty_sqlite(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 0")
    db.execute("CREATE TABLE t (x)")
    db.execute("DROP TABLE t")
    db.commit()
    db.close()


def truncated(path: Path) -> None:
    full_journal(path)
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)


def header_overwritten(path: Path) -> None:
    full_journal(path)
    with open(path, "r+b") as f:
        f.write(b"\xff" * 100)


def pages_overwritten(path: Path) -> None:
    full_journal(path)
    size, page = os.path.getsize(path), 4096
    rng = random.Random(7)
    with open(path, "r+b") as f:
        for number in rng.sample(range(2, size // page), 3):
            f.seek(number * page)
            f.write(rng.randbytes(page))


def negative_version(path: Path) -> None:
    full_journal(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = -5")  # found by the fuzz suite: it used to be an IndexError
    db.close()


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "0-byte": zero_bytes,
    "garbage": garbage,
    "text": text_file,
    "foreign SQLite": foreign_sqlite,
    "another application's": foreign_application,
    "empty SQLite": empty_sqlite,
    "truncated": truncated,
    "header overwritten": header_overwritten,
    "pages overwritten": pages_overwritten,
    "negative schema version": negative_version,
}


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    (tmp_path / "statements").mkdir()
    (tmp_path / "state").mkdir()
    statement = tmp_path / "statements" / "s1.md"
    statement.write_text(STATEMENT, encoding="utf-8")
    config = tmp_path / "bot.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return statement, config, tmp_path / "state" / "j.sqlite3"


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_a_state_file_that_is_not_a_journal_is_refused_never_started_afresh(tmp_path, kind):
    path = tmp_path / "j.sqlite3"
    CORRUPTIONS[kind](path)
    before = path.read_bytes()
    with pytest.raises(CorruptJournal) as caught:
        Journal(path)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)
    assert path.read_bytes() == before  # nothing written: no schema, no mark


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
@pytest.mark.parametrize(
    "argv", [["status"], ["schedule"], ["post", "{statement}", "--dry-run"], ["preview", "{statement}"]]
)
def test_every_command_reading_a_bad_state_file_says_so_in_one_line(setup, capsys, kind, argv):
    statement, config, state = setup
    CORRUPTIONS[kind](state)
    code = main([a.format(statement=statement) for a in argv] + ["--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith(f"statement-bot: {state}: ") and "Traceback" not in err
    assert "sqlalchemy" not in err.lower()


def test_the_zero_byte_state_message_says_what_to_do(setup, capsys):
    _, config, state = setup
    state.write_bytes(b"")
    assert main(["status", "--config", str(config)]) == 2
    assert capsys.readouterr().err == (
        f"statement-bot: {state}: is empty (0 bytes), not a journal; move it away to start a new journal, "
        "or restore the journal from a backup\n"
    )


def test_a_new_journal_is_marked_and_an_old_unmarked_one_is_adopted(tmp_path):
    with Journal(tmp_path / "new.sqlite3") as journal:
        assert journal.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    old = tmp_path / "old.sqlite3"
    db = sqlite3.connect(old, isolation_level=None)
    for step in MIGRATIONS:
        step(db)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    db.close()
    with Journal(old) as journal:  # a 0.1/0.2 journal: our tables, our version, no mark yet
        assert journal.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_reading_commands_never_create_a_journal(setup, capsys):
    statement, config, state = setup
    for argv in (["status"], ["schedule"], ["post", str(statement), "--dry-run"], ["preview", str(statement)]):
        assert main([*argv, "--config", str(config)]) == 0
    assert not state.exists()
    with pytest.raises(JournalError, match="there is no journal here"):
        Journal(state, create=False)


def test_damage_met_while_reading_is_a_journal_error_not_a_sqlite_traceback(tmp_path):
    path = tmp_path / "j.sqlite3"
    full_journal(path)
    journal = Journal(path)  # checked at open, then damaged under it
    journal.db.execute("PRAGMA cache_size = 0")  # every read goes to the file
    try:
        with open(path, "r+b") as f:
            f.seek(4096 * 3)
            f.write(b"\x00" * 4096 * 8)
        with pytest.raises(JournalError, match=r"j\.sqlite3: the journal is damaged"):
            for row in journal.threads():
                journal.posts(row.id)
    finally:
        journal.close()


RACE = r"""
import os, sys
from datetime import UTC, datetime
from pathlib import Path
from bot.publishing.journal import Journal

root, pairs = Path(sys.argv[1]), int(sys.argv[2])
failures = []
for n in range(pairs):
    state = root / f"pair{n}" / "state" / "j.sqlite3"
    go_read, go_write = os.pipe()
    children = []
    for side in range(2):
        pid = os.fork()
        if pid == 0:
            os.close(go_write)
            os.read(go_read, 1)  # both start at the same instant
            try:
                with Journal(state) as journal:
                    journal.record_statement(f"s{side}", "p", "h", "t", datetime.now(UTC))
                os._exit(0)
            except BaseException as e:
                sys.stderr.write(f"pair {n} side {side}: {type(e).__name__}: {e}\n")
                os._exit(1)
        children.append(pid)
    os.close(go_read)
    os.write(go_write, b"gg")
    os.close(go_write)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    if any(codes):
        failures.append(n)
    else:
        with Journal(state) as journal:
            assert sorted(s.id for s in journal.statement_rows()) == ["s0", "s1"]
print(len(failures))
"""


def first_runs_at_once(tmp_path: Path, pairs: int) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", RACE, str(tmp_path), str(pairs)],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # `python -c` puts the cwd first on sys.path: import the bot under test, from ROOT
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip()), done.stderr


def test_two_first_runs_at_once_on_a_fresh_state_never_fail_120_pairs(tmp_path):
    failed, errors = first_runs_at_once(tmp_path, 120)
    assert failed == 0, errors
    assert not list(tmp_path.glob("pair*/state/.j.sqlite3.*.new"))  # no temporary file left behind


@pytest.mark.slow
def test_two_first_runs_at_once_never_fail_1000_pairs(tmp_path):
    failed, errors = first_runs_at_once(tmp_path, 1000)
    assert failed == 0, errors


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def test_an_account_another_run_is_posting_is_reported_busy_and_is_not_a_failure(setup, capsys):
    statement, config, state = setup
    masto, sky = (
        FakeAdapter(account="masto", max_chars=120),
        FakeAdapter(platform="bluesky", account="sky", max_chars=120),
    )
    adapters = {"masto": masto, "sky": sky}
    masto.fail(AuthError("expired"))
    sky.fail(AuthError("expired"))
    argv = parse("post", str(statement), "--config", str(config))
    assert post_command.run(argv, adapter_for=lambda a: adapters[a.name]) == 1  # both threads frozen, both failed
    with Journal(state) as journal:
        masto_thread = journal.thread("s1", "masto")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from bot.publishing.journal import Journal; j = Journal(sys.argv[1]); "
         "assert j.lock_thread(int(sys.argv[2])); print('locked', flush=True); sys.stdin.read()",
         str(state), str(masto_thread.id)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        capsys.readouterr()
        assert post_command.run(argv, adapter_for=lambda a: adapters[a.name]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0] == "⏸ masto: busy, another run is posting this account"
        assert out[1].startswith("✔ sky:")
        assert masto.posts == []
    finally:
        holder.stdin.close()
        holder.wait(10)
    assert post_command.run(argv, adapter_for=lambda a: adapters[a.name]) == 0
    with Journal(state) as journal:
        assert [p.text for p in masto.posts] == [p.text for p in journal.posts(masto_thread.id)]
