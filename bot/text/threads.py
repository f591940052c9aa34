"""Statement + account -> the exact thread that account will post. Pure.

The opener (title or ``hook``) and hashtags come first, then the body, then the
closing block: slogans, signature and date, links. Titles, slogans and links are
glued so they are only ever cut if one alone cannot fit a post (and then we warn).
Hashtags go under the title (or open the thread when there is none) when that costs no break an editor would avoid; else
they move to the last post, else they are left out (with a warning either way).
Numbering sits on its own last line (one newline costs what a space does), where
it reads the same in RTL posts; a thread of one post has none. The split itself is
``bot.text.splitting`` over the pieces of ``bot.text.pieces``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from bot.model import Account, Organisation, Post, Statement, Thread
from bot.text.breaks import EXTRA_POST_COST, PAID_EXTRA_POST_COST
from bot.text.counting import Rules
from bot.text.pieces import GLUE, LINE, PARAGRAPH, Piece, gap_flags, paragraph_pieces
from bot.text.splitting import Split, numbering_text, split

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
    """Split ``statement`` for ``account``, measuring with ``rules`` (``bot.networks.registry.account_rules``).

    Raises ``SplitError`` when something cannot be made into posts within the limit (a link longer
    than a post): such a thread is never started.
    """
    warnings: list[str] = []
    if not statement.paragraphs:  # front matter and a title alone: most likely the text was never pasted in
        warnings.append("the statement has no text under its title: only the title and closing block are posted")
    opener = statement.hook or statement.title
    if opener and not _fits_a_post(opener, account, rules):
        warnings.append(
            f"the title is longer than a post ({rules.overrun(opener) or 'with numbering'}): cut where it reads best"
        )
    pieces, posts = _best_split(statement, account, organisation, rules, warnings)
    url = statement_url(statement, organisation)
    if account.max_posts and len(posts) > account.max_posts:
        posts = _cut_to_max(pieces, rules, account, statement, url, len(posts), warnings)
    return Thread(
        account=account.name,
        platform=account.platform,
        limit=rules.limit,
        posts=tuple(Post(i + 1, text, rules.count(text)) for i, text in enumerate(posts)),
        warnings=tuple(warnings),
        language=statement.language,
        statement_id=statement.id,
    )


def _best_split(
    statement: Statement, account: Account, organisation: Organisation, rules: Rules, warnings: list[str]
) -> tuple[list[Piece], list[str]]:
    """The pieces and posts with the hashtags where they force the fewest weak or bad breaks (and, where
    posts cost money, the fewest posts): under the title, else in the last post, else nowhere."""
    tags = _hashtags(statement, account, organisation, rules, warnings)
    name = statement.path or statement.id
    paid = _extra_post_cost(account) == PAID_EXTRA_POST_COST
    best: tuple[tuple[int, int, int], list[Piece], Split, list[str]] | None = None
    for rank, place in enumerate(("opener", "closing", "none") if tags else ("none",)):
        notes: list[str] = []
        pieces = _pieces(statement, account, organisation, tags if place == "opener" else [], rules)
        if place == "closing":
            pieces = _join([pieces, [Piece(t, " ", GLUE) for t in tags]], "\n\n", PARAGRAPH)
        done = split(pieces, rules, account.numbering, notes, name=name, extra=_extra_post_cost(account))
        key = (done.faults, len(done.texts) if paid else 0, rank)
        if best is None or key < best[0]:
            best = (key, pieces, done, notes)
        # Moved only if they cost a weak break or, on a paid network, a post: the first post holding just the
        # title and hashtags, one more than the fewest. Left out only to avoid a weak break.
        opener_alone = place == "opener" and done.ends[:1] == (_opener_length(pieces),)
        if done.faults == 0 and not (paid and done.spare and opener_alone):
            break
    assert best is not None
    (_, _, rank), pieces, done, notes = best
    shown = " ".join(tags)
    if rank == 1:
        warnings.append(
            f"hashtags {shown} moved to the last post: under the title they would cost a weak break or a post"
        )
    elif rank == 2:
        warnings.append(f"hashtags {shown} left out: in the first or last post they would cost a weak break")
    warnings.extend(notes)
    return pieces, done.texts


def _opener_length(pieces: list[Piece]) -> int:
    """How many pieces the title and hashtags take (up to the first paragraph end)."""
    return next((k + 1 for k, p in enumerate(pieces) if p.brk == PARAGRAPH), len(pieces))


def statement_url(statement: Statement, organisation: Organisation) -> str | None:
    """Where the full statement is online: its ``url``, or the organisation's template filled in."""
    template = organisation.statement_url_template
    return statement.url or (template.format(id=statement.id) if template else None)


