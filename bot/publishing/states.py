"""The states of threads and posts in the journal, and what a publishing run can end as.

StrEnums: each member is its journal text, so rows read back compare equal to members.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a journal thread is: the statement's thread, or one year's anniversary repost."""

    THREAD = "thread"
    ANNIVERSARY = "anniversary"


class Action(StrEnum):
    """What one planned post does on the network."""

    POST = "post"
    QUOTE = "quote"
    BOOST = "boost"


class ThreadStatus(StrEnum):
    """A thread's state in the journal."""

    PLANNED = "planned"  # frozen, nothing sent yet (or a person answered --resolve)
    SENDING = "sending"  # a run is posting it (or died while it was)
    SENT = "sent"
    FAILED = "failed"  # stopped by an error; the message says what to do
    NEEDS_ATTENTION = "needs_attention"  # a post's outcome is unknown and the network cannot tell
    PAUSED = "paused"  # daily cap or a long rate limit: continues after ``not_before``
    RETRACTED = "retracted"


class PostStatus(StrEnum):
    """A post's state in the journal."""

    PLANNED = "planned"
    SENDING = "sending"  # the intent, committed before the network call
    SENT = "sent"
    FAILED = "failed"  # surely not posted
    UNKNOWN = "unknown"  # perhaps posted: settled by the network's recovery before any resend
    DELETED = "deleted"


# Posts that may be online, so a replan must keep them and a retract must delete them.
MAYBE_ONLINE = frozenset({PostStatus.SENDING, PostStatus.SENT, PostStatus.UNKNOWN})


class Outcome(StrEnum):
    """How one run of one account's thread ended."""

    SENT = "sent"
    PAUSED = "paused"
    FAILED = "failed"
    NEEDS_ATTENTION = "needs_attention"
    RETRACTED = "retracted"
    BUSY = "busy"  # another process is posting this thread right now; nothing was done
    HELD = "held"  # over the account's max_cost_usd with over_budget: hold; nothing was sent
