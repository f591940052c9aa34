"""Send a thread exactly once, resuming where it stopped; the journal is the truth.

The plan is frozen in the journal when posting starts. Each post's intent is
committed before the network call and its result right after, so a crash leaves at
most one post whose outcome is unknown; each network's own means then settle it
(see ``_recover``) before anything is sent again.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.config import Config, PublishingSettings
from bot.errors import AuthError, BotError, ConfigError, Duplicate, RateLimited, Rejected, Unavailable
from bot.journal import Journal, NewPost, PostRow, ThreadRow, tid
from bot.model import Account, Statement, Thread
from bot.networks.base import Adapter, Outgoing, PostRef

# Longer waits than this pause the thread (not_before) instead of blocking the process.
MAX_INLINE_WAIT = timedelta(minutes=15)
DAY = timedelta(hours=24)
# Mastodon forgets an Idempotency-Key after about an hour; older unknowns are looked up first.
MASTODON_KEY_WINDOW = timedelta(minutes=50)
NETWORK_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class ThreadResult:
    """What happened to one account's thread: status, one-line message, progress."""

    account: str
    status: str  # sent | paused | failed | needs_attention | busy | retracted
    message: str
    sent: int = 0
    total: int = 0
    url: str | None = None
    not_before: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when nothing needs a person: sent, or paused to continue by itself."""
        return self.status in ("sent", "paused")


def post_key(statement_id: str, account: str, kind: str, occasion: str, index: int) -> str:
    """The deterministic Idempotency-Key of one post."""
    raw = "\x1f".join((statement_id, account, kind, occasion, str(index)))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def plan_posts(thread: Thread, *, kind: str, occasion: str, now: datetime, clock_id: int,
               quote: PostRef | None = None, boost: PostRef | None = None) -> list[NewPost]:
    """The rows to freeze for ``thread``; rkeys are TIDs from ``now``, one microsecond apart."""
    base = int(now.timestamp() * 1_000_000)

    def row(index: int, text: str, action: str = "post", target: PostRef | None = None) -> NewPost:
        key = post_key(thread.statement_id, thread.account, kind, occasion, index)
        return NewPost(index, text, key, tid(base + index, clock_id), action, target)

    if boost is not None:
        return [row(1, f"boost of {boost.url or boost.id}", "boost", boost)]
    return [row(p.index, p.text, "quote" if quote and p.index == 1 else "post", quote if p.index == 1 else None)
            for p in thread.posts]


def freeze(journal: Journal, thread: Thread, statement: Statement, *, now: datetime, replan: bool = False,
           kind: str = "thread", occasion: str = "", quote: PostRef | None = None, boost: PostRef | None = None,
           rng: random.Random | None = None) -> ThreadRow:
    """The journal's frozen thread, created on first use; ``replan`` re-plans its unsent part."""
    row = journal.thread(statement.id, thread.account, kind, occasion)
    if row is not None and not replan:
        return row
    clock_id = (rng or random.Random()).randrange(1024)
    posts = plan_posts(thread, kind=kind, occasion=occasion, now=now, clock_id=clock_id, quote=quote, boost=boost)
    if row is None:
        return journal.create_thread(statement.id, thread.account, thread.platform, kind, occasion,
                                     statement.content_hash, thread.language, posts, now)
    journal.replan(row.id, statement.content_hash, thread.language, posts, now)
    return journal.thread_by_id(row.id)


