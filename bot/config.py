"""Load and validate ``config/bot.yaml`` into a frozen ``Config``.

Every problem is a ``ConfigError`` naming the file and the key. Relative paths in the
file are relative to the file's own folder, so the bot behaves the same from any cwd.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import redact
from bot.configchecks import format_problem, number_problem, state_problem, statements_dir_problem
from bot.errors import ConfigError
from bot.model import Account, Organisation, Prices
from bot.networks.registry import Platform, network_of
from bot.text.frontmatter import Invalid, YamlProblem, describe, load_yaml, shown

DEFAULT_CONFIG = Path("config/bot.yaml")
MAX_CONFIG_BYTES = 1 << 20
HOUR, DAY = 3600, 86400
NUMBERING_FIELDS = {"i": 1, "n": 2}
URL_FIELDS = {"id": "2020-01-04-statement"}
TEMPLATE_FIELDS = {"years": "five", "years_ago": "five years", "title": "A title", "url": "https://example.org/"}

DEFAULT_TEMPLATES = (
    "{years_ago} ago today, we said: {title}",
    "On this day {years} years ago: {title}",
    "We said it {years_ago} ago today, and we say it again: {title}",
)


@dataclass(frozen=True)
class AnniversarySettings:
    """When and how anniversaries come back."""

    default: str = "yearly"
    time: str = "10:00"
    templates: tuple[str, ...] = DEFAULT_TEMPLATES


@dataclass(frozen=True)
class PublishingSettings:
    """How hard the publisher tries before it pauses a thread."""

    timeout_seconds: float = 30.0
    max_attempts: int = 5
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 300.0
    # After max_attempts, a transient failure pauses the thread and it is tried again later,
    # the wait doubling from retry_wait_first_seconds up to retry_wait_max_seconds, until
    # give_up_after_hours have passed since the first failure; then it is failed.
    retry_wait_first_seconds: float = 60.0
    retry_wait_max_seconds: float = 6 * 3600.0
    give_up_after_hours: float = 72.0


@dataclass(frozen=True)
class SchedulerSettings:
    """How the always-on bot watches and fires."""

    grace_seconds: int = 3600
    settle_seconds: float = 0.5
    # On the first start (an empty journal), statements older than this are adopted, not posted.
    backlog_days: float = 2.0


NOTIFY_EVENTS = ("failed", "needs_attention", "retrying", "recovered")


@dataclass(frozen=True)
class NotifySettings:
    """Where a person hears that the bot needs them (any of a command, a webhook, a mail)."""

    command: str | None = None  # run with the notice as JSON on stdin and STATEMENT_BOT_* variables
    webhook: str | None = None  # an http(s) URL that receives the notice as a JSON POST
    email: str | None = None  # an address; the mail goes through the local sendmail
    sendmail: str = "/usr/sbin/sendmail"
    events: tuple[str, ...] = NOTIFY_EVENTS


@dataclass(frozen=True)
class Config:
    """Everything the bot was told, validated."""

    path: Path
    timezone: str
    statements_dir: Path
    state: Path
    organisation: Organisation
    accounts: tuple[Account, ...]
    anniversary: AnniversarySettings = field(default_factory=AnniversarySettings)
    publishing: PublishingSettings = field(default_factory=PublishingSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def account(self, name: str) -> Account:
        """The account called ``name``, or a ConfigError listing the real names."""
        for account in self.accounts:
            if account.name == name:
                return account
        known = ", ".join(a.name for a in self.accounts) or "none"
        raise ConfigError(f"{self.path}: no account named {shown(name)} (configured: {known})")

    def require_statements_dir(self) -> Path:
        """``statements_dir``, which must be an existing folder (never created behind the user's back)."""
        problem = statements_dir_problem(self.statements_dir, must_exist=True)
        if problem:
            raise ConfigError(f"{self.path}: statements_dir: {problem}")
        return self.statements_dir


def secrets(account: Account, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every secret the account's network needs, read from the environment variables the config names."""
    return {key: credential(account, key, environ) for key in network_of(account.platform).credentials}


def credential(account: Account, key: str, environ: Mapping[str, str] | None = None) -> str:
    """Read one secret from the environment variable the config names for it."""
    env = os.environ if environ is None else environ
    var = account.credentials.get(key)
    if not var:
        raise ConfigError(f"account {account.name!r}: credentials.{key} is not configured")
    value = env.get(var, "")
    if not value:
        raise ConfigError(f"account {account.name!r}: environment variable {var} is not set")
    redact.remember(value)  # from now on it is scrubbed from every message, log line and journal row
    return value


class _Reader:
    """Typed access to one mapping of the file, with errors naming file and key."""

    def __init__(self, path: Path, where: str, data: Any, allowed: set[str]):
        self.path, self.where = path, where
        if not isinstance(data, dict):
            self.fail(where or "top level", "must be a mapping")
        unknown = sorted((str(k) for k in set(data) - allowed), key=str)
        if unknown:
            self.fail(self.key(shown(unknown[0])[1:-1]), f"unknown key (allowed: {', '.join(sorted(allowed))})")
        self.data = data

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def fail(self, key: str, problem: str) -> None:
        raise ConfigError(f"{self.path}: {key}: {problem}")

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None, required: bool = False) -> Any:
        if name not in self.data or self.data[name] is None:
            if required:
                self.fail(self.key(name), "is required")
            return default
        value = self.data[name]
        if isinstance(value, Invalid):
            self.fail(self.key(name), value.describe())
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            self.fail(self.key(name), f"must be {_kind_name(kind)}, not a boolean")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(self.key(name), f"must be a finite number, not {value}")
        if not isinstance(value, kind):
            self.fail(self.key(name), f"must be {_kind_name(kind)}, got {type(value).__name__} {shown(value)}")
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        values = self.get(name, list, [])
        for i, v in enumerate(values):
            if not isinstance(v, str):
                self.fail(f"{self.key(name)}[{i}]", f"must be a string, got {describe(v)}")
        return tuple(values)

    def positive(self, name: str, kind: type | tuple[type, ...], default: Any, maximum: float = 1e9) -> Any:
        """A number above 0 and at most ``maximum`` (by default a bound that keeps any time arithmetic in range)."""
        value = self.get(name, kind, default)
        problem = None if value is None else number_problem(value, maximum)
        if problem:
            self.fail(self.key(name), problem)
        return value

    def template(self, name: str, value: str, fields: dict[str, Any]) -> str:
        problem = format_problem(value, fields)
        if problem:
            self.fail(self.key(name), f"{shown(value)} {problem}")
        return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        bool: "true or false",
    }
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def load_config(path: str | Path | None = None) -> Config:
    """Read, validate and resolve the config file at ``path`` (default ``config/bot.yaml``)."""
    from bot.text.reading import Unreadable, read_bounded

    path = Path(path or DEFAULT_CONFIG)
    try:
        # Bounded like a statement (no FIFO, no device, no endless file); the config may be a link.
        text = read_bounded(path, MAX_CONFIG_BYTES, follow_links=True).decode("utf-8-sig")
    except Unreadable as e:
        problem = "config file not found" if e.problem == "file not found" else f"cannot read config: {e.problem}"
        raise ConfigError(f"{path}: {problem}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: cannot read config: not valid UTF-8 (at byte {e.start})") from None
    config = parse_config(text, path)
    for key, wrong in (
        ("state", state_problem(config.state)),
        ("statements_dir", statements_dir_problem(config.statements_dir, must_exist=False)),
    ):
        if wrong:
            raise ConfigError(f"{path}: {key}: {wrong}")
    return config


