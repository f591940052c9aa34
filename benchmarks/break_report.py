"""Where threads break, judged as an editor would: weak breaks, widows, orphans, headings, stubs.

Run: .venv/bin/python benchmarks/break_report.py [--seed | --corpus] [-v]

For the bundled example (the accounts of config/bot.yaml) and the multilingual corpus
(tests/fixtures/texts, each network at its defaults) it prints, per thread: posts, the
fewest possible ("fewest": greedy filling with the network's real counter, breaking at any
gap between words and, in text without spaces, at any ICU line-break opportunity), posts
ending mid-sentence, weak breaks, widows, orphans, headings or lead-ins left at a post's
end, mid-thread stubs, posts over the limit and words lost. ``-v`` lists every fault.

The judge is independent of the splitter: it reads the closed-class word lists of
tests/fixtures/texts/break_words.md and looks only at the posts' text, so the same script
measures the splitter before and after a change.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.errors import BotError  # noqa: E402
from bot.model import Account, Organisation, Statement, Thread  # noqa: E402
from bot.networks.registry import account_rules, network_of, platform_rules  # noqa: E402
from bot.text.counting import Rules  # noqa: E402
from bot.text.reading import read_statement  # noqa: E402
from bot.text.threads import build_thread  # noqa: E402

SEED = ROOT / "statements" / "2020-01-04-iaswi-soleimani-assassination.txt"
CORPUS = ROOT / "tests" / "fixtures" / "texts"
WORDS_MD = CORPUS / "break_words.md"
NETWORKS = ("x", "mastodon", "bluesky")
SKIP = ("README.md", "break_words.md", "line_break_samples.txt")

TERMINAL = ".!?…؟۔！？。"
CLAUSE = ",;:—–،؛、，；："
CLOSERS = "\"'”’»)]}›」』）》“‘"  # „…“ and ‚…‘ close with “ ‘
OPENERS = "\"'“‘«([{‹¿¡「『（《"
ABBREVIATIONS = frozenset("mr. mrs. ms. dr. prof. st. jr. vs. e.g. i.e. no. u.s. u.k. p.m. a.m. etc. med.".split())
NO_SPACE = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
NUMBER = re.compile(r"^[(\[]?[-−+$€£]?[\d\u0660-\u0669\u06f0-\u06f9][\d\u0660-\u0669\u06f0-\u06f9.,٫٬ ]*%?$")
MONTHS = frozenset(
    "january february march april may june july august september october november december janvier février mars "
    "avril mai juin juillet août septembre octobre novembre décembre enero febrero marzo abril mayo junio julio "
    "agosto septiembre octubre noviembre diciembre januar februar märz juni juli oktober dezember".split()
)
NUMBERING = re.compile(r"\n\(?\d+/\d+\)?$")
LEAD_IN = re.compile(r"(?:[:：]|ดังนี้)\s*$")


def closed_class_words(wanted: str) -> dict[str, list[tuple[str, ...]]]:
    """language -> the word sequences of break_words.md part ``wanted``: A, do not break after; B,
    conjunctions and relative pronouns (good to break before, weak to break after)."""
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    lang, part = "", ""
    for line in WORDS_MD.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"## .*\((\w+)\)", line):
            lang, part = m.group(1), ""
        elif line.startswith("### "):
            part = line[4]
        elif part == wanted and line.startswith("- ") and ":" in line and "never break before" not in line:
            for item in line.split(":", 1)[1].split("·"):
                item = item.strip().lower()
                if item and not item.endswith("-") and "(" not in item:
                    out[lang].append(tuple(item.split()))
    return out


def never_before() -> dict[str, set[str]]:
    """language -> words a post must not start with (break_words.md: "never break before X")."""
    out: dict[str, set[str]] = defaultdict(set)
    lang = ""
    for line in WORDS_MD.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"## .*\((\w+)\)", line):
            lang = m.group(1)
        elif m := re.search(r"never break before ([^(]+)", line):
            out[lang].update(w.strip().lower() for w in m.group(1).split("·") if w.strip())
    return out


CLOSED, CONJUNCTIONS, NEVER_BEFORE = closed_class_words("A"), closed_class_words("B"), never_before()


@dataclass
class Judged:
    posts: int = 0
    fewest: int = 0
    mid: int = 0
    over: int = 0
    lost: int = 0
    weak: list[str] = field(default_factory=list)
    widows: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    stubs: list[str] = field(default_factory=list)
    error: str = ""


def body(text: str) -> str:
    return NUMBERING.sub("", text).strip()


def bare(word: str) -> str:
    return word.strip(CLOSERS + OPENERS + "*_").lower()


def words_of(text: str) -> list[str]:
    """Words for counting widows and orphans: whitespace tokens, or ICU words in text without spaces."""
    if NO_SPACE.search(text):
        from icu4py.breakers import WordBreaker

        return [w for w in WordBreaker(text, "zh") if any(c.isalnum() for c in w)]
    return [w for w in text.split() if any(c.isalnum() for c in w)]


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end in ``text``."""
    ends = []
    closers = re.escape(CLOSERS)
    for m in re.finditer(r"[.!?…؟۔](?=[" + closers + r"]*(\s|$))|[！？。][" + closers + "]*", text):
        end = m.end()
        while end < len(text) and text[end] in CLOSERS:
            end += 1
        word = text[: m.end()].split()[-1] if text[: m.end()].split() else ""
        if m.group(0) == "." and (bare(word) in ABBREVIATIONS or re.fullmatch(r"\w\.", bare(word))):
            continue  # "Dr.", and initials ("J.", Russian "т. е.")
        ends.append(end)
    return ends


