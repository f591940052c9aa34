"""Which accounts a statement goes to, and the thread each gets: one planner for ``preview``, ``post`` and ``run``.

The counting rules come from ``bot.networks.registry.account_rules`` and nowhere else, so
the three commands plan the same thread for an account given the same reported limits:
``post`` and ``run`` ask the network (``Adapter.limits``), ``preview`` reads what the
network last reported from the journal (``reported``), without a network call.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.errors import StatementError
from bot.media.attach import has_image, with_media
from bot.model import Account, Cost, Organisation, Post, Prices, Statement, Thread
from bot.networks.registry import account_rules, network_of, platform_rules
from bot.text.entities import url_spans
from bot.text.threads import FULL_STATEMENT, build_thread, statement_url

if TYPE_CHECKING:
    from bot.config import Config
    from bot.networks.base import Limits
    from bot.text.counting import Rules


def select_accounts(statement: Statement, config: Config, names: Sequence[str] | None = None) -> list[Account]:
    """The named accounts, else the statement's own ``accounts``, else every configured account."""
    if names:
        return [config.account(name) for name in names]
    if statement.accounts is None:
        return list(config.accounts)
    known = {a.name: a for a in config.accounts}
    unknown = [name for name in statement.accounts if name not in known]
    if unknown:
        raise StatementError(
            statement.path or statement.id,
            f"front matter accounts: no account named "
            f"{unknown[0]!r} in {config.path} (configured: {', '.join(known) or 'none'})",
        )
    return [known[name] for name in statement.accounts]


def plan_thread(
    statement: Statement,
    account: Account,
    config: Config,
    reported: Limits | None = None,
    sent: Collection[str] = (),
) -> Thread:
    """The thread ``account`` gets, with the limits its network ``reported`` (None: it reports none).

    Then the statement's image goes on the first post, a link card on the first post
    carrying the statement's URL where the network makes cards, and the thread is priced
    and kept within the account's ``max_cost_usd``. On a network that refuses a text the
    account already posted, a post equal to one of ``sent`` (the account's earlier posts)
    would stop the thread half-way: the closing post is made the statement's own instead.
    """
    rules = account_rules(account, reported)
    thread = _plan(statement, account, config.organisation, rules, reported)
    if not sent or not network_of(account.platform).refuses_duplicates:
        return thread
    for mark in (_short_title(statement), statement.id):
        if not any(p.text in sent for p in thread.posts):
            break
        signature = f"{statement.signature} · {mark}" if statement.signature else mark
        thread = _plan(replace(statement, signature=signature), account, config.organisation, rules, reported)
        note = f"the closing post names this statement ({mark!r}): an earlier thread ended with the same text"
        thread = replace(thread, warnings=(*thread.warnings, note))
    repeated = [p.index for p in thread.posts if p.text in sent]
    if repeated:
        name = network_of(account.platform).name
        warning = (f"post {', '.join(map(str, repeated))} repeats a text this account already posted: "
                   f"{name} refuses duplicates, so the thread would stop there")  # fmt: skip
        thread = replace(thread, warnings=(*thread.warnings, warning))
    return thread


def _short_title(statement: Statement) -> str:
    words = (statement.title or statement.id).split()
    return " ".join(words[:6]) + ("…" if len(words) > 6 else "")


def _plan(
    statement: Statement, account: Account, organisation: Organisation, rules: Rules, reported: Limits | None
) -> Thread:
    network = network_of(account.platform)
    account = replace(account, prices=account.prices or network.prices)
    if account.mode == "single":
        thread = single_post(statement, account, organisation, rules)
    else:
        thread = build_thread(statement, account, organisation, rules)
        if account.prices is not None and account.max_cost is not None:
            thread = _within_budget(thread, statement, account, organisation, rules)
        else:
            thread = _priced(thread, account.prices)
    media_rules = network.media_for(account)
    if media_rules is not None and reported is not None and reported.media is not None:
        media_rules = reported.media  # what the network reported of itself (a Mastodon instance) wins
    posts = len(thread.posts)
    thread = with_media(
        thread, statement, media_rules, rules.count, network.caption_limit, network.source_document_bytes
    )
    missing = network.media_missing(account)
    if missing and has_image(statement):
        thread = replace(thread, warnings=(*thread.warnings, missing))
    if len(thread.posts) != posts and thread.cost is not None:  # an image or a document in a post of its own
        thread = _priced(thread, account.prices)
    url = statement_url(statement, organisation)
    if network.link_cards and url:
        # A post with images cannot carry a card too: the images win, the card goes to the next post with the URL.
        first = next((p for p in thread.posts if url in p.text and not p.media), None)
        if first is not None:
            thread = replace(thread, posts=tuple(replace(p, card=url) if p is first else p for p in thread.posts))
    return thread


