"""Send one account's thread exactly once, resuming where it stopped; the journal is the truth.

The plan is frozen in the journal when posting starts. Each post's intent is
committed before the network call and its result right after, so a crash leaves at
most one post whose outcome is unknown; the network's own ``Recovery`` then settles it
(see ``_recover``) before anything is sent again.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.config import PublishingSettings
from bot.errors import AuthError, BotError, Duplicate, MediaGone, RateLimited, Rejected, ReplyRefused, Unavailable
from bot.model import Statement, Thread
from bot.networks.base import FOREVER, Adapter, Outgoing, PostRef, Recovery
from bot.networks.registry import network_of
from bot.publishing.journal import Journal
from bot.publishing.media import attachments
from bot.publishing.plan import freeze
from bot.publishing.results import ThreadResult
from bot.publishing.rows import PostRow, ThreadRow
from bot.publishing.states import Action, Kind, Outcome, PostStatus, ThreadStatus

# Longer waits than this pause the thread (not_before) instead of blocking the process.
MAX_INLINE_WAIT = timedelta(minutes=15)
DAY = timedelta(hours=24)

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]


class _Stop(Exception):
    """Ends a thread's run early with a result."""

    def __init__(self, status: ThreadStatus, message: str, not_before: datetime | None = None, transient: bool = False):
        super().__init__(message)
        self.status, self.message, self.not_before, self.transient = status, message, not_before, transient


@dataclass
class _Run:
    journal: Journal
    adapter: Adapter
    row: ThreadRow
    statement: Statement
    now: Clock
    sleep: Sleep
    settings: PublishingSettings
    rng: random.Random
    total: int = 0
    progressed: bool = False  # a post went out in this run

    @property
    def recovery(self) -> Recovery:
        return network_of(self.row.platform).recovery

    @property
    def who(self) -> str:
        return f"{network_of(self.row.platform).name} account {self.row.account!r}"

    def backoff(self, failures: int) -> float:
        """Exponential backoff, capped, with jitter (a random wait between half and all of it)."""
        ceiling = min(self.settings.backoff_max_seconds, self.settings.backoff_base_seconds * 2 ** (failures - 1))
        return self.rng.uniform(ceiling / 2, ceiling)

    def attention(self, post: PostRow, why: str) -> _Stop:
        """Stop for a person, saying what to check and how to resume."""
        path = self.statement.path or self.statement.id
        occasion = f" --occasion {self.row.occasion}" if self.row.occasion else ""
        return _Stop(
            ThreadStatus.NEEDS_ATTENTION,
            (
                f"{self.who}: post {post.index}/{self.total} may already be online ({why}). Check the account's "
                f"recent posts for one starting {post.text[:40]!r}; then run `statement-bot post {path} --account "
                f"{self.row.account}{occasion} --resolve {post.index}=POST_ID` if it is there, or "
                f"`--resolve {post.index}=none` if it is not."
            ),
        )


def publish_thread(
    journal: Journal,
    adapter: Adapter,
    thread: Thread,
    statement: Statement,
    *,
    now: Clock,
    sleep: Sleep,
    settings: PublishingSettings,
    replan: bool = False,
    posts_per_day: int | None = None,
    kind: Kind = Kind.THREAD,
    occasion: str = "",
    quote: PostRef | None = None,
    boost: PostRef | None = None,
    rng: random.Random | None = None,
) -> ThreadResult:
    """Post (or continue) one account's thread; never sends a post twice.

    ``kind=Kind.ANNIVERSARY`` with ``occasion`` (the year) makes a separate thread whose
    first post quotes ``quote``, or a single ``boost`` of that post.
    """
    rng = rng or random.Random()

    def frozen(again: bool) -> ThreadRow:
        return freeze(
            journal,
            thread,
            statement,
            now=now(),
            replan=again,
            kind=kind,
            occasion=occasion,
            quote=quote,
            boost=boost,
            rng=rng,
        )

    row = frozen(False)
    if not journal.lock_thread(row.id):
        return ThreadResult(row.account, Outcome.BUSY, "another statement-bot process is posting this thread right now")
    try:
        if replan:  # under the lock, so no other process is sending a post this replaces
            row = frozen(True)
        run = _Run(journal, adapter, row, statement, now, sleep, settings, rng)
        return _publish(run, posts_per_day)
    finally:
        journal.unlock_thread(row.id)


