"""The local Telegram Bot API server enforces the documented rules over real HTTP (plain httpx as client)."""

from __future__ import annotations

import httpx
import pytest

from tests.servers.media import png
from tests.servers.serving import Handler, start

EMOJI = "\U0001f600"  # outside the BMP: 1 code point, 2 UTF-16 code units
PERSIAN = "\u0633\u0644\u0627\u0645 "  # "سلام " (5 code points, each 1 UTF-16 unit)


@pytest.fixture
def bot(telegram_server):
    return telegram_server.create_bot("statement_bot")


@pytest.fixture
def channel(telegram_server, bot):
    return telegram_server.create_channel("iaswi", bot)


@pytest.fixture
def api(telegram_server, bot):
    with httpx.Client(base_url=f"{telegram_server.base_url}/bot{bot.token}", timeout=10) as client:
        yield client


def ok(response: httpx.Response) -> dict:
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True, body
    return body["result"]


def error(response: httpx.Response, status: int) -> str:
    body = response.json()
    assert response.status_code == status and body["ok"] is False and body["error_code"] == status, body
    return body["description"]


def send(api, chat, text, **extra):
    return api.post("/sendMessage", json={"chat_id": chat, "text": text, **extra})


def test_get_me_and_channel_by_username_or_numeric_id(api, bot, channel):
    me = ok(api.get("/getMe"))
    assert (me["id"], me["is_bot"], me["username"]) == (bot.id, True, "statement_bot")
    assert ok(api.post("/getChat", data={"chat_id": "@IASWI"}))["id"] == channel.id  # usernames ignore case
    assert str(channel.id).startswith("-100")
    first = ok(send(api, "@iaswi", "by username"))
    second = ok(send(api, channel.id, "by id"))
    assert (first["message_id"], second["message_id"]) == (1, 2)
    assert second["chat"] == {"id": channel.id, "title": "Statements", "type": "channel", "username": "iaswi"}
    assert second["sender_chat"]["id"] == channel.id and "from" not in second


def test_message_ids_grow_per_chat(telegram_server, api, bot, channel):
    other = telegram_server.create_channel("other", bot)
    ids = [ok(send(api, c, "x"))["message_id"] for c in (channel.id, other.id, channel.id, other.id)]
    assert ids == [1, 1, 2, 2]


def test_json_form_and_query_encodings_all_work(telegram_server, api, channel):
    ok(api.post("/sendMessage", json={"chat_id": channel.id, "text": "json"}))
    ok(api.post("/sendMessage", data={"chat_id": str(channel.id), "text": "form"}))
    ok(api.get("/sendMessage", params={"chat_id": channel.id, "text": "query"}))
    ok(api.post("/SENDMESSAGE", json={"chat_id": channel.id, "text": "method names ignore case"}))
    assert [m["text"] for m in telegram_server.messages(channel)] == [
        "json",
        "form",
        "query",
        "method names ignore case",
    ]


def test_unknown_chat_and_method(api, channel):
    assert error(send(api, "@nobody_here", "x"), 400) == "Bad Request: chat not found"
    assert error(send(api, -1009999999999, "x"), 400) == "Bad Request: chat not found"
    assert error(send(api, "", "x"), 400) == "Bad Request: chat_id is empty"
    assert error(api.post("/sendSticker", json={"chat_id": channel.id}), 404) == "Not Found: method not found"


def test_bot_must_be_an_admin_allowed_to_post(telegram_server, api, bot):
    member = telegram_server.create_channel("member_only", bot, status="member")
    no_rights = telegram_server.create_channel("no_rights", bot, can_post_messages=False)
    outsider = telegram_server.create_channel("outsider")
    kicked = telegram_server.create_channel("kicked", bot, status="kicked")
    need = "Bad Request: need administrator rights in the channel chat"
    assert error(send(api, member.id, "x"), 400) == need
    assert error(send(api, no_rights.id, "x"), 400) == need
    assert error(send(api, outsider.id, "x"), 403) == "Forbidden: bot is not a member of the channel chat"
    assert error(send(api, kicked.id, "x"), 403) == "Forbidden: bot was kicked from the channel chat"
    assert ok(api.post("/getChat", json={"chat_id": "@outsider"}))["username"] == "outsider"  # public: readable


