"""Soft error pages: a "page not found" answered with status 200 is no story, whatever text it lists."""

from __future__ import annotations

import re

# What error pages call themselves in their title or heading, in the languages news is read in.
_ERROR_TITLE = re.compile(
    r"^\W*40[34]\b|\b(?:error|fehler|erreur|errore)\s*:?\s*40[134]\b"
    r"|\b40[134]\b\s*[-–:|]?\s*(?:error|not found|page|seite)"
    r"|\bnot\s+found\b|\bpage\s+(?:does\s+not|doesn[’']t|cannot\s+be|can[’']t\s+be)\b"
    r"|\bno\s+longer\s+available\b|\bnicht\s+gefunden\b|\bseite\s+existiert\s+nicht\b"
    r"|\bpage\s+(?:introuvable|non\s+trouvée)\b|\bp[áa]gina\s+n[ãa]o\s+encontrada\b"
    r"|\bp[áa]gina\s+no\s+(?:encontrada|existe)\b|\bpagina\s+non\s+trovata\b|\bpagina\s+niet\s+gevonden\b"
    r"|\bnie\s+znaleziono\b|\bstrona\s+nie\s+istnieje\b|страница\s+не\s+найдена"
    r"|ページが見つかりません|お探しのページ|页面不存在|頁面不存在|找不到(?:该|該|此)?(?:页面|頁面|网页|網頁)",
    re.IGNORECASE,
)
# How error pages apologise in their first lines.
_ERROR_LEAD = re.compile(
    r"\b(?:we|I)\s+(?:couldn[’']t|could\s+not|can[’']t|cannot)\s+find\s+(?:that|the|this)\s+page\b"
    r"|\bthe\s+page\s+you\s+(?:are|were|’re|'re)\s+looking\s+for\b|\bthe\s+requested\s+(?:page|url)\b",
    re.IGNORECASE,
)
# The lines of a reading that can carry its apology: below them sit the lists of links an error page offers.
LEAD_LINES = 3
# The apology opens its line; searching a runaway line (a page of text and <br>) whole costs seconds per MB.
LEAD_CHARS = 2_000


def is_error_page(titles: list[str], lines: tuple[str, ...]) -> bool:
    """True when the page's titles (headline, `<title>`, og:title) or first lines call it an error page."""
    leads = [line[:LEAD_CHARS] for line in lines[:LEAD_LINES]]
    return any(_ERROR_TITLE.search(title) for title in titles if title) or any(
        _ERROR_TITLE.search(line) or _ERROR_LEAD.search(line) for line in leads
    )
