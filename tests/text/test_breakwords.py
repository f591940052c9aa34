"""The splitter's word lists and line-break opportunities against the colleagues' reference data:
tests/fixtures/texts/break_words.md (closed-class words) and line_break_samples.txt (hand-checked breaks)."""

import re
from pathlib import Path

import pytest

from bot.text import breakwords as bw
from bot.text.linebreak import segments
from bot.text.pieces import WEAK, paragraph_pieces

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "texts"


def _lists() -> list[tuple[str, str, str, str]]:
    """(language, part A or B, class, item) for every item of break_words.md."""
    out: list[tuple[str, str, str, str]] = []
    lang, part = "", ""
    for line in (FIXTURES / "break_words.md").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"## .*\((\w+)\)", line):
            lang, part = m.group(1), ""
        elif line.startswith("### "):
            part = line[4]
        elif part and line.startswith("- ") and ":" in line and "never break before" not in line:
            cls, items = line[2:].split(":", 1)
            out.extend((lang, part, cls, item.strip()) for item in items.split("·") if item.strip())
    return out


def _never_before() -> list[tuple[str, str]]:
    """(language, word) for every "never break before" word of break_words.md."""
    out: list[tuple[str, str]] = []
    lang = ""
    for line in (FIXTURES / "break_words.md").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"## .*\((\w+)\)", line):
            lang = m.group(1)
        elif m := re.search(r"never break before ([^(]+)", line):
            out.extend((lang, w.strip()) for w in m.group(1).split("·") if w.strip())
    return out


@pytest.mark.parametrize(("language", "word"), _never_before())
def test_every_word_never_to_break_before_is_in_the_splitters_list(language, word):
    assert bw.normalise(word) in bw.NEVER_BEFORE[language]


WORDS = [
    row
    for row in _lists()
    # Prefixes written onto the next word ("ال-") and notes in prose are not words to look up.
    if not row[3].endswith("-") and "(" not in row[3] and len(row[3].split()) <= 4
]


@pytest.mark.parametrize(("language", "part", "cls", "item"), WORDS)
def test_every_listed_word_is_in_the_splitters_lists(language, part, cls, item):
    words = tuple(bw.normalise(w) for w in item.split())
    if language == "zh" and part == "A":  # matched at the end of a run: "他们的" by "的"
        assert any(item.endswith(w) for w in bw.ZH_AFTER), item
    elif language == "zh":
        assert item in bw.ZH_BEFORE + bw.ZH_CLOSING, item
    elif part == "A":
        assert words[-1] in bw.AFTER[language] or words in bw.AFTER_PHRASES.get(language, ()), item
    elif len(words) == 1:
        assert words[0] in bw.BEFORE[language], item


def test_the_lists_are_lower_case_and_without_harakat():
    for table in (bw.AFTER, bw.BEFORE):
        for language, words in table.items():
            assert all(bw.normalise(w) == w for w in words), language


def _samples() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in (FIXTURES / "line_break_samples.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            sample_id, mode, locale, marked, _ = line.split("\t")
            rows.append((sample_id, mode, locale, marked))
    return rows


def _parse(marked: str) -> tuple[str, dict[int, str], list[tuple[int, int]]]:
    """The plain text, the marker at each offset, and the spans that must stay whole."""
    text, opened = "", -1
    marks: dict[int, str] = {}
    spans: list[tuple[int, int]] = []
    for ch in marked:
        if ch in "|¦×":
            marks[len(text)] = ch
        elif ch == "⟦":
            opened = len(text)
        elif ch == "⟧":
            spans.append((opened, len(text)))
        else:
            text += ch
    return text, marks, spans


def _breaks(text: str, language: str) -> dict[int, bool]:
    """Offset -> whether it is a clean break, where the splitter may end a post inside ``text``."""
    out, pos = {}, 0
    for piece in paragraph_pieces(text, language=language)[:-1]:
        pos += len(piece.text) + len(piece.sep)
        out[pos] = not piece.flags & WEAK
    return out


@pytest.mark.parametrize(("sample_id", "mode", "locale", "marked"), _samples())
def test_break_opportunities_match_the_hand_checked_samples(sample_id, mode, locale, marked):
    text, marks, spans = _parse(marked)
    language = locale.split("@")[0]
    breaks = _breaks(text, language)
    for start, end in spans:
        assert not [o for o in breaks if start < o < end], (sample_id, text[start:end])
    phrase = "lw=phrase" in locale  # phrases: a break inside one is possible but weak
    clean = {o for o, ok in breaks.items() if ok} if phrase else set(breaks)
    for offset, mark in marks.items():
        if mark == "|" and text[offset].isalnum():  # an emoji stays with the word before it: "fight ✊"
            assert offset in clean, (sample_id, text[:offset] + "|" + text[offset:])
        elif mark == "×":
            assert offset not in clean, (sample_id, text[:offset] + "×" + text[offset:])
    if mode == "full":
        extra = [o for o in clean if marks.get(o) not in ("|", "¦")]
        assert not extra, (sample_id, [text[:o] + "^" + text[o:] for o in extra])


def test_segments_keep_a_url_and_hangul_whole_inside_text_without_spaces():
    url = "https://example.org/statement/2019-11-15"
    parts = [p for p, _ in segments(f"详情请见{url}，谢谢。", "zh")]
    assert any(url in p for p in parts)
    assert [p for p, _ in segments("노동자들의권리를", "ko")] == ["노동자들의권리를"]


@pytest.mark.parametrize(
    ("text", "language", "after"),
    [
        ("el pasado 5 de octubre de 2022 entraron", "es", "octubre"),
        ("the workers and their families", "en", "and"),
        ("la zona, y las autoridades", "es", "y"),
        ("les syndicats qui ont appelé", "fr", "qui"),
        ("cutting off more than 80 million people", "en", "more"),
        ("the High Commissioner for Human Rights said", "en", "Commissioner"),
        ("the timeline of management's broken promises", "en", "management's"),
        ("büyük e-ticaret şirketlerini de tedarik zincirini", "tr", "şirketlerini"),
        ("제대로 듣지 못한 채 장례를 치렀다", "ko", "못한"),
    ],
)
def test_an_editor_would_not_end_a_post_here(text, language, after):
    from bot.text.pieces import WEAK, paragraph_pieces

    [piece] = [p for p in paragraph_pieces(text, language=language) if p.text.strip(", ") == after]
    assert piece.flags & WEAK, (text, after)