def test_get_chat_member_and_administrators_tell_whether_the_bot_can_post(telegram_server, api, bot, channel):
    mine = ok(api.post("/getChatMember", json={"chat_id": channel.id, "user_id": bot.id}))
    assert mine["status"] == "administrator" and mine["can_post_messages"] is True
    other_bot = telegram_server.create_bot("other_bot")
    telegram_server.set_member(channel, other_bot, "administrator")
    admins = ok(api.post("/getChatAdministrators", json={"chat_id": channel.id}))
    assert sorted(a["status"] for a in admins) == ["administrator", "creator"]  # other bots left out by default
    assert [a["user"]["id"] for a in admins if a["status"] == "administrator"] == [bot.id]
    with_bots = ok(api.post("/getChatAdministrators", json={"chat_id": channel.id, "return_bots": True}))
    assert len(with_bots) == 3
    telegram_server.set_member(channel, bot, "administrator", can_post_messages=False)
    assert ok(api.post("/getChatMember", json={"chat_id": channel.id, "user_id": bot.id}))["can_post_messages"] is False
    telegram_server.set_member(channel, bot, "member")
    assert ok(api.post("/getChatMember", json={"chat_id": channel.id, "user_id": bot.id}))["status"] == "member"


def test_wrong_token_is_401_and_never_echoed(telegram_server, bot, channel):
    wrong = f"{bot.id}:AAwrongwrongwrongwrongwrongwrongwrong"
    response = httpx.post(
        f"{telegram_server.base_url}/bot{wrong}/sendMessage", json={"chat_id": channel.id, "text": "x"}
    )
    assert error(response, 401) == "Unauthorized"
    malformed = httpx.get(f"{telegram_server.base_url}/botnot-a-token/getMe")
    assert error(malformed, 401) == "Unauthorized: invalid token specified"
    assert telegram_server.messages(channel) == []
    good = httpx.Client(base_url=f"{telegram_server.base_url}/bot{bot.token}")
    failures = [
        send(good, "@missing", "x"),
        send(good, channel.id, "<p>x</p>", parse_mode="HTML"),
        send(good, channel.id, "x" * 5000),
        good.post("/nope"),
    ]
    for body in [r.text for r in failures] + [response.text, malformed.text]:
        assert bot.token not in body and wrong not in body and "AAwrong" not in body


def test_echo_fault_puts_the_token_in_the_error_body(telegram_server, api, bot, channel):
    telegram_server.faults.add("echo", status=502)
    response = send(api, channel.id, "secret-bearing URL")
    assert response.status_code == 502
    assert bot.token in response.json()["description"]
    assert telegram_server.messages(channel) == []
    assert ok(send(api, channel.id, "next one is normal"))["message_id"] == 1


def test_html_parse_mode_gives_entities_in_utf16_offsets(telegram_server, api, channel):
    html = (
        f"{EMOJI} <b>bold</b> <i>it</i> <u>u</u> <s>s</s> <tg-spoiler>sp</tg-spoiler> "
        '<a href="https://example.org/s">link</a> <code>c</code> <pre><code class="language-py">p</code></pre>'
        " <blockquote>q</blockquote> &lt;&gt;&amp;&quot; &#1587;&#x645;"
    )
    message = ok(send(api, channel.id, html, parse_mode="HTML"))
    assert message["text"] == f'{EMOJI} bold it u s sp link c p q <>&" \u0633\u0645'
    kinds = [(e["type"], e["offset"], e["length"]) for e in message["entities"]]
    assert kinds[:3] == [("bold", 3, 4), ("italic", 8, 2), ("underline", 11, 1)]  # the emoji counts 2
    by_type = {e["type"]: e for e in message["entities"]}
    assert by_type["text_link"]["url"] == "https://example.org/s"
    assert by_type["pre"]["language"] == "py" and "language" not in by_type["code"]
    assert {"strikethrough", "spoiler", "blockquote"} <= set(by_type)


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("x <br/> y", 'Unsupported start tag "br/" at byte offset 2'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>bold</i>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("closed</b>", "Unexpected end tag at byte offset 6"),
        ("\u0633\u0644\u0627\u0645 <h1>x</h1>", 'Unsupported start tag "h1" at byte offset 9'),
        ('<span class="red">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
        (
            "&#xD83D; half a surrogate",
            (
                "Text contains invalid Unicode characters after decoding HTML entities, check "
                "for unmatched surrogate code units"
            ),
        ),
    ],
)
def test_bad_html_is_a_400_naming_the_problem(telegram_server, api, channel, html, detail):
    description = error(send(api, channel.id, html, parse_mode="HTML"), 400)
    assert description == f"Bad Request: can't parse entities: {detail}"
    assert telegram_server.messages(channel) == []


