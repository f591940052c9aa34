"""Pieces + an account's counting rules -> the texts of its posts, each checked with the real counter. Pure.

Numbering (``1/22``) sits on its own last line and is counted in the budget; a thread of
one post has none. A word longer than a post is cut at grapheme boundaries (with a
warning); a link, mention, hashtag or e-mail is never cut: one that cannot fit a post is a
``SplitError`` naming the statement and the piece. A bidirectional embedding or isolate is
kept in one post where it fits, else closed at the post's end and reopened in the next.
No post over its limit leaves this module: each is measured with the network's own
counter, and where the additive estimate was short the budget is tightened and the split
redone; if it still does not fit, that is a ``SplitError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import NamedTuple

from bot.errors import SplitError
from bot.text.breaks import (
    EXTRA_POST_COST,
    FAULT,
    Choice,
    break_costs,
    choose_breaks,
    fewest_posts,
    window_starts,
)
from bot.text.counting import Rules, graphemes
from bot.text.entities import find_entities
from bot.text.pieces import BIDI, CUT, GLUE, Piece, closers_for, open_controls

Size = tuple[int, ...]
ROOM_ATTEMPTS = 3  # budget tightenings when a post measured whole comes out longer than its pieces' sum
SPARE_EVERY = 40  # a long thread may take one post more per 40 to avoid weak breaks: 115 posts have too little room
MAX_SPARE = 3  # each spare post is a row of the search: time and memory grow with it


class Split(NamedTuple):
    """The posts' texts and what their breaks cost (``bot.text.breaks``: tiers of powers of ten)."""

    texts: list[str]
    cost: int
    spare: int = 0  # posts more than the fewest possible
    ends: tuple[int, ...] = ()  # for each post, the index of the piece after its last

    @property
    def faults(self) -> int:
        """Weak breaks, plus ten for each bad one (0: every break is one an editor could make, lists aside)."""
        return self.cost // FAULT


def numbering_text(numbering: str | None, i: int, n: int) -> str:
    """The numbering line of post ``i`` of ``n`` (with the newline before it), or ""."""
    return "\n" + numbering.format(i=i, n=n) if numbering else ""


