"""Where a statement's files go, per network: the image on the first post or (Telegram, a first message longer
than a caption) in a post of its own before it; a PDF statement's own file after the last post (Telegram)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.media.attach import alt_text, with_media
from bot.model import MediaRules, Post, Statement, Thread
from bot.planning import plan_thread
from bot.text.reading import read_statement
from tests.servers.media import png
from tests.support import run_bot

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "tests" / "fixtures" / "pdfs" / "fa-etesab-naft.pdf"
RULES = MediaRules(max_items=1, max_bytes=10_000_000, alt_limit=0, types=("image/png", "image/jpeg"))
ACCOUNTS = """
accounts:
  - name: tg
    platform: telegram
    chat: '@iaswi_statements'
    credentials: {bot_token: TG}
  - name: x
    platform: x
    credentials: {api_key: A, api_secret: B, access_token: C, access_secret: D}
"""


def statement_with_image(tmp_path: Path, front: str = "image: poster.png\n") -> Statement:
    (tmp_path / "poster.png").write_bytes(png(800, 600))
    path = tmp_path / "s.md"
    path.write_text(
        f"---\ntitle: Free the teachers\n{front}---\nThe teachers must be released now.\n", encoding="utf-8"
    )
    return read_statement(path)


def thread(*texts: str) -> Thread:
    return Thread("tg", "telegram", 4096, tuple(Post(i, t, len(t)) for i, t in enumerate(texts, 1)))


@pytest.mark.parametrize(("length", "posts"), [(1024, 2), (1025, 3)])
def test_the_image_is_on_the_first_post_while_it_fits_a_caption_else_before_it(tmp_path, length, posts):
    statement = statement_with_image(tmp_path)
    out = with_media(thread("a" * length, "second"), statement, RULES, len, caption_limit=1024)
    assert len(out.posts) == posts and [p.index for p in out.posts] == list(range(1, posts + 1))
    assert out.posts[0].media and not any(p.media for p in out.posts[1:])
    if posts == 3:  # the image first, under the title; then the first message as planned
        assert (out.posts[0].text, out.posts[0].length, out.posts[1].text) == ("Free the teachers", 17, "a" * 1025)


def test_a_pdf_statement_on_telegram_ends_with_its_pdf_and_x_gets_no_document(tmp_path):
    config = parse_config(ACCOUNTS, tmp_path / "bot.yaml")
    statement = read_statement(PDF)
    telegram = plan_thread(statement, config.account("tg"), config)
    document = telegram.posts[-1]
    assert (document.text, [m.mime for m in document.media]) == (statement.title, ["application/pdf"])
    assert document.media[0].data == PDF.read_bytes() and document.media[0].path == str(PDF)
    assert telegram.posts[0].media[0].path == f"{PDF}#page=1"
    x = plan_thread(statement, config.account("x"), config)
    assert [bool(p.media) for p in x.posts] == [True] + [False] * (len(x.posts) - 1)
    assert all(m.mime.startswith("image/") for p in x.posts for m in p.media)


def test_a_document_over_the_networks_size_is_left_out_with_a_warning(tmp_path):
    out = with_media(thread("first"), read_statement(PDF), None, len, caption_limit=1024, document_bytes=1000)
    assert len(out.posts) == 1 and any("over the 1,000 bytes" in w for w in out.warnings)


def test_text_statements_have_no_document_and_image_none_has_no_image(tmp_path):
    config = parse_config(ACCOUNTS, tmp_path / "bot.yaml")
    with_image = plan_thread(statement_with_image(tmp_path), config.account("tg"), config)
    assert [len(p.media) for p in with_image.posts] == [1]
    without = plan_thread(statement_with_image(tmp_path, "image: none\n"), config.account("tg"), config)
    assert [p.media for p in without.posts] == [()]


def test_no_alt_text_where_the_network_has_none(tmp_path):
    assert alt_text(statement_with_image(tmp_path, "image: poster.png\nalt: A poster\n"), 0) == ""


def test_the_json_preview_names_every_file_with_its_bytes():
    done = run_bot("preview", str(PDF), "--platform", "telegram", "--format", "json")
    assert done.returncode == 0, done.stderr
    [preview] = json.loads(done.stdout)["threads"]
    media = [(p["index"], m["path"], m["bytes"]) for p in preview["posts"] for m in p["media"]]
    assert media[0][:2] == (1, f"{PDF}#page=1") and media[0][2] > 10_000
    assert media[-1] == (len(preview["posts"]), str(PDF), PDF.stat().st_size)
