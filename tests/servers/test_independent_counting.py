"""The local servers count post lengths independently of statement-bot.

The X server measures with the official twitter-text package and the Mastodon proxy with its own
rendering of Mastodon's StatusLengthValidator over ICU graphemes (``tests.servers.counter``). So a
product counter that undercounts makes real posting fail here, as it would on the networks.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.servers import counter
from tests.servers.mastodon_rules import status_length
from tests.servers.mastodon_server import MastodonServer
from tests.servers.x_api import XServer

VALIDATE = Path(__file__).resolve().parents[1] / "fixtures" / "twitter-text" / "twitter-text-validate.yml"
# WeightedTweetsCounterTest predates emoji weighting: twitter-text runs it with its v2 config.
SECTIONS = {
    "WeightedTweetsCounterTest": "v2",
    "WeightedTweetsWithDiscountedEmojiCounterTest": "v3",
    "UnicodeDirectionalMarkerCounterTest": "v3",
}
PARAGRAPH = (
    "Paragraph {i}: the workers of the port went on strike this morning for the right to organise, "
    "for wages paid on time and for the release of their colleagues arrested last week; they ask "
    "every union abroad to write to the ministry and to share this statement widely."
)


def test_service_agrees_with_twitter_text_conformance_weighted_lengths() -> None:
    tests = yaml.safe_load(VALIDATE.read_text(encoding="utf-8"))["tests"]
    cases = [(config, case) for section, config in SECTIONS.items() for case in tests[section]]
    answers = counter.service().call([{"op": "x", "text": c["text"], "config": config} for config, c in cases])
    got = [(a["weightedLength"], a["valid"], a["permillage"]) for a in answers]
    expected = [
        (c["expected"]["weightedLength"], c["expected"]["valid"], c["expected"]["permillage"]) for _, c in cases
    ]
    assert len(cases) > 40
    assert got == expected


@pytest.mark.parametrize(
    ("text", "spoiler", "expected"),
    [
        ("https://example.org/" + "p" * 300, "", 23),
        ("see https://fa.wikipedia.org/wiki/کارگر.", "", 4 + 23 + 1),  # any non-space path; '.' stays out
        ("gemini://example.org/x ftp://example.org/x", "", 23 + 1 + 19),  # ftp is no Mastodon link
        ("www.workers-iran.org", "", 20),  # no scheme: literal
        ("hi @bob@remote.example.org!", "", len("hi @bob!")),
        ("me@bob@x.org", "", 12),  # a word before '@': no mention
        ("e\u0301@bob@x.org", "", 11),  # a combining mark is a word character too
        ("e\u0301" * 3, "cw", 5),  # graphemes; the content warning counts too
        (" \n ", "", 0),  # blank text counts nothing
    ],
)
def test_mastodon_rule_counts_like_the_validator(text: str, spoiler: str, expected: int) -> None:
    assert status_length(text, spoiler, 23) == expected


# --- a product counter that undercounts is caught by the servers ------------------------------


class Clock:
    """Test time for the publisher: sleeping moves it on at once."""

    def __init__(self) -> None:
        self.t = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.t += timedelta(milliseconds=1)
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


def statement() -> Any:
    from bot.model import Statement

    paragraphs = tuple(PARAGRAPH.format(i=i) for i in range(1, 7))
    return Statement(
        id="port-strike",
        title="Solidarity with the port workers",
        paragraphs=paragraphs,
        language="en",
        content_hash=str(random.random()),
        path="statements/port-strike.txt",
    )


def thread_for(account: Any, stmt: Any) -> Any:
    """The product's own thread for ``account``: its rules, its splitter."""
    from bot.model import Organisation
    from bot.networks.registry import account_rules
    from bot.text.threads import build_thread

    return build_thread(stmt, account, Organisation(), account_rules(account))


