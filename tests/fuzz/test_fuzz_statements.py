"""Fuzz: statement files (front matter and text) end as a statement or one clean error line, never a crash or a
hang; a statement that reads has no control character left and can be planned for every network."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings

from bot.model import Account, Organisation
from bot.networks.registry import platform_rules
from bot.text.reading import read_statement
from bot.text.threads import build_thread
from tests.fuzz.harness import check, tally
from tests.fuzz.strategies import front_matter, statement_text

FAST = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))  # fmt: skip
SLOW = settings(FAST, max_examples=1500, derandomize=False)
PLATFORMS = ("x", "mastodon", "bluesky")
ALLOWED_CONTROLS = "\n\t"
FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-statements-"))


def read_and_plan(path: Path) -> None:
    statement = read_statement(path)
    text = statement.title + "".join(statement.paragraphs) + "".join(statement.slogans) + (statement.hook or "")
    bad = [c for c in text if (ord(c) < 32 or 127 <= ord(c) < 160 or c == "\ufeff") and c not in ALLOWED_CONTROLS]
    assert not bad, f"control characters left: {bad[:5]!r}"
    for platform in PLATFORMS:
        build_thread(statement, Account(name=platform, platform=platform), Organisation(), platform_rules(platform))


def front_matter_case(name: str, block: str) -> None:
    path = FOLDER / "fm.md"
    path.write_text(f"---\n{block}\n---\nA statement with a few words. And a second sentence.\n", encoding="utf-8")
    check(tally(name), block[:120], lambda: read_statement(path), names=(str(path),))


def text_case(name: str, body: str) -> None:
    path = FOLDER / "text.txt"
    path.write_bytes(body.encode("utf-8", "surrogatepass"))
    check(tally(name), repr(body[:80]), lambda: read_and_plan(path), names=(str(path),), limit=30.0)


@FAST
@given(front_matter())
def test_front_matter_fast(block):
    front_matter_case("front matter", block)


@FAST
@given(statement_text())
def test_statement_text_fast(body):
    text_case("statement text", body)


def test_fast_statement_fuzz_found_nothing():
    for name in ("front matter", "statement text"):
        tally(name).assert_clean()


@pytest.mark.slow
@SLOW
@seed(20261)
@given(front_matter())
def test_front_matter_seeded(block):
    front_matter_case("front matter (seeded)", block)


@pytest.mark.slow
@SLOW
@seed(20262)
@given(statement_text())
def test_statement_text_seeded(body):
    text_case("statement text (seeded)", body)


@pytest.mark.slow
def test_seeded_statement_fuzz_found_nothing():
    for name in ("front matter (seeded)", "statement text (seeded)"):
        tally(name).assert_clean()
