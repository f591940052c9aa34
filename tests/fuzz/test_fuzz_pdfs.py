"""Fuzz: PDFs (corrupt, truncated, bombs, deep nesting, thousands of pages) end as a statement or one clean error
line. Each is read by the budgeted helper process, so a hang is caught (and counted) rather than waited out."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.text.budget import Budget, read_within, stop_helpers
from tests.fuzz.harness import check, tally
from tests.fuzz.pdfs import HOSTILE, mutate, real_pdf

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "pdfs"
BUDGET = Budget(seconds=60)  # far above any honest read: running into it is a hang
FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-pdfs-"))


@pytest.fixture(scope="module", autouse=True)
def helpers() -> Iterator[None]:
    yield
    stop_helpers()


def pdf_case(name: str, label: str, data: bytes) -> None:
    path = FOLDER / "statement.pdf"
    path.write_bytes(data)
    check(tally(name), label, lambda: read_within(path, None, BUDGET), names=(str(path),), limit=BUDGET.seconds + 30)


SLOW_HOSTILE = {"flate bomb (100 MB of operators)"}  # seconds each: the reader has to reach its memory cap


def test_hostile_pdfs_end_as_clean_errors_or_statements():
    for label, make in HOSTILE.items():
        if label not in SLOW_HOSTILE:
            pdf_case("pdf hostile", label, make())
    tally("pdf hostile").assert_clean()


@pytest.mark.slow
def test_pdf_bombs_end_as_clean_errors():
    for label in SLOW_HOSTILE:
        pdf_case("pdf hostile (slow)", label, HOSTILE[label]())
    tally("pdf hostile (slow)").assert_clean()


def test_mutated_pdfs_fast():
    rng = random.Random(11)
    base = real_pdf(3, seed=1)
    for i in range(12):
        kind, data = mutate(base, rng)
        pdf_case("pdf mutated", f"{i} {kind}", data)
    tally("pdf mutated").assert_clean()


@pytest.mark.slow
def test_mutated_pdfs_seeded():
    rng = random.Random(2026)
    bases = [real_pdf(pages, seed=pages) for pages in (1, 3, 8)]
    bases += [p.read_bytes() for p in sorted(FIXTURES.glob("*.pdf"))[:4]]
    for i in range(300):
        kind, data = mutate(rng.choice(bases), rng)
        if rng.random() < 0.3:  # damage twice: structures no single mutation makes
            kind2, data = mutate(data, rng)
            kind = f"{kind}+{kind2}"
        pdf_case("pdf mutated (seeded)", f"{i} {kind}", data)
    for path in sorted((FIXTURES / "hostile").glob("*.pdf")):
        pdf_case("pdf mutated (seeded)", f"fixture {path.name}", path.read_bytes())
    tally("pdf mutated (seeded)").assert_clean()
