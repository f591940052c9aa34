"""Images with alt text and link cards on the reference PDS, read back from the records."""

from __future__ import annotations

import json

import pytest

from bot.errors import MediaGone
from bot.model import Media
from bot.networks.base import Attached
from tests.networks.test_bluesky import adapter_for, bsky, member, out, saved_session  # noqa: F401  (fixtures)
from tests.networks.test_card import site  # noqa: F401  (fixture)
from tests.servers.media import png

pytestmark = pytest.mark.slow

ALT = "The statement's first page: IASWI against war and sanctions."


def test_image_is_a_blob_in_an_images_embed_with_its_alt_text(pds, member, bsky):  # noqa: F811
    picture = Media("s.png", ALT, "image/png", 640, 480, png(640, 480))
    uploaded = bsky.upload(picture)
    blob = json.loads(uploaded.id)
    assert blob["mimeType"] == "image/png" and blob["size"] == len(picture.data)
    ref = bsky.post(out("1/3 No to war", media=(Attached(picture, uploaded.id),), card="https://example.org/x"))
    record = pds.get_record(ref.id)["value"]
    embed = record["embed"]
    assert embed["$type"] == "app.bsky.embed.images"  # the image wins over the card
    [image] = embed["images"]
    assert image["alt"] == ALT and (image["aspectRatio"]["width"], image["aspectRatio"]["height"]) == (640, 480)
    assert image["image"]["ref"]["$link"] == blob["ref"]["$link"] and image["image"]["size"] == len(picture.data)


def test_a_blob_the_pds_does_not_have_is_media_gone(pds, member, bsky):  # noqa: F811
    picture = Media("s.png", ALT, "image/png", 64, 48, png(64, 48))
    blob = json.loads(bsky.upload(picture).id)
    blob["ref"]["$link"] = "bafkreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"  # never uploaded
    with pytest.raises(MediaGone):
        bsky.post(out("with a blob that is not there", media=(Attached(picture, json.dumps(blob)),)))


def test_link_card_from_open_graph_tags_with_its_thumbnail(pds, member, bsky, site):  # noqa: F811
    url = f"{site}/page"
    ref = bsky.post(out(f"Read the full statement: {url}", card=url))
    external = pds.get_record(ref.id)["value"]["embed"]["external"]
    assert external["uri"] == url and external["title"] == "No to war: the statement"
    assert external["description"] == "IASWI on the assassination & its aftermath."
    assert external["thumb"]["mimeType"] == "image/png" and external["thumb"]["size"] <= 1_000_000


def test_a_card_that_cannot_be_made_leaves_a_plain_link(pds, member, site):  # noqa: F811
    adapter = adapter_for(pds, member)
    url = f"{site}/missing"
    ref = adapter.post(out(f"Read it: {url}", card=url))
    record = pds.get_record(ref.id)["value"]
    assert "embed" not in record and record["text"] == f"Read it: {url}"  # the post went out as it was
    adapter.close()