def split(
    pieces: list[Piece],
    rules: Rules,
    numbering: str | None,
    warnings: list[str],
    *,
    total: int | None = None,
    name: str = "",
    extra: int = EXTRA_POST_COST,
) -> Split:
    """Split with room for numbering; ``total`` fixes n (max_posts), else n is the result's length.

    ``extra`` is what one post more than the fewest must save (``bot.text.breaks``); ``name`` names the
    statement in errors.
    """
    if not pieces:
        return Split([], 0)
    measure = rules.measure  # cached by each counter across statements
    sizes = [measure(p.text) for p in pieces]
    seps = [measure(p.sep) for p in pieces]
    widths = [size[0] + sep[0] for size, sep in zip(sizes, seps)]
    guess = total or -(-sum(widths) // max(1, rules.limit - 6))  # about how many posts
    widest = 10 ** (len(str(guess)) + (total is None)) - 1  # a digit to spare: cut words must fit any post
    cut = _cut_long_words(pieces, sizes, rules, numbering_text(numbering, widest, widest), warnings, name)
    if cut is not pieces:
        pieces = cut
        sizes = [measure(p.text) for p in pieces]
        seps = [measure(p.sep) for p in pieces]
        widths = [size[0] + sep[0] for size, sep in zip(sizes, seps)]
    if total is None and all(
        sum(s[d] for s in sizes) + sum(s[d] for s in seps[:-1]) <= lim for d, lim in enumerate(rules.limits)
    ):
        whole = _join(pieces, 0, len(pieces))
        if rules.fits(whole):
            return Split([whole], 0, 0, (len(pieces),))  # one post: no "1/1"
    slack = (0,) * len(rules.limits)
    digits = len(str(max(1, -(-sum(widths) // max(1, rules.limit - 6)))))  # a first guess at n
    for _ in range(ROOM_ATTEMPTS + 4):
        widest = max(total or 0, 10**digits - 1)  # posts past max_posts are cut, but must fit first
        room = measure(numbering_text(numbering, widest, widest))
        budget = tuple(limit - used - tight for limit, used, tight in zip(rules.limits, room, slack))
        short = max(0, -(-rules.limit // 3) - room[0])
        costs = break_costs(pieces, widths, budget[0])
        lows = window_starts(sizes, seps, budget)
        choice = choose_breaks(costs, lows, widths, short, spare=min(MAX_SPARE, 1 + guess // SPARE_EVERY), extra=extra)
        if len(str(len(choice.cuts))) > digits and total is None:
            digits = len(str(len(choice.cuts)))
            continue
        texts = _texts(pieces, choice, numbering, total)
        over = [(k, t) for k, t in enumerate(texts) if not rules.fits(t)]
        if not over:
            return Split(texts, choice.cost, len(texts) - fewest_posts(lows), tuple(end for _, end in choice.cuts))
        # The whole post measured more than its pieces: tighten the budget by the largest excess and redo.
        slack = tuple(
            tight + max(0, *(measure(t)[d] - lim for _, t in over))
            for d, (lim, tight) in enumerate(zip(rules.limits, slack))
        )
    k, text = over[0]
    raise SplitError(f"{name}: post {k + 1} of the thread would be over the limit ({rules.overrun(text)})")


def _join(pieces: Sequence[Piece], start: int, end: int) -> str:
    return "".join(p.text + p.sep for p in pieces[start : end - 1]) + pieces[end - 1].text


def _texts(pieces: list[Piece], choice: Choice, numbering: str | None, total: int | None) -> list[str]:
    n = total or len(choice.cuts)
    texts = []
    carried = ""
    for k, (start, end) in enumerate(choice.cuts):
        body = carried + _join(pieces, start, end)
        # A post ending inside an embedding or isolate closes it, and the next post opens it again.
        carried = open_controls(body) if pieces[end - 1].flags & BIDI else ""
        texts.append(body + closers_for(carried) + numbering_text(numbering, k + 1, n))
    return texts


def _cut_long_words(
    pieces: list[Piece], sizes: Sequence[Size], rules: Rules, numbering: str, warnings: list[str], name: str
) -> list[Piece]:
    """Pieces longer than a post (with ``numbering``), cut at grapheme boundaries; an entity that cannot fit
    is an error. Returns ``pieces`` itself when nothing is cut."""
    room = rules.measure(numbering)
    budget = tuple(limit - used for limit, used in zip(rules.limits, room))
    if all(max(map(itemgetter(d), sizes)) <= b for d, b in enumerate(budget)):
        return pieces  # the common case, checked at C speed
    out: list[Piece] | None = None
    for k, (piece, size) in enumerate(zip(pieces, sizes)):
        if all(q <= b for q, b in zip(size, budget)):
            if out is not None:
                out.append(piece)
            continue
        if out is None:
            out = list(pieces[:k])
        chunks = _chunks(piece.text, rules, budget, name)
        warnings.append(
            f"{piece.text[:40]!r}… is longer than a post ({rules.overrun(piece.text) or 'with numbering'}): "
            f"cut into {len(chunks)} parts inside the word"
        )
        for chunk in chunks[:-1]:
            out.append(Piece(chunk, "", GLUE, CUT))
        out.append(piece._replace(text=chunks[-1]))
    return pieces if out is None else out


def _chunks(text: str, rules: Rules, budget: Size, name: str) -> list[str]:
    """``text`` in runs of whole graphemes that each fit ``budget``, never inside an entity."""
    entities = find_entities(text)
    for entity in entities:
        if not all(q <= b for q, b in zip(rules.measure(entity.text), budget)):
            kind = {"url": "link", "mention": "mention", "hashtag": "hashtag", "email": "e-mail address"}
            raise SplitError(
                f"{name}: the {kind.get(entity.kind, entity.kind)} {entity.text[:60]!r} is longer than a post "
                f"({rules.overrun(entity.text) or 'with numbering'}) and is never cut"
            )
    # Units: whole entities, and single graphemes outside them.
    units: list[str] = []
    pos = 0
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.start < pos:
            continue
        units.extend(graphemes(text[pos : entity.start]))
        units.append(entity.text)
        pos = entity.end
    units.extend(graphemes(text[pos:]))
    chunks: list[str] = []
    current: list[str] = []
    used = [0] * len(budget)
    for unit in units:
        size = rules.measure(unit)
        if current and any(u + q > b for u, q, b in zip(used, size, budget)):
            chunks.append("".join(current))
            current, used = [], [0] * len(budget)
        current.append(unit)
        used = [u + q for u, q in zip(used, size)]
    chunks.append("".join(current))
    return chunks
