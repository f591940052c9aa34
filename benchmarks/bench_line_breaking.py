"""Line-break libraries compared: correctness on hand-checked samples, cold import, first break, speed, size.

Run: python benchmarks/bench_line_breaking.py [--quick]
with an interpreter that has the candidates installed; a missing one is reported and skipped, e.g.
    python3.11 -m venv /tmp/lb && /tmp/lb/bin/pip install icu4py pyicu-wheels uniseg unicode-segmentation-rs \
        thaibreak pythainlp budoux khmer-nltk laonlp && /tmp/lb/bin/python benchmarks/bench_line_breaking.py
Samples: tests/fixtures/texts/line_break_samples.txt (format in its header). Speed text: the Chinese and Thai
statements of tests/fixtures/texts/, repeated to 100 KB of UTF-8.
"""

from __future__ import annotations

import importlib.metadata as md
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from line_break_engines import ENGINES, Engine  # noqa: E402

TEXTS = HERE.parent / "tests" / "fixtures" / "texts"
Breaks = Callable[[str, str], list[int]]


@dataclass
class Sample:
    id: str
    locale: str
    text: str
    required: set[int] = field(default_factory=set)
    forbidden: set[int] = field(default_factory=set)

    @property
    def group(self) -> str:
        return self.id.split("-")[0]


def parse_samples(path: Path = TEXTS / "line_break_samples.txt") -> list[Sample]:
    samples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sid, mode, locale, marked = line.split("\t")[:4]
        sample, optional, pos, span = Sample(sid, locale, ""), set(), 0, None
        chars: list[str] = []
        for ch in marked:
            if ch == "|":
                sample.required.add(pos)
            elif ch == "¦":
                optional.add(pos)
            elif ch == "×":
                sample.forbidden.add(pos)
            elif ch == "⟦":
                span = pos
            elif ch == "⟧":
                sample.forbidden |= set(range(span + 1, pos)) if span is not None else set()
                span = None
            else:
                chars.append(ch)
                pos += 1
        sample.text = "".join(chars)
        if mode == "full":
            sample.forbidden |= set(range(1, pos)) - sample.required - optional
        samples.append(sample)
    return samples


def load(engine: Engine) -> Breaks:
    namespace: dict[str, object] = {}
    exec(engine.source, namespace)  # our own snippet, also run as-is in the cold subprocesses
    return namespace["breaks"]  # type: ignore[return-value]


def score(breaks: Breaks, sample: Sample) -> tuple[int, int, int]:
    """(violations, missed, checks): breaks at forbidden positions, required ones not offered, positions checked."""
    found = set(breaks(sample.text, sample.locale))
    return len(found & sample.forbidden), len(sample.required - found), len(sample.required | sample.forbidden)


