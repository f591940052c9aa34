"""Recognise a statement's date line ("January 4, 2020", "4 janvier 2020", "2020-01-04")."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    # English, French, Spanish, German; abbreviations by prefix below.
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    "januar": 1,
    "februar": 2,
    "märz": 3,
    "juni": 6,
    "juli": 7,
    "oktober": 10,
    "dezember": 12,
}
_ABBREVIATIONS = {name[:3]: number for name, number in MONTHS.items() if name.isascii()}
_MONTH = r"([^\W\d_]{3,10})\.?"
_PATTERNS = (
    re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$", re.I),  # January 4, 2020
    re.compile(
        rf"^(\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?(\d{{4}})$", re.I
    ),  # 4 January 2020
    re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
)


def _month(word: str) -> int | None:
    word = word.lower()
    return MONTHS.get(word) or (_ABBREVIATIONS.get(word[:3]) if len(word) <= 4 else None)


def parse_date(line: str) -> date | None:
    """The date a whole line states, or None if the line is not just a date."""
    line = line.strip().rstrip(".")
    if len(line) > 40:
        return None
    for i, pattern in enumerate(_PATTERNS):
        m = pattern.match(line)
        if not m:
            continue
        if i == 0:
            month, day, year = _month(m.group(1)), int(m.group(2)), int(m.group(3))
        elif i == 1:
            day, month, year = int(m.group(1)), _month(m.group(2)), int(m.group(3))
        else:
            year, month, day = (int(g) for g in m.groups())
        if month is None:
            return None
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None
