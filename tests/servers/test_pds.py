"""The reference PDS runs locally behind the fault proxy and enforces Bluesky's own rules."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from atproto import Client, models
from atproto_client.exceptions import AtProtocolError

from tests.servers import pds_server
from tests.servers.pds_server import PdsServer, PdsUnavailable

B32 = "234567abcdefghijklmnopqrstuvwxyz"


def tid(micros: int, clock: int = 7) -> str:
    """An atproto TID: 64-bit (microseconds << 10 | clock id) in base32-sortable, 13 characters."""
    value = (micros << 10) | clock
    return "".join(B32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def login(pds, prefix: str) -> tuple[Client, str]:
    handle, did, password = pds.create_account(prefix)
    client = Client(base_url=pds.base_url)
    client.login(handle, password, fetch_bsky_profile=False)
    return client, did


def raw(pds, nsid: str, body: dict, token: str) -> tuple[int, dict, dict]:
    """A POST through the proxy: (status, headers, JSON body), error statuses included."""
    request = urllib.request.Request(
        f"{pds.base_url}/xrpc/{nsid}",
        json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"{}")


def post_record(text: str) -> dict:
    return {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-01-04T10:00:00.000Z"}


@pytest.mark.slow
def test_thread_with_reply_and_quote_reads_back_with_refs(pds):
    client, did = login(pds, "thread")
    first = client.send_post("First post", profile_identify=did)
    ref = models.create_strong_ref(first)
    second = client.send_post(
        "Second post", profile_identify=did, reply_to=models.AppBskyFeedPost.ReplyRef(parent=ref, root=ref)
    )
    quote = client.send_post(
        "Quoting the first", profile_identify=did, embed=models.AppBskyEmbedRecord.Main(record=ref)
    )
    stored = pds.posts(did)
    assert [p["uri"] for p in stored] == [first.uri, second.uri, quote.uri]
    assert (stored[1]["reply_parent"], stored[1]["reply_root"]) == (first.uri, first.uri)
    assert stored[2]["quote"] == first.uri
    assert pds.get_record(second.uri)["cid"] == second.cid
    # The account's DID document names the proxy, so the client kept talking through it.
    assert pds.faults.creates == 3


@pytest.mark.slow
def test_more_than_300_graphemes_is_refused_by_the_pds(pds):
    client, did = login(pds, "longtext")
    token = client._session.access_jwt
    ok = raw(
        pds,
        "com.atproto.repo.createRecord",
        {"repo": did, "collection": "app.bsky.feed.post", "record": post_record("e\u0301" * 300)},
        token,
    )
    too_long = raw(
        pds,
        "com.atproto.repo.createRecord",
        {"repo": did, "collection": "app.bsky.feed.post", "record": post_record("a" * 301)},
        token,
    )
    assert ok[0] == 200
    assert too_long[0] == 400
    assert "grapheme" in too_long[2]["message"]
    assert len(pds.posts(did)) == 1


@pytest.mark.slow
def test_put_record_with_a_fixed_tid_is_idempotent_and_bad_rkeys_fail(pds):
    client, did = login(pds, "idempotent")
    token = client._session.access_jwt
    rkey = tid(int(time.time() * 1_000_000))
    body = {"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey, "record": post_record("Once")}
    first = raw(pds, "com.atproto.repo.putRecord", body, token)
    again = raw(pds, "com.atproto.repo.putRecord", body, token)
    assert first[0] == again[0] == 200
    assert first[2]["cid"] == again[2]["cid"]
    assert raw(pds, "com.atproto.repo.putRecord", {**body, "rkey": "not-a-tid"}, token)[0] == 400
    assert [p["rkey"] for p in pds.posts(did)] == [rkey]


@pytest.mark.slow
def test_commit_then_fail_keeps_the_record_the_client_never_saw(pds):
    client, did = login(pds, "dark")
    pds.faults.add("commit_then_fail")
    with pytest.raises(AtProtocolError):
        client.send_post("Posted in the dark", profile_identify=did)
    assert [p["text"] for p in pds.posts(did)] == ["Posted in the dark"]


@pytest.mark.slow
def test_injected_429_carries_atproto_rate_limit_headers(pds):
    client, did = login(pds, "limited")
    pds.faults.add("status", status=429, reset_after=60)
    status, headers, body = raw(
        pds,
        "com.atproto.repo.createRecord",
        {"repo": did, "collection": "app.bsky.feed.post", "record": post_record("x")},
        client._session.access_jwt,
    )
    assert (status, body["error"], headers["RateLimit-Remaining"]) == (429, "RateLimitExceeded", "0")
    assert abs(int(headers["RateLimit-Reset"]) - (time.time() + 60)) < 5
    assert pds.posts(did) == []


@pytest.mark.slow
def test_pds_own_rate_limit_answers_429_with_its_headers(pds_rate_limited):
    client, did = login(pds_rate_limited, "ratelimited")
    token = client._session.access_jwt
    write = raw(
        pds_rate_limited,
        "com.atproto.repo.createRecord",
        {"repo": did, "collection": "app.bsky.feed.post", "record": post_record("Counted")},
        token,
    )
    assert write[0] == 200
    assert int(write[1]["RateLimit-Remaining"]) < int(write[1]["RateLimit-Limit"])
    # updateHandle allows 10 calls per 5 minutes: a cheap way to reach the PDS's own 429.
    handle = {"handle": client._session.handle}
    statuses = [raw(pds_rate_limited, "com.atproto.identity.updateHandle", handle, token) for _ in range(11)]
    assert [s[0] for s in statuses] == [200] * 10 + [429]
    _, headers, body = statuses[-1]
    assert (body["error"], headers["RateLimit-Remaining"]) == ("RateLimitExceeded", "0")
    assert headers["RateLimit-Policy"].startswith("10;w=300")


def test_missing_node_modules_names_the_setup_command(tmp_path, monkeypatch):
    monkeypatch.setattr(pds_server, "PDS_DIR", tmp_path)
    with pytest.raises(PdsUnavailable, match="run scripts/setup-test-deps"):
        PdsServer()
