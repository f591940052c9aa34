"""Where an editor would not end a post, per language: the one place for the splitter's word lists.

Data, with two small look-ups. ``AFTER``: closed-class words after which a post must not
end (articles, prepositions, determiners, possessives, auxiliaries and modals, negations,
clitics); ``BEFORE``: conjunctions and relative pronouns before which a break reads well.
Members and classes come from ``tests/fixtures/texts/break_words.md`` (Universal Dependencies
classes, filled from reference grammars; sources there); a test keeps the two in step.
Multi-word items are tuples; Arabic prefixes written onto the next word (ال، بـ، و…) are not
words and are left out. Words are compared lower-cased, Arabic without its harakat.
"""

from __future__ import annotations

from functools import cache, lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(*items: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(item.split()) for item in items)


AFTER: dict[str, frozenset[str]] = {
    "en": _words(
        # articles, prepositions
        "a an the about above across after against along amid among around as at before behind below beneath "
        "beside besides between beyond by despite down during except for from in inside into like near of off "
        "on onto out outside over past per since through throughout till to toward towards under underneath "
        "unlike until up upon via with within without "
        # determiners, possessives
        "this that these those each every either neither some any no all both few many much several such another "
        "other what which whatever whichever my your his her its our their whose one's "
        # auxiliaries and modals, negations
        "am is are was were be been being have has had do does did will would shall should can could may might "
        "must ought not nor never n't"
    ),
    "fr": _words(
        "le la les l' un une des du au aux de d' à en dans par pour sur sous avec sans chez vers contre entre parmi "
        "depuis pendant selon malgré envers dès jusqu'à jusqu'au avant après devant derrière durant outre hormis "
        "sauf via ce cet cette ces chaque quelque quelques plusieurs aucun aucune nul nulle tout toute tous toutes "
        "certains certaines divers diverses différents différentes quel quelle quels quelles tel telle tels telles "
        "mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs suis es est sommes êtes sont étais était "
        "étions étiez étaient serai sera serons seront serait seraient été ai as a avons avez ont avais avait avions "
        "aviez avaient aura auront aurait auraient eu peut peuvent pouvait pourrait doit doivent devait devrait veut "
        "veulent voulait voudrait va vont allait ne n' ni non pas plus jamais guère point je j' tu il elle on nous "
        "vous ils elles me m' te t' se s' lui y"
    ),
    "es": _words(
        "el la los las lo un una unos unas al del a ante bajo con contra de desde durante en entre hacia hasta "
        "mediante para por según sin sobre tras versus vía este esta estos estas ese esa esos esas aquel aquella "
        "aquellos aquellas cada todo toda todos todas algún alguna algunos algunas ningún ninguna varios varias otro "
        "otra otros otras mucho mucha muchos muchas poco poca pocos pocas tanto tanta tantos tantas cuanto cuanta "
        "cuantos cuantas cierto cierta ciertos ciertas ambos ambas demás qué cuál cuáles mi mis tu tus su sus "
        "nuestro nuestra nuestros nuestras vuestro vuestra vuestros vuestras he has ha hemos habéis han había "
        "habían habrá habrán habría habrían haya hayan hubo soy eres es somos son era eran fue fueron será serán "
        "sería sido estoy está estamos están estaba estaban estuvo estado puede pueden podría podrían debe deben "
        "debería deberían va van iba iban no ni nunca jamás tampoco me te se nos os le les"
    ),
    "de": _words(
        "der die das den dem des ein eine einen einem einer eines ab an auf aus außer bei bis durch für gegen "
        "gegenüber hinter in mit nach neben ohne seit über um unter von vor während wegen zu zwischen trotz statt "
        "anstatt innerhalb außerhalb laut gemäß infolge mittels samt am ans aufs beim im ins vom zum zur fürs ums "
        "übers dieser diese dieses diesem diesen jener jene jenes jedem jeden jeder jede jedes alle aller allen "
        "manche manchen mancher einige einigen mehrere mehreren kein keine keinen keinem keiner keines solche "
        "solchen welche welcher welches beide beiden viele vielen wenige wenigen mein meine meinen meinem meiner "
        "meines dein deine deinen deinem deiner sein seine seinen seinem seiner seines ihr ihre ihren ihrem ihrer "
        "ihres unser unsere unseren unserem unserer unseres euer eure euren eurem eurer bin bist ist sind seid war "
        "warst waren wäre wären habe hast hat haben habt hatte hatten hätte hätten werde wirst wird werden wurde "
        "wurden würde würden kann kannst können konnte konnten könnte muss musst müssen musste müsste soll sollen "
        "sollte sollten will wollen wollte darf dürfen durfte mag möchte möchten nicht nie niemals weder nirgends"
    ),
    "fa": _words(
        "از به با در بر برای تا بی بدون جز به‌جز مثل مانند همچون درباره دربارهٔ درباره‌ی علیه بین میان زیر روی پشت "
        "جلوی نزد سوی به‌سوی توسط طبق بنابر به‌خاطر این آن همین همان هر همه همهٔ همه‌ی چند چندین هیچ کدام چه یک "
        "برخی بعضی تمام تمامی فلان مال باید نباید می‌توان نمی‌توان خواهم خواهی خواهد خواهیم خواهید خواهند نخواهد "
        "نخواهند شاید بتوان نه"
    ),
    "ru": _words(
        "в во на по к ко с со у о об обо от до из за для без при про через над под перед между около вокруг "
        "после среди против из-за из-под этот эта эти тот та те каждый каждая каждое каждые весь вся все наш "
        "наша наше наши ваш ваша ваше ваши свой своя своё свои был была было были будет будут буду будем не "
        "ни"
    ),
    "uk": _words(
        "в у на по до з із зі від про для без при через над під перед між за біля після серед проти цей ця ці "
        "той та ті кожен кожна кожне кожні весь вся все усі наш наша наше наші ваш ваша ваше ваші свій своя "
        "своє свої був була було були буде будуть не ні"
    ),
    "ar": _words(
        "في من إلى الى على عن مع حتى منذ مذ عند لدى بين ضد حول خلال نحو دون بعد قبل فوق تحت أمام وراء خلف عبر ضمن "
        "بشأن إزاء تجاه هذا هذه ذلك تلك هذان هاتان هؤلاء أولئك كل بعض جميع أي كافة عدة معظم أغلب غير كان كانت "
        "كانوا يكون تكون يكونون أصبح صار ظل ليس ليست قد لقد سوف لا لم لن ما ليسوا إن أن لكن لعل ليت كأن هو هي هم هن"
    ),
}

