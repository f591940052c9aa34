"""The closing block of a statement: slogans, signature, date line and contacts, read from the end. Pure.

Contact lines in any language: a short label and a colon ("Email:", "E-mail :", "Courriel :", "Correo:",
"ایمیل:", "البريد الإلكتروني:", "电子邮件：") before e-mail addresses, URLs or handles, or such links
alone; and phone lines ("Tel. +44 20 7946 0123", "Tél. :", "Teléfono:", "هاتف:"), which are contacts but
not links. Date lines are ``bot.text.dates``'s. Slogans are short lines ending in "!" after a finished
sentence or another closing line (some statements end with their slogans, after the links); the signature
is one or two lines after the slogans (one name wrapped), or several lines each standing alone (a blank
line between them, as the PDF reader writes every closing line), one signatory a line, or a list of two or
more signatories on consecutive lines (see ``_signatory_list``). Lines of hashtags only ("#FreeThemAll
#StopExecutions") may stand anywhere in the block: they do not end it, and go back to the end of the body,
where ``bot.text.statement`` takes them as the statement's hashtags.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.text import furniture
from bot.text.dates import parse_date
from bot.text.entities import find_entities, tlds

TERMINAL = ".!?…؟۔。！？"
CLOSERS = "\"'”’»)]›」』）"
LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"  # a URL
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an e-mail address
    r"|(?<![\w@./-])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,6}(?:/[^\s<>\"]*)?(?![\w@-])"  # a bare domain: t.me/name
    r"|(?<![\w@])@\w(?:[\w.-]*\w)?(?:@[\w-]+(?:\.[\w-]+)+)?",  # a handle: @name, @name.bsky.social, @user@server
)
# Labels before links: "Email:", "Courriel :", "البريد الإلكتروني:", "Full list of signatories:" (up to four
# words), several on one line ("Web: … Mastodon: …")
_LABELS = re.compile(r"(?:^|(?<=\s))[^\W\d_][^:：\d/@\s]{0,20}(?:[ \u200c][^:：\d/@\s]{1,20}){0,3}\s*[:：](?=\s|$)")
_PHONE_WORDS = (
    "tel tél telefono teléfono telefone telefon téléphone telephone phone fax mob mobile handy whatsapp "
    "هاتف تلفن موبایل 电话 電話 手机 телефон тел τηλ τηλέφωνο טלפון tlf"
).split() + ["تلفن همراه"]
_PHONE_LABEL = re.compile(
    rf"^(?:{'|'.join(sorted(map(re.escape, _PHONE_WORDS), key=len, reverse=True))})\.?\s*[:：]?\s*", re.I
)
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a digit of another script (Persian, Arabic-Indic...)
_PHONE = re.compile(r"^\+?\(?\d[\d\s().\-/]{5,}\d$")
_SEPARATORS = re.compile(r"^[\s,;|·•/]*$")
# At most this many signatories on lines of their own: a joint statement's list of organisations (30 is not
# rare); longer, a run of short lines is more likely the body's than a list of names.
_SIGNATORIES = 40
_SIGNATORY_LENGTH = 100  # a signatory's line: one organisation's name, with its city or country


@dataclass(frozen=True)
class Closing:
    """What the end of a statement held; ``links`` are the contact lines' addresses, URLs and handles."""

    slogans: tuple[str, ...] = ()
    signature: str | None = None
    date: date | None = None
    links: tuple[str, ...] = ()
    date_line: str | None = None  # the line stating ``date``, as written


def peel(lines: list[str], footers: frozenset[str] = frozenset()) -> tuple[list[str], Closing]:
    """The body lines without the closing block, and the block. ``footers`` are furniture keys (see
    ``bot.text.furniture``) of running footers to step over at the very end. No slogan, contact or
    date: no closing block (a short last line alone is body, not a signature)."""
    slogans: list[str] = []
    tags: list[str] = []  # hashtag lines, given back after the body
    signature: list[str] = []
    listed = False  # the signature is a list of signatories: nothing above it joins it
    glue: list[str] = []  # between signature lines: " " in one wrapped name, "\n" between lines of their own
    links: list[str] = []
    when: date | None = None
    when_line: str | None = None
    last_words = True  # the slogans found so far are the very end of the text, after links and date
    end = len(lines)
    alone = False  # a blank line follows the line being read
    while end > 0:
        line = lines[end - 1].strip()
        before = lines[end - 2].strip() or None if end >= 2 else None
        if not line or furniture.is_page_number(line) or furniture.key(line) in footers:
            alone = alone or not line
            end -= 1
            continue
        if is_hashtag_line(line):
            tags.insert(0, line)
            end -= 1
            continue
        signing = not slogans or (last_words and bool(links or when))  # before the slogans, or after the links
        contact = contact_links(line)
        if contact is not None:
            links[:0] = contact
        elif when is None and (parsed := parse_date(line)) is not None:
            when, when_line = parsed, line
        elif is_slogan(line, None) and (before is None or _closes(before)):
            slogans.insert(0, line)
            last_words = last_words and not (links or when)
        elif signing and not signature and (start := _signatory_list(lines, end)) is not None:
            signature = [name.strip() for name in lines[start:end]]
            glue = ["\n"] * (len(signature) - 1)
            listed = True
            end = start
            continue
        elif signing and not listed and _signature_goes_on(len(signature), glue, alone) and _is_signature(line, before):
            if signature:
                glue.insert(0, "\n" if alone else " ")
            signature.insert(0, line)
        else:
            break
        alone = False
        end -= 1
    if not (slogans or links or when):
        return lines, Closing()
    joined = "".join(part + sep for part, sep in zip(signature, [*glue, ""])) or None
    body = [*lines[:end], "", *tags] if tags else lines[:end]
    return body, Closing(tuple(slogans), joined, when, tuple(links), when_line)


