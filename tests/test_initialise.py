"""`statement-bot init` writes a config that loads, for any network, and says what to do next."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.config import load_config
from bot.errors import UsageError
from bot.initialise import AccountSpec, env_name
from bot.networks.registry import Platform, network_of

SPECS = [
    "x:org-x:handle=OrgName",
    "mastodon:org-masto:instance=https://mastodon.social",
    "bluesky:org-sky:handle=org.bsky.social",
]


def test_init_writes_a_config_that_loads_and_creates_the_folders(tmp_path, capsys):
    config = tmp_path / "org" / "config" / "bot.yaml"
    argv = ["init", "--organisation", "Workers' Solidarity — Göteborg", "--timezone", "Europe/Stockholm"]
    for spec in SPECS:
        argv += ["--account", spec]
    assert main([*argv, "--config", str(config)]) == 0
    loaded = load_config(config)
    assert loaded.organisation.name == "Workers' Solidarity — Göteborg" and loaded.timezone == "Europe/Stockholm"
    assert [(a.name, a.platform) for a in loaded.accounts] == [("org-x", "x"), ("org-masto", "mastodon"),
                                                              ("org-sky", "bluesky")]  # fmt: skip
    assert loaded.account("org-masto").instance == "https://mastodon.social"
    assert loaded.statements_dir.is_dir() and loaded.state.parent.is_dir()
    out = capsys.readouterr().out
    assert "WORKERS_SOLI_ORG_MASTO_ACCESS_TOKEN" in out and "statement-bot check --config" in out
    assert loaded.account("org-masto").credentials == {"access_token": "WORKERS_SOLI_ORG_MASTO_ACCESS_TOKEN"}


@pytest.mark.parametrize("platform", list(Platform))
def test_every_network_gets_the_keys_and_credentials_it_needs(tmp_path, platform):
    network = network_of(platform)
    plausible = {"chat": "@org_channel", "instance": "https://social.example", "handle": "org.example"}
    settings = ",".join(f"{k}={plausible.get(k, 'value')}" for k in network.required)
    spec = f"{platform}:org-{platform}" + (f":{settings}" if settings else "")
    config = tmp_path / "bot.yaml"
    assert main(["init", "--organisation", "Org", "--account", spec, "--config", str(config)]) == 0
    (account,) = load_config(config).accounts
    assert set(account.credentials) == set(network.credentials)


def test_an_existing_config_is_kept_unless_forced(tmp_path, capsys):
    config = tmp_path / "bot.yaml"
    config.write_text("timezone: UTC\n")
    assert main(["init", "--organisation", "Org", "--config", str(config)]) == 2
    assert "already exists" in capsys.readouterr().err and config.read_text() == "timezone: UTC\n"
    assert main(["init", "--organisation", "Org", "--config", str(config), "--force"]) == 0


@pytest.mark.parametrize(
    "spec, problem",
    [
        ("myspace:org", "unknown platform 'myspace'"),
        ("mastodon:org-masto", "Mastodon accounts need instance"),
        ("x:Org X", "give a name"),
        ("bluesky:org-sky:handle", "settings are key=value"),
    ],
)
def test_bad_account_specs_are_usage_errors(spec, problem):
    with pytest.raises(UsageError, match=problem):
        AccountSpec.parse(spec)


def test_a_setting_the_network_refuses_is_a_usage_error_and_nothing_is_written(tmp_path, capsys):
    config = tmp_path / "bot.yaml"
    argv = ["init", "--organisation", "Org", "--account", "x:org-x:limit=99999", "--config", str(config)]
    assert main(argv) == 2
    assert "limit" in capsys.readouterr().err and not config.exists()


def test_environment_variable_names_are_plain():
    assert env_name("IASWI", "iaswi-x", "api_key") == "IASWI_X_API_KEY"
    assert env_name("Ünion 7", "main", "password") == "NION_7_MAIN_PASSWORD"
