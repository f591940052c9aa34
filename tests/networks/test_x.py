"""The X adapter against the local X API v2 server, reached by tweepy through the base-URL override."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import pytest

from bot.errors import AuthError, Duplicate, RateLimited, Rejected, Unavailable
from bot.model import Account
from bot.networks.base import Outgoing
from bot.networks.x.adapter import XAdapter

FAKE_SECRET = "FAKE-SECRET-x-9f3b7c"


@pytest.fixture
def user(x_server):
    return x_server.create_user(f"org{time.monotonic_ns()}")


def adapter_for(x_server, user, timeout: float = 5.0, **secrets: str) -> XAdapter:
    account = Account(name="org-x", platform="x", handle=user.username, api_base=x_server.base_url)
    keys = {
        "api_key": x_server.consumer_key,
        "api_secret": x_server.consumer_secret,
        "access_token": user.access_token,
        "access_secret": user.access_secret,
        **secrets,
    }
    return XAdapter(account, timeout=timeout, **keys)


def out(text: str, i: int = 1, **refs) -> Outgoing:
    return Outgoing(text=text, key=f"s:org-x:thread:{i}", rkey="", language="fa", **refs)


@pytest.fixture
def x(x_server, user):
    adapter = adapter_for(x_server, user)
    yield adapter
    adapter.close()


def test_thread_is_posted_with_each_post_replying_to_the_previous(x_server, user, x):
    texts = ["۱/۳ بیانیه: نه به جنگ https://example.org/fa/2020", "2/3 No war, no sanctions ✊🏽", "3/3 #NoWar"]
    root = x.post(out(texts[0], 1))
    second = x.post(out(texts[1], 2, reply_to=root, root=root))
    third = x.post(out(texts[2], 3, reply_to=second, root=root))
    stored = x_server.posts(user)
    assert [p["text"] for p in stored] == texts
    assert [p["in_reply_to"] for p in stored] == [None, root.id, second.id]
    assert third.url == f"https://x.com/{user.username}/status/{third.id}"


def test_quote_post_points_at_the_original(x_server, user, x):
    original = x.post(out("On this day we said: no war"))
    quote = x.post(out("Six years ago today", 2, quote=original))
    last = x_server.posts(user)[-1]
    assert (last["id"], last["quote_of"], last["in_reply_to"]) == (quote.id, original.id, None)


def test_same_text_twice_is_refused_as_duplicate(x):
    x.post(out("Only once, please"))
    with pytest.raises(Duplicate, match="org-x"):
        x.post(out("Only once, please"))


def test_text_over_280_weighted_is_rejected_not_duplicate(x):
    with pytest.raises(Rejected) as caught:
        x.post(out("جنگ نه " * 50 + "漢字" * 30))
    assert not isinstance(caught.value, Duplicate)
    assert "400" in str(caught.value)


def test_wrong_access_secret_is_an_auth_error_that_never_shows_the_secret(x_server, user, caplog):
    caplog.set_level(logging.DEBUG)
    adapter = adapter_for(x_server, user, access_secret=FAKE_SECRET)
    with pytest.raises(AuthError) as caught:
        adapter.post(out("signed with the wrong secret"))
    assert "org-x" in str(caught.value) and "401" in str(caught.value)
    assert FAKE_SECRET not in str(caught.value) and FAKE_SECRET not in str(caught.value.__cause__)
    assert FAKE_SECRET not in caplog.text
    assert x_server.posts(user) == []


def test_no_credential_appears_in_errors_or_logs_across_failures(x_server, user, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    adapter = adapter_for(x_server, user, timeout=0.5)
    x_server.faults.add("status", status=429)
    x_server.faults.add("status", status=503)
    x_server.faults.add("timeout", hold=2.0)
    x_server.faults.add("drop")
    messages = []
    for i in range(4):
        with pytest.raises((RateLimited, Unavailable)) as caught:
            adapter.post(out(f"attempt {i}"))
        messages += [str(caught.value), repr(caught.value.__cause__)]
    seen = "\n".join(messages) + caplog.text + capsys.readouterr().out
    for secret in (x_server.consumer_secret, user.access_secret, user.access_token, x_server.consumer_key):
        assert secret not in seen


def test_rate_limit_carries_the_reset_time_from_x_rate_limit_reset(x_server, x):
    x_server.faults.add("status", status=429, reset_after=120)
    with pytest.raises(RateLimited) as caught:
        x.post(out("too soon"))
    expected = datetime.now(UTC).timestamp() + 120
    assert caught.value.retry_at is not None
    assert abs(caught.value.retry_at.timestamp() - expected) <= 2


def test_exhausted_posting_window_waits_for_its_own_reset(x_server, x):
    x_server.configure(limits={"create": [(2, 900)]})
    x.post(out("one"))
    x.post(out("two"))
    with pytest.raises(RateLimited) as caught:
        x.post(out("three"))
    assert 880 <= caught.value.retry_at.timestamp() - time.time() <= 901


@pytest.mark.parametrize("effect", ["status", "timeout", "drop"])
def test_server_error_timeout_and_dropped_connection_are_unavailable(x_server, user, effect):
    adapter = adapter_for(x_server, user, timeout=0.5)
    x_server.faults.add(effect, status=500, hold=2.0)
    started = time.monotonic()
    with pytest.raises(Unavailable, match="org-x"):
        adapter.post(out(f"fails by {effect}"))
    assert time.monotonic() - started < 1.5
    assert x_server.posts(user) == []


def test_find_locates_a_post_whose_answer_was_lost(x_server, user, x):
    x_server.configure(tier="basic")
    root = x.post(out("A thread about the assassination"))
    lost = out("Read it all: https://example.org/statements/2020-01-04 — &<> kept", 2, reply_to=root, root=root)
    x_server.faults.add("commit_then_fail", then="drop")
    with pytest.raises(Unavailable):
        x.post(lost)
    with pytest.raises(Duplicate):
        x.post(lost)
    found = x.find(lost)
    assert found is not None and found.id == x_server.posts(user)[-1]["id"]
    assert x.find(out("Read it all: https://example.org/other", 2, reply_to=root, root=root)) is None
    assert x.find(out(lost.text, 2)) is None  # same words, but not a reply to the root


def test_find_on_the_free_tier_says_the_outcome_cannot_be_checked(x_server, x):
    x_server.configure(tier="free")
    with pytest.raises(Rejected, match="cannot be checked automatically"):
        x.find(out("was this sent?"))


def test_exists_and_delete_follow_the_post(x_server, x):
    x_server.configure(tier="basic")  # the free tier reads one post per 15 minutes
    ref = x.post(out("to be retracted"))
    assert x.exists(ref)
    x.delete(ref)
    assert not x.exists(ref)
    x.delete(ref)  # already gone: not an error


def test_reposting_is_not_used_on_x(x):
    ref = x.post(out("original"))
    with pytest.raises(Rejected, match="quote"):
        x.boost(ref)


def test_limit_is_280_weighted_with_urls_costing_23(x):
    assert x.limits() is None  # X reports nothing: the config's limit (or 280) is used