def _publish(run: _Run, cap: int | None) -> ThreadResult:
    journal, row = run.journal, run.row
    posts = journal.posts(row.id)
    run.total = len(posts)
    if row.status in (ThreadStatus.RETRACTED, ThreadStatus.NEEDS_ATTENTION):
        return _result(run, Outcome(row.status), row.last_error or "retracted earlier; not posting it again", posts)
    if row.not_before and row.not_before > run.now():
        return _result(run, Outcome.PAUSED, row.last_error or "paused", posts, row.not_before)
    note = ""
    if row.content_hash != run.statement.content_hash:
        note = " (the file changed after posting started; the frozen plan was kept, --replan re-plans the rest)"
    journal.set_thread_status(row.id, ThreadStatus.SENDING, run.now())
    root = parent = None
    try:
        for post in posts:
            if post.status != PostStatus.SENT:
                _check_cap(run, cap, post)
                ref = _send(run, post, root, parent)
                post = replace(post, status=PostStatus.SENT, ref=ref)
                run.progressed = True
            if post.action != Action.BOOST:
                root, parent = root or post.ref, post.ref
    except _Stop as stop:
        if run.progressed:
            journal.clear_failures(row.id)  # whatever failed before, this run got posts out
        if stop.transient:
            stop = _retry_later(run, stop)
        journal.set_thread_status(row.id, stop.status, run.now(), stop.message, stop.not_before)
        return _result(run, Outcome(stop.status), stop.message, journal.posts(row.id), stop.not_before)
    except BotError as e:
        journal.set_thread_status(row.id, ThreadStatus.FAILED, run.now(), str(e))
        return _result(run, Outcome.FAILED, str(e), journal.posts(row.id))
    except Exception as e:  # an adapter bug must not stop the other accounts; the row stays 'sending'
        message = f"{run.who}: unexpected {type(e).__name__}; run again to resume"
        journal.set_thread_status(row.id, ThreadStatus.FAILED, run.now(), message)
        return _result(run, Outcome.FAILED, message, journal.posts(row.id))
    journal.set_thread_status(row.id, ThreadStatus.SENT, run.now())
    if row.retries:
        journal.clear_failures(row.id)
    return _result(run, Outcome.SENT, f"{len(posts)} post{'s' if len(posts) != 1 else ''}{note}", journal.posts(row.id))


def _result(
    run: _Run, status: Outcome, message: str, posts: Sequence[PostRow], not_before: datetime | None = None
) -> ThreadResult:
    sent = [p for p in posts if p.status == PostStatus.SENT]
    url = sent[0].ref.url if sent and sent[0].ref else None
    return ThreadResult(run.row.account, status, message, len(sent), len(posts), url, not_before)


def _said(error: BaseException, account: str) -> str:
    """The error's message without the adapter's own "account 'name': " (the run's message names the account)."""
    text, prefix = str(error), f"account {account!r}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def _retry_later(run: _Run, stop: _Stop) -> _Stop:
    """A transient failure outlasted the inline retries: pause to try again later, or give up.

    The wait doubles with each stop in the streak (kept in the journal, so a restart keeps
    it), from ``retry_wait_first_seconds`` to ``retry_wait_max_seconds``, with jitter;
    ``give_up_after_hours`` after the streak began, the thread fails for a person to see.
    """
    settings, now = run.settings, run.now()
    row = run.journal.note_transient_failure(run.row.id, now)
    since = row.failing_since or now
    if now - since >= timedelta(hours=settings.give_up_after_hours):
        hours = (now - since).total_seconds() / 3600
        return _Stop(ThreadStatus.FAILED, f"{stop.message}; gave up after {hours:.0f} hours of failures")
    ceiling = min(settings.retry_wait_max_seconds, settings.retry_wait_first_seconds * 2 ** (row.retries - 1))
    until = now + timedelta(seconds=run.rng.uniform(ceiling / 2, ceiling))
    return _Stop(ThreadStatus.PAUSED, f"{stop.message}; trying again at {until:%Y-%m-%d %H:%M:%S} UTC", until)


def _check_cap(run: _Run, cap: int | None, post: PostRow) -> None:
    """Pause the thread when the account's rolling 24-hour budget is spent."""
    if not cap:
        return
    now = run.now()
    times = run.journal.sent_times(run.row.account, now - DAY)
    if len(times) >= cap:
        until = times[len(times) - cap] + DAY
        raise _Stop(
            ThreadStatus.PAUSED,
            f"{run.who}: daily cap of {cap} posts reached at post {post.index}/{run.total}; "
            f"continues at {until:%Y-%m-%d %H:%M} UTC",
            until,
        )


