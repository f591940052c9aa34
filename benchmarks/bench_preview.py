"""Preview speed: a cold `statement-bot preview` of the seed, and a 1,000-statement archive.

Run: .venv/bin/python benchmarks/bench_preview.py   (prints numbers; targets in brackets)
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "statements" / "2020-01-04-iaswi-soleimani-assassination.txt"
EXE = [sys.executable, "-m", "bot"]


def cold_preview(runs: int = 10, bytecode: bool = True) -> list[float]:
    """Wall time of whole `preview` processes; ``bytecode`` lets Python cache compiled
    modules as on a user's machine (some sandboxes set PYTHONDONTWRITEBYTECODE)."""
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [*EXE, "preview", str(SEED)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=env)  # warm the caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return times


def make_archive(folder: Path, count: int = 1000) -> int:
    """Statements built from the seed's sentences, 1 to 7 paragraphs each, deterministic."""
    sys.path.insert(0, str(ROOT))
    from bot.text.reading import read_statement

    seed = read_statement(SEED)
    sentences = [s.strip() + "." for p in seed.paragraphs for s in p.split(". ") if s.strip()]
    rng = random.Random(2020)
    total = 0
    for n in range(count):
        paragraphs = [" ".join(rng.sample(sentences, rng.randint(2, 5))) for _ in range(rng.randint(1, 7))]
        text = f"Statement number {n} on the situation of workers\n\n" + "\n\n".join(paragraphs)
        text += (
            "\n\nNo War But Class War!\nInternational Alliance in Support of Workers in Iran (IASWI)\n"
            "January 4, 2020\nhttps://twitter.com/IASWIinfo\n"
        )
        (folder / f"{n:04d}.txt").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def archive_preview(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*EXE, "preview", str(folder), "--format", "json"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    for bytecode in (True, False):
        times = cold_preview(bytecode=bytecode)
        print(
            f"cold preview of the seed, 3 accounts, bytecode cache {'on' if bytecode else 'off'}: median "
            f"{statistics.median(times):.3f} s, min {min(times):.3f} s over {len(times)} runs   [target <= 0.3 s]"
        )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        chars = make_archive(folder)
        seconds = archive_preview(folder)
        print(
            f"archive of 1000 statements ({chars / 1000:.0f} chars each on average), 3 networks: "
            f"{seconds:.2f} s   [target <= 5 s]"
        )


if __name__ == "__main__":
    main()
