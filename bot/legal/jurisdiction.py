"""Where a story happens, as far as law goes: the US (federal or a state), the UK, or elsewhere."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from bot.legal.knowledge import US_STATES

US = "US"
UK = "UK"

# Office titles with a postpositive "general" (an attorney general, a solicitor general: American
# officials at both the federal and the state level) and the usual names of intermediate appeals courts.
GENERAL_OFFICE = r"(?:[Aa]ttorneys?|[Ss]olicitors?)[- ][Gg]enerals?"
APPEALS_COURT = r"Court of (?:[A-Z][a-z]+ )?Appeals"

_US_SIGNALS = (
    r"U\.S\.|\bUS\b|United States|America|Americans?|\bfederal\b|\bFederal\b|Congress\w*|\bSenate\b|\bFBI\b"
    r"|Justice Department|Department of Justice|\bDOJ\b|\bICE\b|White House|Supreme Court|\bNLRB\b|\bFTC\b"
    r"|\bSEC\b|" + GENERAL_OFFICE + r"|district attorney|\bGov\.|\bSen\.|\bRep\.|\$\d"
    r"|Capitol Hill|Pentagon|Homeland Security|\bGOP\b|Republicans?\b|Democrats?\b"
    # Big cities, which datelines and stories often name without their state.
    r"|\b(?:Chicago|Los Angeles|Houston|Philadelphia|Phoenix|San Francisco|Seattle|Boston|Atlanta|Miami"
    r"|Detroit|Denver|Dallas|San Diego|Baltimore|Minneapolis|Milwaukee|Pittsburgh|Cleveland|Brooklyn"
    r"|Manhattan)\b"
)
_UK_SIGNALS = (
    r"\bUK\b|U\.K\.|Britain|British|\bEngland\b|\bScotland\b|Scottish|\bWales\b|Welsh|Northern Ireland"
    r"|\bLondon\b|Westminster|Downing Street|House of Commons|House of Lords|Crown Prosecution Service"
    r"|\bOfcom\b|Metropolitan Police|Scotland Yard|\bNHS\b|Old Bailey|Crown Court|magistrates' court|\bMPs?\b"
    r"|Home Office|Prime Minister Keir|Starmer|King Charles|£\d"
    # English judges' titles and courts, ministers and parties, and the places papers write from.
    r"|\b(?:Mrs?|Ms|Lord|Lady) Justice\b|Royal Courts of Justice|\b[Mm]agistrates\b|\bCPS\b|Home Secretary"
    r"|Justice Secretary|\bTor(?:y|ies)\b|\bLabour (?:government|MPs?|[Pp]arty|leader)\b"
    r"|Information Commissioner|Police Scotland"
    r"|\b(?:Greater Manchester|West Midlands|Merseyside|Yorkshire|Cornwall|Devon|Essex|Sussex|Surrey)\b"
    r"|\b(?:Leeds|Liverpool|Glasgow|Edinburgh|Cardiff|Belfast|Sheffield|Bradford|Manchester|Birmingham"
    r"|Nottingham)\b"
)
# Places outside the knowledge base's reach, with what a reader calls them. Names, capitals and the
# words papers use for their governments: enough to tell a story set there from one that mentions it.
_ELSEWHERE = {
    "France": r"France|French|Paris|Macron|Élysée",
    "Germany": r"Germany|German|Berlin|Bundestag|Merz",
    "Canada": r"Canada|Canadian|Ottawa|Ontario|Quebec|British Columbia|Alberta",
    "Australia": r"Australia|Australian|Canberra|Sydney|Melbourne",
    "Ireland": r"Republic of Ireland|Dublin|Taoiseach|Irish government",
    "India": r"India|Indian government|New Delhi|Mumbai|Modi",
    "China": r"China|Chinese|Beijing|Xi Jinping",
    "Japan": r"Japan|Japanese|Tokyo",
    "Brazil": r"Brazil|Brazilian|Brasília|Lula",
    "Mexico": r"Mexico City|Mexican government|Sheinbaum",
    "Italy": r"Italy|Italian|Rome|Meloni",
    "Spain": r"Spain|Spanish government|Madrid",
    "the Netherlands": r"Netherlands|Dutch|Amsterdam|The Hague",
    "Russia": r"Russia|Russian|Moscow|Kremlin|Putin",
    "Ukraine": r"Ukraine|Ukrainian|Kyiv|Zelensky",
    "Israel": r"Israel|Israeli|Jerusalem|Tel Aviv|Netanyahu",
    "South Africa": r"South Africa|Johannesburg|Pretoria|Cape Town",
    "Nigeria": r"Nigeria|Nigerian|Lagos|Abuja",
    "South Korea": r"South Korea|Seoul|Korean",
    "New Zealand": r"New Zealand|Wellington|Auckland",
    "the European Union": r"European Union|\bEU\b|European Commission|Brussels",
    # The rest of the world, by country, people and capital; names shared with US places or people
    # (Georgia, Jordan, Lebanon, Lima, Athens, Panama City), and words for food (Thai, Swiss, Danish), are
    # left out or given only in safe forms.
    "Argentina": r"Argentina|Argentine|Argentinian|Buenos Aires|Milei",
    "Chile": r"Chile|Chilean|Santiago",
    "Colombia": r"Colombia|Colombian|Bogotá|Bogota",
    "Peru": r"Peruvian",
    "Venezuela": r"Venezuelan government|Caracas|Maduro",
    "Ecuador": r"Ecuador|Ecuadorian|Quito",
    "Bolivia": r"Bolivia|Bolivian",
    "Cuba": r"Cuban government|Havana",
    "Kenya": r"Kenya|Kenyan|Nairobi|Ruto",
    "Ethiopia": r"Ethiopia|Addis Ababa",
    "Uganda": r"Uganda|Ugandan|Kampala",
    "Tanzania": r"Tanzania|Tanzanian|Dar es Salaam",
    "Ghana": r"Ghana|Ghanaian|Accra",
    "Senegal": r"Senegal|Senegalese|Dakar",
    "Zimbabwe": r"Zimbabwe|Zimbabwean|Harare",
    "Egypt": r"Egypt|Egyptian|Cairo",
    "Morocco": r"Morocco|Moroccan|Rabat",
    "Tunisia": r"Tunisia|Tunisian",
    "Turkey": r"Türkiye|Turkish government|Ankara|Istanbul|Erdogan|Erdoğan",
    "Iran": r"Iran|Iranian|Tehran",
    "Iraq": r"Iraq|Iraqi|Baghdad",
    "Saudi Arabia": r"Saudi|Riyadh",
    "the United Arab Emirates": r"United Arab Emirates|\bUAE\b|Emirati|Dubai|Abu Dhabi",
    "Pakistan": r"Pakistan|Pakistani|Islamabad|Karachi|Lahore",
    "Bangladesh": r"Bangladesh|Bangladeshi|Dhaka",
    "Sri Lanka": r"Sri Lanka|Sri Lankan|Colombo",
    "Indonesia": r"Indonesia|Indonesian|Jakarta",
    "the Philippines": r"Philippines|Philippine|Manila",
    "Malaysia": r"Malaysia|Malaysian|Kuala Lumpur",
    "Singapore": r"Singapore|Singaporean",
    "Thailand": r"Thailand|Bangkok",
    "Vietnam": r"Vietnam|Hanoi",
    "Taiwan": r"Taiwan|Taiwanese|Taipei",
    "Hong Kong": r"Hong Kong",
    "Poland": r"Poland|Polish government|Warsaw",
    "Hungary": r"Hungary|Hungarian|Budapest|Orbán|Orban",
    "Austria": r"Austria|Austrian|Vienna",
    "Switzerland": r"Switzerland|Swiss government|Geneva|Zurich|Bern",
    "Belgium": r"Belgium|Belgian",
    "Sweden": r"Sweden|Swedish|Stockholm",
    "Norway": r"Norway|Norwegian|Oslo",
    "Denmark": r"Denmark|Danish government|Copenhagen",
    "Finland": r"Finland|Finnish|Helsinki",
    "Portugal": r"Portugal|Portuguese|Lisbon",
    "Greece": r"Greece|Greek government|Greek court",
    "Romania": r"Romania|Romanian|Bucharest",
    "Czechia": r"Czech|Prague",
    "Serbia": r"Serbia|Serbian|Belgrade",
}
_STATE_ABBREVIATIONS = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California", "Colo.": "Colorado",
    "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida", "Ga.": "Georgia", "Ill.": "Illinois",
    "Ind.": "Indiana", "Kan.": "Kansas", "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland",
    "Mass.": "Massachusetts", "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi",
    "Mo.": "Missouri", "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina",
    "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon", "Pa.": "Pennsylvania",
    "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn.": "Tennessee",
    "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia", "Wis.": "Wisconsin",
    "Wyo.": "Wyoming", "D.C.": "District of Columbia",
}  # fmt: skip
_US_RE = re.compile(_US_SIGNALS)
_UK_RE = re.compile(_UK_SIGNALS)
_PLACE_GROUPS = {f"p{i}": place for i, place in enumerate(_ELSEWHERE)}
# Every name starts with a capital: the look-ahead skips all other positions before trying the names.
_ELSEWHERE_RE = re.compile(
    r"\b(?=[A-ZÉÜ])(?:"
    + "|".join(rf"(?P<p{i}>(?:{pattern})\b)" for i, pattern in enumerate(_ELSEWHERE.values()))
    + ")"
)
_STATE_RE = re.compile(
    r"\b("
    + "|".join(sorted(US_STATES, key=len, reverse=True))
    + r")\b|(?<![\w.])("
    + "|".join(re.escape(a) for a in _STATE_ABBREVIATIONS)
    + r")(?=[\s,—–-])"
)
# "KESSLING, Mich. —", "LONDON (Reuters) —": where the story was filed.
_DATELINE = re.compile(
    r"^([A-Z][A-Z .'-]{2,40})(?:,\s*([A-Z][\w. ]{1,20}?))?\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s"
)
_TLD = re.compile(r"^https?://[^/]*\.(uk|fr|de|ca|au|ie|in|nz|za|it|es|nl|jp|br|mx)(?::\d+)?(?:/|$)")
_TLD_PLACES = {
    "uk": UK, "fr": "France", "de": "Germany", "ca": "Canada", "au": "Australia", "ie": "Ireland",
    "in": "India", "nz": "New Zealand", "za": "South Africa", "it": "Italy", "es": "Spain",
    "nl": "the Netherlands", "jp": "Japan", "br": "Brazil", "mx": "Mexico",
}  # fmt: skip
_HEADLINE_WEIGHT = 3.0
_DATELINE_WEIGHT = 6.0
_TLD_WEIGHT = 4.0
_READ_CHARS = 4000  # the opening says where a story is set; the rest would only cost time


@dataclass(frozen=True)
class Jurisdiction:
    """Where a story sits: `place` is "US", "UK" or a named country; `states` are US states it names."""

    place: str
    states: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_us(self) -> bool:
        """True for stories under US law."""
        return self.place == US


def _state_names(text: str) -> set[str]:
    names = {m.group(1) or _STATE_ABBREVIATIONS[m.group(2)] for m in _STATE_RE.finditer(text)}
    # "Washington" alone is usually the federal government, not the state.
    if "Washington" in names and not re.search(r"Washington [Ss]tate|[Ss]tate of Washington|Wash\.", text):
        names.discard("Washington")
    return names


def detect_jurisdiction(headline: str, text: str, url: str = "") -> Jurisdiction:
    """The jurisdiction whose law a reader would ask about for this story."""
    # Every place starts at nothing: a place named only in the dateline must not be a missing key.
    scores: defaultdict[str, float] = defaultdict(float, {US: 0.0, UK: 0.0})
    text = text[:_READ_CHARS]
    for weight, part in ((_HEADLINE_WEIGHT, headline), (1.0, text)):
        states = _state_names(part)
        scores[US] += weight * (len(_US_RE.findall(part)) + 2 * len(states))
        scores[UK] += weight * len(_UK_RE.findall(part))
        for m in _ELSEWHERE_RE.finditer(part):
            place = _PLACE_GROUPS[m.lastgroup or ""]
            scores[place] += weight
    dateline = _DATELINE.match(text)
    if dateline:
        where = " ".join(filter(None, dateline.groups()))
        if _state_names(where) or _US_RE.search(where) or _US_RE.search(where.title()):
            scores[US] += _DATELINE_WEIGHT
        if _UK_RE.search(where.title()) or _UK_RE.search(where):
            scores[UK] += _DATELINE_WEIGHT
        for m in _ELSEWHERE_RE.finditer(f"{where} {where.title()}"):
            scores[_PLACE_GROUPS[m.lastgroup or ""]] += _DATELINE_WEIGHT
    tld = _TLD.match(url)
    if tld:
        scores[_TLD_PLACES[tld.group(1)]] += _TLD_WEIGHT
    place = max(scores, key=lambda p: (scores[p], p == US))
    # Papers everywhere write about America; only a clear lead moves a story out of US law. A story
    # with no American sign at all needs less: two signs of one other place are enough.
    needed = 2.0 if scores[US] == 0 else max(3.0, 1.5 * scores[US])
    if place != US and scores[place] < needed:
        place = US
    states = frozenset(_state_names(f"{headline}\n{text}")) if place == US else frozenset()
    return Jurisdiction(place, states)
