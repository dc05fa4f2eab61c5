"""Fetching is safe: internal addresses are refused before any connection, limits hold, text decodes right.

Every test talks to a real HTTP server on 127.0.0.1 that writes raw responses, so that it can
send what real servers send (no Content-Type, chunked floods, gzip bombs, trickles) and count
every connection it receives.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import socket
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from bot import errors
from bot.config import Settings
from bot.web.address_policy import AddressCheck, IPAddress, is_public_address
from bot.web.decode import decode_body, sniff_media_type, status_message
from bot.web.fetch import fetch_page, fetch_with_policy

CP1252_TEXT = "“Smart quotes” and café — naïve"
Writer = asyncio.StreamWriter
Handler = Callable[[Writer], Awaitable[None]]


async def send(
    writer: Writer,
    body: bytes = b"",
    status: int = 200,
    headers: dict[str, str] | None = None,
    length: bool = True,
) -> None:
    """Write one HTTP/1.1 response; without `length` the body ends when the connection closes."""
    lines = [f"HTTP/1.1 {status} Status"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    head = "\r\n".join([*lines, "Connection: close", "", ""]).encode("latin-1")
    writer.write(head + body)
    await writer.drain()


def html(body: str) -> bytes:
    return f"<!doctype html><html><head><title>T</title></head><body><p>{body}</p></body></html>".encode()


@functools.cache
def gzip_bomb() -> bytes:
    """50 MB of zeros, gzip'd (about 50 KB on the wire)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    megabyte = bytes(1 << 20)
    return b"".join(compressor.compress(megabyte) for _ in range(50)) + compressor.flush()


@dataclass
class Seen:
    """What the server received: every connection, and each request's path and headers."""

    connections: int = 0
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


class RawServer:
    """A tiny HTTP/1.1 server on 127.0.0.1: `routes` maps path → handler, one request per connection."""

    def __init__(self, routes: dict[str, Handler]) -> None:
        self.routes = routes
        self.seen = Seen()
        self.port = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def _serve(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        self._tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        self.seen.connections += 1
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            path = head[0].split(" ")[1]
            headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
            self.seen.requests.append((path, headers))
            handler = self.routes.get(path)
            await (handler(writer) if handler else send(writer, b"missing", status=404))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client hung up on purpose (size or time limit)
        finally:
            writer.close()

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()


def settings(**env: object) -> Settings:
    values = {"FOOTNOTE_ALLOW_PRIVATE_NETWORKS": True, "FOOTNOTE_FETCH_TOTAL_TIMEOUT": 5, **env}
    return Settings(_env_file=None, **values)


def resolver(names: dict[str, list[str]]):
    """A resolver for test names; anything else does not exist."""

    async def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "not found")
        return names[host]

    return resolve


def public_after_first_address() -> AddressCheck:
    """Treats the first address vetted (the first hop's) as public; every later one gets the real policy."""
    asked: list[IPAddress] = []

    def allowed(ip: IPAddress) -> bool:
        asked.append(ip)
        return len(asked) == 1 or is_public_address(ip)

    return allowed


def page(body: bytes, headers: dict[str, str] | None = None, length: bool = True) -> Handler:
    return functools.partial(send, body=body, headers=headers or {"Content-Type": "text/html"}, length=length)


def redirect(location: str, status: int = 302) -> Handler:
    return functools.partial(send, status=status, headers={"Location": location})


@pytest.fixture
async def server() -> AsyncIterator[RawServer]:
    async with RawServer({}) as running:
        yield running


# --- a normal page ---------------------------------------------------------------------------------------


async def test_fetches_a_page_with_our_user_agent(server):
    server.routes["/a?x=1"] = page(html("Hello"), {"Content-Type": "text/html; charset=utf-8"})
    fetched = await fetch_page(
        f"http://127.0.0.1:{server.port}/a?x=1", settings(FOOTNOTE_USER_AGENT="TestBot/1")
    )
    assert "<p>Hello</p>" in fetched.html
    assert (fetched.content_type, fetched.charset) == ("text/html", "utf-8")
    assert fetched.final_url == fetched.url == f"http://127.0.0.1:{server.port}/a?x=1"
    assert server.seen.requests[0][1]["user-agent"] == "TestBot/1"


