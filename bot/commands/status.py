"""`statement-bot status`: a summary per account, what needs a person, then every statement's state."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config
    from bot.daemon.overview import Overview, Row
    from bot.daemon.scheduler import Planned


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "status",
        help="what was posted, what is in progress, what failed, what is scheduled",
        description="A summary per account (statements in each state), then what needs a person, then every "
        "statement on every account: posted (with links), in progress, retrying, failed (why and what to run), "
        "scheduled, adopted. Times are in the configured time zone.",
    )
    p.add_argument("--failed", action="store_true", help="only what needs a person (failed, needs attention, missed)")
    p.add_argument("--account", action="append", metavar="NAME", help="only this account (repeatable)")
    p.add_argument("--since", metavar="DATE", type=date.fromisoformat, help="only statements first seen since DATE")
    p.add_argument("--json", action="store_true", help="one JSON document (the same rows, machine-readable)")
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


def bot_line(config: Config) -> str:
    """Whether a bot (or a dry run) is running on this state."""
    from bot.publishing.locks import running_pid

    pid, dry = running_pid(config.state), running_pid(config.state, dry_run=True)
    line = f"bot: {'running (pid ' + str(pid) + ')' if pid else 'not running'}"
    if dry:
        line += f"; a dry run is running (pid {dry}): what it shows is not in this state"
    return f"{line}; state {config.state}"


def run(args: argparse.Namespace) -> int:
    from bot.config import load_config
    from bot.daemon.overview import build
    from bot.publishing.journal import Journal

    config = load_config(args.config)
    if not config.state.exists():
        print(bot_line(config))
        print(f"nothing yet: {config.state} does not exist (start `statement-bot run`)")
        return 0
    with Journal(config.state, create=False) as journal:  # first: it refuses a state file that is not a journal
        jobs = planned_jobs(config)
        overview = build(config, journal, jobs)
        first_seen = journal.first_seen() if args.since else {}
    _filter(overview, args, first_seen)
    if args.json:
        print(json.dumps(_document(config, overview, args.failed), ensure_ascii=False, indent=2))
        return 0
    print(bot_line(config))
    for line in _text(config, overview, only_failed=args.failed):
        print(line)
    return 0


def _filter(overview: Overview, args: argparse.Namespace, first_seen: dict[str, datetime]) -> None:
    rows = overview.rows
    if args.account:
        rows = [r for r in rows if r.account in args.account]
    if args.since:
        rows = [r for r in rows if r.statement in first_seen and first_seen[r.statement].date() >= args.since]
    overview.rows = rows


def _document(config: Config, overview: Overview, only_failed: bool) -> dict[str, object]:
    from bot.daemon.overview import cost_document

    summary = {
        account: {state.value: n for state, n in counts.items()} for account, counts in overview.summary().items()
    }
    rows = overview.needing_a_person() if only_failed else overview.rows
    costs = {account: cost_document(cost) for account, cost in sorted(overview.costs().items())}
    return {"timezone": config.timezone, "summary": summary, "costs": costs, "rows": [r.document() for r in rows]}


def _text(config: Config, overview: Overview, only_failed: bool) -> list[str]:
    from bot.daemon.overview import State
    from bot.preview.render import money

    summary = overview.summary()
    if not summary:
        return ["nothing to show"]
    columns = [s for s in State if any(s in counts for counts in summary.values())]
    width = max(len(a) for a in summary)
    lines = [f"\nsummary (statements per state; times in {config.timezone}):",
             "  " + "account".ljust(width) + "".join(f"  {s.value:>{len(s.value)}}" for s in columns)]  # fmt: skip
    for account, counts in sorted(summary.items()):
        lines.append("  " + account.ljust(width) + "".join(f"  {counts.get(s, 0):>{len(s.value)}}" for s in columns))
    costs = overview.costs()
    if costs:
        lines.append("\ncost of what was posted (at the configured prices):")
        lines += [f"  {account.ljust(width)}  {money(cost)}" for account, cost in sorted(costs.items())]
    urgent = overview.needing_a_person()
    if urgent:
        lines.append(f"\nneeds you ({len(urgent)}):")
        lines += [f"  {row.statement} on {_line(config, row)}" for row in urgent]
    if only_failed:
        return lines
    lines.append("\nstatements:")
    current = None
    for row in overview.rows:
        if row.statement != current:
            current = row.statement
            lines.append(f"  {row.statement}: {row.title}")
        lines.append(f"    {_line(config, row)}")
        lines += [f"      anniversary {year}: {what}{' ' + local(when, config) if when else ''}"
                  for year, what, when in row.anniversaries]  # fmt: skip
    return lines


def _line(config: Config, row: Row) -> str:
    from bot.preview.render import money

    parts = [f"{row.account}: {row.state.value}"]
    if row.total:
        parts.append(f"{row.sent}/{row.total} posts")
    if row.cost is not None and row.cost.posts:
        parts.append(money(row.cost))
    if row.when is not None:
        parts.append(("until " if row.state.value in ("paused", "retrying") else "") + local(row.when, config))
    text = ", ".join(parts)
    if row.message:
        text += f" — {row.message}"
    if row.advice:
        text += f"; {row.advice}"
    if row.links and row.state.value == "posted":
        text += f" {row.links[0]}"
    if row.edited:
        text += " (the file was edited after posting started; the posted thread was kept)"
    return text