def parse_config(text: str, path: Path) -> Config:
    """Validate config text; ``path`` names it in errors and anchors relative paths."""
    try:
        data = load_yaml(text, MAX_CONFIG_BYTES)
    except YamlProblem as e:
        raise ConfigError(f"{path}: not valid YAML{f' (line {e.line})' if e.line else ''}: {e.problem}") from None
    top = _Reader(
        path,
        "",
        data if data is not None else {},
        {
            "timezone",
            "statements_dir",
            "state",
            "organisation",
            "accounts",
            "anniversary",
            "publishing",
            "scheduler",
            "notify",
        },
    )
    base = path.parent
    timezone = top.get("timezone", str, "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        top.fail("timezone", f"unknown time zone {shown(timezone)}")
    return Config(
        path=path,
        timezone=timezone,
        statements_dir=Path(os.path.normpath(base / top.get("statements_dir", str, "../statements"))),
        state=Path(os.path.normpath(base / top.get("state", str, "../state/statement-bot.sqlite3"))),
        organisation=_organisation(path, top.get("organisation", dict, {})),
        accounts=_accounts(path, top.get("accounts", list, [])),
        anniversary=_anniversary(path, top.get("anniversary", dict, {})),
        publishing=_publishing(path, top.get("publishing", dict, {})),
        scheduler=_scheduler(path, top.get("scheduler", dict, {})),
        notify=_notify(path, top.get("notify", dict, {})),
    )


def _organisation(path: Path, data: dict) -> Organisation:
    r = _Reader(path, "organisation", data, {"name", "slogans", "links", "hashtags", "statement_url_template"})
    template = r.get("statement_url_template", str)
    if template is not None and "{id}" not in template:
        r.fail("organisation.statement_url_template", "must contain {id}")
    if template is not None:
        r.template("statement_url_template", template, URL_FIELDS)
    return Organisation(
        name=r.get("name", str, ""),
        slogans=r.strings("slogans"),
        links=r.strings("links"),
        hashtags=tuple(_hashtag(h) for h in r.strings("hashtags")),
        statement_url_template=template,
    )


ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


def _pasted_secret(value: str) -> bool:
    """Whether a credentials value is not an environment variable's name (tokens mix case and digits at length)."""
    mixed = len(value) >= 20 and any(c.islower() for c in value) and any(c.isdigit() for c in value)
    return not ENV_NAME.match(value) or mixed


ACCOUNT_KEYS = {
    "name",
    "platform",
    "handle",
    "instance",
    "limit",
    "max_posts",
    "posts_per_day",
    "numbering",
    "hashtags",
    "credentials",
    "visibility",
    "spoiler_text",
    "api_base",
    "prices",
    "max_cost_usd",
    "over_budget",
    "mode",
    "link_in_opener",
}


def _accounts(path: Path, data: list) -> tuple[Account, ...]:
    accounts: list[Account] = []
    for i, item in enumerate(data):
        r = _Reader(path, f"accounts[{i}]", item, ACCOUNT_KEYS | _option_keys(item))
        name = r.get("name", str, required=True)
        platform = r.get("platform", str, required=True)
        if platform not in set(Platform):
            r.fail(r.key("platform"), f"unknown platform {shown(platform)} (use {', '.join(Platform)})")
        network = network_of(platform)
        if any(a.name == name for a in accounts):
            r.fail(r.key("name"), f"duplicate account name {shown(name)}")
        numbering = r.get("numbering", (str, bool), "{i}/{n}")
        if numbering is True:
            numbering = "{i}/{n}"
        elif numbering is False:
            numbering = None
        elif "{i}" not in numbering:
            r.fail(r.key("numbering"), "must contain {i} (and usually {n}), or be false")
        else:
            r.template("numbering", numbering, NUMBERING_FIELDS)
        credentials = r.get("credentials", dict, {})
        cr = _Reader(path, r.key("credentials"), credentials, set(network.credentials))
        for key in network.credentials:
            if _pasted_secret(cr.get(key, str, required=True)):
                # Never echo it: a value that is no variable name is most likely the secret itself.
                cr.fail(cr.key(key), "must name an environment variable (letters, digits and _, like "
                        "ORG_MASTODON_TOKEN); the value given looks like the secret itself: put the secret "
                        "in an environment variable and write that variable's name here")  # fmt: skip
        for key in network.required:
            r.get(key, network.options.get(key, str), required=True)
        limit = r.positive("limit", int, None)
        if limit is not None and network.hard_limit is not None and limit > network.hard_limit:
            r.fail(r.key("limit"), f"{limit} is over {network.name}'s maximum of {network.hard_limit}")
        visibility = r.get("visibility", str, "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            r.fail(r.key("visibility"), "must be public, unlisted, private or direct")
        accounts.append(
            Account(
                name=name,
                platform=platform,
                handle=r.get("handle", str),
                instance=r.get("instance", str),
                limit=limit,
                max_posts=r.positive("max_posts", int, None),
                posts_per_day=r.positive("posts_per_day", int, None),
                numbering=numbering,
                hashtags=tuple(_hashtag(h) for h in r.strings("hashtags")),
                credentials=dict(credentials),
                visibility=visibility,
                spoiler_text=r.get("spoiler_text", str),
                api_base=r.get("api_base", str),
                options={key: r.data[key] for key in network.options if r.get(key, network.options[key]) is not None},
                **_spending(r, network.prices),
            )
        )
        problem = network.check(accounts[-1])
        if problem is not None:
            r.fail(r.key(problem[0]), problem[1])
    return tuple(accounts)


def _option_keys(item: Any) -> set[str]:
    """The account keys of the item's own network (``Network.options``); none while its platform is unknown."""
    platform = item.get("platform") if isinstance(item, dict) else None
    return set(network_of(platform).options) if isinstance(platform, str) and platform in set(Platform) else set()


def _spending(r: _Reader, default: Prices | None) -> dict[str, Any]:
    """``prices``, ``max_cost_usd``, ``over_budget``, ``mode`` and ``link_in_opener`` of one account."""
    prices = default
    if r.get("prices", dict) is not None:
        pr = _Reader(r.path, r.key("prices"), r.data["prices"], {"post", "post_with_link", "currency"})
        post = pr.get("post", (int, float), default.post if default else None, required=default is None)
        with_link = pr.get("post_with_link", (int, float), default.post_with_link if default else post)
        for key, value in (("post", post), ("post_with_link", with_link)):
            if value < 0:
                pr.fail(pr.key(key), "must not be negative")
        currency = pr.get("currency", str, default.currency if default else "USD")
        if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
            pr.fail(pr.key("currency"), f"must be a 3-letter code like USD, got {shown(currency)}")
        prices = Prices(float(post), float(with_link), currency)
    max_cost = r.positive("max_cost_usd", (int, float), None)
    if max_cost is not None and (prices is None or prices.currency != "USD"):
        what = "no prices" if prices is None else f"prices in {prices.currency}"
        r.fail(r.key("max_cost_usd"), f"needs prices in USD (this account has {what})")
    over_budget = r.get("over_budget", str, "cut")
    if over_budget not in ("cut", "hold"):
        r.fail(r.key("over_budget"), f"must be cut or hold, got {shown(over_budget)}")
    mode = r.get("mode", str, "thread")
    if mode not in ("thread", "single"):
        r.fail(r.key("mode"), f"must be thread or single, got {shown(mode)}")
    return {
        "prices": prices,
        "max_cost": None if max_cost is None else float(max_cost),
        "over_budget": over_budget,
        "mode": mode,
        "link_in_opener": r.get("link_in_opener", bool, False),
    }


def _anniversary(path: Path, data: dict) -> AnniversarySettings:
    r = _Reader(path, "anniversary", data, {"default", "time", "templates"})
    default = r.get("default", str, "yearly")
    if default not in ("yearly", "none"):
        r.fail("anniversary.default", "must be yearly or none")
    time = r.get("time", str, "10:00")
    hh, _, mm = time.partition(":")
    if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
        r.fail("anniversary.time", f"must be HH:MM, got {shown(time)}")
    templates = r.strings("templates") or DEFAULT_TEMPLATES
    for i, template in enumerate(templates):
        r.template(f"templates[{i}]", template, TEMPLATE_FIELDS)
    return AnniversarySettings(default=default, time=time, templates=templates)


def _publishing(path: Path, data: dict) -> PublishingSettings:
    keys = {"timeout_seconds", "max_attempts", "backoff_base_seconds", "backoff_max_seconds",
            "retry_wait_first_seconds", "retry_wait_max_seconds", "give_up_after_hours"}  # fmt: skip
    r = _Reader(path, "publishing", data, keys)
    default = PublishingSettings()
    return PublishingSettings(
        timeout_seconds=float(r.positive("timeout_seconds", (int, float), 30.0, HOUR)),
        max_attempts=r.positive("max_attempts", int, 5, 100),
        backoff_base_seconds=float(r.positive("backoff_base_seconds", (int, float), 2.0, DAY)),
        backoff_max_seconds=float(r.positive("backoff_max_seconds", (int, float), 300.0, DAY)),
        retry_wait_first_seconds=float(
            r.positive("retry_wait_first_seconds", (int, float), default.retry_wait_first_seconds)
        ),
        retry_wait_max_seconds=float(
            r.positive("retry_wait_max_seconds", (int, float), default.retry_wait_max_seconds)
        ),
        give_up_after_hours=float(r.positive("give_up_after_hours", (int, float), default.give_up_after_hours)),
    )


def _scheduler(path: Path, data: dict) -> SchedulerSettings:
    r = _Reader(path, "scheduler", data, {"grace_seconds", "settle_seconds", "backlog_days"})
    backlog = r.get("backlog_days", (int, float), SchedulerSettings.backlog_days)
    if backlog < 0:
        r.fail("scheduler.backlog_days", "must be 0 or more")
    return SchedulerSettings(
        grace_seconds=r.positive("grace_seconds", int, 3600, 366 * DAY),
        settle_seconds=float(r.positive("settle_seconds", (int, float), 0.5, HOUR)),
        backlog_days=float(backlog),
    )


def _notify(path: Path, data: dict) -> NotifySettings:
    r = _Reader(path, "notify", data, {"command", "webhook", "email", "sendmail", "events"})
    webhook = r.get("webhook", str)
    if webhook is not None and not webhook.lower().startswith(("http://", "https://")):
        r.fail("notify.webhook", "must be an http:// or https:// URL")
    events = r.strings("events") or NOTIFY_EVENTS
    unknown = sorted(set(events) - set(NOTIFY_EVENTS))
    if unknown:
        r.fail("notify.events", f"unknown event {shown(unknown[0])} (use {', '.join(NOTIFY_EVENTS)})")
    command = r.get("command", str)
    if command is not None:
        import shlex

        try:
            if not shlex.split(command):
                r.fail("notify.command", "is empty")
        except ValueError as e:
            r.fail("notify.command", f"cannot be split into words: {e}")
    return NotifySettings(command=command, webhook=webhook, email=r.get("email", str),
                          sendmail=r.get("sendmail", str, NotifySettings.sendmail), events=tuple(events))  # fmt: skip


def _hashtag(tag: str) -> str:
    return tag if tag.startswith("#") else "#" + tag
