"""Which level of American government a story is about: federal, state (and local), both, or unsaid.

A state House impeaching a governor, a district attorney charging a murder and a state judge setting
bond are state matters, and a federal-only rule (Congress impeaches, the Bail Reform Act) would mislead
there. Stories say which level they mean through their actors and proceedings; those are counted here.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.legal.jurisdiction import APPEALS_COURT, GENERAL_OFFICE

Level = Literal["federal", "state", "both", "unsaid"]

# "state" before an institution's name makes it a state one: "the state Senate", "state prosecutors".
_STATE_INSTITUTION = (
    r"(?:House|Senate|Assembly|legislat\w+|lawmakers?|[Ss]upreme [Cc]ourt|courts?|judges?|prosecutors?|"
    r"attorneys? general|constitution|law|laws|statutes?|penal code|troopers?|police|capitol|"
    r"representatives?|senators?|district judge|appeals court|charges?|prison)"
)
_STATE = re.compile(
    r"\b[Ss]tate(?:'s)? " + _STATE_INSTITUTION + r"\b"
    r"|\b(?:[Gg]overnor|Gov\.|[Ll]ieutenant [Gg]overnor|[Ss]tatehouse|[Ss]tate [Hh]ouse"
    r"|[Gg]eneral [Aa]ssembly)|\b(?:[Dd]istrict|[Cc]ounty|[Ss]tate's|[Cc]ommonwealth's) [Aa]ttorney\b"
    r"|\b[Cc]ounty (?:prosecutors?|jail|court|judge|sheriff)\b"
    r"|\b[Ss]heriff\b|\b[Ss]uperior [Cc]ourt\b|\b[Pp]enal [Cc]ode\b"
    r"|\b(?:[A-Z][a-z]+ ){0,2}County\b(?! [Cc]ouncil)"
    r"|\b[A-Z][a-z]+(?: [A-Z][a-z]+)? (?:Supreme Court|" + APPEALS_COURT + "|" + GENERAL_OFFICE + "|"
    r"legislature|Legislature|law|House|Senate)\b(?<!U\.S\. Supreme Court)(?<!United States Supreme Court)"
)
_FEDERAL = re.compile(
    r"\b[Ff]ederal (?:court|judge|prosecutors?|charges?|grand jury|agents?|officers?|officials?|law"
    r"|crimes?|indictment|investigat\w+|government|authorities|custody|prison|magistrate|agency|agencies"
    r"|appeals court)"
    r"|\bU\.S\. (?:[Aa]ttorney|District Court|[Dd]istrict [Jj]udge|Supreme Court|House|Senate|Marshals?|"
    + APPEALS_COURT
    + r")"
    r"|\b(?:Justice Department|Department of Justice|DOJ|FBI|DEA|ATF|ICE|Secret Service"
    r"|Homeland Security|Congress|congressional|White House|Pentagon|[Pp]resident (?:Trump|Biden)"
    r"|Speaker of the House|House Judiciary|Senate Judiciary|Capitol Hill)\b"
    r"|\b\d+(?:st|nd|rd|th) (?:U\.S\. )?Circuit\b|\bCircuit " + APPEALS_COURT + r"\b"
)
# Names the state pattern must not count: federal bodies and places that read like "Name House".
_NOT_STATE = re.compile(
    r"^(?:The|In|On|At|But|And|White|U\.S\.|United|Federal|Justice|Senate|House|Supreme|Trump|Biden|"
    r"Harris|Republican|Democratic)\b"
)


def _states(text: str) -> int:
    count = 0
    for m in _STATE.finditer(text):
        first = m.group().split(" ", 1)[0]
        if (
            m.group()[:1].isupper()
            and " " in m.group()
            and _NOT_STATE.match(first)
            and "County" not in m.group()
        ):
            continue
        count += 1
    return count


def government_level(text: str) -> Level:
    """The level of government a US story's actors and proceedings belong to."""
    state, federal = _states(text), len(_FEDERAL.findall(text))
    if state and federal:
        # A passing mention of the other level ("the FBI was not involved") does not make a story both.
        if state >= 3 * federal:
            return "state"
        return "federal" if federal >= 3 * state else "both"
    if state:
        return "state"
    return "federal" if federal else "unsaid"