async def test_gzip_page_is_decompressed(server):
    server.routes["/gz"] = page(
        gzip.compress(html("Packed")), {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    fetched = await fetch_page(f"http://127.0.0.1:{server.port}/gz", settings())
    assert "<p>Packed</p>" in fetched.html


async def test_connects_to_the_vetted_address_with_the_real_host_name(server):
    server.routes["/"] = page(html("Rebound"))
    names = resolver({"rebind.test": ["127.0.0.1"]})
    fetched = await fetch_page(f"http://rebind.test:{server.port}/", settings(), resolver=names)
    # `rebind.test` exists only in our resolver: reaching the server proves nobody resolved it again.
    assert "Rebound" in fetched.html
    assert server.seen.requests[0][1]["host"] == f"rebind.test:{server.port}"
    assert fetched.final_url == f"http://rebind.test:{server.port}/"


# --- internal addresses ----------------------------------------------------------------------------------

INTERNAL_HOSTS = [
    "127.0.0.1", "2130706433", "0x7f.1", "127.1", "0177.0.0.1", "0x7f000001", "127.0.0.1.",
    "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]",
    "localhost", "0.0.0.0", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "224.0.0.1", "[fe80::1]", "[fc00::1]", "[::]",
]  # fmt: skip


@pytest.mark.parametrize("host", INTERNAL_HOSTS)
async def test_internal_addresses_are_refused_before_any_connection(server, host):
    quick = settings(FOOTNOTE_ALLOW_PRIVATE_NETWORKS=False, FOOTNOTE_FETCH_TOTAL_TIMEOUT=1)
    with pytest.raises(errors.PrivateAddress):
        await fetch_page(f"http://{host}:{server.port}/", quick)
    assert server.seen.connections == 0


@pytest.mark.parametrize("addresses", [["127.0.0.1"], ["93.184.216.34", "127.0.0.1"], ["::ffff:10.1.2.3"]])
async def test_a_name_resolving_to_an_internal_address_is_refused(server, addresses):
    names = resolver({"internal.test": addresses})
    with pytest.raises(errors.PrivateAddress):
        await fetch_page(
            f"http://internal.test:{server.port}/",
            settings(FOOTNOTE_ALLOW_PRIVATE_NETWORKS=False),
            resolver=names,
        )
    assert server.seen.connections == 0


@pytest.mark.parametrize("host", [*INTERNAL_HOSTS, "inside.test"])
async def test_a_redirect_to_an_internal_address_is_refused(server, host):
    server.routes["/start"] = redirect(f"http://{host}:{server.port}/secret")
    server.routes["/secret"] = page(html("internal"))
    names = resolver({name: ["127.0.0.1"] for name in ("allowed.test", "inside.test", "localhost")})
    # httpx itself rejects a leading-zero octal address in a Location header, before any policy runs
    refusal = errors.FetchFailed if host == "0177.0.0.1" else errors.PrivateAddress
    with pytest.raises(refusal):
        await fetch_with_policy(
            f"http://allowed.test:{server.port}/start",
            settings(),
            resolver=names,
            allowed=public_after_first_address(),
        )
    assert server.seen.hits("/start") == 1
    assert server.seen.hits("/secret") == 0
    assert server.seen.connections == 1  # only the vetted first hop was ever connected to


# --- redirects ---------------------------------------------------------------------------------------------


async def test_follows_up_to_the_redirect_limit(server):
    for n in range(1, 6):
        server.routes[f"/r{n}"] = redirect(f"/r{n - 1}", status=301 if n % 2 else 308)
    server.routes["/r0"] = page(html("Arrived"))
    fetched = await fetch_page(f"http://127.0.0.1:{server.port}/r5", settings())
    assert "Arrived" in fetched.html
    assert fetched.final_url == f"http://127.0.0.1:{server.port}/r0"


async def test_more_redirects_than_the_limit_are_refused(server):
    for n in range(1, 7):
        server.routes[f"/r{n}"] = redirect(f"/r{n - 1}")
    server.routes["/r0"] = page(html("Arrived"))
    with pytest.raises(errors.TooManyRedirects):
        await fetch_page(f"http://127.0.0.1:{server.port}/r6", settings())
    assert server.seen.hits("/r0") == 0


async def test_redirect_loops_are_refused(server):
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect(f"http://127.0.0.1:{server.port}/a#again")
    with pytest.raises(errors.TooManyRedirects, match="loop"):
        await fetch_page(f"http://127.0.0.1:{server.port}/a", settings())
    assert len(server.seen.requests) == 2


async def test_redirect_to_another_scheme_is_refused(server):
    server.routes["/"] = redirect("file:///etc/passwd")
    with pytest.raises(errors.InvalidLink):
        await fetch_page(f"http://127.0.0.1:{server.port}/", settings())


# --- size and time limits ----------------------------------------------------------------------------------


async def test_declared_oversize_is_refused_before_reading(server):
    async def lying_length(writer: Writer) -> None:
        await send(
            writer, b"<p>", headers={"Content-Type": "text/html", "Content-Length": "6000000"}, length=False
        )

    server.routes["/"] = lying_length
    with pytest.raises(errors.TooLarge, match="5 MB"):
        await fetch_page(f"http://127.0.0.1:{server.port}/", settings())


async def test_endless_chunked_body_stops_at_the_cap(server):
    async def flood(writer: Writer) -> None:
        await send(
            writer, headers={"Content-Type": "text/html", "Transfer-Encoding": "chunked"}, length=False
        )
        chunk = b"x" * 65536
        while True:  # until the client hangs up: only a cap enforced while streaming ends this
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()

    server.routes["/"] = flood
    with pytest.raises(errors.TooLarge):
        await fetch_page(f"http://127.0.0.1:{server.port}/", settings(FOOTNOTE_FETCH_MAX_BYTES=200_000))


async def test_body_without_length_stops_at_the_cap(server):
    server.routes["/"] = page(b"y" * 300_000, length=False)
    with pytest.raises(errors.TooLarge):
        await fetch_page(f"http://127.0.0.1:{server.port}/", settings(FOOTNOTE_FETCH_MAX_BYTES=200_000))


async def test_body_at_the_cap_is_accepted(server):
    server.routes["/"] = page(b"y" * 200_000, length=False)
    fetched = await fetch_page(f"http://127.0.0.1:{server.port}/", settings(FOOTNOTE_FETCH_MAX_BYTES=200_000))
    assert len(fetched.html) == 200_000


async def test_gzip_bomb_stops_at_the_cap_without_expanding_in_memory(server):
    server.routes["/"] = page(gzip_bomb(), {"Content-Type": "text/html", "Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(errors.TooLarge):
            await fetch_page(f"http://127.0.0.1:{server.port}/", settings())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The cap is 5 MB; expanding the bomb would take 50 MB.
    assert peak < 20_000_000


async def test_a_trickling_server_times_out_on_the_total(server):
    async def trickle(writer: Writer) -> None:
        await send(writer, headers={"Content-Type": "text/html"}, length=False)
        for _ in range(200):
            writer.write(b"<")
            await writer.drain()
            await asyncio.sleep(0.05)

    server.routes["/"] = trickle
    slow = settings(FOOTNOTE_FETCH_READ_TIMEOUT=0.4, FOOTNOTE_FETCH_TOTAL_TIMEOUT=0.6)
    with pytest.raises(errors.FetchTimeout):
        await fetch_page(f"http://127.0.0.1:{server.port}/", slow)


# --- what the site answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "what"),
    [
        ("application/pdf", b"%PDF-1.7", "a PDF"),
        ("image/png", b"\x89PNG\r\n", "an image"),
        ("video/mp4", b"\x00\x00\x00\x18ftypmp42", "a video"),
        ("application/json", b"{}", "JSON data"),
        (None, b"%PDF-1.4 sent without a type", "a PDF"),
        (None, b"\xff\xd8\xff\xe0 a jpeg", "an image"),
        ("application/octet-stream", b"%PDF-1.7 served as bytes", "a PDF"),
        ("text/html; charset=utf-8", b"%PDF-1.7 served as a page", "a PDF"),
        ("application/octet-stream", b"PK\x03\x04 a zip", "a compressed file"),
    ],
)
async def test_non_pages_are_refused_with_what_they_are(server, content_type, body, what):
    server.routes["/file"] = page(body, {"Content-Type": content_type} if content_type else {"X-None": "1"})
    with pytest.raises(errors.NotHtml) as refused:
        await fetch_page(f"http://127.0.0.1:{server.port}/file", settings())
    assert refused.value.message == f"That link is {what}, not a web page, so I can't read it."


@pytest.mark.parametrize("headers", [{"X-None": "1"}, {"Content-Type": "application/octet-stream"}])
async def test_a_page_without_a_useful_type_is_sniffed(server, headers):
    server.routes["/"] = page(html("untyped"), headers)
    fetched = await fetch_page(f"http://127.0.0.1:{server.port}/", settings())
    assert fetched.content_type == "text/html"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "The site answered 404 (not found)."),
        (
            403,
            "The site answered 403 (forbidden). "
            "The article may be behind a paywall, or the site may block bots.",
        ),
        (503, "The site answered 503 (service unavailable). The site has a problem; try again later."),
    ],
)
async def test_error_statuses_become_one_line(server, status, message):
    server.routes["/"] = functools.partial(
        send, body=html("nope"), status=status, headers={"Content-Type": "text/html"}
    )
    with pytest.raises(errors.HttpStatus) as failed:
        await fetch_page(f"http://127.0.0.1:{server.port}/", settings())
    assert failed.value.message == message


