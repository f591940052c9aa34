"""The one contract every network adapter keeps.

The publisher only ever talks to an ``Adapter``. Adapters translate their SDK's
exceptions into ``bot.errors.PublishError`` subclasses at the boundary (``raise … from e``)
and never log or raise secret values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PostRef:
    """Where a post lives on its network: X/Mastodon id, or Bluesky at:// uri + cid."""

    id: str
    url: str | None = None
    cid: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """One post to send, with everything needed to send it exactly once.

    ``key`` is deterministic (statement id, account, thread kind, index): Mastodon's
    Idempotency-Key. ``rkey`` is a TID fixed in the journal before the first attempt:
    Bluesky's record key. ``root``/``reply_to`` chain replies; ``quote`` makes a quote post.
    """

    text: str
    key: str
    rkey: str
    language: str
    reply_to: PostRef | None = None
    root: PostRef | None = None
    quote: PostRef | None = None


class Adapter(Protocol):
    """What the publisher needs from a network. Every call has a timeout."""

    def limit(self) -> tuple[int, int]:
        """(character limit, URL cost) for this account, from the network where it says."""

    def post(self, out: Outgoing) -> PostRef:
        """Send one post (or reply, or quote). Raises a PublishError subclass on failure."""

    def find(self, out: Outgoing) -> PostRef | None:
        """After an unknown outcome: the post if it already exists, None if surely not.

        Raises ``Rejected`` when the network gives no way to tell (X free tier), so the
        publisher can stop the thread as needing attention instead of guessing.
        """

    def exists(self, ref: PostRef) -> bool:
        """Whether a post is still there (anniversaries of deleted posts)."""

    def boost(self, ref: PostRef) -> None:
        """Reblog/repost ``ref`` (Mastodon anniversaries); idempotent."""

    def delete(self, ref: PostRef) -> None:
        """Delete a post; deleting one already gone is not an error."""

    def close(self) -> None:
        """Release connections."""
