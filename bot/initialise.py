"""``statement-bot init``: a commented config for a new organisation, its folders, and what to do next.

Accounts are given as ``PLATFORM:NAME`` plus ``key=value`` settings (``mastodon:org-masto:instance=
https://mastodon.social``). Which settings and credentials an account needs comes from its
network (``Network.required``, ``Network.credentials``), so a new network needs nothing here.
Credentials are written as environment variable names derived from the account's name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import parse_config
from bot.errors import ConfigError, UsageError
from bot.networks.registry import Platform, network_of

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class AccountSpec:
    """One account to configure: its network, a name, and the settings its network needs."""

    platform: str
    name: str
    settings: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> AccountSpec:
        """``PLATFORM:NAME[:key=value[,key=value…]]``, e.g. ``bluesky:org-sky:handle=org.bsky.social``."""
        platform, _, rest = text.partition(":")
        name, _, options = rest.partition(":")
        if platform not in set(Platform):
            raise UsageError(f"--account {text!r}: unknown platform {platform!r} (use {', '.join(Platform)})")
        if not _NAME.match(name):
            raise UsageError(
                f"--account {text!r}: give a name of lower-case letters, digits, - or _ after the platform"
            )
        settings: dict[str, str] = {}
        for item in filter(None, options.split(",")):
            key, sep, value = item.partition("=")
            if not sep or not value.strip():
                raise UsageError(f"--account {text!r}: settings are key=value, separated by commas")
            settings[key.strip()] = value.strip()
        missing = [k for k in network_of(platform).required if k not in settings]
        if missing:
            example = f"{platform}:{name}:{missing[0]}=…"
            raise UsageError(f"--account {text!r}: {network_of(platform).name} accounts need {', '.join(missing)} "
                             f"(e.g. {example})")  # fmt: skip
        return cls(platform, name, settings)


def env_name(organisation: str, account: str, key: str) -> str:
    """The environment variable for one credential: ``ORG_ACCOUNT_KEY`` in capitals."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", f"{account}_{key}").strip("_").upper()
    org = re.sub(r"[^A-Za-z0-9]+", "_", organisation).strip("_").upper()[:12]
    return f"{org}_{stem}" if org and not stem.startswith(org) else stem


def render_config(organisation: str, timezone: str, accounts: list[AccountSpec], statements_dir: str,
                  state: str) -> str:  # fmt: skip
    """The commented YAML config (every value quoted as JSON, which YAML reads as the same string)."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--timezone {timezone!r}: not an IANA time zone (e.g. Europe/London)") from None
    q = json.dumps
    lines = [
        f"# statement-bot configuration for {organisation}, written by `statement-bot init`.",
        "# Relative paths are relative to this file's folder. Secrets are never written here: each",
        "# credential names the environment variable that holds it. Check with `statement-bot check`.",
        "",
        f"timezone: {q(timezone)}   # publish_at without an offset, anniversaries and times shown are in this zone",
        f"statements_dir: {q(statements_dir)}   # drop statements here (.txt, .md, .pdf)",
        f"state: {q(state)}   # SQLite journal and scheduled jobs: back it up",
        "",
        "organisation:",
        f"  name: {q(organisation)}",
        "  slogans: []      # closing slogans when a statement ends with none of its own",
        "  links: []        # contact links when a statement has none of its own",
        "  hashtags: []     # put in the first post where they fit",
        '  # statement_url_template: "https://example.org/statements/{id}"   # the full statement, for max_posts',
        "",
        "accounts:" if accounts else "accounts: []   # add one per network: statement-bot init --help",
    ]
    for spec in accounts:
        network = network_of(spec.platform)
        lines += [f"  - name: {q(spec.name)}", f"    platform: {spec.platform}   # {network.name}"]
        lines += [f"    {key}: {q(value)}" for key, value in spec.settings.items()]
        lines += ["    # limit: 500          # lower the character limit (never above the network's maximum)",
                  "    # posts_per_day: 50   # a daily cap; longer threads continue in the next window",
                  "    credentials:"]  # fmt: skip
        lines += [f"      {key}: {env_name(organisation, spec.name, key)}" for key in network.credentials]
        lines.append("")
    lines += [
        "anniversary:",
        "  default: yearly   # or none; a statement's front matter may say otherwise",
        '  time: "10:00"     # local time in `timezone`',
        "",
        "scheduler:",
        "  backlog_days: 2   # on the first start, older statements already in the folder are not posted",
        "",
        "# notify:            # hear when the bot needs you (any of these):",
        "#   command: /usr/local/bin/notify-me   # gets the notice as JSON on stdin",
        "#   webhook: https://chat.example.org/hooks/statement-bot",
        "#   email: organiser@example.org        # through the local sendmail",
        "",
    ]
    return "\n".join(lines)


def initialise(config_path: Path, organisation: str, timezone: str, accounts: list[AccountSpec],
               force: bool = False) -> list[str]:  # fmt: skip
    """Write the config at ``config_path``, create the statements and state folders beside it; return next steps."""
    if config_path.exists() and not force:
        raise UsageError(f"{config_path} already exists (--force overwrites it)")
    if len({a.name for a in accounts}) != len(accounts):
        raise UsageError("two --account options use the same name")
    base = config_path.parent
    text = render_config(organisation, timezone, accounts, "statements", "state/statement-bot.sqlite3")
    try:
        parse_config(text, config_path)  # a value the network refuses is an error now, not at the first run
    except ConfigError as e:
        raise UsageError(str(e)) from None
    base.mkdir(parents=True, exist_ok=True)
    (base / "statements").mkdir(exist_ok=True)
    (base / "state").mkdir(exist_ok=True)
    config_path.write_text(text, encoding="utf-8")
    variables = [env_name(organisation, a.name, k) for a in accounts for k in network_of(a.platform).credentials]
    steps = [f"wrote {config_path}; created {base / 'statements'} and {base / 'state'}"]
    if variables:
        steps.append("1. put each secret in its environment variable (e.g. in the systemd unit's EnvironmentFile): "
                     + ", ".join(variables))  # fmt: skip
    steps += [
        f"2. check the accounts without posting: statement-bot check --config {config_path}",
        f"3. preview a statement: statement-bot preview STATEMENT --config {config_path}",
        f"4. start the bot: statement-bot run --config {config_path} (statements already in the folder and older "
        "than scheduler.backlog_days are adopted, not posted); config/statement-bot.service runs it under systemd",
    ]
    return steps