class _Stop(Exception):
    """Ends a thread's run early with a result."""

    def __init__(self, status: str, message: str, not_before: datetime | None = None):
        super().__init__(message)
        self.status, self.message, self.not_before = status, message, not_before


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

    @property
    def who(self) -> str:
        return f"{NETWORK_NAMES.get(self.row.platform, self.row.platform)} account {self.row.account!r}"

    def backoff(self, failures: int) -> float:
        """Exponential backoff, capped, with jitter (a random wait between half and all of it)."""
        ceiling = min(self.settings.backoff_max_seconds, self.settings.backoff_base_seconds * 2 ** (failures - 1))
        return self.rng.uniform(ceiling / 2, ceiling)

    def attention(self, post: PostRow, why: str) -> _Stop:
        """Stop for a person, saying what to check and how to resume."""
        path = self.statement.path or self.statement.id
        occasion = f" --occasion {self.row.occasion}" if self.row.occasion else ""
        return _Stop("needs_attention", (
            f"{self.who}: post {post.index}/{self.total} may already be online ({why}). Check the account's "
            f"recent posts for one starting {post.text[:40]!r}; then run `statement-bot post {path} --account "
            f"{self.row.account}{occasion} --resolve {post.index}=POST_ID` if it is there, or "
            f"`--resolve {post.index}=none` if it is not."))


def publish_thread(journal: Journal, adapter: Adapter, thread: Thread, statement: Statement, *,
                   now: Clock, sleep: Sleep, settings: PublishingSettings, replan: bool = False,
                   posts_per_day: int | None = None, kind: str = "thread", occasion: str = "",
                   quote: PostRef | None = None, boost: PostRef | None = None,
                   rng: random.Random | None = None) -> ThreadResult:
    """Post (or continue) one account's thread; never sends a post twice.

    ``kind="anniversary"`` with ``occasion`` (the year) makes a separate thread whose
    first post quotes ``quote``, or a single ``boost`` of that post.
    """
    rng = rng or random.Random()

    def frozen(again: bool) -> ThreadRow:
        return freeze(journal, thread, statement, now=now(), replan=again, kind=kind, occasion=occasion,
                      quote=quote, boost=boost, rng=rng)

    row = frozen(False)
    if not journal.lock_thread(row.id):
        return ThreadResult(row.account, "busy", "another statement-bot process is posting this thread right now")
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
    if row.status in ("retracted", "needs_attention"):
        return _result(run, row.status, row.last_error or "retracted earlier; not posting it again", posts)
    if row.not_before and row.not_before > run.now():
        return _result(run, "paused", row.last_error or "paused", posts, row.not_before)
    note = ""
    if row.content_hash != run.statement.content_hash:
        note = " (the file changed after posting started; the frozen plan was kept, --replan re-plans the rest)"
    journal.set_thread_status(row.id, "sending", run.now())
    root = parent = None
    try:
        for post in posts:
            if post.status != "sent":
                _check_cap(run, cap, post)
                ref = _send(run, post, root, parent)
                post = replace(post, status="sent", ref=ref)
            if post.action != "boost":
                root, parent = root or post.ref, post.ref
    except _Stop as stop:
        journal.set_thread_status(row.id, stop.status, run.now(), stop.message, stop.not_before)
        return _result(run, stop.status, stop.message, journal.posts(row.id), stop.not_before)
    except BotError as e:
        journal.set_thread_status(row.id, "failed", run.now(), str(e))
        return _result(run, "failed", str(e), journal.posts(row.id))
    except Exception as e:  # an adapter bug must not stop the other accounts; the row stays 'sending'
        message = f"{run.who}: unexpected {type(e).__name__}; run again to resume"
        journal.set_thread_status(row.id, "failed", run.now(), message)
        return _result(run, "failed", message, journal.posts(row.id))
    journal.set_thread_status(row.id, "sent", run.now())
    return _result(run, "sent", f"{len(posts)} post{'s' if len(posts) != 1 else ''}{note}", journal.posts(row.id))


def _result(run: _Run, status: str, message: str, posts: Sequence[PostRow],
            not_before: datetime | None = None) -> ThreadResult:
    sent = [p for p in posts if p.status == "sent"]
    url = sent[0].ref.url if sent and sent[0].ref else None
    return ThreadResult(run.row.account, status, message, len(sent), len(posts), url, not_before)


def _check_cap(run: _Run, cap: int | None, post: PostRow) -> None:
    """Pause the thread when the account's rolling 24-hour budget is spent."""
    if not cap:
        return
    now = run.now()
    times = run.journal.sent_times(run.row.account, now - DAY)
    if len(times) >= cap:
        until = times[len(times) - cap] + DAY
        raise _Stop("paused", f"{run.who}: daily cap of {cap} posts reached at post {post.index}/{run.total}; "
                              f"continues at {until:%Y-%m-%d %H:%M} UTC", until)


