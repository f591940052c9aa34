"""Checks of config values that look right but would fail later: format templates, numbers, paths.

Each returns the problem in a few words, or None; ``bot.config`` puts the file and the key
in front of it. Found at load time, a bad value is one error line, not a crash in the
middle of a thread or a watch thread dying quietly.
"""

from __future__ import annotations

import math
import os
import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MAX_SPEC_NUMBER = 999  # a width or precision in a format spec; more would build huge strings


def format_problem(template: str, sample: Mapping[str, Any]) -> str | None:
    """Why ``template`` cannot be filled from ``sample``'s fields alone (plain ``{name}`` fields only), or None."""
    names = ", ".join("{" + k + "}" for k in sample)
    try:
        for _, field, spec, _ in string.Formatter().parse(template):
            if field is None:
                continue
            if field == "" or field.isdigit():
                return f"has a positional field {{{field}}}; use {names}"
            if field not in sample:
                shown = field if len(field) <= 30 else field[:29] + "…"
                return f"has an unknown field {{{shown}}} (use {names}; write a literal brace as {{{{ or }}}})"
            if spec and any(int(n) > MAX_SPEC_NUMBER for n in re.findall(r"\d+", spec)):
                return f"{{{field}:{spec[:20]}}} asks for a width over {MAX_SPEC_NUMBER}"
        template.format_map(sample)
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as e:
        return f"is not a valid template ({str(e)[:80]}); write a literal brace as {{{{ or }}}}"
    return None


def number_problem(value: float, maximum: float | None = None) -> str | None:
    """Why a duration or count is unusable: not finite, not above 0, or over ``maximum``."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, not {value}"
    if value <= 0:
        return "must be greater than 0"
    if maximum is not None and value > maximum:
        return f"must be at most {maximum:g}"
    return None


def state_problem(state: Path) -> str | None:
    """Why the journal cannot live at ``state``: a folder there, or a folder the bot cannot write."""
    if state.is_dir():
        return f"{state} is a folder; name the journal file in it, e.g. {state / 'statement-bot.sqlite3'}"
    if state.exists() and not os.access(state, os.R_OK | os.W_OK):
        return f"{state} cannot be read and written by this user"
    folder = state.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is not a folder, so {state} cannot be made"
    if not os.access(folder, os.W_OK | os.X_OK):
        # The journal writes beside itself too (-wal, -shm, .lock files), so the folder must be writable.
        return f"the folder {folder} is read-only for this user, so the journal cannot be written"
    return None


def statements_dir_problem(folder: Path, must_exist: bool) -> str | None:
    """Why ``folder`` cannot be the statements folder: a file, or (when it must exist) missing."""
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder"
    if must_exist and not folder.exists():
        return f"the folder {folder} does not exist (create it, or correct statements_dir)"
    return None
