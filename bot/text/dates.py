"""Recognise a statement's date line, in the languages the tool reads. Pure.

"January 4, 2020", "4 janvier 2020", "Paris, le 4 janvier 2020", "Madrid, 1 de mayo de 2022",
"Berlin, den 4. Januar 2020", "4 января 2020 г.", "2020年1月4日", "٤ يناير ٢٠٢٠", "12 آذار 2021",
"۱۴ دی ۱۴۰۲" (Solar Hijri, converted to the Gregorian date), "2020-01-04", "二〇二四年六月四日". A place
before a comma and an article ("le", "den", "el") are allowed; digits of any script are read, and Chinese
numerals before 年, 月 and 日. The whole line must be the date: "in May 2019 we said" is not a date line.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from bot.text.months import MONTHS, SOLAR_MONTHS

_TAIL_WORDS = re.compile(
    r"\s*(?:г\.?|года|року|р\.?|yılı|ه\.?\s*ش\.?|هـ\.?\s*ش\.?|هجری\s+شمسی|خورشیدی|شمسی|میلادی|م\.?|ميلادي"
    r"|n\.\s*chr\.?)$",
    re.I,
)
_LEAD_WORDS = re.compile(r"^(?:le|den|am|el|il|lo|o|a|on|the|ce|du|vom)\s+", re.I)
_NUMERIC = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),  # 2020-01-04
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"),  # 2020年1月4日
    re.compile(r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일$"),  # 2023년 11월 12일 (Korean)
    re.compile(r"^(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})$"),  # 2023. 11. 12. (Korean, and ISO with dots)
)
# Chinese numerals before 年, 月, 日: a year digit by digit (二〇二四, 二零二四), month and day counted (十二, 二十四)
_CJK_NUMBER = re.compile(r"([〇零○一二三四五六七八九十廿卅]+)(?=\s*[年月日])")
_CJK_DIGITS = {c: n for n, chars in enumerate(("〇零○", *"一二三四五六七八九")) for c in chars}
_CJK_TENS = {"十": 1, "廿": 2, "卅": 3}
_FILLERS = frozenset("de of del th st nd rd er".split())  # "4 de enero de 2020", "1st of May 2020"
_WORDS = re.compile(r"[^\W\d_]+|\d+", re.U)


def parse_date(line: str) -> date | None:
    """The date a whole line states, or None if the line is not just a date (with a place before it)."""
    if len(line) > 120:
        return None
    text = _normalise(line)
    if not text or len(text) > 60:
        return None
    for candidate in _candidates(text):
        found = _numeric(candidate) or _worded(candidate)
        if found is not None:
            return found
    return None


def _normalise(line: str) -> str:
    text = unicodedata.normalize("NFC", line).replace("\u200c", " ").replace("\u00a0", " ").replace("\u202f", " ")
    text = "".join(str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" else c for c in text)
    text = _CJK_NUMBER.sub(_cjk_number, text)
    text = " ".join(text.split()).strip().rstrip(".")
    return _TAIL_WORDS.sub("", text).strip().rstrip(".,")


def _cjk_number(m: re.Match[str]) -> str:
    """Chinese numerals as Arabic digits: "二〇二四" -> "2024", "十二" -> "12", "二十四" -> "24", "卅一" -> "31"."""
    chars = m.group(1)
    tens = [c for c in chars if c in _CJK_TENS]
    if not tens:
        return "".join(str(_CJK_DIGITS[c]) for c in chars)
    head, _, tail = chars.partition(tens[0])
    if len(tens) > 1 or len(head) > 1 or len(tail) > 1 or (head and tens[0] != "十"):
        return chars  # not a month or a day: left as it is, so the line is no date
    value = (_CJK_DIGITS[head] if head else _CJK_TENS[tens[0]]) * 10
    return str(value + (_CJK_DIGITS[tail] if tail else 0))


def _candidates(text: str) -> list[str]:
    """The line, and what follows a short place name and a comma ("Paris, le 4 janvier 2020")."""
    out = [text]
    for comma in (",", "،", "，", "、"):
        head, sep, tail = text.rpartition(comma)
        if sep and 0 < len(head) <= 40 and len(head.split()) <= 4 and not any(c.isdigit() for c in head):
            out.append(_LEAD_WORDS.sub("", tail.strip()))
    out.append(_LEAD_WORDS.sub("", text))
    return out


def _numeric(text: str) -> date | None:
    for pattern in _NUMERIC:
        m = pattern.match(text)
        if m:
            return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _worded(text: str) -> date | None:
    """Day, month name and year in either order: "4 January 2020", "January 4, 2020", "4 de enero de 2020"."""
    tokens = [t for t in _WORDS.findall(text.replace(",", " ")) if t.lower() not in _FILLERS]
    tokens = [re.sub(r"(?<=\d)(?:st|nd|rd|th|er|e|º|ª)$", "", t) for t in tokens]
    rest = re.sub(r"[\s,.\d]|(?<=\d)(?:st|nd|rd|th|er|e|º|ª)\b", "", text)
    if len(tokens) == 4:  # a two-word month ("كانون الثاني") split in two tokens by the pattern
        tokens = _two_word_month(tokens)
    if len(tokens) != 3:
        return None
    numbers = [t for t in tokens if t.isdigit()]
    names = [t for t in tokens if not t.isdigit()]
    if len(numbers) != 2 or len(names) != 1 or not rest:
        return None
    name = names[0].lower()
    day, year = (int(numbers[0]), int(numbers[1])) if len(numbers[0]) <= 2 else (int(numbers[1]), int(numbers[0]))
    if len(str(year)) != 4 or day > 31:
        return None
    if name in SOLAR_MONTHS:
        return _from_solar(year, SOLAR_MONTHS[name], day)
    month = MONTHS.get(name) or _abbreviation(name)
    return _make(year, month, day) if month else None


def _two_word_month(tokens: list[str]) -> list[str]:
    for i in range(len(tokens) - 1):
        joined = f"{tokens[i]} {tokens[i + 1]}"
        if joined.lower() in MONTHS:
            return [*tokens[:i], joined, *tokens[i + 2 :]]
    return tokens


def _abbreviation(name: str) -> int | None:
    """A month by its start: "Jan", "janv", "Sept" (three letters or more, of exactly one month name)."""
    if len(name) < 3 or not name.isascii():
        return None
    found = {number for full, number in MONTHS.items() if full.isascii() and full.startswith(name)}
    return found.pop() if len(found) == 1 else None


def _make(year: int, month: int | None, day: int) -> date | None:
    if month is None or not 1800 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_solar(year: int, month: int, day: int) -> date | None:
    """A Solar Hijri (Persian calendar) date as a Gregorian one; the arithmetic of jalaali-js (MIT)."""
    if not 1200 <= year <= 1600 or not 1 <= day <= (31 if month <= 6 else 30):
        return None
    days = _jalali_day_number(year, month, day)
    if month == 12 and day == 30 and days == _jalali_day_number(year + 1, 1, 1):
        return None  # Esfand has 30 days in leap years only
    return date.fromordinal(days - 1721425)


_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178)


def _jalali_day_number(year: int, month: int, day: int) -> int:
    """The Julian day number of a Solar Hijri date (jalaali-js ``j2d``)."""
    march = _jal_march(year)
    return _g2d(march[0], 3, march[1]) + (month - 1) * 31 - (month // 7) * (month - 7) + day - 1


def _jal_march(jy: int) -> tuple[int, int]:
    """(Gregorian year, day in March) of Farvardin 1 of Solar year ``jy`` (jalaali-js ``jalCal``)."""
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += (jump // 33) * 8 + (jump % 33) // 4
        jp = jm
    n = jy - jp
    leap_j += (n // 33) * 8 + ((n % 33) + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    leap_g = gy // 4 - ((gy // 100 + 1) * 3) // 4 - 150
    return gy, 20 + leap_j - leap_g


def _g2d(gy: int, gm: int, gd: int) -> int:
    """The Julian day number of a Gregorian date (jalaali-js ``g2d``)."""
    d = _div((gy + _div(gm - 8, 6) + 100100) * 1461, 4) + _div(153 * ((gm + 9) % 12) + 2, 5) + gd - 34840408
    return d - _div(_div(gy + 100100 + _div(gm - 8, 6), 100) * 3, 4) + 752


def _div(a: int, b: int) -> int:
    """Integer division truncating toward zero, as JavaScript's ``~~(a / b)``."""
    return a // b if (a >= 0) == (b > 0) else -(-a // b)
