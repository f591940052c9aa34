"""`statement-bot status`: per statement and account, what was posted, what is under way, what needs you."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import TYPE_CHECKING

from bot.publishing.states import Action, Kind, PostStatus, ThreadStatus

if TYPE_CHECKING:
    from bot.config import Config
    from bot.daemon.scheduler import Planned
    from bot.publishing.journal import Journal
    from bot.publishing.rows import StatementRow, ThreadRow


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "status",
        help="what was posted, what is in progress, failed or scheduled",
        description="Per statement and account: posted (with links), in progress (post k of n), "
        "failed (why, and what to run), scheduled (local time), edits after posting.",
    )
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def planned_jobs(config: Config) -> list[Planned]:
    """The jobs waiting in the state's job store, read without running any."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.daemon.scheduler import Schedule

    try:
        schedule = Schedule(config.state, config.scheduler.grace_seconds, offline=True)
        schedule.start(paused=True)
        try:
            return schedule.planned()
        finally:
            schedule.shutdown(wait=False)
    except SQLAlchemyError as e:  # the job store is read through SQLAlchemy: its errors end here, as one line
        raise job_store_error(config, e) from None


def job_store_error(config: Config, error: Exception) -> Exception:
    """A damaged job store (the scheduler's tables in the state file) as a one-line journal error."""
    from bot.publishing.journalfile import MOVE_AWAY, CorruptJournal

    cause = getattr(error, "orig", None) or error
    return CorruptJournal(f"{config.state}: cannot read the scheduled jobs ({str(cause)[:120]}); {MOVE_AWAY}")


def local(moment: datetime, config: Config) -> str:
    """A moment as the organisation's local time, e.g. '2026-01-04 10:00 GMT'."""
    return f"{moment.astimezone(config.tz):%Y-%m-%d %H:%M %Z}"


def run(args: argparse.Namespace) -> int:
    from bot.config import load_config
    from bot.daemon.planner import CANCELLED, MISSED
    from bot.daemon.scheduler import JobKey
    from bot.publishing.journal import Journal
    from bot.publishing.locks import running_pid

    config = load_config(args.config)
    if not config.state.exists():
        print(f"nothing yet: {config.state} does not exist (start `statement-bot run`)")
        return 0
    Journal(config.state, create=False).close()  # first: it refuses a state file that is not a journal
    jobs = planned_jobs(config)
    pid = running_pid(config.state)
    print(f"bot: {'running (pid ' + str(pid) + ')' if pid else 'not running'}; state {config.state}")
    with Journal(config.state) as journal:
        notes = journal.values_with_prefix("daemon.")
        for statement in journal.statement_rows():
            print(f"\n{statement.id}: {statement.title}")
            if CANCELLED + statement.id in notes:
                print(f"  cancelled by hand: `statement-bot schedule {statement.path} --at TIME` queues it again")
            missed = [JobKey.parse(k[len(MISSED) :]) for k in notes if k.startswith(MISSED)]
            accounts = sorted(
                {t.account for t in journal.threads(statement.id)}
                | {j.key.account for j in jobs if j.key.statement_id == statement.id}
                | {k.account for k in missed if k and k.statement_id == statement.id}
            )
            for account in accounts:
                for line in _account_lines(config, journal, statement, account, jobs, notes):
                    print(f"  {line}")
    return 0


def _account_lines(
    config: Config, journal: Journal, statement: StatementRow, account: str, jobs: list[Planned], notes: dict[str, str]
) -> list[str]:
    from bot.daemon.planner import EDITED, MISSED

    lines = []
    row = journal.thread(statement.id, account)
    thread_jobs = [j for j in jobs if j.key.statement_id == statement.id and j.key.account == account]
    if row is not None:
        lines.append(f"{account}: {_thread_state(config, journal, row, statement.path)}")
        if row.content_hash != statement.content_hash and row.status != ThreadStatus.PLANNED:
            lines.append(
                f"{account}: note: the file was edited after posting started; the posted thread was kept as it was"
            )
    for job in thread_jobs:
        if job.key.kind == Kind.THREAD:
            lines.append(f"{account}: scheduled {local(job.at, config)}")
        else:
            lines.append(f"{account}: anniversary {job.key.occasion} scheduled {local(job.at, config)}")
    key = f"{MISSED}thread:{account}::{statement.id}"
    if key in notes:
        due = datetime.fromisoformat(json.loads(notes[key])["due"])
        lines.append(
            f"{account}: missed (was due {local(due, config)} while the bot was down); "
            f"`statement-bot schedule {statement.path} --at now` posts it"
        )
    for occasion in journal.threads(statement.id):
        if occasion.account == account and occasion.kind == Kind.ANNIVERSARY:
            lines.append(
                f"{account}: anniversary {occasion.occasion}: "
                f"{_thread_state(config, journal, occasion, statement.path)}"
            )
    if f"{EDITED}{statement.id}:{account}" in notes and not any("edited" in line for line in lines):
        lines.append(f"{account}: note: the file was edited after posting started")
    return lines or [f"{account}: nothing yet"]


def _thread_state(config: Config, journal: Journal, row: ThreadRow, path: str) -> str:
    posts = journal.posts(row.id)
    sent = [p for p in posts if p.status == PostStatus.SENT]
    n, k = len(posts), len(sent)
    links = " ".join(p.ref.url for p in sent if p.ref and p.ref.url)
    retry = f"`statement-bot post {path} --account {row.account}`"
    if row.status == ThreadStatus.SENT:
        gone = row.kind == Kind.ANNIVERSARY and posts and posts[0].action == Action.POST
        extra = " (the original was gone, so its text was posted again)" if gone else ""
        return f"posted {k}/{n}{extra}" + (f": {links}" if links else "")
    if row.status == ThreadStatus.PAUSED:
        until = f" until {local(row.not_before, config)}" if row.not_before else ""
        return f"paused at post {k + 1} of {n}{until}: {row.last_error or ''}".rstrip(": ")
    if row.status == ThreadStatus.FAILED:
        return f"failed at post {k + 1} of {n}: {row.last_error}; fix it, then run {retry}"
    if row.status == ThreadStatus.NEEDS_ATTENTION:
        return f"needs attention at post {k + 1} of {n}: {row.last_error}"
    if row.status == ThreadStatus.RETRACTED:
        return "retracted"
    return f"in progress: post {k + 1} of {n}" if k else f"queued: {n} posts, none sent yet"
