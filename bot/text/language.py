"""Guess a statement's language from its text: script first, then common words.

Pure and fast (no model to load): Persian and Arabic share a script and are told
apart by letters only Persian uses; Latin-script languages by their function words.
A library model (py3langid) was measured at 0.95 s for its first call, which alone
would break the 0.3 s start-up budget of ``preview``.
"""

from __future__ import annotations

import re

_PERSIAN = re.compile("[پچژگکی]")  # letters Persian uses and Arabic does not
_ARABIC = re.compile("[ةيكىإأؤئ]")  # and the other way round
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\ufb50-\ufeff]")
_SCRIPTS = (
    ("he", re.compile("[\u0590-\u05ff]")),
    ("ru", re.compile("[\u0400-\u04ff]")),
    ("el", re.compile("[\u0370-\u03ff]")),
    ("ko", re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("lo", re.compile("[\u0e80-\u0eff]")),
    ("km", re.compile("[\u1780-\u17ff]")),
    ("my", re.compile("[\u1000-\u109f]")),
)
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")  # letters Ukrainian uses and Russian does not
_RUSSIAN = re.compile("[ыэъёЫЭЪЁ]")  # and the other way round
_HAN = re.compile("[\u4e00-\u9fff]")
_KANA = re.compile("[\u3040-\u30ff]")  # Japanese writes kana between its kanji; Chinese never does
_LETTER = re.compile(r"[^\W\d_]")
FUNCTION_WORDS = {
    "en": "the and of to in is that for are with on as this by we be not it from have",
    "fr": "le la les des et est une du que pour dans qui sur pas nous sont au ne ce avec",
    "es": "el la los las y que de en una por con para del se no es su al lo como nosotros",
    "de": "der die das und ist nicht mit den dem ein eine zu von auf für sich wir sind auch",
    "it": "il di che è la per non una sono del della gli con le dei noi anche nel alla",
    "pt": "o que não uma os das dos para com por em é do da se nós são mais ao",
    "tr": "ve bir bu için ile da de olarak çok daha gibi ama değil biz olan",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in FUNCTION_WORDS.items()}
_OWNERS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _WORDS.items():
    for _word in _words:
        _OWNERS[_word] = _OWNERS.get(_word, ()) + (_lang,)
_TOKEN = re.compile(r"[^\W\d_]+", re.U)
SAMPLE = 4000  # characters: plenty to tell languages apart, and cheap


def detect_language(text: str, default: str = "en") -> str:
    """An ISO 639-1 code for ``text``; ``default`` when nothing is recognisable."""
    text = text[:SAMPLE]
    letters = len(_LETTER.findall(text))
    if not letters:
        return default
    arabic_script = len(_ARABIC_SCRIPT.findall(text))
    if arabic_script > letters / 2:
        persian = len(_PERSIAN.findall(text))
        arabic = len(_ARABIC.findall(text))
        return "fa" if persian > arabic else "ar"
    for lang, script in _SCRIPTS:
        if len(script.findall(text)) > letters / 2:
            if lang == "ru" and len(_UKRAINIAN.findall(text)) > len(_RUSSIAN.findall(text)):
                return "uk"
            return lang
    han, kana = len(_HAN.findall(text)), len(_KANA.findall(text))
    if han + kana > letters / 3:
        return "ja" if kana > letters / 10 else "zh"
    scores = dict.fromkeys(_WORDS, 0)
    for token in _TOKEN.findall(text.lower()):
        for lang in _OWNERS.get(token, ()):
            scores[lang] += 1
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] else default
