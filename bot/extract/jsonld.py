"""The page's schema.org JSON-LD article: headline, body, word count, paywall declaration.

Publishers fill it for search engines, so it often survives where the visible page
does not (script-rendered app shells, teasers), and it is the only place where a
page says how long the full story is.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from bot.extract.tree import element_paragraphs, parse_html

log = logging.getLogger(__name__)

_SCRIPTS_XPATH = etree.XPath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")
_ARTICLE_TYPES = frozenset({"Article", "BlogPosting", "LiveBlogPosting", "Report", "SocialMediaPosting"})
_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
# Nested graphs deeper than this are not articles; the bound keeps hostile JSON cheap.
_MAX_DEPTH = 8


@dataclass(frozen=True)
class JsonLdArticle:
    """What the page's JSON-LD says about its article; empty values when it says nothing."""

    headline: str = ""
    body: str = ""
    word_count: int = 0
    free: bool | None = None  # isAccessibleForFree; None when not declared
    locked_selectors: tuple[str, ...] = ()  # hasPart cssSelectors of the subscriber-only parts
    authors: tuple[str, ...] = ()
    publisher: str = ""
    published: str = ""
    language: str = ""
    description: str = ""
    url: str = ""


def read_jsonld(root: lxml.html.HtmlElement) -> JsonLdArticle | None:
    """The first article object among the page's JSON-LD blocks (the one with a body preferred)."""
    nodes: list[dict[str, Any]] = []
    for script in _SCRIPTS_XPATH(root):
        data = _load(script.text or "")
        if data is not None:
            _collect(data, nodes, 0)
    articles = [n for n in nodes if _is_article(n)]
    if not articles:
        return None
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    chosen = next((a for a in articles if _text(a.get("articleBody"))), articles[0])
    return _article(chosen, by_id)


def _load(text: str) -> Any:
    text = _WRAPPERS.sub("", text.strip())
    if not text:
        return None
    try:
        # strict=False: raw newlines inside strings are common in hand-built articleBody values.
        return json.loads(text, strict=False)
    except (ValueError, RecursionError) as exc:
        # RecursionError: arrays or objects nested deeper than the parser's stack (hostile pages).
        log.debug("unreadable JSON-LD block: %s", type(exc).__name__)
        return None


def _collect(data: Any, nodes: list[dict[str, Any]], depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            _collect(item, nodes, depth + 1)
    elif isinstance(data, dict):
        nodes.append(data)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(data.get(key), (list, dict)):
                _collect(data[key], nodes, depth + 1)


def _types(node: dict[str, Any]) -> tuple[str, ...]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return tuple(v.rsplit("/", 1)[-1] for v in values if isinstance(v, str))


def _is_article(node: dict[str, Any]) -> bool:
    return any(t in _ARTICLE_TYPES or t.endswith("Article") for t in _types(node))


def _article(node: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> JsonLdArticle:
    publisher = _resolve(node.get("publisher"), by_id)
    parts = node.get("hasPart")
    parts = parts if isinstance(parts, list) else [parts]
    locked = tuple(
        selector
        for part in parts
        if isinstance(part, dict) and _free(part.get("isAccessibleForFree")) is False
        for selector in _strings(part.get("cssSelector"))
    )
    return JsonLdArticle(
        headline=_text(node.get("headline")) or _text(node.get("name")),
        body=_body_text(_text(node.get("articleBody"))),
        word_count=_int(node.get("wordCount")),
        free=_free(node.get("isAccessibleForFree")),
        locked_selectors=locked,
        authors=tuple(_names(node.get("author"), by_id)),
        publisher=_name(publisher),
        published=_text(node.get("datePublished")) or _text(node.get("dateCreated")),
        language=_language(node.get("inLanguage")),
        description=_text(node.get("description")),
        url=_text(node.get("url")),
    )


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """A `{"@id": ...}` reference replaced by the node it points to, when the page has it."""
    if isinstance(value, list):
        return [_resolve(v, by_id) for v in value]
    if isinstance(value, dict) and set(value) == {"@id"}:
        return by_id.get(value["@id"], value)
    return value


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    value = _resolve(value, by_id)
    values = value if isinstance(value, list) else [value]
    return [n for n in (_name(v) for v in values) if n]


def _name(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _text(value: Any) -> str:
    """A plain string from a JSON-LD value (first of a list), entities decoded, whitespace trimmed."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    if not isinstance(value, str):
        return ""
    return html.unescape(value).strip()


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _body_text(body: str) -> str:
    """articleBody as plain text; some sites put their HTML in it."""
    if "<" not in body or not re.search(r"<(p|br|div|a|em|strong|span)\b", body, re.IGNORECASE):
        return body
    root = parse_html(f"<html><body>{body}</body></html>")
    if root is None:
        return ""
    return "\n\n".join(element_paragraphs(root.body))


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def _free(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return None


def _language(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("alternateName")) or _text(value.get("name"))
    return _text(value)
