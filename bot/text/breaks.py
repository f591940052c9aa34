"""Choose where a thread breaks: optimal line breaking over break costs, as TeX does.

Pure. Given pieces (unbreakable runs of text, each with the quality of the gap after
it) and their measured sizes, find the cuts that give the fewest posts, allowing one
more when that buys clearly better breaks, and among those the cheapest breaks:
paragraph ends, then sentence ends, then clause ends, then any gap between words.

A post's size is the sum of its pieces and separators: the counters keep that
additive for whitespace-separated tokens, and ``bot.text.threads`` re-measures every
finished post with the real counter anyway. Runs in O(pieces): one sliding-window
minimum per post count.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from bot.text.pieces import CLAUSE, GLUE, LINE, PARAGRAPH, SENTENCE, WORD

Size = tuple[int, ...]

# Sentence ends matter most (a clause end is still mid-sentence), then clause over word.
BREAK_COST = {PARAGRAPH: 0, LINE: 1, SENTENCE: 3, CLAUSE: 600, WORD: 1000, GLUE: 1_000_000}
# One more post is worth it only if it saves at least this much: two mid-sentence breaks.
EXTRA_POST_COST = 1500
INF = float("inf")
# A break between words this close (in counted characters) to a sentence end strands words.
STRANDED = 25
STRANDED_COST = 700


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


def break_costs(breaks: Sequence[int], widths: Sequence[int]) -> list[float]:
    """The cost of breaking after each piece: its rank, plus a penalty for a break between
    words that strands a few words of a sentence ("… the | region.") on either side.
    """
    costs = [float(BREAK_COST[b]) for b in breaks]
    costs[-1] = 0.0
    since = 0
    for k, rank in enumerate(breaks):  # distance back to the last sentence-or-better end
        since += widths[k]
        if rank >= CLAUSE and since < STRANDED:
            costs[k] += STRANDED_COST
        if rank <= SENTENCE:
            since = 0
    until = 0
    for k in range(len(breaks) - 1, -1, -1):  # distance forward to the next one
        if breaks[k] <= SENTENCE:
            until = 0
        elif until < STRANDED:
            costs[k] += STRANDED_COST
        until += widths[k]
    return costs


def choose_breaks(breaks: Sequence[int], widths: Sequence[int], lows: Sequence[int]) -> list[tuple[int, int]]:
    """Cut n pieces into posts; ``breaks[k]`` ranks the gap after piece k, ``widths[k]`` is
    piece k's width with its separator, ``lows`` comes from ``window_starts``.
    Returns (start, end) piece ranges, end exclusive.
    """
    n = len(breaks)
    if n == 0:
        return []
    fewest = _fewest(lows)
    floor = fewest[n]
    costs = break_costs(breaks, widths)
    # best[c][i]: cheapest cover of pieces[:i] by exactly c posts, filled only where
    # c - fewest[i] is 0 or 1: a prefix two posts over its minimum can never end in floor + 1.
    best = [[INF] * (n + 1) for _ in range(floor + 2)]
    back = [[-1] * (n + 1) for _ in range(floor + 2)]
    best[0][0] = 0.0
    first = 1
    for c in range(1, floor + 2):
        while first <= n and fewest[first] + 1 < c:
            first += 1
        row, out, links = best[c - 1], best[c], back[c]
        window: deque[int] = deque()  # indices j of row, increasing, with increasing row[j]
        nxt = lows[first] if first <= n else n
        i = first
        while i <= n and fewest[i] <= c:
            low = lows[i]
            while nxt < i:
                v = row[nxt]
                if v != INF:
                    while window and row[window[-1]] >= v:
                        window.pop()
                    window.append(nxt)
                nxt += 1
            while window and window[0] < low:
                window.popleft()
            if window:
                j = window[0]
                out[i] = row[j] + costs[i - 1]
                links[i] = j
            i += 1
    use = floor + 1 if best[floor + 1][n] + EXTRA_POST_COST < best[floor][n] else floor
    cuts: list[tuple[int, int]] = []
    i, c = n, use
    while i > 0:
        j = back[c][i]
        cuts.append((j, i))
        i, c = j, c - 1
    return cuts[::-1]
