"""Safe fetching: one page over http(s), never from an internal address, within size and time limits.

Every hop (the first request and each redirect) resolves the host, vets every address it
resolves to, and then connects to the vetted address itself (the host name travels only in
the `Host` header and TLS SNI), so a DNS answer cannot change between check and connect.
Redirects are followed here, not by httpx, so that each one is vetted again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
import ssl
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from bot import errors
from bot.config import Settings
from bot.models import FetchedPage
from bot.web.address_policy import AddressCheck, IPAddress, address_check_for, parse_ip_literal, vet_addresses
from bot.web.decode import (
    READABLE_TYPES,
    UNTYPED,
    choose_charset,
    decompressor,
    not_html,
    refuse_known_files,
    sniff_media_type,
    split_content_type,
    status_message,
    what_it_is,
)
from bot.web.links import host_of

log = logging.getLogger(__name__)

# `async (host, port) -> [ip, ...]`: how host names become addresses (injectable for tests).
Resolver = Callable[[str, int], Awaitable[list[str]]]

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
_CHUNK_BYTES = 64 * 1024
_ADDRESSES_TRIED = 4


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for a host name."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class _Hop:
    """One request target, parsed once so that the vetted host is the host connected to."""

    url: str
    scheme: str
    host: str  # ASCII, IPv6 in brackets
    port: int
    path_and_query: str

    @property
    def host_header(self) -> str:
        return self.host if self.port == _DEFAULT_PORTS[self.scheme] else f"{self.host}:{self.port}"

    def url_for(self, ip: IPAddress) -> httpx.URL:
        """This hop's URL with the host replaced by a vetted address."""
        ip_host = f"[{ip}]" if ip.version == 6 else str(ip)
        return httpx.URL(f"{self.scheme}://{ip_host}:{self.port}{self.path_and_query}")