def _send(run: _Run, post: PostRow, root: PostRef | None, parent: PostRef | None) -> PostRef:
    """Send one post until it is surely sent, or raise ``_Stop``."""
    journal, adapter = run.journal, run.adapter
    uncertain = post.status in (PostStatus.SENDING, PostStatus.UNKNOWN)
    out = Outgoing(
        text=post.text,
        key=post.key,
        rkey=post.rkey,
        language=run.row.language,
        reply_to=parent,
        root=root,
        quote=post.quote if post.action == Action.QUOTE else None,
        card=post.card,
    )
    failures = limited = reuploads = 0
    last_attempt = post.updated
    proven = False  # X refused a resend as a duplicate: the post is online, only its id is missing
    while True:
        posting = False  # only a failure of the post call itself leaves its outcome unknown (not an upload's)
        try:
            found: PostRef | None
            if proven:
                found = _find_proven(run, post, out)
            else:
                found = _recover(run, post, out, last_attempt) if uncertain else None
            if found is None:
                if post.action != Action.BOOST:
                    out = replace(out, media=attachments(journal, adapter, post.id, run.now()))
                _pace(run)
                last_attempt, posting = run.now(), True
                journal.mark_sending(post.id, last_attempt)
                if post.action == Action.BOOST and post.quote is not None:
                    adapter.boost(post.quote)
                    found = post.quote
                else:
                    found = adapter.post(out)
            journal.mark_sent(post.id, found, run.now())
            return found
        except Duplicate as e:
            journal.mark_failed(post.id, str(e), run.now(), unknown=uncertain)
            if uncertain and run.recovery.duplicate_proves_sent:
                proven = True
                continue
            raise _Stop(
                ThreadStatus.FAILED,
                f"{run.who}: post {post.index}/{run.total} refused as a duplicate: {_said(e, run.row.account)}",
            ) from None
        except RateLimited as e:
            journal.mark_failed(post.id, str(e), run.now(), unknown=uncertain)
            limited += 1
            wait = (e.retry_at - run.now()).total_seconds() if e.retry_at else run.backoff(limited)
            if wait > MAX_INLINE_WAIT.total_seconds() or limited >= run.settings.max_attempts:
                until = run.now() + timedelta(seconds=max(wait, 0))
                raise _Stop(
                    ThreadStatus.PAUSED,
                    f"{run.who}: rate limited at post {post.index}/{run.total}; "
                    f"continues at {until:%Y-%m-%d %H:%M:%S} UTC",
                    until,
                ) from None
            run.sleep(max(wait, 0.0))
        except Unavailable as e:
            # A timeout may hit after the network saved the post: from now on the outcome is unknown.
            uncertain = uncertain or posting
            journal.mark_failed(post.id, str(e), run.now(), unknown=uncertain)
            failures += 1
            if failures >= run.settings.max_attempts:
                raise _Stop(
                    ThreadStatus.FAILED,
                    f"{run.who}: post {post.index}/{run.total} failed {failures} times, "
                    f"last: {_said(e, run.row.account)}",
                    transient=True,
                ) from None
            run.sleep(run.backoff(failures))
        except MediaGone as e:
            journal.mark_failed(post.id, str(e), run.now(), unknown=uncertain)
            journal.forget_uploads(post.id)  # the network forgot them: upload again, once
            reuploads += 1
            if reuploads > 1:
                raise _Stop(
                    ThreadStatus.FAILED, f"{run.who}: post {post.index}/{run.total}: {_said(e, run.row.account)}"
                ) from None
        except (AuthError, Rejected) as e:
            journal.mark_failed(post.id, str(e), run.now(), unknown=uncertain)
            if uncertain and isinstance(e, Rejected):
                raise run.attention(
                    post, f"the earlier attempt's outcome is unknown and now: {_said(e, run.row.account)}"
                ) from None
            if isinstance(e, ReplyRefused):
                raise _Stop(
                    ThreadStatus.NEEDS_ATTENTION,
                    f"{run.who}: post {post.index}/{run.total} was refused as a reply in the thread: "
                    f"{_said(e, run.row.account)}. The posts "
                    f"before it stay online. Post the rest by hand and record each with `statement-bot post "
                    f"{run.statement.path or run.statement.id} --account {run.row.account} --resolve INDEX=ID`, or "
                    f"retract the thread and set `mode: single` for this account (one post linking the statement).",
                ) from None
            raise _Stop(
                ThreadStatus.FAILED, f"{run.who}: post {post.index}/{run.total}: {_said(e, run.row.account)}"
            ) from None


def _pace(run: _Run) -> None:
    """Wait while one more post would break the network's ``Pace``, counting the account's posts in the journal."""
    pace = network_of(run.row.platform).pace
    if pace is None:
        return
    now = run.now()
    times = run.journal.sent_times(run.row.account, now - pace.per)
    if len(times) >= pace.posts:
        wait = (times[len(times) - pace.posts] + pace.per - now).total_seconds()
        if wait > 0:
            run.sleep(wait)


def _recover(run: _Run, post: PostRow, out: Outgoing, last_attempt: datetime | None) -> PostRef | None:
    """After an unknown outcome: the post if the network shows it exists, None to resend.

    The network's ``Recovery`` decides: resend while it deduplicates by itself (an
    idempotency key's window; X always, its duplicate refusal then proves the post, see
    ``_find_proven``), else look the post up first. Boosts are idempotent everywhere.
    """
    within = run.recovery.resend_within
    age = run.now() - last_attempt if last_attempt is not None else None
    if post.action == Action.BOOST or within == FOREVER or (age is not None and age < within):
        return None
    try:
        return run.adapter.find(out)
    except Rejected as e:
        raise run.attention(post, f"the network gives no way to check: {_said(e, run.row.account)}") from None


def _find_proven(run: _Run, post: PostRow, out: Outgoing) -> PostRef:
    """A duplicate refusal after an unknown outcome proves the post is online: find its id, or stop for a person."""
    try:
        found = run.adapter.find(out)
    except Rejected as e:
        raise run.attention(post, f"the resend was refused as a duplicate, and {_said(e, run.row.account)}") from None
    if found is None:
        raise run.attention(post, "the resend was refused as a duplicate, but it is not among the recent posts")
    return found
