"""Telegram: the statement's image as a photo, its PDF as a document, against the local Bot API server.

Every file is read back the way a bot downloads one (getFile, then ``/file/bot<token>/<path>``) and
compared byte for byte with what was planned; captions and the reply chain come from the server.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.config import parse_config
from bot.model import Media
from bot.networks.base import Attached, MemoryStore
from bot.planning import plan_thread
from bot.publishing.retract import retract_thread
from bot.text.reading import read_statement
from tests.networks.test_telegram import adapter_for, out, publish
from tests.servers.local_api import ServerClock
from tests.servers.media import png

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "tests" / "fixtures" / "pdfs" / "en-port-workers.pdf"


@pytest.fixture
def clock(telegram_server):
    return ServerClock(telegram_server)


def download(server, token: str, file_id: str) -> bytes:
    """What a bot gets for ``file_id``: getFile, then the file URL."""
    answer = httpx.post(f"{server.base_url}/bot{token}/getFile", json={"file_id": file_id}).json()
    assert answer["ok"], answer
    return httpx.get(f"{server.base_url}/file/bot{token}/{answer['result']['file_path']}").content


def config_for(server, channel, tmp_path: Path, probe=None):
    probe_line = f"    probe_chat: '{probe.id}'\n" if probe is not None else ""
    text = (
        "accounts:\n  - name: org-telegram\n    platform: telegram\n"
        f"    chat: '@{channel.username}'\n{probe_line}    api_base: {server.base_url}\n"
        "    credentials: {bot_token: TG_TOKEN}\n"
    )
    return parse_config(text, tmp_path / "bot.yaml")


def test_a_photo_carries_the_post_as_its_caption_and_is_read_back_byte_for_byte(telegram_server, bot, channel):
    adapter = adapter_for(telegram_server, bot, channel)
    picture = Media("poster.png", "", "image/png", 640, 480, png(640, 480))
    first = adapter.post(out("Free the teachers\nThey did nothing wrong.\n1/2", media=(Attached(picture),)))
    adapter.post(out("Release them now.\n2/2", 2, reply_to=first, root=first))
    [photo, text] = telegram_server.messages(channel)
    assert photo["text"] is None and photo["caption"] == "Free the teachers\nThey did nothing wrong.\n1/2"
    assert photo["caption_entities"] == [{"type": "bold", "offset": 0, "length": 17}]  # the title, as in text posts
    assert download(telegram_server, bot.token, photo["photo"][-1]["file_id"]) == picture.data
    assert (photo["photo"][-1]["width"], photo["photo"][-1]["height"]) == (640, 480)
    assert text["reply_to_message_id"] == photo["message_id"] and text["photo"] is None


def test_the_pdf_follows_as_a_document_with_its_own_name_replying_to_the_last_message(telegram_server, bot, channel):
    adapter = adapter_for(telegram_server, bot, channel)
    last = adapter.post(out("The statement in full."))
    data = PDF.read_bytes()
    document = Media("statements/۱۴۰۲-بیانیه.pdf", "", "application/pdf", 0, 0, data)
    adapter.post(out("Solidarity with the Striking Port Workers", 2, reply_to=last, root=last,
                     media=(Attached(document),)))  # fmt: skip
    [_, sent] = telegram_server.messages(channel)
    assert sent["caption"] == "Solidarity with the Striking Port Workers"
    assert sent["reply_to_message_id"] == int(last.id)
    assert sent["document"]["file_name"] == "۱۴۰۲-بیانیه.pdf" and sent["document"]["file_size"] == len(data)
    assert download(telegram_server, bot.token, sent["document"]["file_id"]) == data


def test_a_pdf_statement_is_its_first_page_then_the_text_then_the_pdf_and_retracts_whole(
    telegram_server, bot, channel, probe, journal, clock, tmp_path
):
    statement = read_statement(PDF)
    config = config_for(telegram_server, channel, tmp_path, probe)
    thread = plan_thread(statement, config.accounts[0], config)
    cover, *texts, document = thread.posts
    # The first message is longer than a caption: the page goes first, under the title.
    assert len(texts[0].text) > 1024 and cover.text == statement.title == document.text
    assert [m.mime for m in cover.media] == ["image/png"] and [m.mime for m in document.media] == ["application/pdf"]
    adapter = adapter_for(telegram_server, bot, channel, probe, clock=clock.time)
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    messages = telegram_server.messages(channel)
    assert [bool(m["photo"]) for m in messages] == [True] + [False] * len(texts) + [False]
    assert [m["caption"] or m["text"] for m in messages] == [p.text for p in thread.posts]
    assert [m["reply_to_message_id"] for m in messages] == [None] + [m["message_id"] for m in messages[:-1]]
    assert download(telegram_server, bot.token, messages[0]["photo"][-1]["file_id"]) == cover.media[0].data
    assert download(telegram_server, bot.token, messages[-1]["document"]["file_id"]) == PDF.read_bytes()
    [row] = journal.threads()
    assert retract_thread(journal, adapter, row, now=lambda: datetime.now(UTC)).status == "retracted"
    assert telegram_server.messages(channel) == []


def test_a_short_statement_is_one_photo_with_the_whole_text(telegram_server, bot, channel, journal, clock, tmp_path):
    (tmp_path / "poster.png").write_bytes(png(1200, 800))
    path = tmp_path / "s.md"
    path.write_text("---\ntitle: Free the teachers\nimage: poster.png\nalt: Teachers on strike\n---\n"
                    "The teachers must be released now.\n", encoding="utf-8")  # fmt: skip
    statement = read_statement(path)
    config = config_for(telegram_server, channel, tmp_path)
    thread = plan_thread(statement, config.accounts[0], config)
    [post] = thread.posts
    assert post.media[0].alt == ""  # Telegram has no alt text: the caption is the description
    adapter = adapter_for(telegram_server, bot, channel, clock=clock.time)
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    [message] = telegram_server.messages(channel)
    assert message["caption"] == post.text and message["text"] is None
    assert (
        download(telegram_server, bot.token, message["photo"][-1]["file_id"]) == (tmp_path / "poster.png").read_bytes()
    )


@pytest.mark.parametrize("then", ["drop", "500"])
def test_a_file_saved_but_unanswered_is_found_by_the_probe_on_its_caption_not_sent_twice(
    telegram_server, bot, channel, probe, journal, clock, tmp_path, then
):
    statement = read_statement(PDF)
    config = config_for(telegram_server, channel, tmp_path, probe)
    thread = plan_thread(statement, config.accounts[0], config)
    adapter = adapter_for(telegram_server, bot, channel, probe, clock=clock.time)
    telegram_server.faults.add("commit_then_fail", then=then, hold=3.0)  # the photo: saved, the answer lost
    telegram_server.faults.add("pass", count=len(thread.posts) - 1)  # its probe, then the text messages
    telegram_server.faults.add("commit_then_fail", then=then, hold=3.0)  # the document too
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    messages = telegram_server.messages(channel)
    assert [m["caption"] or m["text"] for m in messages] == [p.text for p in thread.posts]
    assert sum(1 for m in messages if m["document"]) == 1 and sum(1 for m in messages if m["photo"]) == 1
    sends = [path.rsplit("/", 1)[-1].lower() for _, path in telegram_server.faults.requests]
    # Each file once, each lost answer settled by one probe (a message in the probe chat, deleted at once).
    assert (sends.count("sendphoto"), sends.count("senddocument")) == (1, 1)
    assert sends.count("sendmessage") == len(thread.posts) - 2 + 2 and telegram_server.messages(probe) == []


def test_a_probe_quoting_other_text_does_not_adopt_the_message(telegram_server, bot, channel, probe):
    sender = adapter_for(telegram_server, bot, channel, probe)
    sender.post(out("A post about something else"))
    fresh = adapter_for(telegram_server, bot, channel, probe, store=MemoryStore())  # knows no message yet
    # Message 1 exists but holds other text: QUOTE_TEXT_INVALID, then 2 and 3 are missing: not sent.
    assert fresh.find(out("Free the teachers")) is None
    assert fresh.find(out("A post about something else")) is not None
    assert telegram_server.messages(probe) == []


@pytest.mark.parametrize(("width", "height"), [(60, 2400), (4000, 40)])
def test_an_image_longer_than_twenty_to_one_is_padded_not_refused(
    telegram_server, bot, channel, journal, clock, tmp_path, width, height
):
    from PIL import Image as Pil

    (tmp_path / "banner.png").write_bytes(png(width, height))
    path = tmp_path / "s.md"
    path.write_text("---\ntitle: Free them\nimage: banner.png\n---\nRelease them now.\n", encoding="utf-8")
    statement = read_statement(path)
    config = config_for(telegram_server, channel, tmp_path)
    thread = plan_thread(statement, config.accounts[0], config)
    [media] = thread.posts[0].media
    assert max(media.width, media.height) <= 20 * min(media.width, media.height)
    assert max(media.width, media.height) == min(max(width, height), 2560)  # padded, never cropped to fit
    adapter = adapter_for(telegram_server, bot, channel, clock=clock.time)
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    [message] = telegram_server.messages(channel)
    got = Pil.open(io.BytesIO(download(telegram_server, bot.token, message["photo"][-1]["file_id"])))
    assert got.size == (media.width, media.height)
    rgb = got.convert("RGB")
    centre, corner = rgb.getpixel((got.width // 2, got.height // 2)), rgb.getpixel((0, 0))
    assert isinstance(centre, tuple) and isinstance(corner, tuple)
    assert max(abs(a - b) for a, b in zip(centre, (0x80, 0x40, 0x20), strict=True)) <= 8  # the picture, in the middle
    assert min(corner) >= 247  # white padding at the sides
