"""The citation guard: only knowledge-base authorities reach a reader."""

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.legal.citations import find_citations
from bot.legal.guard import (
    UNVERIFIED_IN_QUOTE,
    UNVERIFIED_MARK,
    CitationGuard,
    KnownCitations,
    guard_analysis,
    guard_text,
)
from bot.legal.knowledge import load_topics
from bot.models import Analysis, ArticleMeta, Flag, FlagKind, Kind, LegalNote, Statement

KB = [
    "In re Neagle, 135 U.S. 1 (1890)",
    "Printz v. United States, 521 U.S. 898 (1997)",
    "McCulloch v. Maryland, 17 U.S. (4 Wheat.) 316 (1819)",
    "Trump v. J.G.G., 604 U.S. ___ (2025) (per curiam)",
    "U.S. Const. art. VI, cl. 2",
    "U.S. Const. amend. XIV, § 1",
    "8 U.S.C. § 1229a",
    "42 U.S.C. § 2000e-2",
    "47 U.S.C. § 230(c)(1)",
    "16 C.F.R. Part 318",
    "45 C.F.R. § 160.103",
    "Cal. Civ. Code § 1798.82",
    "Campbell v MGN Ltd [2004] UKHL 22, [2004] 2 AC 457",
    "Bloomberg LP v ZXC [2022] UKSC 5",
    "Defamation Act 2013, s 1",
    "Sup. Ct. R. 10",
]


@pytest.fixture(scope="module")
def guard() -> CitationGuard:
    return CitationGuard(KnownCitations(KB))


@pytest.mark.parametrize(
    "invented",
    [
        "Smith v. Jones, 123 U.S. 456 (1999)",
        "Printz v. United States, 521 U.S. 98 (1997)",  # a real case at the wrong page
        "Foo v. Bar [2031] UKSC 99",
        "[2019] EWCA Civ 123",
        "42 U.S.C. § 2000e-3",
        "16 C.F.R. Part 319",
        "U.S. Const. amend. XXVII",
        "Defamation Act 2013, s 5",
        "Cal. Civ. Code § 1954.50",
        "Foo v. Bar, 604 U.S. ___ (2025)",
        "Printz, 521 U.S. at 12",  # a pin cite before the first page
        "42 USC § 2000e-3",  # written without periods
        "42 U.S.C. 2000e-3",
    ],
)
def test_invented_citations_never_reach_output(guard: CitationGuard, invented: str) -> None:
    text = f"The court relied on {invented} in its ruling."
    cleaned, removed = guard.clean(text)
    assert removed
    assert invented not in cleaned
    assert cleaned.startswith("The court relied on") and cleaned.endswith("in its ruling.")


@pytest.mark.parametrize("citation", KB)
def test_known_authorities_pass_unchanged(guard: CitationGuard, citation: str) -> None:
    assert guard.clean(f"See {citation}.") == (f"See {citation}.", ())


@pytest.mark.parametrize(
    "variant",
    [
        "Printz, 521 U.S. at 935",  # short form inside the known case
        "U.S. Const. amend. XIV",  # less precise than the KB's "amend. XIV, § 1"
        "47 U.S.C. § 230",  # the section without the KB's subsection
        "45 C.F.R. Part 160",  # the part holding the KB's section
        "Id. at 936",
        "id.",
    ],
)
def test_references_to_known_authorities_are_kept(guard: CitationGuard, variant: str) -> None:
    assert guard.clean(f"As held in {variant}, states may not.")[1] == ()


@pytest.mark.parametrize(
    "ordinary",
    [
        "On May 5, 2023 the firm paid $5 million under Section 5 of the plan.",
        "The 2-1 decision came on Tuesday; 40 percent of 1,200 renters agreed.",
        "He served 10 years in the U.S. Army and 3 years in 12 U.S. states.",
        "The Human Rights Act 1998 protects privacy and free expression.",
        "Article VI of the Constitution and the Fourteenth Amendment were cited.",
    ],
)
def test_ordinary_text_is_untouched(guard: CitationGuard, ordinary: str) -> None:
    assert guard.clean(ordinary) == (ordinary, ())


def test_removal_leaves_readable_text(guard: CitationGuard) -> None:
    cleaned, removed = guard.clean("States cannot be drafted (Printz v. United States, 521 U.S. 98 (1997)).")
    assert cleaned == "States cannot be drafted."
    cleaned, _ = guard.clean(
        "This follows Neagle (see Smith v. Jones, 123 U.S. 456 (1999); In re Neagle, 135 U.S. 1 (1890))."
    )
    assert cleaned == "This follows Neagle (In re Neagle, 135 U.S. 1 (1890))."
    cleaned, _ = guard.clean("Smith v. Jones, 123 U.S. 456 (1999), is often cited.")
    assert cleaned == "is often cited."


