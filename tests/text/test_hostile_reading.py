"""Issue 11: every hostile statement file ends as one clean error line naming the file, fast, reading little."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import StatementError
from bot.text.controls import WORD_JOINER, clean_controls
from bot.text.reading import MAX_TEXT_BYTES, Unreadable, iter_statements, read_bounded, read_statement, statement_files

GOOD = "A statement that is fine. It has two sentences.\n"
ROOT = Path(__file__).resolve().parents[2]


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(StatementError) as caught:
        read_statement(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message and len(message) < 400, message
    return message


@pytest.mark.parametrize(
    "line, problem",
    [
        ("anniversary: 5", "anniversary must be yearly, none or a list of dates"),
        ("anniversary: true", "anniversary must be yearly, none or a list of dates"),
        ("anniversary: 2027-01-04", "one date is written [2027-01-04]"),
        ("date: 2020-02-30", "date: '2020-02-30' is not a valid date or time (day is out of range for month)"),
        ("date: 2020-13-01", "date: '2020-13-01' is not a valid date or time (month must be in 1..12)"),
        ("publish_at: 2026-01-04T25:00:00", "publish_at: '2026-01-04T25:00:00' is not a valid date or time (hour"),
        ("language: !!int x", "language: 'x' is not a valid integer"),
        ("date: 0000-01-01", "date: '0000-01-01' is not a valid date or time (year 0 is out of range)"),
        ("publish_at: 2026-01-04T10:00:00+25:00", "publish_at: '2026-01-04T10:00:00+25:00' is not a valid date"),
        ("publish_at: '2026-01-04T10:00:00+25:00'", "publish_at must be an ISO 8601 time"),
        ("date: 9999-12-31", "date: 9999-12-31 is out of range"),
        ("anniversary: [2020-02-30]", "anniversary: '2020-02-30' is not a valid date"),
        ("language: english please", "language must be a language code"),
        ("id: ''", "id must be a name of 1 to 200 characters"),
        ("slogans: {a: 1}", "slogans must be a list of strings, got a mapping of 1 key"),
        ("!!int x: 1", "unknown key 'x'"),
    ],
)
def test_impossible_front_matter_values_are_one_line_naming_the_key(tmp_path, line, problem):
    assert problem in error_of(write(tmp_path, "s.md", f"---\n{line}\n---\n{GOOD}"))


def test_a_bad_file_in_a_folder_preview_leaves_the_good_ones_previewed(tmp_path, capsys):
    write(tmp_path, "a.txt", GOOD)
    write(tmp_path, "b.md", f"---\ndate: 2020-02-30\n---\n{GOOD}")
    write(tmp_path, "c.txt", GOOD)
    assert main(["preview", str(tmp_path), "--platform", "mastodon", "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2
    assert err.count("\n") == 1 and "b.md: front matter: date: '2020-02-30'" in err


def test_billion_laughs_is_refused_at_the_first_anchor_in_milliseconds(tmp_path):
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"{c}: &{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    path = write(tmp_path, "laughs.md", "---\n" + "\n".join(levels) + "\n---\nHi.\n")
    assert path.stat().st_size < 800
    started = time.perf_counter()
    assert "front matter at line 2: anchors (&a) are not allowed" in error_of(path)
    assert time.perf_counter() - started < 0.5


def test_an_alias_alone_is_refused_too(tmp_path):
    assert "aliases (*a) are not allowed" in error_of(write(tmp_path, "s.md", "---\ntitle: *a\n---\nHi.\n"))


def test_a_huge_value_is_never_shown_whole(tmp_path):
    message = error_of(write(tmp_path, "s.md", f"---\ndate: '{'9' * 60_000}'\n---\n{GOOD}"))
    assert "date must be a date" in message and len(message) < 300


def test_front_matter_over_64_kib_is_refused(tmp_path):
    assert "front matter: is too long" in error_of(write(tmp_path, "s.md", f"---\ntitle: {'x' * 70_000}\n---\nHi.\n"))


def test_deeply_nested_front_matter_is_a_clean_error(tmp_path):
    assert "nests too deeply" in error_of(write(tmp_path, "s.md", "---\ntitle: " + "[" * 20_000 + "\n---\nHi.\n"))


def test_a_fifo_is_refused_at_once_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    outcome: list[str] = []
    reader = threading.Thread(target=lambda: outcome.append(error_of(fifo)), daemon=True)
    reader.start()
    reader.join(5)
    assert outcome and "is a FIFO (named pipe), not a regular file" in outcome[0]


def test_a_link_to_dev_zero_is_refused_and_nothing_is_read(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert "is a symbolic link" in error_of(link)


def test_a_device_is_refused_even_where_links_are_followed_and_nothing_is_read():
    with pytest.raises(Unreadable, match="is a character device, not a regular file"):
        read_bounded("/dev/zero", MAX_TEXT_BYTES, follow_links=True)


def test_the_size_is_checked_while_reading_not_only_from_fstat():
    # /proc files report size 0: only counting while reading stops at limit + 1 bytes.
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(Unreadable, match="over the limit of 64 bytes"):
        read_bounded("/proc/self/maps", 64, follow_links=True)


def test_a_socket_is_refused(tmp_path):
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "s.md"))
        assert "is a socket, not a regular file" in error_of(tmp_path / "s.md")
    finally:
        server.close()


def test_links_in_a_folder_are_reported_never_read_and_folders_are_skipped(tmp_path):
    write(tmp_path, "good.txt", GOOD)
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    (tmp_path / "inside.txt").symlink_to(tmp_path / "good.txt")  # even a link inside the folder
    (tmp_path / "folder.md").mkdir()
    results = {p.name: r for p, r in iter_statements(tmp_path)}
    assert sorted(results) == ["good.txt", "inside.txt", "passwd.txt"]
    assert not isinstance(results["good.txt"], StatementError)
    for name in ("passwd.txt", "inside.txt"):
        assert isinstance(results[name], StatementError) and "is a symbolic link" in str(results[name])


def test_the_statements_folder_itself_may_be_a_link(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    write(real, "good.txt", GOOD)
    (tmp_path / "linked").symlink_to(real)
    assert [p.name for p in statement_files(tmp_path / "linked")] == ["good.txt"]
    assert read_statement(tmp_path / "linked" / "good.txt").paragraphs


def test_a_nul_anywhere_means_binary_not_only_in_the_first_8_kib(tmp_path):
    data = ("words " * 2000).encode() + b"\x00" + b"more words\n"
    assert "is binary data, not text (a NUL byte at offset 12,000)" in error_of(write(tmp_path, "late.txt", data))


def test_nul_in_utf16_text_is_binary_too(tmp_path):
    assert "binary" in error_of(write(tmp_path, "u16.txt", "\ufeffHello\x00there".encode("utf-16-le")))


def test_escape_bell_and_backspace_never_reach_posts_or_the_terminal(tmp_path, capsys):
    text = '---\ntitle: "Red \\e[31malert\\a"\n---\nStrike \x1b[2Jnow\x08\x08 and \x07again. Second\x0csentence here.\n'
    path = write(tmp_path, "ctl.md", text)
    statement = read_statement(path)
    assert statement.title == "Red [31malert"
    assert all(c.isprintable() or c in "\n\t" for c in statement.title + "".join(statement.paragraphs))
    assert main(["preview", str(path), "--platform", "x"]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x07\x08\x0c")


def test_control_characters_in_a_file_name_are_escaped_in_the_error(tmp_path):
    path = write(tmp_path, "evil\x1b[2J.txt", b"")
    with pytest.raises(StatementError) as caught:
        read_statement(path)
    assert "\x1b" not in str(caught.value) and "evil\\x1b[2J.txt: file is empty" in str(caught.value)


def test_feff_is_a_bom_at_the_start_and_a_word_joiner_inside_a_word():
    assert clean_controls("\ufeffno\ufeffbreak here \ufeffthere\ufeff\n\ufeffnext") == (
        f"no{WORD_JOINER}break here there\nnext"
    )


def test_line_and_page_breaks_become_newlines():
    assert clean_controls("a\r\nb\rc\x0bd\x85e\u2028f\x0cg\u2029h") == "a\nb\nc\nd\ne\nf\n\ng\n\nh"


def test_feff_never_reaches_a_post(tmp_path):
    statement = read_statement(write(tmp_path, "s.txt", "\ufeffTitle\n\nSolidarity\ufeffforever. Strike\ufeff now.\n"))
    assert "\ufeff" not in statement.title + "".join(statement.paragraphs)
    assert f"Solidarity{WORD_JOINER}forever" in statement.paragraphs[0]


class Boom(Exception):
    """Stands for any exception a PDF library may raise (pypdf's LimitReachedError and its kind)."""


@pytest.mark.parametrize(
    "error", [RecursionError(), MemoryError(), AssertionError(), Boom("limit reached"), KeyError(1)]
)
def test_whatever_pdf_extraction_raises_becomes_one_statement_error(tmp_path, monkeypatch, error):
    import bot.text.pdf

    def explode(data: bytes, name: str) -> str:
        raise error

    monkeypatch.setattr(bot.text.pdf, "pdf_text", explode, raising=False)
    message = error_of(write(tmp_path, "s.pdf", b"%PDF-1.7\n"))
    if isinstance(error, RecursionError):
        assert "is nested too deeply to read" in message
    elif isinstance(error, MemoryError):
        assert "needs too much memory to read" in message
    else:
        assert f"could not be read: unexpected {type(error).__name__}" in message and "statement-bot bug" in message


def test_valid_front_matter_still_reads(tmp_path):
    statement = read_statement(
        write(tmp_path, "s.md", "---\ndate: 2020-01-04\nlanguage: pt-BR\nanniversary: [2021-01-04]\n---\n" + GOOD)
    )
    assert (statement.date, statement.language, statement.anniversary) == (
        date(2020, 1, 4),
        "pt-br",
        (date(2021, 1, 4),),
    )


def test_preview_of_a_fifo_exits_2_at_once(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "preview", str(fifo), "--platform", "x"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 2
    assert done.stderr == f"statement-bot: {fifo}: is a FIFO (named pipe), not a regular file\n"


def test_preview_of_a_link_to_dev_zero_exits_2_without_reading(tmp_path, capsys):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert main(["preview", str(link), "--platform", "x"]) == 2
    assert capsys.readouterr().err == (
        f"statement-bot: {link}: is a symbolic link; statement files must be regular files, not links "
        "(copy the file in instead)\n"
    )


@pytest.mark.parametrize(
    "label",
    [
        pytest.param("flate bomb (100 MB of operators)", marks=pytest.mark.slow),  # seconds to hit the memory cap
        "50,000 nested [",
        "operands before an inline image",
        "3,000 pages of text",
    ],
)
def test_the_issue_pdfs_end_as_a_statement_or_one_clean_line(tmp_path, label):
    from tests.fuzz.pdfs import HOSTILE

    path = write(tmp_path, "hostile.pdf", HOSTILE[label]())
    started = time.monotonic()
    try:
        read_statement(path)
    except StatementError as e:
        assert "\n" not in str(e) and str(e).startswith(str(path)) and "bug" not in str(e)
    assert time.monotonic() - started < 60