async def test_unknown_host_and_closed_port_fail_cleanly():
    with pytest.raises(errors.FetchFailed, match="find the site nowhere.test"):
        await fetch_page("http://nowhere.test/", settings(), resolver=resolver({}))
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(errors.FetchFailed, match="connect"):
        await fetch_page(f"http://127.0.0.1:{closed_port}/", settings())


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a",
        "javascript:alert(1)",
        "http://",
        "http://exa mple.com/",
        "http://127.0.0.1/a\x00b",
    ],
)
async def test_only_well_formed_http_links_are_fetched(url):
    with pytest.raises(errors.InvalidLink):
        await fetch_page(url, settings())


# --- charsets ----------------------------------------------------------------------------------------------

CP1252_PAGE = f"<html><head>{{meta}}</head><body><p>{CP1252_TEXT}</p></body></html>"


@pytest.mark.parametrize(
    ("content_type", "meta"),
    [
        ("text/html; charset=windows-1252", ""),
        ('text/html; charset="Windows-1252"', ""),
        ("text/html", '<meta charset="windows-1252">'),
        ("text/html", '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'),
        ("text/html", ""),  # undeclared and not UTF-8: windows-1252
    ],
)
async def test_windows_1252_pages_decode_right(server, content_type, meta):
    server.routes["/"] = page(CP1252_PAGE.format(meta=meta).encode("cp1252"), {"Content-Type": content_type})
    fetched = await fetch_page(f"http://127.0.0.1:{server.port}/", settings())
    assert CP1252_TEXT in fetched.html
    assert fetched.charset == "cp1252"