def thread_cost(texts: Sequence[str], prices: Prices) -> Cost:
    """What posting ``texts`` costs: each a post, at the link price when it contains a URL."""
    with_links = sum(1 for text in texts if url_spans(text))
    amount = (len(texts) - with_links) * prices.post + with_links * prices.post_with_link
    return Cost(prices.currency, round(amount, 6), len(texts), with_links)


def _priced(thread: Thread, prices: Prices | None) -> Thread:
    return replace(thread, cost=thread_cost([p.text for p in thread.posts], prices)) if prices else thread


def _within_budget(
    thread: Thread, statement: Statement, account: Account, organisation: Organisation, rules: Rules
) -> Thread:
    """The thread priced, and cut (``over_budget: cut``) or held (``hold``) when it costs more than ``max_cost``."""
    assert account.prices is not None and account.max_cost is not None
    prices, budget = account.prices, account.max_cost
    thread = _priced(thread, prices)
    assert thread.cost is not None
    if thread.cost.amount <= budget + 1e-9:
        return thread
    over = (
        f"thread costs {_money(thread.cost)} ({thread.cost.posts} posts, {thread.cost.posts_with_links} with "
        f"links), over max_cost_usd {budget:g}"
    )
    if account.over_budget == "cut" and statement_url(statement, organisation):
        # The last post links to the full statement: the rest may cost what is left after it.
        room = int((budget - prices.post_with_link) / prices.post + 1e-9) + 1 if prices.post else len(thread.posts)
        for n in range(min(room, len(thread.posts) - 1), 1, -1):
            cut = _priced(build_thread(statement, replace(account, max_posts=n), organisation, rules), prices)
            assert cut.cost is not None
            if cut.cost.amount <= budget + 1e-9:
                kept = tuple(w for w in cut.warnings if not w.startswith("thread needs"))
                note = f"{over}: cut to {n} posts ({_money(cut.cost)}), post {n} links to the full statement"
                return replace(cut, warnings=(*kept, note))
    why = "over_budget is hold" if account.over_budget == "hold" else "it cannot be cut within it"
    held = f"{over}; not posted ({why}): raise max_cost_usd, or set over_budget: cut"
    if account.over_budget == "cut" and not statement_url(statement, organisation):
        held += " and give the statement a url to link to"
    return replace(thread, held=held, warnings=(*thread.warnings, held))


def _money(cost: Cost) -> str:
    return f"${cost.amount:.3f}" if cost.currency == "USD" else f"{cost.amount:.3f} {cost.currency}"


def single_post(statement: Statement, account: Account, organisation: Organisation, rules: Rules) -> Thread:
    """``mode: single``: one post, the title (or hook) and the link to the full statement (the image is added after)."""
    url = statement_url(statement, organisation)
    warnings = []
    link = FULL_STATEMENT.get(statement.language, FULL_STATEMENT["en"]).format(url=url) if url else ""
    if not url:
        warnings.append("mode single: the statement has no url to link to (set url or statement_url_template)")
    head = " ".join((statement.hook or statement.title or statement.id).split())
    text, keep = f"{head}\n\n{link}" if link else head, len(head)
    while not rules.fits(text) and keep > 1:
        keep -= max(1, keep // 20)
        text = head[:keep].rstrip() + "…" + (f"\n\n{link}" if link else "")
    thread = Thread(
        account=account.name,
        platform=account.platform,
        limit=rules.limit,
        posts=(Post(1, text, rules.count(text)),),
        warnings=tuple(warnings),
        language=statement.language,
        statement_id=statement.id,
    )
    return _priced(thread, account.prices)


def plan_threads(
    statement: Statement,
    config: Config,
    accounts: Sequence[str] | None = None,
    platform: str | None = None,
    reported: Mapping[str, Limits] | None = None,
    sent: Mapping[str, Collection[str]] | None = None,
) -> list[Thread]:
    """One thread per selected account; ``reported`` maps account names to limits their network reported,
    ``sent`` to the texts they already posted (see ``plan_thread``).

    ``platform`` previews with that network's default rules, no account needed.
    """
    if platform is not None:
        network_of(platform)  # an unknown platform is a ConfigError, not a KeyError later
        account = Account(name=platform, platform=platform)
        return [_plan(statement, account, config.organisation, platform_rules(platform), None)]
    reported, sent = reported or {}, sent or {}
    return [
        plan_thread(statement, account, config, reported.get(account.name), sent.get(account.name, ()))
        for account in select_accounts(statement, config, accounts)
    ]