def test_only_four_named_entities_are_decoded(api, channel):
    message = ok(send(api, channel.id, "a&nbsp;b &copy; &amp; &#169; & alone", parse_mode="HTML"))
    assert message["text"] == "a&nbsp;b &copy; & \u00a9 & alone"
    assert ok(send(api, channel.id, "<b>not html</b>"))["text"] == "<b>not html</b>"  # no parse_mode: literal


@pytest.mark.parametrize(("unit", "count"), [("a", 4096), (EMOJI, 4096), (PERSIAN, 819)])
def test_text_limit_is_4096_characters_after_parsing(telegram_server, api, channel, unit, count):
    text = (unit * count).strip()[:4096]
    text = text + "x" * (4096 - len(text))
    assert len(text) == 4096
    assert ok(send(api, channel.id, text))["text"] == text
    assert error(send(api, channel.id, text + "y"), 400) == "Bad Request: message is too long"


def test_tags_and_entities_do_not_count_towards_the_limit(api, channel):
    body = "&amp;" + "a" * 4094 + f"<b>{EMOJI}</b>"
    message = ok(send(api, channel.id, body, parse_mode="HTML"))
    assert len(message["text"]) == 4096 and message["entities"] == [{"type": "bold", "offset": 4095, "length": 2}]
    assert error(send(api, channel.id, body + "&gt;", parse_mode="HTML"), 400) == "Bad Request: message is too long"


def test_utf16_counting_can_be_switched_on(telegram_server, api, channel):
    telegram_server.configure(length_unit="utf16")
    assert ok(send(api, channel.id, EMOJI * 2048))
    assert error(send(api, channel.id, EMOJI * 2048 + "a"), 400) == "Bad Request: message is too long"


def test_empty_and_whitespace_texts(api, channel):
    assert error(send(api, channel.id, ""), 400) == "Bad Request: message text is empty"
    assert error(send(api, channel.id, "  \n "), 400) == "Bad Request: text must be non-empty"
    assert error(send(api, channel.id, "<b> </b>", parse_mode="HTML"), 400) == "Bad Request: text must be non-empty"
    assert ok(send(api, channel.id, "\n  padded \n\n"))["text"] == "padded"


def test_reply_needs_an_existing_message_unless_allowed(telegram_server, api, channel):
    first = ok(send(api, channel.id, "first"))["message_id"]
    reply = ok(send(api, channel.id, "second", reply_parameters={"message_id": first}))
    assert reply["reply_to_message"]["message_id"] == first
    missing = {"message_id": 999}
    assert (
        error(send(api, channel.id, "x", reply_parameters=missing), 400)
        == "Bad Request: message to be replied not found"
    )
    loose = ok(send(api, channel.id, "x", reply_parameters={**missing, "allow_sending_without_reply": True}))
    assert "reply_to_message" not in loose
    legacy = api.post("/sendMessage", data={"chat_id": channel.id, "text": "legacy", "reply_to_message_id": first})
    assert ok(legacy)["reply_to_message"]["message_id"] == first
    ok(api.post("/deleteMessage", json={"chat_id": channel.id, "message_id": first}))
    assert (
        error(send(api, channel.id, "x", reply_parameters={"message_id": first}), 400)
        == "Bad Request: message to be replied not found"
    )
    form = api.post("/sendMessage", data={"chat_id": channel.id, "text": "x", "reply_parameters": "{not json"})
    assert error(form, 400) == "Bad Request: can't parse reply parameters JSON object"