def _send(run: _Run, post: PostRow, root: PostRef | None, parent: PostRef | None) -> PostRef:
    """Send one post until it is surely sent, or raise ``_Stop``."""
    journal, adapter = run.journal, run.adapter
    uncertain = post.status in ("sending", "unknown")
    out = Outgoing(text=post.text, key=post.key, rkey=post.rkey, language=run.row.language, reply_to=parent,
                   root=root, quote=post.quote if post.action == "quote" else None)
    failures = limited = 0
    last_attempt = post.updated
    proven = False  # X refused a resend as a duplicate: the post is online, only its id is missing
    while True:
        try:
            if proven:
                found = _find_proven(run, post, out)
            else:
                found = _recover(run, post, out, last_attempt) if uncertain else None
            if found is None:
                last_attempt = run.now()
                journal.mark_sending(post.id, last_attempt)
                if post.action == "boost" and post.quote is not None:
                    adapter.boost(post.quote)
                    found = post.quote
                else:
                    found = adapter.post(out)
            journal.mark_sent(post.id, found, run.now())
            return found
        except Duplicate as e:
            journal.mark_failed(post.id, str(e), run.now(), unknown=uncertain)
            if uncertain and run.row.platform == "x":
                proven = True
                continue
            raise _Stop("failed", f"{run.who}: post {post.index}/{run.total} refused as a duplicate: {e}") from None
        except RateLimited as e:
            journal.mark_failed(post.id, str(e), run.now(), unknown=uncertain)
            limited += 1
            wait = (e.retry_at - run.now()).total_seconds() if e.retry_at else run.backoff(limited)
            if wait > MAX_INLINE_WAIT.total_seconds() or limited >= run.settings.max_attempts:
                until = run.now() + timedelta(seconds=max(wait, 0))
                raise _Stop("paused", f"{run.who}: rate limited at post {post.index}/{run.total}; "
                                      f"continues at {until:%Y-%m-%d %H:%M:%S} UTC", until) from None
            run.sleep(max(wait, 0.0))
        except Unavailable as e:
            # A timeout may hit after the network saved the post: from now on the outcome is unknown.
            uncertain = True
            journal.mark_failed(post.id, str(e), run.now(), unknown=True)
            failures += 1
            if failures >= run.settings.max_attempts:
                raise _Stop("failed", f"{run.who}: post {post.index}/{run.total} failed {failures} times, last: "
                                      f"{e}; run again to resume") from None
            run.sleep(run.backoff(failures))
        except (AuthError, Rejected) as e:
            journal.mark_failed(post.id, str(e), run.now(), unknown=uncertain)
            if uncertain and isinstance(e, Rejected):
                raise run.attention(post, f"the earlier attempt's outcome is unknown and now: {e}") from None
            raise _Stop("failed", f"{run.who}: post {post.index}/{run.total}: {e}") from None


def _recover(run: _Run, post: PostRow, out: Outgoing, last_attempt: datetime | None) -> PostRef | None:
    """After an unknown outcome: the post if the network shows it exists, None to resend.

    Bluesky: look the record up by its fixed rkey. Mastodon: resend with the same
    Idempotency-Key while the server still remembers it, else look it up. X: resend,
    and let X's duplicate-content refusal prove it exists (``_adopt_duplicate``).
    """
    platform = run.row.platform
    if platform == "x" or post.action == "boost":
        return None  # boosts are idempotent on every network
    if platform == "mastodon":
        if last_attempt is not None and run.now() - last_attempt < MASTODON_KEY_WINDOW:
            return None
    try:
        return run.adapter.find(out)
    except Rejected as e:
        raise run.attention(post, f"the network gives no way to check: {e}") from None


