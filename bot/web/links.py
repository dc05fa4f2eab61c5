"""Finding article links in chat messages, and their canonical form.

Links arrive the way chat shows them: plain, `<https://…>` (Discord, embed suppressed),
`<https://…|label>` (Slack), `[label](https://…)` (Markdown). The canonical form keys the
cache and the "already explained here" check, so two spellings of one article must meet.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import idna

from bot import errors
from bot.config import Settings

# Stops at whitespace, invisible joiners, angle brackets, quotes and `|` (Slack's label separator).
_URL_IN_TEXT = re.compile(r"https?://[^\s\u200b-\u200d\u2060\ufeff<>\"|`]+", re.IGNORECASE)
# Labels are display text, never the link: `[label](` of Markdown and `|label>` of Slack.
_MARKDOWN_LABEL = re.compile(r"\[[^\[\]\n]*\]\((?=<?https?://)", re.IGNORECASE)
_SLACK_LABEL = re.compile(r"(<https?://[^\s<>|]+)\|[^<>]*>", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?'…。，、”’»›"
# Markdown emphasis around a link (`_https://…_`, `**https://…**`): trimmed only when it opened before
# the link, since `_` and `~` also end real paths.
_EMPHASIS = "*_~"
_CLOSING = {")": "(", "]": "[", "}": "{"}
_HOST_LABEL = re.compile(r"[a-z0-9_-]+")
_MAX_URL_LENGTH = 2048
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are when percent-encoding a path or query (RFC 3986 reserved + `%`).
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid",
        "ref", "ref_src", "ref_url", "igshid", "igsh", "yclid", "_ga", "_gl", "spm", "cmpid",
        "ocid", "icid", "ncid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
        "vero_id", "wickedid", "twclid", "ttclid", "s_cid", "smid", "sr_share",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_",)


def _ends_with_glue(candidate: str, opened: str) -> bool:
    last = candidate[-1]
    if last in _CLOSING:
        return candidate.count(last) > candidate.count(_CLOSING[last])
    return last in _TRAILING_PUNCTUATION or (last in _EMPHASIS and last in opened)


def _trim(candidate: str, opened: str = "") -> str:
    """Drop what chat glues to the end of a link: punctuation, unbalanced closing brackets and the
    emphasis marks in `opened` (those written just before the link)."""
    while candidate and _ends_with_glue(candidate, opened):
        candidate = candidate[:-1]
    return candidate


def _links_in_text(text: str) -> list[str]:
    """Raw link candidates in the order they appear."""
    found = []
    text = _SLACK_LABEL.sub(r"\1>", _MARKDOWN_LABEL.sub(" ", text))
    for match in _URL_IN_TEXT.finditer(text):
        # Slack escapes `&` inside messages, including inside its `<url|label>` links.
        opened = text[max(0, match.start() - 3) : match.start()]
        candidate = _trim(match.group(0), opened).replace("&amp;", "&")
        if len(candidate) <= _MAX_URL_LENGTH:
            found.append(candidate)
    return found


def _ascii_host(host: str) -> str:
    """A host as lowercase ASCII: IDN labels become punycode (IDNA 2008, UTS 46)."""
    host = host.lower().removesuffix(".")
    if host.startswith("["):
        return host
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError as exc:
                raise errors.InvalidLink() from exc
    if not host or not all(_HOST_LABEL.fullmatch(label) for label in host.split(".")):
        raise errors.InvalidLink()
    return host


def _split(url: str) -> tuple[str, str, int | None, str, str]:
    """Scheme, ASCII host, port, path and query of an http(s) link."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise errors.InvalidLink() from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise errors.InvalidLink()
    host = parts.hostname
    host = f"[{host}]" if ":" in host else _ascii_host(host)
    return scheme, host, port, parts.path, parts.query


def _is_tracking(param: str) -> bool:
    name = unquote(param.split("=", 1)[0]).lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of a link: lowercase scheme and host, no default port, credentials,
    fragment or tracking parameters; other parameters kept in order.

    Raises `errors.InvalidLink` for anything that is not a parseable http(s) link.
    """
    scheme, host, port, path, query = _split(url)
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    kept = [p for p in query.split("&") if p and not _is_tracking(p)]
    return urlunsplit(
        (scheme, netloc, quote(path or "/", safe=_SAFE_PATH), quote("&".join(kept), safe=_SAFE_QUERY), "")
    )


def host_of(url: str) -> str:
    """The lowercase ASCII host of a link, for domain allow and block lists.

    Raises `errors.InvalidLink` for anything that is not a parseable http(s) link.
    """
    return _split(url)[1]


def _host_matches(host: str, domains: list[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def is_article_link(url: str, settings: Settings) -> bool:
    """False for links that cannot be news articles: media, social and file hosts, downloads."""
    try:
        _, host, _, path, _ = _split(url)
    except errors.InvalidLink:
        return False
    if _host_matches(host, settings.skip_domain_list()):
        return False
    last_segment = unquote(path).rstrip("/").rsplit("/", 1)[-1].lower()
    return not any(last_segment.endswith("." + ext) for ext in settings.skip_extension_list())


def find_links(text: str, settings: Settings, limit: int | None = None) -> list[str]:
    """Canonical article links in a chat message, first seen first, without duplicates.

    At most `limit` links (default: `settings.max_links_per_message`).
    """
    limit = settings.max_links_per_message if limit is None else limit
    links: list[str] = []
    for candidate in _links_in_text(text):
        if len(links) >= limit:
            break
        try:
            link = canonical_url(candidate)
        except errors.InvalidLink:
            continue
        if link not in links and is_article_link(link, settings):
            links.append(link)
    return links
