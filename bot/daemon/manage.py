"""What a person does to statements by hand, many at a time: post at a time, cancel, adopt.

Used by ``statement-bot schedule`` and ``statement-bot adopt`` while the bot may be running:
they change the journal and the job store, then ask the running bot (SIGHUP) to look again.
"""

from __future__ import annotations

import glob
import json
import os
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.config import Config
from bot.daemon.planner import ADOPTED, AT, CANCELLED, MISSED
from bot.daemon.scheduler import JobKey, Schedule
from bot.errors import StatementError
from bot.model import Statement
from bot.planning import select_accounts
from bot.publishing.journal import Journal
from bot.publishing.locks import running_pid
from bot.publishing.states import Kind, ThreadStatus

_WILDCARDS = frozenset("*?[")


def expand(patterns: Sequence[str]) -> list[Path]:
    """The files the arguments name; a pattern (``statements/2019-*``) matches files, quoted or not."""
    found: list[Path] = []
    for pattern in patterns:
        if _WILDCARDS & set(pattern):
            matches = sorted(Path(p) for p in glob.glob(pattern) if Path(p).is_file())
            if not matches:
                raise StatementError(pattern, "matches no file")
            found += matches
        else:
            found.append(Path(pattern))
    return list(dict.fromkeys(found))


def read_all(paths: Sequence[Path], config: Config) -> tuple[list[Statement], list[str]]:
    """Every statement that reads, and one error line per path that does not."""
    from bot.text.reading import read_statement

    statements, errors = [], []
    for path in paths:
        try:
            statements.append(read_statement(path, config.tz))
        except StatementError as e:
            errors.append(str(e))
    return statements, errors


@dataclass
class Manager:
    """The journal and the job store, opened together for a command's changes."""

    config: Config
    journal: Journal
    schedule: Schedule
    now: datetime
    lines: list[str] = field(default_factory=list)

    def cancel(self, statement: Statement) -> None:
        """Drop every pending job of the statement (thread and anniversaries); posts already out stay."""
        self._record(statement)
        self.journal.set_value(CANCELLED + statement.id, json.dumps({"at": self.now.isoformat()}), self.now)
        dropped = self.schedule.cancel(statement.id)
        self.lines.append(f"cancelled {statement.id}: {len(dropped)} pending job(s) dropped; posts already out stay")

    def adopt(self, statement: Statement, published: datetime) -> None:
        """Published elsewhere: never post its thread, keep its anniversaries (the running bot plans them)."""
        self._record(statement)
        day = (statement.date or published.astimezone(self.config.tz).date()).isoformat()
        record = {"at": self.now.isoformat(), "published": day, "why": "adopted by hand"}
        self.journal.set_value(ADOPTED + statement.id, json.dumps(record), self.now)
        self.journal.delete_value(CANCELLED + statement.id)
        dropped = self.schedule.cancel(statement.id, Kind.THREAD)
        sent = [t.account for t in self.journal.threads(statement.id) if t.status == ThreadStatus.SENT]
        note = f"; already posted on {', '.join(sent)}" if sent else ""
        self.lines.append(f"adopted {statement.id} as published on {day}: {len(dropped)} pending thread(s) "
                          f"dropped, anniversaries kept{note}")  # fmt: skip

    def post_at(self, statement: Statement, when: datetime) -> None:
        """Queue the statement's thread for every account at ``when`` (a person's word wins over adoption)."""
        self._record(statement)
        self.journal.delete_value(CANCELLED + statement.id)
        self.journal.delete_value(ADOPTED + statement.id)
        self.journal.set_value(AT + statement.id, json.dumps({"at": when.isoformat()}), self.now)
        for account in select_accounts(statement, self.config):
            row = self.journal.thread(statement.id, account.name)
            if row is not None and row.status in (ThreadStatus.SENT, ThreadStatus.RETRACTED):
                self.lines.append(f"{statement.id} on {account.name}: already posted; nothing to schedule")
                continue
            if row is not None and row.status in (ThreadStatus.FAILED, ThreadStatus.NEEDS_ATTENTION):
                self.lines.append(f"{statement.id} on {account.name}: {row.status}: {row.last_error}; use "
                                  f"`statement-bot post {statement.path} --account {account.name}`")  # fmt: skip
                continue
            key = JobKey(Kind.THREAD, account.name, "", statement.id)
            self.journal.delete_value(MISSED + key.id)
            self.schedule.add(key, when)
            local = when.astimezone(self.config.tz)
            self.lines.append(f"{statement.id} on {account.name}: scheduled {local:%Y-%m-%d %H:%M %Z}")

    def _record(self, statement: Statement) -> None:
        self.journal.record_statement(statement.id, statement.path, statement.content_hash, statement.title, self.now)


@contextmanager
def managing(config: Config, now: datetime) -> Iterator[Manager]:
    """Open the journal and the job store (without firing anything); afterwards, wake the running bot."""
    schedule = Schedule(config.state, config.scheduler.grace_seconds, offline=True)
    with Journal(config.state) as journal:
        schedule.start(paused=True)
        try:
            yield Manager(config, journal, schedule, now)
        finally:
            schedule.shutdown(wait=False)
    pid = running_pid(config.state)
    if pid is not None:
        os.kill(pid, signal.SIGHUP)  # the running bot re-reads its job store and the folder now
