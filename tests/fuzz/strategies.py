"""Structure-aware generators (hypothesis) for statements and configs: the shapes a hostile or careless
file takes, not random bytes. YAML is written out by hand so that it can hold what no YAML dumper writes:
impossible dates, wrong tags, anchors and aliases, deep nesting, escapes of control characters."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.text.statement import FRONT_MATTER_KEYS

# -- YAML values -------------------------------------------------------------------

IMPOSSIBLE_DATES = ["2020-02-30", "2020-13-01", "0000-01-01", "2021-02-29", "9999-12-31", "2020-00-10", "1-1-1"]
IMPOSSIBLE_TIMES = [
    "2026-01-04T25:00:00",
    "2026-01-04T10:61:00",
    "2026-01-04T10:00:00+25:00",
    "2026-01-04T10:00:00-24:00",
    "2026-01-04 10:00:00.9999999999999",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+05:00",
    "2026-01-04t10:00:00z",
]
TAGGED = [
    "!!int x",
    "!!int 0x",
    "!!float nope",
    "!!bool maybe",
    "!!timestamp yesterday",
    "!!binary '!!'",
    "!!null x",
    "!!str 5",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!python/object:os.system x",
    "!foo bar",
    "!!merge x",
    "!!int " + "9" * 5000,
]
SCALARS = [
    "5",
    "-0",
    "1e999",
    ".nan",
    ".inf",
    "-.inf",
    "true",
    "no",
    "~",
    "null",
    "''",
    '""',
    "0o777",
    "0x_ff",
    "2020-01-04",
    "2026-01-04T09:00:00+01:00",
    "yearly",
    "none",
    "en",
    "fa",
]
ESCAPES = [
    "\\e[31m",
    "\\a",
    "\\b",
    "\\0",
    "\\x85",
    "\\u202e",
    "\\ud800",
    "\\uFEFF",
    "\\t",
    "\\N",
    "\\L",
    "\\P",
    "\\x7f",
]


def _quoted(parts: list[str]) -> str:
    return '"' + "".join(parts) + '"'


words = st.text(st.characters(codec="utf-8", exclude_characters="\n\r\x00"), min_size=0, max_size=12).map(
    lambda s: "'" + s.replace("'", "''") + "'"
)


def yaml_values(depth: int = 0) -> st.SearchStrategy[str]:
    """One YAML value as text, possibly nested, possibly hostile."""
    leaves = st.one_of(
        st.sampled_from(SCALARS),
        st.sampled_from(IMPOSSIBLE_DATES),
        st.sampled_from(IMPOSSIBLE_TIMES),
        st.sampled_from(TAGGED),
        st.lists(st.sampled_from(ESCAPES) | st.text("abc é", max_size=3), max_size=5).map(_quoted),
        words,
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.integers(min_value=1, max_value=200_000).map(lambda n: "x" * n),  # a huge word
    )
    if depth >= 2:
        return leaves
    inner = yaml_values(depth + 1)
    return st.one_of(
        leaves,
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
        ),
        st.integers(min_value=50, max_value=30_000).map(lambda n: "[" * n + "]" * n),  # deep nesting
    )


keys = st.sampled_from(sorted(FRONT_MATTER_KEYS)) | st.sampled_from(["tittle", "? [a]", "1", "<<", "Title", "id "])


def billion_laughs(levels: int) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for i in range(1, levels):
        lines.append(f"{names[i]}: &{names[i]} [{', '.join(['*' + names[i - 1]] * 9)}]")
    return "\n".join(lines)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """A front matter block (without the --- lines): keys from the real set and typos, hostile values."""
    shape = draw(st.sampled_from(["mapping", "mapping", "mapping", "laughs", "alias", "not a mapping", "broken"]))
    if shape == "laughs":
        return billion_laughs(draw(st.integers(2, 9)))
    if shape == "alias":
        return f"title: &t {draw(yaml_values())}\nhook: *t"
    if shape == "not a mapping":
        return draw(yaml_values())
    items = draw(st.lists(st.tuples(keys, yaml_values()), min_size=1, max_size=6))
    text = "\n".join(f"{k}: {v}" for k, v in items)
    if shape == "broken":
        cut = draw(st.integers(0, max(len(text) - 1, 0)))
        text = text[:cut] + draw(st.sampled_from(["[", "{", ": :", "\t", "'", "&", "*", "- x\ny: 1"])) + text[cut:]
    return text


# -- statement text --------------------------------------------------------------------

LATIN = "abcdefghijklmnopqrstuvwxyz ÉéàçñüßØ"
PERSIAN = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیي"
CJK = "我们工人团结起来反对战争和制裁罢工"
THAI = "ประเทศไทยแรงงานนัดหยุดงาน"
EMOJI = ["✊🏽", "👩‍👩‍👧‍👦", "🇮🇷", "❤️", "🏳️‍🌈"]
CONTROLS = [chr(c) for c in (*range(9), 11, 12, *range(14, 32), 127, *range(128, 160))]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]
MARKS = ["\u0301", "\u0308", "\u064b", "\u0670", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"]
TOKENS = ["https://example.org/a?b=c#d", "example.com", "@user", "@user@masto.example", "#NoWar", "e.g.", "U.S.", "1/2"]


def _run(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), min_size=1, max_size=40)


piece = st.one_of(
    _run(LATIN),
    _run(PERSIAN),
    _run(CJK),
    _run(THAI),
    st.sampled_from(EMOJI),
    st.sampled_from(CONTROLS),
    st.sampled_from(BIDI),
    st.sampled_from(MARKS),
    st.sampled_from(TOKENS),
    st.sampled_from([" ", " ", "\n", "\n\n", "\t", "\r\n", "\r", ". ", "! ", "؟ ", "— "]),
    st.integers(min_value=300, max_value=200_000).map(lambda n: "w" * n),  # one word longer than any post
    st.integers(min_value=100, max_value=3000).map(lambda n: "我" * n),  # no spaces at all
)


@st.composite
def statement_text(draw: st.DrawFn) -> str:
    """A statement body: scripts mixed, controls and bidi marks, huge words, no-space scripts."""
    body = "".join(draw(st.lists(piece, min_size=1, max_size=40)))
    if draw(st.booleans()):
        body = f"---\ntitle: {draw(words)}\n---\n" + body
    return body


# -- configs ---------------------------------------------------------------------------

ACCOUNT_KEYS = ["name", "platform", "handle", "instance", "limit", "max_posts", "posts_per_day", "numbering",
                "hashtags", "credentials", "visibility", "spoiler_text", "api_base", "nope"]  # fmt: skip
TEMPLATES = ["'{i}/{n}'", "'{i}/{n}/{x}'", "'{i}/{n} }'", "'{}'", "'{0}'", "'{i.real}'", "'{i:>999999}'", "'{i!r}'",
             "'{id}'", "'{years} {nope}'", "'{title:d}'", "'{{i}}'", "false", "true"]  # fmt: skip
NUMBERS = ["0", "-1", "1", "0.5", ".nan", ".inf", "-.inf", "1.0e+300", "99999999999999999999", "true", "'5'", "[]"]


def _mapping(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


account = st.lists(
    st.tuples(
        st.sampled_from(ACCOUNT_KEYS),
        st.one_of(
            st.sampled_from(["x", "mastodon", "bluesky", "telegram", "threads", "myspace", "a", "b"]),
            st.sampled_from(TEMPLATES),
            st.sampled_from(NUMBERS),
            st.just("{api_key: A, api_secret: B, access_token: C, access_secret: D, password: P, bot_token: T}"),
            yaml_values(1),
        ),
    ),
    max_size=8,
).map(_mapping)

SECTIONS = {
    "timezone": st.sampled_from(
        ["UTC", "Europe/Paris", "Mars/Olympus", "../../etc/passwd", "'" + "x" * 300 + "'", "5"]
    ),
    "statements_dir": st.sampled_from(["statements", "/dev/null", "''", "[a]", "/proc/sys"]),
    "state": st.sampled_from(["state/j.sqlite3", "/proc/sys/x/j.sqlite3", "/", "''", "5"]),
    "organisation": st.lists(
        st.tuples(
            st.sampled_from(["name", "slogans", "links", "hashtags", "statement_url_template", "x"]),
            st.sampled_from(TEMPLATES) | yaml_values(1),
        ),
        max_size=4,
    ).map(_mapping),
    "accounts": st.lists(account, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    "anniversary": st.lists(
        st.tuples(
            st.sampled_from(["default", "time", "templates"]),
            st.sampled_from(["yearly", "none", "'25:00'", "'10:00'", "['{years} {nope}']", "['{title}']"])
            | yaml_values(1),
        ),
        max_size=3,
    ).map(_mapping),
    "publishing": st.lists(
        st.tuples(
            st.sampled_from(["timeout_seconds", "max_attempts", "backoff_base_seconds", "backoff_max_seconds"]),
            st.sampled_from(NUMBERS),
        ),
        max_size=4,
    ).map(_mapping),
    "scheduler": st.lists(
        st.tuples(st.sampled_from(["grace_seconds", "settle_seconds"]), st.sampled_from(NUMBERS)), max_size=2
    ).map(_mapping),
}


@st.composite
def config_text(draw: st.DrawFn) -> str:
    """A config file: the real sections with hostile values, sometimes anchors or a broken line."""
    names = draw(st.lists(st.sampled_from(sorted(SECTIONS)), unique=True, max_size=len(SECTIONS)))
    text = "\n".join(f"{name}: {draw(SECTIONS[name])}" for name in names)
    extra = draw(st.sampled_from(["", "", "", "x: &a 1\ny: *a", "accounts: [", "\t- tab", billion_laughs(5)]))
    return text + "\n" + extra
