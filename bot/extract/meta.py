"""What a reader sees above the answer: headline, site, byline, date, language, canonical link.

Sources in order of trust: the page's own visible headline, then its declared
metadata (Open Graph, JSON-LD, `<meta>`), then what trafilatura inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from bot.extract.jsonld import JsonLdArticle
from bot.extract.tree import clean_space, count_words

# Bylines that name no one: CMS accounts and desks. Kept short on purpose: a wrongly
# dropped byline hides a real reporter, a wrongly kept one is merely unhelpful.
_PLACEHOLDER_BYLINES = frozenset(
    {
        "admin",
        "administrator",
        "author",
        "editor",
        "editors",
        "editorial",
        "editorial staff",
        "editorial team",
        "guest",
        "newsroom",
        "news desk",
        "staff",
        "staff writer",
        "staff reporter",
        "the editors",
        "unknown",
        "user",
        "web desk",
        "webmaster",
        "wpadmin",
    }
)
MAX_HEADLINE_WORDS = 40
_BY_PREFIX = re.compile(r"^\s*(?:by|written by|posted by)\s*:?\s+", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—:·•»]|::|-)\s+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")

_META_XPATH = etree.XPath("//meta[@content]")
_LINK_CANONICAL_XPATH = etree.XPath(
    "//link[@href][contains(concat(' ', translate(@rel, 'CANOLI', 'canoli'), ' '), ' canonical ')]"
)
# Most specific first: a page may also carry a logo <h1> or teaser <h1>s outside the story.
_H1_XPATHS = tuple(etree.XPath(x) for x in ("//article//h1", "//main//h1 | //*[@role='main']//h1", "//h1"))


@dataclass(frozen=True)
class PageMeta:
    """The page's metadata, cleaned; empty strings and None where the page says nothing."""

    headline: str
    site: str
    byline: str | None
    published: str | None
    language: str  # "" when the page does not say
    canonical_url: str | None
    description: str | None
    titles: tuple[str, ...]  # every title the page gives (h1, og:title, <title>…): copies are not body text


def read_meta(root: lxml.html.HtmlElement, url: str, jsonld: JsonLdArticle | None) -> PageMeta:
    """Metadata from the page tree and its JSON-LD."""
    meta = _meta_tags(root)
    ld = jsonld or JsonLdArticle()
    canonical = _canonical(root, meta, ld, url)
    site = (
        meta.get("og:site_name")
        or ld.publisher
        or meta.get("application-name")
        or _host_name(url or canonical or "")
    )
    headline = _headline(root, meta, ld, site)
    titles = (headline, meta.get("og:title", ""), meta.get("twitter:title", ""), ld.headline, _title(root))
    return PageMeta(
        headline=headline,
        site=site,
        byline=_byline(
            [", ".join(a for a in ld.authors if not is_placeholder_byline(a)), meta.get("author", "")]
            + [meta.get("article:author", "")]
        ),
        published=_first_date(
            ld.published,
            meta.get("article:published_time"),
            meta.get("datepublished"),
            meta.get("pubdate"),
            meta.get("date"),
            meta.get("dc.date"),
        ),
        language=_language(
            root.get("lang"), ld.language, meta.get("og:locale"), meta.get("content-language")
        ),
        canonical_url=canonical,
        description=meta.get("description") or meta.get("og:description") or ld.description or None,
        titles=tuple(dict.fromkeys(t for t in titles if t)),
    )


def complete_meta(meta: PageMeta, title: str, author: str, published: str) -> PageMeta:
    """Fill what the page did not declare with what an extractor inferred from its markup."""
    return replace(
        meta,
        headline=meta.headline or clean_title(title, meta.site),
        byline=meta.byline or _byline([author]),
        published=meta.published or _first_date(published),
        titles=(*meta.titles, title) if title else meta.titles,
    )


def clean_title(title: str, site: str) -> str:
    """A page title without its " – Site Name" suffix (or "Site Name | " prefix)."""
    title = clean_space(title)
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if not separators or not site:
        return title
    last, first = separators[-1], separators[0]
    if _same_name(title[last.end() :], site):
        return title[: last.start()]
    if _same_name(title[: first.start()], site):
        return title[first.end() :]
    return title


def is_placeholder_byline(name: str) -> bool:
    """True for names that are CMS accounts or desks rather than people ("admin", "Staff")."""
    return _key(_BY_PREFIX.sub("", name)) in _PLACEHOLDER_BYLINES


def _meta_tags(root: lxml.html.HtmlElement) -> dict[str, str]:
    """`<meta>` contents by lower-cased name/property/itemprop; the first one of a name wins."""
    tags: dict[str, str] = {}
    for element in _META_XPATH(root):
        named = element.get("property") or element.get("name") or element.get("itemprop")
        key = (named or element.get("http-equiv") or "").strip().lower()
        value = clean_space(element.get("content") or "")
        if key and value and key not in tags:
            tags[key] = value
    return tags


def _headline(root: lxml.html.HtmlElement, meta: dict[str, str], ld: JsonLdArticle, site: str) -> str:
    for xpath in _H1_XPATHS:
        for h1 in xpath(root):
            text = clean_space(h1.text_content())
            # A logo or site name set as <h1> is not the story's headline, nor is a paragraph in one.
            if 2 <= count_words(text) <= MAX_HEADLINE_WORDS and not _same_name(text, site):
                return text
    # JSON-LD headlines are often cut to 110 characters with an ellipsis; the og:title is whole.
    ld_headline = "" if ld.headline.endswith(("…", "...")) else ld.headline
    for candidate in (meta.get("og:title"), ld_headline, meta.get("twitter:title"), _title(root)):
        if candidate:
            return clean_title(candidate, site)
    return ""


def _title(root: lxml.html.HtmlElement) -> str:
    element = root.find(".//title")
    return clean_space(element.text_content()) if element is not None else ""


def _byline(candidates: list[str]) -> str | None:
    for candidate in candidates:
        name = clean_space(_BY_PREFIX.sub("", candidate or ""))
        # URLs (article:author often holds a profile link) and placeholders are not names.
        if name and not name.startswith(("http://", "https://")) and not is_placeholder_byline(name):
            return name
    return None


def _first_date(*values: str | None) -> str | None:
    for value in values:
        match = _ISO_DATE.search(value or "")
        if match:
            try:
                return date(*map(int, match.groups())).isoformat()
            except ValueError:
                continue
    return None


def _language(*values: str | None) -> str:
    """The first language code the page declares, or "" when it declares none."""
    for value in values:
        match = _LANGUAGE.match((value or "").strip())
        if match:
            return match.group(1).lower()
    return ""


def _canonical(root: lxml.html.HtmlElement, meta: dict[str, str], ld: JsonLdArticle, url: str) -> str | None:
    links = [element.get("href", "") for element in _LINK_CANONICAL_XPATH(root)]
    for candidate in (*links, meta.get("og:url"), ld.url):
        if not candidate or not candidate.strip():
            continue
        absolute = urljoin(url, candidate.strip()) if url else candidate.strip()
        if urlsplit(absolute).scheme in {"http", "https"} and urlsplit(absolute).netloc:
            return absolute
    return None


def _host_name(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def _same_name(text: str, site: str) -> bool:
    """Loosely the same name: "The Harlow Herald" matches "Harlow Herald" and "harlowherald.example"."""
    a, b = _key(text).replace(" ", ""), _key(site).replace(" ", "")
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 5 and (a in b or b in a))
