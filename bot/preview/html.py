"""Render preview documents as one self-contained HTML page: a column per account.

Input is exactly what ``bot.preview.preview_document`` returns. The page loads nothing
(no fonts, scripts or remote images: an attached image is inlined as a ``data:`` URI, a
small copy of it), forbids scripts through its Content-Security-Policy, and every piece
of statement text goes through ``html.escape``: a statement is only ever text.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from html import escape
from typing import Any

from bot.networks.base import Network
from bot.networks.registry import network_of
from bot.preview.style import CSS, network_css
from bot.text.entities import Entity, find_entities

Posted = dict[tuple[str, str, int], str]

RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug"})
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
THUMB_SIDE, THUMB_BYTES = 560, 60_000  # the page shows a small copy of an attached image

_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_WEB = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


def render_html(
    documents: list[dict[str, Any]],
    posted: Posted | None = None,
    *,
    errors: list[str] | tuple[str, ...] = (),
    refresh: int | None = None,
    images: Mapping[str, bytes] | None = None,
) -> str:
    """The whole preview page for ``documents``; ``posted`` maps (statement id, account, index) to a live URL.

    ``errors`` (statements that could not be read) head the page; ``refresh`` makes the
    browser reload every so many seconds, for the live preview, still without any script.
    ``images`` maps an attached image's path to its bytes (``render.preview_images``);
    without it the page names the image and its description only.
    """
    posted = posted or {}
    shown = _data_uris(images or {})
    titles = [str(d["statement"].get("title") or d["statement"].get("id") or "") for d in documents]
    title = titles[0] if len(titles) == 1 else f"{len(titles)} statements"
    sections = "\n".join(_statement(doc, posted, shown) for doc in documents)
    if errors:
        rows = "".join(f"<li>{escape(e)}</li>" for e in errors)
        sections = f'<div class="banner error" role="alert"><h2>Cannot preview</h2><ul>{rows}</ul></div>\n{sections}'
    reload = f'<meta http-equiv="refresh" content="{int(refresh)}">\n' if refresh else ""
    platforms = sorted({str(th["platform"]) for doc in documents for th in doc.get("threads") or ()})
    css = CSS + "".join(network_css(p, network_of(p).theme) for p in platforms)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n{reload}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Preview: {escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f"{sections}\n</body>\n</html>\n"
    )


def is_rtl(language: str | None) -> bool:
    """Whether a language tag names a right-to-left script (fa, ar, he, ur, …)."""
    return (language or "").lower().split("-")[0].split("_")[0] in RTL_LANGUAGES


def meter_level(length: int, limit: int) -> str:
    """How close a post is to its limit: ok, high (≥ 80 %), near (≥ 95 %) or over."""
    if length > limit:
        return "over"
    if limit and length >= 0.95 * limit:
        return "near"
    if limit and length >= 0.8 * limit:
        return "high"
    return "ok"


def _data_uris(images: Mapping[str, bytes]) -> dict[str, str]:
    """Path -> a data: URI of a small copy of the image (Pillow only for one that is large)."""
    from bot.media.images import ImageProblem, thumbnail

    out = {}
    for path, data in images.items():
        try:
            small, mime = thumbnail(data, THUMB_SIDE, THUMB_BYTES)
        except ImageProblem:
            continue
        out[path] = f"data:{mime};base64,{base64.b64encode(small).decode()}"
    return out


def _statement(doc: dict[str, Any], posted: Posted, shown: Mapping[str, str] | None = None) -> str:
    st = doc["statement"]
    lang = str(st.get("language") or "und")
    direction = "rtl" if is_rtl(lang) else "ltr"
    threads = doc.get("threads") or []
    columns = "".join(_column(th, st, posted, shown or {}) for th in threads)
    # The page's own labels are English (left to right); only the threads take the statement's direction.
    return (
        f'<article class="statement" data-statement="{escape(str(st.get("id", "")))}" dir="ltr">\n'
        f"{_banner(threads)}\n{_details(st)}\n"
        f'<div class="columns" lang="{escape(lang)}" dir="{direction}">{columns}</div>\n</article>'
    )


def _banner(threads: list[dict[str, Any]]) -> str:
    """Splitter warnings and over-long posts, first thing on the page."""
    items = [(th["account"], str(w)) for th in threads for w in th.get("warnings") or ()]
    items += [
        (th["account"], f"post {p['index']} is {p['length']} long, over the limit of {th['limit']}")
        for th in threads
        for p in th.get("posts") or ()
        if p["length"] > th["limit"]
    ]
    if not items:
        return '<div class="banner ok" role="status">✓ No warnings: every post fits its network.</div>'
    rows = "".join(f'<li><span class="who">{escape(a)}</span>: {escape(w)}</li>' for a, w in items)
    noun = "warning" if len(items) == 1 else "warnings"
    return (
        f'<div class="banner bad" role="alert"><h2>⚠ {len(items)} {noun}: check before approving</h2>'
        f"<ul>{rows}</ul></div>"
    )


def _details(st: dict[str, Any]) -> str:
    """The statement's header: title and the facts an approver checks."""
    rows = [
        ("Statement", st.get("id")),
        ("Date", st.get("date")),
        ("Language", st.get("language")),
        ("Scheduled", _when(st.get("publish_at")) or "not scheduled (posted when run)"),
        ("Anniversary", _anniversary(st.get("anniversary")) or "config default"),
        ("Full text", st.get("url")),
        ("Translation of", st.get("translation_of")),
        ("Hook", st.get("hook")),
        ("Slogans", st.get("slogans")),
        ("Links", st.get("links")),
        ("Hashtags", st.get("hashtags")),
        ("Signature", st.get("signature")),
    ]
    cells = "".join(f"<dt>{label}</dt><dd>{_value(value)}</dd>" for label, value in rows if value)
    title = escape(str(st.get("title") or st.get("id") or "Untitled statement"))
    return f'<header class="details"><h1 dir="auto">{title}</h1><dl>{cells}</dl></header>'


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "<ul>" + "".join(f"<li><bdi>{escape(str(v))}</bdi></li>" for v in value) + "</ul>"
    return f"<bdi>{escape(str(value))}</bdi>"


