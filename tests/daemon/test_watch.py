"""The folder watcher, on a real temporary folder with real inotify events."""

import itertools
import os
import queue
import time
from pathlib import Path

import pytest

from bot.daemon.watch import FileEvent, Watcher
from bot.text.reading import is_statement_file

SETTLE = 0.3


@pytest.fixture
def watched(tmp_path):
    events: queue.SimpleQueue[tuple[FileEvent, bytes | None, float]] = queue.SimpleQueue()

    def emit(event: FileEvent) -> None:
        # Read at emit time, as the daemon does: this is what "complete" must mean.
        data = event.path.read_bytes() if event.kind != "deleted" else None
        events.put((event, data, time.monotonic()))

    watcher = Watcher(tmp_path, SETTLE, emit)
    watcher.start()
    yield tmp_path, events
    watcher.stop()


_sentinels = itertools.count()


def drain(folder: Path, events: queue.SimpleQueue) -> list:
    """Every event reported before a sentinel file written now.

    The watcher reports files in the order they settled, and the sentinel settles after
    every change made before it: so its event marks the end of theirs, with no guessing
    how long to wait for events that should not come.
    """
    sentinel = folder / f"zz-sentinel-{next(_sentinels)}.txt"
    sentinel.write_text("sentinel")
    out: list = []
    while True:
        item = events.get(timeout=10)
        event = item[0] if isinstance(item, tuple) else item
        if event.path.name == sentinel.name:
            return out
        out.append(item)


@pytest.mark.parametrize(
    "name, ok",
    [
        ("2020-01-04-statement.txt", True),
        ("s.md", True),
        ("s.PDF", True),
        (".hidden.txt", False),
        ("s.txt~", False),
        ("#s.txt#", False),
        (".s.txt.swp", False),
        ("s.txt.part", False),
        ("s.pdf.crdownload", False),
        ("s.txt.tmp", False),
        ("notes.docx", False),
        ("~lock.s.txt", False),
    ],
)
def test_only_statement_files_count(name, ok):
    assert is_statement_file(name) is ok


def test_file_written_slowly_in_chunks_is_reported_once_and_complete(watched):
    folder, events = watched
    chunks = [f"paragraph {i} ".encode() * 50 for i in range(8)]
    with open(folder / "slow.txt", "wb") as f:
        for chunk in chunks:
            f.write(chunk)
            f.flush()
            time.sleep(SETTLE / 3)  # pauses shorter than the settle time: still one write
    done = time.monotonic()
    got = drain(folder, events)
    assert [(e.kind, e.path.name) for e, _, _ in got] == [("created", "slow.txt")]
    _event, data, at = got[0]
    assert data == b"".join(chunks)
    assert at >= done + SETTLE * 0.9  # reported only once the file stopped changing


def test_new_file_is_reported_once_it_has_settled(watched):
    folder, events = watched
    (folder / "quick.md").write_text("# Title\n\nBody.\n")
    done = time.monotonic()
    ((event, _, at),) = drain(folder, events)  # how soon: benchmarks/bench_daemon.py
    assert event.kind == "created" and at >= done + SETTLE * 0.9


def test_partial_download_renamed_into_place_counts_as_new(watched):
    folder, events = watched
    part = folder / "download.pdf.crdownload"
    part.write_bytes(b"%PDF-1.4 partial")
    os.rename(part, folder / "download.pdf")
    got = drain(folder, events)
    assert [(e.kind, e.path.name) for e, _, _ in got] == [("created", "download.pdf")]


def test_file_moved_in_from_elsewhere_counts_as_new(watched, tmp_path_factory):
    folder, events = watched
    outside = tmp_path_factory.mktemp("outside") / "moved.txt"
    outside.write_text("text")
    os.rename(outside, folder / "moved.txt")
    assert [(e.kind, e.path.name) for e, _, _ in drain(folder, events)] == [("created", "moved.txt")]


def test_temp_files_and_dotfiles_are_ignored(watched):
    folder, events = watched
    for name in (".s.txt.swp", "s.txt~", "#s.txt#", ".hidden.md", "s.txt.part", "x.tmp"):
        (folder / name).write_text("junk")
    assert drain(folder, events) == []


def test_edit_then_delete_then_rename(watched):
    folder, events = watched
    path = folder / "a.txt"
    path.write_text("one")
    assert [e.kind for e, _, _ in drain(folder, events)] == ["created"]
    path.write_text("two")
    ((event, data, _),) = drain(folder, events)
    assert (event.kind, data) == ("modified", b"two")
    os.rename(path, folder / "b.txt")
    ((event, _, _),) = drain(folder, events)
    assert (event.kind, event.path.name, event.src.name) == ("moved", "b.txt", "a.txt")
    (folder / "b.txt").unlink()
    ((event, data, _),) = drain(folder, events)
    assert (event.kind, event.path.name, data) == ("deleted", "b.txt", None)


def test_editor_save_by_rename_is_an_edit_not_a_deletion(watched):
    folder, events = watched
    path = folder / "e.txt"
    path.write_text("first")
    drain(folder, events)
    os.rename(path, folder / "e.txt~")  # the backup, as vim makes it
    path.write_text("second")
    ((event, data, _),) = drain(folder, events)
    assert (event.kind, data) == ("modified", b"second")


def test_files_present_at_start_are_known_not_new(tmp_path):
    (tmp_path / "old.txt").write_text("old")
    seen: queue.SimpleQueue[FileEvent] = queue.SimpleQueue()
    watcher = Watcher(tmp_path, SETTLE, seen.put)
    assert watcher.start() == [Path(tmp_path / "old.txt").resolve()]
    try:
        (tmp_path / "old.txt").write_text("edited")
        got = drain(tmp_path, seen)
    finally:
        watcher.stop()
    assert [e.kind for e in got] == ["modified"]
