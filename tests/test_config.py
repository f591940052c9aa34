from pathlib import Path

import pytest

from bot.config import credential, load_config, parse_config
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]

X = "{name: main-x, platform: x, credentials: {api_key: A, api_secret: B, access_token: C, access_secret: D}}"


def parse(text: str, tmp_path: Path):
    return parse_config(text, tmp_path / "bot.yaml")


def test_bundled_example_config_is_valid():
    config = load_config(ROOT / "config" / "bot.yaml")
    assert [a.platform for a in config.accounts] == ["x", "mastodon", "bluesky"]
    assert config.statements_dir.resolve() == (ROOT / "statements").resolve()
    assert config.timezone == "Europe/London"


def test_relative_paths_are_relative_to_the_config_file(tmp_path):
    config = parse("statements_dir: s\nstate: db/state.sqlite3\n", tmp_path)
    assert config.statements_dir == tmp_path / "s" and config.state == tmp_path / "db" / "state.sqlite3"


@pytest.mark.parametrize(
    "text, problem",
    [
        ("statments_dir: x\n", "statments_dir: unknown key"),
        ("timezone: Mars/Olympus\n", "timezone: unknown time zone 'Mars/Olympus'"),
        ("timezone: 3\n", "timezone: must be a string, got int"),
        ("accounts: {}\n", "accounts: must be a list"),
        ("accounts:\n  - {platform: x}\n", "accounts[0].name: is required"),
        ("accounts:\n  - {name: a, platform: myspace}\n", "accounts[0].platform: unknown platform 'myspace'"),
        (f"accounts:\n  - {X}\n  - {X}\n", "accounts[1].name: duplicate account name 'main-x'"),
        (
            "accounts:\n  - {name: m, platform: mastodon, credentials: {access_token: T}}\n",
            "accounts[0].instance: is required",
        ),
        (
            "accounts:\n  - {name: b, platform: bluesky, handle: h.test}\n",
            "accounts[0].credentials.password: is required",
        ),
        (
            "accounts:\n  - {name: b, platform: bluesky, handle: h, credentials: {password: P, token: T}}\n",
            "accounts[0].credentials.token: unknown key",
        ),
        (f"accounts:\n  - {X[:-1]}, limit: -5}}\n", "accounts[0].limit: must be greater than 0"),
        (
            "accounts:\n  - {name: b, platform: bluesky, handle: h.test, limit: 350, credentials: {password: P}}\n",
            "accounts[0].limit: 350 is over Bluesky's maximum of 300",
        ),
        (f"accounts:\n  - {X[:-1]}, limit: 25001}}\n", "accounts[0].limit: 25001 is over X's maximum of 25000"),
        (f"accounts:\n  - {X[:-1]}, limit: true}}\n", "accounts[0].limit: must be an integer, not a boolean"),
        (f"accounts:\n  - {X[:-1]}, numbering: '#'}}\n", "accounts[0].numbering: must contain {i}"),
        ("organisation: {statement_url_template: 'https://x.org/s'}\n", "must contain {id}"),
        ("anniversary: {time: '25:00'}\n", "anniversary.time: must be HH:MM"),
        ("timezone: [unclosed\n", "not valid YAML (line 2): expected ',' or ']'"),
        ("- just\n- a list\n", "top level: must be a mapping"),
    ],
)
def test_bad_config_names_the_file_and_the_key(tmp_path, text, problem):
    with pytest.raises(ConfigError) as e:
        parse(text, tmp_path)
    message = str(e.value)
    assert message.startswith(str(tmp_path / "bot.yaml")) and problem in message and "\n" not in message


def test_missing_config_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_numbering_false_turns_numbering_off(tmp_path):
    config = parse(f"accounts:\n  - {X[:-1]}, numbering: false}}\n", tmp_path)
    assert config.accounts[0].numbering is None


def test_hashtags_get_their_hash(tmp_path):
    config = parse("organisation: {hashtags: [Iran, '#NoWar']}\n", tmp_path)
    assert config.organisation.hashtags == ("#Iran", "#NoWar")


def test_credentials_come_from_the_named_environment_variable(tmp_path):
    account = parse(f"accounts:\n  - {X}\n", tmp_path).accounts[0]
    assert credential(account, "api_key", {"A": "s3cr3t-value"}) == "s3cr3t-value"
    with pytest.raises(ConfigError) as e:
        credential(account, "api_key", {})
    assert str(e.value) == "account 'main-x': environment variable A is not set"


def test_unknown_account_lists_the_configured_ones(tmp_path):
    config = parse(f"accounts:\n  - {X}\n", tmp_path)
    with pytest.raises(ConfigError, match=r"no account named 'other' \(configured: main-x\)"):
        config.account("other")


def test_limits_up_to_the_network_maximum_are_accepted(tmp_path):
    text = (
        f"accounts:\n  - {X[:-1]}, limit: 25000}}\n"  # X long posts are a real account feature
        "  - {name: b, platform: bluesky, handle: h.test, limit: 300, credentials: {password: P}}\n"
        "  - {name: m, platform: mastodon, instance: m.example, limit: 5000, credentials: {access_token: T}}\n"
    )
    assert [a.limit for a in parse(text, tmp_path).accounts] == [25000, 300, 5000]  # Mastodon: the instance decides


@pytest.mark.parametrize(
    "value",
    ["Zk3f9sQ-8aLw0pXv2R7mYtBc", "sk live 123", "ghp_AbC/def+ghi=", "1234567890abcdef", "Zk3f9sQ8aLw0pXv2R7mYtBc"],
)
def test_a_pasted_secret_is_refused_without_being_echoed(tmp_path, value):
    account = f"{{name: m, platform: mastodon, instance: m.example, credentials: {{access_token: '{value}'}}}}"
    text = f"accounts:\n  - {account}\n"
    with pytest.raises(ConfigError) as caught:
        parse(text, tmp_path)
    message = str(caught.value)
    assert "accounts[0].credentials.access_token: must name an environment variable" in message
    assert value not in message
