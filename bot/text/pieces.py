"""Cut text into pieces (words, with what follows them) and judge each gap as a break. Pure.

A piece is never split later (but a word longer than a post, by the splitter), so URLs,
e-mails, mentions, hashtags and words survive whole; opening quotes/brackets are glued to
the word they open and lone closing marks or dashes to the word they close, so no post ends
dangling. Text without spaces (Chinese, Japanese, Thai…) is cut at its line-break
opportunities (``bot.text.linebreak``) into pieces with an empty separator.

Each gap gets a rank (paragraph end, line end, sentence end, clause end, word gap, glue) and
flags saying what an editor would think of a post ending there, from the language's word
lists (``bot.text.breakwords``): a weak break (after an article, preposition, determiner,
possessive, auxiliary, negation or number; inside a name, a date or a word), a good one
(before a conjunction or relative pronoun), after a heading or lead-in, inside a list item,
inside a bidirectional embedding. ``bot.text.breaks`` turns them into costs.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.text import breakwords as bw
from bot.text.linebreak import ideographs, is_spaced_script, needs_icu, segments

# Break classes, best first. GLUE is a gap inside a title, slogan or link: breakable
# only if the unit cannot fit in one post at all.
PARAGRAPH, LINE, SENTENCE, CLAUSE, WORD, GLUE = range(6)
# Flags: what a post ending at this gap would look like.
WEAK = 1  # cuts a unit: after a function word or number, inside a name, date or word
GOOD = 2  # before a conjunction or relative pronoun
LEAD = 4  # after (or inside) a heading, or after a lead-in ending in ":"
ITEM = 8  # inside a list item
BIDI = 16  # inside a bidirectional embedding, override or isolate
CUT = 32  # inside a word longer than a post (set by the splitter)

TERMINAL = ".!?…؟۔！？。။។៕"
CLAUSE_MARKS = ",;:—–،؛、，；：၊៖"
CLOSERS = "\"'”’»)]}›」』）》"
_TRAILING = CLOSERS + "\u00a0\u202f\u2007"  # French puts a no-break space before » ! ? ; :
OPENERS = "\"'“‘«([{‹¿¡「『（《"
ABBREVIATIONS = bw.BOUND_ABBREVIATIONS | frozenset(
    "mr. mrs. ms. dr. prof. st. sr. jr. vs. v. e.g. i.e. cf. no. nos. fig. figs. approx. inc. ltd. co. "
    "corp. dept. gen. gov. sen. rep. rev. hon. pres. jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. "
    "nov. dec. mon. tue. wed. thu. fri. sat. sun. art. p. pp. vol. ch. sec. mt. ft. ave. blvd. "
    "m. mme. mlle. sra. srta. dña. ud. uds. núm. pág. av. med. bzw. usw. z.b. d.h.".split()
)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$")
# Whitespace, but not the no-break spaces (French « », "18 420 €"): those never break.
_SPACE = re.compile(r"[^\S\u00a0\u202f\u2007]+")
_ONLY_PUNCT = re.compile(r"^[^\w]+$")
_NUMBER = re.compile(r"^[(\[]?[-−+$€£¥]?[0-9٠-٩۰-۹][0-9٠-٩۰-۹.,'’٫٬\u00a0\u202f]*[%٪]?$")
_ORDINAL = re.compile(r"^[0-9]{1,3}\.$")
_LIST_ITEM = re.compile(r"^\s*(?:[-•*–·▪◦‣]|\(?[0-9٠-٩۰-۹]{1,3}[.)、]|[a-z][.)]|[一二三四五六七八九十]+、)\s*")
_LEAD_END = re.compile(r"(?:[:：]|" + "|".join(bw.LEAD_INS) + r")[" + re.escape(_TRAILING) + r"]*$")
_BRACKETS = OPENERS + CLOSERS
_MARKERS = frozenset("- • * – · ▪ ◦ ‣".split())
_MARKDOWN_HEADING = re.compile(r"#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_REPEAT_MARKS = "ๆໆ"  # Thai and Lao repetition marks: "repeat the word before"
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


WORD_UNITS = 6


class Piece(NamedTuple):
    """An unbreakable run of text, the separator after it, how good a break that gap is (``brk``, ``flags``),
    and how many words it holds, in sixths (a word 6; a Chinese character 3, a Japanese one 2: about two and
    three of them make a word)."""

    text: str
    sep: str = " "
    brk: int = WORD
    flags: int = 0
    words: int = WORD_UNITS


def paragraph_pieces(paragraph: str, *, glue: bool = False, language: str = "en") -> list[Piece]:
    """Pieces of one paragraph; lines inside it become LINE breaks. The last gap is the caller's."""
    lang = bw.base_language(language)
    lines = [line for line in paragraph.split("\n") if line.strip()]
    heading = not glue and _is_heading(lines)
    if heading and (marked := _MARKDOWN_HEADING.match(lines[0].strip())):
        lines = [marked.group(1)]  # no network renders "## ": the text alone, still a heading
    pieces: list[Piece] = []
    for li, line in enumerate(lines):
        words = _glue_punctuation(_SPACE.split(line.strip()))
        item = ITEM if not glue and _LIST_ITEM.match(line) else 0
        for wi, word in enumerate(words):
            icu = needs_icu(word)
            parts = segments(word, language) if icu else ((word, True),)
            for si, (part, clean) in enumerate(parts[:-1]):
                following = parts[si + 1][0]
                if _leans_back(following):
                    brk, flags = GLUE, 0  # glued to the word before by _glue_punctuation
                else:
                    brk, flags = _rank_inside(part, following, clean, lang)
                pieces.append(Piece(part, "", GLUE if glue else brk, flags | item, _words(part, lang, True)))
            last = parts[-1][0]
            units = _words(last, lang, icu)
            if wi + 1 < len(words):
                brk, flags = (GLUE, 0) if glue else _rank(words, wi, lang)
                pieces.append(Piece(last, " ", brk, flags | item, units))
            else:
                end = LEAD if not glue and _LEAD_END.search(line) else 0
                sep, brk = ("\n", LINE) if li + 1 < len(lines) else ("", PARAGRAPH)
                pieces.append(Piece(last, sep, brk, end | item, units))
    if heading:
        pieces = [p._replace(flags=p.flags | LEAD) for p in pieces]
    if _BIDI.search(paragraph):
        pieces = _mark_bidi(pieces)
    return pieces