def ends_mid_sentence(text: str) -> bool:
    core = text.rstrip().rstrip(CLOSERS + "\u00a0\u202f")  # French: "vivants.\u00a0»"
    return bool(core) and core[-1] not in TERMINAL


def weak_break(before: str, after: str, lang: str) -> str | None:
    """Why the gap between two posts' texts is weak, or None."""
    tail = before.rstrip()
    if not tail or tail[-1] in TERMINAL or tail.rstrip(CLOSERS)[-1:] in TERMINAL:
        return None
    if re.match(r"^\s*(?:[-•*]|\d+[.)]|#)", after) or LEAD_IN.search(tail.splitlines()[-1]):
        return None  # a new line item or heading: the gap is a line end (lead-ins are counted as headings)
    base = lang.split("-")[0]
    if NO_SPACE.search(tail[-1]):
        for item in CLOSED.get(base, []) if base == "zh" else []:
            if tail.endswith("".join(item)):
                return f"after {''.join(item)!r}"
        if tail[-1].isdigit() and after[:1].isdigit():
            return "inside a number"
        return None
    toks = tail.split()
    nxt = after.split()[0] if after.split() else ""
    last = toks[-1]
    if last[-1] in CLAUSE or last.rstrip(CLOSERS)[-1:] in CLAUSE:
        day, year = re.fullmatch(r"\d{1,2},", last), re.fullmatch(r"\d{4}\W*", nxt)
        if day and year and len(toks) > 1 and bare(toks[-2]) in MONTHS:
            return "inside a date"
        return None
    low = [bare(t) for t in toks]
    for item in CLOSED.get(base, []):
        if tuple(low[-len(item) :]) == item:
            return f"after {' '.join(item)!r}"
    for item in CONJUNCTIONS.get(base, []):
        if tuple(low[-len(item) :]) == item:
            return f"after the conjunction {' '.join(item)!r}"
    if bare(nxt) in NEVER_BEFORE.get(base, ()):
        return f"before {bare(nxt)!r}"
    if NUMBER.match(last):
        return "after a number"
    if bare(last) in MONTHS and re.match(r"\d", nxt):
        return "inside a date"
    first = nxt.lstrip(OPENERS)[:1]
    if last[:1].isupper() and first.isupper():
        return "inside a name"
    return None


def tokens(texts: list[str]) -> list[str]:
    """Every unit between break opportunities, each with the whitespace after it (a post's end: a space)."""
    out = []
    for text in texts:
        parts = re.findall(r"\S+\s*", text)
        for part in parts:
            word = part.rstrip()
            if NO_SPACE.search(word) and "://" not in word and "@" not in word and "#" not in word:
                from icu4py.breakers import LineBreaker

                pieces = list(LineBreaker(word, "ja@lb=strict" if re.search("[\u3040-\u30ff]", word) else "zh"))
                out.extend(pieces[:-1])
                out.append(pieces[-1] + part[len(word) :])
            else:
                out.append(part)
        if out:
            out[-1] = out[-1].rstrip() + " "
    return out


def fewest(texts: list[str], rules: Rules, numbering: str | None) -> int:
    """Posts a greedy filling needs, numbering included (a one-post thread has none)."""
    units = tokens(texts)
    whole = "".join(units).strip()
    if rules.fits(whole):
        return 1
    for n_guess in (9, 99, 999):
        posts, current = 0, ""
        for unit in units:
            trial = current + unit
            tag = "\n" + numbering.format(i=n_guess, n=n_guess) if numbering else ""
            if current and not rules.fits(trial.strip() + tag):
                posts += 1
                current = unit
            else:
                current = trial
        posts += 1
        if posts <= n_guess:
            return posts
    return posts


def source_text(statement: Statement) -> str:
    """What the thread must carry; a Markdown heading's "## " is not posted, its text is."""
    paragraphs = (MARKDOWN_HEADING.sub("", p) for p in statement.paragraphs)
    return " ".join(
        (statement.hook or statement.title, *paragraphs, *statement.slogans, statement.signature or "")
        + statement.links
    )


MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+")


UNIT = re.compile(NO_SPACE.pattern + r"|[^\W\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+|\S", re.UNICODE)


