"""The line-break candidates of bench_line_breaking.py, each as source text.

Each snippet defines ``breaks(text, locale) -> list[int]``: the offsets, in code points, where a line may
end (the end of the text included). Snippets are source so that the benchmark can run each one exactly
as is in a fresh interpreter (cold import, first break) and in-process (correctness, speed).
"""

from __future__ import annotations

from dataclasses import dataclass

# ICU reports UTF-16 offsets; Python indexes code points. Shared by the three ICU bindings.
UTF16 = """
def _to_code_points(text, offsets):
    if not offsets or max(text, default="a") < "\\U00010000":
        return offsets
    where, unit = {}, 0
    for i, ch in enumerate(text):
        where[unit] = i
        unit += 2 if ord(ch) > 0xFFFF else 1
    where[unit] = len(text)
    return [where[o] for o in offsets]
"""

ICU4PY = """
from icu4py.breakers import LineBreaker
def breaks(text, locale):
    return _to_code_points(text, [end for _, end in LineBreaker(text, locale).segments()])
"""

PYICU = """
import icu
def breaks(text, locale):
    it = icu.BreakIterator.createLineInstance(icu.Locale(locale))
    it.setText(text)
    return _to_code_points(text, list(it))
"""

ICUPY = """
from icupy import icu
def breaks(text, locale):
    ustr = icu.UnicodeString(text)  # keep it referenced: the iterator reads it in place
    it = icu.BreakIterator.create_line_instance(icu.Locale(locale))
    it.set_text(ustr)
    return _to_code_points(text, list(it))
"""

UNISEG = """
from uniseg.linebreak import line_break_boundaries
def breaks(text, locale):
    return list(line_break_boundaries(text))
"""

UNICODE_SEGMENTATION_RS = """
from itertools import accumulate
from unicode_segmentation_rs import line_break_units
def breaks(text, locale):
    return list(accumulate(map(len, line_break_units(text))))
"""

THAIBREAK = """
import re
from thaibreak import lines
def breaks(text, locale):
    # lines() marks breaks where no space is; a break after spaces is implied
    marked = lines(text, marker="\\uffff")
    out, pos = set(), 0
    for ch in marked:
        if ch == "\\uffff":
            out.add(pos)
        else:
            pos += 1
    out.update(m.end() for m in re.finditer(r"\\s+(?=\\S)", text))
    return sorted(out | {len(text)})
"""

PYTHAINLP = """
from itertools import accumulate
from pythainlp.tokenize import word_tokenize
def breaks(text, locale):
    return list(accumulate(map(len, word_tokenize(text, engine="newmm"))))
"""

BUDOUX = """
from itertools import accumulate
import budoux
_PARSERS = {"ja": budoux.load_default_japanese_parser, "zh": budoux.load_default_simplified_chinese_parser,
            "th": budoux.load_default_thai_parser}
_CACHE = {}
def breaks(text, locale):
    lang = locale[:2]
    if lang not in _CACHE:
        _CACHE[lang] = _PARSERS[lang]()
    return list(accumulate(map(len, _CACHE[lang].parse(text))))
"""

KHMER_NLTK = """
import logging
logging.disable(logging.INFO)
from itertools import accumulate
from khmernltk import word_tokenize
def breaks(text, locale):
    return list(accumulate(map(len, word_tokenize(text))))
"""

LAONLP = """
from itertools import accumulate
from laonlp import word_tokenize
def breaks(text, locale):
    return list(accumulate(map(len, word_tokenize(text))))
"""


@dataclass(frozen=True)
class Engine:
    name: str
    dist: tuple[str, ...]  # distribution names; the first installed one is reported
    module: str  # what `import` must find
    source: str
    groups: frozenset[str] | None = None  # sample groups it claims to handle; None: every script


ENGINES = [
    Engine("icu4py", ("icu4py",), "icu4py", UTF16 + ICU4PY),
    Engine("PyICU", ("pyicu-wheels", "PyICU", "pyicu"), "icu", UTF16 + PYICU),
    Engine("icupy", ("icupy",), "icupy", UTF16 + ICUPY),
    Engine("uniseg", ("uniseg",), "uniseg", UNISEG),
    Engine("unicode-segmentation-rs", ("unicode-segmentation-rs",), "unicode_segmentation_rs", UNICODE_SEGMENTATION_RS),
    Engine("thaibreak", ("thaibreak",), "thaibreak", THAIBREAK),
    Engine("pythainlp (newmm)", ("pythainlp",), "pythainlp", PYTHAINLP, frozenset({"th"})),
    Engine("budoux", ("budoux",), "budoux", BUDOUX, frozenset({"ja", "zh", "th"})),
    Engine("khmer-nltk", ("khmer-nltk",), "khmernltk", KHMER_NLTK, frozenset({"km"})),
    Engine("laonlp", ("LaoNLP", "laonlp"), "laonlp", LAONLP, frozenset({"lo"})),
]
