"""Statement + account -> the exact thread that account will post. Pure.

The opener (title or ``hook``) and hashtags come first, then the body, then the
closing block: slogans, signature and date, links. Titles, slogans and links are
glued so they are only ever cut if one alone cannot fit a post (and then we warn).
Numbering sits on its own last line (one newline costs what a space does), where
it reads the same in RTL posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from bot.errors import SplitError
from bot.model import Account, Organisation, Post, Statement, Thread
from bot.text.breaks import choose_breaks, window_starts
from bot.text.counting import Rules
from bot.text.pieces import GLUE, LINE, PARAGRAPH, Piece, paragraph_pieces

FULL_STATEMENT = {
    "en": "Read the full statement: {url}",
    "fr": "Lire la déclaration complète : {url}",
    "es": "Lea la declaración completa: {url}",
    "de": "Die ganze Erklärung: {url}",
    "fa": "متن کامل بیانیه: {url}",
    "ar": "النص الكامل للبيان: {url}",
}
MONTHS_EN = ("January February March April May June July August September October November December").split()


def build_thread(statement: Statement, account: Account, organisation: Organisation, rules: Rules) -> Thread:
    """Split ``statement`` for ``account``, measuring with ``rules`` (``bot.networks.registry.account_rules``)."""
    warnings: list[str] = []
    pieces = _pieces(statement, account, organisation, rules, warnings)
    posts = _split(pieces, rules, account.numbering, warnings)
    url = statement_url(statement, organisation)
    if account.max_posts and len(posts) > account.max_posts:
        posts = _cut_to_max(pieces, rules, account, statement.language, url, len(posts), warnings)
    return Thread(
        account=account.name,
        platform=account.platform,
        limit=rules.limit,
        posts=tuple(Post(i + 1, text, rules.count(text)) for i, text in enumerate(posts)),
        warnings=tuple(warnings),
        language=statement.language,
        statement_id=statement.id,
    )


def statement_url(statement: Statement, organisation: Organisation) -> str | None:
    """Where the full statement is online: its ``url``, or the organisation's template filled in."""
    template = organisation.statement_url_template
    return statement.url or (template.format(id=statement.id) if template else None)


def _pieces(
    statement: Statement, account: Account, organisation: Organisation, rules: Rules, warnings: list[str]
) -> list[Piece]:
    groups: list[list[Piece]] = []
    opener = statement.hook or statement.title
    url = statement_url(statement, organisation) if account.link_in_opener else None
    if url:  # asked for: the full statement's link right under the title
        opener = f"{opener}\n{url}" if opener else url
    if opener:
        head = paragraph_pieces(opener, glue=True)
        tags = _hashtags(statement, account, organisation, opener, rules, warnings)
        if tags:
            head = _join([head, [Piece(t, " ", GLUE) for t in tags]], "\n", GLUE)
        groups.append(head)
    groups.extend(list(pieces) for pieces in _body(statement.paragraphs))
    slogans = statement.slogans or organisation.slogans
    if slogans:
        groups.append(_lines(slogans))
    sign = [line for line in (statement.signature, _date_line(statement)) if line]
    if sign:
        groups.append(_lines(sign))
    links = statement.links or organisation.links
    if links:
        # Where a post with a link costs more (X), the links are glued: all in the closing post if they fit.
        priced = account.prices is not None and account.prices.post_with_link > account.prices.post
        groups.append(_join([[Piece(link, "", GLUE)] for link in links], "\n", GLUE if priced else LINE))
    return _join(groups, "\n\n", PARAGRAPH)


@lru_cache(maxsize=32)
def _body(paragraphs: tuple[str, ...]) -> tuple[tuple[Piece, ...], ...]:
    """The body's pieces, shared by every account a statement goes to."""
    return tuple(tuple(paragraph_pieces(p)) for p in paragraphs)


def _lines(lines: Sequence[str]) -> list[Piece]:
    return _join([paragraph_pieces(line, glue=True) for line in lines], "\n", LINE)


