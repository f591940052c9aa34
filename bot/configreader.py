"""Typed reading of one mapping of the config file: every error names the file and the key."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from bot.configchecks import format_problem, number_problem
from bot.errors import ConfigError
from bot.text.frontmatter import Invalid, describe, shown


class Reader:
    """Typed access to one mapping of the file, with errors naming file and key."""

    def __init__(self, path: Path, where: str, data: Any, allowed: set[str]):
        self.path, self.where = path, where
        if not isinstance(data, dict):
            self.fail(where or "top level", "must be a mapping")
        unknown = sorted((str(k) for k in set(data) - allowed), key=str)
        if unknown:
            self.fail(self.key(shown(unknown[0])[1:-1]), f"unknown key (allowed: {', '.join(sorted(allowed))})")
        self.data = data

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def fail(self, key: str, problem: str) -> None:
        raise ConfigError(f"{self.path}: {key}: {problem}")

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None, required: bool = False) -> Any:
        if name not in self.data or self.data[name] is None:
            if required:
                self.fail(self.key(name), "is required")
            return default
        value = self.data[name]
        if isinstance(value, Invalid):
            self.fail(self.key(name), value.describe())
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            self.fail(self.key(name), f"must be {kind_name(kind)}, not a boolean")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(self.key(name), f"must be a finite number, not {value}")
        if not isinstance(value, kind):
            self.fail(self.key(name), f"must be {kind_name(kind)}, got {type(value).__name__} {shown(value)}")
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        values = self.get(name, list, [])
        for i, v in enumerate(values):
            if not isinstance(v, str):
                self.fail(f"{self.key(name)}[{i}]", f"must be a string, got {describe(v)}")
        return tuple(values)

    def positive(self, name: str, kind: type | tuple[type, ...], default: Any, maximum: float = 1e9) -> Any:
        """A number above 0 and at most ``maximum`` (by default a bound that keeps any time arithmetic in range)."""
        value = self.get(name, kind, default)
        problem = None if value is None else number_problem(value, maximum)
        if problem:
            self.fail(self.key(name), problem)
        return value

    def template(self, name: str, value: str, fields: dict[str, Any]) -> str:
        problem = format_problem(value, fields)
        if problem:
            self.fail(self.key(name), f"{shown(value)} {problem}")
        return value


def kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        bool: "true or false",
    }
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def hashtag(tag: str) -> str:
    return tag if tag.startswith("#") else "#" + tag