def lost_words(statement: Statement, texts: list[str]) -> int:
    """Units of the statement (words; single characters in text without spaces) missing from the thread,
    in order. Hashtags and the date line a thread adds are extra, not lost."""
    want = UNIT.findall(source_text(statement))
    got = UNIT.findall(" ".join(texts))
    matcher = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
    return len(want) - sum(block.size for block in matcher.get_matching_blocks())


def judge(statement: Statement, thread: Thread, rules: Rules, numbering: str | None) -> Judged:
    texts = [body(p.text) for p in thread.posts]
    n = len(texts)
    j = Judged(posts=n, fewest=fewest(texts, rules, numbering))
    j.over = sum(not rules.fits(p.text) for p in thread.posts)
    j.lost = lost_words(statement, texts)
    j.mid = sum(ends_mid_sentence(t) for t in texts[:-1])
    lang = statement.language
    for k in range(n - 1):
        before, after = texts[k], texts[k + 1]
        where = f"post {k + 1}: …{before[-40:]!r} | {after[:30]!r}…"
        last_line = before.splitlines()[-1] if before else ""
        if last_line.lstrip().startswith("#") or LEAD_IN.search(last_line):
            j.headings.append(where)
            continue
        if why := weak_break(before, after, lang):
            j.weak.append(f"{why}: {where}")
        if ends_mid_sentence(before) and not re.match(r"^\s*(?:[-•*]|\d+[.)]|#)", after):
            ends = sentence_ends(before)
            para = max(before.rfind("\n"), -1) + 1
            start = max([e for e in ends if e < len(before)] + [para])
            tail = before[start:]
            if len(words_of(tail)) <= 3 and (start > 0 or k == 0):
                j.orphans.append(where)
            first_end = next(iter(sentence_ends(after)), None)
            head = after[:first_end] if first_end is not None else after.split("\n")[0]
            if first_end is not None and "\n" not in head and len(words_of(head)) <= 3:
                j.widows.append(where)
        if 0 < k + 1 < n - 1 and rules.count(thread.posts[k + 1].text) < rules.limit / 3:
            j.stubs.append(f"post {k + 2}: {rules.count(thread.posts[k + 1].text)}/{rules.limit}")
    return j


def cases(which: str) -> list[tuple[str, Statement, Account, Organisation, Rules]]:
    out = []
    if which in ("seed", "all"):
        config = load_config(ROOT / "config" / "bot.yaml")
        statement = read_statement(SEED, config.tz)
        for account in config.accounts:
            if account.platform in NETWORKS:
                out.append(("seed", statement, account, config.organisation, account_rules(account)))
    if which in ("corpus", "all"):
        for path in sorted(CORPUS.iterdir()):
            if path.suffix in (".md", ".txt") and path.name not in SKIP:
                statement = read_statement(path)
                for platform in NETWORKS:
                    account = Account(name=platform, platform=platform)
                    out.append((path.stem, statement, account, Organisation(), platform_rules(platform)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--seed", action="store_const", const="seed", dest="which")
    group.add_argument("--corpus", action="store_const", const="corpus", dest="which")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    head = f"{'statement':30} {'net':8} {'posts':>5} {'fewest':>6} {'mid':>4} {'weak':>4} {'widow':>5} {'orph':>4} "
    print(head + f"{'head':>4} {'stub':>4} {'over':>4} {'lost':>4}")
    per_language: dict[str, list[int]] = defaultdict(lambda: [0] * 8)
    for name, statement, account, organisation, rules in cases(args.which or "all"):
        account = replace(account, prices=account.prices or network_of(account.platform).prices)  # as planned
        try:
            thread = build_thread(statement, account, organisation, rules)
        except BotError as e:
            print(f"{name[:30]:30} {account.platform:8} error: {e}")
            continue
        j = judge(statement, thread, rules, account.numbering)
        row = [j.posts, len(j.weak), len(j.widows), len(j.orphans), len(j.headings), len(j.stubs), j.over, j.lost]
        print(
            f"{name[:30]:30} {account.platform:8} {j.posts:>5} {j.fewest:>6} {j.mid:>4} {len(j.weak):>4} "
            f"{len(j.widows):>5} {len(j.orphans):>4} {len(j.headings):>4} {len(j.stubs):>4} {j.over:>4} {j.lost:>4}"
        )
        if args.verbose:
            for label, items in (
                ("weak", j.weak),
                ("widow", j.widows),
                ("orphan", j.orphans),
                ("heading", j.headings),
                ("stub", j.stubs),
            ):
                for item in items:
                    print(f"    {label}: {item}")
        totals = per_language[statement.language if name != "seed" else "seed"]
        for i, v in enumerate(row):
            totals[i] += v
    labels = "weak widow orph head stub over lost".split()
    print(f"\n{'language':10} {'posts':>6} " + " ".join(f"{h:>5}" for h in labels))
    for lang, t in sorted(per_language.items()):
        print(f"{lang:10} " + " ".join(f"{v:>5}" if i else f"{v:>6}" for i, v in enumerate(t)))


if __name__ == "__main__":
    main()
