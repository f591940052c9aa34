"""Read and split many statement files, in parallel processes when there are many.

Results come back in the order of the paths; a bad file is a result too (its one-line
error), so one bad statement never stops the rest.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import BotError, ConfigError, SplitError, StatementError
from bot.model import Statement, Thread

if TYPE_CHECKING:
    from bot.config import Config
    from bot.networks.base import Limits

# Below this many files a pool costs more than it saves.
PARALLEL_FROM = 64


@dataclass(frozen=True)
class Split:
    """One file's outcome: its statement and threads, or the error that stopped it."""

    path: Path
    statement: Statement | None = None
    threads: tuple[Thread, ...] = ()
    error: str | None = None


def split_file(
    path: Path,
    config: Config,
    accounts: Sequence[str] | None = None,
    platform: str | None = None,
    reported: Mapping[str, Limits] | None = None,
    sent: Mapping[str, Collection[str]] | None = None,
) -> Split:
    """Read one statement and plan its threads; errors become ``Split.error``.

    ``reported`` maps account names to the limits their network last reported, ``sent`` to the texts
    they already posted (both from the journal).
    """
    from bot.planning import plan_threads
    from bot.text.reading import read_statement

    try:
        statement = read_statement(path, config.tz)
        threads = plan_threads(statement, config, accounts, platform, reported, sent)
    except (StatementError, ConfigError, SplitError) as e:  # their messages name the file already
        return Split(path, error=str(e))
    except BotError as e:
        return Split(path, error=f"{path}: {e}")
    except Exception as e:  # a bug met by one file must not stop the others: one line, traceback at debug
        import logging

        logging.getLogger("statement-bot.preview").debug("planning %s failed", path, exc_info=True)
        return Split(path, error=f"{path}: could not be planned: unexpected {type(e).__name__}; a statement-bot bug")
    return Split(path, statement, tuple(threads))


def split_files(
    paths: Sequence[Path],
    config: Config,
    accounts: Sequence[str] | None = None,
    platform: str | None = None,
    reported: Mapping[str, Limits] | None = None,
    sent: Mapping[str, Collection[str]] | None = None,
) -> Iterator[Split]:
    """``split_file`` for every path, in order; uses every core for large batches."""
    work = partial(split_file, config=config, accounts=accounts, platform=platform, reported=reported, sent=sent)
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers == 1:
        yield from map(work, paths)
        return
    import multiprocessing

    # fork: the children inherit the imported modules and warm caches, so they start at once.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(work, paths, chunksize=16)
