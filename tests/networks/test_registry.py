"""make_adapter: the right adapter per platform, secrets read at construction, SDKs imported lazily."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.errors import ConfigError
from bot.networks.base import MemoryStore, Outgoing
from bot.publishing.connect import Scrubbed
from bot.publishing.connect import connect as make_adapter

FAKE = {
    "X_KEY": "FAKE-SECRET-k1",
    "X_SECRET": "FAKE-SECRET-k2",
    "X_TOKEN": "FAKE-SECRET-t1",
    "X_TOKEN_SECRET": "FAKE-SECRET-t2",
    "MASTO_TOKEN": "FAKE-SECRET-m1",
    "BSKY_PASSWORD": "FAKE-SECRET-b1",
}


def config(x_base: str = "http://127.0.0.1:9", timeout: float = 7.5):
    return parse_config(
        f"""
publishing: {{timeout_seconds: {timeout}}}
accounts:
  - name: org-x
    platform: x
    handle: org
    api_base: {x_base}
    credentials: {{api_key: X_KEY, api_secret: X_SECRET, access_token: X_TOKEN, access_secret: X_TOKEN_SECRET}}
  - name: org-mastodon
    platform: mastodon
    instance: https://mastodon.example
    credentials: {{access_token: MASTO_TOKEN}}
  - name: org-bluesky
    platform: bluesky
    handle: org.bsky.social
    credentials: {{password: BSKY_PASSWORD}}
""",
        Path("config/bot.yaml"),
    )


@pytest.fixture
def secrets(monkeypatch):
    for name, value in FAKE.items():
        monkeypatch.setenv(name, value)


def test_each_platform_gets_its_own_adapter(secrets):
    cfg = config()
    adapters = {a.name: make_adapter(a, cfg) for a in cfg.accounts}
    assert all(isinstance(a, Scrubbed) for a in adapters.values())  # every error leaving it is scrubbed of secrets
    kinds = {name: type(a.inner).__name__ for name, a in adapters.items() if isinstance(a, Scrubbed)}
    assert kinds == {"org-x": "XAdapter", "org-mastodon": "MastodonAdapter", "org-bluesky": "BlueskyAdapter"}


@pytest.mark.parametrize("missing", sorted(FAKE))
def test_a_missing_secret_fails_at_construction_naming_the_variable(secrets, monkeypatch, missing):
    monkeypatch.delenv(missing)
    cfg = config()
    account = next(a for a in cfg.accounts if missing in a.credentials.values())
    with pytest.raises(ConfigError, match=missing) as caught:
        make_adapter(account, cfg)
    assert not any(value in str(caught.value) for value in FAKE.values())


def test_timeout_and_secrets_from_the_config_reach_a_real_request(secrets, x_server):
    """The X adapter built from env secrets signs with them: the local server refuses the fakes (401)."""
    from bot.errors import AuthError
    from bot.networks.x.adapter import XAdapter

    cfg = config(x_server.base_url, timeout=2.0)
    adapter = make_adapter(cfg.account("org-x"), cfg, MemoryStore())
    assert isinstance(adapter, Scrubbed) and isinstance(adapter.inner, XAdapter)
    with pytest.raises(AuthError) as caught:
        adapter.post(Outgoing(text="hello", key="k", rkey="", language="en"))
    assert "org-x" in str(caught.value)
    assert not any(value in str(caught.value) for value in FAKE.values())
    assert adapter.inner.client.session.get_adapter("https://api.twitter.com/2/tweets").timeout == 2.0


def test_importing_the_registry_loads_no_network_library():
    code = (
        "import sys, bot.networks.registry; "
        "print(sorted(m for m in ('tweepy', 'mastodon', 'atproto', 'httpx', 'requests') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
