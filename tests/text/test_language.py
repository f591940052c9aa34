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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("전국물류노동자연대는 화물노동자들의 파업을 지지한다. 안전운임제를 되살려라!", "ko"),
        ("私たちは技能実習制度の廃止を求めます。労働者の権利を守れ！", "ja"),
        ("我们要求立即释放所有被捕的外卖骑手。", "zh"),
        ("Свободу профспілковим активістам шахти, які захищають право на обʼєднання.", "uk"),
        ("Свобода профсоюзным активистам шахты, которые защищают своё право.", "ru"),
        ("แรงงานข้ามชาติจากประเทศเมียนมาต้องได้รับค่าจ้างที่เป็นธรรม", "th"),
        ("ແຮງງານທຸກຄົນມີສິດ", "lo"),
        ("មនុស្សទាំងអស់កើតមកមានសេរីភាព", "km"),
        ("လူတိုင်းသည် တူညီသော အခွင့်အရေး ရှိသည်", "my"),
    ],
)
def test_the_script_tells_the_language_where_it_can(text, expected):
    assert detect_language(text) == expected
