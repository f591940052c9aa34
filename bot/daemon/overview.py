"""Where every statement stands on every account, for ``status`` and ``schedule``: one row per statement and
account, a summary per account, what needs a person first. Reads the journal and the job store only."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.config import Config
from bot.daemon.planner import ADOPTED, CANCELLED, EDITED, FAILING, MISSED
from bot.daemon.scheduler import JobKey, Planned
from bot.model import Cost, Prices
from bot.networks.registry import network_of
from bot.planning import thread_cost
from bot.publishing.journal import Journal
from bot.publishing.rows import StatementRow, ThreadRow
from bot.publishing.states import Action, Kind, PostStatus, ThreadStatus


class State(StrEnum):
    """Where one statement stands on one account, as an organiser reads it."""

    POSTED = "posted"
    IN_PROGRESS = "in progress"
    SCHEDULED = "scheduled"
    QUEUED = "queued"  # planned, waiting for the bot to run it
    RETRYING = "retrying"  # a network fails; the bot tries again by itself
    PAUSED = "paused"  # a daily cap or a rate limit; continues by itself
    FAILED = "failed"
    NEEDS_ATTENTION = "needs attention"
    MISSED = "missed"
    ADOPTED = "adopted"  # published elsewhere; anniversaries kept
    CANCELLED = "cancelled"
    RETRACTED = "retracted"
    NOTHING = "nothing yet"


NEEDS_PERSON = (State.FAILED, State.NEEDS_ATTENTION, State.MISSED)


@dataclass(frozen=True)
class Row:
    """One statement on one account."""

    statement: str
    path: str
    title: str
    account: str
    state: State
    sent: int = 0
    total: int = 0
    links: tuple[str, ...] = ()
    when: datetime | None = None  # scheduled for, or continues at
    message: str = ""
    advice: str = ""
    edited: bool = False
    anniversaries: tuple[tuple[str, str, datetime | None], ...] = ()  # (year, what, when)
    cost: Cost | None = None  # what its posts cost where the network charges (anniversaries included)

    def document(self) -> dict[str, Any]:
        """JSON-ready, times in ISO 8601 with their offset."""
        return {
            "statement": self.statement, "path": self.path, "title": self.title, "account": self.account,
            "state": self.state.value, "sent": self.sent, "total": self.total, "links": list(self.links),
            "when": self.when.isoformat() if self.when else None, "message": self.message or None,
            "advice": self.advice or None, "edited": self.edited,
            "anniversaries": [{"year": y, "state": s, "when": w.isoformat() if w else None}
                              for y, s, w in self.anniversaries],
            "cost": cost_document(self.cost),
        }  # fmt: skip


@dataclass
class Overview:
    """Every row, and what the rows were read from."""

    rows: list[Row] = field(default_factory=list)

    def summary(self) -> dict[str, Counter[State]]:
        """Per account, how many statements stand in each state."""
        counts: dict[str, Counter[State]] = {}
        for row in self.rows:
            counts.setdefault(row.account, Counter())[row.state] += 1
        return counts

    def needing_a_person(self) -> list[Row]:
        """The rows a person must act on, oldest statement first."""
        return [r for r in self.rows if r.state in NEEDS_PERSON]

    def costs(self) -> dict[str, Cost]:
        """Per account whose network charges, what its posts cost (one currency per account)."""
        out: dict[str, Cost] = {}
        for row in self.rows:
            if row.cost is None:
                continue
            was, add = out.get(row.account, Cost(row.cost.currency, 0.0, 0, 0)), row.cost
            amount = round(was.amount + add.amount, 6)
            out[row.account] = Cost(
                was.currency, amount, was.posts + add.posts, was.posts_with_links + add.posts_with_links
            )
        return out


def cost_document(cost: Cost | None) -> dict[str, Any] | None:
    """A cost as the JSON preview gives it."""
    if cost is None:
        return None
    return {"currency": cost.currency, "amount": cost.amount, "posts": cost.posts,
            "posts_with_links": cost.posts_with_links}  # fmt: skip


def build(config: Config, journal: Journal, jobs: list[Planned]) -> Overview:
    """The overview of every statement the journal has seen."""
    notes = journal.values_with_prefix("daemon.")
    by_statement: dict[str, list[Planned]] = {}
    for job in jobs:
        by_statement.setdefault(job.key.statement_id, []).append(job)
    overview = Overview()
    prices = {a.name: a.prices for a in config.accounts}  # the config's, or the network's own
    for statement in journal.statement_rows():
        threads = journal.threads(statement.id)
        planned = by_statement.get(statement.id, [])
        accounts = {t.account for t in threads} | {j.key.account for j in planned}
        accounts |= _noted_accounts(notes, statement.id) | _configured(config, notes, statement.id)
        for account in sorted(accounts):
            row = _row(journal, statement, account, threads, planned, notes)
            overview.rows.append(replace(row, cost=_cost(journal, threads, account, prices)))
    return overview


def _cost(journal: Journal, threads: list[ThreadRow], account: str, prices: dict[str, Prices | None]) -> Cost | None:
    """What the account's posts of these threads cost: every post that went out (deleted since or not), no boosts."""
    mine = [t for t in threads if t.account == account]
    charged = prices.get(account) if account in prices else (network_of(mine[0].platform).prices if mine else None)
    if charged is None:
        return None
    texts = [p.text for t in mine for p in journal.posts(t.id) if p.sent_at is not None and p.action != Action.BOOST]
    return thread_cost(texts, charged)


