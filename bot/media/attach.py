"""The statement's image on a thread's first post: which image, and its description, per network.

The image is the front matter ``image`` (relative to the statement file), else for a PDF
statement its first page rendered to PNG, unless ``image: none``. The description is the
front matter ``alt``, else the title and the first sentence, cut to the network's limit.
"""

from __future__ import annotations

from bot.errors import StatementError
from bot.media.images import Image, ImageProblem, fit, read_image, render_pdf_page
from bot.model import Media, MediaRules, Statement
from bot.text.pieces import SENTENCE, paragraph_pieces
from bot.text.statement import NO_IMAGE

PDF_PAGE = "#page=1"  # how the preview names a PDF's rendered first page


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
        first = _first_sentence(statement.paragraphs[0]) if statement.paragraphs else ""
        title = statement.title.strip()
        joiner = "" if not title or title[-1] in ".!?:؟" else "."
        text = f"{title}{joiner} {first}".strip() if title else first
    return cut(text or statement.id, limit)


def _first_sentence(paragraph: str) -> str:
    pieces = paragraph_pieces(paragraph)
    out = []
    for piece in pieces:
        out.append(piece.text)
        if piece.brk == SENTENCE:
            break
    return " ".join(out)


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word with "…" when it is longer."""
    if len(text) <= limit:
        return text
    head = text[: max(0, limit - 1)]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:") + "…"
