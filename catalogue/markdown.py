"""The one way Markdown becomes HTML: CommonMark without raw HTML, then sanitised by nh3."""

from __future__ import annotations

import functools
import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str | None) -> Markup:
    """Render user-written Markdown to safe HTML. Headings start at h2 because the page owns h1."""
    if not text:
        return Markup("")
    return _rendered(text)


@functools.lru_cache(maxsize=512)
def _rendered(text: str) -> Markup:
    """Kept by the Markdown source itself (an edited text is a new key): a tool or guidance page renders the same
    description, notes and body on every view, a millisecond or more for a long one."""
    html = _parser.render(text).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


def markdown_to_text(text: str | None) -> str:
    """Plain text of a Markdown field, for meta descriptions and snippets."""
    return _plain_text(text or "")


@functools.lru_cache(maxsize=1024)
def _plain_text(text: str) -> str:
    """Kept by the Markdown source itself, so an edited text is a new key and never shows stale: search result
    pages ask for the same descriptions again and again (rendering one costs about half a millisecond)."""
    return nh3.clean(_parser.render(text), tags=set()).strip()


#: Elements whose content goes too, not only the tags: none of them belongs in a catalogue text.
DANGEROUS_CONTENT = {"script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript",
                     "frame", "frameset", "applet", "noembed", "noframes", "xmp"}
_LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z!/?]")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^<>\s]*>", re.IGNORECASE)
_KEPT = re.compile("\ue000(\\d+)\ue001")


def strip_markup(text: str | None) -> str:
    """Remove HTML tags, event handlers and script-like elements from Markdown source before it is stored.

    Rendering is safe on its own (raw HTML is never passed through); this keeps stored text clean for exports and
    other readers. Markdown autolinks such as ``<https://example.org>`` are kept, and so are ``&`` and a ``<``
    that cannot start a tag (``a < b``).
    """
    text = text or ""
    for _round in range(5):  # entities could spell a tag once decoded; stop when nothing changes
        if not _LOOKS_LIKE_MARKUP.search(text):
            return text
        cleaned = _strip_once(text)
        if cleaned == text:
            return text
        text = cleaned
    return text


def _strip_once(text: str) -> str:
    links = _AUTOLINK.findall(text)
    numbered = iter(range(len(links)))
    protected = _AUTOLINK.sub(lambda _m: f"\ue000{next(numbered)}\ue001", text)
    cleaned = nh3.clean(protected, tags=set(), clean_content_tags=DANGEROUS_CONTENT, strip_comments=True)
    return _KEPT.sub(lambda m: links[int(m.group(1))], html.unescape(cleaned))
