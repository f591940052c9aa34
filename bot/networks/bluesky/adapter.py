"""Bluesky through atproto: posts written as records with a fixed record key.

``Outgoing.rkey`` (a TID fixed in the journal before the first attempt) makes every
retry idempotent: a second ``createRecord`` with the same key fails, and the record
already there is adopted. The session is saved in the journal and reused, because
Bluesky allows only 30 logins per 5 minutes and 300 per day.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import httpx
from atproto_client import Client  # not the ``atproto`` umbrella, which also loads firehose and identity code
from atproto_client import exceptions as xrpc
from atproto_client.client.session import SessionEvent
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError

from bot.errors import AuthError, MediaGone, PublishError, RateLimited, Rejected, Unavailable
from bot.model import Account, Media
from bot.networks.base import AccountCheck, Attached, KeyValue, Limits, Outgoing, PostRef, Uploaded
from bot.networks.bluesky.card import Card, fetch_card
from bot.networks.bluesky.facets import build_facets, mention_handles

POST, REPOST = "app.bsky.feed.post", "app.bsky.feed.repost"
TOKEN_ERRORS = {"ExpiredToken", "InvalidToken"}
# atproto's guidance: a PDS keeps a blob no record references for at least an hour.
UNREFERENCED_BLOB_KEPT = 3600.0
T = TypeVar("T")


class BlueskyAdapter:
    """Posts, replies, quotes, reposts and deletes on one Bluesky account."""

    def __init__(
        self,
        account: Account,
        *,
        password: str,
        timeout: float,
        store: KeyValue,
        clock: Callable[[], float] = time.time,
    ):
        self.account = account
        self.store = store
        self.clock = clock
        self._password = password
        base = (account.api_base or account.instance or "https://bsky.social").rstrip("/")
        self.base = base if "://" in base else "https://" + base
        self.client = Client(base_url=self.base, request=Request(timeout=timeout))
        self.client.on_session_change(self._save_session)
        self._session_key = f"bluesky.session:{self.base}:{account.handle}"
        self._did: str | None = None
        self._dids: dict[str, str | None] = {}
        self._cards: dict[str, dict[str, Any] | None] = {}

    def limits(self) -> Limits | None:
        """Bluesky's limits are fixed by the record's lexicon: nothing to ask."""
        return None

    def post(self, out: Outgoing) -> PostRef:
        """Write the post record under ``out.rkey``, or adopt the one already there."""
        did = self._login()
        text, facets = build_facets(out.text, self._resolve(mention_handles(out.text)))
        record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": self._now()}
        if out.language:
            record["langs"] = [out.language]
        if facets:
            record["facets"] = facets
        if out.reply_to:
            root = out.root or out.reply_to
            record["reply"] = {"root": _strong(root), "parent": _strong(out.reply_to)}
        embed = self._embed(out)
        if embed:
            record["embed"] = embed
        try:
            made = self._call(
                "post",
                lambda: self.client.com.atproto.repo.create_record(
                    {"repo": did, "collection": POST, "rkey": out.rkey, "record": record}
                ),
            )
        except (Rejected, Unavailable) as e:
            if _xrpc_error(e.__cause__) == "BlobNotFound":
                raise MediaGone(str(e), self.account.name) from e
            if getattr(e.__cause__, "response", None) is None:
                raise  # no answer at all (timeout, dropped connection): the publisher will ``find``
            existing = self._get(out.rkey)  # the PDS answers a taken rkey with a 500
            if existing is None or existing[1] != text:
                raise
            return existing[0]
        return self._ref(made.uri, made.cid)

    def upload(self, media: Media) -> Uploaded:
        """``com.atproto.repo.uploadBlob``; the blob reference (JSON) is what a record embeds."""
        self._login()
        blob = self._call("upload", lambda: self.client.upload_blob(media.data)).blob
        expires = datetime.fromtimestamp(self.clock() + UNREFERENCED_BLOB_KEPT, UTC)
        return Uploaded(json.dumps(_blob(blob)), expires)

    def _embed(self, out: Outgoing) -> dict[str, Any] | None:
        """Images (with their alt text), else a quote, else a link card; images and a quote go together."""
        images = [_image(a) for a in out.media if a.remote]
        gallery = {"$type": "app.bsky.embed.images", "images": images} if images else None
        if out.quote:
            quoted = {"$type": "app.bsky.embed.record", "record": _strong(out.quote)}
            if gallery:
                return {"$type": "app.bsky.embed.recordWithMedia", "record": quoted, "media": gallery}
            return quoted
        if gallery:
            return gallery  # a post has one embed: the statement's image wins over a link card
        return self._card(out.card) if out.card else None

    def _card(self, url: str) -> dict[str, Any] | None:
        """The ``app.bsky.embed.external`` card for ``url`` (fetched once per run), or None: a plain link."""
        if url not in self._cards:
            card = fetch_card(url)
            self._cards[url] = self._external(card) if card else None
        return self._cards[url]

    def _external(self, card: Card) -> dict[str, Any]:
        external: dict[str, Any] = {"uri": card.url, "title": card.title, "description": card.description}
        thumb = card.thumb
        if thumb is not None:
            try:
                external["thumb"] = _blob(self._call("upload", lambda: self.client.upload_blob(thumb.data)).blob)
            except (Rejected, Unavailable, RateLimited):
                pass  # the card goes without its picture
        return {"$type": "app.bsky.embed.external", "external": external}

    def find(self, out: Outgoing) -> PostRef | None:
        """The record written under ``out.rkey``, if any."""
        found = self._get(out.rkey)
        return found[0] if found else None

    def exists(self, ref: PostRef) -> bool:
        """Whether the post record is still in the repository."""
        repo, collection, rkey = _parts(ref.id)
        return self._read(repo, collection, rkey) is not None

    def boost(self, ref: PostRef) -> None:
        """Repost ``ref`` unless this account's recent reposts already include it."""
        did = self._login()
        listed = self._call(
            "boost",
            lambda: self.client.com.atproto.repo.list_records({"repo": did, "collection": REPOST, "limit": 100}),
        )
        if any(_value(r.value).get("subject", {}).get("uri") == ref.id for r in listed.records):
            return
        record = {"$type": REPOST, "subject": _strong(ref), "createdAt": self._now()}
        self._call(
            "boost",
            lambda: self.client.com.atproto.repo.create_record({"repo": did, "collection": REPOST, "record": record}),
        )

    def delete(self, ref: PostRef) -> None:
        """Delete the record; deleting one already gone is not an error on Bluesky."""
        self._login()
        repo, collection, rkey = _parts(ref.id)
        self._call(
            "delete",
            lambda: self.client.com.atproto.repo.delete_record({"repo": repo, "collection": collection, "rkey": rkey}),
        )

    def check(self) -> AccountCheck:
        """``com.atproto.server.getSession`` with the saved session (or a fresh login): the handle and DID."""
        did = self._login()
        session = self._call("check", self.client.com.atproto.server.get_session)
        return AccountCheck(f"@{session.handle} ({did})", True, "an app password may post")

    def close(self) -> None:
        """Release the HTTP connections."""
        self.client.request.close()

    # -- session -------------------------------------------------------------

    def _login(self) -> str:
        """The account's DID, restoring the saved session or logging in once."""
        if self._did is None:
            saved = self.store.get_value(self._session_key)
            if saved:
                try:
                    self.client.login(session_string=saved, fetch_bsky_profile=False)
                except (AtProtocolError, ValueError):
                    saved = None  # unreadable: log in afresh
            if not saved:
                self._password_login()
        assert self._did is not None  # set by _save_session on import or create
        return self._did

    def _password_login(self) -> None:
        try:
            self.client.login(self.account.handle, self._password, fetch_bsky_profile=False)
        except (AtProtocolError, httpx.HTTPError) as e:
            raise self._error("login", e) from e

    def _renew(self) -> None:
        """After the PDS called the token expired: refresh once, else log in again."""
        try:
            self.client._refresh_and_set_session()  # the SDK's own refresh; fires _save_session
        except (AtProtocolError, httpx.HTTPError):
            self._password_login()

    def _save_session(self, event: SessionEvent, session: Any) -> None:
        self._did = session.did
        if event in (SessionEvent.CREATE, SessionEvent.REFRESH):
            self.store.set_value(self._session_key, self.client.export_session_string())

    # -- calls ---------------------------------------------------------------

    def _call(self, action: str, call: Callable[[], T]) -> T:
        """Run one XRPC call (renewing an expired session once), translating failures."""
        self._login()
        try:
            try:
                return call()
            except (xrpc.BadRequestError, xrpc.UnauthorizedError) as e:
                if _xrpc_error(e) not in TOKEN_ERRORS:
                    raise
                self._renew()
                return call()
        except (AtProtocolError, httpx.HTTPError) as e:
            raise self._error(action, e) from e

    def _error(self, action: str, e: Exception) -> PublishError:
        name = self.account.name
        response = getattr(e, "response", None)
        status = getattr(response, "status_code", None)
        said = str(e)[:200] if isinstance(e, xrpc.RequestErrorBase) and response is not None else type(e).__name__
        where = f"account {name!r}: Bluesky {action} failed ({said})"
        if isinstance(e, xrpc.RateLimitExceededError):
            return RateLimited(where, name, retry_at=e.reset_at)
        if isinstance(e, (xrpc.UnauthorizedError, xrpc.LoginRequiredError)):
            return AuthError(where, name)
        if status is None or status >= 500 or isinstance(e, xrpc.NetworkError):
            return Unavailable(where, name)  # timeouts, dropped connections, 5xx, unreadable answers
        return Rejected(where, name)

    def _get(self, rkey: str) -> tuple[PostRef, str] | None:
        """The post under ``rkey`` in this account's repository, with its text."""
        found = self._read(self._login(), POST, rkey)
        if found is None:
            return None
        return self._ref(found.uri, found.cid), _value(found.value).get("text", "")

    def _read(self, repo: str, collection: str, rkey: str) -> Any | None:
        try:
            return self._call(
                "read",
                lambda: self.client.com.atproto.repo.get_record({"repo": repo, "collection": collection, "rkey": rkey}),
            )
        except Rejected as e:
            if _xrpc_error(e.__cause__) == "RecordNotFound":
                return None
            raise

    def _resolve(self, handles: list[str]) -> dict[str, str]:
        """Handles that resolve to a DID; the rest get no mention facet (never a failed post)."""
        for handle in handles:
            if handle not in self._dids:
                try:
                    self._dids[handle] = self._call("resolve", partial(self.client.resolve_handle, handle)).did
                except Rejected:
                    self._dids[handle] = None  # no such handle
                except (Unavailable, RateLimited):
                    pass  # slow or busy resolver: plain text this time, asked again next post
        return {h: d for h in handles if (d := self._dids.get(h))}

    def _ref(self, uri: str, cid: str) -> PostRef:
        handle = self.account.handle or _parts(uri)[0]
        return PostRef(id=uri, cid=cid, url=f"https://bsky.app/profile/{handle}/post/{_parts(uri)[2]}")

    def _now(self) -> str:
        return datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _blob(blob: Any) -> dict[str, Any]:
    """A blob reference as a record embeds it."""
    ref = blob.ref
    link = getattr(ref, "link", None) or (ref.get("$link") if isinstance(ref, dict) else str(ref))
    return {"$type": "blob", "ref": {"$link": link}, "mimeType": blob.mime_type, "size": blob.size}


def _image(attached: Attached) -> dict[str, Any]:
    media = attached.media
    return {
        "image": json.loads(attached.remote or "{}"),
        "alt": media.alt,
        "aspectRatio": {"width": media.width, "height": media.height},
    }


def _strong(ref: PostRef) -> dict[str, str]:
    return {"uri": ref.id, "cid": ref.cid or ""}


def _parts(uri: str) -> tuple[str, str, str]:
    """(repo, collection, rkey) of an at:// URI."""
    repo, _, rest = uri.removeprefix("at://").partition("/")
    collection, _, rkey = rest.partition("/")
    return repo, collection, rkey


def _value(value: Any) -> dict[str, Any]:
    """A record's value as a plain dict, whether the SDK parsed it into a model or not."""
    if isinstance(value, dict):
        return value
    dump = getattr(value, "model_dump", None)
    return dump(by_alias=True) if dump else {}


def _xrpc_error(e: BaseException | None) -> str | None:
    """The XRPC error name (e.g. ``ExpiredToken``) carried by an SDK exception."""
    content = getattr(getattr(e, "response", None), "content", None)
    return getattr(content, "error", None)
