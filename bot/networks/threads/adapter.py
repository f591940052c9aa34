"""Threads through its Graph API (plain HTTP, httpx).

A post is a text container (``POST /me/threads``, with ``reply_to_id`` or
``quote_post_id``), or an image one whose ``image_url`` Meta fetches from the account's
``media_dir`` (``hosting.py``), published by ``POST /me/threads_publish``. The container's id is kept
in the journal's key/value store before it is published, so after an unknown outcome
``find`` asks the container's status: not ``PUBLISHED`` means the post is surely not
online (and the same container is published next); ``PUBLISHED`` means it is, and it is
looked up among the profile's recent threads or replies by text and reply target.
A crash between creating and publishing a container is harmless: containers are not
public, and unpublished ones expire after 24 hours.

When Threads refuses a publish because the profile's 24-hour quota is spent (250 posts,
1,000 replies; ``threads_publishing_limit``), the post waits as for a rate limit, until
the oldest post in the window is 24 hours old.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.errors import RateLimited, Rejected, Unavailable
from bot.model import Account
from bot.networks.base import AccountCheck, KeyValue, Limits, Outgoing, PostRef
from bot.networks.threads import API
from bot.networks.threads.graph import Graph, GraphRejected, GraphThrottled
from bot.networks.threads.hosting import MediaHost, await_image, container_params
from bot.networks.threads.tokens import TokenKeeper, refresh_url

RECENT = 100  # posts per page when looking a post up (the API's maximum)
PAGES = 3  # pages read back at most
MEDIA_NOT_FOUND = 24  # threads_publish: the container is missing, expired or already published
READY_CHECKS = 10  # publish attempts while a container is still IN_PROGRESS
NOT_PUBLISHED = ("FINISHED", "IN_PROGRESS", "EXPIRED", "ERROR")


class ThreadsAdapter:
    """Posts, replies, quotes and deletes on one Threads profile."""

    def __init__(
        self,
        account: Account,
        *,
        token: str,
        timeout: float,
        store: KeyValue,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.account, self.store, self.clock, self.sleep = account, store, clock, sleep
        base = account.api_base or API
        self.tokens = TokenKeeper(store, account.name, token, clock)
        self.graph = Graph(account.name, base, timeout, self.tokens.current)
        self._refresh_url = refresh_url(base)
        self._checked: dict[str, str] = {}  # a container's status as ``find`` just read it
        self.host = MediaHost.of(account, timeout)  # where images go for Meta to fetch them

    def limits(self) -> Limits | None:
        """Threads reports no text limits: they are the documented ones."""
        return None

    def check(self) -> AccountCheck:
        """``GET /me`` and the publishing quota left: who the token belongs to, and whether it may post now."""
        self._ready()
        me = self.graph.call("GET", "/me", {"fields": "id,username"}, "check")
        quota = self.graph.call(
            "GET", f"/{me['id']}/threads_publishing_limit", {"fields": "quota_usage,config"}, "check"
        )
        usage = (quota.get("data") or [{}])[0]
        used, total = usage.get("quota_usage"), (usage.get("config") or {}).get("quota_total")
        left = None if used is None or total is None else int(total) - int(used)
        note = f"{left} of {total} posts left in 24 h" if left is not None else "quota not reported"
        can_post = None if left is None else left > 0
        problem = self.host.check() if self.host is not None else None
        if problem:  # every post with an image would fail
            note, can_post = f"{note}; images: {problem}", False
        return AccountCheck(f"@{me.get('username')}", can_post, note)

    def post(self, out: Outgoing) -> PostRef:
        """Publish one post (a reply, or a quote); its container is reused if an earlier attempt made one."""
        self._ready()
        kept = self._kept(out)
        status = None
        if kept is not None:
            status = self._checked.pop(kept, None) or self._status(kept)
        if status == "PUBLISHED":  # an earlier attempt got through: never publish the text again
            return self._published(out, kept)
        if kept is None or status not in ("FINISHED", "IN_PROGRESS"):
            kept = self._create(out)
        return self._publish(out, kept)

    def find(self, out: Outgoing) -> PostRef | None:
        """After an unknown outcome: the published post, or None when it surely was not published."""
        self._ready()
        kept = self._kept(out)
        status = self._status(kept) if kept is not None else None
        if kept is not None and status in NOT_PUBLISHED:
            self._checked = {kept: status}  # ``post`` comes next and need not ask again
            return None  # the post's container never went out; ``post`` publishes it
        if status == "PUBLISHED":
            return self._published(out, kept)
        return self._search(out)  # no container recorded means none was published: the search makes sure

    def exists(self, ref: PostRef) -> bool:
        """Whether the post can still be read."""
        try:
            self.graph.call("GET", f"/{ref.id}", {"fields": "id"}, "read")
        except GraphRejected as e:
            if e.code == 100:  # "Object with ID … does not exist"
                return False
            raise
        return True

    def boost(self, ref: PostRef) -> None:
        """Not used on Threads: anniversaries quote the original instead."""
        raise Rejected(
            f"account {self.account.name!r}: reposting is not used on Threads (anniversaries quote instead)",
            self.account.name,
        )

    def delete(self, ref: PostRef) -> None:
        """Delete a post (100 a day per profile); one already gone is fine."""
        self._ready()
        try:
            self.graph.call("DELETE", f"/{ref.id}", None, "delete")
        except GraphRejected as e:
            if e.code != 100:
                raise
        except GraphThrottled as e:  # 100 deletions a day: the oldest frees a slot within the day
            raise RateLimited(str(e), self.account.name, retry_at=self._at(3600) if e.code == 17 else None) from None

    def close(self) -> None:
        """Release the HTTP connections."""
        self.graph.close()

    # -- containers ---------------------------------------------------------------------
    def _create(self, out: Outgoing) -> str:
        """A new container for ``out`` (text, or an image with text), kept in the journal before it is published."""
        params = container_params(out, self.host, self.account.name)
        made = str(self.graph.call("POST", "/me/threads", params, "create container").get("id") or "")
        if not made:
            raise Unavailable(
                f"account {self.account.name!r}: Threads made a container without an id", self.account.name
            )
        # After a crash, ``find`` asks this container whether the post went out.
        self.store.set_value(self._key(out), json.dumps({"id": made, "text": _digest(out)}))
        return made

    def _publish(self, out: Outgoing, container: str) -> PostRef:
        """Publish ``container``: text containers are ready at once, image ones once Meta has fetched the image;
        one that is not is waited for, one that expired is made again (once)."""
        remade = False
        for _ in range(READY_CHECKS):
            self._await_image(out, container)
            try:
                answer = self.graph.call("POST", "/me/threads_publish", {"creation_id": container}, "publish")
            except GraphThrottled as e:
                raise self._throttled(e, reply=out.reply_to is not None) from None
            except GraphRejected as e:
                if e.code != MEDIA_NOT_FOUND:
                    raise
                status = self._status(container)
                if status == "PUBLISHED":
                    return self._published(out, container)
                if status != "IN_PROGRESS":  # expired, failed or gone: a new container, once
                    if remade:
                        raise
                    container, remade = self._create(out), True
                    continue
                self.sleep(1.0)
                continue
            media_id = str(answer.get("id") or "")
            if not media_id:
                raise Unavailable(f"account {self.account.name!r}: Threads published without an id", self.account.name)
            return PostRef(id=media_id, url=self._permalink(media_id))
        raise Unavailable(
            f"account {self.account.name!r}: Threads container {container} never got ready", self.account.name
        )

    def _await_image(self, out: Outgoing, container: str) -> None:
        """An image post's container is published once Meta has fetched the image (``hosting.await_image``)."""
        if out.media and self.host is not None:
            fields = {"fields": "status,error_message"}
            url = self.host.url(out.media[0].media)
            status = lambda: self.graph.call("GET", f"/{container}", fields, "read container status")  # noqa: E731
            await_image(status, self.sleep, self.account.name, url)

    def _published(self, out: Outgoing, container: str | None) -> PostRef:
        """The post a PUBLISHED container became, found by text and reply target; a person's call if it is not."""
        found = self._search(out)
        if found is None:
            raise Rejected(
                f"account {self.account.name!r}: Threads published container {container}, but the post is not "
                f"among the profile's {RECENT * PAGES} most recent (deleted, or buried under newer ones)",
                self.account.name,
            )
        return found

    def _status(self, container: str) -> str:
        try:
            answer = self.graph.call("GET", f"/{container}", {"fields": "status"}, "read container status")
        except GraphRejected:
            return "GONE"  # no such container (any more): the search decides
        return str(answer.get("status") or "")

    def _kept(self, out: Outgoing) -> str | None:
        """The container made for this post (same text) by an earlier attempt, if any."""
        try:
            data = json.loads(self.store.get_value(self._key(out)) or "null")
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("text") != _digest(out) or not data.get("id"):
            return None  # none, or made for a text (or image) the thread was re-planned away from
        return str(data["id"])

    def _key(self, out: Outgoing) -> str:
        return f"threads.container:{self.account.name}:{out.key}"

    # -- reading back -------------------------------------------------------------------
    def _search(self, out: Outgoing) -> PostRef | None:
        """The profile's recent post with this text and reply target (replies live in /replies)."""
        edge = "/me/replies" if out.reply_to is not None else "/me/threads"
        wanted, parent = " ".join(out.text.split()), out.reply_to.id if out.reply_to else None
        for post in self._recent(edge, "id,text,replied_to,permalink"):
            replied = (post.get("replied_to") or {}).get("id")
            if replied == parent and " ".join(str(post.get("text") or "").split()) == wanted:
                return PostRef(id=str(post["id"]), url=post.get("permalink"))
        return None

    def _recent(self, edge: str, fields: str, since: float | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"fields": fields, "limit": RECENT}
        if since is not None:
            params["since"] = int(since)
        found: list[dict[str, Any]] = []
        for _ in range(PAGES):
            page = self.graph.call("GET", edge, params, "read recent posts")
            found += [p for p in page.get("data") or [] if isinstance(p, dict)]
            after = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (page.get("paging") or {}).get("next"):
                break
            params["after"] = after
        return found

    def _permalink(self, media_id: str) -> str | None:
        """The post's public URL; the post is out either way, so a failed read leaves it unknown."""
        try:
            return self.graph.call("GET", f"/{media_id}", {"fields": "permalink"}, "read permalink").get("permalink")
        except (Rejected, Unavailable, RateLimited):
            return None

    # -- quotas and tokens --------------------------------------------------------------
    def _throttled(self, e: GraphThrottled, reply: bool) -> RateLimited:
        """A throttled publish. The profile's quota (code 17, read from ``threads_publishing_limit``) waits
        until the oldest post in its moving window leaves it; the app's call limits say no time, so the
        publisher's backoff decides."""
        if e.code != 17:
            return RateLimited(str(e), self.account.name)
        message, span = str(e), 86400.0
        fields = "reply_quota_usage,reply_config" if reply else "quota_usage,config"
        try:
            answer = self.graph.call("GET", "/me/threads_publishing_limit", {"fields": fields}, "read quota")
            usage = (answer.get("data") or [{}])[0]
            config = usage.get("reply_config" if reply else "config") or {}
            span = float(config.get("quota_duration") or span)
            used = usage.get("reply_quota_usage" if reply else "quota_usage")
            message = (
                f"account {self.account.name!r}: Threads {'reply' if reply else 'post'} quota spent "
                f"({used} of {config.get('quota_total')} in {span / 3600:.0f} hours)"
            )
        except (Rejected, Unavailable, RateLimited):
            pass  # the quota's own figures are a nicety; the wait is computed from the posts either way
        return RateLimited(message, self.account.name, retry_at=self._frees_at(reply, span))

    def _frees_at(self, reply: bool, span: float) -> datetime:
        """When the oldest post (or reply) in the moving window leaves it; in an hour if that cannot be read."""
        try:
            posts = self._recent("/me/replies" if reply else "/me/threads", "timestamp", self.clock() - span)
        except (Rejected, Unavailable, RateLimited):
            return self._at(3600)
        stamps = [datetime.strptime(str(p["timestamp"]), "%Y-%m-%dT%H:%M:%S%z") for p in posts if p.get("timestamp")]
        if not stamps:
            return self._at(3600)
        return max(min(stamps) + timedelta(seconds=span + 60), self._at(60))

    def _ready(self) -> None:
        """Refresh the access token when a day has passed since the last refresh."""
        self.tokens.refresh_if_due(self._refresh)

    def _refresh(self, token: str) -> str:
        answer = self.graph.call("GET", self._refresh_url, {"grant_type": "th_refresh_token"}, "refresh token")
        fresh = str(answer.get("access_token") or "")
        if not fresh:
            raise Unavailable(f"account {self.account.name!r}: Threads refreshed without a token", self.account.name)
        return fresh

    def _at(self, seconds: float) -> datetime:
        return datetime.fromtimestamp(self.clock() + seconds, UTC)


def _digest(out: Outgoing) -> str:
    """What a kept container was made for: the text, and the image's content if there is one."""
    files = "".join(a.media.digest for a in out.media)
    return hashlib.sha256((out.text + files).encode("utf-8")).hexdigest()[:16]
