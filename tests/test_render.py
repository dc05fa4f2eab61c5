"""The reply plan chooses what a reply says; terminal and Markdown show it faithfully."""

import os
from pathlib import Path

import pytest

from bot.models import Analysis, ArticleMeta, Flag, FlagKind, Kind, LegalNote, Statement, Usage
from bot.render.markdown import render_markdown
from bot.render.plan import WORD_BUDGET, build_plan, relevance_pointer
from bot.render.quotes import count_words, describe_source, quote
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


def flat(text: str) -> str:
    return " ".join(text.split())


def test_sections_follow_reading_order_and_name_sources_as_descriptions():
    plan = build_plan(sample())
    headings = [b.heading for b in plan.blocks() if b.role == "section"]
    assert headings == [
        "✅ Reported (1) · in the summary",
        "🗣️ Claimed (1)",
        "🔮 Speculation (1)",
        "💬 Opinion (1)",
    ]
    [claim] = plan.items[Kind.CLAIM]
    assert (
        claim.quote == "Advocates argue agents are not immune." and claim.source == "civil rights advocates"
    )
    assert '"' not in flat(render_terminal(sample()))  # a source is a description, never a quotation


def test_unnamed_sourcing_reads_as_a_description():
    assert describe_source("reportedly (source not named)") == "unnamed sources"
    assert describe_source("Legal experts") == "legal experts"
    assert describe_source("A person familiar with the talks") == "a person familiar with the talks"
    for named in (
        "Judge Paul Reinholt",
        "Carrowline",
        "Ostrowski's attorney, Lena Carvajal",
        "MendaPath’s chief",
    ):
        assert describe_source(named) == named


def test_the_verdict_leads_and_the_care_line_merges_the_other_flags_once():
    plan = build_plan(
        sample(flags=[*sample().flags, Flag(kind=FlagKind.NO_PRIMARY_SOURCE, detail="Second-hand.")])
    )
    assert plan.verdict == "The headline says more than the article shows."
    assert plan.care == "some sources are unnamed; a document is known only second-hand."
    text = render_terminal(sample())
    assert text.count("⚠️") == 1 and text.count("Read with care") == 1


def test_a_flag_about_the_link_preview_headline_says_so():
    preview = Flag(
        kind=FlagKind.HEADLINE_OVERSTATES,
        detail="The headline (“BREAKING: agents will be arrested…”) overstates.",
    )
    assert build_plan(sample(flags=[preview])).verdict.startswith("The link-preview headline")
    same = Flag(kind=FlagKind.HEADLINE_OVERSTATES, detail="The headline (“Agents fear arrests”) overstates.")
    assert build_plan(sample(flags=[same])).verdict.startswith("The headline says")


def test_a_sentence_in_the_summary_is_not_repeated_as_an_item():
    plan = build_plan(sample())
    assert plan.items[Kind.FACT] == []
    assert flat(render_terminal(sample())).count("no evidence of charges so far") == 1


def test_at_most_two_items_per_kind_and_show_all_shows_every_statement_whole():
    long_tail = ", and the rest of this sentence goes on for a good while longer than anyone would like"
    facts = [
        Statement(text=f"Fact number {n} happened on day {n}{long_tail}.", kind=Kind.FACT) for n in range(7)
    ]
    many = sample(statements=facts, summary="A short summary.")
    plan = build_plan(many)
    assert 1 <= len(plan.items[Kind.FACT]) <= 2 and plan.more
    for render in (render_terminal, render_markdown):
        compact, everything = flat(render(many)), flat(render(many, everything=True))
        assert "--all shows every statement" in compact
        assert all(flat(f.text) in everything for f in facts)
        assert "--all shows" not in everything


def test_a_long_quote_is_cut_after_a_whole_clause_never_inside_one():
    statement = Statement(
        text=(
            "Former prosecutors say that even the perception of liability could have a chilling effect on "
            "operations, particularly in places where public opinion is hostile to enforcement."
        ),
        kind=Kind.SPECULATION,
        why="modal: could",
    )
    shown = quote(statement, 20)
    assert shown == (
        "Former prosecutors say that even the perception of liability could have a chilling effect "
        "on operations…"
    )
    assert quote(statement, 40) == statement.text


def test_an_attribution_shows_what_was_said_not_only_who_said_it():
    statement = Statement(
        text=(
            "Legal experts note that while agents generally operate under federal authority, "
            "disputes can arise when state officials believe federal officers have exceeded "
            "their legal powers or broken laws."
        ),
        kind=Kind.CLAIM,
        source="Legal experts",
        why="attribution: note",
    )
    assert quote(statement, 20).startswith("…disputes can arise when state officials believe")


def test_legal_shows_one_rule_one_citation_and_points_to_the_story_without_requoting():
    note = (
        sample()
        .legal[0]
        .model_copy(
            update={
                "relevance": (
                    "Relevant if it happens (the story says it may): "
                    "“Officials could begin arresting agents.”"
                ),
                "authorities": ["In re Neagle, 135 U.S. 1 (1890)", "Johnson v. Maryland, 254 U.S. 51 (1920)"],
            }
        )
    )
    analysis = sample(legal=[note])
    text = flat(render_terminal(analysis))
    assert "⚖️ Legal context (US federal)" in text
    assert (
        "A state can't punish a federal officer for doing the job. (In re Neagle, 135 U.S. 1 (1890))" in text
    )
    assert "More detail here" not in text and "Johnson v. Maryland" not in text
    assert relevance_pointer(note, analysis) == "Relevant if it happens — see Speculation."
    assert text.count("Officials could begin arresting agents") == 1
    assert "Johnson v. Maryland" in flat(render_terminal(analysis, everything=True))
    assert text.lower().count("not legal advice") == 1


