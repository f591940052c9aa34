"""Month names of the languages the tool reads, for ``bot.text.dates``. Lowercase, NFC, no ZWNJ."""

from __future__ import annotations


def _months(names: str) -> dict[str, int]:
    """``names``: twelve months separated by ``|``, each written one or more ways separated by ``/``."""
    out: dict[str, int] = {}
    for number, spellings in enumerate(names.split("|"), start=1):
        for spelling in spellings.split("/"):
            out[spelling.strip()] = number
    return out


MONTHS: dict[str, int] = {
    **_months("january|february|march|april|may|june|july|august|september|october|november|december"),
    **_months(
        "janvier|février/fevrier|mars|avril|mai|juin|juillet|août/aout|septembre|octobre|novembre|décembre/decembre"
    ),
    **_months("enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre/setiembre|octubre|noviembre|diciembre"),
    **_months("januar/jänner|februar|märz/maerz|april|mai|juni|juli|august|september|oktober|november|dezember"),
    **_months("gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"),
    **_months("janeiro|fevereiro|março/marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"),
    **_months(
        "ocak|şubat/subat|mart|nisan|mayıs/mayis|haziran|temmuz|ağustos/agustos|eylül/eylul|ekim|kasım/kasim|aralık/aralik"
    ),
    # Russian: genitive (4 января) and nominative
    **_months(
        "января/январь|февраля/февраль|марта/март|апреля/апрель|мая/май|июня/июнь|июля/июль|августа/август|"
        "сентября/сентябрь|октября/октябрь|ноября/ноябрь|декабря/декабрь"
    ),
    # Ukrainian: genitive (6 березня 2025 р.) and nominative
    **_months(
        "січня/січень|лютого/лютий|березня/березень|квітня/квітень|травня/травень|червня/червень|липня/липень|"
        "серпня/серпень|вересня/вересень|жовтня/жовтень|листопада/листопад|грудня/грудень"
    ),
    # Greek: genitive (4 Ιανουαρίου) and nominative, with and without accents
    **_months(
        "ιανουαρίου/ιανουαριου/ιανουάριος|φεβρουαρίου/φεβρουαριου/φεβρουάριος|μαρτίου/μαρτιου/μάρτιος|"
        "απριλίου/απριλιου/απρίλιος|μαΐου/μαιου/μάιος|ιουνίου/ιουνιου/ιούνιος|ιουλίου/ιουλιου/ιούλιος|"
        "αυγούστου/αυγουστου/αύγουστος|σεπτεμβρίου/σεπτεμβριου/σεπτέμβριος|οκτωβρίου/οκτωβριου/οκτώβριος|"
        "νοεμβρίου/νοεμβριου/νοέμβριος|δεκεμβρίου/δεκεμβριου/δεκέμβριος"
    ),
    # Hebrew, with the usual prefix ב (4 בינואר 2020)
    **_months(
        "ינואר/בינואר|פברואר/בפברואר|מרץ/במרץ/מרס/במרס|אפריל/באפריל|מאי/במאי|יוני/ביוני|יולי/ביולי|"
        "אוגוסט/באוגוסט|ספטמבר/בספטמבר|אוקטובר/באוקטובר|נובמבר/בנובמבר|דצמבר/בדצמבר"
    ),
    # Arabic: Egyptian/Gulf, Levantine/Iraqi (آذار = March) and Maghrebi names of the Gregorian months
    **_months(
        "يناير/كانون الثاني/جانفي|فبراير/شباط/فيفري|مارس/آذار|أبريل/ابريل/إبريل/نيسان/أفريل|مايو/أيار/ماي|"
        "يونيو/يونيه/حزيران/جوان|يوليو/يوليه/تموز/جويلية|أغسطس/اغسطس/آب/أوت|سبتمبر/أيلول|"
        "أكتوبر/اكتوبر/تشرين الأول/تشرين الاول|نوفمبر/تشرين الثاني|ديسمبر/كانون الأول/كانون الاول"
    ),
    # Persian names of the Gregorian months
    **_months("ژانویه|فوریه|مارس|آوریل|مه/می|ژوئن|ژوئیه/جولای|اوت/آگوست|سپتامبر|اکتبر|نوامبر|دسامبر"),
}
# The Solar Hijri (Persian calendar) months: a date in them is converted to the Gregorian one.
SOLAR_MONTHS: dict[str, int] = _months("فروردین|اردیبهشت|خرداد|تیر|مرداد/امرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند")