# Multi-word items whose last word is not in AFTER by itself ("hay que | trabajar").
AFTER_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "es": _phrases("tiene que", "tienen que", "hay que"),
    "fa": _phrases("به دلیل", "به خاطر", "در برابر", "بر اساس"),
    "ar": _phrases("ما زال", "لا يزال"),
}

BEFORE: dict[str, frozenset[str]] = {
    "en": _words(
        "and or but nor yet so because although though while whereas if unless since until when whenever where "
        "wherever after before once as that whether who whom whose which"
    ),
    "fr": _words(
        "et ou mais donc or ni car que qu' quand lorsque lorsqu' puisque puisqu' comme si s' qui dont où lequel "
        "laquelle lesquels lesquelles auquel auxquels auxquelles duquel desquels desquelles"
    ),
    "es": _words(
        "y e o u ni pero sino mas que porque aunque si cuando como mientras pues quien quienes cual cuales cuyo "
        "cuya cuyos cuyas donde"
    ),
    "de": _words(
        "und oder aber denn sondern sowie doch jedoch sowohl weder noch dass weil ob wenn als obwohl obgleich damit "
        "während bevor ehe nachdem seit seitdem sodass falls da indem sobald solange bis der die das dem den dessen "
        "deren denen welcher welche welches welchem welchen wo was"
    ),
    "fa": _words(
        "و یا اما ولی ولیکن لیکن بلکه سپس پس نیز هم که تا اگر اگرچه هرچند چون زیرا چونکه وقتی مگر آنچه هرچه هرکه"
    ),
    "ru": _words(
        "и а но или либо однако что чтобы как когда если потому хотя поэтому пока который которая которое "
        "которые которых которым где куда"
    ),
    "uk": _words("і й та а але або проте що щоб як коли якщо бо хоча тому поки який яка яке які яких де куди"),
    "ar": _words(
        "ثم أو أم لكن بل حتى إما أن إن لأن إذا إذ لو لولا كي لكي حيث حيثما بينما عندما حين حينما لما كما الذي "
        "التي الذين اللذان اللتان اللذين اللتين اللواتي اللاتي اللائي ما من"
    ),
}