def test_neighbouring_citations_are_judged_one_by_one(guard: CitationGuard) -> None:
    cleaned, removed = guard.clean(
        "Courts cited Printz v. United States, 521 U.S. 898 (1997) and Smith v. Jones, 123 U.S. 456 (1999)."
    )
    assert list(removed) == ["Smith v. Jones, 123 U.S. 456 (1999)"]  # the real one before it stays
    assert "Printz v. United States, 521 U.S. 898 (1997)" in cleaned
    _, removed = guard.clean(
        "Smith v. Jones, 123 U.S. 456 (1999), and Brown v. Green, 125 U.S. 9 (2001), agree."
    )
    assert list(removed) == ["Smith v. Jones, 123 U.S. 456 (1999)", "Brown v. Green, 125 U.S. 9 (2001)"]


def test_informal_code_citations_of_known_sections_are_kept(guard: CitationGuard) -> None:
    for informal in ("42 USC § 2000e-2", "42 U.S.C. 2000e-2", "8 USC section 1229a"):
        assert guard.clean(f"Under {informal}, they sued.") == (f"Under {informal}, they sued.", ())


def test_the_university_is_not_a_code(guard: CitationGuard) -> None:
    for text in ("In 2023 USC 56 students were arrested.", "No. 9 USC beat No. 20 UCLA 28-17."):
        assert guard.clean(text) == (text, ())


def test_a_uk_act_named_without_a_section_is_checked_in_legal_notes_only() -> None:
    invented = "It bans this (Online Harms (Fairness) Act 2031)."
    assert guard_text(invented, named_acts=True) == ("It bans this.", ["Online Harms (Fairness) Act 2031"])
    assert guard_text(invented) == (invented, [])  # in an article's own words it is only a name
    known = "Under the Human Rights Act 1998 and the Defamation Act 2013, courts weigh both."
    assert guard_text(known, named_acts=True) == (known, [])


def test_citations_are_keyed_for_matching() -> None:
    keys = {
        c.key
        for c in find_citations(
            "42 U.S.C. § 2000e-2; 8 U.S.C. § 1229a; [2022] UKSC 5; U.S. Const. art. VI, cl. 2"
        )
    }
    assert keys == {
        ("usc", "42", "2000e-2"),
        ("usc", "8", "1229a"),
        ("uk", "2022", "uksc", "5"),
        ("const", "art.vi", "cl2"),
    }


def test_every_bundled_authority_passes_the_bundled_guard() -> None:
    authorities = [a.citation for t in load_topics() for a in t.authorities]
    assert authorities, "the knowledge base is empty"
    for citation in authorities:
        assert guard_text(citation) == (citation, [])
        assert guard_text(f"As held in {citation}, it is so.") == (f"As held in {citation}, it is so.", [])


def test_bundled_cautions_are_plain_words_apart_from_citations() -> None:
    for topic in load_topics():
        for authority in topic.authorities:
            assert " — " not in authority.citation and "vacated" not in authority.citation.lower()
            if authority.note:
                assert guard_text(authority.note, named_acts=True)[1] == [], authority.note


def test_guard_analysis_cleans_every_written_field_and_counts(caplog: pytest.LogCaptureFixture) -> None:
    fake = "Smith v. Jones, 123 U.S. 456 (1999)"
    analysis = Analysis(
        article=ArticleMeta(url="https://example.test/a"),
        summary=f"A ruling ({fake}).",
        statements=[
            Statement(
                text=f"The brief cites {fake} under the Fake Harms Act 2030.",
                kind=Kind.CLAIM,
                source=f"lawyers citing {fake}",
                why=f"per {fake}",
            )
        ],
        legal=[
            LegalNote(
                topic="t",
                title=f"Title {fake}",
                jurisdiction="US federal",
                explanation=f"Explained by {fake}.",
                relevance=f"Because of {fake} and the Fake Harms Act 2030.",
                authorities=[fake, load_topics()[0].authorities[0].citation],
            )
        ],
        flags=[Flag(kind=FlagKind.NO_PRIMARY_SOURCE, detail=f"Compare {fake} and [2031] UKSC 99.")],
    )
    with caplog.at_level(logging.WARNING, logger="bot.legal.guard"):
        guarded = guard_analysis(analysis)
    dumped = guarded.model_dump_json()
    assert "123 U.S. 456" not in dumped and "Smith v. Jones" not in dumped and "UKSC 99" not in dumped
    assert guarded.statements[0].text == f"The brief cites {UNVERIFIED_MARK} under the Fake Harms Act 2030."
    assert guarded.legal[0].relevance == ""  # a story sentence with holes in it would mislead: dropped
    assert UNVERIFIED_IN_QUOTE in guarded.statements[0].why  # the reader learns the quote was cut
    assert guarded.usage.citations_removed == 11
    assert guarded.legal[0].authorities == [load_topics()[0].authorities[0].citation]
    assert sum("citation guard removed" in r.getMessage() for r in caplog.records) == 11


RECENT = [
    "Pa. Const. art. VI, §§ 4-6",
    "Matter of Yajure Hurtado, 29 I&N Dec. 216 (BIA 2025)",
    "Trump v. Barbara, No. 25-365 (U.S. June 30, 2026)",
    "Trump v. Illinois, No. 25A443 (U.S. Dec. 23, 2025)",
    "Make the Road New York v. Noem, No. 25-5320 (D.C. Cir. 2026)",
    "Learning Resources, Inc. v. Trump, 607 U.S. ___ (2026)",
]


