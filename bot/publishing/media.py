"""A post's files, uploaded once: what the journal froze with the plan, uploaded where the network wants it first.

For an adapter that is an ``Uploader`` (X, Mastodon, Bluesky) each file is uploaded before
the post, the intent committed before the call and the network's answer (its id for the
file, and until when it keeps it) right after. A rerun after a crash reuses a recorded
upload until shortly before it expires, and uploads again only after that, or when the
network says it no longer knows it (``MediaGone``, see ``bot.publishing.send``). A crash
between an upload and its record leaves an unattached upload on the network, which it
deletes by itself; it never makes a second post. Other adapters get the bytes
(``Attached.remote`` None) and send them with the post.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.networks.base import Adapter, Attached, Uploader
from bot.publishing.journal import Journal

# An upload this close to its expiry is uploaded again rather than risked.
MARGIN = timedelta(minutes=10)


def attachments(journal: Journal, adapter: Adapter, post_id: int, now: datetime) -> tuple[Attached, ...]:
    """The post's files ready to send: uploaded (or reused) for an ``Uploader``, as bytes otherwise."""
    rows = journal.post_media(post_id)
    if not isinstance(adapter, Uploader):
        return tuple(Attached(row.media) for row in rows)
    out = []
    for row in rows:
        if row.remote and (row.expires_at is None or row.expires_at - MARGIN > now):
            out.append(Attached(row.media, row.remote))
            continue
        journal.mark_uploading(post_id, row.position, now)
        uploaded = adapter.upload(row.media)
        journal.mark_uploaded(post_id, row.position, uploaded, now)
        out.append(Attached(row.media, uploaded.id))
    return tuple(out)
