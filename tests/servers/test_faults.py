"""Injected faults behave exactly as planned over real HTTP (shown on the X server's built-in layer)."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import requests
import tweepy

from tests.servers.faults import ATPROTO, MASTODON, Faults
from tests.servers.tweepy_local import local_client

ROOT = pathlib.Path(__file__).resolve().parents[2]
POSTER = textwrap.dedent("""
    import json, sys
    from tests.servers.tweepy_local import local_client
    base_url, credentials, count = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
    client = local_client(base_url, credentials)
    parent = None
    for n in range(count):
        parent = client.create_tweet(text=f"Post {n + 1} of {count}", in_reply_to_tweet_id=parent).data["id"]
        print(parent, flush=True)
""")


@pytest.fixture
def user(x_server):
    return x_server.create_user("faultyorg")


@pytest.fixture
def client(x_server, user):
    return local_client(x_server.base_url, x_server.credentials(user))


def start_poster(x_server, user, count: int) -> subprocess.Popen:
    """A separate process posting a thread of ``count`` tweets, one per line of output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", POSTER, x_server.base_url, json.dumps(x_server.credentials(user)), str(count)]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def test_status_fault_fails_the_next_n_creates_then_stops(x_server, client):
    x_server.faults.add("status", status=503, count=2)
    for _ in range(2):
        with pytest.raises(tweepy.TwitterServerError):
            client.create_tweet(text="Try me")
    client.create_tweet(text="Try me")
    assert [p["text"] for p in x_server.posts()] == ["Try me"]


def test_injected_429_carries_x_epoch_reset(x_server, client):
    x_server.faults.add("status", status=429, reset_after=120)
    with pytest.raises(tweepy.TooManyRequests) as error:
        client.create_tweet(text="Too soon")
    assert abs(error.value.reset_time - (time.time() + 120)) < 5
    assert error.value.response.json()["title"] == "Too Many Requests"


def test_faults_only_hit_matching_method_and_path(x_server, client):
    x_server.faults.add("status", method="GET", path=r"/2/users/me", status=500)
    client.create_tweet(text="Creates are untouched")
    with pytest.raises(tweepy.TwitterServerError):
        client.get_me()
    assert client.get_me().data.username == "faultyorg"


def test_timeout_holds_past_the_client_timeout_and_stores_nothing(x_server, user, client):
    x_server.faults.add("timeout", hold=2.0)
    creds = x_server.credentials(user)
    impatient = local_client(x_server.base_url, creds)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        impatient.session.post(
            f"{x_server.base_url}/2/tweets",
            json={"text": "Slow"},
            timeout=0.5,
            auth=tweepy.OAuth1UserHandler(*creds.values()).apply_auth(),
        )
    assert time.monotonic() - started < 1.5
    assert x_server.posts() == []


def test_drop_closes_the_connection_without_a_response(x_server, client):
    x_server.faults.add("drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        client.create_tweet(text="Dropped")
    assert x_server.posts() == []
    client.create_tweet(text="After the drop")
    assert len(x_server.posts()) == 1


@pytest.mark.parametrize(
    ("then", "raised"), [("500", tweepy.TwitterServerError), ("drop", requests.exceptions.ConnectionError)]
)
def test_commit_then_fail_stores_the_post_the_client_never_saw(x_server, client, then, raised):
    x_server.faults.add("commit_then_fail", then=then)
    with pytest.raises(raised):
        client.create_tweet(text="Posted in the dark")
    assert [p["text"] for p in x_server.posts()] == ["Posted in the dark"]


@pytest.mark.parametrize(("effect", "stored"), [("hang_after_commit", 2), ("hang_before_commit", 1)])
def test_killing_the_poster_while_a_create_is_held(x_server, user, effect, stored):
    x_server.faults.add("pass")
    x_server.faults.add(effect)
    poster = start_poster(x_server, user, 4)
    try:
        x_server.faults.wait_for_request(2)
        x_server.faults.wait_for_held(1)
        poster.send_signal(signal.SIGKILL)
        poster.wait(5)
    finally:
        if poster.poll() is None:
            poster.kill()
    printed = poster.stdout.read().split()
    x_server.faults.release()
    assert len(printed) == 1
    x_server.faults.wait_for_quiet()  # the released request has done whatever it would do
    texts = [p["text"] for p in x_server.posts(user)]
    assert texts == [f"Post {n + 1} of 4" for n in range(stored)]
    local_client(x_server.base_url, x_server.credentials(user)).create_tweet(text="Server still fine")


def test_wait_for_request_times_out_when_nothing_comes(x_server):
    with pytest.raises(TimeoutError):
        x_server.faults.wait_for_request(1, timeout=0.1)


def test_seeded_random_plan_is_deterministic_and_followed(x_server, client):
    x_server.configure(limits={"create": [(1000, 86400)]})
    plan = x_server.faults.random(0.3, seed=7, count=40, mix=("429", "500", "drop", "commit_then_fail"))
    assert plan == Faults(lambda m, p: True).random(
        0.3, seed=7, count=40, mix=("429", "500", "drop", "commit_then_fail")
    )
    assert 6 <= sum(kind != "pass" for kind in plan) <= 18
    outcomes = []
    for n in range(40):
        try:
            client.create_tweet(text=f"Random {n}")
            outcomes.append("pass")
        except tweepy.TooManyRequests:
            outcomes.append("429")
        except tweepy.TwitterServerError:
            outcomes.append("500")
        except requests.exceptions.ConnectionError:
            outcomes.append("drop")
    for kind, outcome in zip(plan, outcomes):
        assert outcome in ("500", "drop") if kind == "commit_then_fail" else outcome == kind
    stored = {p["text"] for p in x_server.posts()}
    assert stored == {f"Random {n}" for n, kind in enumerate(plan) if kind in ("pass", "commit_then_fail")}


def test_rate_limit_headers_in_each_networks_format():
    mastodon = MASTODON.rate_limit_headers(300, 0, 1_800_000_000)
    assert mastodon["X-RateLimit-Reset"] == "2027-01-15T08:00:00.000000Z"
    atproto = ATPROTO.rate_limit_headers(30, 0, 1_800_000_000.7, window=300)
    assert atproto == {
        "RateLimit-Limit": "30",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "1800000000",
        "RateLimit-Policy": "30;w=300",
    }