def test_a_caution_about_an_authority_is_a_plain_note_beside_the_citation_it_names():
    cautions = ["In re Neagle was narrowed later.", "Idaho v. Horiuchi was vacated as moot."]
    note = (
        sample()
        .legal[0]
        .model_copy(
            update={
                "authorities": ["In re Neagle, 135 U.S. 1 (1890)", "Idaho v. Horiuchi, 253 F.3d 359"],
                "cautions": cautions,
            }
        )
    )
    compact = flat(render_terminal(sample(legal=[note])))
    assert "(In re Neagle, 135 U.S. 1 (1890)) Note: In re Neagle was narrowed later." in compact
    assert "Horiuchi" not in compact
    everything = flat(render_terminal(sample(legal=[note]), everything=True))
    assert "Source: Idaho v. Horiuchi, 253 F.3d 359 Note: In re Neagle" in everything
    assert "Note: Idaho v. Horiuchi was vacated as moot." in everything


def test_at_most_two_legal_topics_in_the_compact_reply():
    notes = [sample().legal[0].model_copy(update={"topic": f"t{n}", "title": f"Topic {n}"}) for n in range(4)]
    plan = build_plan(sample(legal=notes))
    assert 1 <= len(plan.legal) <= 2


def test_the_compact_reply_stays_within_its_word_budget():
    words = " ".join(f"word{n}" for n in range(30))
    statements = [Statement(text=f"Sentence {n} says {words}.", kind=list(Kind)[n % 4]) for n in range(40)]
    big = sample(
        statements=statements, summary=" ".join(f"Summary sentence {n} with {words}." for n in range(9))
    )
    plan = build_plan(big)
    assert plan.words() <= WORD_BUDGET
    assert count_words(render_terminal(big)) <= 230 and count_words(render_markdown(big)) <= 240


def test_fallback_engine_is_named_in_footer():
    assert (
        "AI unavailable"
        in build_plan(sample(engine="local (fallback from openai:gpt-4.1-mini/prompt-v1)")).footer
    )
    assert "gpt-4.1-mini" in build_plan(sample(engine="openai:gpt-4.1-mini/prompt-v1")).footer


def test_condensed_articles_are_disclosed():
    assert any("long article" in n.lower() for n in build_plan(sample(usage=Usage(condensed=True))).notes)


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


def test_markdown_escapes_article_text():
    hostile = sample(summary="Click [bank.com](https://evil.example) <b>now</b> *wow*")
    md = render_markdown(hostile)
    assert "[bank.com](https://evil.example)" not in md
    assert "\\[bank.com\\]" in md and "\\<b\\>" in md and "\\*wow\\*" in md
    assert md.startswith("### 📰 [Agents fear arrests](https://news.example/a)")


def test_an_unreadable_language_is_explained_once_in_a_note():
    plan = build_plan(sample(statements=[], legal=[], usage=Usage(unreadable_language="de")))
    assert [b for b in plan.blocks() if b.role in ("section", "legal")] == []
    [note] = plan.notes
    assert note.startswith("This article is not in English (de).")


GOLDEN = Path(__file__).parent / "golden"
ICE_ANALYSIS = Path(__file__).parent / "fixtures" / "ice_analysis.json"


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("terminal_ice.txt", render_terminal),
        ("terminal_ice_all.txt", lambda a: render_terminal(a, everything=True)),
        ("markdown_ice.md", render_markdown),
    ],
)
def test_golden_ice_reply(name, render):
    """Regenerate with `FOOTNOTE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_render.py`; review the diff."""
    analysis = Analysis.model_validate_json(ICE_ANALYSIS.read_text(encoding="utf-8"))
    rendered = render(analysis) + "\n"
    if os.environ.get("FOOTNOTE_UPDATE_GOLDEN"):
        (GOLDEN / name).write_text(rendered, encoding="utf-8")
    assert rendered == (GOLDEN / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "why", "shown"),
    [
        (
            "“An aftershock above magnitude 6 is possible this week, and people should stay out of "
            "damaged homes,” said Hernando Tavera, head of the Geophysical Institute of Peru.",
            "attribution: said",
            "“An aftershock above magnitude 6 is possible this week, and people should stay out of "
            "damaged homes,” said Hernando Tavera…",
        ),
        (
            "In a notice filed with the state and posted on its website last week, MendaPath said an "
            "unauthorized party used a stolen password to reach a customer database in April.",
            "attribution: said",
            "…MendaPath said an unauthorized party used a stolen password to reach a customer database "
            "in April.",
        ),
        (
            "The agency sent a civil investigative demand seeking internal audits and messages about the "
            "breach, according to a copy of the demand reviewed by the Bulletin on Tuesday.",
            "attribution: according to",
            "The agency sent a civil investigative demand seeking internal audits and messages about the "
            "breach…",
        ),
    ],
)
def test_an_attribution_is_cut_so_that_what_was_said_stays(text, why, shown):
    assert quote(Statement(text=text, kind=Kind.CLAIM, why=why), 24) == shown
