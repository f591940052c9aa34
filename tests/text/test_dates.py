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


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Paris, le 4 janvier 2020", date(2020, 1, 4)),
        ("Lyon, le 8 mars 2023", date(2023, 3, 8)),
        ("Madrid, 1 de mayo de 2022", date(2022, 5, 1)),
        ("London, 4 January 2024", date(2024, 1, 4)),
        ("Berlin, den 4. Januar 2020", date(2020, 1, 4)),
        ("Roma, 4 gennaio 2020", date(2020, 1, 4)),
        ("Lisboa, 4 de janeiro de 2020", date(2020, 1, 4)),
        ("4 Ocak 2020", date(2020, 1, 4)),
        ("4 января 2020 г.", date(2020, 1, 4)),
        ("4 Ιανουαρίου 2020", date(2020, 1, 4)),
        ("4 בינואר 2020", date(2020, 1, 4)),
        ("2020年1月4日", date(2020, 1, 4)),
        ("٤ يناير ٢٠٢٠", date(2020, 1, 4)),  # Arabic-Indic digits
        ("12 آذار 2021", date(2021, 3, 12)),  # Levantine month name
        ("1 كانون الثاني 2020", date(2020, 1, 1)),  # a month name of two words
        ("۱۴ دی ۱۴۰۲", date(2024, 1, 4)),  # Solar Hijri, Persian digits: converted
        ("۱ اردیبهشت ۱۴۰۳", date(2024, 4, 20)),
        ("۱ فروردین ۱۴۰۳", date(2024, 3, 20)),  # Nowruz
        ("۲۹ اسفند ۱۴۰۲ ه.ش.", date(2024, 3, 19)),
        ("۳۰ اسفند ۱۴۰۳", date(2025, 3, 20)),  # 1403 is a leap year
        ("۴ ژانویه ۲۰۲۰", date(2020, 1, 4)),  # Persian name of a Gregorian month
        ("1st of May 2020", date(2020, 5, 1)),
    ],
)
def test_date_lines_in_the_languages_the_tool_reads(line, expected):
    assert parse_date(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Paris, le 4 janvier",  # no year
        "Nous étions à Paris le 4 janvier 2020 avec eux",  # a sentence, not a date line
        "۳۰ اسفند ۱۴۰۲",  # Esfand 1402 has 29 days
        "1789",
        "Madrid, Barcelona, Valencia y Sevilla, 1 de mayo de 2022 y después",
    ],
)
def test_lines_that_only_contain_a_date_or_part_of_one_are_not_date_lines(line):
    assert parse_date(line) is None


@pytest.mark.parametrize(
    "line, expected",
    [
        ("二〇二三年五月一日", date(2023, 5, 1)),  # the year digit by digit, 〇 for nought
        ("二零二三年五月一日", date(2023, 5, 1)),  # 零 for nought
        ("二○一九年十一月十五日", date(2019, 11, 15)),  # ○ (a circle) for nought; 十一, 十五 counted
        ("一九八九年十月二十日", date(1989, 10, 20)),
        ("二〇二二年十二月三十一日", date(2022, 12, 31)),
        ("二〇二二年三月卅日", date(2022, 3, 30)),  # 卅: thirty
        ("東京、二〇二二年九月九日", date(2022, 9, 9)),  # Japanese, a place before the comma
        ("台北，二〇二一年一月二日", date(2021, 1, 2)),
    ],
)
def test_chinese_numeral_dates_are_parsed(line, expected):
    assert parse_date(line) == expected


@pytest.mark.parametrize(
    "line", ["二〇二三年二月三十日", "二〇二三年十三月一日", "二〇二三年五月一二三日", "一二三年五月一日"]
)
def test_chinese_numerals_that_are_no_date_are_not_parsed(line):
    assert parse_date(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2023년 11월 12일", date(2023, 11, 12)),
        ("서울, 2023년 11월 12일", date(2023, 11, 12)),
        ("2023. 11. 12.", date(2023, 11, 12)),
        ("Павлоград, 6 березня 2025 р.", date(2025, 3, 6)),
        ("Київ, 1 травня 2024 року", date(2024, 5, 1)),
        ("24 серпня 2023", date(2023, 8, 24)),
    ],
)
def test_korean_and_ukrainian_date_lines_are_parsed(line, expected):
    assert parse_date(line) == expected
