"""Images with alt text on X and Mastodon, uploaded through each adapter and read back from the local servers."""

from __future__ import annotations

import pytest

from bot.errors import MediaGone, Rejected, ReplyRefused
from bot.model import Media
from bot.networks.base import Attached, Uploader
from tests.networks.test_mastodon import adapter_for as mastodon_adapter
from tests.networks.test_mastodon import alice  # noqa: F401  (fixture)
from tests.networks.test_mastodon import out as mastodon_out
from tests.networks.test_x import adapter_for as x_adapter
from tests.networks.test_x import out as x_out
from tests.networks.test_x import user  # noqa: F401  (fixture)
from tests.servers.media import png

ALT = "IASWI's statement on the assassination of Qasem Soleimani, page 1: a call against war and sanctions."


def image(width: int = 320, height: int = 200, alt: str = ALT) -> Media:
    return Media("statement.png", alt, "image/png", width, height, png(width, height))


def test_x_uploads_the_image_with_its_alt_text_and_attaches_it(x_server, user):  # noqa: F811
    x = x_adapter(x_server, user)
    assert isinstance(x, Uploader)
    picture = image()
    uploaded = x.upload(picture)
    assert uploaded.expires_at is not None  # from expires_after_secs
    x.post(x_out("1/2 No to war", media=(Attached(picture, uploaded.id),)))
    [post] = x_server.posts(user)
    assert post["media"] == [
        {"media_key": f"3_{uploaded.id}", "bytes": len(picture.data), "type": "image/png", "width": 320,
         "height": 200, "alt": ALT}
    ]  # fmt: skip
    x.close()


def test_x_refuses_an_expired_upload_and_the_adapter_says_it_is_gone(x_server, user):  # noqa: F811
    x = x_adapter(x_server, user)
    uploaded = x.upload(image())
    x_server.advance(24 * 3600 + 1)
    with pytest.raises(MediaGone):
        x.post(x_out("too late", media=(Attached(image(), uploaded.id),)))
    x.close()


def test_x_refusing_a_reply_is_reply_refused_with_xs_own_words(x_server, user):  # noqa: F811
    x = x_adapter(x_server, user)
    first = x.post(x_out("1/2 first"))
    x_server.configure(reply_rule="closed")
    with pytest.raises(ReplyRefused, match="Reply to this conversation is not allowed because you have not been"):
        x.post(x_out("2/2 second", 2, reply_to=first, root=first))
    x.close()


def test_x_server_allows_replies_to_own_posts_but_not_to_strangers_who_did_not_mention_you(x_server, user):  # noqa: F811
    stranger = x_server.create_user("stranger")
    theirs = x_adapter(x_server, stranger).post(x_out("a post by someone else"))
    mine = x_adapter(x_server, user)
    own = mine.post(x_out("mine"))
    mine.post(x_out("reply to mine", 2, reply_to=own, root=own))
    with pytest.raises(ReplyRefused):
        mine.post(x_out("reply to a stranger", 3, reply_to=theirs, root=theirs))


def test_mastodon_uploads_with_the_description_and_the_status_carries_it(mastodon_server, alice):  # noqa: F811
    masto = mastodon_adapter(mastodon_server, alice[2])
    picture = image()
    uploaded = masto.upload(picture)
    masto.post(mastodon_out("1/2 No to war", media=(Attached(picture, uploaded.id),)))
    [status] = mastodon_server.posts(alice[2])
    [media] = status["media"]
    assert media["description"] == ALT and media["type"] == "image"
    assert mastodon_server.media_bytes(media["url"]) == picture.data
    masto.close()


def test_mastodon_proxy_enforces_the_instance_media_rules(mastodon_server, alice):  # noqa: F811
    mastodon_server.configure(description_limit=40, image_size_limit=2000)
    masto = mastodon_adapter(mastodon_server, alice[2])
    limits = masto.limits()
    assert limits.media is not None and (limits.media.alt_limit, limits.media.max_bytes) == (40, 2000)
    with pytest.raises(Rejected, match="Description is too long"):
        masto.upload(image(alt="x" * 41))
    with pytest.raises(Rejected, match="file size must be less than"):
        masto.upload(image(900, 900, alt="short"))
    masto.close()


def test_mastodon_forgets_unattached_uploads_after_a_day_and_never_attaches_one_twice(mastodon_server, alice):  # noqa: F811
    masto = mastodon_adapter(mastodon_server, alice[2])
    picture = image()
    old = masto.upload(picture)
    mastodon_server.advance(24 * 3600 + 1)
    with pytest.raises(MediaGone):
        masto.post(mastodon_out("a day later", media=(Attached(picture, old.id),)))
    fresh = masto.upload(picture)
    masto.post(mastodon_out("with a fresh upload", media=(Attached(picture, fresh.id),)))
    with pytest.raises(MediaGone):
        masto.post(mastodon_out("the same upload again", 2, media=(Attached(picture, fresh.id),)))
    masto.close()