def test_decode_body_order_of_evidence():
    utf8, cp1252 = CP1252_TEXT.encode(), CP1252_TEXT.encode("cp1252")
    assert decode_body(utf8, None) == CP1252_TEXT
    assert decode_body(b'<meta charset="utf-8">' + cp1252, "windows-1252").endswith(
        CP1252_TEXT
    )  # header first
    assert decode_body(b'<meta charset="windows-1252">' + cp1252, None).endswith(CP1252_TEXT)
    assert decode_body('<meta charset="koi8-r">Привет'.encode("koi8-r"), None).endswith("Привет")
    assert decode_body(cp1252, "latin-1") == CP1252_TEXT  # browsers read latin-1 as 1252
    assert decode_body(b"\xef\xbb\xbf" + utf8, "windows-1252") == CP1252_TEXT  # a BOM outranks the header
    assert decode_body(CP1252_TEXT.encode("utf-16"), None) == CP1252_TEXT
    assert decode_body(utf8, "no-such-charset") == CP1252_TEXT


def test_sniffing_and_status_lines():
    assert sniff_media_type(b"  <!DOCTYPE html><p>x") == "text/html"
    assert sniff_media_type(b"plain words") == "text/plain"
    with pytest.raises(errors.NotHtml, match="a compressed file"):
        sniff_media_type(b"PK\x03\x04rest")
    assert (
        status_message(429)
        == "The site answered 429 (too many requests). It is limiting requests; try again later."
    )
    assert status_message(599) == "The site answered 599 (an error). The site has a problem; try again later."