def publish(tmp_path: Path, adapter: Any, thread: Any, stmt: Any) -> Any:
    """Post ``thread`` with the product's publisher and journal."""
    from bot.config import PublishingSettings
    from bot.publishing.journal import Journal
    from bot.publishing.send import publish_thread

    clock = Clock()
    settings = PublishingSettings(timeout_seconds=5, max_attempts=2, backoff_base_seconds=1, backoff_max_seconds=2)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        return publish_thread(
            journal, adapter, thread, stmt, now=clock.now, sleep=clock.sleep, settings=settings, rng=random.Random(1)
        )


# The wrong counters forget whitespace: a bug that stays additive over words, as the splitter
# requires of every counter (halving would not be: each word would round down on its own).
def spaces(text: str) -> int:
    """Whitespace characters in ``text``."""
    return sum(ch.isspace() for ch in text)


@pytest.fixture
def undercounting_x(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The product's X counter (``bot.networks.x.counting``) not counting whitespace."""
    from bot.networks.x import counting

    real = counting._x_measure  # replaced whole, so its cache never holds a wrong count
    monkeypatch.setattr(counting, "_x_measure", lambda text: (real(text)[0] - spaces(text), *real(text)[1:]))
    monkeypatch.setattr(counting, "x_length", lambda text: real(text)[0] - spaces(text))
    yield


@pytest.fixture
def undercounting_mastodon(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The product's Mastodon counter (``bot.networks.mastodon.counting``) not counting whitespace graphemes."""
    from bot.networks.mastodon import counting

    real = counting._mastodon_measure
    monkeypatch.setattr(
        counting, "_mastodon_measure", lambda url_length, text: (real(url_length, text)[0] - spaces(text),)
    )
    monkeypatch.setattr(
        counting, "mastodon_length", lambda text, url_length=23: real(url_length, text)[0] - spaces(text)
    )
    yield


def test_undercounting_x_counter_makes_posting_fail_with_400(
    x_server: XServer, undercounting_x: None, tmp_path: Path
) -> None:
    from bot.model import Account
    from bot.networks.x.adapter import XAdapter

    user = x_server.create_user("undercount")
    account = Account(name="org-x", platform="x", handle=user.username, api_base=x_server.base_url)
    stmt = statement()
    thread = thread_for(account, stmt)
    real = [counter.x_weighted_length(p.text) for p in thread.posts]
    assert all(p.length <= 280 for p in thread.posts)  # the product believes every post fits
    over = next(i for i, length in enumerate(real) if length > 280)  # the first post X refuses

    adapter = XAdapter(
        account,
        timeout=5,
        api_key=x_server.consumer_key,
        api_secret=x_server.consumer_secret,
        access_token=user.access_token,
        access_secret=user.access_secret,
    )
    try:
        result = publish(tmp_path, adapter, thread, stmt)
    finally:
        adapter.close()
    assert result.status == "failed"
    assert "400" in result.message
    assert [p["text"] for p in x_server.posts(user)] == [p.text for p in thread.posts[:over]]


def test_undercounting_mastodon_counter_makes_posting_fail_with_422(
    mastodon_server: MastodonServer, undercounting_mastodon: None, tmp_path: Path
) -> None:
    from bot.model import Account
    from bot.networks.base import MemoryStore
    from bot.networks.mastodon.adapter import MastodonAdapter

    _, _, token = mastodon_server.create_account("undercount")
    account = Account(name="org-mastodon", platform="mastodon", instance=mastodon_server.base_url)
    stmt = statement()
    thread = thread_for(account, stmt)
    real = [status_length(p.text, "", 23) for p in thread.posts]
    assert all(p.length <= 500 for p in thread.posts)
    over = next(i for i, length in enumerate(real) if length > 500)

    adapter = MastodonAdapter(account, access_token=token, timeout=5, store=MemoryStore())
    try:
        result = publish(tmp_path, adapter, thread, stmt)
    finally:
        adapter.close()
    assert result.status == "failed"
    assert "422" in result.message
    assert [p["text"] for p in mastodon_server.posts(token)] == [p.text for p in thread.posts[:over]]
