"""Choose where a thread breaks: optimal line breaking over break costs, as TeX does. Pure.

Given pieces (unbreakable runs of text, each judged as a break by ``bot.text.pieces``) and
their measured sizes, find the cuts that give the fewest posts, allowing one more only when
that avoids a break an editor would not make, and among splits of that length the cheapest.

Costs come in tiers, so a lower tier never outweighs a higher one however long the thread:
paragraph, line, sentence, clause, then word gaps (before a conjunction better than the
rest); a list item cut although it fits one post; a **weak break** (after a function word or
number, inside a name, date or word); a **bad break**: a widow or orphan (at most three words
of a sentence alone at a post's start or end), a post ending after a heading or lead-in, a
mid-thread post under a third of the limit; then glue (inside a title, slogan, link or
bidirectional embedding); then a cut inside a word. In a long statement, where one post
more than the fewest leaves little room, weak breaks are what gives way first.

A post's size is the sum of its pieces and separators: the counters keep that additive for
whitespace-separated tokens, and ``bot.text.threads`` re-measures every finished post with
the real counter anyway. Linear time and memory: for each piece only the cheapest cover with
the fewest posts and with one more are kept (a prefix two over its own fewest can never end
within one post of the floor), found with sliding-window minima.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import NamedTuple

from bot.text.pieces import (
    BIDI,
    CLAUSE,
    CUT,
    GLUE,
    GOOD,
    ITEM,
    LEAD,
    LINE,
    PARAGRAPH,
    SENTENCE,
    WEAK,
    WORD,
    WORD_UNITS,
    Piece,
)

Size = tuple[int, ...]

BREAK_COST = {PARAGRAPH: 0, LINE: 1, SENTENCE: 3, CLAUSE: 600, WORD: 1000, GLUE: 10**13}
GOOD_WORD_COST = 800  # a word gap before a conjunction or relative pronoun
ITEM_COST = 10**8  # inside a list item that would fit one post
FAULT = 10**9  # a weak break
BAD = 10**10  # a widow or orphan, a post ending with a heading or lead-in, a stub post
GLUE_COST = BREAK_COST[GLUE]
CUT_COST = 10**15  # inside a word
# One more post is worth it if it saves two mid-sentence breaks; where every post costs money (X), only if
# it avoids a weak or bad break.
EXTRA_POST_COST = 1500
PAID_EXTRA_POST_COST = FAULT // 2
STRANDED = 3 * WORD_UNITS  # at most three words of a sentence alone at a post's start or end
INF = 1 << 126


class Choice(NamedTuple):
    """The chosen cuts, (start, end) piece ranges with end exclusive, and what their breaks cost."""

    cuts: list[tuple[int, int]]
    cost: int


def window_starts(sizes: Sequence[Size], seps: Sequence[Size], budget: Size) -> list[int]:
    """lows[i]: the earliest j such that pieces j..i-1 fit one post (never more than i - 1).

    ``sizes[k]``/``seps[k]`` are piece k's size and the size of the separator after it.
    """
    n = len(sizes)
    lows = [0] * (n + 1)
    for d, limit in enumerate(budget):
        prefix = [0] * (n + 1)
        total = 0
        for k in range(n):
            total += sizes[k][d] + seps[k][d]
            prefix[k + 1] = total
        if total <= limit:
            continue  # everything fits this dimension at once: it never tightens a window
        j = 0
        for i in range(1, n + 1):
            end = prefix[i] - seps[i - 1][d]
            while j < i - 1 and end - prefix[j] > limit:
                j += 1
            if j > lows[i]:
                lows[i] = j  # the tightest dimension decides
    return lows


def fewest_posts(lows: Sequence[int]) -> int:
    """The floor: posts needed when any gap between words may be a break."""
    return _fewest(lows)[-1]


def _fewest(lows: Sequence[int]) -> list[int]:
    """fewest[i]: posts needed for pieces[:i]; it never decreases, so a window's first is its min."""
    fewest = [0] * len(lows)
    for i in range(1, len(lows)):
        fewest[i] = fewest[lows[i]] + 1
    return fewest


