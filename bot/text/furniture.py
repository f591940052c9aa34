"""Page furniture: page numbers and running headers/footers, in the languages the tool reads. Pure.

Shared by the PDF reader (which also knows where a line sits on its page) and the text repair (which
only sees lines). A line is compared with the same line on other pages by its *key*: digits of any
script become ``#`` and spacing is ignored, so "صفحه ۱ از ۲" and "صفحه ۲  از ۲" are one footer.
"""

from __future__ import annotations

import re
import unicodedata

# Words around a page number, by language: "Page 3 of 5", "Página 3 de 5", "Seite 3 von 5", "صفحه ۳ از ۵"…
_PAGE_WORDS = (
    "page|p|pp|pg|pag|pág|página|pagina|seite|s|sayfa|sivu|strona|str|стр|страница|σελίδα|σελ|עמוד|עמ|صفحه|صفحة|ص"
)
_OF_WORDS = "of|sur|de|von|di|da|/|из|από|מתוך|از|من|av|van|z"
_DIGITS = re.compile(r"\d+")  # \d is any script's decimal digit in a str pattern
_SPACE = re.compile(r"\s+")
_PAGE_NUMBER = re.compile(
    rf"^(?:(?:{_PAGE_WORDS})\.?)?[-–—(\[]?#[-–—)\]]?(?:(?:{_OF_WORDS})#)?$"  # 3, - 3 -, Page 3 of 5, p. 3
    r"|^第#页(?:[,，]?共#页)?$|^#/#$",  # 第 3 页，共 5 页
    re.I,
)


def key(line: str) -> str:
    """The line with every digit (any script) as ``#``, runs of them as one, and no spaces; lowercase."""
    return _SPACE.sub("", _DIGITS.sub("#", line)).lower()


def is_page_number(line: str) -> bool:
    """Whether a whole line is a page number in one of the usual styles, in any script's digits."""
    text = line.strip()
    if not text or len(text) > 40 or not any(c.isdigit() for c in text):
        return False
    if text.isdigit() and _value(text) >= 1000:
        return False  # a year ("1789" alone on a line of a title), not a page of a statement
    return bool(_PAGE_NUMBER.match(key(text)))


def _value(digits: str) -> int:
    return int("".join(str(unicodedata.digit(c, 0)) for c in digits))
