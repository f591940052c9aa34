"""The local X server enforces X's rules over real HTTP, as seen by raw requests and by tweepy."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
import requests
import tweepy
from oauthlib.oauth1 import Client as OAuthClient
from oauthlib.oauth1.rfc5849 import signature
from requests_oauthlib import OAuth1

from tests.servers import x_oauth
from tests.servers.tweepy_local import local_client
from tests.servers.x_api import DUPLICATE, NOT_ENROLLED, REPLY_GONE, TOO_LONG


@pytest.fixture
def user(x_server):
    return x_server.create_user("statementorg")


@pytest.fixture
def client(x_server, user):
    return local_client(x_server.base_url, x_server.credentials(user))


@pytest.fixture
def raw_client(x_server, user):
    """tweepy returning requests.Response, to read status codes and headers."""
    return local_client(x_server.base_url, x_server.credentials(user), return_type=requests.Response)


def test_tweepy_thread_is_stored_in_order_with_reply_parents(x_server, user, client):
    first = client.create_tweet(text="First post of the thread")
    second = client.create_tweet(text="Second post", in_reply_to_tweet_id=first.data["id"])
    third = client.create_tweet(text="Quoting the first", quote_tweet_id=first.data["id"])
    stored = x_server.posts(user)
    assert [p["id"] for p in stored] == [first.data["id"], second.data["id"], third.data["id"]]
    assert [p["in_reply_to"] for p in stored] == [None, first.data["id"], None]
    assert stored[2]["quote_of"] == first.data["id"]
    assert stored[1]["conversation_id"] == first.data["id"]
    sid = second.data["id"]
    assert second.data == {"id": sid, "text": "Second post", "edit_history_tweet_ids": [sid]}


def test_create_answers_201_with_rate_limit_headers(raw_client):
    response = raw_client.create_tweet(text="Headers please")
    assert response.status_code == 201
    assert response.headers["x-rate-limit-limit"] == "17"
    assert response.headers["x-rate-limit-remaining"] == "16"
    assert int(response.headers["x-rate-limit-reset"]) > time.time() + 86000
    assert response.headers["x-user-limit-24hour-remaining"] == "16"


def test_request_without_oauth_header_is_401(x_server):
    response = requests.post(f"{x_server.base_url}/2/tweets", json={"text": "anonymous"}, timeout=5)
    assert response.status_code == 401
    assert response.json() == {"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank", "status": 401}
    assert x_server.posts() == []


def test_wrong_access_secret_is_401(x_server, user):
    wrong = local_client(x_server.base_url, {**x_server.credentials(user), "access_token_secret": "not-it"})
    with pytest.raises(tweepy.Unauthorized):
        wrong.create_tweet(text="Signed with the wrong secret")
    assert x_server.posts() == []


def test_wrong_consumer_key_is_401(x_server, user):
    wrong = local_client(x_server.base_url, {**x_server.credentials(user), "consumer_key": "someone-else"})
    with pytest.raises(tweepy.Unauthorized):
        wrong.get_me()


def test_replayed_signed_request_is_refused(x_server, user):
    creds = x_server.credentials(user)
    auth = OAuth1(creds["consumer_key"], creds["consumer_secret"], creds["access_token"], creds["access_token_secret"])
    prepared = requests.Request("GET", f"{x_server.base_url}/2/users/me", auth=auth).prepare()
    with requests.Session() as session:
        assert session.send(prepared, timeout=5).status_code == 200
        assert session.send(prepared, timeout=5).status_code == 401


def test_signature_base_string_is_the_one_oauthlib_signs():
    client = OAuthClient(
        "ck",
        client_secret="cs",
        resource_owner_key="tok",
        resource_owner_secret="ts",
        nonce="n0nce",
        timestamp="1700000000",
    )
    path = "/2/users/42/tweets?max_results=5&tweet.fields=created_at,author_id&q=a%20b~c%2Cd"
    url, headers, _ = client.sign("https://api.twitter.com" + path, "GET")
    params = signature.collect_parameters(uri_query=urlsplit(url).query, headers=headers)
    theirs = signature.signature_base_string(
        "GET", signature.base_string_uri(url), signature.normalize_parameters(params)
    )
    oauth = x_oauth.parse_header(headers["Authorization"])
    assert oauth is not None
    ours = x_oauth.base_string("GET", "https://api.twitter.com", urlsplit(url).path + "?" + urlsplit(url).query, oauth)
    assert ours == theirs
    assert x_oauth.sign(ours, "cs", "ts") == oauth["oauth_signature"]


def test_weighted_length_over_280_is_400_in_x_shape(x_server, client, raw_client):
    with pytest.raises(tweepy.BadRequest) as error:
        client.create_tweet(text="漢" * 141)  # CJK weighs 2: 282
    assert error.value.api_messages == [TOO_LONG]
    assert raw_client.create_tweet(text="漢" * 140).status_code == 201  # exactly 280
    assert len(x_server.posts()) == 1


def test_urls_weigh_23_whatever_their_length(x_server, client):
    url = "https://example.org/" + "a" * 200
    text = "b" * 250 + " " + url  # 250 + 1 + 23 = 274 weighted, 471 characters
    client.create_tweet(text=text)
    assert x_server.posts()[0]["text"] == text


def test_returned_text_has_tco_links_and_escapes_like_x(x_server, client):
    made = client.create_tweet(text="Read example.org/statement & share <now>: https://example.org/a?b=1")
    assert re.fullmatch(r"Read https://t\.co/\w{10} &amp; share &lt;now&gt;: https://t\.co/\w{10}", made.data["text"])
    x_server.configure(limits={"tweet": [(5, 900)]})
    assert client.get_tweet(made.data["id"], user_auth=True).data.text == made.data["text"]
    assert x_server.posts()[0]["text"] == "Read example.org/statement & share <now>: https://example.org/a?b=1"


def test_duplicate_text_is_403_with_x_detail(x_server, client):
    client.create_tweet(text="Say it once")
    with pytest.raises(tweepy.Forbidden) as error:
        client.create_tweet(text="Say it once")
    assert error.value.api_messages == [DUPLICATE]
    assert len(x_server.posts()) == 1


def test_duplicate_is_allowed_once_the_window_has_passed(x_server, client):
    client.create_tweet(text="Anniversary text")
    x_server.advance(2 * 86400)
    client.create_tweet(text="Anniversary text")
    assert [p["text"] for p in x_server.posts()] == ["Anniversary text"] * 2


def test_same_text_from_another_user_is_not_a_duplicate(x_server, client):
    other = local_client(x_server.base_url, x_server.credentials(x_server.create_user("otherorg")))
    client.create_tweet(text="Shared wording")
    other.create_tweet(text="Shared wording")
    assert len(x_server.posts()) == 2


def test_reply_to_missing_or_deleted_tweet_is_refused(x_server, client):
    with pytest.raises(tweepy.Forbidden) as missing:
        client.create_tweet(text="Reply to nothing", in_reply_to_tweet_id="1234567890")
    assert missing.value.api_messages == [REPLY_GONE]
    parent = client.create_tweet(text="Soon gone").data["id"]
    client.delete_tweet(parent)
    with pytest.raises(tweepy.Forbidden):
        client.create_tweet(text="Reply to a deleted one", in_reply_to_tweet_id=parent)
    assert x_server.posts() == []


def test_quote_of_missing_tweet_is_invalid_request(client):
    with pytest.raises(tweepy.BadRequest) as error:
        client.create_tweet(text="Quoting nothing", quote_tweet_id="999")
    assert error.value.response.json()["title"] == "Invalid Request"


def test_free_tier_daily_cap_is_429_with_reset_time(x_server, client):
    for n in range(17):
        client.create_tweet(text=f"Post number {n}")
    with pytest.raises(tweepy.TooManyRequests) as error:
        client.create_tweet(text="One too many")
    headers = error.value.response.headers
    assert headers["x-rate-limit-remaining"] == "0"
    assert headers["x-user-limit-24hour-remaining"] == "0"
    assert error.value.reset_time == int(headers["x-user-limit-24hour-reset"])
    assert error.value.reset_time >= time.time() + 86000
    assert len(x_server.posts()) == 17


def test_window_opens_again_after_its_reset(x_server, client):
    x_server.configure(limits={"create": [(2, 900)]})
    client.create_tweet(text="a1")
    client.create_tweet(text="a2")
    with pytest.raises(tweepy.TooManyRequests):
        client.create_tweet(text="a3")
    x_server.advance(901)
    client.create_tweet(text="a3")
    assert [p["text"] for p in x_server.posts()] == ["a1", "a2", "a3"]


def test_fifteen_minute_window_is_reported_beside_the_daily_one(x_server, raw_client):
    x_server.configure(limits={"create": [(5, 900), (100, 86400)]})
    headers = raw_client.create_tweet(text="Both windows").headers
    assert (headers["x-rate-limit-limit"], headers["x-rate-limit-remaining"]) == ("5", "4")
    assert (headers["x-user-limit-24hour-limit"], headers["x-user-limit-24hour-remaining"]) == ("100", "99")


def test_free_tier_cannot_read_the_user_timeline(x_server, user, client):
    with pytest.raises(tweepy.Forbidden) as error:
        client.get_users_tweets(user.id, user_auth=True)
    body = error.value.response.json()
    assert (body["reason"], body["detail"], body["title"]) == ("client-not-enrolled", NOT_ENROLLED, "Client Forbidden")


def test_basic_tier_lists_recent_posts_newest_first_with_pages(x_server, user, client):
    x_server.configure(tier="basic")
    ids = [client.create_tweet(text=f"Numbered {n}").data["id"] for n in range(7)]
    first = client.get_users_tweets(user.id, max_results=5, user_auth=True, tweet_fields=["created_at"])
    assert [t.id for t in first.data] == [int(i) for i in reversed(ids[2:])]
    assert first.data[0].created_at is not None
    rest = client.get_users_tweets(user.id, max_results=5, pagination_token=first.meta["next_token"], user_auth=True)
    assert [t.id for t in rest.data] == [int(i) for i in reversed(ids[:2])]


def test_get_me_and_get_tweet(x_server, user, client):
    assert client.get_me().data.username == "statementorg"
    made = client.create_tweet(text="Look me up").data["id"]
    reply = client.create_tweet(text="And my parent", in_reply_to_tweet_id=made).data["id"]
    x_server.configure(limits={"tweet": [(10, 900)]})
    found = client.get_tweet(reply, user_auth=True, tweet_fields=["referenced_tweets", "author_id"])
    assert found.data.text == "And my parent"
    assert found.data.author_id == int(user.id)
    assert found.data.referenced_tweets[0].id == int(made)


def test_deleted_tweet_is_gone_for_lookup(x_server, client):
    x_server.configure(limits={"tweet": [(10, 900)]})
    made = client.create_tweet(text="Delete me").data["id"]
    assert client.delete_tweet(made).data == {"deleted": True}
    looked = client.get_tweet(made, user_auth=True)
    assert looked.data is None
    assert looked.errors[0]["type"] == "https://api.twitter.com/2/problems/resource-not-found"
    assert x_server.posts() == []
    assert x_server.posts(include_deleted=True)[0]["deleted"] is True


def test_deleting_another_users_tweet_is_forbidden(x_server, client):
    other = local_client(x_server.base_url, x_server.credentials(x_server.create_user("stranger")))
    made = other.create_tweet(text="Not yours").data["id"]
    with pytest.raises(tweepy.Forbidden):
        client.delete_tweet(made)
    with pytest.raises(tweepy.NotFound):
        client.delete_tweet("42")
