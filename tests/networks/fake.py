"""An in-memory network for tests of the publisher: keeps the ``Adapter`` contract,
behaves like the chosen network where duplicates are concerned, and fails on cue.

Not used in production. ``fail(...)`` queues faults for the next calls, and with
``commit=True`` the post is saved before the error is raised: the "sent, but the
client never heard back" case a crash or timeout produces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.errors import Duplicate, Rejected
from bot.networks.base import AccountCheck, Limits, Outgoing, PostRef


@dataclass
class FakePost:
    """One post as the fake network stores it."""

    ref: PostRef
    text: str
    key: str
    rkey: str
    reply_to: str | None
    root: str | None
    quote: str | None
    deleted: bool = False


@dataclass
class _Fault:
    call: str
    error: BaseException
    commit: bool


@dataclass
class FakeAdapter:
    """An ``Adapter`` over a dict. ``platform`` picks the duplicate rules:

    mastodon: the same Idempotency-Key returns the same post; bluesky: a reused rkey
    adopts the existing record and ``find`` looks it up by rkey; x: the same text is
    refused as ``Duplicate`` and ``find`` reads the timeline unless ``can_read`` is False.
    """

    platform: str = "mastodon"
    account: str = "fake"
    can_read: bool = True
    max_chars: int = 500
    posts: list[FakePost] = field(default_factory=list)
    boosts: list[str] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    faults: list[_Fault] = field(default_factory=list)
    closed: bool = False
    refuse: tuple[int, BaseException] | None = None

    def refuse_after(self, count: int, error: BaseException) -> None:
        """Once ``count`` posts exist, every further ``post`` raises ``error`` (until ``allow()``)."""
        self.refuse = (count, error)

    def allow(self) -> None:
        """Stop refusing posts."""
        self.refuse = None

    def fail(self, error: BaseException, *, call: str = "post", commit: bool = False, times: int = 1) -> None:
        """Make the next ``times`` calls of ``call`` raise ``error`` (after saving, if ``commit``)."""
        self.faults.extend(_Fault(call, error, commit) for _ in range(times))

    def live(self) -> list[FakePost]:
        """Posts that exist (not deleted), oldest first."""
        return [p for p in self.posts if not p.deleted]

    def _fault(self, call: str) -> _Fault | None:
        self.calls.append(call)
        for i, fault in enumerate(self.faults):
            if fault.call == call:
                return self.faults.pop(i)
        return None

    def check(self) -> AccountCheck:
        """Who the fake account is; it may post."""
        return AccountCheck(f"@{self.account}", True)

    def limits(self) -> Limits:
        """What the fake network reports: ``max_chars``, URLs costing 23."""
        return Limits(self.max_chars, 23)

    def post(self, out: Outgoing) -> PostRef:
        """Save the post the way the chosen network would, or raise the queued fault."""
        fault = self._fault("post")
        if self.refuse and len(self.live()) >= self.refuse[0]:
            raise self.refuse[1]
        if fault and not fault.commit:
            raise fault.error
        ref = self._save(out)
        if fault:
            raise fault.error
        return ref

    def _save(self, out: Outgoing) -> PostRef:
        for p in self.live():
            if self.platform == "mastodon" and p.key == out.key:
                return p.ref
            if self.platform == "bluesky" and p.rkey == out.rkey:
                return p.ref
            if self.platform == "x" and p.text == out.text:
                raise Duplicate(f"account {self.account!r}: you already said that", self.account)
        if len(out.text) > self.max_chars:
            raise Rejected(f"account {self.account!r}: text over {self.max_chars} characters", self.account)
        number = len(self.posts) + 1
        post_id = f"at://did:fake/app.bsky.feed.post/{out.rkey}" if self.platform == "bluesky" else str(1000 + number)
        ref = PostRef(post_id, f"https://fake.example/{self.account}/{number}", f"cid{number}")
        self.posts.append(
            FakePost(
                ref,
                out.text,
                out.key,
                out.rkey,
                out.reply_to.id if out.reply_to else None,
                out.root.id if out.root else None,
                out.quote.id if out.quote else None,
            )
        )
        return ref

    def find(self, out: Outgoing) -> PostRef | None:
        """The existing post matching ``out`` (rkey on Bluesky, text and parent elsewhere)."""
        fault = self._fault("find")
        if fault:
            raise fault.error
        if self.platform == "x" and not self.can_read:
            raise Rejected(f"account {self.account!r}: this access level cannot read the timeline", self.account)
        parent = out.reply_to and out.reply_to.id
        for p in self.live():
            if p.rkey == out.rkey if self.platform == "bluesky" else (p.text == out.text and p.reply_to == parent):
                return p.ref
        return None

    def exists(self, ref: PostRef) -> bool:
        """Whether the post is there."""
        return any(p.ref.id == ref.id for p in self.live())

    def boost(self, ref: PostRef) -> None:
        """Boost once; boosting again changes nothing."""
        fault = self._fault("boost")
        if fault and not fault.commit:
            raise fault.error
        if ref.id not in self.boosts:
            self.boosts.append(ref.id)
        if fault:
            raise fault.error

    def delete(self, ref: PostRef) -> None:
        """Delete; a post already gone is fine."""
        fault = self._fault("delete")
        if fault:
            raise fault.error
        self.deletions.append(ref.id)
        for p in self.posts:
            if p.ref.id == ref.id:
                p.deleted = True

    def close(self) -> None:
        """Nothing to release."""
        self.closed = True


def chain_ok(adapter: FakeAdapter, texts: list[str]) -> bool:
    """True when the live posts are exactly ``texts``, once each, each replying to the one before."""
    live = adapter.live()
    if [p.text for p in live] != texts:
        return False
    return all(
        p.reply_to == (live[i - 1].ref.id if i else None) and p.root == (live[0].ref.id if i else None)
        for i, p in enumerate(live)
    )