def _hop(url: str) -> _Hop:
    host = host_of(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    path = parts.path or "/"
    return _Hop(
        url=url,
        scheme=scheme,
        host=host,
        port=parts.port or _DEFAULT_PORTS[scheme],
        path_and_query=f"{path}?{parts.query}" if parts.query else path,
    )


async def _addresses(hop: _Hop, resolver: Resolver, allowed: AddressCheck) -> list[IPAddress]:
    """The vetted addresses of a hop's host; refuses before any connection is made."""
    literal = parse_ip_literal(hop.host)
    if literal is not None:
        resolved = [str(literal)]
    else:
        try:
            resolved = await resolver(hop.host, hop.port)
        except OSError as exc:
            raise errors.FetchFailed(f"I couldn't find the site {hop.host}.") from exc
    try:
        return vet_addresses(hop.host, resolved, allowed)
    except errors.PrivateAddress:
        log.info("refused %s: not a public address", hop.host)
        raise


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Built once: loading the CA bundle costs more than the rest of a client.
    return httpx.create_ssl_context()


def _client(settings: Settings) -> httpx.AsyncClient:
    """A client that never follows redirects or environment proxies on its own."""
    timeout = httpx.Timeout(
        connect=settings.fetch_connect_timeout,
        read=settings.fetch_read_timeout,
        write=settings.fetch_read_timeout,
        pool=settings.fetch_connect_timeout,
    )
    headers = {"User-Agent": settings.user_agent, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"}
    return httpx.AsyncClient(
        headers=headers, timeout=timeout, follow_redirects=False, trust_env=False, verify=_tls_context()
    )


async def warm_up_fetch(settings: Settings) -> None:
    """Load now what httpx loads on its first request (httpcore, h11, anyio's asyncio backend, the CA
    bundle): mid-burst, those imports would run on the event loop and stall every other chat."""
    import anyio  # httpx's own async layer

    async with _client(settings):
        await anyio.sleep(0)


async def _open(
    client: httpx.AsyncClient, hop: _Hop, resolver: Resolver, allowed: AddressCheck
) -> httpx.Response:
    """Send one GET to a vetted address of the hop's host, trying the next address if one fails."""
    failure: httpx.TransportError | None = None
    is_named = parse_ip_literal(hop.host) is None
    for ip in (await _addresses(hop, resolver, allowed))[:_ADDRESSES_TRIED]:
        extensions = {"sni_hostname": hop.host} if hop.scheme == "https" and is_named else {}
        request = client.build_request(
            "GET", hop.url_for(ip), headers={"Host": hop.host_header}, extensions=extensions
        )
        try:
            return await client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            failure = exc
    if isinstance(failure, httpx.ConnectTimeout):
        raise errors.FetchTimeout()
    raise errors.FetchFailed(f"I couldn't connect to {hop.host}.") from failure


def _redirect_target(hop: _Hop, response: httpx.Response) -> str | None:
    """The next URL when the response is a redirect we follow, without its fragment."""
    location = response.headers.get("location")
    if response.status_code not in _REDIRECT_STATUSES or not location:
        return None
    target = urlsplit(urljoin(hop.url, location.strip()))
    if target.scheme.lower() not in _DEFAULT_PORTS:
        raise errors.InvalidLink("That link redirects to something I can't read (only http and https).")
    return urlunsplit(target._replace(fragment=""))


def _too_large(limit: int) -> errors.TooLarge:
    return errors.TooLarge(f"That page is too large for me to read (over {limit / 1_000_000:g} MB).")


async def _read_body(response: httpx.Response, limit: int) -> bytes:
    """The decompressed body, stopping as soon as it would pass `limit` bytes.

    Decompression is bounded per chunk too, so a gzip bomb never expands past the limit in memory.
    """
    inflater = decompressor(response.headers.get("content-encoding"))
    body = bytearray()
    try:
        async for chunk in response.aiter_raw(_CHUNK_BYTES):
            body += inflater.decompress(chunk, limit - len(body) + 1) if inflater else chunk
            if len(body) > limit:
                raise _too_large(limit)
        if inflater:
            body += inflater.flush()
    except zlib.error as exc:
        raise errors.FetchFailed("The site sent a damaged compressed page.") from exc
    if len(body) > limit:
        raise _too_large(limit)
    return bytes(body)


async def _read_page(url: str, hop: _Hop, response: httpx.Response, settings: Settings) -> FetchedPage:
    """Check status, type and size, then download and decode the page."""
    if response.status_code >= 300:
        raise errors.HttpStatus(status_message(response.status_code))
    media_type, header_charset = split_content_type(response.headers.get("content-type"))
    # "application/octet-stream" says only "bytes": look at them to say what the file is.
    if media_type in UNTYPED:
        media_type = ""
    if media_type and media_type not in READABLE_TYPES:
        raise not_html(what_it_is(media_type))
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > settings.fetch_max_bytes:
        raise _too_large(settings.fetch_max_bytes)
    data = await _read_body(response, settings.fetch_max_bytes)
    refuse_known_files(data)  # a PDF served as text/html is still a PDF
    charset = choose_charset(data, header_charset)
    return FetchedPage(
        url=url,
        final_url=hop.url,
        content_type=media_type or sniff_media_type(data),
        charset=charset,
        html=data.decode(charset, errors="replace"),
    )


async def _follow(url: str, settings: Settings, resolver: Resolver, allowed: AddressCheck) -> FetchedPage:
    """Request, and follow redirects one vetted hop at a time."""
    visited: set[str] = set()
    current = url
    for _ in range(settings.fetch_max_redirects + 1):
        visited.add(current)
        hop = _hop(current)
        # A fresh client per hop: a pooled TLS connection must never serve a different host name.
        async with _client(settings) as client:
            response = await _open(client, hop, resolver, allowed)
            try:
                target = _redirect_target(hop, response)
                if target is None:
                    return await _read_page(url, hop, response, settings)
            finally:
                await response.aclose()
        if target in visited:
            raise errors.TooManyRedirects("That link redirects in a loop, so I stopped following it.")
        current = target
    raise errors.TooManyRedirects()


async def fetch_with_policy(
    url: str, settings: Settings, *, resolver: Resolver, allowed: AddressCheck
) -> FetchedPage:
    """`fetch_page` with the address policy as a parameter.

    This is the seam for tests that must reach a loopback server on the first hop while
    proving that later hops are still vetted: pass an `allowed` that accepts the first
    address it is asked about and defers to `is_public_address` afterwards.
    """
    try:
        async with asyncio.timeout(settings.fetch_total_timeout):
            return await _follow(url, settings, resolver, allowed)
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise errors.FetchTimeout() from exc
    except httpx.InvalidURL as exc:
        raise errors.InvalidLink() from exc
    except httpx.HTTPError as exc:
        raise errors.FetchFailed("The connection to the site failed before the page arrived.") from exc


async def fetch_page(url: str, settings: Settings, *, resolver: Resolver | None = None) -> FetchedPage:
    """Download one page safely: public addresses only (unless allowed), vetted at every redirect,
    within the size and time limits, decoded to text.

    Raises a `errors.FootnoteError` subclass for every refusal or failure.
    """
    return await fetch_with_policy(
        url, settings, resolver=resolver or resolve_host, allowed=address_check_for(settings)
    )