def break_costs(pieces: Sequence[Piece], widths: Sequence[int], budget: int) -> list[int]:
    """The cost of ending a post after each piece (``widths[k]``: piece k with its separator; ``budget``:
    the post's room, for list items that fit one post)."""
    n = len(pieces)
    costs = [0] * n
    weak = [False] * n
    bad = [False] * n
    for k, p in enumerate(pieces):
        costs[k] = GOOD_WORD_COST if p.brk == WORD and p.flags & GOOD else BREAK_COST[p.brk]
        if p.brk != GLUE:
            weak[k] = bool(p.flags & WEAK)
            bad[k] = bool(p.flags & LEAD)
        if p.flags & BIDI:
            costs[k] = max(costs[k], GLUE_COST)
        if p.flags & CUT:
            costs[k] = CUT_COST
    since = 0
    for k, p in enumerate(pieces):  # orphans: a sentence's first words alone at a post's end
        since = p.words + (since if k and pieces[k - 1].brk > SENTENCE else 0)
        if p.brk in (CLAUSE, WORD) and since <= STRANDED:
            bad[k] = True
    until = 0
    for k in range(n - 1, -1, -1):  # widows: a sentence's last words alone at the next post's start
        if pieces[k].brk in (CLAUSE, WORD) and until <= STRANDED:
            bad[k] = True
        until = pieces[k].words + (until if pieces[k].brk > SENTENCE else 0)
    start = 0
    for k, p in enumerate(pieces):  # a list item that fits one post is not cut
        if not p.flags & ITEM or p.brk <= LINE:
            if p.flags & ITEM and sum(widths[start : k + 1]) <= budget:
                for m in range(start, k):
                    costs[m] += ITEM_COST
            start = k + 1
    for k in range(n):
        costs[k] += BAD if bad[k] else FAULT if weak[k] else 0
    costs[-1] = 0
    return costs


def choose_breaks(
    costs: Sequence[int],
    lows: Sequence[int],
    widths: Sequence[int] = (),
    short: int = 0,
    spare: int = 1,
    extra: int = EXTRA_POST_COST,
) -> Choice:
    """Cut n pieces into posts: ``costs[k]`` is the cost of a break after piece k, ``lows`` comes from
    ``window_starts``; a post in the middle of the thread narrower than ``short`` (by ``widths``) is a bad
    break. At most ``spare`` posts more than the fewest, each costing ``extra``.
    """
    n = len(costs)
    if n == 0:
        return Choice([], 0)
    fewest = _fewest(lows)
    prefix = [0] * (n + 1)
    if short:
        for k in range(n):
            prefix[k + 1] = prefix[k] + widths[k]
    # value[d][i], back[d][i]: cheapest cover of pieces[:i] by fewest[i] + d posts, and where its last post
    # starts. A prefix more than ``spare`` over its own fewest can never end within ``spare`` of the floor.
    value = [[INF] * (n + 1) for _ in range(spare + 1)]
    back = [[-1] * (n + 1) for _ in range(spare + 1)]
    value[0][0] = 0
    # Candidates j >= 1 for the start of the post ending at i, in two sliding windows: posts j..i-1 wide
    # enough, and stubs (narrower than ``short``). Each holds, per post count, a deque of (value, j) with
    # increasing values. j = 0 (the first post, never a stub) is handled on its own.
    wide: dict[int, deque[tuple[int, int]]] = {}
    stubs: dict[int, deque[tuple[int, int]]] = {}
    rows = list(enumerate(value))
    next_wide = next_stub = 1
    s = 0  # the first j whose post j..i-1 is a stub
    last_f = 0
    for i in range(1, n + 1):
        low, f = lows[i], fewest[i]
        if f != last_f:  # counts only grow: those below f - 1 can never be asked for again
            for window in (wide, stubs):
                for count in [c for c in window if c < f - 1]:
                    del window[count]
            last_f = f
        if short:
            while prefix[i] - prefix[s] >= short:
                s += 1
        else:
            s = i
        # Push each candidate's covers (one per post count) into its window, keeping values increasing.
        while next_wide < s and next_wide < i:
            j = next_wide
            for d, row in rows:
                v = row[j]
                if v < INF:
                    queue = wide.get(fewest[j] + d)
                    if queue is None:
                        queue = wide[fewest[j] + d] = deque()
                    while queue and queue[-1][0] >= v:
                        queue.pop()
                    queue.append((v, j))
            next_wide += 1
        while next_stub < i:
            j = next_stub
            if j >= s:
                for d, row in rows:
                    v = row[j]
                    if v < INF:
                        queue = stubs.get(fewest[j] + d)
                        if queue is None:
                            queue = stubs[fewest[j] + d] = deque()
                        while queue and queue[-1][0] >= v:
                            queue.pop()
                        queue.append((v, j))
            next_stub += 1
        stub_low = low if low > s else s
        penalty = BAD if i < n else 0
        cost = costs[i - 1]
        for d, row in rows:
            count = f + d - 1
            best, start = (0, 0) if count == 0 and low == 0 else (INF, -1)
            queue = wide.get(count)
            if queue:
                while queue and queue[0][1] < low:
                    queue.popleft()
                if queue and queue[0][0] < best:
                    best, start = queue[0]
            if stubs:
                queue = stubs.get(count)
                if queue:
                    while queue and queue[0][1] < stub_low:
                        queue.popleft()
                    if queue and queue[0][0] + penalty < best:
                        best, start = queue[0][0] + penalty, queue[0][1]
            if start >= 0:
                row[i] = best + cost
                back[d][i] = start
    d = min(range(spare + 1), key=lambda e: value[e][n] + e * extra)
    total = value[d][n]
    cuts: list[tuple[int, int]] = []
    i = n
    while i > 0:
        j = back[d][i]
        cuts.append((j, i))
        d = fewest[i] + d - 1 - fewest[j]
        i = j
    return Choice(cuts[::-1], total)
