"""The Mastodon rules proxy adds Mastodon's real length and rate-limit rules to mastodon-mock."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError, MastodonRatelimitError, MastodonUnauthorizedError

COMBINING = "e\u0301"  # one grapheme, two code points


@pytest.fixture
def alice(mastodon_server):
    return Mastodon(
        access_token="alice_token", api_base_url=mastodon_server.base_url, ratelimit_method="throw", request_timeout=10
    )


def test_thread_with_idempotency_keys_reads_back_in_order(mastodon_server, alice):
    first = alice.status_post("Statement, part one", idempotency_key="stmt-1-0", language="en")
    second = alice.status_post("Part two", in_reply_to_id=first["id"], idempotency_key="stmt-1-1")
    again = alice.status_post("Part two", in_reply_to_id=first["id"], idempotency_key="stmt-1-1")
    assert again["id"] == second["id"]
    stored = mastodon_server.posts("alice_token")
    assert [(p["text"], p["in_reply_to_id"]) for p in stored] == [
        ("Statement, part one", None),
        ("Part two", first["id"]),
    ]
    assert [s["id"] for s in alice.status_context(first["id"])["descendants"]] == [second["id"]]


def test_limit_counts_graphemes_not_code_points(mastodon_server, alice):
    alice.status_post(COMBINING * 500)
    with pytest.raises(MastodonAPIError) as error:
        alice.status_post(COMBINING * 501)
    assert error.value.args[1] == 422
    assert error.value.args[3] == "Validation failed: Text character limit of 500 exceeded"
    assert len(mastodon_server.posts("alice_token")) == 1


def test_raw_422_body_is_mastodons(mastodon_server):
    response = requests.post(
        f"{mastodon_server.base_url}/api/v1/statuses",
        data={"status": "x" * 501},
        headers={"Authorization": "Bearer alice_token"},
        timeout=10,
    )
    assert response.status_code == 422
    assert response.json() == {"error": "Validation failed: Text character limit of 500 exceeded"}


def test_urls_count_23_and_remote_mentions_count_as_local(mastodon_server, alice):
    url = "https://example.org/" + "p" * 300
    alice.status_post("a" * 476 + " " + url)  # 476 + 1 + 23 = 500
    with pytest.raises(MastodonAPIError):
        alice.status_post("a" * 477 + " " + url)
    mention = "@bob@remote.example.org"
    alice.status_post("m" * 494 + " " + mention)  # counts as "@bob": 499
    assert [len(p["text"]) for p in mastodon_server.posts("alice_token")] == [797, 518]


def test_content_warning_counts_towards_the_limit(alice):
    with pytest.raises(MastodonAPIError):
        alice.status_post("b" * 450, spoiler_text="c" * 51)
    alice.status_post("b" * 450, spoiler_text="c" * 50)


def test_instance_reports_and_enforces_the_configured_limit(mastodon_server, alice):
    statuses = alice.instance_v2()["configuration"]["statuses"]
    assert (statuses["max_characters"], statuses["characters_reserved_per_url"]) == (500, 23)
    mastodon_server.configure(limit=1000)
    raw = requests.get(f"{mastodon_server.base_url}/api/v2/instance", timeout=10).json()
    assert raw["configuration"]["statuses"]["max_characters"] == 1000
    alice.status_post("z" * 1000)
    with pytest.raises(MastodonAPIError):
        alice.status_post("z" * 1001)


def test_rate_limit_headers_are_iso_8601_like_mastodon(mastodon_server, alice):
    response = requests.get(
        f"{mastodon_server.base_url}/api/v1/accounts/verify_credentials",
        headers={"Authorization": "Bearer alice_token"},
        timeout=10,
    )
    reset = dt.datetime.fromisoformat(response.headers["X-RateLimit-Reset"].replace("Z", "+00:00"))
    assert response.headers["X-RateLimit-Limit"] == "300"
    assert response.headers["X-RateLimit-Remaining"] == "299"
    assert 290 < (reset - dt.datetime.now(dt.UTC)).total_seconds() <= 300
    alice.status_post("Counting statuses")
    assert alice.ratelimit_limit == 300
    assert alice.ratelimit_remaining == 299
    assert alice.ratelimit_reset > dt.datetime.now(dt.UTC).timestamp() + 3 * 3600 - 60


def test_status_creation_window_exhausted_is_429(mastodon_server, alice):
    mastodon_server.configure(status_window=(2, 3600))
    alice.status_post("one")
    alice.status_post("two")
    with pytest.raises(MastodonRatelimitError):
        alice.status_post("three")
    assert [p["text"] for p in mastodon_server.posts("alice_token")] == ["one", "two"]


def test_idempotent_replays_do_not_count_against_the_status_window(mastodon_server, alice):
    mastodon_server.configure(status_window=(2, 3600))
    first = alice.status_post("Once", idempotency_key="k-1")
    assert all(alice.status_post("Once", idempotency_key="k-1")["id"] == first["id"] for _ in range(3))
    alice.status_post("Twice", idempotency_key="k-2")
    with pytest.raises(MastodonRatelimitError):
        alice.status_post("Thrice", idempotency_key="k-3")


def test_bad_token_is_401(mastodon_server):
    stranger = Mastodon(access_token="not-a-token", api_base_url=mastodon_server.base_url, ratelimit_method="throw")
    with pytest.raises(MastodonUnauthorizedError):
        stranger.status_post("Who am I?")


def test_created_account_can_post(mastodon_server):
    username, account_id, token = mastodon_server.create_account("statementorg")
    client = Mastodon(access_token=token, api_base_url=mastodon_server.base_url, ratelimit_method="throw")
    assert client.account_verify_credentials()["id"] == account_id
    client.status_post("Hello from a fresh account")
    assert username == "statementorg"
    assert [p["text"] for p in mastodon_server.posts(token)] == ["Hello from a fresh account"]


def test_commit_then_fail_then_idempotent_retry_finds_the_same_status(mastodon_server, alice):
    mastodon_server.faults.add("commit_then_fail")
    with pytest.raises(MastodonAPIError):
        alice.status_post("Exactly once", idempotency_key="once-0")
    retried = alice.status_post("Exactly once", idempotency_key="once-0")
    stored = mastodon_server.posts("alice_token")
    assert [(p["id"], p["text"]) for p in stored] == [(retried["id"], "Exactly once")]


def test_injected_429_uses_mastodons_reset_format(mastodon_server, alice):
    mastodon_server.faults.add("status", status=429, reset_after=90)
    with pytest.raises(MastodonRatelimitError):
        alice.status_post("Later")
    assert abs(alice.ratelimit_reset - (dt.datetime.now(dt.UTC).timestamp() + 90)) < 5


def test_boosts_read_back_as_reblogs(mastodon_server, alice):
    original = alice.status_post("Worth repeating")
    alice.status_reblog(original["id"])
    stored = mastodon_server.posts("alice_token")
    assert [(p["text"], p["reblog"]) for p in stored] == [("Worth repeating", None), ("", original["id"])]