def _words(part: str, lang: str, icu: bool) -> int:
    han = ideographs(part) if icu else 0
    if han:
        return han * (2 if lang == "ja" else 3)
    return 0 if _ONLY_PUNCT.match(part) else WORD_UNITS


def _is_heading(lines: list[str]) -> bool:
    """A Markdown heading, or one short line with no closing punctuation (a plain-text heading)."""
    if len(lines) != 1:
        return False
    line = lines[0].strip()
    if line.startswith("#"):
        return bool(re.match(r"#{1,6}\s", line))  # "#Iran #NoWar" is a line of hashtags, not a heading
    core = line.rstrip(_TRAILING)
    return (
        len(line.split()) <= 8
        and bool(core)
        and core[-1] not in TERMINAL + CLAUSE_MARKS
        and not _LIST_ITEM.match(line)
        and not needs_icu(line)
        and line[:1].isupper()
    )


def _glue_punctuation(words: list[str]) -> list[str]:
    out: list[str] = []
    pending = ""
    for word in words:
        if not word:
            continue
        if pending:
            word, pending = pending + " " + word, ""
        if _ONLY_PUNCT.match(word) and (word[-1] in OPENERS or (not out and word in _MARKERS)):
            pending = word  # a lone opening quote/bracket, or a line's list marker, belongs to the next word
        elif out and _ONLY_PUNCT.match(word) and not word.startswith(("#", "@")):
            out[-1] += " " + word  # lone closers, dashes, ellipses stay with the word before
        elif out and _leans_back(word):
            out[-1] += " " + word  # Thai "ต่าง ๆ", "ฯลฯ" (etc.): written after a space, they belong to the word before
        else:
            out.append(word)
    if pending:
        out.append(pending)
    return out


