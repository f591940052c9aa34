"""bot.redact: remembered secrets and credential-shaped text never leave in a message, a log line or the journal."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import pytest

from bot import redact
from bot.errors import Unavailable
from bot.redact import REDACTED, remember, scrub, scrub_exception

SECRET = "s3cr3t/app+pass word"


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    redact.forget_all()
    yield
    redact.forget_all()


def test_a_remembered_secret_is_scrubbed_plain_url_encoded_and_json_escaped():
    remember(SECRET)
    for shown in (SECRET, quote(SECRET, safe=""), quote_plus(SECRET), json.dumps(SECRET)[1:-1]):
        assert scrub(f"login failed for {shown}!") == f"login failed for {REDACTED}!"


def test_short_values_are_not_remembered_they_would_blank_ordinary_words():
    remember("abc")
    assert scrub("abc abc") == "abc abc"


@pytest.mark.parametrize(
    "text, kept",
    [
        ("GET /x [Host: h; Authorization: Bearer eyJabc.def; Accept: */*]", "GET /x [Host: h; Authorization: "),
        ('POST [Authorization: OAuth oauth_consumer_key="ck", oauth_signature="sig%3D"]', "POST [Authorization: "),
        ("{'Authorization': 'Bearer tok', 'Host': 'h'}", "{'Authorization': "),
        ("GET /v1.0/me?fields=id&access_token=EAAB123&x=1", "GET /v1.0/me?fields=id&access_token="),
        ('{"accessJwt": "abc.def.ghi", "did": "did:plc:x"}', '{"accessJwt": "'),
        ("POST /bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage", "POST /bot"),
        ("session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2ln here", "session "),
    ],
)
def test_credential_shaped_text_is_scrubbed_whatever_its_origin(text, kept):
    scrubbed = scrub(text)
    assert scrubbed.startswith(kept) and REDACTED in scrubbed
    for secret in ("eyJabc", "ck", "sig%3D", "tok'", "EAAB123", "abc.def.ghi", "AAHdqTcv", "c2ln"):
        if secret in text and secret not in kept:
            assert secret not in scrubbed


def test_ordinary_messages_are_left_alone():
    message = "accounts[0].credentials.api_key: is required; Bluesky refused the app password (401)"
    assert scrub(message) == message


def test_an_error_is_scrubbed_in_place_and_its_sdk_cause_cut_off():
    remember(SECRET)
    try:
        try:
            raise ValueError(f"request with {SECRET}")
        except ValueError as cause:
            raise Unavailable(f"account 'a': 502 {SECRET}", "a") from cause
    except Unavailable as e:
        error = scrub_exception(e)
    assert isinstance(error, Unavailable) and error.account == "a"
    assert str(error) == f"account 'a': 502 {REDACTED}"
    assert error.__cause__ is None and error.__suppress_context__


def test_log_records_are_scrubbed_whatever_handler_prints_them(caplog):
    remember(SECRET)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info("HTTP Request: POST %s", f"https://h/login?password={quote(SECRET)}")
    try:
        raise RuntimeError(f"echo {SECRET}")
    except RuntimeError:
        logging.getLogger("statement-bot").exception("failed")
    assert SECRET not in caplog.text and quote(SECRET, safe="") not in caplog.text
    assert "password=[redacted]" in caplog.text and f"echo {REDACTED}" in caplog.text