def _when(value: Any) -> str:
    return str(value).replace("T", " ", 1) if value else ""


def _anniversary(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or None
    return value


def _column(th: dict[str, Any], st: dict[str, Any], posted: Posted, shown: Mapping[str, str]) -> str:
    platform = str(th["platform"])
    account = str(th["account"])
    posts = th.get("posts") or []
    live = sum(1 for p in posts if (str(st.get("id")), account, int(p["index"])) in posted)
    network = network_of(platform).name
    cards = "".join(_card(p, len(posts), th, st, posted, shown) for p in posts)
    cost = th.get("cost")
    price = f" · {_money(cost)}" if cost else ""
    return (
        f'<section class="column net-{escape(platform)}" data-account="{escape(account)}" '
        f'data-platform="{escape(platform)}"><h2><bdi>{escape(network)} · {escape(account)}</bdi>'
        f'<bdi class="sub">{len(posts)} post{"" if len(posts) == 1 else "s"} · limit {th["limit"]} · '
        f"{live} posted{escape(price)}{_flag(th)}</bdi></h2>"
        f'<ol class="cards">{cards}</ol></section>'
    )


def _money(cost: dict[str, Any]) -> str:
    amount = float(cost["amount"])
    shown = f"${amount:.3f}" if cost["currency"] == "USD" else f"{amount:.3f} {cost['currency']}"
    return f"cost {shown} ({cost['posts_with_links']} of {cost['posts']} posts with links)"


def _flag(th: dict[str, Any]) -> str:
    """A reminder in the column's header that the banner holds warnings for this account."""
    n = len(th.get("warnings") or ()) + sum(1 for p in th.get("posts") or () if p["length"] > th["limit"])
    return f" · ⚠ {n} warning{'' if n == 1 else 's'}" if n else ""


def _card(
    post: dict[str, Any], total: int, th: dict[str, Any], st: dict[str, Any], posted: Posted, shown: Mapping[str, str]
) -> str:
    platform, account, limit = str(th["platform"]), str(th["account"]), int(th["limit"])
    index, length = int(post["index"]), int(post["length"])
    level = meter_level(length, limit)
    rtl = is_rtl(st.get("language"))
    lang = escape(str(st.get("language") or "und"))
    fill = min(100.0, 100.0 * length / limit) if limit else 100.0
    initial = escape((account.strip() or "?")[0].upper())
    url = posted.get((str(st.get("id")), account, index))
    return (
        f'<li class="card{" over" if level == "over" else ""}" data-index="{index}">'
        f'<div class="side"><span class="avatar" aria-hidden="true">{initial}</span></div>'
        f'<div class="body"><div class="head"><span class="name">{escape(account)}</span>'
        f'<span class="meta">{escape(network_of(platform).name)}</span>'
        f'<span class="num" title="post {index} of {total}"><bdi dir="ltr">{index}/{total}</bdi></span></div>'
        f'<div class="text" lang="{lang}" dir="{"rtl" if rtl else "auto"}">'
        f"{_shown(post, platform)}</div>"
        f"{''.join(_media(m, shown) for m in post.get('media') or ())}"
        f'<div class="foot"><span class="meter m-{level}" role="meter" aria-valuemin="0" '
        f'aria-valuemax="{limit}" aria-valuenow="{length}" aria-label="length">'
        f'<span class="bar"><span class="fill" style="width:{fill:.1f}%"></span></span>'
        f'<bdi class="count" dir="ltr">{length} / {limit}</bdi></span>{_status(url)}</div>'
        "</div></li>"
    )


def _media(media: dict[str, Any], shown: Mapping[str, str]) -> str:
    """An attached image: the picture (when given) and its description, size and dimensions; a document
    (Telegram's copy of a PDF statement): its name and size."""
    alt, path = str(media.get("alt") or ""), str(media.get("path") or "")
    if not str(media.get("mime") or "image/").startswith("image/"):
        facts = f"{int(media['bytes']):,} bytes · {media.get('mime')} · {path}"
        caption = f'<b>Document</b> <span class="facts" dir="ltr">{escape(facts)}</span>'
        return f'<figure class="media"><figcaption>{caption}</figcaption></figure>'
    uri = shown.get(path)
    picture = f'<img src="{escape(uri)}" alt="{escape(alt)}">' if uri else ""
    facts = f"{int(media['bytes']):,} bytes · {int(media['width'])}×{int(media['height'])} · {path}"
    described = f"<b>Alt:</b> {escape(alt)}" if alt else "<b>No alt text</b>"
    return (
        f'<figure class="media">{picture}<figcaption><span class="alt" dir="auto">{described}</span>'
        f'<span class="facts" dir="ltr">{escape(facts)}</span></figcaption></figure>'
    )


def _status(url: str | None) -> str:
    if url is None:
        return '<span class="status pending">not yet posted</span>'
    if _WEB.match(url):  # only web links become clickable; anything else stays text
        return f'<span class="status live"><a href="{escape(url)}" rel="noreferrer">posted ↗</a></span>'
    return f'<span class="status live" title="{escape(url)}">posted</span>'


def _shown(post: dict[str, Any], platform: str) -> str:
    """A post as the network receives it: the sent form, marked up by its facets where it has them."""
    if post.get("facets") is not None:
        return faceted_text(str(post.get("sent_text") or post["text"]), post["facets"], platform)
    return rich_text(str(post.get("sent_text") or post["text"]), platform)


def faceted_text(text: str, facets: list[dict[str, Any]], platform: str) -> str:
    """Escaped sent text with its facets (UTF-8 byte ranges) as links and tags; mentions and e-mails between
    them marked as ``rich_text`` marks them."""
    network = network_of(platform)
    data = text.encode("utf-8")
    out: list[str] = []
    pos = 0
    for facet in sorted(facets, key=lambda f: int(f["index"]["byteStart"])):
        start, end = int(facet["index"]["byteStart"]), int(facet["index"]["byteEnd"])
        if start < pos or end > len(data):
            continue
        out.append(_between(data[pos:start].decode("utf-8", "replace"), network))
        shown = escape(data[start:end].decode("utf-8", "replace"))
        feature = facet["features"][0] if facet.get("features") else {}
        kind = str(feature.get("$type", "")).rsplit("#", 1)[-1]
        uri = str(feature.get("uri", ""))
        if kind == "link" and _WEB.match(uri):
            out.append(
                f'<a class="ent url" dir="auto" href="{escape(uri)}" title="{escape(uri)}" rel="noreferrer">{shown}</a>'
            )
        elif kind in ("tag", "mention"):
            out.append(f'<span class="ent {"hashtag" if kind == "tag" else "mention"}" dir="auto">{shown}</span>')
        else:
            out.append(shown)
        pos = end
    out.append(_between(data[pos:].decode("utf-8", "replace"), network))
    return "".join(out)


def _between(text: str, network: Network) -> str:
    """Text between facets: links there are already shortened display text, so only mentions and e-mails."""
    return _marked(text, network, ("mention", "email"))


def rich_text(text: str, platform: str) -> str:
    """Escaped post text with links, mentions and hashtags marked up as ``platform`` shows them."""
    return _marked(text, network_of(platform), None)


def _marked(text: str, network: Network, kinds: tuple[str, ...] | None) -> str:
    """Escaped ``text`` with its entities (of ``kinds``, or all) marked up as ``network`` shows them."""
    out: list[str] = []
    pos = 0
    for ent in sorted(find_entities(text), key=lambda e: e.start):
        if ent.start < pos or (kinds is not None and ent.kind not in kinds):
            continue
        out.append(escape(text[pos : ent.start]))
        out.append(_entity(ent, network))
        pos = ent.end
    out.append(escape(text[pos:]))
    return "".join(out)


def _entity(ent: Entity, network: Network) -> str:
    # dir="auto" isolates each entity, so "#Iran" stays whole inside a Persian sentence.
    shown = escape(ent.text)
    if ent.kind == "url":
        text = network.link_text(ent.text)
        href = ent.text if _SCHEME.match(ent.text) else "https://" + ent.text
        if text is None or not _WEB.match(href):
            return shown  # e.g. Mastodon links only URLs with a scheme; bare domains stay text
        return (
            f'<a class="ent url" dir="auto" href="{escape(href)}" title="{escape(ent.text)}" '
            f'rel="noreferrer">{escape(text)}</a>'
        )
    if ent.kind == "email":
        # None of the networks links an e-mail address; mark it so it reads as one unit.
        return f'<span class="ent email" dir="auto" title="e-mail address (not a link on the network)">{shown}</span>'
    if ent.kind == "mention":
        mention = network.mention(ent.text)
        if mention is None:
            return shown
        title = f' title="{escape(mention.title)}"' if mention.title else ""
        return f'<span class="ent mention" dir="auto"{title}>{escape(mention.linked)}</span>{escape(mention.tail)}'
    return f'<span class="ent {escape(ent.kind)}" dir="auto">{shown}</span>'