def test_link_preview_options_are_kept(telegram_server, api, channel):
    options = {"is_disabled": True}
    message = ok(send(api, channel.id, "see https://example.org", link_preview_options=options))
    assert message["link_preview_options"] == options
    assert telegram_server.messages(channel)[0]["link_preview_options"] == options


def test_flood_control_per_chat_answers_429_with_retry_after(telegram_server, api, bot, channel):
    telegram_server.configure(chat_window=(3, 60.0))
    for n in range(3):
        ok(send(api, channel.id, f"post {n}"))
    response = send(api, channel.id, "one too many")
    assert error(response, 429).startswith("Too Many Requests: retry after ")
    retry_after = response.json()["parameters"]["retry_after"]
    assert 55 <= retry_after <= 60 and response.headers["Retry-After"] == str(retry_after)
    other = telegram_server.create_channel("other", bot)
    ok(send(api, other.id, "another chat has its own window"))
    telegram_server.advance(61)
    ok(send(api, channel.id, "after the window"))
    assert len(telegram_server.messages(channel)) == 4


def test_global_flood_window_spans_chats(telegram_server, api, bot, channel):
    telegram_server.configure(global_window=(2, 30.0))
    other = telegram_server.create_channel("other", bot)
    ok(send(api, channel.id, "a"))
    ok(send(api, other.id, "b"))
    assert error(send(api, other.id, "c"), 429) == "Too Many Requests: retry after 30"


def test_send_document_multipart_with_html_caption(telegram_server, api, channel):
    pdf = b"%PDF-1.4\r\n\x00\xff binary statement"
    response = api.post(
        "/sendDocument",
        data={"chat_id": channel.id, "caption": "<b>Statement</b>", "parse_mode": "HTML"},
        files={"document": ("statement.pdf", pdf, "application/pdf")},
    )
    message = ok(response)
    document = message["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "statement.pdf",
        "application/pdf",
        len(pdf),
    )
    assert message["caption"] == "Statement" and message["caption_entities"][0]["type"] == "bold"
    again = ok(api.post("/sendDocument", json={"chat_id": channel.id, "document": document["file_id"]}))
    assert again["document"]["file_unique_id"] == document["file_unique_id"]
    attached = api.post(
        "/sendDocument",
        data={"chat_id": channel.id, "document": "attach://file"},
        files={"file": ("b.txt", b"text", "text/plain")},
    )
    assert ok(attached)["document"]["file_name"] == "b.txt"
    assert (
        error(api.post("/sendDocument", json={"chat_id": channel.id}), 400)
        == "Bad Request: there is no document in the request"
    )
    assert (
        error(api.post("/sendDocument", json={"chat_id": channel.id, "document": "nonsense"}), 400)
        == "Bad Request: wrong file identifier/HTTP URL specified"
    )


def test_document_size_and_caption_limits(telegram_server, api, channel):
    telegram_server.configure(max_document_bytes=1000)
    big = api.post("/sendDocument", data={"chat_id": channel.id}, files={"document": ("a.bin", b"x" * 1001)})
    assert error(big, 413) == "Request Entity Too Large"
    fits = api.post(
        "/sendDocument",
        data={"chat_id": channel.id, "caption": EMOJI * 1024},
        files={"document": ("a.bin", b"x" * 1000)},
    )
    assert ok(fits)["caption"] == EMOJI * 1024
    long = api.post(
        "/sendDocument", data={"chat_id": channel.id, "caption": "c" * 1025}, files={"document": ("a.bin", b"x")}
    )
    assert error(long, 400) == "Bad Request: message caption is too long"
    bad_html = api.post(
        "/sendDocument",
        data={"chat_id": channel.id, "caption": "<x>", "parse_mode": "HTML"},
        files={"document": ("a.bin", b"x")},
    )
    assert error(bad_html, 400) == 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0'
    assert len(telegram_server.messages(channel)) == 1


