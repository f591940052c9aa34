"""The local Threads API server enforces Meta's documented rules over real HTTP (plain httpx as client)."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.servers.media import png

DAY = 86400
PERSIAN = "\u0633"  # one Persian letter: 1 code point, 2 UTF-8 bytes
EMOJI = "\U0001f600"  # 1 code point, 4 UTF-8 bytes


@pytest.fixture
def user(threads_server):
    return threads_server.create_user("iaswi")


@pytest.fixture
def api(threads_server, user):
    with httpx.Client(base_url=threads_server.api_url, params={"access_token": user.access_token}, timeout=10) as c:
        yield c


def ok(response: httpx.Response) -> dict:
    body = response.json()
    assert response.status_code == 200 and "error" not in body, body
    return body


def meta_error(response: httpx.Response, status: int = 400) -> dict:
    body = response.json()
    assert response.status_code == status and set(body) == {"error"}, body
    assert {"message", "type", "code", "fbtrace_id"} <= set(body["error"])
    return body["error"]


def container(api, text="A statement", **extra):
    return ok(api.post("/me/threads", data={"media_type": "TEXT", "text": text, **extra}))["id"]


def publish(api, creation_id):
    return api.post("/me/threads_publish", params={"creation_id": creation_id})


def post(api, text="A statement", **extra):
    return ok(publish(api, container(api, text, **extra)))["id"]


def test_me_with_query_token_bearer_header_or_form_and_without_version(threads_server, user, api):
    assert ok(api.get("/me", params={"fields": "id,username"})) == {"id": user.id, "username": "iaswi"}
    bearer = httpx.get(f"{threads_server.base_url}/me", headers={"Authorization": f"Bearer {user.access_token}"})
    assert ok(bearer) == {"id": user.id}  # Graph default: id only
    form = httpx.post(
        f"{threads_server.api_url}/me/threads",
        data={"access_token": user.access_token, "media_type": "TEXT", "text": "form token"},
    )
    assert ok(form)["id"]
    assert "X-App-Usage" in bearer.headers


def test_publish_a_text_post_and_read_it_back(threads_server, user, api):
    creation = container(api, "First statement")
    assert ok(api.get(f"/{creation}", params={"fields": "status,error_message"})) == {
        "id": creation,
        "status": "FINISHED",
    }
    media_id = ok(publish(api, creation))["id"]
    assert media_id != creation
    fields = "id,text,timestamp,permalink,media_type,media_product_type,owner,username,shortcode,is_reply"
    got = ok(api.get(f"/{media_id}", params={"fields": fields}))
    assert (got["text"], got["media_type"], got["media_product_type"], got["owner"], got["is_reply"]) == (
        "First statement",
        "TEXT_POST",
        "THREADS",
        {"id": user.id},
        False,
    )
    assert got["permalink"] == f"https://www.threads.com/@iaswi/post/{got['shortcode']}"
    assert got["timestamp"].endswith("+0000") and len(got["timestamp"]) == 24
    assert ok(api.get(f"/{creation}", params={"fields": "status"}))["status"] == "PUBLISHED"
    assert [p["text"] for p in threads_server.posts(user)] == ["First statement"]


def test_publishing_the_same_container_twice_fails(threads_server, api):
    creation = container(api)
    ok(publish(api, creation))
    again = meta_error(publish(api, creation))
    assert (again["code"], again["error_subcode"], again["message"]) == (
        24,
        4279009,
        "The requested resource does not exist",
    )
    assert meta_error(publish(api, "17000000000000000"))["error_subcode"] == 4279009
    assert meta_error(api.post("/me/threads_publish"))["code"] == 100
    assert len(threads_server.posts()) == 1


def test_image_container_is_in_progress_then_finished(threads_server, api):
    threads_server.configure(image_seconds=30)
    url = threads_server.serve_image("statement.png", png(1080, 1350))
    creation = ok(
        api.post(
            "/me/threads",
            data={
                "media_type": "IMAGE",
                "image_url": url,
                "text": "With a picture",
                "alt_text": "The statement's first page",
            },
        )
    )["id"]
    assert ok(api.get(f"/{creation}", params={"fields": "status"}))["status"] == "IN_PROGRESS"
    early = meta_error(publish(api, creation))
    assert (early["code"], early["error_subcode"]) == (24, 4279009)
    threads_server.advance(31)
    assert ok(api.get(f"/{creation}", params={"fields": "status"}))["status"] == "FINISHED"
    media_id = ok(publish(api, creation))["id"]
    got = ok(api.get(f"/{media_id}", params={"fields": "media_type,media_url,alt_text"}))
    assert got == {"media_type": "IMAGE", "media_url": url, "alt_text": "The statement's first page"}


@pytest.mark.parametrize("case", ["remote", "not an image", "gif", "too big"])
def test_image_that_cannot_be_fetched_or_used_ends_in_error(threads_server, api, case):
    threads_server.configure(image_seconds=0, max_image_bytes=50_000)
    url = {
        "remote": "https://example.org/a.png",
        "not an image": threads_server.serve_image("a.txt", b"plain text", "text/plain"),
        "gif": threads_server.serve_image("a.gif", b"GIF89a\x10\x00\x10\x00", "image/gif"),
        "too big": threads_server.serve_image("big.png", png(10, 10, padding=60_000)),
    }[case]
    creation = ok(api.post("/me/threads", data={"media_type": "IMAGE", "image_url": url}))["id"]
    assert ok(api.get(f"/{creation}", params={"fields": "status,error_message"})) == {
        "id": creation,
        "status": "ERROR",
        "error_message": "UNKNOWN",
    }
    assert meta_error(publish(api, creation))["error_subcode"] == 4279009


def test_unpublished_container_expires_after_24_hours(threads_server, api):
    creation = container(api)
    threads_server.advance(DAY)
    assert ok(api.get(f"/{creation}", params={"fields": "status"}))["status"] == "EXPIRED"
    assert meta_error(publish(api, creation))["error_subcode"] == 4279009


@pytest.mark.parametrize(
    ("text", "counting", "fits"),
    [
        ("a" * 500, "documented", True),
        ("a" * 501, "documented", False),
        (EMOJI * 125, "documented", True),
        (EMOJI * 125 + "a", "documented", False),  # emoji count 4 (UTF-8 bytes)
        ("\u2764\ufe0f" * 83 + "ab", "documented", True),  # ❤️ is 6 bytes: 498 + 2
        (PERSIAN * 500, "documented", True),
        (PERSIAN * 501, "documented", False),
        (PERSIAN * 250, "utf8_bytes", True),
        (PERSIAN * 251, "utf8_bytes", False),
        (EMOJI * 500, "code_points", True),
        (EMOJI * 501, "code_points", False),
    ],
)
def test_text_limit_of_500(threads_server, api, text, counting, fits):
    threads_server.configure(text_counting=counting)
    response = api.post("/me/threads", data={"media_type": "TEXT", "text": text})
    if fits:
        assert ok(response)["id"]
    else:
        error = meta_error(response)
        assert (error["code"], error["message"]) == (100, "Param text must be at most 500 characters long.")


def test_at_most_five_unique_links(threads_server, api):
    five = "one.org two.org https://three.org/a www.four.com https://five.net/x?y=1"
    assert ok(api.post("/me/threads", data={"media_type": "TEXT", "text": five}))
    repeated = five + " https://one.org/ HTTPS://WWW.FOUR.COM"  # the same addresses again count once
    assert ok(api.post("/me/threads", data={"media_type": "TEXT", "text": repeated}))
    same_attachment = {"media_type": "TEXT", "text": five, "link_attachment": "https://one.org"}
    assert ok(api.post("/me/threads", data=same_attachment))
    for text, extra in ((five + " six.io", {}), (five, {"link_attachment": "https://six.io"})):
        error = meta_error(api.post("/me/threads", data={"media_type": "TEXT", "text": text, **extra}))
        assert (error["code"], error["message"]) == (100, "THREADS_API__LINK_LIMIT_EXCEEDED")
    assert ok(api.post("/me/threads", data={"media_type": "TEXT", "text": "statement.pdf e.g. 3.14 " + five}))


def test_250_posts_per_24_hours_then_limit_and_quota_endpoint(threads_server, user, api):
    for n in range(250):
        ok(api.post("/me/threads", data={"media_type": "TEXT", "text": f"post {n}", "auto_publish_text": "true"}))
    limit = ok(api.get(f"/{user.id}/threads_publishing_limit", params={"fields": "quota_usage,config"}))
    assert limit == {"data": [{"quota_usage": 250, "config": {"quota_total": 250, "quota_duration": DAY}}]}
    error = meta_error(publish(api, container(api, "post 251")))
    assert (error["code"], error["type"], error["is_transient"]) == (17, "OAuthException", True)
    threads_server.advance(DAY + 1)
    assert ok(publish(api, container(api, "the next day")))["id"]
    assert len(threads_server.posts(user)) == 251


def test_replies_have_their_own_quota(threads_server, user, api):
    threads_server.configure(post_quota=(1, DAY), reply_quota=(2, DAY))
    root = post(api, "root")
    assert meta_error(publish(api, container(api, "second root")))["code"] == 17
    first = post(api, "reply 1", reply_to_id=root)
    post(api, "reply 2", reply_to_id=first)
    assert meta_error(publish(api, container(api, "reply 3", reply_to_id=root)))["code"] == 17
    limits = ok(api.get("/me/threads_publishing_limit", params={"fields": "reply_quota_usage,reply_config"}))
    assert limits["data"][0] == {"reply_quota_usage": 2, "reply_config": {"quota_total": 2, "quota_duration": DAY}}
    threads_server.configure(throttle_status=429)
    assert meta_error(publish(api, container(api, "x", reply_to_id=root)), status=429)["code"] == 17


def test_reply_chain_fields_and_listings(threads_server, user, api):
    root = post(api, "1/3 root")
    second = post(api, "2/3", reply_to_id=root)
    third = post(api, "3/3", reply_to_id=second)
    got = ok(api.get(f"/{third}", params={"fields": "replied_to,root_post,is_reply,is_reply_owned_by_me"}))
    assert got == {
        "replied_to": {"id": second},
        "root_post": {"id": root},
        "is_reply": True,
        "is_reply_owned_by_me": True,
    }
    assert [p["id"] for p in ok(api.get("/me/threads"))["data"]] == [root]  # replies are not in /threads
    assert [p["id"] for p in ok(api.get("/me/replies"))["data"]] == [third, second]
    assert [p["id"] for p in ok(api.get(f"/{root}/replies"))["data"]] == [second]
    assert [p["id"] for p in ok(api.get(f"/{root}/conversation", params={"reverse": "false"}))["data"]] == [
        second,
        third,
    ]
    missing = meta_error(api.post("/me/threads", data={"media_type": "TEXT", "text": "x", "reply_to_id": "123"}))
    assert missing["code"] == 100


def test_recent_posts_newest_first_with_limit_cursor_and_since(threads_server, api):
    ids = []
    for n in range(5):
        ids.append(post(api, f"post {n}"))
        threads_server.advance(60)
    first = ok(api.get("/me/threads", params={"fields": "id,text,timestamp,permalink", "limit": 2}))
    assert [p["text"] for p in first["data"]] == ["post 4", "post 3"]
    assert "next" in first["paging"]
    rest = ok(api.get("/me/threads", params={"limit": 10, "after": first["paging"]["cursors"]["after"]}))
    assert [p["id"] for p in rest["data"]] == ids[2::-1] and "next" not in rest["paging"]
    when = threads_server.posts()[3]["timestamp"]
    recent = ok(api.get("/me/threads", params={"since": int(when)}))["data"]
    assert [p["id"] for p in recent] == [ids[4], ids[3]]


def test_delete_own_posts_within_the_daily_quota(threads_server, api):
    threads_server.configure(delete_quota=(2, DAY))
    posts = [post(api, f"to delete {n}") for n in range(3)]
    assert ok(api.delete(f"/{posts[0]}")) == {"success": True, "deleted_id": posts[0]}
    again = meta_error(api.delete(f"/{posts[0]}"))
    assert (again["code"], again["error_subcode"]) == (100, 33)
    assert meta_error(api.get(f"/{posts[0]}", params={"fields": "text"}))["error_subcode"] == 33
    ok(api.delete(f"/{posts[1]}"))
    assert meta_error(api.delete(f"/{posts[2]}"))["code"] == 17
    assert [p["id"] for p in ok(api.get("/me/threads"))["data"]] == [posts[2]]
    limits = ok(api.get("/me/threads_publishing_limit", params={"fields": "delete_quota_usage,delete_config"}))
    assert limits["data"][0]["delete_quota_usage"] == 2


def test_other_profiles_are_out_of_reach(threads_server, user, api):
    other = threads_server.create_user("someone_else")
    theirs = httpx.Client(base_url=threads_server.api_url, params={"access_token": other.access_token})
    their_post = post(theirs, "not yours")
    assert meta_error(api.delete(f"/{their_post}"))["error_subcode"] == 33
    assert meta_error(api.post(f"/{other.id}/threads", data={"media_type": "TEXT", "text": "x"}))["code"] == 100
    assert meta_error(api.get(f"/{other.id}/threads"))["error_subcode"] == 33


def test_unknown_fields_and_container_fields_on_media(api):
    media_id = post(api)
    error = meta_error(api.get(f"/{media_id}", params={"fields": "status"}))
    assert (error["message"], error["type"], error["code"]) == (
        "Tried accessing nonexisting field (status)",
        "THApiException",
        100,
    )
    assert (
        meta_error(api.get("/me", params={"fields": "id,followers"}))["message"]
        == "Tried accessing nonexisting field (followers)"
    )
    assert meta_error(api.post("/me/threads", data={"media_type": "POLL"}))["code"] == 100
    assert meta_error(api.post("/me/threads", data={"media_type": "TEXT"}))["code"] == 100
    assert meta_error(api.post("/me/threads", data={"media_type": "IMAGE"}))["code"] == 100


def test_token_errors_never_echo_the_token(threads_server, user):
    base = threads_server.api_url
    missing = meta_error(httpx.get(f"{base}/me"))
    assert (missing["code"], missing["type"]) == (104, "OAuthException")
    invalid = meta_error(httpx.get(f"{base}/me", params={"access_token": "THnotatoken"}))
    assert invalid["code"] == 190 and "THnotatoken" not in json.dumps(invalid)
    short = threads_server.issue_token(user, expires_in=3600)
    threads_server.advance(3601)
    expired = httpx.get(f"{base}/me", params={"access_token": short})
    error = meta_error(expired)
    assert (error["code"], error["error_subcode"]) == (190, 463)
    assert error["message"].startswith("Error validating access token: Session has expired on ")
    assert short not in expired.text


def test_echo_fault_reveals_query_and_bearer_tokens(threads_server, user):
    threads_server.faults.add("echo", method="GET", path=r"/v1\.0/me", status=500, count=2)
    in_query = httpx.get(f"{threads_server.api_url}/me", params={"access_token": user.access_token})
    in_header = httpx.get(f"{threads_server.api_url}/me", headers={"Authorization": f"Bearer {user.access_token}"})
    for response in (in_query, in_header):
        assert response.status_code == 500 and user.access_token in response.json()["error"]["message"]
    assert ok(httpx.get(f"{threads_server.api_url}/me", params={"access_token": user.access_token}))


def test_token_refresh_needs_a_day_old_live_long_lived_token(threads_server, user):
    def refresh(token: str) -> httpx.Response:
        return httpx.get(
            f"{threads_server.base_url}/refresh_access_token",
            params={"grant_type": "th_refresh_token", "access_token": token},
        )

    assert meta_error(refresh(user.access_token))["code"] == 100  # less than 24 hours old
    threads_server.advance(DAY)
    fresh = ok(refresh(user.access_token))
    assert (fresh["token_type"], fresh["expires_in"]) == ("bearer", 60 * DAY)
    assert fresh["access_token"] != user.access_token
    me = f"{threads_server.api_url}/me"
    assert ok(httpx.get(me, params={"access_token": user.access_token}))  # the old one lives to its own expiry
    threads_server.advance(59 * DAY)
    assert meta_error(httpx.get(me, params={"access_token": user.access_token}))["error_subcode"] == 463
    assert ok(httpx.get(me, params={"access_token": fresh["access_token"]}))
    assert meta_error(refresh(user.access_token))["code"] == 190  # an expired token cannot be refreshed
    old = threads_server.issue_token(user, age=2 * DAY)
    threads_server.configure(refresh_revokes_old=True)
    ok(refresh(old))
    assert meta_error(httpx.get(me, params={"access_token": old}))["code"] == 190
    wrong_grant = httpx.get(
        f"{threads_server.base_url}/refresh_access_token",
        params={"grant_type": "ig_refresh_token", "access_token": fresh["access_token"]},
    )
    assert meta_error(wrong_grant)["code"] == 100


def test_call_count_limit_is_code_4_with_app_usage_header(threads_server, api):
    threads_server.configure(call_limit=(4, 3600))
    for expected in (25, 50, 75, 100):
        response = api.get("/me")
        assert json.loads(response.headers["X-App-Usage"])["call_count"] == expected
    throttled = api.get("/me")
    error = meta_error(throttled)
    assert (error["code"], error["message"], error["is_transient"]) == (4, "Application request limit reached", True)
    assert json.loads(throttled.headers["X-App-Usage"])["call_count"] == 100
    threads_server.advance(3601)
    assert ok(api.get("/me"))


def test_carousel_of_two_images(threads_server, api):
    threads_server.configure(image_seconds=0)
    items = [
        ok(
            api.post(
                "/me/threads",
                data={
                    "media_type": "IMAGE",
                    "is_carousel_item": "true",
                    "image_url": threads_server.serve_image(f"{n}.png", png(400, 400)),
                },
            )
        )["id"]
        for n in range(2)
    ]
    assert meta_error(publish(api, items[0]))["error_subcode"] == 4279009  # an item is not published alone
    one = api.post("/me/threads", data={"media_type": "CAROUSEL", "children": items[0]})
    assert meta_error(one)["code"] == 100
    carousel = ok(
        api.post("/me/threads", data={"media_type": "CAROUSEL", "children": ",".join(items), "text": "Two pages"})
    )["id"]
    media_id = ok(publish(api, carousel))["id"]
    got = ok(api.get(f"/{media_id}", params={"fields": "media_type,children"}))
    assert got == {"media_type": "CAROUSEL_ALBUM", "children": {"data": [{"id": i} for i in items]}}


def test_commit_then_fail_publishes_but_the_client_sees_an_error(threads_server, user, api):
    threads_server.faults.add("commit_then_fail")
    creation = container(api, "Did it go out?")
    failed = publish(api, creation)
    assert meta_error(failed, status=500)["code"] == 2
    recent = ok(api.get("/me/threads", params={"fields": "id,text"}))["data"]
    assert [p["text"] for p in recent] == ["Did it go out?"]
    assert ok(api.get(f"/{creation}", params={"fields": "status"}))["status"] == "PUBLISHED"


def test_injected_429_is_meta_shaped_with_usage_header(threads_server, api):
    threads_server.faults.add("status", status=429)
    response = publish(api, container(api))
    error = meta_error(response, status=429)
    assert (error["code"], error["is_transient"]) == (4, True)
    assert json.loads(response.headers["X-App-Usage"])["call_count"] == 100
    assert threads_server.posts() == []
