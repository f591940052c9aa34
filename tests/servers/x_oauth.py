"""OAuth 1.0a (HMAC-SHA1) request verification, as X does it for user-context calls."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import parse_qsl, quote, unquote, urlsplit

# Where X would see the request: tweepy signs for api.twitter.com before any transport rewrite.
PUBLIC_BASES = ("https://api.twitter.com", "https://api.x.com")
_PAIR = re.compile(r'\s*([A-Za-z0-9_]+)\s*=\s*"([^"]*)"\s*')


def enc(value: str) -> str:
    """RFC 5849 percent-encoding (unreserved characters kept)."""
    return quote(value, safe="-._~")


def parse_header(header: str | None) -> dict[str, str] | None:
    """The oauth_* parameters of an ``Authorization: OAuth …`` header, or None if absent/malformed."""
    if not header or not header.startswith("OAuth "):
        return None
    params = {}
    for part in header[6:].split(","):
        match = _PAIR.fullmatch(part)
        if not match:
            return None
        params[unquote(match.group(1))] = unquote(match.group(2))
    return params


def base_string(method: str, base_url: str, path_qs: str, oauth: dict[str, str], form: bytes = b"") -> str:
    """The signature base string for a request at ``base_url`` + ``path_qs``."""
    parts = urlsplit(path_qs)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    pairs += [(k, v) for k, v in oauth.items() if k != "oauth_signature" and k != "realm"]
    if form:
        pairs += parse_qsl(form.decode(), keep_blank_values=True)
    normalized = "&".join(f"{k}={v}" for k, v in sorted((enc(k), enc(v)) for k, v in pairs))
    url = base_url.rstrip("/").lower() + parts.path
    return "&".join((method.upper(), enc(url), enc(normalized)))


def sign(base: str, consumer_secret: str, token_secret: str) -> str:
    """HMAC-SHA1 signature, base64-encoded."""
    key = f"{enc(consumer_secret)}&{enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()


def verify(
    method: str,
    path_qs: str,
    oauth: dict[str, str],
    consumer_secret: str,
    token_secret: str,
    bases: tuple[str, ...],
    form: bytes = b"",
) -> bool:
    """Whether the signature matches the request as seen at any of ``bases``."""
    if oauth.get("oauth_signature_method") != "HMAC-SHA1" or oauth.get("oauth_version", "1.0") != "1.0":
        return False
    given = oauth.get("oauth_signature", "")
    for base_url in bases:
        expected = sign(base_string(method, base_url, path_qs, oauth, form), consumer_secret, token_secret)
        if hmac.compare_digest(expected, given):
            return True
    return False
