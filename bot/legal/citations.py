"""Find legal citations in text and reduce each to a comparable key.

eyecite finds US case citations (full and short forms) and many code citations; the
patterns here cover what it does not: constitutional provisions, U.S.C. and C.F.R.
sections with letters or hyphens, UK neutral citations, UK law reports and UK Acts.
A key is what must match the knowledge base: (volume, reporter, page) for a case,
(code, title, section) for a statute, the provision for the Constitution.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

Kind = Literal["case", "short", "statute", "constitution", "uk_case", "uk_act", "id"]


@dataclass(frozen=True)
class Citation:
    """One citation found in a text: where it is and what it refers to."""

    start: int
    end: int
    kind: Kind
    key: tuple[str, ...]
    text: str


_ROMAN = r"[IVXLC]+"
_CONSTITUTION = re.compile(
    r"U\.\s?S\.\s?Const\.(?:\s*(?P<part>art|amend)\.?\s*(?P<num>" + _ROMAN + r"|\d+))?"
    r"(?:,?\s*§+\s*(?P<sec>\d+))?(?:,?\s*cl(?:s)?\.\s*(?P<cl>\d+(?:\s*[-–]\s*\d+)?))?"
)
# "Pa. Const. art. VI, §§ 4-6", "N.Y. Const. art. VI, § 24": a state constitution's article and section.
_STATE_CONSTITUTION = re.compile(
    r"\b(?!U\.\s?S\.)(?P<state>(?:[A-Z][a-z]*\.\s?){1,3})\s*Const\.\s*art\.\s*(?P<art>" + _ROMAN + r"|\d+)"
    r"(?:,?\s*§+\s*(?P<sec>\d+[a-z]?(?:\s*[-–]\s*\d+[a-z]?)?))?"
)
_USC = re.compile(
    # "42 U.S.C. § 1983", "42 U.S.C. 1983", "42 USC § 1983"; a bare "USC 56" is a university, not a code.
    r"\b(?P<title>\d+)\s+(?:U\.\s?S\.\s?C\.(?:\s?A\.)?\s*(?:§§?)?|USCA?\s*(?:§§?|[Ss]ec(?:tion|\.)))\s*"
    r"(?P<sec>\d+[A-Za-z]*(?:[-–.]\d+[A-Za-z]*)*)(?:\s*(?:\([A-Za-z0-9]+\))+)?"
)
_CFR = re.compile(
    r"\b(?P<title>\d+)\s+C\.\s?F\.\s?R\.\s*(?:§§?|Part|pt\.)\s*"
    r"(?P<sec>\d+(?:\.\d+[A-Za-z]*(?:-\d+)?)?)(?:\s*(?:\([A-Za-z0-9]+\))+)?"
)
# Board of Immigration Appeals precedent: "Matter of Yajure Hurtado, 29 I&N Dec. 216 (BIA 2025)".
_BIA = re.compile(
    r"(?:\bMatter of [A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3},\s*)?"
    r"\b(?P<vol>\d+)\s+I\s?&\s?N\s+Dec\.\s+(?P<page>\d+)"
    r"(?:\s*\((?:BIA|A\.G\.|AG)\s+\d{4}\))?"
)
# State codes cited by chapter, e.g. "Mass. Gen. Laws ch. 93H, § 3" (eyecite misses these).
_CHAPTER_CODE = re.compile(
    r"\b(?P<code>(?:[A-Z][A-Za-z]*\.\s?){1,4}(?:Laws|Stat\.|Code)(?:\s+Ann\.)?)\s+ch\.\s*(?P<ch>\w+)"
    r"(?:,\s*§+\s*(?P<sec>[\w.-]+))?"
)
_UK_COURTS = r"UKSC|UKHL|UKPC|UKUT|UKFTT|UKEAT|EWCA\s+(?:Civ|Crim)|EWHC|EWFC|EWCOP|CSIH|CSOH|HCJAC|NICA|NIQB"
_UK_NEUTRAL = re.compile(
    r"\[(?P<year>\d{4})\]\s+(?P<court>" + _UK_COURTS + r")\s+(?P<num>\d+)(?:\s*\((?:[A-Z][A-Za-z]*)\))?"
)
_UK_REPORT = re.compile(
    r"\[(?P<year>\d{4})\]\s+(?:(?P<vol>\d+)\s+)?(?P<series>AC|QB|KB|Ch|Fam|WLR|All\s?ER|EMLR|FSR|ICR|IRLR)"
    r"\s+(?P<page>\d+)"
)
# A UK case name written just before a UK citation: "Campbell v MGN Ltd [2004] UKHL 22".
_UK_CASE_NAME = re.compile(
    r"(?:(?:Re|In re)\s+)?(?:[A-Z][\w'&.()-]*\s+(?:(?:of|and|the|for|de|&)\s+)*){1,6}v\.?\s+"
    r"(?:(?:[A-Z][\w'&.()-]*|of|and|the|for|&)\s+){0,8}$"
)
# A bracketed part of an Act's name ("(Northern Ireland)") is capitalised words one space apart: with
# the space optional, a long run of capitals could be cut into words in every way (minutes to reject).
_UK_ACT = re.compile(
    r"\b(?P<act>[A-Z][A-Za-z'-]*(?:\s+(?:[A-Z][A-Za-z'-]*|\([A-Z][A-Za-z]*(?:\s[A-Z][A-Za-z]*)*\s?\)|of|and|the|for|to|on|in))*"
    r"\s+Act\s+(?P<year>\d{4})),?\s+(?P<unit>ss?|Sch|sch|section|sections|schedule)\.?\s*"
    r"(?P<sec>\d+[A-Z]*(?:\(\d+[a-z]?\))*(?:\s*[-–]\s*\d+[A-Z]*)?)"
    r"(?:\s*\((?:ECHR\s+)?arts?\s+[\d\s,and]+\))?"
)
# A UK Act named without a section ("the Online Safety Act 2023"): a citation only in legal notes,
# where it would present a law as context; in an article's own words it is just a name.
_UK_ACT_NAMED = re.compile(
    r"\b(?P<act>[A-Z][A-Za-z'-]*(?:\s+(?:[A-Z][A-Za-z'-]*|\([A-Z][A-Za-z]*(?:\s[A-Z][A-Za-z]*)*\s?\)|of|and|the|for|to|on|in))*"
    r"\s+Act\s+\d{4})\b"
)
# Sentence words the Act pattern can sweep up before the Act's own name ("Under the Human Rights Act").
_LEADING_WORDS = re.compile(
    r"^(?:(?:Under|The|In|By|See|Per|And|Of|From|With|Section|Sections|Its|This|That|A|An|But|As|Also"
    r"|Both|Only|While|When|Breach|Breaches)\s+|(?:of|and|the|for|to|on|in)\s+)+"
)
_COURT_RULE = re.compile(
    r"\b(?P<body>Sup\.\s?Ct\.\s?R\.|Fed\.\s?R\.\s?(?:Civ|Crim|App|Evid|Bankr)\.(?:\s?P\.)?)\s*(?P<num>\d+)"
    r"(?:\([a-z0-9]+\))*"
)
_EXEC_ORDER = re.compile(
    r"\bExec(?:utive|\.)\s+Order\s+(?:No\.\s*)?(?P<num>\d{4,5})"
    r"(?:,\s*\d+\s+Fed\.\s?Reg\.\s+\d+(?:\s*\([A-Z][a-z]{2}\.?\s+\d{1,2},\s+\d{4}\))?)?"
)
# "604 U.S. ___" (or "604 U.S. —"): the page is not assigned yet, so the parties identify the case.
_BLANK_PAGE = re.compile(
    r"\b(?P<vol>\d+)\s+U\.\s?S\.\s+(?:_{2,}|[—–](?![\w—–]))(?:\s*\((?:[^()]*\s)?\d{4}\))?"
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
# "Trump v. Barbara, No. 25-365 (U.S. June 30, 2026)": a ruling cited by docket number and date, before
# any reporter has it; "Trump v. Cook (U.S. June 29, 2026)": by date alone. The court and year in
# brackets are what make the number a citation rather than a docket mentioned in passing.
_DOCKET = re.compile(
    r"\bNo\.\s*(?P<num>\d{1,2}(?:[-–]|A)\d{1,6}(?:[-–]\d+)?)(?:\s*\([A-Z]{1,4}\))?,?\s*"
    # Court words are whole tokens split by single spaces, so that no text can make the match backtrack
    # through every way of cutting a long run of capitals.
    r"\((?:(?P<court>[A-Z0-9][\w.]*(?:\s[A-Z0-9][\w.]*){0,4})\s+)?"
    r"(?:" + _MONTH + r"\s+\d{1,2},\s*)?(?P<year>\d{4})\)"
)
_DATED = re.compile(r"\s\((?P<court>U\.\s?S\.)\s+(?P<date>" + _MONTH + r"\s+\d{1,2},\s*\d{4})\)")
_US_CASE_NAME = re.compile(
    r"(?:(?:In re|Ex parte)\s+)?(?:[A-Z0-9][\w'.&-]*,?\s+(?:(?:of|and|the|for|&)\s+)*){1,8}v\.\s+"
    r"(?P<defendant>(?:[\w'.&-]+,?\s+){0,8}?[\w'.&-]+),\s*$"
)
# Case-name words eyecite leaves behind when it starts a name too late ("Students for | Fair Admissions").
_NAME_TAIL = re.compile(r"(?:\b[A-Z][\w'.-]*\s+(?:&|for|of|and|the)\s+|\b[A-Z][\w'.-]*\s+v\.\s+)$")
# Section letters and subsections eyecite stops before: "§ 76-a", "§ 230(c)(1)".
_SECTION_TAIL = re.compile(r"(?:[-–][A-Za-z0-9]+|\([A-Za-z0-9]+\))*")
# Quick test before paying for eyecite: a volume followed by a reporter abbreviation.
_MAYBE_CASE = re.compile(
    r"\b\d+\s+(?:[A-Z][A-Za-z0-9.]*|[A-Z]\.)\s?[\w.]*\s+(?:\(\d+ [A-Z][\w.]+\)\s+)?(?:\d+|_{2,}|at\b)"
)
_MAYBE_ID = re.compile(r"\b[Ii]d\.")
# What every citation form above holds (a number, "Const.", "ch.", "§") or eyecite's "Id." needs: most
# sentences hold none, and then no pattern needs to run.
_MAYBE_ANY = re.compile(r"\d|Const\.|\sch\.|§|\b[Ii]d\.")
_NAME_PREFIX = re.compile(r"(?:\b(?:Ex parte|In re|Ex rel\.)\s+)$", re.IGNORECASE)


def _squash(value: str) -> str:
    """Compare abbreviations without their spacing: 'S. Ct.' == 'S.Ct.'."""
    return re.sub(r"\s+", "", value).lower()


def _regex_citations(text: str, named_acts: bool) -> list[Citation]:
    found: list[Citation] = []
    for m in _CONSTITUTION.finditer(text):
        parts = ["const"]
        if m["part"]:
            parts.append(f"{m['part']}.{m['num']}".lower())
            if m["sec"]:
                parts.append(f"s{m['sec']}")
            if m["cl"]:
                parts.append(f"cl{_squash(m['cl']).replace('–', '-')}")
        found.append(Citation(m.start(), m.end(), "constitution", tuple(parts), m.group()))
    for m in _STATE_CONSTITUTION.finditer(text):
        parts = [f"const.{_squash(m['state'])}", f"art.{m['art']}".lower()]
        if m["sec"]:
            parts.append(f"s{_squash(m['sec']).replace('–', '-')}")
        found.append(Citation(m.start(), m.end(), "constitution", tuple(parts), m.group()))
    for m in _USC.finditer(text):
        key = ("usc", m["title"], m["sec"].replace("–", "-").lower())
        found.append(Citation(m.start(), m.end(), "statute", key, m.group()))
    for m in _CFR.finditer(text):
        key = ("cfr", m["title"], m["sec"].lower())
        found.append(Citation(m.start(), m.end(), "statute", key, m.group()))
    for m in _BIA.finditer(text):
        found.append(Citation(m.start(), m.end(), "case", ("bia", m["vol"], m["page"]), m.group()))
    for m in _CHAPTER_CODE.finditer(text):
        key = ("code", _squash(m["code"]), f"ch{m['ch'].lower()}") + ((m["sec"].lower(),) if m["sec"] else ())
        found.append(Citation(m.start(), m.end(), "statute", key, m.group()))
    for pattern in (_UK_NEUTRAL, _UK_REPORT):
        for m in pattern.finditer(text):
            if pattern is _UK_NEUTRAL:
                key = ("uk", m["year"], _squash(m["court"]), m["num"])
            else:
                key = ("ukr", m["year"], m["vol"] or "", _squash(m["series"]), m["page"])
            start = m.start()
            name = _UK_CASE_NAME.search(text[max(0, start - 160) : start])
            if name:
                start -= len(name.group())
            found.append(Citation(start, m.end(), "uk_case", key, text[start : m.end()]))
    if named_acts:
        for m in _UK_ACT_NAMED.finditer(text):
            act = _LEADING_WORDS.sub("", m["act"])
            start = m.end("act") - len(act)
            found.append(Citation(start, m.end(), "uk_act", ("ukact", act.lower()), text[start : m.end()]))
    for m in _COURT_RULE.finditer(text):
        key = ("rule", _squash(m["body"]), m["num"])
        found.append(Citation(m.start(), m.end(), "statute", key, m.group()))
    for m in _EXEC_ORDER.finditer(text):
        found.append(Citation(m.start(), m.end(), "statute", ("eo", m["num"]), m.group()))
    for m in _BLANK_PAGE.finditer(text):
        name = _US_CASE_NAME.search(text[max(0, m.start() - 200) : m.start()])
        start = m.start() - len(name.group()) if name else m.start()
        key = ("blank", m["vol"], _squash(name["defendant"]) if name else "")
        found.append(Citation(start, m.end(), "case", key, text[start : m.end()]))
    dockets = list(_DOCKET.finditer(text))
    for m in dockets:
        found.append(
            _named_case(text, m, ("docket", _squash(m["court"] or ""), m["num"].replace("–", "-").lower()))
        )
    for m in _DATED.finditer(text):
        if any(d.start() <= m.start() < d.end() for d in dockets):
            continue
        cite = _named_case(text, m, ("dated", _squash(m["court"]), _squash(m["date"])), comma=False)
        if cite.start < m.start():  # only with the parties' names before it is a date a citation
            found.append(cite)
    for m in _UK_ACT.finditer(text):
        act = _LEADING_WORDS.sub("", m["act"])
        start = m.end("act") - len(act)
        unit = "sch" if m["unit"].lower().startswith("sch") else "s"
        section = re.split(r"[(\s]", m["sec"], maxsplit=1)[0]
        key = ("ukact", act.lower(), f"{unit}{section.lower()}")
        found.append(Citation(start, m.end(), "uk_act", key, text[start : m.end()]))
    return found


def _named_case(text: str, m: re.Match[str], key: tuple[str, ...], comma: bool = True) -> Citation:
    """A case cited without a reporter page: the parties' names before it belong to the citation and
    to its key (the defendant's name), so that an invented case with a real docket is still unknown."""
    before = text[max(0, m.start() - 200) : m.start()]
    name = _US_CASE_NAME.search(before + ("" if comma else ","))
    words = (
        len(_LEADING_WORDS.match(name.group()).group()) if name and _LEADING_WORDS.match(name.group()) else 0
    )
    start = m.start() - len(name.group()) + words + (0 if comma else 1) if name else m.start()
    defendant = _squash(name["defendant"]) if name else ""
    return Citation(start, m.end(), "case", (*key, defendant), text[start : m.end()])


def _eyecite_citations(text: str) -> list[Citation]:
    # eyecite warns about overlapping matches in odd text; the overlap is resolved below, and an
    # engine's text should not fill the logs.
    logging.getLogger("eyecite").setLevel(logging.ERROR)
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation, FullLawCitation, IdCitation, ShortCaseCitation

    found: list[Citation] = []
    for cite in get_citations(text):
        groups = cite.groups
        if isinstance(cite, FullCaseCitation | ShortCaseCitation):
            end = cite.full_span()[1]
            start = _case_name_start(text, cite.full_span()[0])
            if found and start < found[-1].end:
                start = _name_after(text, found[-1].end, cite.span()[0])
            key = (
                "case",
                groups.get("volume") or "",
                _squash(groups.get("reporter") or ""),
                groups.get("page") or "",
            )
            kind = "case" if isinstance(cite, FullCaseCitation) else "short"
            found.append(Citation(start, end, kind, key, text[start:end]))
        elif isinstance(cite, FullLawCitation):
            start, end = cite.span()
            tail = _SECTION_TAIL.match(text, end)
            section = (groups.get("section") or groups.get("page") or "") + (tail.group() if tail else "")
            end += len(tail.group()) if tail else 0
            reporter = _squash(groups.get("reporter") or "")
            number = groups.get("title") or groups.get("chapter") or groups.get("volume") or ""
            section = re.split(r"\(", section, maxsplit=1)[0]
            found.append(
                Citation(start, end, "statute", ("law", reporter, number, section.lower()), text[start:end])
            )
        elif isinstance(cite, IdCitation):
            start, end = cite.span()
            found.append(Citation(start, end, "id", ("id",), text[start:end]))
    return found


def _case_name_start(text: str, start: int) -> int:
    """Where a case citation really starts: past an opening bracket, back over a clipped name."""
    while start < len(text) and text[start] in "( ":
        start += 1
    prefix = _NAME_PREFIX.search(text[max(0, start - 12) : start])
    if prefix:
        return start - len(prefix.group())
    tail = _NAME_TAIL.search(text[max(0, start - 60) : start])
    return start - len(tail.group()) if tail else start


def _name_after(text: str, floor: int, volume: int) -> int:
    """Where a case name starts between the previous citation's end and this one's volume.

    eyecite sometimes reaches back into the citation before ("Printz v. United States, 521 U.S. 898
    (1997) and Smith v. Jones, …" gets "United States" as Smith's parties), which would hide two
    citations in one span.
    """
    name = _US_CASE_NAME.search(text[floor:volume])
    return volume - len(name.group()) if name else volume


def _without_overlaps(found: list[Citation]) -> list[Citation]:
    """Keep the longest citation where two overlap."""
    kept: list[Citation] = []
    for cite in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        if kept and cite.start < kept[-1].end:
            if cite.end - cite.start > kept[-1].end - kept[-1].start:
                kept[-1] = cite
            continue
        kept.append(cite)
    return kept


@cache
def warm_up() -> None:
    """Import eyecite and build its tokenizer once, so the first article does not pay for it."""
    _eyecite_citations("Printz v. United States, 521 U.S. 898 (1997)")


def find_citations(text: str, named_acts: bool = False) -> list[Citation]:
    """Every citation in `text`, in order, without overlaps (`named_acts`: UK Acts named without a
    section count too)."""
    if not _MAYBE_ANY.search(text):
        return []
    found = _without_overlaps(_regex_citations(text, named_acts))
    if _MAYBE_CASE.search(text) or _MAYBE_ID.search(text) or "§" in text:
        # The patterns key what they match more precisely than eyecite ("§ 2000e-2", "604 U.S. ___").
        covered = [(c.start, c.end) for c in found]
        extra = [
            c for c in _eyecite_citations(text) if not any(c.start < e and s < c.end for s, e in covered)
        ]
        found = _without_overlaps(found + extra)
    return found
