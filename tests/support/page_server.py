"""A local HTTP server of news-like article pages that counts every request, for tests and benches.

Routes: `/news/<slug>` an article page (its text depends on the slug), `/file/<slug>` a PDF,
`/missing/<slug>` a 404, `/page/<slug>` the HTML stored in `pages[slug]`, `/stuck/<slug>` a page
that never finishes loading (work behind it is still running when a test stops the bot). `hits[path]` counts
requests per path.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from html import escape

from aiohttp import web

STUCK_SECONDS = 120.0

_PARAGRAPHS = (
    "The city council voted 7 to 2 on Tuesday to approve a new budget for the {topic} programme, "
    "according to the minutes published after the meeting.",
    'Council member Dana Reyes said the plan "will finally give residents the services they were promised", '
    "while two members argued that the cost had not been explained.",
    "Officials familiar with the negotiations said the state could challenge the decision in court, "
    "although no lawsuit has been filed so far.",
    "The programme costs 4.2 million dollars a year and is paid for by a sales tax approved in 2019.",
    "Critics warned that the measure might raise rents in the surrounding neighbourhoods.",
    "A spokesperson for the mayor's office declined to comment on the vote but confirmed that the mayor "
    "intends to sign the ordinance next week.",
    "Residents who spoke at the public hearing were divided; several described long waits for the "
    "services, and others said the money would be better spent on road repairs.",
    "In our view, the council should have published the full cost estimate before the vote on {topic}.",
)


def article_html(slug: str) -> str:
    """A plausible news article page about `slug`."""
    topic = escape(slug.replace("-", " "))
    body = "\n".join(f"<p>{p.format(topic=topic)}</p>" for p in _PARAGRAPHS)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Council approves {topic} budget after heated debate</title>
<meta property="og:site_name" content="Local Ledger">
<meta name="author" content="Sam Writer">
<meta property="article:published_time" content="2026-03-02T10:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Council approves {topic} budget after heated debate</h1>
<p class="byline">By Sam Writer</p>
{body}
</article>
<footer>© Local Ledger</footer>
</body></html>"""


class PageServer:
    """Serves article pages on 127.0.0.1 at a free port; use as an async context manager."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.pages: dict[str, str] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str) -> str:
        """The full URL of a path on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    async def _news(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        return web.Response(text=article_html(request.match_info["slug"]), content_type="text/html")

    async def _page(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        html = self.pages.get(request.match_info["slug"])
        if html is None:
            return await self._missing(request)
        return web.Response(text=html, content_type="text/html")

    async def _file(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        return web.Response(body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", content_type="application/pdf")

    async def _stuck(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        await asyncio.sleep(STUCK_SECONDS)
        return web.Response(text="too late", content_type="text/html")

    async def _missing(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        return web.Response(status=404, text="<html><body>Not found</body></html>", content_type="text/html")

    async def __aenter__(self) -> PageServer:
        app = web.Application()
        app.router.add_get("/news/{slug}", self._news)
        app.router.add_get("/file/{slug}", self._file)
        app.router.add_get("/missing/{slug}", self._missing)
        app.router.add_get("/page/{slug}", self._page)
        app.router.add_get("/stuck/{slug}", self._stuck)
        # A stuck page's request is cut off when the server stops, not waited for.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
