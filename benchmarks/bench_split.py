"""How the splitter scales: time and peak memory of one thread from a very long statement.

Run: .venv/bin/python benchmarks/bench_split.py [--words 30000 120000] [--network x]

Each size runs in a fresh process (so peaks do not mix): the statement is the corpus's long
English statement repeated to the number of words, split for one account at the network's
defaults. Prints seconds for ``build_thread``, the process's peak RSS after it, the peak of
Python allocations during a second split (tracemalloc, which slows it, so not timed), and the
time ratio between the largest and the smallest size (linear: about the ratio of the sizes).
Also times the reader's cleaning of one 128,000-character word (a regex that backtracks makes
that quadratic).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LONG = ROOT / "tests" / "fixtures" / "texts" / "en-long-annual-statement.md"


def one(words: int, network: str) -> dict[str, float]:
    from bot.model import Account, Organisation, Statement
    from bot.networks.registry import platform_rules
    from bot.text import threads
    from bot.text.reading import read_statement
    from bot.text.threads import build_thread

    source = read_statement(LONG)
    paragraphs: list[str] = []
    count = 0
    while count < words:
        for p in source.paragraphs:
            n = len(p.split())
            if count + n > words:
                p = " ".join(p.split()[: words - count])
                n = words - count
            paragraphs.append(p)
            count += n
            if count >= words:
                break
    statement = Statement(id="long", title=source.title, paragraphs=tuple(paragraphs), language="en", content_hash="h")
    rules = platform_rules(network)
    account = Account(name=network, platform=network)
    start = time.perf_counter()
    thread = build_thread(statement, account, Organisation(), rules)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux: the peak so far
    threads._body.cache_clear()  # split again from the text, counting allocations
    tracemalloc.start()
    build_thread(statement, account, Organisation(), rules)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    chars = sum(len(p) for p in paragraphs)
    return {
        "words": words,
        "chars": chars,
        "posts": len(thread.posts),
        "seconds": seconds,
        "rss": rss,
        "traced": traced / 2**20,
    }


def long_word() -> float:
    from bot.text.cleaning import clean

    word = "a" * 128_000
    start = time.perf_counter()
    clean(f"Title\n\n{word} end.")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, nargs="+", default=[30_000, 120_000])
    parser.add_argument("--network", default="x")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--long-word", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.network)))
        return
    if args.long_word:
        print(json.dumps(long_word()))
        return
    results = []
    print(f"{'words':>8} {'chars':>9} {'posts':>6} {'seconds':>8} {'peak RSS MiB':>13} {'traced MiB':>11}")
    for words in args.words:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(words), "--network", args.network],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            print(f"{words:>8} failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}")
            continue
        r = json.loads(out.stdout)
        results.append(r)
        print(
            f"{r['words']:>8,} {r['chars']:>9,} {r['posts']:>6} {r['seconds']:>8.2f} {r['rss']:>13.0f} "
            f"{r['traced']:>11.1f}"
        )
    if len(results) > 1:
        a, b = results[0], results[-1]
        print(f"time ratio {b['seconds'] / a['seconds']:.2f} for {b['words'] / a['words']:.0f}x the words")
    out = subprocess.run(
        [sys.executable, __file__, "--long-word"], capture_output=True, text=True, check=False, timeout=600
    )
    shown = f"{float(out.stdout):.2f} s" if out.returncode == 0 else "failed"
    print(f"cleaning one 128,000-character word: {shown}")


if __name__ == "__main__":
    main()
