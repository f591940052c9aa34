"""`statement-bot check` against each network's local server: good credentials, refused ones, missing ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.publishing.test_crash import Network

NETWORKS = ["x", "mastodon", "bluesky", "telegram", "threads"]


def config_for(tmp_path: Path, net: Network) -> str:
    path = tmp_path / "bot.yaml"
    path.write_text(f"state: state/j.sqlite3\naccounts:\n{net.account_yaml}", encoding="utf-8")
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize("network", NETWORKS, indirect=True)
def test_good_credentials_pass_with_who_and_limit(tmp_path, network, monkeypatch, capsys):
    for var, value in network.env.items():
        monkeypatch.setenv(var, value)
    assert main(["check", "--config", config_for(tmp_path, network)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("✔ ") and "limit 280" in line and "may NOT post" not in line


@pytest.mark.slow
@pytest.mark.parametrize("network", NETWORKS, indirect=True)
def test_refused_credentials_name_the_variable_and_never_the_value(tmp_path, network, monkeypatch, capsys):
    wrong = "WRONG-sk-0123456789abcdef-not-it"
    for var in network.env:
        monkeypatch.setenv(var, wrong)
    assert main(["check", "--config", config_for(tmp_path, network)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("✘ ") and ("credentials refused" in out or "cannot check" in out)
    assert all(var in out for var in network.env) or "cannot check" in out
    assert wrong not in out


@pytest.mark.parametrize("network", ["mastodon"], indirect=True)
def test_a_missing_variable_is_named_without_a_network_call(tmp_path, network, monkeypatch, capsys):
    for var in network.env:
        monkeypatch.delenv(var, raising=False)
    asked = len(network.faults.requests)
    assert main(["check", "--config", config_for(tmp_path, network)]) == 1
    assert "environment variable CRASH_MASTO_TOKEN is not set" in capsys.readouterr().out
    assert len(network.faults.requests) == asked
