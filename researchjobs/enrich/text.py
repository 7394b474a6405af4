"""HTML from hiring systems made safe to show, and plain text to extract facts from.

Posting HTML is untrusted: it goes through one reusable nh3 cleaner before anyone
renders it, and links keep only http(s)/mailto schemes.
"""

from __future__ import annotations

import html
import re
from typing import Any

import html_text
import nh3

ALLOWED_TAGS = {
    "a", "b", "strong", "i", "em", "u", "p", "br", "ul", "ol", "li", "h1", "h2", "h3", "h4",
    "h5", "h6", "div", "span", "table", "thead", "tbody", "tr", "td", "th", "blockquote", "hr",
    "sub", "sup", "pre", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)

#: What XML 1.0 forbids (a NUL, most C0 controls, lone surrogates, U+FFFE/U+FFFF): one such
#: character in a title makes the Atom feed unreadable, so none is ever stored.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED_TAG = re.compile(r"&lt;\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[\s&>/]")
_BLANK_LINES = re.compile(r"\n{3,}")


def xml_legal(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _XML_ILLEGAL.sub("", text) if _XML_ILLEGAL.search(text) else text


def xml_legal_value(value: Any) -> Any:
    """The same for every string inside a JSON-like value (lists, dicts, their keys)."""
    if isinstance(value, str):
        return xml_legal(value)
    if isinstance(value, list):
        return [xml_legal_value(item) for item in value]
    if isinstance(value, dict):
        return {xml_legal_value(k): xml_legal_value(v) for k, v in value.items()}
    return value


def unescape_if_escaped(fragment: str) -> str:
    """Greenhouse sends HTML whose tags are entity-escaped; unescape exactly once."""
    if "<" not in fragment and _ESCAPED_TAG.search(fragment):
        return html.unescape(fragment)
    return fragment


def sanitise_html(fragment: str | None) -> str | None:
    if fragment is None:
        return None
    return _CLEANER.clean(unescape_if_escaped(fragment))


def html_to_text(fragment: str | None) -> str | None:
    if fragment is None:
        return None
    fragment = unescape_if_escaped(fragment)
    if not fragment.strip():
        return ""
    text = html_text.extract_text(fragment, guess_layout=True)
    return _BLANK_LINES.sub("\n\n", text).strip()


def safe_link(url: str | None) -> str | None:
    """Only http(s) links survive into digests and feeds."""
    if not url:
        return None
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else None
