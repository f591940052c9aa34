"""The Mastodon adapter against mastodon-mock over real HTTP, behind a proxy adding Mastodon's real rules."""

from __future__ import annotations

import logging
import time

import pytest

from bot.errors import AuthError, RateLimited, Rejected, Unavailable
from bot.model import Account, MediaRules
from bot.networks.base import Limits, MemoryStore, Outgoing
from bot.networks.mastodon.adapter import MastodonAdapter
from bot.networks.registry import account_rules

FAKE_TOKEN = "FAKE-SECRET-mastodon-51c2e0"


@pytest.fixture
def alice(mastodon_server):
    return mastodon_server.create_account(f"org{time.monotonic_ns() % 10**9}")


def adapter_for(
    mastodon_server, token: str, timeout: float = 5.0, store=None, clock=time.time, **settings
) -> MastodonAdapter:
    settings.setdefault("instance", mastodon_server.base_url)
    account = Account(name="org-mastodon", platform="mastodon", **settings)
    return MastodonAdapter(account, access_token=token, timeout=timeout, store=store or MemoryStore(), clock=clock)


def out(text: str, i: int = 1, key: str | None = None, **refs) -> Outgoing:
    return Outgoing(text=text, key=key or f"s:org-mastodon:thread:{i}:{text}", rkey="", language="fa", **refs)


@pytest.fixture
def masto(mastodon_server, alice):
    adapter = adapter_for(mastodon_server, alice[2])
    yield adapter
    adapter.close()


def test_thread_is_posted_with_replies_language_visibility_and_warning(mastodon_server, alice):
    adapter = adapter_for(mastodon_server, alice[2], visibility="unlisted", spoiler_text="war, politics")
    texts = ["۱/۳ نه به جنگ https://example.org/fa", "2/3 No war ✊🏽", "3/3 #NoWar"]
    root = adapter.post(out(texts[0], 1))
    second = adapter.post(out(texts[1], 2, reply_to=root, root=root))
    adapter.post(out(texts[2], 3, reply_to=second, root=root))
    stored = mastodon_server.posts(alice[2])
    assert [s["text"] for s in stored] == texts
    assert [s["in_reply_to_id"] for s in stored] == [None, root.id, second.id]
    assert {(s["language"], s["visibility"], s["spoiler_text"]) for s in stored} == {
        ("fa", "unlisted", "war, politics")
    }


def test_resending_with_the_same_key_returns_the_same_status(mastodon_server, alice, masto):
    first = masto.post(out("once", key="k-1"))
    again = masto.post(out("once", key="k-1"))
    assert again.id == first.id
    assert len(mastodon_server.posts(alice[2])) == 1


def test_post_saved_but_answer_lost_is_recovered_without_a_second_status(mastodon_server, alice, masto):
    lost = out("the answer to this one is lost: https://example.org/x?a=1&b=2", key="k-lost")
    mastodon_server.faults.add("commit_then_fail", then="drop")
    with pytest.raises(Unavailable):
        masto.post(lost)
    found = masto.find(lost)
    assert found is not None
    assert masto.post(lost).id == found.id
    assert [s["id"] for s in mastodon_server.posts(alice[2])] == [found.id]


def test_find_matches_reply_target_and_text_and_says_none_otherwise(masto):
    root = masto.post(out("root"))
    reply = masto.post(out("same words", 2, reply_to=root, root=root))
    assert masto.find(out("same words", 2, reply_to=root, root=root)).id == reply.id
    assert masto.find(out("same words", 2)) is None
    assert masto.find(out("never sent", 3, reply_to=root, root=root)) is None


