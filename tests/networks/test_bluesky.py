"""The Bluesky adapter against the real reference PDS (in-memory PLC) behind a fault proxy."""

from __future__ import annotations

import itertools
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot.errors import AuthError, RateLimited, Rejected, Unavailable
from bot.model import Account
from bot.networks.base import MemoryStore, Outgoing
from bot.networks.bluesky.adapter import BlueskyAdapter
from bot.publishing.journal import Journal
from bot.publishing.rows import tid
from tests.servers.faults import ATPROTO, Faults, start_proxy

pytestmark = pytest.mark.slow

FAKE_PASSWORD = "FAKE-SECRET-bluesky-7d41aa"
LONG = "https://example.org/statements/2020/01/04/on-the-assassination?lang=fa"
_clock_ids = itertools.count(1)


@pytest.fixture(scope="module")
def member(pds_session):
    """One account for the module (creating one and logging in each cost a password hash)."""
    return pds_session.create_account("org")


@pytest.fixture(scope="module")
def saved_session():
    """The module's session store: the adapters below log in once between them."""
    return MemoryStore()


@pytest.fixture
def bsky(pds, member, saved_session):
    adapter = adapter_for(pds, member, store=saved_session)
    yield adapter
    adapter.close()


def adapter_for(
    server, member, store=None, timeout: float = 5.0, password: str | None = None, base: str | None = None
) -> BlueskyAdapter:
    handle, _did, secret = member
    account = Account(name="org-bluesky", platform="bluesky", handle=handle, instance=base or server.base_url)
    return BlueskyAdapter(account, password=password or secret, timeout=timeout, store=store or MemoryStore())


def out(text: str, **refs) -> Outgoing:
    """A post with a fresh valid TID, as the journal fixes one before the first attempt."""
    rkey = tid(int(time.time() * 1_000_000), next(_clock_ids) % 1024)
    return Outgoing(text=text, key=f"k-{rkey}", rkey=rkey, language="fa", **refs)


def covered(text: str, facet: dict) -> str:
    index = facet["index"]
    return text.encode("utf-8")[index["byteStart"] : index["byteEnd"]].decode("utf-8")


def creates_of_session(server) -> int:
    return server.faults.requests.count(("POST", "/xrpc/com.atproto.server.createSession"))


def stored(server, member, *texts: str) -> list[str]:
    """URIs of the account's posts with these texts, in posting order."""
    return [p["uri"] for p in server.posts(member[1]) if p["text"] in texts]


def test_thread_reads_back_with_root_and_parent_refs_facets_and_langs(pds, member, bsky):
    handle, did, _ = member
    root = bsky.post(out(f"۱/۳ بیانیه کامل: {LONG} ✊🏽 #نه_به_جنگ"))
    second = bsky.post(out(f"2/3 with @{handle} and @nobody-here.test", reply_to=root, root=root))
    third = bsky.post(out("3/3 全文 #NoWar", reply_to=second, root=root))
    posts = [p for p in pds.posts(did) if p["uri"] in (root.id, second.id, third.id)]
    assert [p["uri"] for p in posts] == [root.id, second.id, third.id]
    assert [p["reply_root"] for p in posts] == [None, root.id, root.id]
    assert [p["reply_parent"] for p in posts] == [None, root.id, second.id]
    assert posts[2]["record"]["reply"]["root"]["cid"] == root.cid
    assert all(p["langs"] == ["fa"] for p in posts)
    first = posts[0]
    assert first["text"] == "۱/۳ بیانیه کامل: example.org/statements/2020/0… ✊🏽 #نه_به_جنگ"
    assert [covered(first["text"], f) for f in first["facets"]] == ["example.org/statements/2020/0…", "#نه_به_جنگ"]
    assert first["facets"][0]["features"][0]["uri"] == LONG
    (mention,) = posts[1]["facets"]
    assert covered(posts[1]["text"], mention) == f"@{handle}"
    assert mention["features"][0] == {"$type": "app.bsky.richtext.facet#mention", "did": did}
    assert root.url == f"https://bsky.app/profile/{handle}/post/{posts[0]['rkey']}"


def test_quote_embeds_a_strong_ref_to_the_original(pds, bsky):
    original = bsky.post(out("On this day we said: no war"))
    quote = bsky.post(out("Six years ago today", quote=original))
    record = pds.get_record(quote.id)["value"]
    assert record["embed"]["$type"] == "app.bsky.embed.record"
    assert (record["embed"]["record"]["uri"], record["embed"]["record"]["cid"]) == (original.id, original.cid)


def test_retry_with_the_same_rkey_adopts_the_record_already_there(pds, member, bsky):
    post = out("sent once, asked twice")
    first = bsky.post(post)
    assert bsky.post(post) == first
    assert stored(pds, member, post.text) == [first.id]


def test_post_saved_but_answer_lost_is_found_by_its_rkey(pds, member, bsky):
    post = out("the answer to this one is lost")
    bsky.find(out("never sent"))  # logged in before the fault
    pds.faults.add("commit_then_fail", then="drop")
    with pytest.raises(Unavailable):
        bsky.post(post)
    found = bsky.find(post)
    assert found is not None
    assert bsky.post(post) == found
    assert stored(pds, member, post.text) == [found.id]
    assert bsky.find(out("never sent")) is None


def test_session_is_saved_in_the_journal_and_reused_by_the_next_run(pds, member, tmp_path):
    before = creates_of_session(pds)
    with Journal(tmp_path / "state.sqlite3") as journal:
        adapter_for(pds, member, store=journal).post(out("first run"))
    with Journal(tmp_path / "state.sqlite3") as journal:
        adapter_for(pds, member, store=journal).post(out("second run, same session"))
    assert creates_of_session(pds) - before == 1
    assert len(stored(pds, member, "first run", "second run, same session")) == 2