def _signature_goes_on(count: int, glue: list[str], alone: bool) -> bool:
    """Whether a line may join the ``count`` signature lines read so far (``glue`` between them; ``alone``:
    a blank line after this one): a first line, a second (a wrapped name, or two signatories), or one
    more signatory when every line stands alone."""
    if count < 2:
        return True
    return alone and all(g == "\n" for g in glue) and count < _SIGNATORIES


def _signatory_list(lines: list[str], end: int) -> int | None:
    """Where a list of signatories ending at ``end`` starts: two or more consecutive lines, each a name (see
    ``_is_name``), up to ``_SIGNATORIES``, after an optional label line ("Signed:", "Signataires :") and
    after a blank line, a finished sentence or a slogan (a name and a role, "Maria Lopez" then "General
    Secretary", are two lines too); None: no list."""
    start = end
    while start > 0 and end - start < _SIGNATORIES and _is_name(lines[start - 1].strip()):
        start -= 1
    if end - start < 2:
        return None
    if start > 0 and _LABELS.fullmatch(lines[start - 1].strip()):
        start -= 1
    above = lines[start - 1].strip() if start > 0 else ""
    return start if not above or ends_sentence(above) or is_slogan(above, None) else None


def _is_name(line: str) -> bool:
    """A line that may be one signatory of a list: a name (see ``_name_like``) of one organisation, no date."""
    return line[:1].isalpha() and _name_like(line, _SIGNATORY_LENGTH) and parse_date(line) is None


def is_hashtag_line(line: str) -> bool:
    """A line of hashtags only, as the networks find them: "#FreeThemAll #StopExecutions"."""
    if not line.startswith(("#", "＃")) or len(line) > 300:
        return False
    return [e.text for e in find_entities(line) if e.kind == "hashtag"] == line.split()


def _closes(before: str) -> bool:
    """Whether a slogan may follow this line: a finished sentence, or another line of the closing block
    (slogans also come after the contact lines: "https://example.org" then "Long live solidarity!")."""
    return (
        ends_sentence(before)
        or contact_links(before) is not None
        or parse_date(before) is not None
        or is_hashtag_line(before)
    )


def contact_links(line: str) -> list[str] | None:
    """The links on a contact line (none for a phone line); None if the line is not a contact line."""
    if len(line) > 300:
        return None  # contact lines are short; and the link pattern is only run on short lines
    text = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u202f", " ").strip()
    phone = _PHONE_LABEL.match(text)
    if phone and _PHONE.match(_ascii_digits(text[phone.end() :]).strip()):
        return []
    if _PHONE.match(_ascii_digits(text)) and text.lstrip()[:1] == "+":
        return []
    found = links_in(text)
    rest = LINK.sub(lambda m: " " if _is_link(m.group(0)) else m.group(0), text)
    if not found or not _SEPARATORS.match(_LABELS.sub(" ", rest)):
        return None  # words other than labels: a sentence that mentions an address, not a contact line
    return [link.rstrip(".,;:)!?") for link in found]


def links_in(text: str) -> list[str]:
    """The links in ``text``; a bare domain without a path counts only with a known TLD ("t.me/x",
    "example.org", but not the name "ver.di")."""
    return [m.group(0) for m in LINK.finditer(text) if _is_link(m.group(0))]


def _is_link(found: str) -> bool:
    if "/" in found or "@" in found or found.lower().startswith("www."):
        return True
    return found.rsplit(".", 1)[-1].lower() in _known_tlds()


@lru_cache(maxsize=1)
def _known_tlds() -> frozenset[str]:
    return frozenset(tlds())


def _ascii_digits(text: str) -> str:
    if not _OTHER_DIGIT.search(text):
        return text
    return "".join(str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" else c for c in text)


def ends_sentence(line: str) -> bool:
    core = line.rstrip().rstrip(CLOSERS)
    return core[-1:] in TERMINAL if core else False


def is_slogan(line: str, before: str | None) -> bool:
    core = line.rstrip(CLOSERS)
    return core.endswith(("!", "！")) and len(line) <= 100 and (before is None or ends_sentence(before))


# A name may end in an abbreviation: "Solidaritätskreis e.V.", "Union S.A.", "Workers Ltd."
_ABBREVIATED_END = re.compile(r"(?:^|\s)(?:(?:[^\W\d_]{1,2}\.){2,3}|(?:Inc|Ltd|Co|Corp|Assn|Ass)\.)$")


def _name_like(line: str, longest: int) -> bool:
    """A line that reads as a name: at most ``longest`` long; starting with a capital, another non-ASCII
    sign (a caseless script's letter) or a stylised lower-case name ("ver.di Betriebsgruppe"); no sentence or
    clause punctuation at its end unless an abbreviation ("… e.V."); no link (an address is a contact)."""
    if not line or len(line) > longest:
        return False
    first = line[0]
    if not (first.isupper() or not first.isascii() or _stylised(line)):
        return False
    if line[-1] in TERMINAL + ",;:،؛：，" and not _ABBREVIATED_END.search(line):
        return False
    return not links_in(line)


def _stylised(line: str) -> bool:
    """A lower-case name before capitals: "ver.di Betriebsgruppe", "iww Local 4"."""
    return line[0].isalpha() and any(word[:1].isupper() for word in line.split()[1:3])


def _is_signature(line: str, before: str | None) -> bool:
    if not _name_like(line, 120):
        return False
    return before is None or ends_sentence(before) or is_slogan(before, None) or is_hashtag_line(before)
