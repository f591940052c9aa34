"""The ``accounts`` list of the config: names, networks, credentials (names of environment variables, never
the secrets), limits, numbering and what an account may spend."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.configreader import Reader, hashtag
from bot.model import Account, Prices
from bot.networks.registry import Platform, network_of
from bot.text.frontmatter import shown

NUMBERING_FIELDS = {"i": 1, "n": 2}


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


def parse_accounts(path: Path, data: list) -> tuple[Account, ...]:
    accounts: list[Account] = []
    for i, item in enumerate(data):
        r = Reader(path, f"accounts[{i}]", item, ACCOUNT_KEYS | _option_keys(item))
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
        cr = Reader(path, r.key("credentials"), credentials, set(network.credentials))
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
                hashtags=tuple(hashtag(h) for h in r.strings("hashtags")),
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


def _spending(r: Reader, default: Prices | None) -> dict[str, Any]:
    """``prices``, ``max_cost_usd``, ``over_budget``, ``mode`` and ``link_in_opener`` of one account."""
    prices = default
    if r.get("prices", dict) is not None:
        pr = Reader(r.path, r.key("prices"), r.data["prices"], {"post", "post_with_link", "currency"})
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
