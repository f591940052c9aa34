"""Issue 11: config values that used to validate and then fail later are load-time errors naming the key."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config, parse_config
from bot.errors import ConfigError

X = "{name: main-x, platform: x, credentials: {api_key: A, api_secret: B, access_token: C, access_secret: D}}"


def bad(text: str, tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, tmp_path / "bot.yaml")
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "bot.yaml")) and "\n" not in message and len(message) < 400, message
    return message


@pytest.mark.parametrize(
    "text, problem",
    [
        (f"accounts:\n  - {X[:-1]}, numbering: '{{i}}/{{n}}/{{x}}'}}\n", "accounts[0].numbering: '{i}/{n}/{x}' has an"),
        (f"accounts:\n  - {X[:-1]}, numbering: '{{i}}/{{n}} }}'}}\n", "numbering: '{i}/{n} }' is not a valid template"),
        (f"accounts:\n  - {X[:-1]}, numbering: '{{i}}/{{n.real}}'}}\n", "has an unknown field {n.real}"),
        (f"accounts:\n  - {X[:-1]}, numbering: '{{i}}/{{n:>99999999}}'}}\n", "asks for a width over 999"),
        (f"accounts:\n  - {X[:-1]}, numbering: '{{i}}{{}}'}}\n", "has a positional field {}"),
        (
            "organisation: {statement_url_template: 'https://x.org/{id}/{lang}'}\n",
            "organisation.statement_url_template: 'https://x.org/{id}/{lang}' has an unknown field {lang}",
        ),
        ("anniversary: {templates: ['{years} on: {nope}']}\n", "anniversary.templates[0]: '{years} on: {nope}' has"),
        ("anniversary: {templates: ['{years:d} years']}\n", "anniversary.templates[0]: '{years:d} years' is not a"),
        ("publishing: {backoff_base_seconds: .nan}\n", "publishing.backoff_base_seconds: must be a finite number"),
        ("scheduler: {settle_seconds: .inf}\n", "scheduler.settle_seconds: must be a finite number, not inf"),
        ("scheduler: {settle_seconds: 1.0e+300}\n", "scheduler.settle_seconds: must be at most 3600"),
        ("publishing: {timeout_seconds: -.inf}\n", "publishing.timeout_seconds: must be a finite number"),
        ("scheduler: {grace_seconds: 99999999999}\n", "scheduler.grace_seconds: must be at most"),
        ("timezone: &tz UTC\n", "not valid YAML (line 1): anchors (&tz) are not allowed"),
        ("timezone: 2020-02-30\n", "timezone: '2020-02-30' is not a valid date or time"),
        ("1: a\nb: 2\n", "unknown key"),
        (f"timezone: '{'x' * 5000}'\n", "timezone: unknown time zone"),
    ],
)
def test_values_that_would_fail_later_fail_at_load_naming_the_key(tmp_path, text, problem):
    assert problem in bad(text, tmp_path)


def test_the_documented_templates_still_load(tmp_path):
    config = parse_config(
        f"organisation: {{statement_url_template: 'https://x.org/s/{{id}}'}}\n"
        f"anniversary: {{templates: ['{{years_ago}} ago: {{title}} {{url}}', 'Year {{years}}']}}\n"
        f"accounts:\n  - {X[:-1]}, numbering: '({{i}} of {{n}})'}}\n",
        tmp_path / "bot.yaml",
    )
    assert config.accounts[0].numbering == "({i} of {n})"


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config" / "bot.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_a_state_path_that_is_a_folder_is_refused_at_load(tmp_path):
    (tmp_path / "state").mkdir()
    with pytest.raises(ConfigError, match=r"bot\.yaml: state: .*state is a folder; name the journal file in it"):
        load_config(write_config(tmp_path, "state: ../state\n"))


def test_a_state_in_a_read_only_folder_is_refused_at_load(tmp_path):
    # /proc/sys refuses new files to every user, root included: a read-only folder wherever the tests run.
    assert not os.access("/proc/sys", os.W_OK)
    with pytest.raises(ConfigError, match=r"state: the folder /proc/sys is read-only for this user"):
        load_config(write_config(tmp_path, "state: /proc/sys/statement-bot/j.sqlite3\n"))


def test_a_statements_dir_that_is_a_file_is_refused_at_load(tmp_path):
    (tmp_path / "statements").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"statements_dir: .*statements is a file, not a folder"):
        load_config(write_config(tmp_path, "statements_dir: ../statements\n"))


def test_a_missing_statements_dir_is_an_error_where_it_is_read_and_is_never_created(tmp_path):
    config = load_config(write_config(tmp_path, "statements_dir: ../statements\n"))
    with pytest.raises(ConfigError, match=r"statements_dir: the folder .*statements does not exist"):
        config.require_statements_dir()
    assert not (tmp_path / "statements").exists()


def test_a_config_that_is_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "bot.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="cannot read config: is a FIFO"):
        load_config(fifo)


def test_a_config_may_be_a_link(tmp_path):
    real = write_config(tmp_path, "timezone: Europe/Paris\n")
    (tmp_path / "link.yaml").symlink_to(real)
    assert load_config(tmp_path / "link.yaml").timezone == "Europe/Paris"


def cli_error(argv: list[str], capsys) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_a_port_out_of_range_is_a_usage_error(tmp_path, capsys):
    statement = tmp_path / "s.txt"
    statement.write_text("Words.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["preview", str(statement), "--platform", "x", "--serve", "--port", "99999"])
    assert caught.value.code == 2
    assert "--port: 99999 is not a port" in capsys.readouterr().err


def test_a_port_in_use_is_one_line(tmp_path, capsys):
    statement = tmp_path / "s.txt"
    statement.write_text("Words.\n", encoding="utf-8")
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        err = cli_error(["preview", str(statement), "--platform", "x", "--serve", "--port", str(port)], capsys)
        assert f"--port {port}: cannot listen on 127.0.0.1:{port}" in err and "another program is using it" in err
    finally:
        taken.close()


def test_output_into_a_missing_folder_is_one_line(tmp_path, capsys):
    statement = tmp_path / "s.txt"
    statement.write_text("Words.\n", encoding="utf-8")
    out = tmp_path / "nope" / "p.html"
    err = cli_error(["preview", str(statement), "--platform", "x", "--format", "html", "-o", str(out)], capsys)
    assert f"-o {out}: the folder {out.parent} does not exist" in err