def _find_proven(run: _Run, post: PostRow, out: Outgoing) -> PostRef:
    """X said duplicate after an unknown outcome: find the post's id, or stop for a person."""
    try:
        found = run.adapter.find(out)
    except Rejected as e:
        raise run.attention(post, f"X refused the resend as a duplicate, and {e}") from None
    if found is None:
        raise run.attention(post, "X refused the resend as a duplicate, but it is not among the recent posts")
    return found


def publish_statement(journal: Journal, statement: Statement, threads: Sequence[Thread], config: Config,
                      adapter_for: Callable[[Account], Adapter], *, now: Clock, sleep: Sleep, replan: bool = False,
                      refit: Callable[[Thread, Adapter], Thread] | None = None) -> list[ThreadResult]:
    """Post every thread, one account after another; one account failing never stops the others.

    ``refit`` re-splits a thread with what the network says about its limits; it is
    only asked for threads not yet frozen (or being re-planned).
    """
    journal.record_statement(statement.id, statement.path, statement.content_hash, statement.title, now())
    results = []
    for thread in threads:
        account = config.account(thread.account)
        adapter = None
        try:
            adapter = adapter_for(account)
            if refit and (replan or journal.thread(statement.id, account.name) is None):
                thread = refit(thread, adapter)
            results.append(publish_thread(journal, adapter, thread, statement, now=now, sleep=sleep,
                                          settings=config.publishing, replan=replan,
                                          posts_per_day=account.posts_per_day))
        except BotError as e:
            results.append(ThreadResult(account.name, "failed", str(e)))
        finally:
            if adapter is not None:
                adapter.close()
    return results


def resolve_post(journal: Journal, statement_id: str, account: str, index: int, ref: PostRef | None,
                 now: datetime, occasion: str = "") -> None:
    """A person's answer for a post whose outcome was unknown: its id, or None for "not posted"."""
    row = journal.thread(statement_id, account, "anniversary" if occasion else "thread", occasion)
    post = next((p for p in journal.posts(row.id) if p.index == index), None) if row else None
    if row is None or post is None:
        what = f"the {occasion} anniversary of " if occasion else ""
        raise ConfigError(f"--resolve {index}: account {account!r} has no post {index} in {what}{statement_id!r}")
    if row.platform == "bluesky":
        raise ConfigError("--resolve: Bluesky posts are found by their record key; run post again without it")
    if post.status == "sent":
        raise ConfigError(f"--resolve {index}: post {index} is already recorded as sent")
    if ref is None:
        journal.mark_failed(post.id, "a person checked: not posted", now)
    else:
        journal.mark_sent(post.id, ref, now)
    journal.set_thread_status(row.id, "planned", now)


@dataclass(frozen=True)
class DryRunThread:
    """What ``post`` would do for one account: each post's index, text and journal state."""

    account: str
    platform: str
    posts: tuple[tuple[int, str, str], ...]  # (index, text, planned | sent | unknown | ...)
    note: str = ""


def plan_dry_run(journal: Journal | None, threads: Sequence[Thread], statement: Statement, *,
                 replan: bool = False) -> list[DryRunThread]:
    """What would be sent, marking what the journal already has; no network, no writes."""
    plans = []
    for thread in threads:
        row = journal.thread(statement.id, thread.account) if journal else None
        fresh = tuple((p.index, p.text, "planned") for p in thread.posts)
        if row is None or journal is None:
            plans.append(DryRunThread(thread.account, thread.platform, fresh))
            continue
        frozen = [(p.index, p.text, p.status) for p in journal.posts(row.id)]
        note = f"thread is {row.status}" + (f": {row.last_error}" if row.last_error else "")
        if replan:
            kept = max((i for i, _, s in frozen if s not in ("planned", "failed")), default=0)
            frozen = [f for f in frozen if f[0] <= kept] + [f for f in fresh if f[0] > kept]
        elif row.content_hash != statement.content_hash:
            note += "; the file changed since it was frozen (--replan to re-plan the unsent part)"
        plans.append(DryRunThread(thread.account, thread.platform, tuple(frozen), note))
    return plans
