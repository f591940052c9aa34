"""Load and validate ``config/bot.yaml`` into a frozen ``Config``.

Every problem is a ``ConfigError`` naming the file and the key. Relative paths in the
file are relative to the file's own folder, so the bot behaves the same from any cwd.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import redact
from bot.configaccounts import parse_accounts
from bot.configchecks import state_problem, statements_dir_problem
from bot.configreader import Reader, hashtag
from bot.errors import ConfigError
from bot.model import Account, Organisation
from bot.networks.registry import network_of
from bot.text.frontmatter import YamlProblem, load_yaml, shown

DEFAULT_CONFIG = Path("config/bot.yaml")
MAX_CONFIG_BYTES = 1 << 20
HOUR, DAY = 3600, 86400
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
    top = Reader(
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
        accounts=parse_accounts(path, top.get("accounts", list, [])),
        anniversary=_anniversary(path, top.get("anniversary", dict, {})),
        publishing=_publishing(path, top.get("publishing", dict, {})),
        scheduler=_scheduler(path, top.get("scheduler", dict, {})),
        notify=_notify(path, top.get("notify", dict, {})),
    )


def _organisation(path: Path, data: dict) -> Organisation:
    r = Reader(path, "organisation", data, {"name", "slogans", "links", "hashtags", "statement_url_template"})
    template = r.get("statement_url_template", str)
    if template is not None and "{id}" not in template:
        r.fail("organisation.statement_url_template", "must contain {id}")
    if template is not None:
        r.template("statement_url_template", template, URL_FIELDS)
    return Organisation(
        name=r.get("name", str, ""),
        slogans=r.strings("slogans"),
        links=r.strings("links"),
        hashtags=tuple(hashtag(h) for h in r.strings("hashtags")),
        statement_url_template=template,
    )


def _anniversary(path: Path, data: dict) -> AnniversarySettings:
    r = Reader(path, "anniversary", data, {"default", "time", "templates"})
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
    r = Reader(path, "publishing", data, keys)
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
    r = Reader(path, "scheduler", data, {"grace_seconds", "settle_seconds", "backlog_days"})
    backlog = r.get("backlog_days", (int, float), SchedulerSettings.backlog_days)
    if backlog < 0:
        r.fail("scheduler.backlog_days", "must be 0 or more")
    return SchedulerSettings(
        grace_seconds=r.positive("grace_seconds", int, 3600, 366 * DAY),
        settle_seconds=float(r.positive("settle_seconds", (int, float), 0.5, HOUR)),
        backlog_days=float(backlog),
    )


def _notify(path: Path, data: dict) -> NotifySettings:
    r = Reader(path, "notify", data, {"command", "webhook", "email", "sendmail", "events"})
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
