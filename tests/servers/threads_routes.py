"""The endpoints of the local Threads server, each with the rules its documentation page states.

Pages: developers.facebook.com/docs/threads/posts (containers, publishing, 500 characters),
/docs/threads/reference/publishing, /docs/threads/troubleshooting (container statuses),
/docs/threads/overview (250 posts / 24 h, call counts), /docs/threads/retrieve-and-manage-replies (1,000
replies / 24 h), /docs/threads/posts/delete-posts (DELETE, 100 / day), /docs/threads/reference/user,
/docs/threads/get-started/long-lived-tokens (refresh), /docs/threads/create-posts/text-attachments (links).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from tests.servers import media, params, threads_text
from tests.servers.styles import THREADS
from tests.servers.threads_graph import (
    CONTAINER_FIELDS,
    LIMIT_FIELDS,
    POST_FIELDS,
    USER_FIELDS,
    GraphError,
    fields,
    invalid,
    media_not_found,
    missing_object,
    page,
    render_container,
    render_post,
    render_user,
)
from tests.servers.threads_state import TOKEN_TTL, Container, Post, ThreadsState, ThreadsUser, Token

MEDIA_TYPES = {"TEXT": "TEXT_POST", "IMAGE": "IMAGE", "VIDEO": "VIDEO", "CAROUSEL": "CAROUSEL_ALBUM"}


def authenticate(state: ThreadsState, value: str) -> Token:
    """The token of the request; missing (104), unknown (190) or expired (190/463) fail as Graph does."""
    if not value:
        raise GraphError(400, "An access token is required to request this resource.", 104, "OAuthException")
    token = state.tokens.get(value)
    if token is None:
        raise GraphError(400, "Invalid OAuth access token - Cannot parse access token", 190, "OAuthException")
    now = state.now()
    if now >= token.expires_at:

        def when(t: float) -> str:
            return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%A, %d-%b-%y %H:%M:%S UTC")

        raise GraphError(
            400,
            f"Error validating access token: Session has expired on {when(token.expires_at)}. "
            f"The current time is {when(now)}.",
            190,
            "OAuthException",
            subcode=463,
        )
    return token


def throttled(state: ThreadsState, code: int, message: str) -> GraphError:
    """Graph throttling: code 4 (app calls) or 17 (the profile's own limits), transient."""
    return GraphError(state.settings.throttle_status, message, code, "OAuthException", transient=True)


def count_call(state: ThreadsState, token: Token) -> dict[str, str]:
    """Count the call against the app-user pair's 24-hour call count; X-App-Usage says how much is used."""
    limit, span = state.settings.call_limit
    with state.lock:
        log = state.used(token.user_id, "call", span)
        allowed = len(log) < limit
        if allowed:
            log.append(state.now())
        reset = (log[0] if log else state.now()) + span
        headers = THREADS.rate_limit_headers(limit, limit - len(log), reset)
    if not allowed:
        error = throttled(state, 4, "Application request limit reached")
        error.headers = headers
        raise error
    return headers


def route(state: ThreadsState, token: Token, method: str, path: str, args: dict[str, Any], url: str) -> Any:
    """Dispatch one authenticated call."""
    user = state.users[token.user_id]
    if path == "/refresh_access_token" and method == "GET":
        return refresh(state, token, args)
    match = re.fullmatch(
        r"/(me|\d+)(?:/(threads|threads_publish|replies|conversation|threads_publishing_limit))?", path
    )
    if match is None:
        raise GraphError(400, f"Unknown path components: {path}", 2500, "OAuthException")
    node, edge = match.group(1), match.group(2)
    verb = method.lower()
    mine = node in ("me", user.id)
    with state.lock:
        if edge is None and method == "GET":
            return get_node(state, user, node, args)
        if edge is None and method == "DELETE":
            return delete(state, user, node)
        if edge in ("replies", "conversation") and method == "GET" and not mine:
            return media_replies(state, user, node, args, url, edge == "conversation")
        if not mine:
            raise missing_object(verb, node)
        if (edge, method) == ("threads", "POST"):
            return create(state, user, args)
        if (edge, method) == ("threads_publish", "POST"):
            return publish(state, user, params.text(args, "creation_id"))
        if edge in ("threads", "replies") and method == "GET":
            return user_posts(state, user, args, url, replies=edge == "replies")
        if (edge, method) == ("threads_publishing_limit", "GET"):
            return publishing_limit(state, user, args)
    raise missing_object(verb, node)


def get_node(state: ThreadsState, user: ThreadsUser, node: str, args: dict[str, Any]) -> Any:
    """GET /{id}: the user, a container (status, error_message) or a media object."""
    requested = params.text(args, "fields")
    if node in ("me", user.id):
        return render_user(user, fields(requested, USER_FIELDS))
    if node in state.containers and state.containers[node].owner_id == user.id:
        return render_container(state, state.containers[node], fields(requested, CONTAINER_FIELDS))
    post = state.visible(node)
    if post is None:
        raise missing_object("get", node)
    return render_post(state, post, fields(requested, POST_FIELDS), user.id)


def create(state: ThreadsState, user: ThreadsUser, args: dict[str, Any]) -> Any:
    """POST /{user-id}/threads: validate and make a container; auto_publish_text publishes a text at once."""
    settings, arg = state.settings, (lambda name: params.text(args, name))
    kind = arg("media_type").upper()
    if not kind:
        raise invalid("The parameter media_type is required.")
    if kind not in MEDIA_TYPES:
        raise invalid("Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}")
    text, source = arg("text"), arg("image_url") or arg("video_url")
    if kind == "TEXT" and not text.strip():
        raise invalid("The parameter text is required.")
    if kind in ("IMAGE", "VIDEO") and not source:
        raise invalid(f"The parameter {kind.lower()}_url is required.")
    if threads_text.length(text, settings.text_counting) > settings.text_limit:
        raise invalid(f"Param text must be at most {settings.text_limit} characters long.")
    attachment = arg("link_attachment") or None
    if len(threads_text.links(text, attachment)) > settings.max_links:
        raise GraphError(
            400,
            "THREADS_API__LINK_LIMIT_EXCEEDED",
            100,
            title="Too many links",
            user_msg=f"A post can contain at most {settings.max_links} links.",
        )
    if len(arg("alt_text")) > settings.max_alt_text:
        raise invalid(f"Param alt_text must be at most {settings.max_alt_text} characters long.")
    reply_to = arg("reply_to_id") or None
    if reply_to and state.visible(reply_to) is None:
        raise invalid("Invalid parameter", user_msg="The post you are replying to does not exist or was deleted.")
    children = [c.strip() for c in arg("children").split(",") if c.strip()]
    if kind == "CAROUSEL" and (
        not 2 <= len(children) <= 20
        or any(
            c not in state.containers
            or not state.containers[c].is_carousel_item
            or state.containers[c].owner_id != user.id
            for c in children
        )
    ):
        raise invalid("Invalid parameter", user_msg="A carousel needs 2 to 20 carousel item containers you made.")
    now = state.now()
    delay = settings.image_seconds if kind in ("IMAGE", "VIDEO") else settings.text_seconds
    container = Container(
        state.new_id(),
        user.id,
        kind,
        now,
        now + delay,
        text=text,
        image_url=source or None,
        alt_text=arg("alt_text") or None,
        reply_to=reply_to,
        link_attachment=attachment,
        children=children,
        is_carousel_item=params.flag(args, "is_carousel_item"),
    )
    if kind in ("IMAGE", "VIDEO"):
        container.failure, container.fetched = fetch(state, source, kind)
    state.containers[container.id] = container
    if kind == "TEXT" and params.flag(args, "auto_publish_text"):
        return publish(state, user, container.id)
    return {"id": container.id}


def fetch(state: ThreadsState, url: str, kind: str) -> tuple[str | None, bytes | None]:
    """Fetch the media as Meta would (loopback only here): (the container's error_message if it fails, the
    bytes Meta now keeps a copy of)."""
    try:
        data, _ = media.fetch_local(url, state.settings.max_image_bytes if kind == "IMAGE" else 1 << 30)
    except media.FetchError:
        return ("FAILED_DOWNLOADING_VIDEO" if kind == "VIDEO" else "UNKNOWN"), None
    sniffed = media.sniff(data) if kind == "IMAGE" else ("video", 0, 0)
    if sniffed and sniffed[0] in ("png", "jpeg", "video"):  # images: JPEG or PNG
        return None, data
    return "UNKNOWN", None


def publish(state: ThreadsState, user: ThreadsUser, creation_id: str) -> Any:
    """POST /{user-id}/threads_publish: a FINISHED container, once, within the 24-hour quota."""
    if not creation_id:
        raise invalid("The parameter creation_id is required.")
    container = state.containers.get(creation_id)
    if (
        container is None
        or container.owner_id != user.id
        or container.is_carousel_item
        or state.status(container) != "FINISHED"
    ):
        raise media_not_found(creation_id)
    parent = state.visible(container.reply_to) if container.reply_to else None
    if container.reply_to and parent is None:
        raise invalid("Invalid parameter", user_msg="The post you are replying to does not exist or was deleted.")
    kind, quota = ("reply", state.settings.reply_quota) if parent else ("post", state.settings.post_quota)
    if not state.take(user.id, kind, quota):
        raise throttled(state, 17, "User request limit reached")
    post = Post(
        state.new_id(),
        user.id,
        MEDIA_TYPES[container.media_type],
        container.text,
        state.now(),
        secrets.token_urlsafe(8)[:11],
        container.id,
        media_url=container.image_url,
        alt_text=container.alt_text,
        fetched=container.fetched,
        reply_to=parent.id if parent else None,
        root_id=(parent.root_id or parent.id) if parent else None,
        link_attachment=container.link_attachment,
        children=list(container.children),
    )
    state.posts[post.id] = post
    state.order.append(post.id)
    container.published_id = post.id
    return {"id": post.id}


def user_posts(state: ThreadsState, user: ThreadsUser, args: dict[str, Any], url: str, replies: bool) -> Any:
    """GET /{user-id}/threads (top-level posts) or /replies (the user's replies), newest first."""
    since, until = params.text(args, "since"), params.text(args, "until")
    chosen = [
        state.posts[p]
        for p in reversed(state.order)
        if state.posts[p].owner_id == user.id
        and not state.posts[p].deleted
        and (state.posts[p].reply_to is not None) == replies
        and (not since.isdigit() or state.posts[p].timestamp >= int(since))
        and (not until.isdigit() or state.posts[p].timestamp <= int(until))
    ]
    names = fields(params.text(args, "fields"), POST_FIELDS)
    return page(chosen, args, lambda post: render_post(state, post, names, user.id), url)


def media_replies(
    state: ThreadsState, user: ThreadsUser, media_id: str, args: dict[str, Any], url: str, everything: bool
) -> Any:
    """GET /{media-id}/replies (direct replies) or /conversation (all of them); reverse=true (default) is
    newest first."""
    if state.visible(media_id) is None:
        raise missing_object("get", media_id)
    found = [
        state.posts[p]
        for p in state.order
        if not state.posts[p].deleted
        and (state.posts[p].root_id == media_id if everything else state.posts[p].reply_to == media_id)
    ]
    if params.text(args, "reverse").lower() != "false":
        found.reverse()
    names = fields(params.text(args, "fields"), POST_FIELDS)
    return page(found, args, lambda post: render_post(state, post, names, user.id), url)


def delete(state: ThreadsState, user: ThreadsUser, media_id: str) -> Any:
    """DELETE /{media-id}: only your own posts, 100 per day."""
    post = state.visible(media_id)
    if post is None or post.owner_id != user.id:
        raise missing_object("delete", media_id)
    if not state.take(user.id, "delete", state.settings.delete_quota):
        raise throttled(state, 17, "User request limit reached")
    post.deleted = True
    return {"success": True, "deleted_id": media_id}


def publishing_limit(state: ThreadsState, user: ThreadsUser, args: dict[str, Any]) -> Any:
    """GET /{user-id}/threads_publishing_limit: usage of each moving 24-hour quota."""
    names = fields(params.text(args, "fields"), LIMIT_FIELDS, default=("quota_usage", "config"))
    out: dict[str, Any] = {}
    for prefix, kind, (total, span) in (
        ("", "post", state.settings.post_quota),
        ("reply_", "reply", state.settings.reply_quota),
        ("delete_", "delete", state.settings.delete_quota),
    ):
        if f"{prefix}quota_usage" in names:
            out[f"{prefix}quota_usage"] = len(state.used(user.id, kind, span))
        if f"{prefix}config" in names:
            out[f"{prefix}config"] = {"quota_total": total, "quota_duration": span}
    return {"data": [out]}


def refresh(state: ThreadsState, token: Token, args: dict[str, Any]) -> Any:
    """GET /refresh_access_token: a long-lived token at least 24 hours old, not expired, gets a new 60 days."""
    if params.text(args, "grant_type") != "th_refresh_token":
        raise invalid("Unsupported grant_type: expected th_refresh_token")
    if not token.long_lived:
        raise invalid("Only long-lived access tokens can be refreshed")
    if state.now() - token.issued_at < state.settings.refresh_min_age:
        raise invalid("The access token must be at least 24 hours old to be refreshed")
    fresh = state.issue(token.user_id, TOKEN_TTL)
    if state.settings.refresh_revokes_old:
        token.expires_at = state.now()
    return {"access_token": fresh.value, "token_type": "bearer", "expires_in": int(TOKEN_TTL)}
