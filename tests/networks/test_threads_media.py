"""Threads: the statement's image on the first post, fetched by "Meta" (the local server) from the folder the
organisation's web server publishes (``media_dir`` at ``media_base_url``), with its alt text; read back from
the server byte for byte."""

from __future__ import annotations

import functools
import hashlib
import http.server
import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.errors import ConfigError, Rejected
from bot.model import Account, Media
from bot.networks.base import Attached, MemoryStore
from bot.networks.threads.adapter import ThreadsAdapter
from bot.planning import plan_thread
from bot.publishing.retract import retract_thread
from bot.text.reading import read_statement
from tests.networks.test_threads import out, publish
from tests.servers.local_api import ServerClock
from tests.servers.media import png

ALT = "Teachers on strike in front of the ministry, holding a banner: Free our colleagues."


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web(tmp_path) -> Iterator[tuple[Path, str]]:
    """(media_dir, media_base_url): a folder served over HTTP on 127.0.0.1, as the organisation's web server would."""
    folder = tmp_path / "www" / "media"
    folder.mkdir(parents=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/media"
    server.shutdown()
    server.server_close()


@pytest.fixture
def user(threads_server):
    return threads_server.create_user(f"img{random.randrange(10**6)}")


@pytest.fixture
def clock(threads_server):
    return ServerClock(threads_server)


def account(server, folder: Path, base: str) -> Account:
    options: dict[str, str | int | float | bool] = {"media_dir": str(folder), "media_base_url": base}
    return Account(name="org-threads", platform="threads", api_base=server.api_url, options=options)


def adapter_for(server, user, clock, folder: Path, base: str, store=None) -> ThreadsAdapter:
    return ThreadsAdapter(
        account(server, folder, base),
        token=user.access_token,
        timeout=2.0,
        store=store or MemoryStore(),
        clock=clock.time,
        sleep=clock.sleep,
    )


def picture(width: int = 1080, height: int = 1350) -> Media:
    return Media("poster.png", ALT, "image/png", width, height, png(width, height))


def test_the_image_goes_up_with_its_alt_text_and_meta_fetched_exactly_these_bytes(threads_server, user, clock, web):
    folder, base = web
    threads_server.configure(image_seconds=2.0)  # Meta takes its time: the adapter waits for FINISHED
    adapter = adapter_for(threads_server, user, clock, folder, base)
    image = picture()
    first = adapter.post(out("Free the teachers\n1/2", media=(Attached(image),)))
    adapter.post(out("They did nothing wrong.\n2/2", 2, reply_to=first, root=first))
    one, two = threads_server.posts(user)
    name = hashlib.sha256(image.data).hexdigest()[:32] + ".png"
    assert (one["media_type"], one["alt_text"], one["media_url"]) == ("IMAGE", ALT, f"{base}/{name}")
    assert one["image"] == image.data == (folder / name).read_bytes()
    assert (two["media_type"], two["reply_to"]) == ("TEXT_POST", one["id"])
    assert any(s >= 1.0 for s in clock.sleeps)  # it waited while the container was IN_PROGRESS


def test_an_image_the_web_server_does_not_serve_is_refused_with_metas_reason_then_posts_once_fixed(
    threads_server, user, clock, web, tmp_path
):
    folder, base = web
    threads_server.configure(image_seconds=0)
    store = MemoryStore()
    elsewhere = tmp_path / "not-published"
    elsewhere.mkdir()
    wrong = adapter_for(threads_server, user, clock, elsewhere, base, store)  # written where nobody serves it
    with pytest.raises(Rejected, match=r"could not use the image http://127\.0\.0\.1:\d+/media/\w+\.png \(UNKNOWN\)"):
        wrong.post(out("Free the teachers", media=(Attached(picture()),)))
    assert threads_server.posts(user) == []
    fixed = adapter_for(threads_server, user, clock, folder, base, store)
    fixed.post(out("Free the teachers", media=(Attached(picture()),)))
    assert [p["media_type"] for p in threads_server.posts(user)] == ["IMAGE"]
    assert [c["status"] for c in threads_server.containers(user)] == ["ERROR", "PUBLISHED"]


def test_a_crash_between_the_image_container_and_its_publish_publishes_that_container(threads_server, user, clock, web):
    folder, base = web
    threads_server.configure(image_seconds=0)
    store = MemoryStore()
    threads_server.faults.add("timeout", path=".*threads_publish.*", hold=3.0)  # the "crash"
    with pytest.raises(Exception):  # noqa: B017 - the publish's timeout, whatever it is called
        adapter_for(threads_server, user, clock, folder, base, store).post(out("Free", media=(Attached(picture()),)))
    again = adapter_for(threads_server, user, clock, folder, base, store)  # the next run
    post = out("Free", media=(Attached(picture()),))
    assert again.find(post) is None  # the container says FINISHED: nothing is public
    again.post(post)
    [published] = threads_server.posts(user)
    assert [c["id"] for c in threads_server.containers(user)] == [published["container_id"]]


def test_check_says_whether_the_web_server_serves_media_dir(threads_server, user, clock, web, tmp_path):
    folder, base = web
    served = adapter_for(threads_server, user, clock, folder, base).check()
    assert served.can_post and "images" not in served.note
    assert list(folder.iterdir()) == []  # the check's file is removed again
    unserved = tmp_path / "private"
    unserved.mkdir()
    broken = adapter_for(threads_server, user, clock, unserved, base).check()
    assert broken.can_post is False and "does not serve media_dir (answered 404" in broken.note
    missing = adapter_for(threads_server, user, clock, tmp_path / "nowhere", base).check()
    assert missing.can_post is False and "cannot write to media_dir" in missing.note


CONFIG = """
accounts:
  - name: org-threads
    platform: threads
    credentials: {access_token: TH_TOKEN}
"""


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("    media_dir: /srv/www/media\n", "media_base_url: media_dir and media_base_url go together"),
        ("    media_base_url: https://example.org/media\n", "media_dir: media_dir and media_base_url go together"),
        ("    media_dir: www/media\n    media_base_url: https://example.org/m\n", "media_dir: must be an absolute"),
        ("    media_dir: /srv/www\n    media_base_url: example.org/m\n", "media_base_url: must be an http(s) URL"),
    ],
)
def test_the_config_wants_both_settings_an_absolute_folder_and_a_web_url(tmp_path, extra, problem):
    with pytest.raises(ConfigError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_config(CONFIG.replace("    credentials", extra + "    credentials"), tmp_path / "bot.yaml")


def statement_with_image(tmp_path: Path):
    (tmp_path / "poster.png").write_bytes(png(1600, 900))
    path = tmp_path / "s.md"
    path.write_text(
        f"---\ntitle: Free the teachers\nimage: poster.png\nalt: '{ALT}'\n---\nThe teachers must be released now.\n",
        encoding="utf-8",
    )
    return read_statement(path)


def test_without_the_settings_threads_posts_no_image_and_the_preview_says_why(tmp_path):
    config = parse_config(CONFIG, tmp_path / "bot.yaml")
    thread = plan_thread(statement_with_image(tmp_path), config.accounts[0], config)
    assert [p.media for p in thread.posts] == [()]
    assert any("no image on Threads" in w and "media_base_url" in w for w in thread.warnings)


def test_a_statement_with_an_image_goes_out_on_threads_and_retracts(
    threads_server, user, clock, journal, web, tmp_path
):
    folder, base = web
    threads_server.configure(image_seconds=0.5)
    config = parse_config(
        CONFIG.replace("    credentials", f"    media_dir: {folder}\n    media_base_url: {base}\n    credentials"),
        tmp_path / "bot.yaml",
    )
    statement = statement_with_image(tmp_path)
    thread = plan_thread(statement, config.accounts[0], config)
    [post] = thread.posts
    [image] = post.media
    assert image.alt == ALT and image.data == (tmp_path / "poster.png").read_bytes()  # it fits as it is
    adapter = adapter_for(threads_server, user, clock, folder, base)
    assert publish(journal, adapter, thread, statement, clock).status == "sent"
    [online] = threads_server.posts(user)
    assert (online["text"], online["alt_text"], online["image"]) == (post.text, ALT, image.data)
    [row] = journal.threads()
    assert retract_thread(journal, adapter, row, now=lambda: datetime.now(UTC)).status == "retracted"
    assert threads_server.posts(user) == []