def _configured(config: Config, notes: dict[str, str], statement_id: str) -> set[str]:
    # An adopted or cancelled statement has no thread and no job; it still stands somewhere on each account.
    if ADOPTED + statement_id in notes or CANCELLED + statement_id in notes:
        return {a.name for a in config.accounts}
    return set()


def _noted_accounts(notes: dict[str, str], statement_id: str) -> set[str]:
    found = set()
    for prefix in (MISSED, FAILING):
        for key in notes:
            parsed = JobKey.parse(key[len(prefix) :]) if key.startswith(prefix) else None
            if parsed is not None and parsed.statement_id == statement_id:
                found.add(parsed.account)
    return found


def _row(journal: Journal, statement: StatementRow, account: str, threads: list[ThreadRow],
         planned: list[Planned], notes: dict[str, str]) -> Row:  # fmt: skip
    thread = next((t for t in threads if t.account == account and t.kind == Kind.THREAD), None)
    job = next((j for j in planned if j.key.account == account and j.key.kind == Kind.THREAD), None)
    key = JobKey(Kind.THREAD, account, "", statement.id)
    anniversaries = _anniversaries(threads, planned, account)
    edited = (
        thread is not None
        and thread.status != ThreadStatus.PLANNED
        and (thread.content_hash != statement.content_hash or f"{EDITED}{statement.id}:{account}" in notes)
    )
    base = Row(statement.id, statement.path, statement.title, account, State.NOTHING, edited=edited,
               anniversaries=anniversaries)  # fmt: skip
    if thread is not None:
        return replace(base, **_thread_state(journal, thread, statement.path))
    if FAILING + key.id in notes:
        failing = json.loads(notes[FAILING + key.id])
        if failing.get("gave_up"):
            return replace(base, state=State.FAILED, message=failing.get("error", ""),
                       advice=f"fix it, then `statement-bot schedule {statement.path} --at now`")  # fmt: skip
        when = job.at if job else None
        return replace(base, state=State.RETRYING, message=failing.get("error", ""), when=when)
    if MISSED + key.id in notes:
        due = datetime.fromisoformat(json.loads(notes[MISSED + key.id])["due"])
        return replace(base, state=State.MISSED, when=due, message="was due while the bot was down",
                   advice=f"`statement-bot schedule {statement.path} --at now` posts it")  # fmt: skip
    if job is not None:
        return replace(base, state=State.SCHEDULED, when=job.at)
    if ADOPTED + statement.id in notes:
        published = json.loads(notes[ADOPTED + statement.id]).get("published", "")
        return replace(base, state=State.ADOPTED, message=f"published elsewhere on {published}")
    if CANCELLED + statement.id in notes:
        return replace(base, state=State.CANCELLED,
                   advice=f"`statement-bot schedule {statement.path} --at TIME` queues it again")  # fmt: skip
    return replace(base, state=State.NOTHING)


def _thread_state(journal: Journal, thread: ThreadRow, path: str) -> dict[str, Any]:
    posts = journal.posts(thread.id)
    sent = [p for p in posts if p.status == PostStatus.SENT]
    links = tuple(p.ref.url for p in sent if p.ref and p.ref.url)
    common: dict[str, Any] = {
        "sent": len(sent),
        "total": len(posts),
        "links": links,
        "message": thread.last_error or "",
    }
    status = thread.status
    if status == ThreadStatus.SENT:
        return {**common, "state": State.POSTED, "message": ""}
    if status == ThreadStatus.RETRACTED:
        return {**common, "state": State.RETRACTED, "message": ""}
    if status == ThreadStatus.PAUSED:
        state = State.RETRYING if thread.retries else State.PAUSED
        return {**common, "state": state, "when": thread.not_before}
    if status == ThreadStatus.FAILED:
        return {**common, "state": State.FAILED,
                "advice": f"fix it, then `statement-bot post {path} --account {thread.account}`"}  # fmt: skip
    if status == ThreadStatus.NEEDS_ATTENTION:
        return {**common, "state": State.NEEDS_ATTENTION}  # the message says what to check and what to run
    return {**common, "state": State.IN_PROGRESS if sent else State.QUEUED, "message": ""}


def _anniversaries(
    threads: list[ThreadRow], planned: list[Planned], account: str
) -> tuple[tuple[str, str, datetime | None], ...]:
    found: list[tuple[str, str, datetime | None]] = [
        (t.occasion, t.status.value, None) for t in threads if t.account == account and t.kind == Kind.ANNIVERSARY
    ]
    found += [(j.key.occasion, "scheduled", j.at) for j in planned
              if j.key.account == account and j.key.kind == Kind.ANNIVERSARY]  # fmt: skip
    return tuple(found)