class ExpireOnce:
    """Proxy rules: the first createRecord is answered the way the PDS answers an expired token."""

    def __init__(self) -> None:
        self.fired = False

    def before(self, method, path, headers, body):
        if path.endswith("com.atproto.repo.createRecord") and not self.fired:
            self.fired = True
            return 400, {}, {"error": "ExpiredToken", "message": "Token has expired"}
        return None

    def after(self, method, path, headers, reply):
        return reply


def test_expired_token_is_refreshed_once_and_the_post_retried(pds, member):
    faults = Faults(lambda method, path: False)
    proxy = start_proxy(pds.base_url, faults, ATPROTO, ExpireOnce())
    try:
        adapter = adapter_for(pds, member, base=proxy.base_url)
        assert adapter.find(out("not there")) is None  # logs in
        adapter.client.update_base_url(proxy.base_url)  # the session points at the PDS; route through here
        ref = adapter.post(out("after a refresh"))
    finally:
        proxy.close()
    assert faults.requests.count(("POST", "/xrpc/com.atproto.server.refreshSession")) == 1
    assert faults.requests.count(("POST", "/xrpc/com.atproto.repo.createRecord")) == 2
    assert pds.get_record(ref.id)["value"]["text"] == "after a refresh"


def test_wrong_password_is_an_auth_error_that_never_shows_it(pds, member, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    adapter = adapter_for(pds, member, password=FAKE_PASSWORD)
    with pytest.raises(AuthError) as caught:
        adapter.post(out("who am I?"))
    assert "org-bluesky" in str(caught.value) and "401" in str(caught.value)
    seen = str(caught.value) + repr(caught.value.__cause__) + caplog.text + capsys.readouterr().out
    assert FAKE_PASSWORD not in seen


def test_the_journal_keeps_the_session_but_never_the_password(pds, member, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with Journal(tmp_path / "state.sqlite3") as journal:
        adapter_for(pds, member, store=journal).post(out("right password"))
    assert member[2].encode() not in (tmp_path / "state.sqlite3").read_bytes()
    assert member[2] not in caplog.text


def test_text_over_300_graphemes_is_rejected(bsky):
    with pytest.raises(Rejected, match="400"):
        bsky.post(out("نه به جنگ " * 40))


def test_rate_limit_carries_the_ratelimit_reset_time(pds, bsky):
    pds.faults.add("status", status=429, reset_after=90)
    with pytest.raises(RateLimited) as caught:
        bsky.post(out("too soon"))
    assert abs(caught.value.retry_at.timestamp() - (time.time() + 90)) <= 2


@pytest.mark.parametrize("effect", ["status", "timeout", "drop"])
def test_server_error_timeout_and_dropped_connection_are_unavailable(pds, member, saved_session, effect):
    adapter = adapter_for(pds, member, store=saved_session, timeout=0.5)
    pds.faults.add(effect, status=500, hold=2.0)
    started = time.monotonic()
    with pytest.raises(Unavailable, match="org-bluesky"):
        adapter.post(out(f"fails by {effect}"))
    assert time.monotonic() - started < 1.5
    assert stored(pds, member, f"fails by {effect}") == []


def test_exists_delete_and_repost_are_idempotent(pds, member, bsky):
    ref = bsky.post(out("a year ago today"))
    bsky.boost(ref)
    bsky.boost(ref)
    reposts = pds.xrpc(
        "GET", "com.atproto.repo.listRecords", {"repo": member[1], "collection": "app.bsky.feed.repost"}
    )["records"]
    assert [r["value"]["subject"]["cid"] for r in reposts if r["value"]["subject"]["uri"] == ref.id] == [ref.cid]
    assert bsky.exists(ref)
    bsky.delete(ref)
    assert not bsky.exists(ref)
    bsky.delete(ref)


def test_pds_login_limit_is_a_rate_limit_and_the_saved_session_avoids_it(pds_rate_limited):
    member = pds_rate_limited.create_account("busy")
    store = MemoryStore()
    adapter_for(pds_rate_limited, member, store=store).post(out("logged in once"))

    def login(_: int) -> int:
        body = {"identifier": member[0], "password": "x" * 600}  # over the PDS's cap: refused before hashing
        return httpx.post(
            f"{pds_rate_limited.direct_url}/xrpc/com.atproto.server.createSession", json=body, timeout=60
        ).status_code

    with ThreadPoolExecutor(8) as pool:  # spend the 30-per-5-minutes login budget of this handle
        assert 429 in set(pool.map(login, range(32)))
    with pytest.raises(RateLimited) as caught:
        adapter_for(pds_rate_limited, member).post(out("a bot without a saved session"))
    assert 0 < caught.value.retry_at.timestamp() - time.time() <= 300
    adapter_for(pds_rate_limited, member, store=store).post(out("still posting on the saved session"))
    assert [p["text"] for p in pds_rate_limited.posts(member[1])] == [
        "logged in once",
        "still posting on the saved session",
    ]


def test_a_mention_whose_resolver_times_out_stays_plain_text(pds, member, saved_session):
    adapter = adapter_for(pds, member, store=saved_session, timeout=0.5)
    pds.faults.add("timeout", method="GET", path=r"/xrpc/com\.atproto\.identity\.resolveHandle", hold=2.0)
    ref = adapter.post(out(f"thanks @{member[0]}"))
    assert pds.get_record(ref.id)["value"].get("facets") is None
