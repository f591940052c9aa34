import json
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

from bot.cli import main
from bot.networks.registry import platform_rules as rules_for

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_json_preview_has_the_documented_shape(seed_path, capsys):
    assert main(["preview", str(seed_path), "--format", "json", "--config", str(ROOT / "config/bot.yaml")]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"statement", "threads"}
    assert {"id", "title", "date", "language", "slogans", "links"} <= set(doc["statement"])
    assert doc["statement"]["date"] == "2020-01-04"
    assert [t["account"] for t in doc["threads"]] == ["iaswi-x", "iaswi-mastodon", "iaswi-bluesky"]
    for thread in doc["threads"]:
        assert set(thread) == {"account", "platform", "limit", "cost", "posts", "warnings"}
        rules = rules_for(thread["platform"], limit=thread["limit"])
        for i, post in enumerate(thread["posts"], 1):
            # Bluesky posts also carry their facets, and sent_text where links are shown shortened.
            keys = {"index", "text", "length", "media"} | ({"facets"} if thread["platform"] == "bluesky" else set())
            assert keys <= set(post) <= keys | {"sent_text"} and post["index"] == i
            assert post["media"] == []  # the seed is a text statement without an image
            assert post["length"] == rules.count(post["text"]) <= thread["limit"]

    x, mastodon, bluesky = doc["threads"]
    assert mastodon["cost"] is None and bluesky["cost"] is None  # they charge nothing
    posts, with_links = len(x["posts"]), sum(1 for p in x["posts"] if "http" in p["text"] or "www." in p["text"])
    assert x["cost"] == {
        "currency": "USD",
        "amount": round((posts - with_links) * 0.015 + with_links * 0.20, 6),
        "posts": posts,
        "posts_with_links": with_links,
    }


def test_text_preview_shows_numbers_lengths_and_limits(seed_path, capsys):
    assert main(["preview", str(seed_path), "--platform", "x"]) == 0
    out = capsys.readouterr().out
    assert "x · x · limit 280" in out
    assert "[1/" in out and "/280" in out


def test_account_option_selects_one_account(seed_path, capsys):
    assert main(["preview", str(seed_path), "--account", "iaswi-bluesky", "--format", "json"]) == 0
    assert [t["account"] for t in json.loads(capsys.readouterr().out)["threads"]] == ["iaswi-bluesky"]


