"""`status` shows what was posted cost, per account and per statement, where the network charges (X)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.commands import post as post_command
from bot.commands import retract as retract_command
from bot.publishing.journal import Journal
from tests.networks.fake import FakeAdapter

CONFIG = """timezone: Europe/Paris
state: state/j.sqlite3
statements_dir: statements
accounts:
  - name: x
    platform: x
    credentials: {api_key: K, api_secret: S, access_token: T, access_secret: TS}
  - name: x-own
    platform: x
    prices: {post: 0.01, post_with_link: 0.1}
    credentials: {api_key: K, api_secret: S, access_token: T, access_secret: TS}
  - name: masto
    platform: mastodon
    instance: https://masto.example
    credentials: {access_token: STATUS_TEST_TOKEN}
"""
BODY = "\n\n".join(f"Paragraph {i} of the {{name}} statement, " + "with words enough to fill a good part of a post " * 4
                   for i in range(1, 5))  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "statements").mkdir()
    (tmp_path / "bot.yaml").write_text(CONFIG)
    return tmp_path


def write(folder: Path, name: str) -> Path:
    path = folder / "statements" / f"{name}.md"
    path.write_text(f"---\ntitle: {name.title()}\nlinks: [https://example.org/{name}]\n---\n{BODY.format(name=name)}\n")
    return path


def run(folder: Path, command: str, path: Path, fakes: dict[str, FakeAdapter]) -> None:
    args = build_parser().parse_args([command, str(path), "--config", str(folder / "bot.yaml")])
    module = post_command if command == "post" else retract_command
    module.run(args, adapter_for=lambda account: fakes[account.name])


def sent_texts(folder: Path, account: str) -> list[str]:
    """What the account's posts said that went out (deleted since or not)."""
    with Journal(folder / "state" / "j.sqlite3") as journal:
        threads = [t for t in journal.threads() if t.account == account]
        return [p.text for t in threads for p in journal.posts(t.id) if p.sent_at is not None]


def expected(texts: list[str], post: float, link: float) -> tuple[float, int, int]:
    links = sum(1 for t in texts if "https://" in t)
    return round((len(texts) - links) * post + links * link, 6), len(texts), links


def test_status_gives_the_cost_per_account_and_statement_in_text_and_json(folder, capsys):
    fakes = {
        "x": FakeAdapter(platform="x", account="x", max_chars=280),
        "x-own": FakeAdapter(platform="x", account="x-own", max_chars=280),
        "masto": FakeAdapter(account="masto"),
    }
    for name in ("first", "second"):
        run(folder, "post", write(folder, name), fakes)
    x_texts, own_texts = sent_texts(folder, "x"), sent_texts(folder, "x-own")
    assert len(x_texts) > 2 and any("https://" in t for t in x_texts)
    capsys.readouterr()
    config = str(folder / "bot.yaml")
    assert main(["status", "--json", "--config", config]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document["costs"]) == {"x", "x-own"}  # Mastodon charges nothing
    for account, texts, prices in (("x", x_texts, (0.015, 0.20)), ("x-own", own_texts, (0.01, 0.1))):
        amount, posts, links = expected(texts, *prices)
        assert document["costs"][account] == {
            "currency": "USD", "amount": pytest.approx(amount), "posts": posts, "posts_with_links": links
        }  # fmt: skip
    rows = {(r["statement"], r["account"]): r["cost"] for r in document["rows"]}
    assert rows[("first", "masto")] is None
    assert rows[("first", "x")]["posts"] + rows[("second", "x")]["posts"] == len(x_texts)
    assert main(["status", "--config", config]) == 0
    out = capsys.readouterr().out
    amount, posts, links = expected(x_texts, 0.015, 0.20)
    assert "cost of what was posted (at the configured prices):" in out
    section = out[out.index("cost of what was posted") :].split("\n\n")[0].splitlines()[1:]
    assert [line.split()[0] for line in section] == ["x", "x-own"]  # Mastodon charges nothing
    assert section[0].split()[1:] == [f"${amount:.3f}", f"({posts}", "posts,", str(links), "with", "links)"]
    assert main(["status", "--json", "--account", "x-own", "--config", config]) == 0
    assert set(json.loads(capsys.readouterr().out)["costs"]) == {"x-own"}


def test_retracted_posts_still_count_they_were_paid_for(folder, capsys):
    fakes = {
        "x": FakeAdapter(platform="x", account="x", max_chars=280),
        "x-own": FakeAdapter(platform="x", account="x-own", max_chars=280),
        "masto": FakeAdapter(account="masto"),
    }
    path = write(folder, "gone")
    run(folder, "post", path, fakes)
    run(folder, "retract", path, fakes)
    capsys.readouterr()
    assert main(["status", "--json", "--config", str(folder / "bot.yaml")]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["costs"]["x"]["posts"] == len(sent_texts(folder, "x"))
    assert {r["state"] for r in document["rows"]} == {"retracted"}
