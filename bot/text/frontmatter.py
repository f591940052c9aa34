"""Safe YAML for statement front matter and the config file: bounded, alias-free, never raising oddities.

``load_yaml`` refuses anchors and aliases outright (a 300-byte "billion laughs" file is
refused at its first ``&``, before anything is built), caps the text's size, turns a
nesting too deep for the parser into a clean error, and never lets a value's constructor
crash: an impossible value (``2020-02-30``, ``!!int x``, an hour of 25, an offset of
+25:00) becomes an ``Invalid`` marker, so the caller can say which key holds it.
Everything shown in a message goes through ``shown``, which caps its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from bot.errors import StatementError
from bot.text.controls import clean_controls

MAX_SHOWN = 60  # characters of a value quoted in an error message
MAX_DEPTH = 50  # levels of [ and { nesting: a config or front matter needs three
_QUOTED = re.compile(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"|#[^\n]*")
_BRACKETS = re.compile(r"[\[\]{}]")


class YamlProblem(Exception):
    """The text is not acceptable YAML; ``line`` is 1-based within the text (0 if unknown)."""

    def __init__(self, problem: str, line: int = 0, syntax: bool = False):
        super().__init__(problem)
        self.problem, self.line, self.syntax = problem, line, syntax


@dataclass(frozen=True)
class Invalid:
    """A scalar YAML typed but could not build: ``text`` as written, the type it was read as, and why."""

    text: str
    kind: str
    reason: str

    def describe(self) -> str:
        """'2020-02-30 is not a valid date (day is out of range for month)'."""
        return f"{shown(self.text)} is not a valid {self.kind} ({clip(self.reason, 70)})"


_KINDS = {
    "tag:yaml.org,2002:timestamp": "date or time",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:binary": "base64 value",
}


class _Loader(yaml.SafeLoader):
    """SafeLoader that composes no aliases and builds impossible scalars as ``Invalid``."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(f"aliases (*{clip(event.anchor or '', 20)}) are not allowed", line)
        if getattr(event, "anchor", None) is not None:
            raise YamlProblem(f"anchors (&{clip(event.anchor, 20)}) are not allowed", line)
        return super().compose_node(parent, index)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if not isinstance(node, ScalarNode):
            return super().construct_object(node, deep)
        was_deep = self.deep_construct
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except Exception as e:  # any constructor's crash on a scalar is that value's problem, not ours
            self.recursive_objects.pop(node, None)
            self.deep_construct = was_deep
            kind = _KINDS.get(node.tag, node.tag.rsplit(":", 1)[-1])
            reason = "not written as one" if isinstance(e, (AttributeError, KeyError)) else str(e)
            if reason.startswith("offset must be a timedelta"):  # Python's own words name its internals
                reason = "a UTC offset must be less than 24 hours"
            return Invalid(str(node.value), kind, reason or type(e).__name__)


def load_yaml(text: str, max_bytes: int) -> Any:
    """Parse ``text``; every problem is a ``YamlProblem`` with a short message and its line."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise YamlProblem(f"is too long ({size:,} bytes; limit {max_bytes:,})")
    if _flow_depth(text) > MAX_DEPTH:  # the parser's time grows with the square of the depth: refuse before
        raise YamlProblem(f"nests too deeply (more than {MAX_DEPTH} levels of [ or {{)")
    loader = None
    try:
        loader = _Loader(text)  # the reader already refuses some characters here
        return loader.get_single_data()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlProblem(clip(e.problem or e.context or "not valid YAML"), line, syntax=True) from None
    except yaml.YAMLError as e:
        raise YamlProblem(clip(str(e)) or "not valid YAML", syntax=True) from None
    except RecursionError:
        raise YamlProblem("nests too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def _flow_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest, quoted strings and comments left out (a close estimate, computed fast)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_QUOTED.sub("", text)):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def clip(text: str, limit: int = 120) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value for an error message: short, one line, never the whole of a huge value."""
    if isinstance(value, Invalid):
        return shown(value.text, limit)
    if isinstance(value, str):
        return repr(clip(value, limit))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return f"{len(value)} key{'s' if len(value) != 1 else ''}"
    if isinstance(value, (bytes, bytearray)):
        return f"{len(value)} bytes"
    return clip(repr(value), limit)