@pytest.fixture(scope="module")
def recent_guard() -> CitationGuard:
    return CitationGuard(KnownCitations(KB + RECENT))


@pytest.mark.parametrize(
    "known",
    [
        *RECENT,
        "Trump v. Barbara, No. 25-365 (U.S. 2026)",  # the same docket, dated by year only
        "Learning Resources v. Trump, 607 U.S. ___ (2026)",  # the parties shortened
        "Learning Resources, Inc. v. Trump, 607 U.S. ___",
    ],
)
def test_recent_rulings_cited_by_docket_or_blank_page_are_kept(
    recent_guard: CitationGuard, known: str
) -> None:
    text = f"The Court ruled in {known} that the order was unlawful."
    assert find_citations(text), f"the guard cannot see {known!r}"
    assert recent_guard.clean(text) == (text, ())


@pytest.mark.parametrize(
    "invented",
    [
        "Trump v. Barbara, No. 25-366 (U.S. June 30, 2026)",  # a wrong docket number
        "Doe v. Roe, No. 25-365 (U.S. June 30, 2026)",  # a real docket given to invented parties
        "Trump v. Illinois, No. 25A443 (7th Cir. Dec. 23, 2025)",  # the right docket in another court
        "Smith v. Jones, No. 26-1234 (U.S. Mar. 3, 2026)",
        "Smith v. Jones, 607 U.S. ___ (2026)",  # a blank page in a known volume, invented parties
        "Smith v. Jones, 608 U.S. — (2026)",
        "Trump v. Cook (U.S. June 29, 2026)",  # dated but unknown (unverified in the registry)
        "Tex. Const. art. XV, § 2",  # another state's constitution
        "Pa. Const. art. VII, §§ 4-6",
        "Matter of Doe, 29 I&N Dec. 300 (BIA 2025)",  # a board precedent at another page
    ],
)
def test_invented_recent_rulings_are_removed(recent_guard: CitationGuard, invented: str) -> None:
    text = f"The court relied on {invented} in its ruling."
    cleaned, removed = recent_guard.clean(text)
    assert removed == (invented,)
    assert cleaned == "The court relied on in its ruling."


@pytest.mark.parametrize(
    "ordinary",
    [
        "The case (No. 25-365) was argued in April.",
        "Docket No. 24-109 is still open, officials said on June 30, 2026.",
        "The vote (U.S. June 29, 2026) was close.",
        "Shares fell 12% to $607 on June 30, 2026.",
    ],
)
def test_docket_numbers_and_dates_in_passing_are_not_citations(
    recent_guard: CitationGuard, ordinary: str
) -> None:
    assert recent_guard.clean(ordinary) == (ordinary, ())


# Article text is untrusted: runs of capitals, dots and docket fragments must not make a pattern try every
# way of cutting them (each of these took minutes before the court words became whole tokens).
HOSTILE = [
    "No. 25-365 (" + "A" * 40,
    "No. 25-365 (" + "AB." * 30,
    "No. 25-365 (" + "A1 " * 40 + ")",
    "x v. y, No. 25-365 (" + " ".join(["U.S."] * 60),
    "Matter of " + "A-" * 100 + " 29 I&N Dec. 1",
    "Pa. " * 100 + "Const. art. VI",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_citation_lookalikes_are_read_at_once(recent_guard: CitationGuard, text: str) -> None:
    cleaned, _ = recent_guard.clean(text)
    assert isinstance(cleaned, str)


PIECES = st.sampled_from(
    ["No. 25-365", "(U.S. June 30, 2026)", "607 U.S. ___", "v.", "Trump", "Smith,", "Pa. Const. art. VI, § 4",
     "29 I&N Dec. 216", "(BIA 2025)", "(", ")", ",", " ", "§", "U.S.", "Cir.", "AAAA", "2026"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=30))
def test_the_guard_reads_any_mix_of_citation_pieces(recent_guard: CitationGuard, pieces: list[str]) -> None:
    text = "".join(pieces)
    cleaned, removed = recent_guard.clean(text)
    assert len(cleaned) <= len(text)
    assert all(r in text for r in removed)


def test_citations_without_a_number_are_still_found():
    """The quick test that skips most sentences lets through every form a citation can take."""
    for text in (
        "the U.S. Const. amend. XIV protects it",
        "under Pa. Const. art. VI, as amended",
        "see Mass. Gen. Laws ch. Ninety, § 3",
        "Id. at 5",
    ):
        assert find_citations(text), text
    assert find_citations("The council met on Tuesday and approved the plan.") == []


def test_every_knowledge_base_citation_passes_the_quick_test():
    from bot.legal.citations import _MAYBE_ANY

    authorities = [a.citation for t in load_topics() for a in t.authorities]
    cited = [a for a in authorities if find_citations(a, named_acts=True)]
    assert len(cited) > 100
    assert all(_MAYBE_ANY.search(a) for a in authorities)