def _pieces(
    statement: Statement, account: Account, organisation: Organisation, tags: Sequence[str], rules: Rules
) -> list[Piece]:
    language = statement.language
    groups: list[list[Piece]] = []
    opener = statement.hook or statement.title
    url = statement_url(statement, organisation) if account.link_in_opener else None
    if url:  # asked for: the full statement's link right under the title
        opener = f"{opener}\n{url}" if opener else url
    tag_line = [Piece(t, " ", GLUE) for t in tags]
    if opener:
        # Glued, so only cut if it cannot fit one post; then ranked like a sentence, so it is cut where it reads best.
        glue = _fits_a_post(opener, account, rules)
        head = paragraph_pieces(opener, glue=glue, language=language)
        groups.append(_join([head, tag_line], "\n", GLUE) if tags else head)
    elif tags:  # no title: the hashtags open the thread on their own line
        groups.append(tag_line)
    groups.extend(list(pieces) for pieces in _body(statement.paragraphs, language))
    slogans = statement.slogans or organisation.slogans
    if slogans:
        groups.append(_lines(slogans, language))
    sign = [line for line in (statement.signature, _date_line(statement)) if line]
    if sign:
        groups.append(_lines(sign, language))
    groups.append(_links(statement, account, organisation))
    pieces = _join(groups, "\n\n", PARAGRAPH)
    for k in range(len(pieces) - 1):
        if pieces[k].brk == PARAGRAPH and (flags := gap_flags(pieces[k].text, pieces[k + 1].text, language)):
            pieces[k] = pieces[k]._replace(flags=pieces[k].flags | flags)
    return pieces


def _extra_post_cost(account: Account) -> int:
    """Where every post costs money (X), one more post only to avoid a weak or bad break."""
    paid = account.prices is not None and account.prices.post > 0
    return PAID_EXTRA_POST_COST if paid else EXTRA_POST_COST


def _links(statement: Statement, account: Account, organisation: Organisation) -> list[Piece]:
    """Where the contact links go: the closing post, one a line."""
    links = statement.links or organisation.links
    if not links:
        return []
    # Where a post with a link costs more (X), the links are glued: all in the closing post if they fit.
    priced = account.prices is not None and account.prices.post_with_link > account.prices.post
    return _join([[Piece(link, "", GLUE)] for link in links], "\n", GLUE if priced else LINE)


@lru_cache(maxsize=32)
def _body(paragraphs: tuple[str, ...], language: str) -> tuple[tuple[Piece, ...], ...]:
    """The body's pieces, shared by every account a statement goes to."""
    return tuple(tuple(paragraph_pieces(p, language=language)) for p in paragraphs)


def _lines(lines: Sequence[str], language: str) -> list[Piece]:
    return _join([paragraph_pieces(line, glue=True, language=language) for line in lines], "\n", LINE)


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
    statement: Statement, account: Account, organisation: Organisation, rules: Rules, warnings: list[str]
) -> list[str]:
    """The statement's, account's and organisation's hashtags, each once, that fit one post with the title."""
    opener = statement.hook or statement.title
    wanted: list[str] = []
    for tag in (*statement.hashtags, *account.hashtags, *organisation.hashtags):
        if tag.lower() not in {t.lower() for t in wanted} and tag.lower() not in opener.lower().split():
            wanted.append(tag)
    room = numbering_text(account.numbering, 99, 99)
    head = opener + "\n" if _fits_a_post(opener, account, rules) else ""  # a title cut in parts: room after its last
    kept: list[str] = []
    for tag in wanted:
        if rules.fits(head + " ".join(kept + [tag]) + room):
            kept.append(tag)
        else:
            warnings.append(f"hashtag {tag} does not fit in the first post after the title; left out")
    return kept


def _fits_a_post(text: str, account: Account, rules: Rules) -> bool:
    """Whether ``text`` fits one post beside the widest numbering the account's thread may have."""
    return rules.fits(text + numbering_text(account.numbering, 99, 99))


def _date_line(statement: Statement) -> str | None:
    """The date as the statement signs it; formatted only when nothing in the text states it (front matter)."""
    if statement.date_line or statement.date is None:
        return statement.date_line
    d = statement.date
    return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}" if statement.language == "en" else d.isoformat()


def _cut_to_max(
    pieces: list[Piece],
    rules: Rules,
    account: Account,
    statement: Statement,
    url: str | None,
    needed: int,
    warnings: list[str],
) -> list[str]:
    limit = account.max_posts or needed
    name = statement.path or statement.id
    if not url:
        warnings.append(
            f"thread needs {needed} posts, over max_posts {limit}, and the statement has no url to link to "
            "(set url in the front matter or organisation.statement_url_template); nothing was cut"
        )
        return split(pieces, rules, account.numbering, [], name=name, extra=_extra_post_cost(account)).texts
    posts = split(pieces, rules, account.numbering, [], total=limit, name=name).texts[: limit - 1]
    link = FULL_STATEMENT.get(statement.language, FULL_STATEMENT["en"]).format(url=url)
    posts.append(link + (numbering_text(account.numbering, limit, limit) if limit > 1 else ""))  # no "1/1"
    warnings.append(
        f"thread needs {needed} posts but max_posts is {limit}: post {limit} links to the full "
        f"statement instead of the remaining text"
    )
    return posts