def _rank(words: list[str], wi: int, lang: str) -> tuple[int, int]:
    """Rank and flags of the gap after ``words[wi]`` (a space inside a line)."""
    word, nxt = words[wi], words[wi + 1]
    core = word.rstrip(_TRAILING)
    if not core:
        return WORD, 0
    last = core[-1]
    if last in TERMINAL and _starts_sentence(nxt):
        if _ORDINAL.match(core) and (lang in bw.ORDINAL_DOT or _is_month(nxt)):
            return WORD, WEAK  # "4. Mai", "77. Streiktag": an ordinal, not a sentence end
        if not _is_abbreviation(core):
            return SENTENCE, 0
        return WORD, WEAK if core.lstrip(OPENERS).lower() in bw.BOUND_ABBREVIATIONS else 0
    if last in CLAUSE_MARKS or word[-1] in ")]" or core.endswith(("—", "–", "-")):
        if last in ":：":
            return CLAUSE, LEAD  # a post ending "…told us:" leaves its reader waiting
        if last == "," and _NUMBER.match(core[:-1]) and wi > 0 and _is_month(words[wi - 1]):
            return CLAUSE, WEAK  # "November 15, | 2019"
        return CLAUSE, 0
    if is_spaced_script(last) and is_spaced_script(nxt.lstrip(OPENERS)[:1]):
        return CLAUSE, 0  # Thai, Lao, Khmer and Burmese put a space between phrases, not words
    return WORD, _word_flags(words, wi, lang)


def gap_flags(before: str, after: str, language: str) -> int:
    """Flags of a gap between two paragraphs where the first stops without punctuation (text cut by a
    reader, a heading): ending a post there after "the", or inside "Middle | East", is still weak."""
    core = before.rstrip(_TRAILING)
    if not core or not core[-1].isalnum() or not after:
        return 0
    return _word_flags([before, after], 0, bw.base_language(language)) & WEAK


def _word_flags(words: list[str], wi: int, lang: str) -> int:
    word, nxt = words[wi], words[wi + 1]
    bare = bw.normalise(word.strip(_BRACKETS))
    following = bw.normalise(nxt.strip(_BRACKETS))
    if (
        bare in bw.AFTER.get(lang, ())
        or bare in bw.BEFORE.get(lang, ())  # a conjunction or relative pronoun left at a post's end: "…and" | "…"
        or bare in bw.BOUND_ABBREVIATIONS
        or (lang == "en" and bare.endswith(("'s", "’s")) and word[-1:].isalpha())  # "management's | promises"
        or _NUMBER.match(word)
        or (bare in bw.MONTHS and _NUMBER.match(nxt.rstrip(",.")))
        or (bare in bw.MONTHS and following in bw.DATE_LINKS and _NUMBER.match(_after(words, wi + 1).rstrip(",.")))
        or following in bw.NEVER_BEFORE.get(lang, ())
        or _in_name(words, wi)
        or _phrase_before(words, wi, lang)
    ):
        return WEAK
    return GOOD if following in bw.BEFORE.get(lang, ()) else 0


def _leans_back(word: str) -> bool:
    """A Thai or Lao repetition mark (ๆ) or ฯลฯ (etc.): written after a space, part of the word before."""
    return word[:1] in _REPEAT_MARKS or word.startswith("ฯลฯ")


def _after(words: list[str], wi: int) -> str:
    return words[wi + 1] if wi + 1 < len(words) else ""