def describe(value: Any) -> str:
    """What a YAML value is, for 'must be …, got <this>': 'the number 5', 'true', 'a list of 3 items'."""
    if isinstance(value, Invalid):
        return f"an invalid {value.kind} {shown(value)}"
    if isinstance(value, bool) or value is None:
        return "true" if value else "false" if value is not None else "nothing"
    if isinstance(value, (int, float)):
        return f"the number {shown(value)}"
    if isinstance(value, str):
        return f"the text {shown(value)}"
    if isinstance(value, datetime):
        return f"the time {shown(value)}"
    if isinstance(value, date):
        return f"the date {shown(value)}"
    if isinstance(value, (list, tuple, set)):
        return f"a list of {shown(value)}"
    if isinstance(value, dict):
        return f"a mapping of {shown(value)}"
    return f"a {type(value).__name__}"


# -- statement front matter -----------------------------------------------------------

MAX_FRONT_MATTER = 64 << 10  # a front matter block is a few hundred bytes
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")
MAX_ID = 200


def parse_front_matter(block: str, name: str) -> dict[str, Any]:
    """The mapping in a front matter block (the text between the ``---`` lines)."""
    try:
        data = load_yaml(block, MAX_FRONT_MATTER)
    except YamlProblem as e:
        where = f" at line {e.line + 1}" if e.line else ""  # + 1: the opening --- line
        what = "front matter is not valid YAML" if e.syntax else "front matter"
        raise StatementError(name, f"{what}{where}: {e.problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise StatementError(name, f"front matter must be a mapping of keys to values, not {describe(data)}")
    return data


def validate_front_matter(meta: dict[Any, Any], name: str, keys: dict[str, Any]) -> dict[str, Any]:
    """Each key checked against ``keys`` (key -> expected type) and converted; errors name the key."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        kind = keys.get(key) if isinstance(key, str) else None
        if kind is None:
            raise StatementError(name, f"front matter: unknown key {shown(key)} (allowed: {', '.join(sorted(keys))})")
        if value is None:
            continue
        out[key] = _coerce(key, value, kind, name)
    return out


def _coerce(key: str, value: Any, kind: Any, name: str) -> Any:
    def bad(expected: str) -> StatementError:
        if isinstance(value, Invalid):
            return StatementError(name, f"front matter: {key}: {value.describe()}")
        return StatementError(name, f"front matter: {key} must be {expected}, got {describe(value)}")

    if kind is date:
        day = _as_date(value)
        if day is None:
            raise bad("a date like 2020-01-04")
        return _in_range(key, day, name)
    if kind is datetime:
        moment = _as_datetime(value)
        if moment is None:
            raise bad("an ISO 8601 time like 2026-01-04T09:00 or 2026-01-04T09:00+01:00")
        return _in_range(key, moment, name)
    if key == "anniversary":
        if isinstance(value, str) and value.strip() in ("yearly", "none"):
            return value.strip()
        if not isinstance(value, list):
            raise bad("yearly, none or a list of dates (one date is written [2027-01-04])")
        return tuple(_coerce(key, v, date, name) for v in value)
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return [clean_controls(v).strip() for v in value]
    if not isinstance(value, str):
        raise bad("a string")
    text = clean_controls(value).strip()
    if key == "language" and not _LANGUAGE.fullmatch(text):
        raise bad("a language code like en, fa or pt-BR")
    if key == "id" and not (0 < len(text) <= MAX_ID and text.isprintable()):
        raise bad(f"a name of 1 to {MAX_ID} characters on one line")
    return text


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _in_range(key: str, value: Any, name: str) -> Any:
    """Dates a year from either end of what Python can hold, so converting zones or adding a year never overflows."""
    if not 1 < value.year < 9999:
        raise StatementError(name, f"front matter: {key}: {value.isoformat()} is out of range (years 2 to 9998)")
    return value
