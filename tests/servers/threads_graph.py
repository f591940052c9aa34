"""Graph-style pieces of the local Threads server: Meta's error shape, field selection and paging.

Errors are ``{"error": {"message", "type", "code", "error_subcode"?, "error_user_title"?, "error_user_msg"?,
"is_transient", "fbtrace_id"}}`` (developers.facebook.com/docs/graph-api/guides/error-handling). Threads
answers field and parameter errors with type "THApiException", code 100 (observed:
github.com/exileum/meta-mcp/issues/143 "Tried accessing nonexisting field (status)"), token errors with
"OAuthException" code 190, and a container it cannot publish with code 24, subcode 4279009 "The requested
resource does not exist" / "Media Not Found" (github.com/gitroomhq/postiz-app/pull/2047,
github.com/exileum/meta-mcp/issues/142).
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from tests.servers.threads_state import Container, Post, ThreadsState, ThreadsUser, graph_time

USER_FIELDS = {"id", "username", "name", "threads_profile_picture_url", "threads_biography", "is_verified"}
# developers.facebook.com/docs/threads/reference/user ("fields") and /reference/media.
POST_FIELDS = {
    "id",
    "media_product_type",
    "media_type",
    "media_url",
    "permalink",
    "owner",
    "username",
    "text",
    "timestamp",
    "shortcode",
    "thumbnail_url",
    "children",
    "is_quote_post",
    "alt_text",
    "link_attachment_url",
    "has_replies",
    "reply_audience",
    "quoted_post",
    "reposted_post",
    "gif_url",
    "is_spoiler_media",
    "text_entities",
    "text_attachment",
    "is_verified",
    "profile_picture_url",
    "root_post",
    "replied_to",
    "is_reply",
    "is_reply_owned_by_me",
    "hide_status",
    "topic_tag",
}
CONTAINER_FIELDS = {"id", "status", "error_message"}
LIMIT_FIELDS = {"quota_usage", "config", "reply_quota_usage", "reply_config", "delete_quota_usage", "delete_config"}
MISSING = (
    "Unsupported {verb} request. Object with ID '{id}' does not exist, cannot be loaded due to missing "
    "permissions, or does not support this operation. Please read the Graph API documentation at "
    "https://developers.facebook.com/docs/graph-api"
)


class GraphError(Exception):
    """A failed call rendered in Meta's error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        code: int,
        kind: str = "THApiException",
        *,
        subcode: int | None = None,
        title: str | None = None,
        user_msg: str | None = None,
        transient: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers: dict[str, str] = {}
        self.body: dict[str, Any] = {
            "message": message,
            "type": kind,
            "code": code,
            "is_transient": transient,
            "fbtrace_id": secrets.token_urlsafe(12),
        }
        extra = {"error_subcode": subcode, "error_user_title": title, "error_user_msg": user_msg}
        self.body.update({k: v for k, v in extra.items() if v is not None})


def invalid(message: str, user_msg: str | None = None) -> GraphError:
    """Code 100, a bad or missing parameter."""
    return GraphError(400, message, 100, user_msg=user_msg)


def missing_object(verb: str, object_id: str) -> GraphError:
    """Graph's code 100 / subcode 33: no such object, or not yours."""
    return GraphError(400, MISSING.format(verb=verb, id=object_id), 100, subcode=33)


def media_not_found(container_id: str) -> GraphError:
    """What threads_publish answers for a container it cannot publish."""
    return GraphError(
        400,
        "The requested resource does not exist",
        24,
        "OAuthException",
        subcode=4279009,
        title="Media Not Found",
        user_msg=f"The media with id {container_id} cannot be found.",
    )


def fields(requested: str, allowed: set[str], default: tuple[str, ...] = ("id",)) -> list[str]:
    """The ``fields`` parameter, checked: an unknown name is "Tried accessing nonexisting field (name)"."""
    names = [f.strip() for f in requested.split(",") if f.strip()] or list(default)
    for name in names:
        if name.split("{")[0] not in allowed:
            raise invalid(f"Tried accessing nonexisting field ({name})")
    return [name.split("{")[0] for name in names]


def render_user(user: ThreadsUser, names: list[str]) -> dict[str, Any]:
    values = {
        "id": user.id,
        "username": user.username,
        "name": user.username,
        "threads_biography": "",
        "threads_profile_picture_url": f"https://scontent.cdninstagram.com/{user.id}.jpg",
        "is_verified": False,
    }
    return {name: values[name] for name in names}


def render_container(state: ThreadsState, container: Container, names: list[str]) -> dict[str, Any]:
    status = state.status(container)
    out: dict[str, Any] = {"id": container.id}
    if "status" in names:
        out["status"] = status
    if "error_message" in names and status == "ERROR":
        out["error_message"] = container.failure or "UNKNOWN"
    return out


def render_post(state: ThreadsState, post: Post, names: list[str], viewer_id: str) -> dict[str, Any]:
    """A media object with the requested fields; absent values are left out, as the Graph API does."""
    owner = state.users[post.owner_id]
    replies = [p for p in state.posts.values() if p.reply_to == post.id and not p.deleted]
    values: dict[str, Any] = {
        "id": post.id,
        "media_product_type": "THREADS",
        "media_type": post.media_type,
        "media_url": post.media_url,
        "permalink": f"https://www.threads.com/@{owner.username}/post/{post.shortcode}",
        "owner": {"id": owner.id},
        "username": owner.username,
        "text": post.text or None,
        "timestamp": graph_time(post.timestamp),
        "shortcode": post.shortcode,
        "is_quote_post": False,
        "alt_text": post.alt_text,
        "link_attachment_url": post.link_attachment,
        "has_replies": bool(replies),
        "reply_audience": "EVERYONE",
        "children": {"data": [{"id": c} for c in post.children]} if post.children else None,
        "is_reply": post.reply_to is not None,
        "is_verified": False,
        "hide_status": "NOT_HUSHED",
        "replied_to": {"id": post.reply_to} if post.reply_to else None,
        "root_post": {"id": post.root_id or post.id},
        "is_reply_owned_by_me": post.owner_id == viewer_id,
    }
    if post.reply_to is None:
        values.pop("hide_status")  # only replies carry a hide status
    return {name: values[name] for name in names if values.get(name) is not None}


def page(items: list[Any], args: dict[str, Any], render: Any, url: str) -> dict[str, Any]:
    """Cursor paging over ``items`` (already ordered): limit (default 25, at most 100), after/before; a
    ``next`` link (``url`` plus the cursor) while more remain."""
    raw_limit = str(args.get("limit") or "25")
    if not raw_limit.isdigit():
        raise invalid("Param limit must be a positive integer")
    limit = max(1, min(100, int(raw_limit)))
    start = _cursor(str(args.get("after") or "")) + 1 if args.get("after") else 0
    if args.get("before"):
        start = max(0, _cursor(str(args["before"])) - limit)
    chunk = items[start : start + limit]
    body: dict[str, Any] = {"data": [render(item) for item in chunk]}
    if chunk:
        cursors = {"before": _encode(start), "after": _encode(start + len(chunk) - 1)}
        body["paging"] = {"cursors": cursors}
        if start + len(chunk) < len(items):
            body["paging"]["next"] = f"{url}{'&' if '?' in url else '?'}limit={limit}&after={cursors['after']}"
    return body


def _encode(index: int) -> str:
    return base64.urlsafe_b64encode(f"idx:{index}".encode()).decode().rstrip("=")


def _cursor(value: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        return int(decoded.removeprefix("idx:"))
    except ValueError as error:
        raise invalid("Invalid cursor") from error
