"""How the seed statement splits on each network, next to the simple strategies.

Run: .venv/bin/python benchmarks/seed_report.py
Prints, per network: our posts, the floor (fewest posts when any word gap may break),
posts ending mid-sentence, and the same for greedy word filling and greedy sentence packing.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.networks.registry import account_rules, network_of  # noqa: E402
from bot.text.breaks import fewest_posts, window_starts  # noqa: E402
from bot.text.pieces import SENTENCE, Piece, is_mid_sentence  # noqa: E402
from bot.text.reading import read_statement  # noqa: E402
from bot.text.threads import _hashtags, _pieces, build_thread  # noqa: E402

SEED = ROOT / "statements" / "2020-01-04-iaswi-soleimani-assassination.txt"


def mid_count(texts: list[str]) -> int:
    return sum(is_mid_sentence(re.sub(r"\n\d+/\d+$", "", t)) for t in texts[:-1])


def greedy(pieces, measure, budget, sentences_only: bool) -> list[str]:
    """Fill posts greedily; with ``sentences_only`` a post holds whole sentences where they fit."""
    units: list[list] = [[]]
    for piece in pieces:
        units[-1].append(piece)
        if not sentences_only or piece.brk <= SENTENCE:
            units.append([])
    posts: list[list[Piece]] = []
    current: list[Piece] = []

    def size(ps):
        return sum(measure(p.text)[0] + measure(p.sep)[0] for p in ps) - (measure(ps[-1].sep)[0] if ps else 0)

    for unit in (u for u in units if u):
        if current and size(current + unit) > budget:
            posts.append(current)
            current = []
        if size(unit) > budget:  # a sentence longer than a post: fill it word by word
            for piece in unit:
                if current and size(current + [piece]) > budget:
                    posts.append(current)
                    current = []
                current.append(piece)
        else:
            current.extend(unit)
    posts.append(current)
    return ["".join(p.text + p.sep for p in post).strip() for post in posts]


def main() -> None:
    config = load_config(ROOT / "config" / "bot.yaml")
    statement = read_statement(SEED, config.tz)
    print(
        f"{'network':10} {'ours':>5} {'floor':>6} {'mid':>4} | {'greedy words':>13} {'mid':>4} | "
        f"{'greedy sentences':>17} {'mid':>4}"
    )
    for account in config.accounts:
        if account.platform not in ("x", "mastodon", "bluesky"):
            continue
        account = replace(account, prices=account.prices or network_of(account.platform).prices)  # as planned
        rules = account_rules(account)
        thread = build_thread(statement, account, config.organisation, rules)
        tags = _hashtags(statement, account, config.organisation, rules, [])
        pieces = _pieces(statement, account, config.organisation, tags, rules)
        measure = rules.measure
        room = (
            rules.measure("\n" + account.numbering.format(i=99, n=99))
            if account.numbering
            else (0,) * len(rules.limits)
        )
        budget = tuple(a - b for a, b in zip(rules.limits, room))
        floor = fewest_posts(window_starts([measure(p.text) for p in pieces], [measure(p.sep) for p in pieces], budget))
        words = greedy(pieces, measure, budget[0], sentences_only=False)
        sentences = greedy(pieces, measure, budget[0], sentences_only=True)
        texts = [p.text for p in thread.posts]
        print(
            f"{account.platform:10} {len(texts):>5} {floor:>6} {mid_count(texts):>4} | {len(words):>13} "
            f"{mid_count(words):>4} | {len(sentences):>17} {mid_count(sentences):>4}"
        )


if __name__ == "__main__":
    main()