def _phrase_before(words: list[str], wi: int, lang: str) -> bool:
    phrases = bw.after_phrases(lang).get(bw.normalise(words[wi]))
    if not phrases:
        return False
    return any(
        len(p) <= wi + 1 and tuple(bw.normalise(w) for w in words[wi + 1 - len(p) : wi + 1]) == p for p in phrases
    )


def _in_name(words: list[str], wi: int) -> bool:
    """Inside a capitalised name: "Middle | East", "Republic | of Iran"."""
    word = words[wi].lstrip(OPENERS)
    if not (word[:1].isupper() and word[-1:].isalnum()):
        return False
    nxt = words[wi + 1].lstrip(OPENERS)
    if nxt[:1].isupper():
        return True
    return nxt in bw.NAME_LINKS and wi + 2 < len(words) and words[wi + 2].lstrip(OPENERS)[:1].isupper()


def _is_month(word: str) -> bool:
    return word.strip(OPENERS + CLOSERS + ",.").lower() in bw.MONTHS


def _rank_inside(part: str, nxt: str, clean: bool, lang: str) -> tuple[int, int]:
    """Rank and flags of a break opportunity inside a run without spaces (Chinese, Japanese, Thai…)."""
    core = part.rstrip(_TRAILING)
    last = core[-1:] or part[-1:]
    if last in TERMINAL:
        return SENTENCE, 0
    if last in CLAUSE_MARKS:
        return CLAUSE, LEAD if last in ":：" else 0
    if not clean or (last.isdigit() and not nxt[:1].isspace()):
        return WORD, WEAK  # inside a word, or a number and its unit ("2021|年", "1000|万人")
    if lang == "zh":
        if any(part.endswith(w) for w in bw.ZH_AFTER):
            return WORD, WEAK
        if any(part.endswith(w) for w in bw.ZH_CLOSING) or any(nxt.startswith(w) for w in bw.ZH_BEFORE):
            return WORD, GOOD
    return WORD, 0


def _mark_bidi(pieces: list[Piece]) -> list[Piece]:
    """Flag the gaps inside an embedding/override (U+202A..U+202E) or isolate (U+2066..U+2069)."""
    stack: list[str] = []
    out = []
    for piece in pieces:
        for ch in _BIDI.findall(piece.text):
            if ch in "\u2066\u2067\u2068":
                stack.append("i")
            elif ch == "\u2069":
                while stack and stack.pop() != "i":
                    pass  # a PDI also closes the embeddings opened inside its isolate
            elif ch == "\u202c":
                if stack and stack[-1] == "e":
                    stack.pop()
            else:
                stack.append("e")
        out.append(piece._replace(flags=piece.flags | BIDI) if stack else piece)
    return out


def open_controls(text: str) -> str:
    """The embeddings and isolates ``text`` leaves open, as their opening characters in order."""
    stack: list[str] = []
    for ch in _BIDI.findall(text):
        if ch == "\u2069":
            while stack and stack.pop() not in "\u2066\u2067\u2068":
                pass
        elif ch == "\u202c":
            if stack and stack[-1] not in "\u2066\u2067\u2068":
                stack.pop()
        else:
            stack.append(ch)
    return "".join(stack)


def closers_for(opened: str) -> str:
    """What closes ``opened`` (from ``open_controls``), innermost first."""
    return "".join("\u2069" if ch in "\u2066\u2067\u2068" else "\u202c" for ch in reversed(opened))


def _is_abbreviation(core: str) -> bool:
    bare = core.lstrip(OPENERS).lower()
    return bare in ABBREVIATIONS or bool(_INITIALS.match(bare) and len(bare) <= 6)


def _starts_sentence(word: str) -> bool:
    first = word.lstrip(OPENERS + "*_")[:1]
    if not first:
        return True
    return first.isupper() or first.isdigit() or not first.islower()


def is_mid_sentence(text: str) -> bool:
    """Whether a post's text stops in the middle of a sentence (for reports and tests)."""
    core = text.rstrip().rstrip(_TRAILING)
    return bool(core) and core[-1] not in TERMINAL