def test_send_photo_checks_size_format_and_dimensions(telegram_server, api, channel):
    message = ok(
        api.post(
            "/sendPhoto",
            data={"chat_id": channel.id, "caption": "photo"},
            files={"photo": ("p.png", png(1600, 900), "image/png")},
        )
    )
    sizes = message["photo"]
    assert sizes[-1]["width"] == 1600 and sizes[0]["width"] == 90 and message["caption"] == "photo"
    assert ok(api.post("/sendPhoto", json={"chat_id": channel.id, "photo": sizes[-1]["file_id"]}))["photo"]

    def photo(data: bytes) -> httpx.Response:
        return api.post("/sendPhoto", data={"chat_id": channel.id}, files={"photo": ("p", data, "image/png")})

    assert error(photo(b"not an image"), 400) == "Bad Request: IMAGE_PROCESS_FAILED"
    assert error(photo(png(2100, 100)), 400) == "Bad Request: PHOTO_INVALID_DIMENSIONS"  # ratio 21 > 20
    telegram_server.configure(max_photo_bytes=20_000)
    assert error(photo(png(10, 10, padding=20_000)), 400) == "Bad Request: PHOTO_SAVE_FILE_INVALID"
    remote = api.post("/sendPhoto", json={"chat_id": channel.id, "photo": "https://example.org/p.png"})
    assert error(remote, 400) == "Bad Request: failed to get HTTP URL content"
    assert len(telegram_server.messages(channel)) == 2


