"""Request parameters as HTTP APIs accept them: query string, form-encoded, JSON or multipart bodies.

The Bot API takes all four (core.telegram.org/bots/api#making-requests); the Graph API takes query
string and form parameters. Uploaded files come back as ``Upload``; JSON values keep their types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart/form-data body."""

    filename: str
    content_type: str
    data: bytes


class BadBodyError(ValueError):
    """The body does not parse as its Content-Type says."""


def parse(content_type: str | None, query: str, body: bytes) -> dict[str, Any]:
    """Query-string parameters, overridden by the body's (JSON, form or multipart)."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = (content_type or "").split(";")[0].strip().lower()
    if not body:
        return params
    if kind == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError as error:
            raise BadBodyError("can't parse JSON") from error
        if not isinstance(decoded, dict):
            raise BadBodyError("JSON object expected")
        params.update(decoded)
    elif kind == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif kind == "multipart/form-data":
        params.update(_multipart(content_type or "", body))
    return params


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Fields of a multipart/form-data body: text as str, files as Upload."""
    envelope = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body
    message = BytesParser(policy=HTTP).parsebytes(envelope)
    if not message.is_multipart():
        raise BadBodyError("bad multipart body")
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            fields[name] = Upload(filename, part.get_content_type(), data)
        else:
            fields[name] = data.decode(part.get_content_charset() or "utf-8", "replace")
    return fields


def text(params: dict[str, Any], name: str) -> str:
    """A parameter as the string the API would see (JSON numbers and booleans included)."""
    value = params.get(name)
    if value is None or isinstance(value, Upload):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def flag(params: dict[str, Any], name: str) -> bool:
    """A boolean parameter ("true"/"1" or JSON true)."""
    return text(params, name).lower() in ("true", "1")


def obj(params: dict[str, Any], name: str) -> Any:
    """A JSON-serialized parameter (an object in JSON bodies, a JSON string elsewhere); None if absent."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return json.loads(value)
    return value