def test_unknown_account_is_a_usage_error(seed_path, capsys):
    assert main(["preview", str(seed_path), "--account", "nobody"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no account named 'nobody'" in err and "\n" not in err


def test_bad_file_exits_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    assert main(["preview", str(bad), "--platform", "x"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"statement-bot: {bad}: file is empty"


def test_a_statement_that_cannot_be_split_is_one_line_naming_the_file_once(tmp_path, capsys):
    bad = tmp_path / "tag.txt"
    bad.write_text("A title\n\nBody text #" + "a" * 400 + "\n", encoding="utf-8")
    assert main(["preview", str(bad), "--platform", "x"]) != 0
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"statement-bot: {bad}: the hashtag '#aaa") and line.count(str(bad)) == 1


def test_bad_usage_exits_2():
    result = run_cli("preview", "--format", "yaml", "x.txt")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_folder_preview_is_json_lines_and_skips_bad_files(tmp_path, seed_path, capsys):
    (tmp_path / "a.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("A short statement.\n", encoding="utf-8")
    assert main(["preview", str(tmp_path), "--platform", "mastodon", "--format", "json"]) == 2
    captured = capsys.readouterr()
    docs = [json.loads(line) for line in captured.out.splitlines()]
    assert [d["statement"]["id"] for d in docs] == ["a", "c"]
    assert "b.md: front matter is not valid YAML" in captured.err


def test_preview_opens_no_network_connection_and_imports_no_network_library(seed_path):
    probe = (
        "import json, sys\n"
        "events = []\n"
        "sys.addaudithook(lambda e, a: events.append(e) if e.startswith(('socket.', 'http.')) else None)\n"
        "from bot.cli import main\n"
        f"code = main(['preview', {str(seed_path)!r}, '--format', 'json'])\n"
        "heavy = [m for m in ('tweepy', 'mastodon', 'atproto', 'requests', 'httpx', 'sqlalchemy', 'apscheduler',"
        " 'watchdog', 'pypdf') if m in sys.modules]\n"
        "print(json.dumps({'code': code, 'events': events, 'heavy': heavy}), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "events": [], "heavy": []}


def test_preview_of_the_bundled_example_works_from_the_console_script(seed_path):
    result = run_cli("preview", str(seed_path.relative_to(ROOT)))
    assert result.returncode == 0, result.stderr
    assert "IASWI’s Statement on Assassination of Qasem Soleimani and its Aftermath" in result.stdout


@pytest.mark.parametrize("platform, limit", [("x", 280), ("mastodon", 500), ("bluesky", 300)])
def test_platform_option_uses_that_networks_default_rules(seed_path, capsys, platform, limit):
    assert main(["preview", str(seed_path), "--platform", platform, "--format", "json"]) == 0
    (thread,) = json.loads(capsys.readouterr().out)["threads"]
    assert (thread["platform"], thread["limit"]) == (platform, limit)


def test_html_preview_links_posts_the_journal_has_as_sent(tmp_path, seed_path, capsys):
    from datetime import datetime

    from bot.networks.base import PostRef
    from bot.publishing.journal import Journal
    from bot.publishing.rows import NewPost
    from bot.publishing.states import Kind

    config = tmp_path / "bot.yaml"
    config.write_text(
        "state: state.sqlite3\naccounts:\n  - {name: m, platform: mastodon, instance: https://m.example,"
        " credentials: {access_token: TOKEN}}\n",
        encoding="utf-8",
    )
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with Journal(tmp_path / "state.sqlite3") as journal:
        thread = journal.create_thread(
            "2020-01-04-iaswi-soleimani-assassination",
            "m",
            "mastodon",
            Kind.THREAD,
            "",
            "h",
            "en",
            [NewPost(1, "first", "k1", "r1"), NewPost(2, "second", "k2", "r2")],
            now,
        )
        first = journal.posts(thread.id)[0]
        journal.mark_sending(first.id, now)
        journal.mark_sent(first.id, PostRef("101", "https://m.example/@org/101"), now)
    out = tmp_path / "preview.html"
    assert main(["preview", str(seed_path), "--format", "html", "-o", str(out), "--config", str(config)]) == 0
    page = out.read_text(encoding="utf-8")
    assert 'href="https://m.example/@org/101"' in page
    assert page.count("not yet posted") >= 1


def test_preview_never_creates_the_state_file(tmp_path, seed_path):
    config = tmp_path / "bot.yaml"
    config.write_text("state: state.sqlite3\n", encoding="utf-8")
    assert (
        main(["preview", str(seed_path), "--format", "html", "-o", str(tmp_path / "p.html"), "--config", str(config)])
        == 0
    )
    assert not (tmp_path / "state.sqlite3").exists()


def test_a_pdf_statement_on_telegram_previews_its_page_as_a_photo_and_the_pdf_as_a_document(capsys, tmp_path):
    pdf = ROOT / "tests" / "fixtures" / "pdfs" / "en-port-workers.pdf"
    assert main(["preview", str(pdf), "--platform", "telegram"]) == 0
    text = capsys.readouterr().out
    assert "; no alt text]" in text  # Telegram has no alt text: none is invented
    assert f"[document: {pdf}, {pdf.stat().st_size:,} bytes, application/pdf]" in text
    assert main(["preview", str(pdf), "--platform", "telegram", "--format", "json"]) == 0
    posts = json.loads(capsys.readouterr().out)["threads"][0]["posts"]
    assert [m["mime"] for p in posts for m in p["media"]] == ["image/png", "application/pdf"]
    out = tmp_path / "p.html"
    assert main(["preview", str(pdf), "--platform", "telegram", "--format", "html", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("<b>Document</b>") == 1 and page.count("<b>No alt text</b>") == 1 and "Alt:" not in page