def _join(groups: Sequence[list[Piece]], sep: str, brk: int) -> list[Piece]:
    out: list[Piece] = []
    for group in groups:
        if not group:
            continue
        if out:
            out[-1] = out[-1]._replace(sep=sep, brk=brk)
        out.extend(group)
    if out:
        out[-1] = out[-1]._replace(sep="", brk=PARAGRAPH)
    return out


def _hashtags(
    statement: Statement, account: Account, organisation: Organisation, opener: str, rules: Rules, warnings: list[str]
) -> list[str]:
    wanted: list[str] = []
    for tag in (*statement.hashtags, *account.hashtags, *organisation.hashtags):
        if tag.lower() not in {t.lower() for t in wanted} and tag.lower() not in opener.lower().split():
            wanted.append(tag)
    room = _numbering_text(account.numbering, 99, 99)
    kept: list[str] = []
    for tag in wanted:
        if rules.fits(opener + "\n" + " ".join(kept + [tag]) + room):
            kept.append(tag)
        else:
            warnings.append(f"hashtag {tag} does not fit in the first post after the title; left out")
    return kept


def _date_line(statement: Statement) -> str | None:
    if statement.date is None:
        return None
    d = statement.date
    return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}" if statement.language == "en" else d.isoformat()


def _numbering_text(numbering: str | None, i: int, n: int) -> str:
    return "\n" + numbering.format(i=i, n=n) if numbering else ""


def _split(
    pieces: list[Piece], rules: Rules, numbering: str | None, warnings: list[str], total: int | None = None
) -> list[str]:
    """Split with room for numbering; ``total`` fixes n (max_posts), else n is the result's length."""
    measure = rules.measure  # cached by bot.text.counting across statements
    sizes = [measure(p.text) for p in pieces]
    seps = [measure(p.sep) for p in pieces]
    breaks = [p.brk for p in pieces]
    widths = [size[0] + sep[0] for size, sep in zip(sizes, seps)]
    digits = len(str(max(1, -(-sum(widths) // max(1, rules.limit - 6)))))  # a first guess at n
    for _ in range(4):
        widest = max(total or 0, 10**digits - 1)  # posts past max_posts are cut, but must fit first
        room = rules.measure(_numbering_text(numbering, widest, widest))
        budget = tuple(limit - used for limit, used in zip(rules.limits, room))
        cuts = choose_breaks(breaks, widths, window_starts(sizes, seps, budget))
        if len(str(len(cuts))) == digits or (total is not None and len(str(len(cuts))) < digits):
            break
        digits = len(str(len(cuts)))
    n = total or len(cuts)
    posts = []
    for k, (start, end) in enumerate(cuts):
        body = "".join(p.text + p.sep for p in pieces[start : end - 1]) + pieces[end - 1].text
        text = body + _numbering_text(numbering, k + 1, n)
        if not rules.fits(text):
            if end - start > 1:
                raise SplitError(f"post {k + 1} came out over the limit ({rules.count(text)} > {rules.limit})")
            warnings.append(
                f"post {k + 1}: {pieces[start].text[:40]!r} alone is longer than a post "
                f"({rules.count(text)} > {rules.limit})"
            )
        posts.append(text)
    return posts


def _cut_to_max(
    pieces: list[Piece],
    rules: Rules,
    account: Account,
    language: str,
    url: str | None,
    needed: int,
    warnings: list[str],
) -> list[str]:
    limit = account.max_posts or needed
    if not url:
        warnings.append(
            f"thread needs {needed} posts, over max_posts {limit}, and the statement has no url to link to "
            "(set url in the front matter or organisation.statement_url_template); nothing was cut"
        )
        return _split(pieces, rules, account.numbering, [], None)
    posts = _split(pieces, rules, account.numbering, [], limit)[: limit - 1]
    link = FULL_STATEMENT.get(language, FULL_STATEMENT["en"]).format(url=url)
    posts.append(link + _numbering_text(account.numbering, limit, limit))
    warnings.append(
        f"thread needs {needed} posts but max_posts is {limit}: post {limit} links to the full "
        f"statement instead of the remaining text"
    )
    return posts