def _env() -> dict[str, str]:
    """The environment of a user's run: bytecode caches allowed (some sandboxes set PYTHONDONTWRITEBYTECODE)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cold(code: str, runs: int) -> float:
    """Median wall time of fresh interpreters running ``code``, in ms."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL, env=_env())
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def in_process(engine: Engine, runs: int, text: str | None = None, locale: str = "") -> float:
    """Median time, inside a fresh interpreter, from before the import to the end of the import or,
    with ``text``, to the first list of breaks, in ms."""
    call = f"breaks({text!r}, {locale!r})" if text is not None else ""
    code = f"import time\nt0 = time.perf_counter()\n{engine.source}\n{call}\nprint(time.perf_counter() - t0)"
    out = [
        float(
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_env()).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(out) * 1000


def body(language: str) -> str:
    """The statements' text in ``language`` without front matter, repeated to 100 KB of UTF-8."""
    parts = []
    for path in sorted(TEXTS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if re.search(rf"^language: {language}\s*$", text, re.M):
            parts.append(text.split("\n---\n", 1)[-1])
    text = "\n\n".join(parts)
    if not text.strip():
        sys.exit(f"no statement with language: {language} in {TEXTS}")
    while len(text.encode()) < 100_000:
        text += "\n\n" + text
    return text.encode()[:100_000].decode(errors="ignore")


def throughput(breaks: Breaks, text: str, locale: str) -> tuple[int, float]:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        count = len(breaks(text, locale))
        best = min(best, time.perf_counter() - start)
    return count, count / best


def installed(engine: Engine) -> tuple[str, float] | None:
    for name in engine.dist:
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        size = sum(
            Path(str(dist.locate_file(f))).stat().st_size
            for f in dist.files or []
            if Path(str(dist.locate_file(f))).exists()
        )
        return dist.version, size / 1e6
    return None


def main() -> None:
    quick = "--quick" in sys.argv
    runs = 3 if quick else 10
    samples = parse_samples()
    groups = sorted({s.group for s in samples}, key=[s.group for s in samples].index)
    print(f"Python {sys.version.split()[0]}; {len(samples)} samples; cold times: median of {runs} processes\n")
    base = cold("pass", runs)
    print(f"empty interpreter: {base:.0f} ms\n")
    zh, th = body("zh"), body("th")
    head = [
        "library",
        "version",
        "MB",
        "import ms",
        "in-process",
        "1st zh ms",
        "1st th ms",
        "zh breaks/s",
        "th breaks/s",
    ]
    rows, quality = [], []
    for engine in ENGINES:
        meta = installed(engine)
        if meta is None or importlib.util.find_spec(engine.module) is None:
            rows.append([engine.name, "not installed"] + [""] * (len(head) - 2))
            continue
        breaks = load(engine)
        claims = engine.groups or set(groups)
        imp = cold(engine.source.split("def breaks")[0], runs) - base
        inside = in_process(engine, runs)
        fz = f"{in_process(engine, runs, '我们要求立即释放所有工人。', 'zh'):.0f}" if "zh" in claims else "-"
        ft = f"{in_process(engine, runs, 'เราเรียกร้องให้ปล่อยตัวนักโทษ', 'th'):.0f}" if "th" in claims else "-"
        speed = []
        for text, locale in ((zh, "zh"), (th, "th")):
            if locale in claims:
                count, rate = throughput(breaks, text, locale)
                speed.append(f"{rate:,.0f} ({count:,})")
            else:
                speed.append("-")
        rows.append([engine.name, meta[0], f"{meta[1]:.1f}", f"{imp:.0f}", f"{inside:.0f}", fz, ft, *speed])
        cells = [engine.name]
        for group in groups:
            if group not in claims:
                cells.append("-")
                continue
            totals = [score(breaks, s) for s in samples if s.group == group]
            bad, miss, checks = (sum(t[i] for t in totals) for i in range(3))
            cells.append(f"{checks - bad - miss}/{checks}" + (f" ({bad}✗ {miss}∅)" if bad or miss else ""))
        quality.append(cells)
    print_table(head, rows)
    print("\nimport ms: whole `python -c 'import …'` process, net of the empty interpreter; in-process: the import")
    print("statements timed inside the interpreter. 1st: import + first breaks of one short sentence, in-process.")
    print("breaks/s on 100 KB of UTF-8 (break count in brackets; a library without a dictionary finds few in Thai).\n")
    print_table(["library", *groups], quality)
    print("\nchecks passed/positions checked; ✗ = break at a forbidden position, ∅ = required break not offered.")
    details(samples)


def details(samples: list[Sample]) -> None:
    """Per-sample failures of each installed engine (the evidence behind the table)."""
    print("\nFailures per sample (first 3 positions, shown as text|text):")
    for engine in ENGINES:
        if importlib.util.find_spec(engine.module) is None or installed(engine) is None:
            continue
        breaks, lines = load(engine), []
        for s in samples:
            if engine.groups is not None and s.group not in engine.groups:
                continue
            found = set(breaks(s.text, s.locale))
            wrong = sorted(found & s.forbidden)[:3]
            missed = sorted(s.required - found)[:3]
            show = [f"✗{s.text[max(0, p - 4) : p]}|{s.text[p : p + 4]}" for p in wrong]
            show += [f"∅{s.text[max(0, p - 4) : p]}|{s.text[p : p + 4]}" for p in missed]
            if show:
                lines.append(f"  {s.id}: " + "  ".join(show))
        print(f"{engine.name}:", "\n".join(["", *lines]) if lines else "all pass")


def print_table(head: list[str], rows: list[list[str]]) -> None:
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
