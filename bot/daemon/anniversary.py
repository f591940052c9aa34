"""When a published statement comes back every year, and what the repost says (pure).

A statement's anniversary is the month and day of its ``date`` (or of its first
publication when it has none), at ``anniversary.time`` local time in the organisation's
zone. A statement dated 29 February comes back on 28 February in years that are not
leap years. A local time that does not exist on that day (inside a spring-forward gap)
moves forward by the size of the gap, as a wall clock would.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.model import Statement
from bot.networks.base import PostRef, RepostStyle
from bot.publishing.states import Action

_ONES = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


@dataclass(frozen=True)
class Occasion:
    """One anniversary: its year (the journal's occasion key), when it fires, and how many years on."""

    year: int
    at: datetime
    years: int


def spec_for(statement: Statement, default: str) -> str | tuple[date, ...]:
    """The statement's anniversary setting: 'yearly', 'none' or explicit dates (front matter wins)."""
    return statement.anniversary if statement.anniversary is not None else default


def on_year(origin: date, year: int) -> date:
    """The anniversary of ``origin`` in ``year``; 29 February becomes 28 February in other years."""
    if origin.month == 2 and origin.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return origin.replace(year=year)


def parse_hhmm(value: str) -> time:
    """'HH:MM' as a time of day (the config has already validated it)."""
    hh, _, mm = value.partition(":")
    return time(int(hh), int(mm))


def local_moment(day: date, at: time, tz: tzinfo) -> datetime:
    """``day`` at wall-clock ``at`` in ``tz``; a time inside a DST gap moves past the gap."""
    naive = datetime.combine(day, at, tzinfo=tz)
    # A round trip through UTC normalises non-existent (gap) times to real ones.
    return naive.astimezone(UTC).astimezone(tz)


def occasions(
    origin: date, spec: str | Sequence[date], at: time, tz: tzinfo, after: datetime, until: datetime
) -> list[Occasion]:
    """Every anniversary strictly after ``after`` and no later than ``until``, in order."""
    if spec == "none":
        return []
    found: list[Occasion] = []
    if isinstance(spec, str):  # "yearly"
        first = max(origin.year + 1, after.astimezone(tz).year - 1)
        for year in range(first, until.astimezone(tz).year + 2):
            found.append(Occasion(year, local_moment(on_year(origin, year), at, tz), year - origin.year))
    else:
        for day in spec:
            if day.year > origin.year:
                found.append(Occasion(day.year, local_moment(day, at, tz), day.year - origin.year))
    return sorted((o for o in found if after < o.at <= until), key=lambda o: o.at)


def next_occasion(origin: date, spec: str | Sequence[date], at: time, tz: tzinfo, now: datetime) -> Occasion | None:
    """The first anniversary after ``now``, or None when there is none to come."""
    horizon = now + timedelta(days=366 * 2)
    if not isinstance(spec, str):
        horizon = max([now, *(local_moment(d, at, tz) for d in spec)])
    found = occasions(origin, spec, at, tz, now, horizon)
    return found[0] if found else None


def number_words(n: int) -> str:
    """English words for 0–99 ('twenty-one'); digits beyond."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    return str(n)


def years_phrase(n: int) -> str:
    """'one year', 'five years'."""
    return f"{number_words(n)} year" + ("" if n == 1 else "s")


def variant(templates: Sequence[str], year: int) -> str:
    """The wording for ``year``: consecutive years never repeat while there are several."""
    return templates[year % len(templates)]


def wording(
    templates: Sequence[str],
    years: int,
    year: int,
    title: str,
    url: str | None,
    fits: Callable[[str], bool] | None = None,
) -> str:
    """The anniversary text ("Five years ago today…"), the title shortened until ``fits``."""
    # "{years} years" in a template would say "one years" on the first anniversary.
    template = variant(templates, year).replace("{years} years", "{years_ago}")

    def render(shown_title: str) -> str:
        text = template.format_map(
            {
                "years": number_words(years),
                "years_ago": years_phrase(years),
                "title": shown_title,
                "url": url or "",
            }
        ).strip()
        return text[:1].upper() + text[1:]

    text = render(title)
    words = title.split()
    while fits is not None and not fits(text) and words:
        words.pop()
        text = render(" ".join(words).rstrip(",;:") + "…")
    return text


def shorten(text: str, suffix: str, fits: Callable[[str], bool]) -> str:
    """``text`` + ``suffix``, dropping words from the end of ``text`` (with '…') until it fits."""
    candidate = text + suffix
    words = text.split(" ")
    while not fits(candidate) and len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:") + "…" + suffix
    return candidate


def without_numbering(text: str, numbering: str | None, total: int) -> str:
    """A thread's first post without its '1/n' line, to stand alone again."""
    if not numbering:
        return text
    mark = numbering.format(i=1, n=total)
    return text[: -len(mark)].rstrip() if text.endswith(mark) else text


def opening_text(texts: Sequence[str], caption: str, numbering: str | None) -> str:
    """The thread's first post of text, to stand alone again: past a post that only carries a file under
    the title (``caption``: Telegram's photo before a long first message), without its '1/n' (n counts the
    text posts, not the files)."""
    start = 1 if len(texts) > 1 and texts[0] == caption else 0
    text = texts[start] if texts else caption
    for total in range(1, len(texts) + 1):
        stripped = without_numbering(text, numbering, total)
        if stripped != text:
            return stripped
    return text


def repost(
    style: RepostStyle,
    original: PostRef | None,
    exists: bool,
    first_text: str,
    words: Callable[[str], str],
    statement_url: str | None,
    fits: Callable[[str], bool],
) -> list[tuple[Action, str, PostRef | None]]:
    """The anniversary's posts as (action, text, target), in the network's ``style``.

    Quoting: one post quoting the first post. Boosting: a boost of it and a short post
    linking to it. When the original is gone, its text is posted again with a link to
    the statement. ``words(suffix)`` is the anniversary wording made to fit before ``suffix``.
    """
    if not exists or original is None:
        return [(Action.POST, shorten(first_text, f"\n\n{statement_url}" if statement_url else "", fits), None)]
    if style == RepostStyle.BOOST_AND_LINK:
        link = f"\n\n{original.url}" if original.url else ""
        return [
            (Action.BOOST, f"boost of {original.url or original.id}", original),
            (Action.POST, words(link) + link, None),
        ]
    return [(Action.QUOTE, words(""), original)]
