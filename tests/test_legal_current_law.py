"""Each error found in the review of the law, shown on a story: the note is current and says it right."""

from dataclasses import dataclass, field

import pytest

from bot.legal.matcher import match_legal
from bot.models import Article, LegalNote


@dataclass
class Case:
    name: str
    headline: str
    text: str
    topic: str
    says: list[str] = field(default_factory=list)  # in the note's explanation, authorities or cautions
    never_says: list[str] = field(default_factory=list)


CASES = [
    Case(
        "ieepa-tariffs-decided",
        "Importers seek refunds after emergency tariffs ruling",
        "WASHINGTON — Importers lined up to seek refunds on Monday for tariffs the President imposed under "
        "the "
        "International Emergency Economic Powers Act, after the Supreme Court ruling. Trade lawyers said the "
        "Court of International Trade will handle the claims.",
        "emergency-powers-and-tariffs",
        [
            "As of December 2026",
            "does not authorise tariffs",
            "Learning Resources, Inc. v. Trump, 607 U.S. ___ (2026)",
        ],
        ["check the latest ruling", "took up the challenge"],
    ),
    Case(
        "detention-without-bond",
        "Immigration judge says she cannot grant bond to man who crossed without inspection",
        "An immigration judge in Texas said on Tuesday she had no power to release a detained father on bond "
        "because he entered the United States without inspection, ICE detention records show. His lawyer "
        "said "
        "he has lived in the country for ten years and sought a bond hearing.",
        "immigration-detention",
        ["without a bond hearing", "Matter of Yajure Hurtado, 29 I&N Dec. 216 (BIA 2025)", "Laken Riley Act"],
        ["many detainees can ask an immigration judge for release on bond"],
    ),
    Case(
        "expedited-removal-nationwide",
        "ICE uses expedited removal on Chicago residents far from the border",
        "CHICAGO — Immigration officers used expedited removal to deport people arrested in Chicago this "
        "month, "
        "skipping hearings before an immigration judge, advocates said. The Department of Homeland Security "
        "said the people could not show they had been in the country for two years.",
        "deportation-proceedings",
        ["nationwide", "90 Fed. Reg. 8139"],
        ["mainly for people stopped at or soon after crossing the border"],
    ),
    Case(
        "birthright-struck-down",
        "Hospitals resume birth certificates after birthright citizenship ruling",
        "Hospitals said the Supreme Court's decision on President Trump's birthright citizenship executive "
        "order "
        "meant every baby born in the United States would be recorded as a citizen. The order had sought to "
        "deny "
        "citizenship to children of undocumented parents.",
        "birthright-citizenship",
        ["struck down", "Trump v. Barbara, No. 25-365 (U.S. June 30, 2026)"],
        ["being fought in court", "Check for later rulings"],
    ),
    Case(
        "guard-regular-forces",
        "Governor vows to fight federalized National Guard deployment",
        "The President ordered National Guard troops federalized and sent to Portland over the governor's "
        "objection, citing the Posse Comitatus Act's limits and a law on calling the Guard into "
        "federal service.",
        "troops-and-posse-comitatus",
        ["regular forces", "Trump v. Illinois, No. 25A443 (U.S. Dec. 23, 2025)"],
        ["check the latest rulings"],
    ),
    Case(
        "gun-ban-drug-user",
        "Man charged with owning guns while using marijuana",
        "Federal prosecutors charged a man with illegally possessing firearms as an unlawful drug user "
        "under a "
        "federal gun ban, after agents found marijuana and two pistols at his home. Gun-rights groups cited "
        "the "
        "Second Amendment and the Supreme Court's Rahimi decision.",
        "second-amendment",
        ["United States v. Hemani, 608 U.S. ___ (2026)"],
        [],
    ),
    Case(
        "ftc-firing-humphreys",
        "Fired FTC commissioner's case tests Humphrey's Executor",
        "WASHINGTON — The President fired a Democratic commissioner of the Federal Trade Commission, "
        "setting off "
        "a court fight over whether Congress can protect independent agency members from removal except for "
        "cause, as the Supreme Court allowed in Humphrey's Executor.",
        "presidential-removal-power",
        ["reportedly", "not a safe statement of current law"],
        ["check the latest ruling before stating the law"],
    ),
    Case(
        "nlrb-member-fired",
        "Fired NLRB member sues as labor board loses its quorum",
        "WASHINGTON — A National Labor Relations Board member fired by the President sued on "
        "Monday, saying the "
        "law lets members be removed only for neglect of duty or malfeasance. Without her the NLRB quorum is "
        "gone.",
        "nlrb-quorum-and-independence",
        ["As of December 2026", "reportedly", "not a safe statement of current law"],
        ["Check the latest ruling"],
    ),
    Case(
        "vra-callais",
        "Civil rights groups sue over new congressional map under Voting Rights Act",
        "Civil rights groups sued the state on Friday, saying its new congressional map dilutes Black "
        "voters' "
        "power in violation of Section 2 of the Voting Rights Act. The state said race played no role.",
        "voting-rights-act",
        ["changed in April 2026", "was not struck down"],
        ["Pending cases may reshape Section 2"],
    ),
    Case(
        "foreign-aid-impoundment",
        "Administration withholds foreign aid, citing pocket rescission",
        "WASHINGTON — The White House said it would not spend $4 billion in foreign aid that Congress had "
        "appropriated, sending a rescission request under the Impoundment Control Act days before the money "
        "expired. Lawmakers said the President cannot refuse to spend funds Congress approved.",
        "spending-power-and-impoundment",
        ["September 2025", "Department of State v. AIDS Vaccine Advocacy Coalition, No. 25A269"],
        [],
    ),
    Case(
        "honest-services",
        "Ex-official convicted of honest-services wire fraud in kickback scheme",
        "A former city official was convicted of honest-services wire fraud for taking kickbacks from a "
        "contractor, federal prosecutors said. Her lawyers argued that no money was taken from the city.",
        "wire-and-mail-fraud",
        ["18 U.S.C. § 1346", "honest services", "Kousisis v. United States, 605 U.S. ___ (2025)"],
        ["other goals do not count"],
    ),
    Case(
        "forcibly-impeding",
        "Protester charged with impeding ICE officers during arrest",
        "Federal prosecutors charged a protester with assaulting and impeding federal officers after she "
        "blocked an ICE vehicle during an immigration arrest, the Justice Department said.",
        "harboring-and-impeding-officers",
        ["forcibly", "18 U.S.C. § 111"],
        [],
    ),
    Case(
        "misdemeanor-counsel",
        "Man jailed for misdemeanor without a lawyer, advocates say",
        "A man was sentenced to 30 days in jail for a misdemeanor without a lawyer, advocates said, because "
        "the "
        "county has no public defender for minor cases. His right to a lawyer under the Sixth Amendment was "
        "ignored, they said.",
        "right-to-a-lawyer",
        ["Argersinger v. Hamlin, 407 U.S. 25 (1972)", "Alabama v. Shelton, 535 U.S. 654 (2002)"],
        ["charged with felonies have a right"],
    ),
    Case(
        "rfra-claim",
        "Church sues federal agency under Religious Freedom Restoration Act",
        "A church sued a federal agency on Monday under the Religious Freedom Restoration Act, saying a new "
        "federal rule burdens its religious exercise. The agency said the rule is neutral and "
        "applies to all.",
        "religious-freedom",
        ["42 U.S.C. § 2000bb-1", "Burwell v. Hobby Lobby Stores, Inc., 573 U.S. 682 (2014)"],
        [],
    ),
    Case(
        "federal-detention-hearing",
        "Judge orders defendant held without bail in federal fraud case",
        "A federal magistrate judge ordered a defendant held without bail on Tuesday after prosecutors said "
        "he "
        "was a flight risk, in a detention hearing under the Bail Reform Act.",
        "bail-and-pretrial-detention",
        ["many federal defendants are held before trial"],
        ["defendants are usually released"],
    ),
    Case(
        "age-not-title-vii",
        "Engineer sues employer, alleging age discrimination",
        "A 58-year-old engineer filed an age discrimination lawsuit against his employer, saying he was "
        "fired and "
        "replaced by a younger worker. He had first filed a charge with the Equal Employment Opportunity "
        "Commission.",
        "employment-discrimination",
        ["Age Discrimination in Employment Act", "Americans with Disabilities Act"],
        [],
    ),
    Case(
        "brady-giglio",
        "Conviction overturned after prosecutors hid witness deal",
        "An appeals court overturned a murder conviction because prosecutors never disclosed a deal with "
        "their "
        "key witness, a Brady violation, the court said.",
        "disclosure-of-evidence",
        ["Giglio v. United States, 405 U.S. 150 (1972)", "Kyles v. Whitley, 514 U.S. 419 (1995)"],
        [],
    ),
    Case(
        "asylum-between-ports",
        "Migrants who crossed between ports ask for asylum",
        "A group of migrants who crossed the Rio Grande between ports of entry asked Border Patrol agents "
        "for "
        "asylum, saying they fled persecution. Agents referred some of them for prosecution for "
        "illegal entry.",
        "asylum",
        ["between ports is still a federal offence"],
        [],
    ),
]


def _notes(case: Case) -> list[LegalNote]:
    article = Article(
        url=f"https://news.example/{case.name}", headline=case.headline, title=case.headline, text=case.text
    )
    notes, _ = match_legal(article, [])
    return notes


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_note_for_the_story_is_current_and_right(case: Case) -> None:
    notes = _notes(case)
    note = next((n for n in notes if n.topic == case.topic), None)
    assert note is not None, [n.topic for n in notes]
    shown = "\n".join([note.explanation, *note.authorities, *note.cautions])
    for text in case.says:
        assert text in shown
    for text in case.never_says:
        assert text not in shown


def test_a_changing_topic_says_as_of_when_a_settled_one_does_not() -> None:
    notes = {n.topic: n for c in CASES for n in _notes(c)}
    assert notes["emergency-powers-and-tariffs"].explanation.startswith("As of December 2026: ")
    assert not notes["disclosure-of-evidence"].explanation.startswith("As of")
