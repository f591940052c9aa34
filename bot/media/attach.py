"""The statement's image on a thread's first post, and its source PDF after the last: which files, per network.

The image is the front matter ``image`` (relative to the statement file), else for a PDF
statement its first page rendered to PNG, unless ``image: none``. The description is the
front matter ``alt``, else the title and the first sentence, cut to the network's limit.

Where a post with media carries less text than a post (Telegram: a 1,024-character
caption under 4,096-character messages), a first post too long for a caption gets the
image in a post of its own before it, captioned with the title. Where the network
takes documents, a PDF statement's own file follows the thread as a post of its own,
captioned with the title. Both are posts like any other: frozen in the journal, sent
once, retracted with the thread.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace

from bot.errors import StatementError
from bot.media.images import Image, ImageProblem, fit, read_image, render_pdf_page
from bot.model import Media, MediaRules, Post, Statement, Thread
from bot.text.pieces import SENTENCE, paragraph_pieces
from bot.text.statement import NO_IMAGE

PDF_PAGE = "#page=1"  # how the preview names a PDF's rendered first page
PDF_MIME = "application/pdf"


def has_image(statement: Statement) -> bool:
    """Whether the statement has an image to post (its own, or a PDF's first page), without reading it."""
    if statement.image == NO_IMAGE:
        return False
    return bool(statement.image) or (statement.source_format == "pdf" and bool(statement.path))


def source_image(statement: Statement) -> tuple[str, Image] | None:
    """(where it came from, the image) for the statement, or None when it has none."""
    name = statement.path or statement.id
    if statement.image == NO_IMAGE:
        return None
    if statement.image:
        return statement.image, read_image(statement.image, name)
    if statement.source_format == "pdf" and statement.path:
        return statement.path + PDF_PAGE, render_pdf_page(statement.path, name)
    return None


def attach(statement: Statement, rules: MediaRules) -> tuple[Media, ...]:
    """The statement's image made to fit ``rules``, with its description; () when it has none."""
    found = source_image(statement)
    if found is None or rules.max_items < 1:
        return ()
    path, image = found
    try:
        fitted = fit(image, rules)
    except ImageProblem as e:
        raise StatementError(statement.path or statement.id, f"image {path}: {e}") from None
    return (Media(path, alt_text(statement, rules.alt_limit), fitted.mime, fitted.width, fitted.height, fitted.data),)


def alt_text(statement: Statement, limit: int) -> str:
    """The image's description within ``limit`` characters: ``alt``, else the title and first sentence."""
    if statement.alt:
        text = " ".join(statement.alt.split())
    else:
        first = _first_sentence(statement.paragraphs[0], statement.language) if statement.paragraphs else ""
        title = statement.title.strip()
        text = _joined(title, first) if title else first
    return cut(text or statement.id, limit)


def _joined(title: str, sentence: str) -> str:
    """The title as a sentence before ``sentence``: "Title. Sentence", and in Chinese or Japanese "标题。句子"."""
    wide = bool(title) and unicodedata.east_asian_width(title[-1]) in "WF"
    if title[-1] in ".!?:؟。！？：":
        return f"{title}{'' if wide else ' '}{sentence}".strip()
    return f"{title}。{sentence}" if wide else f"{title}. {sentence}".strip()


def _first_sentence(paragraph: str, language: str) -> str:
    out = []
    for piece in paragraph_pieces(paragraph, language=language):
        out.append(piece.text)
        if piece.brk == SENTENCE:
            break
        out.append(piece.sep)  # "" between Chinese characters, a space between words
    return "".join(out).strip()


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word with "…" when it is longer ("" for a limit of 0)."""
    if len(text) <= limit:
        return text
    if limit < 1:
        return ""
    head = text[: max(0, limit - 1)]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:") + "…"


def with_media(
    thread: Thread,
    statement: Statement,
    rules: MediaRules | None,
    count: Callable[[str], int],
    caption_limit: int | None = None,
    document_bytes: int | None = None,
) -> Thread:
    """``thread`` with the statement's image on its first post (``rules``: the network's, None for no images)
    and, where ``document_bytes`` is set, its source PDF after the last post; ``count`` measures a caption."""
    posts = thread.posts
    if not posts:
        return thread
    title = caption_text(statement, caption_limit)
    media = attach(statement, rules) if rules is not None else ()
    if media and caption_limit is not None and count(posts[0].text) > caption_limit:
        posts = (Post(0, title, count(title), media), *posts)  # the image first, under its title
    elif media:
        posts = (replace(posts[0], media=media), *posts[1:])
    warnings = thread.warnings
    if document_bytes is not None:
        document, problem = source_document(statement, document_bytes)
        if document is not None:
            posts = (*posts, Post(0, title, count(title), (document,)))
        elif problem:
            warnings = (*warnings, problem)
    if posts is thread.posts and warnings is thread.warnings:
        return thread
    return replace(thread, posts=tuple(replace(p, index=i) for i, p in enumerate(posts, start=1)), warnings=warnings)


def caption_text(statement: Statement, limit: int | None) -> str:
    """The text under a post that is only a file (the image first, the PDF last): the title, never empty."""
    text = " ".join((statement.title or statement.id).split())
    return cut(text, limit) if limit is not None else text


def source_document(statement: Statement, max_bytes: int) -> tuple[Media | None, str | None]:
    """(the statement's PDF as a file to post, or None; why it is left out, if it is)."""
    if statement.source_format != "pdf" or not statement.path:
        return None, None
    name = statement.path
    try:
        with open(name, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise StatementError(name, f"cannot read the PDF to post it as a document ({e.strerror})") from None
    if len(data) > max_bytes:
        return None, f"the PDF is over the {max_bytes:,} bytes this network takes as a document; not attached"
    return Media(name, "", PDF_MIME, 0, 0, data), None
