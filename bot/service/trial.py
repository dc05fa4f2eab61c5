"""Trial mode: what auto mode would have posted in a channel, recorded instead of posted, and its report.

In a channel set to `auto trial` the service analyses every link exactly as in auto mode (claims,
rate limits, budgets, cache, single-flight) and the adapters post nothing. Each would-be post is a
`TrialRecord`: its first lines, engine, tokens and cost. An offline analysis costs nothing, so the
record also carries what the OpenAI engine would have spent on the article: its request counted
with tiktoken exactly as the engine would build it, its answer estimated per sentence sent.

`trial report` turns the records into a digest for moderators, cut to fit one platform's limits.
Article text in it (titles, summaries, links) is made inert with the platform's own escaper.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.config import Settings
from bot.models import Article
from bot.render.plan import build_plan
from bot.service.store import DAY, Store, TrialCount, TrialRecord
from bot.service.types import ExplainResult, Status, Where

# The OpenAI engine's answer labels each sentence sent with its kind, source and a few words why:
# about 20 tokens a sentence (the engine times its calls on the same figure), plus the summary
# (≤ 80 words), flags and legal picks.
OUTPUT_TOKENS_PER_SENTENCE = 20
OUTPUT_TOKENS_FIXED = 170
# How OpenAI counts a chat request beyond its texts (its cookbook's `num_tokens_from_messages`).
TOKENS_PER_MESSAGE = 3
REPLY_PRIMING_TOKENS = 3
REPLY_CHARS = 600  # the would-be reply's first lines as stored
LISTED_AT_MOST = 500  # records read for one report; the counts above the list cover them all
# What one report may take, in characters as the platform counts them: a Slack message (escaped
# text) and three Discord messages (the adapter pages a command's reply at line breaks).
REPORT_BUDGET = {"slack": 3800, "discord": 5000}
WIDTHS = (100, 80, 64, 48, 36, 24)  # tried in turn for each line's would-be first line
LINK_CHARS = 48
LEAVE_LINE = (
    "Happy with it? `auto on` in the channel (or `auto on #channel`) starts answering there; "
    "`auto off` stops reading it."
)
REFUSALS = {
    "rate_limited": "rate-limited",
    "quiet": "rate-limited",
    "budget_spent": "budget spent",
    "domain_blocked": "blocked domain",
    "not_allowed": "not on the allow list",
}


def would_be_reply(result: ExplainResult) -> str:
    """The first lines of what auto mode would have posted: the verdict and *In short*, or the notice."""
    if result.analysis is not None:
        plan = build_plan(result.analysis)
        lines = [line.text for block in plan.head_blocks() for line in block.lines]
        text = "\n".join(lines) or plan.title
    elif result.status is Status.QUIET:
        text = ""  # the member was already told about the limit: auto mode posts nothing
    else:
        text = result.message or ""
    return text[:REPLY_CHARS]


def openai_estimate(article: Article, settings: Settings) -> tuple[int, float | None]:
    """Tokens the OpenAI engine would spend on `article` and their price (None: the model has no price).

    The request is counted as the engine would build it (system prompt, numbered sentences within the
    token budget, candidate topics, the answer's JSON Schema); the answer is estimated per sentence."""
    from bot.engines.openai.engine import prepare_request
    from bot.engines.openai.pricing import estimate_cost, price_table
    from bot.engines.openai.prompt import build_messages, load_prompts
    from bot.engines.openai.schema import response_format
    from bot.engines.openai.tokens import count_tokens, encoding_for

    cache_dir = None
    if settings.tiktoken_cache_dir:
        from pathlib import Path

        cache_dir = Path(settings.tiktoken_cache_dir)
    prompts = load_prompts()
    request = prepare_request(article, "en", settings, prompts, cache_dir)
    encoding = encoding_for(settings.model, cache_dir)
    messages = build_messages(prompts, request.user)
    schema = json.dumps(response_format()["json_schema"]["schema"], separators=(",", ":"))
    input_tokens = (
        sum(count_tokens(m["content"], encoding) + TOKENS_PER_MESSAGE for m in messages)
        + count_tokens(schema, encoding)
        + REPLY_PRIMING_TOKENS
    )
    output_tokens = OUTPUT_TOKENS_FIXED + OUTPUT_TOKENS_PER_SENTENCE * len(request.sent)
    cost = estimate_cost(settings.model, input_tokens, output_tokens, price_table(settings.price_table))
    return input_tokens + output_tokens, cost


def trial_record(
    result: ExplainResult, where: Where, at: float, estimate: tuple[int, float | None] | None
) -> TrialRecord:
    """The record of one would-be post; tokens and cost only for the request that ran the analysis."""
    analysis = result.analysis
    usage = analysis.usage if analysis is not None and result.spent else None
    return TrialRecord(
        at=at,
        platform=where.platform,
        workspace=where.workspace,
        channel=where.channel,
        message_id=where.message_id or "",
        url=result.link,
        title=analysis.article.title if analysis is not None else "",
        status=result.status.value,
        reason=result.error_kind or "",
        reply=would_be_reply(result),
        engine=analysis.engine if analysis is not None else "",
        tokens=usage.input_tokens + usage.output_tokens if usage else 0,
        cost_usd=(usage.cost_usd or 0.0) if usage else 0.0,
        estimate_tokens=estimate[0] if estimate else 0,
        estimate_usd=estimate[1] if estimate else None,
    )


async def earlier_trial_answer(store: Store, where: Where, url: str, not_before: float) -> str | None:
    """ "" when this link already had a would-be answer in this trial channel since `not_before`, else None.

    Auto mode would point to its earlier answer then (a trial answer has no permalink to point to)."""
    earlier = await store.trial_records(where.workspace, where.channel, not_before, 20, url=url)
    answered = {Status.OK.value, Status.CACHED.value}
    return "" if any(r.status in answered and r.platform == where.platform for r in earlier) else None


# The report


@dataclass(frozen=True)
class ReportScope:
    """Which records a report covers and for whom it is written."""

    platform: str  # "discord" | "slack" | "cli": how untrusted text is made inert, and the size limit
    workspace: str | None  # None: every workspace (the operator's CLI)
    channel: str | None  # None: every channel
    days: int
    now: float


async def trial_report(store: Store, scope: ReportScope) -> str:
    """The digest: counts, cost, then each link with its would-be first line and cost, newest first."""
    since = scope.now - scope.days * DAY
    counts = await store.trial_counts(scope.workspace, scope.channel, since)
    records = await store.trial_records(scope.workspace, scope.channel, since, LISTED_AT_MOST)
    period = "24 hours" if scope.days == 1 else f"{scope.days} days"
    where = (
        f"<#{scope.channel}>"
        if scope.channel
        else ("every workspace" if scope.workspace is None else "this workspace's trial channels")
    )
    head = [f"Trial mode, last {period}, {where} (nothing was posted):"]
    if not records:
        head.append(
            "No links seen in trial mode. `auto trial` in a channel (or `auto trial #channel`) starts it."
        )
        return "\n".join(head)
    head += [_counts_line(counts), _cost_line(counts, records)]
    lines = _fit(head, records, [LEAVE_LINE], scope)
    return "\n".join(lines)


def stats_line(today: list[TrialCount], month: list[TrialCount]) -> str | None:
    """`stats`' line on trial mode, or None when no channel was in trial mode for 30 days."""
    if not month:
        return None

    def figures(label: str, counts: list[TrialCount]) -> str:
        seen = sum(c.links for c in counts)
        answers = sum(c.links for c in counts if c.status in (Status.OK.value, Status.CACHED.value))
        spent = sum(c.cost_usd for c in counts)
        estimate = sum(c.estimate_usd for c in counts)
        line = f"{label} {seen:,} links, {answers:,} would-be answers, ≈ ${spent:,.2f}"
        return line + (f" (OpenAI engine est. ${estimate:,.2f})" if estimate else "")

    return (
        "Trial mode (nothing posted; its analyses, cache hits and refusals are included above): "
        f"{figures('today', today)}; {figures('last 30 days', month)}. `trial report` lists them."
    )


def _counts_line(counts: list[TrialCount]) -> str:
    def links(*statuses: str) -> int:
        return sum(c.links for c in counts if c.status in statuses)

    refused: dict[str, int] = {}
    for count in counts:
        name = REFUSALS.get(count.reason) or REFUSALS.get(count.status)
        if name:
            refused[name] = refused.get(name, 0) + count.links
    parts = [
        f"{links(*(c.status for c in counts)):,} links seen",
        f"{links('ok', 'cached'):,} would-be answers ({links('cached'):,} from the cache)",
    ]
    if links("already_here"):
        parts.append(f"{links('already_here'):,} pointers to an earlier answer")
    refusals = ", ".join(f"{name} {n:,}" for name, n in sorted(refused.items()))
    parts.append(f"refused: {refusals or 'none'}")
    unreadable = links("failed", "not_article")
    if unreadable:
        parts.append(f"couldn't read or not an article {unreadable:,}")
    return " · ".join(parts)


def _cost_line(counts: list[TrialCount], records: list[TrialRecord]) -> str:
    spent = sum(c.cost_usd for c in counts)
    tokens = sum(c.tokens for c in counts)
    estimate = sum(c.estimate_usd for c in counts)
    if tokens:
        line = f"Cost: ≈ ${spent:,.4f} spent on {tokens:,} model tokens (from the price table)"
    else:
        line = "Cost: $0 spent (no model calls)"
    estimated = [r for r in records if r.estimate_tokens]
    priced = [r for r in estimated if r.estimate_usd is not None]
    if priced:
        line += (
            f"; the OpenAI engine would have cost about ${estimate:,.4f} for the offline analyses"
            " (estimated from each article's token count)"
        )
        if len(priced) < len(estimated):
            line += ", not counting the analyses for which the configured model had no known price"
    elif estimated:
        line += (
            "; FOOTNOTE_MODEL has no price in the table, so there is no OpenAI estimate"
            " (FOOTNOTE_PRICES adds one)"
        )
    return line + "."


def _fit(head: list[str], records: list[TrialRecord], tail: list[str], scope: ReportScope) -> list[str]:
    """Head, as many record lines as fit the platform (widest first lines that fit), a note, tail."""
    budget = REPORT_BUDGET.get(scope.platform)
    inert = _escaper(scope.platform)
    measure = _measure(scope.platform)
    show_channel = scope.channel is None
    fixed = sum(measure(line) + 1 for line in head + tail) + 120  # 120: the "…and N more" note
    for width in WIDTHS:
        body = [_record_line(r, width, scope, inert, show_channel) for r in records]
        if budget is None or fixed + sum(measure(line) + 1 for line in body) <= budget:
            return head + body + tail
    shown: list[str] = []
    used = fixed
    for record in records:
        line = _record_line(record, WIDTHS[-1], scope, inert, show_channel)
        if budget is not None and used + measure(line) + 1 > budget:
            break
        shown.append(line)
        used += measure(line) + 1
    more = len(records) - len(shown)
    note = f"…and {more:,} older links not shown here; `footnote admin trial report` lists them all."
    return head + shown + [note] + tail


def _record_line(
    record: TrialRecord, width: int, scope: ReportScope, inert: Callable[[str], str], show_channel: bool
) -> str:
    stamp = datetime.fromtimestamp(record.at, UTC).strftime("%H:%M" if scope.days == 1 else "%b %d %H:%M")
    channel = f" {_channel_mark(record.channel, scope.platform)}" if show_channel else ""
    link = inert(_clip(record.url.split("://", 1)[-1], LINK_CHARS))
    said = inert(_clip(_said(record), width))
    return f"• {stamp}{channel} {link} — {said} · {_cost(record)}"


def _said(record: TrialRecord) -> str:
    """What auto mode would have done, in a few words: its reply's first line, or why it would not answer."""
    first = " ".join((record.reply.splitlines() or [""])[0].split())
    if record.status in (Status.OK.value, Status.CACHED.value):
        return first or record.title or "(an answer)"
    if record.status == Status.ALREADY_HERE.value:
        return "would point to its earlier answer"
    if record.status == Status.QUIET.value:
        return "rate-limited, nothing posted (the member was already told)"
    refusal = REFUSALS.get(record.reason) or REFUSALS.get(record.status)
    if refusal:
        return f"{refusal}: {first}"
    return f"couldn't read it ({record.reason or record.status}): {first}"


def _cost(record: TrialRecord) -> str:
    if record.status == Status.CACHED.value:
        return "cached, $0"
    if record.cost_usd or record.tokens:
        return f"≈ ${record.cost_usd:,.4f}"
    if record.estimate_tokens:
        openai = f"${record.estimate_usd:,.4f}" if record.estimate_usd is not None else "no price known"
        return f"$0 (OpenAI est. {openai})"
    return "$0"


def _clip(text: str, limit: int) -> str:
    """One line of printable text, at most `limit` characters, "…" when cut."""
    text = "".join(ch for ch in " ".join(text.split()) if ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _channel_mark(channel: str, platform: str) -> str:
    """A channel as the platform links it; ids come from the platform, never from article text."""
    if not channel.isalnum():
        return ""
    return f"#{channel}" if platform == "cli" else f"<#{channel}>"


def _escaper(platform: str) -> Callable[[str], str]:
    """How article text is made inert on a platform (the adapters' own escapers; the terminal: as is)."""
    if platform == "discord":
        from bot.adapters.discord.safety import inert

        return inert
    if platform == "slack":
        # The Slack adapter escapes the whole reply and then turns `&lt;#C…&gt;` back into channel
        # links, so a `<#` in article text is broken up here to stay text.
        return lambda text: text.replace("<", "<\u200b")
    return lambda text: text


def _measure(platform: str) -> Callable[[str], int]:
    """Characters as the platform counts them (Slack counts the escaped text)."""
    if platform == "slack":
        from bot.adapters.slack.mrkdwn import escape

        return lambda text: len(escape(text))
    return len