# Words a post must not start with: Persian's object marker closes the phrase before it.
NEVER_BEFORE: dict[str, frozenset[str]] = {
    "fa": _words("را"),
    "en": _words("than"),
    "tr": _words("de da mi mı mu mü"),
    "ko": _words("것 수 데 바 줄 채 씨 등 때문 중 뿐 만큼 대로"),
}

# Chinese has no spaces: these are matched at the end (A) or start (B) of a run between break opportunities.
ZH_AFTER = (
    "的 地 得 之 所 在 对 对于 把 将 被 让 叫 给 从 自 自从 向 往 朝 跟 同 与 和 为 为了 关于 由 由于 于 以 按 按照 "
    "根据 通过 经过 除了 比 离 沿着 针对 随着 作为 这 那 这个 那个 这些 那些 每 各 该 本 此 其 某 哪 所有 一切 全体 "
    "任何 个 位 名 条 项 次 种 些 家 座 份 年 月 日 天 万 亿 会 能 能够 可以 可能 应该 应当 应 要 必须 需要 愿意 敢 肯 "
    "是 正在 不 没 没有 别 未 非 无 勿 莫 不要 不能 不得"
).split()
ZH_BEFORE = (
    "和 与 及 以及 并 并且 而 而且 或 或者 还是 但 但是 可是 不过 然而 同时 因为 所以 因此 因而 如果 假如 要是 虽然 "
    "尽管 即使 哪怕 只要 只有 除非 既然 以便 为了 从而 于是 无论 不管"
).split()
ZH_CLOSING = "了 吗 呢 吧 啊 呀 嘛".split()  # sentence-final particles: a break after them is good

# A date or a name is one unit: "November | 15" and "Middle | East" are weak breaks.
MONTHS = _words(
    "january february march april may june july august september october november december jan feb mar apr jun "
    "jul aug sep sept oct nov dec janvier février mars avril mai juin juillet août septembre octobre novembre "
    "décembre enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre januar "
    "februar märz juni juli oktober dezember gennaio febbraio aprile maggio giugno luglio settembre ottobre "
    "dicembre ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık"
)
# Lower-case links inside a name: "Republic | of Iran", "Universidad | de Chile".
NAME_LINKS = _words("of for de du des del della di la le von van der den al")
# Between a month and its year: "5 de octubre | de 2022", "5 de outubro de 2022".
DATE_LINKS = _words("de del")
# Abbreviations that belong to the word after them: "Dr. | Smith", "No. | 87".
BOUND_ABBREVIATIONS = _words(
    "dr. mr. mrs. ms. prof. st. no. nos. nº n.º art. p. pp. vol. ch. sec. fig. gen. sen. rep. rev. hon. pres. "
    "mt. m. mme. mlle. sra. srta. sr. dña. núm. pág. av. nr. abs. hr. fr. № ca. approx. med."
)
# A paragraph or line ending in one of these leads in to what follows (besides ":" and "："). Thai writes
# "as follows" without a colon.
LEAD_INS = ("ดังนี้", "ดังต่อไปนี้")
# Languages that write ordinals with a dot ("4. Mai", "77. Streiktag"): not a sentence end.
ORDINAL_DOT = frozenset({"de", "da", "no", "nb", "fi", "tr", "cs", "sk", "pl", "hu", "et", "lv", "sl", "hr", "sr"})

_HARAKAT = dict.fromkeys(range(0x064B, 0x0653)) | {0x0640: None, 0x0670: None}  # and tatweel, superscript alef


def base_language(language: str) -> str:
    """``zh-Hant`` -> ``zh``: the lists are per language, not per script or region."""
    return language.split("-")[0].split("_")[0].lower()


@lru_cache(maxsize=1 << 16)
def normalise(word: str) -> str:
    """A word as the lists spell it: lower case, ’ as ', Arabic without harakat."""
    word = word.lower().replace("’", "'")
    return word if word.isascii() else word.translate(_HARAKAT)


@cache
def after_phrases(language: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Last word -> the multi-word items of ``AFTER_PHRASES`` ending in it."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in AFTER_PHRASES.get(language, ()):
        out.setdefault(phrase[-1], []).append(phrase)
    return {k: tuple(v) for k, v in out.items()}