class ImageHandler(Handler):
    """Serves one PNG at any path, as an image host on 127.0.0.1 would."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.respond(200, png(320, 240), {"Content-Type": "image/png"})


def test_photo_and_document_by_loopback_url(telegram_server, api, channel):
    host = start(ImageHandler)
    try:
        photo = ok(api.post("/sendPhoto", json={"chat_id": channel.id, "photo": f"{host.base_url}/p.png"}))
        assert photo["photo"][-1]["width"] == 320
        document = ok(api.post("/sendDocument", json={"chat_id": channel.id, "document": f"{host.base_url}/d.png"}))
        assert (document["document"]["file_name"], document["document"]["mime_type"]) == ("d.png", "image/png")
    finally:
        host.close()


def test_delete_message_rules(telegram_server, api, channel):
    first = ok(send(api, channel.id, "first"))["message_id"]
    assert ok(api.post("/deleteMessage", json={"chat_id": channel.id, "message_id": first})) is True
    assert (
        error(api.post("/deleteMessage", json={"chat_id": channel.id, "message_id": first}), 400)
        == "Bad Request: message to delete not found"
    )
    old = ok(send(api, channel.id, "old"))["message_id"]
    telegram_server.advance(48 * 3600)
    assert (
        error(api.post("/deleteMessage", json={"chat_id": channel.id, "message_id": old}), 400)
        == "Bad Request: message can't be deleted"
    )
    assert [m["deleted"] for m in telegram_server.messages(channel, include_deleted=True)] == [True, False]


def test_edit_message_text(telegram_server, api, channel):
    sent = ok(send(api, channel.id, "draft"))
    edit = {"chat_id": channel.id, "message_id": sent["message_id"], "text": "<i>final</i>", "parse_mode": "HTML"}
    edited = ok(api.post("/editMessageText", json=edit))
    assert edited["text"] == "final" and edited["edit_date"] >= sent["date"]
    assert error(api.post("/editMessageText", json=edit), 400).startswith("Bad Request: message is not modified")
    gone = {**edit, "message_id": 99}
    assert error(api.post("/editMessageText", json=gone), 400) == "Bad Request: message to edit not found"
    assert (
        error(api.post("/editMessageText", json={**edit, "text": "z" * 4097}), 400)
        == "Bad Request: message is too long"
    )


def test_channel_history_is_only_readable_through_the_test_endpoint(telegram_server, api, channel):
    ok(send(api, channel.id, "posted"))
    assert ok(api.get("/getUpdates")) == []
    history = httpx.get(f"{telegram_server.base_url}/_test/chats/@iaswi/messages").json()
    assert [m["text"] for m in history] == ["posted"]


def test_commit_then_fail_stores_but_the_client_sees_an_error(telegram_server, api, channel):
    telegram_server.faults.add("commit_then_fail")
    assert send(api, channel.id, "did it go out?").status_code == 500
    assert [m["text"] for m in telegram_server.messages(channel)] == ["did it go out?"]


def test_injected_429_has_telegram_shape(telegram_server, api, channel):
    telegram_server.faults.add("status", status=429, reset_after=7)
    response = send(api, channel.id, "x")
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert response.headers["Retry-After"] == "7"


def test_fault_paths_can_target_other_methods(telegram_server, api, bot, channel):
    telegram_server.faults.add("drop", path=r"/bot[^/]+/getChat")
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/getChat", json={"chat_id": channel.id})
    assert ok(api.post("/getChat", json={"chat_id": channel.id}))["id"] == channel.id
    assert telegram_server.faults.requests == [("POST", f"/bot{bot.token}/getChat")] * 2
    assert telegram_server.faults.creates == 0


def test_a_reply_quote_must_be_in_the_text_or_caption_with_the_same_bold(telegram_server, api, bot, channel):
    probes = telegram_server.create_channel(None, bot, title="probes")
    ok(send(api, channel.id, "<b>Free the teachers</b>\nThey did nothing wrong.", parse_mode="HTML"))
    files = {"photo": ("p.png", png(64, 64), "image/png")}
    ok(api.post("/sendPhoto", data={"chat_id": str(channel.id), "caption": "The poster"}, files=files))

    def reply(message_id: int, quote: str):
        target = {"chat_id": channel.id, "message_id": message_id, "quote": quote, "quote_parse_mode": "HTML"}
        return send(api, probes.id, "probe", reply_parameters=target)

    ok(reply(1, "<b>Free the teachers</b>\nThey did"))
    ok(reply(2, "poster"))  # a caption is searched like a text
    assert error(reply(1, "Free the teachers"), 400) == "Bad Request: QUOTE_TEXT_INVALID"  # the bold is missing
    assert error(reply(1, "<b>Free</b> the teachers"), 400) == "Bad Request: QUOTE_TEXT_INVALID"  # bold cut short
    assert error(reply(2, "<b>The poster</b>"), 400) == "Bad Request: QUOTE_TEXT_INVALID"
    assert error(reply(1, "other words"), 400) == "Bad Request: QUOTE_TEXT_INVALID"
    assert error(reply(3, "anything"), 400) == "Bad Request: message to be replied not found"


def test_get_file_downloads_documents_and_the_largest_photo_size(telegram_server, api, bot, channel):
    data = b"%PDF-1.7 statement" * 1000
    sent = ok(api.post("/sendDocument", data={"chat_id": str(channel.id)},
                       files={"document": ("s.pdf", data, "application/pdf")}))  # fmt: skip
    found = ok(api.post("/getFile", json={"file_id": sent["document"]["file_id"]}))
    assert found["file_size"] == len(data) and found["file_path"].endswith(".pdf")
    assert httpx.get(f"{telegram_server.base_url}/file/bot{bot.token}/{found['file_path']}").content == data
    wrong_token = httpx.get(f"{telegram_server.base_url}/file/bot1:{'A' * 35}/{found['file_path']}")
    assert wrong_token.status_code == 401
    picture = png(1000, 600)
    photo = ok(api.post("/sendPhoto", data={"chat_id": str(channel.id)},
                        files={"photo": ("p.png", picture, "image/png")}))["photo"]  # fmt: skip
    largest = ok(api.post("/getFile", json={"file_id": photo[-1]["file_id"]}))
    assert httpx.get(f"{telegram_server.base_url}/file/bot{bot.token}/{largest['file_path']}").content == picture
    assert "temporarily unavailable" in error(api.post("/getFile", json={"file_id": photo[0]["file_id"]}), 400)
    assert error(api.post("/getFile", json={"file_id": "nonsense"}), 400) == "Bad Request: invalid file_id"
