"""Anniversary dates, local times across DST, 29 February, and the wording (pure, fixed clocks)."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import DEFAULT_TEMPLATES
from bot.daemon.anniversary import (
    local_moment,
    next_occasion,
    number_words,
    occasions,
    on_year,
    shorten,
    spec_for,
    wording,
)
from bot.model import Statement

LONDON = ZoneInfo("Europe/London")
TEN = time(10, 0)


def test_29_february_comes_back_on_28_february_in_common_years():
    leap = date(2020, 2, 29)
    assert on_year(leap, 2021) == date(2021, 2, 28)
    assert on_year(leap, 2023) == date(2023, 2, 28)
    assert on_year(leap, 2024) == date(2024, 2, 29)


def test_next_occasion_of_a_leap_day_statement_is_28_february_at_local_time():
    now = datetime(2026, 1, 10, tzinfo=UTC)
    found = next_occasion(date(2024, 2, 29), "yearly", TEN, LONDON, now)
    assert found is not None
    assert found.at == datetime(2026, 2, 28, 10, 0, tzinfo=LONDON)
    assert (found.year, found.years) == (2026, 2)


def test_anniversary_keeps_local_wall_time_on_both_sides_of_dst():
    # Summer: 10:00 BST is 09:00 UTC; winter: 10:00 GMT is 10:00 UTC.
    summer = next_occasion(date(2020, 7, 1), "yearly", TEN, LONDON, datetime(2026, 6, 1, tzinfo=UTC))
    winter = next_occasion(date(2020, 1, 4), "yearly", TEN, LONDON, datetime(2025, 12, 1, tzinfo=UTC))
    assert summer is not None and winter is not None
    assert summer.at.astimezone(UTC) == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert winter.at.astimezone(UTC) == datetime(2026, 1, 4, 10, 0, tzinfo=UTC)


def test_anniversary_on_the_day_clocks_go_forward_fires_at_local_ten():
    # 29 March 2026 is the day British clocks go forward at 01:00 UTC.
    found = next_occasion(date(2019, 3, 29), "yearly", TEN, LONDON, datetime(2026, 3, 1, tzinfo=UTC))
    assert found is not None
    assert found.at.astimezone(UTC) == datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    assert found.at.astimezone(LONDON).hour == 10


def test_a_time_inside_the_spring_gap_moves_past_the_gap():
    moment = local_moment(date(2026, 3, 29), time(1, 30), LONDON)
    assert (moment.hour, moment.minute) == (2, 30)
    assert moment.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_ambiguous_autumn_time_fires_once_at_the_first_occurrence():
    moment = local_moment(date(2026, 10, 25), time(1, 30), LONDON)
    assert moment.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_anniversary_today_after_its_time_moves_to_next_year():
    now = datetime(2026, 1, 4, 10, 0, 1, tzinfo=LONDON)
    found = next_occasion(date(2020, 1, 4), "yearly", TEN, LONDON, now)
    assert found is not None and found.at.date() == date(2027, 1, 4) and found.years == 7


def test_none_has_no_occasions_and_explicit_dates_are_used_as_given():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_occasion(date(2020, 1, 4), "none", TEN, LONDON, now) is None
    dates = (date(2030, 5, 1), date(2027, 2, 3), date(2025, 1, 1))
    found = occasions(date(2020, 1, 4), dates, TEN, LONDON, now, datetime(2031, 1, 1, tzinfo=UTC))
    assert [(o.at.date(), o.years) for o in found] == [(date(2027, 2, 3), 7), (date(2030, 5, 1), 10)]


def test_first_anniversary_is_one_year_after_the_statement():
    found = occasions(
        date(2020, 1, 4), "yearly", TEN, LONDON, datetime(2019, 1, 1, tzinfo=UTC), datetime(2022, 12, 31, tzinfo=UTC)
    )
    assert [o.year for o in found] == [2021, 2022]


def test_front_matter_overrides_the_configured_default():
    base = Statement(id="s", title="T", paragraphs=("p",), language="en", content_hash="h")
    assert spec_for(base, "yearly") == "yearly"
    assert spec_for(Statement(**{**base.__dict__, "anniversary": "none"}), "yearly") == "none"


@pytest.mark.parametrize(
    "n, words",
    [(1, "one"), (5, "five"), (13, "thirteen"), (20, "twenty"), (21, "twenty-one"), (99, "ninety-nine"), (120, "120")],
)
def test_number_words(n, words):
    assert number_words(n) == words


def test_wording_says_how_many_years_ago_with_a_capital():
    text = wording(("{years_ago} ago today, we said: {title}",), 5, 2025, "No to war", None)
    assert text == "Five years ago today, we said: No to war"


def test_first_anniversary_is_singular_even_in_a_years_template():
    text = wording(("On this day {years} years ago: {title}",), 1, 2021, "No to war", None)
    assert text == "On this day one year ago: No to war"


def test_wording_differs_from_one_year_to_the_next():
    texts = [wording(DEFAULT_TEMPLATES, year - 2020, year, "T", None) for year in range(2021, 2030)]
    assert all(a.split()[0:3] != b.split()[0:3] for a, b in itertools.pairwise(texts))


def test_wording_shortens_the_title_to_fit():
    title = "A very long title " * 20
    text = wording(
        ("{years_ago} ago today: {title} {url}",),
        3,
        2023,
        title.strip(),
        "https://e.org/s",
        fits=lambda t: len(t) <= 80,
    )
    assert len(text) <= 80
    assert text.startswith("Three years ago today: A very long")
    assert text.endswith("… https://e.org/s")


def test_shorten_keeps_the_link_and_marks_the_cut():
    out = shorten("one two three four five six", "\nhttps://e.org", lambda t: len(t) <= 30)
    assert out.endswith("…\nhttps://e.org") and len(out) <= 30


def test_occasion_times_are_timezone_aware_and_in_order():
    found = occasions(
        date(2016, 2, 29),
        "yearly",
        TEN,
        LONDON,
        datetime(2020, 1, 1, tzinfo=UTC),
        datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=365 * 5),
    )
    assert [o.at.date() for o in found] == [
        date(2020, 2, 29),
        date(2021, 2, 28),
        date(2022, 2, 28),
        date(2023, 2, 28),
        date(2024, 2, 29),
    ]
    assert all(o.at.tzinfo is not None for o in found)


def _words(suffix: str) -> str:
    return "Five years ago today: No to war"


def test_repost_quotes_on_x_and_bluesky():
    from bot.daemon.anniversary import repost
    from bot.networks.base import PostRef
    from bot.networks.registry import network_of

    original = PostRef("123", "https://x.com/a/status/123")
    for platform in ("x", "bluesky"):
        assert repost(network_of(platform).repost, original, True, "first", _words, None, lambda t: True) == [
            ("quote", "Five years ago today: No to war", original)
        ]


def test_repost_on_mastodon_is_a_boost_and_a_post_linking_to_the_original():
    from bot.daemon.anniversary import repost
    from bot.networks.base import PostRef, RepostStyle

    original = PostRef("9", "https://masto.example/@a/9")
    (boost, _b_text, b_ref), (post, text, target) = repost(
        RepostStyle.BOOST_AND_LINK, original, True, "first", _words, None, lambda t: True
    )
    assert (boost, b_ref, post, target) == ("boost", original, "post", None)
    assert text == "Five years ago today: No to war\n\nhttps://masto.example/@a/9"


def test_repost_of_a_deleted_original_is_its_text_again_with_the_statement_link():
    from bot.daemon.anniversary import repost
    from bot.networks.base import PostRef, RepostStyle

    planned = repost(
        RepostStyle.QUOTE, PostRef("1"), False, "No to war. " * 40, _words, "https://e.org/s", lambda t: len(t) <= 280
    )
    ((action, text, target),) = planned
    assert (action, target) == ("post", None)
    assert text.endswith("…\n\nhttps://e.org/s") and len(text) <= 280


def test_first_post_loses_its_numbering_line_only():
    from bot.daemon.anniversary import without_numbering

    assert without_numbering("No to war.\n\n1/12", "{i}/{n}", 12) == "No to war."
    assert without_numbering("No to war. 1/12 of us", "{i}/{n}", 12) == "No to war. 1/12 of us"
    assert without_numbering("No to war.", None, 1) == "No to war."


def test_the_text_posted_again_is_the_first_post_of_text_not_a_photo_under_the_title():
    from bot.daemon.anniversary import opening_text

    # Telegram: the photo under the title, then the text (numbered over the text posts only), then the PDF.
    texts = ["Free them", "They are innocent.\n\n1/2", "Release them.\n\n2/2", "Free them"]
    assert opening_text(texts, "Free them", "{i}/{n}") == "They are innocent."
    assert opening_text(["Free them. They are innocent.", "Free them"], "Free them", None) == (
        "Free them. They are innocent."
    )
    assert opening_text(["Free them"], "Free them", "{i}/{n}") == "Free them"  # a title alone is all there is
    assert opening_text(["No to war.\n\n1/12", *["x"] * 11], "Title", "{i}/{n}") == "No to war."
