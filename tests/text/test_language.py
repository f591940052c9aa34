import pytest

from bot.text.language import detect_language


@pytest.mark.parametrize(
    "text, lang",
    [
        ("We condemn the arrest of the workers and call for their release.", "en"),
        ("Nous condamnons l'arrestation des travailleurs et nous exigeons leur libération.", "fr"),
        ("Condenamos la detención de los trabajadores y exigimos su liberación.", "es"),
        ("ما بازداشت کارگران را محکوم می‌کنیم و خواهان آزادی فوری آنان هستیم.", "fa"),
        ("ندين اعتقال العمال ونطالب بالإفراج الفوري عنهم.", "ar"),
    ],
)
def test_language_is_detected(text, lang):
    assert detect_language(text) == lang


def test_text_without_letters_gets_the_default():
    assert detect_language("2020 — 2021 !!!", default="en") == "en"
