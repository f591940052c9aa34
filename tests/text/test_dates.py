from datetime import date

import pytest

from bot.text.dates import parse_date


@pytest.mark.parametrize(
    "line, expected",
    [
        ("January 4, 2020", date(2020, 1, 4)),
        ("4 January 2020", date(2020, 1, 4)),
        ("Jan. 4, 2020", date(2020, 1, 4)),
        ("4 janvier 2020", date(2020, 1, 4)),
        ("4 de enero de 2020", date(2020, 1, 4)),
        ("2020-01-04", date(2020, 1, 4)),
    ],
)
def test_date_lines_are_parsed(line, expected):
    assert parse_date(line) == expected


@pytest.mark.parametrize(
    "line", ["No War But Class War!", "February 30, 2020", "in May 2019 we said", "Notaword 4, 2020"]
)
def test_non_dates_are_not_parsed(line):
    assert parse_date(line) is None