def test_bad_token_is_an_auth_error_that_never_shows_the_token(mastodon_server, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    adapter = adapter_for(mastodon_server, FAKE_TOKEN)
    with pytest.raises(AuthError) as caught:
        adapter.post(out("who am I?"))
    assert "org-mastodon" in str(caught.value) and "401" in str(caught.value)
    seen = str(caught.value) + repr(caught.value.__cause__) + caplog.text + capsys.readouterr().out
    assert FAKE_TOKEN not in seen


def test_text_over_the_instance_limit_is_rejected(mastodon_server, masto):
    mastodon_server.configure(limit=100)
    with pytest.raises(Rejected, match="422"):
        masto.post(out("نه به جنگ " * 15))


def test_rate_limit_reset_in_iso_8601_sets_retry_at(mastodon_server, masto):
    mastodon_server.faults.add("status", status=429, reset_after=120)
    with pytest.raises(RateLimited) as caught:
        masto.post(out("too soon"))
    assert abs(caught.value.retry_at.timestamp() - (time.time() + 120)) <= 3


def test_rate_limit_reset_in_epoch_seconds_sets_retry_at(mastodon_server, alice):
    adapter = adapter_for(mastodon_server, alice[2], instance=mastodon_server.direct_url)  # the mock's own 429
    with (
        mastodon_server.mock.fault(type="ratelimit", path="/api/v1/statuses", methods=["POST"], count=1),
        pytest.raises(RateLimited) as caught,
    ):
        adapter.post(out("too soon, says the mock"))
    assert abs(caught.value.retry_at.timestamp() - (time.time() + 300)) <= 3


def test_exhausted_status_window_is_rate_limited_until_its_reset(mastodon_server, masto):
    mastodon_server.configure(status_window=(1, 3 * 3600))
    masto.post(out("the only one allowed"))
    with pytest.raises(RateLimited) as caught:
        masto.post(out("one too many"))
    assert 3 * 3600 - 30 <= caught.value.retry_at.timestamp() - time.time() <= 3 * 3600 + 3


@pytest.mark.parametrize("effect", ["status", "timeout", "drop"])
def test_server_error_timeout_and_dropped_connection_are_unavailable(mastodon_server, alice, effect):
    adapter = adapter_for(mastodon_server, alice[2], timeout=0.5)
    mastodon_server.faults.add(effect, status=503, hold=2.0)
    started = time.monotonic()
    with pytest.raises(Unavailable, match="org-mastodon"):
        adapter.post(out(f"fails by {effect}"))
    assert time.monotonic() - started < 1.5
    assert mastodon_server.posts(alice[2]) == []


def test_limits_come_from_the_instance_and_are_cached_for_a_day(mastodon_server, alice):
    mastodon_server.configure(limit=640, url_length=30)
    store, now = MemoryStore(), [1_000_000.0]
    first = adapter_for(mastodon_server, alice[2], store=store, clock=lambda: now[0])
    # What the rules proxy advertises (Mastodon's defaults): tests/servers/mastodon_media.py
    media = MediaRules(4, 16 * 1024 * 1024, 1500, max_pixels=33_177_600, types=("image/png", "image/jpeg", "image/gif"))
    assert first.limits() == Limits(640, 30, media)
    mastodon_server.configure(limit=1000)
    asked = len(mastodon_server.faults.requests)
    assert adapter_for(mastodon_server, alice[2], store=store, clock=lambda: now[0]).limits() == Limits(640, 30, media)
    assert len(mastodon_server.faults.requests) == asked  # served from the cache
    now[0] += 24 * 3600 + 1
    assert first.limits() == Limits(1000, 30, media)
    # A configured limit may only lower the instance's; URLs still cost what the instance says.
    rules = account_rules(Account(name="m", platform="mastodon", limit=400), first.limits())
    assert rules.limits == (400,) and rules.count("https://a.org") == 30
    assert account_rules(Account(name="m", platform="mastodon", limit=4000), first.limits()).limit == 1000


def test_boost_is_idempotent_and_delete_tolerates_a_gone_status(mastodon_server, alice, masto):
    ref = masto.post(out("a year ago today"))
    masto.boost(ref)
    masto.boost(ref)
    assert [s["reblog"] for s in mastodon_server.posts(alice[2])].count(ref.id) == 1
    assert masto.exists(ref)
    masto.delete(ref)
    assert not masto.exists(ref)
    masto.delete(ref)


def test_quote_post_carries_the_quoted_status(mastodon_server, alice, masto):
    original = masto.post(out("On this day we said: no war"))
    quote = masto.post(out("Six years ago today", 2, quote=original))
    shown = mastodon_server.mock.client(token=alice[2]).status(quote.id)
    assert shown["quote"]["quoted_status"]["id"] == original.id
