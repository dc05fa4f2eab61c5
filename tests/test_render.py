"""The digest chooses what a reply says; terminal and Markdown show it faithfully."""

from bot.models import Analysis, ArticleMeta, Flag, FlagKind, Kind, LegalNote, Statement, Usage
from bot.render.digest import build_digest, shorten
from bot.render.markdown import render_markdown
from bot.render.terminal import render_terminal, wants_color


def sample(**changes) -> Analysis:
    analysis = Analysis(
        article=ArticleMeta(
            url="https://news.example/a",
            title="Agents fear arrests",
            site="News Example",
            published="2026-11-27",
        ),
        summary=(
            "Unnamed sources say officials worry. The article says there is no evidence of charges so far."
        ),
        statements=[
            Statement(
                text="Officials could begin arresting agents.",
                kind=Kind.SPECULATION,
                source="sources familiar with internal discussions",
            ),
            Statement(text="There is no evidence of charges so far.", kind=Kind.FACT),
            Statement(
                text="Advocates argue agents are not immune.",
                kind=Kind.CLAIM,
                source="civil rights advocates",
            ),
            Statement(text="The divide is deepening.", kind=Kind.OPINION),
        ],
        legal=[
            LegalNote(
                topic="supremacy-clause-immunity",
                title="Supremacy Clause immunity",
                jurisdiction="US federal",
                explanation="A state can't punish a federal officer for doing the job. More detail here.",
                relevance="The article says states could charge ICE agents.",
                authorities=["In re Neagle, 135 U.S. 1 (1890)"],
            )
        ],
        flags=[
            Flag(kind=FlagKind.HEADLINE_OVERSTATES, detail="The headline says more than the article shows."),
            Flag(kind=FlagKind.ANONYMOUS_SOURCING, detail="Every source is unnamed."),
        ],
    )
    return analysis.model_copy(update=changes)


def test_sections_follow_reading_order_and_credit_sources():
    digest = build_digest(sample())
    assert [s.label for s in digest.sections] == ["Reported", "Claimed", "Speculation", "Opinion"]
    claimed = digest.sections[1]
    assert claimed.heading == '🗣️ Claimed (1) — "civil rights advocates"'
    assert claimed.items == ["Advocates argue agents are not immune. — civil rights advocates"]


def test_headline_warning_leads_and_is_not_repeated_in_care_line():
    digest = build_digest(sample())
    assert digest.lead == "⚠️ The headline says more than the article shows."
    assert digest.care == "⚠️ Read with care: Every source is unnamed."


def test_per_section_limit_keeps_all_items_for_show_all():
    many = [Statement(text=f"Fact number {i} happened.", kind=Kind.FACT) for i in range(9)]
    digest = build_digest(sample(statements=many), per_section=3)
    assert digest.sections[0].total == 9
    assert len(digest.sections[0].items) == 3 and digest.sections[0].hidden == 6
    assert len(digest.sections[0].all_items) == 9


def test_legal_shows_first_sentence_jurisdiction_and_one_disclaimer():
    text = " ".join(render_terminal(sample()).split())
    assert "⚖️ Legal context (US federal)" in text
    assert (
        "A state can't punish a federal officer for doing the job. (In re Neagle, 135 U.S. 1 (1890))" in text
    )
    assert "More detail here" not in text
    assert text.lower().count("not legal advice") == 1


def test_fallback_engine_is_named_in_footer():
    digest = build_digest(sample(engine="local (fallback from openai:gpt-4.1-mini/prompt-v1)"))
    assert "AI unavailable" in digest.footer
    assert "gpt-4.1-mini" in build_digest(sample(engine="openai:gpt-4.1-mini/prompt-v1")).footer


def test_condensed_articles_are_disclosed():
    digest = build_digest(sample(usage=Usage(condensed=True)))
    assert any("condensed" in n for n in digest.notes)


def test_terminal_colour_only_when_asked():
    assert "\033[" not in render_terminal(sample(), color=False)
    assert "\033[1m" in render_terminal(sample(), color=True)


class Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_colour_needs_a_terminal_and_no_NO_COLOR(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_color(Stream(True)) and not wants_color(Stream(False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_color(Stream(True))


def test_a_long_section_shows_its_main_items_and_says_how_many_more():
    facts = [Statement(text=f"Fact number {n} happened on day {n}.", kind=Kind.FACT) for n in range(1, 8)]
    many = sample(statements=facts)
    for render in (render_terminal, render_markdown):
        compact, everything = render(many), render(many, everything=True)
        assert sum(f"Fact number {n} " in compact for n in range(1, 8)) == 3
        assert "4 more (--all shows every statement)" in compact
        assert all(f"Fact number {n} " in everything for n in range(1, 8)) and "more (--all" not in everything


def test_markdown_escapes_article_text():
    hostile = sample(summary="Click [bank.com](https://evil.example) <b>now</b> *wow*")
    md = render_markdown(hostile)
    assert "[bank.com](https://evil.example)" not in md
    assert "\\[bank.com\\]" in md and "\\<b\\>" in md and "\\*wow\\*" in md
    assert md.startswith("### 📰 [Agents fear arrests](https://news.example/a)")


def test_shorten_cuts_at_word_boundary():
    assert shorten("one two three four five", 12) == "one two…"
    assert shorten("short", 12) == "short"
    assert len(shorten("x" * 500, 100)) == 100


def test_an_unreadable_language_is_explained_once_in_a_note():
    digest = build_digest(sample(statements=[], legal=[], usage=Usage(unreadable_language="de")))
    assert digest.sections == [] and digest.legal_heading is None
    [note] = digest.notes
    assert note.startswith("This article is not in English (de).")
