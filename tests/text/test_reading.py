from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.errors import StatementError
from bot.text.reading import iter_statements, read_statement

SEED_NAME = "2020-01-04-iaswi-soleimani-assassination"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_seed_reads_with_title_date_language_and_contacts(seed_path):
    s = read_statement(seed_path)
    assert s.id == SEED_NAME
    assert s.title == "IASWI’s Statement on Assassination of Qasem Soleimani and its Aftermath"
    assert s.date == date(2020, 1, 4)
    assert s.language == "en"
    assert len(s.links) == 4 and len(s.slogans) == 2


def test_id_is_stable_across_edits_and_hash_changes(tmp_path):
    path = write(tmp_path, "Strike Statement.txt", "Support the strike.\n")
    first = read_statement(path)
    path.write_text("Support the strike, everyone.\n", encoding="utf-8")
    second = read_statement(path)
    assert first.id == second.id == "strike-statement"
    assert first.content_hash != second.content_hash


def test_front_matter_overrides_recovered_fields(tmp_path):
    path = write(
        tmp_path,
        "s.md",
        "---\ntitle: Free Them\ndate: 2021-03-08\nlanguage: fr\nurl: https://example.org/s\n"
        "hashtags: [Iran, '#Women']\npublish_at: 2021-03-08T09:00:00+01:00\nanniversary: none\n"
        "accounts: [main]\nhook: Read this\n---\n# Free Them\n\nLibérez-les tous.\n",
    )
    s = read_statement(path)
    assert (s.title, s.date, s.language, s.url, s.hook) == (
        "Free Them",
        date(2021, 3, 8),
        "fr",
        "https://example.org/s",
        "Read this",
    )
    assert s.hashtags == ("#Iran", "#Women") and s.accounts == ("main",) and s.anniversary == "none"
    assert s.publish_at == datetime(2021, 3, 8, 8, 0, tzinfo=UTC)
    assert s.paragraphs == ("Libérez-les tous.",)


def test_anniversary_may_list_dates(tmp_path):
    path = write(tmp_path, "s.md", "---\nanniversary: [2021-03-08, 2022-01-01]\n---\nText.\n")
    assert read_statement(path).anniversary == (date(2021, 3, 8), date(2022, 1, 1))


@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"  \n\n\t\n", "file is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        ("latin1.txt", "Déclaration".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at offset 1)"),
        ("badyaml.md", b"---\ntitle: [unclosed\n---\nText\n", "front matter is not valid YAML"),
        ("list.md", b"---\n- a\n- b\n---\nText\n", "front matter must be a mapping"),
        ("wrongtype.md", b"---\ntitle: 42\n---\nText\n", "title must be a string"),
        ("baddate.md", b"---\ndate: yesterday\n---\nText\n", "date must be a date"),
        ("badtime.md", b"---\npublish_at: soon\n---\nText\n", "publish_at must be an ISO 8601 time"),
        ("unknown.md", b"---\ntittle: Typo\n---\nText\n", "unknown key 'tittle'"),
        ("fake.pdf", b"hello, not a pdf", "is not a PDF"),
        ("broken.pdf", b"%PDF-1.4\n garbage", "not a readable PDF"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_input_is_one_line_error_naming_the_file(tmp_path, name, data, problem):
    path = write(tmp_path, name, data)
    with pytest.raises(StatementError) as e:
        read_statement(path)
    message = str(e.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message


def test_ten_megabyte_file_is_refused_without_reading_it(tmp_path):
    path = write(tmp_path, "huge.txt", b"a" * (10 * 1024 * 1024))
    with pytest.raises(StatementError, match="file is too large"):
        read_statement(path)


def test_missing_file_is_a_statement_error(tmp_path):
    with pytest.raises(StatementError, match="file not found"):
        read_statement(tmp_path / "nope.txt")


def test_folder_reading_reports_bad_files_and_reads_the_rest(tmp_path):
    write(tmp_path, "a.txt", "Good statement one.\n")
    write(tmp_path, "b.txt", b"caf\xe9 au lait")
    write(tmp_path, "c.md", "---\ntitle: [\n---\n")
    write(tmp_path, ".hidden.txt", "skipped")
    write(tmp_path, "draft.txt~", "skipped")
    write(tmp_path, "d.txt", "Good statement two.\n")
    results = {p.name: r for p, r in iter_statements(tmp_path)}
    assert set(results) == {"a.txt", "b.txt", "c.md", "d.txt"}
    assert [n for n, r in results.items() if isinstance(r, StatementError)] == ["b.txt", "c.md"]


def test_utf16_with_bom_is_decoded(tmp_path):
    path = write(tmp_path, "u16.txt", "Solidarity with the workers.\n".encode("utf-16"))
    assert read_statement(path).paragraphs == ("Solidarity with the workers.",)


def test_pdf_statement_is_extracted_and_repaired(tmp_path, seed_text):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    text = seed_text.replace("’", "'").replace("“", '"').replace("”", '"').replace("…", "...")
    pdf.add_page()
    for line in text.split("\n"):
        if pdf.get_y() > 270:
            pdf.add_page()
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "statement.pdf"
    pdf.output(str(path))
    s = read_statement(path)
    assert s.title == "IASWI's Statement on Assassination of Qasem Soleimani and its Aftermath"
    assert s.date == date(2020, 1, 4)
    assert s.slogans == ("No War But Class War!", "Long Live International Working Class Solidarity!")
    assert "It is important to emphasize" in " ".join(s.paragraphs)
    assert s.source_format == "pdf"


def test_scanned_pdf_without_text_is_reported(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(StatementError, match="no extractable text"):
        read_statement(path)
