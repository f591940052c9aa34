"""Statements ending with the same slogans, signature and date both complete on X, which refuses repeated text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

# Long enough that the closing block is a post of its own after either body: on X the splitter shares a
# post between body and closing block whenever that saves a (paid) post.
CLOSING = """
No war but class war!
Long live international solidarity!
Free every jailed worker, teacher and student now!
Solidarity with the dockers and the teachers of the world!

Workers' Solidarity Network
January 4, 2020

info@solidarity.example
"""


def statement(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / f"{name}.txt"
    path.write_text(f"{title}\n\n{body}\n{CLOSING}", encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("network", ["x"], indirect=True)
def test_two_statements_with_the_same_closing_block_both_complete_on_x(tmp_path, network, monkeypatch, capsys):
    for var, value in network.env.items():
        monkeypatch.setenv(var, value)
    config = tmp_path / "bot.yaml"
    config.write_text(f"state: state/j.sqlite3\naccounts:\n{network.account_yaml}", encoding="utf-8")
    dockers = " ".join(f"The dockers stopped work on Monday for the {n} time this year." for n in ("first", "second"))
    teachers = " ".join(f"Teacher number {n} was arrested on Friday and is held without charge." for n in (1, 2, 3))
    first = statement(tmp_path, "first", "Strike at the port", dockers * 3)
    second = statement(tmp_path, "second", "Teachers arrested", teachers * 2)
    assert main(["post", str(first), "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["preview", str(second), "--config", str(config), "--format", "json"]) == 0
    (thread,) = json.loads(capsys.readouterr().out)["threads"]
    assert any("an earlier thread ended with the same text" in w for w in thread["warnings"])
    assert main(["post", str(second), "--config", str(config)]) == 0
    texts = [text for _, text, _, _ in network.read()]
    assert len(texts) == len(set(texts))  # X took every post: none repeats
    assert "Teachers arrested" in texts[-1] and "Strike at the port" not in texts[-1]
