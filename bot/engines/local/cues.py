"""Word lists and compiled patterns that signal each statement kind (see LABELING.md).

Each pattern is compiled when first used and skipped on texts it cannot match (`patterns.Cue`).
Names say what the cue means, not where it is used; `classify.py` decides precedence and scope.
"""

from __future__ import annotations

import re

from bot.engines.local.patterns import Cue


def _words(text: str) -> str:
    """A regex alternation of whitespace-separated phrases (spaces inside a phrase as `_`)."""
    return "|".join(sorted((w.replace("_", r"\s+") for w in text.split()), key=len, reverse=True))


_I = re.IGNORECASE


def word_set(text: str) -> frozenset[str]:
    """A set of whitespace-separated words, for lists that read better as prose."""
    return frozenset(text.split())


# --- speculation ------------------------------------------------------------------------
MODAL = Cue(
    r"\b(could|might|may|would|will|shall|won[’']t|wouldn[’']t|couldn[’']t|mightn[’']t)\b|[’']ll\b", _I
)
# "will" as a noun ("against her will", "free will", "the will of voters").
WILL_NOUN = Cue(r"\b(?:the|free|his|her|their|its|own|political|good|ill|whose)\s+will\b|\bwill\s+of\b", _I)
WOULD_BE = Cue(r"\bwould-be\b", _I)
# "May" as a month: capitalised mid-sentence, or followed by a day or year.
MAY_MONTH = Cue(r"(?<!^)(?<![.!?]\s)\bMay\b|\bMay\s+\d", 0)
FUTURE_PHRASE = Cue(
    r"\b("
    + _words(
        """expected_to expects_to expect_to is_expected are_expected likely unlikely poised_to
        plans_to plan_to planning_to planned_to set_to
        threatens_to threatening_to about_to on_track_to
        on_the_verge_of intends_to intend_to intending_to aims_to aiming_to hopes_to hoping_to hope_that
        hopes_that predicts predicted prediction predictions forecast forecasts projected_to
        anticipates anticipated anticipate in_the_coming possibly perhaps probably
        potentially speculated speculates speculation_that conceivably"""
    )
    + r")\b",
    _I,
)
EXPECT = Cue(
    r"\b(?:we|i|they|he|she|it|analysts|officials|experts)\s+(?:fully\s+)?expect(?:s|ed)?\b"
    r"|(?<!\bas\s)(?<!\bthe\s)(?<!\ban\s)\bexpect(?:s|ed)?\s+(?!(?:to|that)\b)(?:[\w’'-]+\s+){1,5}?"
    r"to\s+(?!(?:the|a|an)\b)[a-z]+",
    _I,
)
# A probability or a projection of an outcome: "a 70 percent chance of winning", "a projection gave".
ODDS = Cue(
    r"\b(?:\d+(?:\.\d+)?\s*(?:percent|per\s+cent|%)|even|good|slim|fair|decent|strong|real|better|best|little)"
    r"\s+(?:chances?|odds|probability|likelihood)\s+(?:of|that|to)\b|\bprojections?\s+(?:gave|gives|show|shows|showed"
    r"|had|has|put|puts)\b",
    _I,
)
# A prediction that is over: "the predictions of doom did not come true" reports how it turned out.
FAILED_PREDICTION = Cue(
    r"\b(?:predictions?|forecasts?|projections?)\b[^.;]{0,40}?\b(?:did\s+not|didn[’']t|never|failed\s+to)\s+"
    r"(?:come\s+true|materiali[sz]e|pan\s+out|come\s+to\s+pass)|\b(?:predictions?|forecasts?)\b[^.;]{0,40}?"
    r"\b(?:proved|proven)\s+(?:wrong|false|unfounded|mistaken)",
    _I,
)
GOING_TO = Cue(
    r"\b(?:going|gonna)\s+to\s+(?!(?:the|a|an|war|court|trial|jail|prison|school|work|church|his|her|their|its"
    r"|our|my|your|this|that|these|those)\b)[a-z]+",
    _I,
)
FEAR_HOPE = Cue(
    r"\b(worr(?:y|ies|ied|ying)(?!\s+of)|fear(?:s|ed)?\s+that|feared|fears(?!\s+of)|concerned\s+that"
    r"|concerns?\s+(?:is|are|was)\s+that|concern\s+that|(?:fear|worry|hope|risk)\s+is\s+that"
    r"|risks?\s+(?:of|that|losing|being)|at\s+risk|possibility|possible\s+that|it\s+is\s+possible"
    r"|(?:i|we)\s+suspect|suspects?\s+that|(?:i|we)\s+(?:guess|bet|wager))\b",
    _I,
)
# A schedule reported in the past ("was set to take effect") states the plan, not a prediction.
PAST_SCHEDULE = Cue(r"\b(?:was|were|had\s+been)\s+set\s+to\b", _I)
# Modals that describe rather than predict: a counterfactual in a relative clause ("a law that
# would have required ...") and a purpose clause ("rewrote the rules so that it would win").
DESCRIPTIVE_MODAL = Cue(r"\b(?:that|which|who)\s+would\s+have\b|\bso\s+that\b[^,;]*", _I)
CONDITIONAL_START = Cue(
    r"^\W*(?:(?:but|and|so|still|yet|even)\s+)?(?:if|unless|should|were|once(?!\s+(?:again|more|upon)\b)"
    r"|whether)\b",
    _I,
)
# A condition later in the sentence ("faces 10 years if convicted", "threatened to strike unless ...");
# not "as if", "if any", "if so", a rule's "only if".
CONDITIONAL_CLAUSE = Cue(
    r"(?<!\bas\s)(?<!\bonly\s)\b(?:if|unless)\b(?!\s+(?:any|anything|so|not|ever|only|at\s+all)\b)",
    _I,
)
# "asked prosecutors if", "unclear if": `if` as "whether" after a verb of asking, knowing or finding out.
IF_AS_WHETHER = Cue(
    r"\b(?:ask|wonder|know|say|said|see|saw|decid|determin|check|unclear|clear|sure|tell|told|question|doubt"
    r"|consider|assess|review|examin|investigat|learn|confirm|find\s+out|found\s+out)\w*\s+"
    r"(?:[\w’'-]+\s+){0,2}$",
    _I,
)
# What the text infers without establishing it ("appears to have started", "apparently").
INFERENCE = Cue(
    r"\b(?:appears?|appeared|seems?|seemed)\s+to\b|\bit\s+(?:appears|appeared|seems|seemed)\s+(?:that|likely)\b"
    r"|\bapparently\b",
    _I,
)
# "a plan to", "the city's plans to": a plan that was announced, not a prediction.
PLAN_NOUN = Cue(
    r"\b(?:a|an|the|its|their|his|her|our|this|that|[\w-]+[’']s)\s+(?:(?:new|revised|proposed|broader|[$£€]?[\d.,]+"
    r"(?:\s+(?:million|billion|trillion|bn|m))?|\w+-[\w-]+)\s+)?plans?\s+to\b",
    _I,
)
# Refusals and past inability: "could not be reached", "would not comment", "could not agree last year".
REFUSAL = Cue(
    r"\b(?:could\s+not|couldn[’']t)\s+be\s+(?:reached|contacted|located)\b"
    r"|\b(?:would\s+not|wouldn[’']t)\s+(?:comment|say|discuss|confirm|elaborate|answer|speculate|disclose"
    r"|identify|name|respond)\b",
    _I,
)
PAST_ABILITY = Cue(
    r"\bcould(?:\s+not|n[’']t)\s+[^,;.]*?\b(?:last\s+(?:year|week|month|night|season|time)|yesterday"
    r"|years?\s+ago|in\s+(?:19|20)\d\d|at\s+the\s+time|back\s+then)\b",
    _I,
)

# --- attribution (claims) ---------------------------------------------------------------
ACCORDING_TO = Cue(r"\baccording\s+to\b", _I)
REPORTEDLY = Cue(r"\b(reportedly|allegedly|purportedly|supposedly\s+(?:said|told))\b", _I)
SAY_VERB = Cue(
    r"\b(said|says|say|told|tells|tell|argued|argues|argue|claimed|claims|claim|alleged|alleges|allege"
    r"|insisted|insists|insist|denied|denies|deny|maintained|maintains|maintain|contended|contends|contend"
    r"|noted|notes|note|wrote|writes|added|adds|explained|explains|acknowledged"
    r"|acknowledges|asserted|asserts|stated|testified|testifies|believe|believes|believed"
    r"|agreed|agrees|agree|warned|warns|warn|countered|counters|complained|complains|suggested|suggests"
    r"|disputed|disputes|dispute|predicted|predicts|conceded|concedes|stressed|stresses|cautioned"
    r"|estimated|estimates|estimate|described)\b",
    _I,
)
# Verbs that only attribute when a clause or a quotation follows ("noted that", "added:").
NEEDS_CLAUSE = word_set(
    """note notes noted add adds added explain explains explained stated agree agrees agreed
    claim claims claimed allege alleges alleged maintain maintains maintained dispute disputes disputed
    warn warns warned suggest suggests suggested believe believes believed acknowledge acknowledges
    acknowledged deny denies denied stress stresses stressed counter counters countered
    estimate estimates estimated"""
)
# Speech verbs that are also common nouns: at a sentence end they need a pronoun subject ("she noted.").
NOUN_LIKE = word_set("note notes claim claims dispute disputes counters")
# "say" as a noun ("have a say.", "the final say."); "people familiar with it say." attributes.
SAY_NOUN = Cue(r"\b(?:a|the|final|last|no|any|some|more|little|equal|their|his|her|its|our)\s+$", _I)
PRONOUN_BEFORE = Cue(r"\b(?:he|she|they|it|we|I)\s+$", re.I)
CLAUSE_AFTER = Cue(
    r"\s*(?:that\b|[:,.;]|$|[\"“]|(?:it|he|she|they|the|a|an|his|her|their|its|this|these|those|there"
    r"|ostensibly|publicly|repeatedly|privately|in\s+(?:a|an|the|court))\b)",
    _I,
)
PASSIVE_BEFORE = Cue(r"\b(?:was|were|been|being|be|is|are)\s+$", _I)
NOUN_BEFORE = Cue(r"\b(?:the|a|an|his|her|their|its|these|those|such|any|no|of|false|new)\s+$", _I)
ANON_SOURCE = Cue(
    r"\b((?:(?:two|three|four|several|multiple|some|many)\s+)?(?:sources?|people|persons?|insiders?|officials?"
    r"|individuals?|aides?|advis[eo]rs?|staffers?|diplomats?|executives?|employees?|lawmakers?)\s+"
    r"(?:familiar\s+with|close\s+to|with\s+(?:direct\s+)?knowledge\s+of|briefed\s+on"
    r"|(?:who\s+)?(?:was|were)\s+not\s+authori[sz]ed)[^,.;]*"
    r"|(?:an?\s+)?(?:unnamed|anonymous)\s+\w+(?:\s+\w+)?"
    r"|(?:who|which)\s+(?:spoke|asked)\s+(?:on\s+(?:the\s+)?condition\s+of|not\s+to\s+be)\s+(?:anonymity|named|identified)"
    r"|declined\s+to\s+be\s+(?:named|identified))",
    _I,
)
SECONDHAND = Cue(
    r"\b(as\s+(?:described|reported|first\s+reported)\s+by|(?:outlet|newspaper|paper|publication|site)"
    r"\s+reported|first\s+reported\s+by|according\s+to\s+(?:a\s+)?(?:media\s+)?reports?\b(?!\s+by\s+the\s+(?:city|state))"
    r"|citing\s+(?:a|an)\s+(?:report|article|story))",
    _I,
)
# Documents whose words are a court's or a law's, not a party's say-so.
RULING_DOC = Cue(
    r"\b(opinion|ruling|decision|order|judgment|verdict|law|statute|measure|bill|text|charter|constitution"
    r"|amendment|act|code|regulation|rule|policy|contract|agreement|proposal|ordinance|filings?|records?)\b",
    _I,
)
RULING = Cue(
    r"\b(ruled|held|holding|holds\s+that|found\s+that|(?:opinion|ruling|decision|order|judgment)\s+says"
    r"|under\s+(?:the\s+|a\s+)?(?:[\w’'.-]+\s+){0,4}?(?:decision|ruling|law|statute|act|charter|precedent|rules?|constitution)"
    r"|(?:law|statute|charter|constitution)\s+(?:says|requires|allows|bars|lets|permits|forbids|prohibits))\b",
    _I,
)
# A judge writing the court's opinion states its holding ("In a 34-page opinion, Simms wrote that ..."),
# unless the writing is a dissent.
COURT_WROTE = Cue(
    r"(?:\bin\s+(?:a|an|the|his|her|its|their)\s+(?:[\w-]+\s+){0,3}?(?:opinion|ruling|order|decision)\b[^.;]{0,60}?"
    r"|\b(?:judge|justice|court|panel|majority)\b[^.;]{0,40}?)\b(?P<verb>wr(?:ote|ites))\s+(?:in\s+[^.;]{0,40}?)?that\b",
    _I,
)
DISSENT = Cue(r"\bdissent\w*", _I)
NEGATED_SAY = Cue(
    r"\b(?:does|did|do)\s+not\s+(?:say|state|specify|explain)\b|\b(?:doesn|didn|hasn|haven)[’']t\s+sa(?:y|id)\b"
    r"|\b(?:has|have|had)\s+not\s+(?:yet\s+)?(?:said|stated|specified|explained)\b",
    _I,
)
# "Allies accused her of grandstanding": an accusation is their say-so ("accusing" is a side detail).
ACCUSES_OF = Cue(r"\b(accused|accuses|accuse)\s+(?:[\w’'-]+\s+){1,4}?of\b", _I)
# "the payments described in the complaint": a participle naming a document's contents, no speaker.
PARTICIPLE_AFTER = Cue(r"\s+(?:in|by|above|below|earlier|here|on|at|during|under)\b", _I)
# Say-so without a speech verb: "is believed to have", "witnesses reported seeing", "the court heard
# that", "analysts questioned whether".
HEARSAY = Cue(
    r"\b(?:is|are|was|were|been|being)\s+(?:widely\s+|also\s+)?(?:(?:believed|thought|understood|rumou?red"
    r"|alleged|reputed)\s+to|reported\s+to\s+(?:be|have))\b"
    r"|\breported\s+(?:seeing|hearing|smelling|feeling|being|having|receiving|noticing|witnessing)\b"
    r"|\b(?:heard|(?:was|were|been)\s+told)\s+(?:that|how)\b"
    r"(?!\s*[.,;!?]|\s+(?:before|again|already|too|often|from|in|at|on|during)\b)"
    r"|\b(?:questioned|questions|wondered|wonders|doubted|doubts)\s+(?:whether|if|why|how)\b",
    _I,
)
# A characterisation that is someone's: "called the ruling “a disgrace”", "dismissed the report as
# partisan" (not "called on the mayor to resign", "called the police a day later"). A quotation
# blanked to spaces before matching counts as the quoted characterisation.
CHARACTERISES = Cue(
    r"\b(?:called|calls|labell?ed|labels|branded|brands|dubbed|dubs|termed|terms)\s+"
    r"(?!(?:on|for|off|in|out|up|back|upon|at|into)\b)(?:(?!(?:to|that|and)\b)[\w’'-]+\s+){1,4}?"
    r"(?:an?\s+(?!(?:day|week|month|year|few|number|second|third|half|total|couple)\b)|[“\"‘]|\s{2,})"
    r"|\b(?:denounc|dismiss|describ|characteri[sz]|portray|hail|prais|condemn|critici[sz]|decr[iy]|lambast"
    r"|blast|slamm)\w*\s+(?:(?!(?:to|that)\b)[\w’'-]+\s+){1,5}?as\b",
    _I,
)
# A denial aimed at an accusation ("denied any wrongdoing", "rejected the union's account") and a
# defence of what was criticised ("defended the officers' actions"; not "defended his title").
DENIES = Cue(
    r"\b(?:denied|denies|deny|denying|rejected|rejects|reject|disputed|disputes|dispute|refuted|refutes|rebutted)"
    r"\s+(?:[\w’'-]+\s+){0,3}?(?:wrongdoing|allegations?|accusations?|claims?|charges?|reports?|account"
    r"|characteri[sz]ation|suggestions?|assertions?|findings|criticism|involvement|responsibility|knowledge"
    r"|liability|misconduct)\b"
    r"|\bdefend(?:ed|s|ing)?\s+(?:[\w’'-]+\s+){0,3}?(?:actions?|decisions?|polic(?:y|ies)|record|conduct|comments"
    r"|remarks|response|handling|choices?|statements?|approach|tactics)\b",
    _I,
)
# Courts and judges rule: their rejecting or characterising is a ruling, not say-so.
COURT_SUBJECT = Cue(r"\b(?:court|judge|justices?|jury|panel|tribunal|magistrate)\b", _I)

# --- opinion ----------------------------------------------------------------------------
EVALUATIVE = Cue(
    r"\b("
    + _words(
        """stunning stunningly shocking shockingly outrageous outrageously disgraceful shameful shamefully
        reckless absurd absurdly ridiculous laughable sensible misguided wrongheaded overblown overreach
        draconian heavy-handed brazen brazenly egregious egregiously appalling alarming alarmingly
        troubling disturbing cynical cynically hypocritical hypocrisy pathetic bizarre baffling dubious
        flimsy dismal disastrous disaster fiasco debacle farce sham witch-hunt witch_hunt power_grab
        staggering staggeringly remarkable remarkably extraordinary welcome long_overdue
        reeling
        bombshell slams slammed
        slow-motion so-called supposedly notoriously notorious scandalous disgrace embarrassing
        embarrassment infuriating deplorable despicable ludicrous preposterous silly foolish foolishly
        naive wise wisely brilliant brilliantly courageous heroic cowardly shrewd savvy bold boldly
        breathtaking jaw-dropping mind-boggling insane crazy nonsense hysteria hysterical fearmongering
        lavish bloated wasteful sorry sad sadly tragic tragically deeply_flawed flawed fatally
        aggressively ruthlessly ruthless callous callously heartless cruel cruelly unjust unfair unfairly
        deserve deserves deserved worst greedy greed crony cronies cronyism
        rubber-stamp rubber_stamp kowtow caved capitulated capitulation meltdown bloodbath firestorm
        crusade vendetta rant ranted screed diatribe gaffe blunder blunders fumble fumbled debacle
        not_exactly far_too too_many too_much way_too all_too bitter bitterly
        acrimonious punishing grueling gruelling brutal brutally relentless crushing cannot_be_overstated
        poisonous toxic bruising adrift awkward awkwardly hapless beleaguered embattled weary wearily giddy
        giddiness euphoria euphoric jubilant hard-won lonely glaring feeble lackluster lacklustre moribund
        dire grim grimly bleak chaotic messy murky cozy cosy floundering hollow feckless toothless
        tone-deaf half-hearted half-baked ill-conceived ill-fated dizzying spectacular spectacularly
        humiliating humiliation stinging scathing damning long-suffering high-stakes sharpest fiercest
        bitterest harshest starkest ugliest nastiest wildly woefully painfully sorely strikingly
        astonishingly hopelessly needlessly absolutely utterly downright rightly bungled bungling botched
        squandered let_down"""
    )
    + r")\b",
    _I,
)
# The writer's framing of an event: "the latest twist in ...", "it was a costly victory for ...".
EVALUATIVE_FRAME = Cue(
    r"\bthe\s+latest\s+(?:blow|twist|turn|chapter|salvo|setback|flashpoint|skirmish|broadside|front)\b"
    r"|\b(?:it|this|that)\s+(?:is|was)\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:victory|defeat|episode|moment|setback"
    r"|turn|win|loss|twist|irony|gamble|reversal|triumph|coup|headache|spectacle|betrayal|travesty|mockery"
    r"|affront|insult)\b"
    r"|\bthe\s+[\w-]+(?:\s+[\w-]+)?\s+(?:is|was)\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:victory|triumph|betrayal"
    r"|travesty|mockery|affront|insult)\b"
    r"|\b(?:hard|difficult|impossible|tough)\s+to\s+(?:see|imagine|believe|justify|defend|reconcile|overstate"
    r"|ignore|understand|fathom|swallow|stomach|excuse|take\s+seriously|argue\s+with)\b"
    r"|\b(?:for|with)\s+good\s+reason\b",
    _I,
)
# The writer's stance and framing without an evaluative word: "the plan clearly cannot work", "riders have
# reason to be impatient", "the smarter fight is over ...", "looks less like a success than a failure",
# "a deal is a deal".
WRITER_STANCE = Cue(
    r"\b[a-z]+\s+(clearly|obviously|undoubtedly|plainly|evidently)\s+(?:is|are|was|were|has|have|had|can(?:not)?|could|did"
    r"|does|do|wants?|wanted|knows?|knew|needs?|isn[’']t|wasn[’']t|can[’']t|won[’']t|failed|misread|misjudged"
    r"|underestimated|overestimated)\b"
    r"|\b(?:is|are|was|were)\s+(clearly|obviously|undoubtedly|plainly)\s+(?!(?:visible|marked|labell?ed|stated|defined"
    r"|identified|seen|audible|written|shown|printed|displayed)\b)[a-z]"
    r"|\b(?:has|have|had)\s+(?:good\s+|every\s+|little\s+|no\s+|more\s+|some\s+)?reason\s+to\s+(?:be|feel|doubt"
    r"|celebrate|complain|cheer|wonder|question|distrust|smile)\b"
    r"|\bthe\s+(smarter|better|wiser|bigger|harder|more\s+important|more\s+useful|more\s+honest|real)\s+(?:fight|question"
    r"|test|problem|issue|answer|move|bet|lesson|story|debate|path|worry|challenge)\s+(?:is|was|lies)\b"
    r"|\b(?:looks?|looked|sounds?|sounded|reads?|feels?|felt)\s+(?:less|more|a\s+lot|an\s+awful\s+lot|nothing)\s+like\b"
    r"|\bsmack(?:s|ed)?\s+of\b"
    r"|(?:^|[,;:]\s+)(?:an?\s+)?(?P<same>[a-z]{3,})\s+(?:is|are)\s+(?:an?\s+)?(?P=same)\b",
    _I,
)
# An exclamation in the writer's voice: "What a mess.", "... right now!".
EXCLAMATION = Cue(r"^\W*what\s+an?\s+[^?]*$|!\W*$", _I)
# Legal terms of art that contain an evaluative word ("unfair labor practice charges").
TERM_OF_ART = Cue(
    r"\b(cruel\s+and\s+unusual"
    r"|reckless(?:ly)?\s+(?:driving|endangerment|disregard(?:ed)?|homicide)|bitter\s+cold)\b",
    _I,
)
# Modals in set phrases that describe ability or manner, not what may happen.
MODAL_IDIOM = Cue(
    r"\bas\s+\w+(?:\s+\w+)?\s+as\s+(?:\w+\s+){0,2}(?:could|can|would)\b|\bif\s+(?:you|we)\s+will\b", _I
)
# A modal inside speech reported second-hand ("said managers had warned that it could close")
# reports a past statement rather than predicting.
NESTED_REPORT = Cue(r"\b(?:had|have|has)\s+(?:warned|threatened|said|told|claimed|suggested)\b", _I)
# "declined to say whether she would sign": the modal sits in the question nobody answered.
# "is still negotiating how much debt it would assume": the modal sits in a question being worked out.
UNANSWERED = Cue(
    r"\b(?:(?:declined|refused|would\s+not|did\s+not|does\s+not|wouldn[’']t|didn[’']t|doesn[’']t|could\s+not"
    r"|couldn[’']t|(?:has|have|had)\s+not\s+(?:yet\s+)?|(?:hasn|haven)[’']t\s+(?:yet\s+)?)\s+(?:to\s+)?"
    r"(?:say|said|comment\s+on|commented\s+on|disclosed?|confirm(?:ed)?|specif(?:y|ied)|answer(?:ed)?"
    r"|announced?|decided?|explain(?:ed)?)"
    r"|(?:negotiating|discussing|deciding|debating|weighing|working\s+out))"
    r"\s+(?:whether|if|when|how|what|who|which|where)\b.*$",
    _I,
)
# "It was not immediately clear whether he had a lawyer who could comment": an open question about
# the present or past; its modals sit inside the question (a question about the future stays).
UNKNOWN_PAST = Cue(
    r"\b(?:not\s+(?:immediately\s+)?(?:clear|known)|unclear|unknown)\s+(?:whether|if)\s+"
    r"(?:(?!(?:will|would|could|may|might|can|shall)\b)[\w’'-]+\s+){1,4}?(?:had|has|have|was|were|did|is|are)\b.*$",
    _I,
)
ACCUSED_PASSIVE = Cue(r"\b(?:is|are|was|were|been|being|stands?)\s+accused\b", _I)
SUBORDINATOR = Cue(
    r"\b(?:after|before|when|whenever|because|since|although|though|while|until|than|whereas|once)\b[^,;]*$",
    _I,
)
WRITER_ADVERB = Cue(
    r"(?:^|[,;—]\s*)(honestly|frankly|clearly|obviously|undoubtedly|surely|sadly|unfortunately|thankfully"
    r"|luckily|fortunately|admittedly|arguably|mercifully|tellingly|predictably|ironically|of\s+course"
    r"|make\s+no\s+mistake|let[’']s\s+be\s+(?:clear|honest)|needless\s+to\s+say|simply\s+put|to\s+be\s+fair"
    r"|the\s+truth\s+is|put\s+simply|in\s+short)\b",
    _I,
)
RHETORIC = Cue(
    r"\b(would\s+have\s+you\s+believe|the\s+real\s+(?:question|problem"
    r"|issue|objection|scandal|story))",
    _I,
)
FIRST_PERSON = Cue(r"\b(I|[Ww]e|[Oo]ur|[Oo]urs|us|[Mm]y|[Mm]e)\b")
IMPERATIVE_START = Cue(
    r"^\W*(vote|support|reject|oppose|stop|don[’']t|do\s+not|let[’']s|let\s+us|tell|call|remember|imagine"
    r"|consider|demand|join|ask\s+yourself|think\s+about|never\s+forget)\b",
    _I,
)
NORMATIVE = Cue(r"\b(should|shouldn[’']t|ought\s+to|needs?\s+to|must\s+(?:now|finally|stop))\b", _I)

# --- fact -------------------------------------------------------------------------------
ABSENCE = Cue(
    r"\b(there\s+(?:is|was|has\s+been)\s+no\b|no\s+(?:[a-z]+\s+)?"
    r"(?:evidence|proof|indication|sign|record)\b|no\s+(?:\w+\s+){0,2}(?:has|have|had)\s+(?:yet\s+)?(?:been\s+)?"
    r"\w+|(?:has|have|had)\s+not\s+(?:yet\s+)?(?:been\s+)?\w+|(?:has|have|had)\s+yet\s+to\b|not\s+yet\b"
    r"|nothing\s+(?:has|had)\b|(?:did|does|do)\s+not\s+find\b|found\s+no\b)",
    _I,
)
# Limits the body itself states: nothing proven yet, no ruling, what a decision does not mean.
CAVEAT = Cue(
    r"\b(no\s+(?:[a-z]+\s+)?(?:evidence|proof|indication)|not\s+yet"
    r"|(?:has|have)\s+yet\s+to|no\s+(?:\w+\s+){0,2}(?:has|have)\s+(?:yet\s+)?(?:been\s+)?\w+|nothing\s+has"
    r"|presumed\s+innocent|(?:may|can|could)\s+still|does(?:n[’']t|\s+not)\s+mean"
    r"|not\s+(?:been\s+)?(?:convicted|proven|confirmed|verified)|(?:did|does)\s+not\s+find|found\s+no"
    r"|(?:can\s*not|can[’']t|could\s+not|does\s+not|did\s+not)\s+(?:show|prove|establish|determine)\s+(?:that|whether|if|cause)"
    r"|(?:was|is)\s+(?:an\s+|a\s+small\s+)?observational|not\s+(?:yet\s+)?peer[- ]reviewed)\b",
    re.I,
)
MONTH = (
    r"(?:Jan(?:uary|\.)|Feb(?:ruary|\.)|March|Mar\.|April|Apr\.|May|June|July|Aug(?:ust|\.)"
    r"|Sept?(?:ember|\.)|Oct(?:ober|\.)|Nov(?:ember|\.)|Dec(?:ember|\.))"
)
STRONG_FACT = Cue(
    r"(\d+(?:\.\d+)?\s*(?:percent|per\s+cent|%)|[$£€]\s?\d|\b(?:19|20)\d\d\b|\b" + MONTH + r"\s+\d"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b(?:filed|sued|voted|approved"
    r"|signed|enacted|arrested|charged|convicted|sentenced|ruled|announced|published|released|caps|shows?"
    r"|showed|launched|introduced|hired|fired|paid|spent|on\s+the\s+ballot)\b"
    r"|\b\d{2,}(?:,\d{3})*\s+(?:[a-z-]+\s+)?[a-z]+s\b)",
    _I,
)
BOILERPLATE = Cue(
    r"^(?:this\s+(?:story|article|is\s+a\s+developing\s+story)|(?:an\s+)?earlier\s+version\s+of\s+this"
    r"|correction:|update:|editor[’']s\s+note|the\s+views\s+expressed|(?:want\s+to\s+respond|submit\s+a\s+letter)"
    r"|.{0,60}\bcontributed\s+(?:to\s+)?(?:this\s+)?report(?:ing)?\b)",
    _I,
)

# --- side clauses whose cues do not decide the central proposition ---------------------
SIDE_CLAUSE = Cue(
    r",\s*(?:which|who|whom|whose)\b[^,;—–]*"
    r"|,\s*(?:a|an)\s+(?:\w+\s+){0,2}?(?:that|which)\b[^,;—–]*"
    r"|[—–]\s*(?:one|a|an|the\s+kind)\s+(?:\w+\s+){0,2}?(?:that|which|who)\b[^,;—–]*",
    _I,
)
# A sentence that is one quotation with no speech verb: the words of the speaker just named.
WHOLE_QUOTE = Cue(r"^\s*(?:“[^“”]+[.!?…,]”|\"[^\"“”]+[.!?…,]\")\s*$")
QUOTED = Cue(r"“[^”]*”|\"[^\"]*\"")

# --- opinion from grammar (with the subjectivity lexicon) -----------------------------
# A copular characterisation: "It was a grim week", "That sounds loyal", "The offence was lifeless".
# `rest` is what is said of the subject; an evaluative adjective near its start makes it a judgement.
COPULAR = Cue(
    r"\b(?:is|was|are|were|(?:has|have|had)\s+been|seems?|seemed|sounds?|sounded|looks?|looked|feels?|felt"
    r"|remains?|remained|proved|proves|becomes?|became)\s+(?P<rest>[^,;:—–.!?]{1,80})",
    _I,
)
# The subject of such a characterisation when it is only a pointer to what came before.
POINTER_SUBJECT = Cue(
    r"^\W*(?:(?:but|and|still|yet|so|now|today)\s+)?(?:it|this|that|these|those|such|theirs|his|hers)\s+$", _I
)
# "did something brave", "did the easy part": an act the writer characterises.
DID_SOMETHING = Cue(r"\b(?:did|does|do|made|makes|make)\s+(?:something|the|a|an)\s+(?P<word>[a-z]+)\b", _I)
# Degree of a judgement: "aged this badly", "so thoroughly", "too easily".
DEGREE_ADVERB = Cue(r"\b(?:so|this|that|too|how)\s+(?P<word>[a-z]+ly)\b", _I)
# "could not be worse", "couldn't have come at a worse time": a comparison of judgement, not a forecast.
COMPARATIVE_JUDGEMENT = Cue(
    r"\b(?:could|can)(?:\s+not|n[’']t|\s+hardly|\s+scarcely)\s+(?:be|have\s+been|have\s+come|get|look|sound)"
    r"\s+(?:(?:at|in)\s+a\s+)?(?:any\s+)?(?:\w+er|more\s+\w+|less\s+\w+|better|worse)\b",
    _I,
)
# A writer's correction at the end of a sentence: "a real rebuild, not another patch."
NOT_INSTEAD = Cue(r",\s+not\s+(?:a|an|another|just|merely|simply|some|the)\s+[^,;]+[.!]?\s*$", _I)
SECOND_PERSON = Cue(r"\b(?:you|your|yours|yourself|yourselves)\b", _I)
# "The question is whether ...", "the point is": the writer framing the debate.
FRAMING_CLAUSE = Cue(
    r"^\W*(?:but\s+|and\s+|so\s+)?the\s+(?:question|point|problem|answer|truth|lesson|irony)\s+(?:is|was)\b",
    _I,
)
# Words that introduce a complement rather than a judgement ("able to", "sure that", "aware of").
COMPLEMENT_AFTER = Cue(r"\s+(?:to|that|of|about|whether)\b", _I)

# --- modality by scope ---------------------------------------------------------------
# A modal in a relative clause that describes a plan or a text ("a bill that would raise the wage",
# "a deal that would create the largest bank"): the plan's content, not the writer's forecast.
PLAN_RELATIVE = Cue(
    r"\b(?:bill|law|measure|proposal|plan|deal|rule|ordinance|amendment|agreement|contract|policy|legislation"
    r"|program|programme|budget|bond|merger|initiative|reform|regulation|provision|settlement|treaty|scheme"
    r"|project|changes?|order|initiative|referendum|question|ballot)s?\s+(?:that|which)\s+(?:would|will|could"
    r"|might|may)\b[^,;—–]*",
    _I,
)
# What the law says of everyone: "is presumed innocent", "the Act requires employers to ...".
LEGAL_RULE = Cue(
    r"\b(?:presumed\s+innocent|(?:act|acts|rules|regulations|code|ordinance|guidelines)\s+(?:requires?|bars?"
    r"|allows?|forbids?|prohibits?|permits?|lets?|says?)\b)",
    _I,
)
# "is possible", "are possible in parts of ...": a possibility stated outright.
POSSIBLE_PREDICATE = Cue(
    r"\b(?:is|are|was|were|remains?|seems?)\s+(?:\w+\s+)?(?:possible|likely|unlikely)\b", _I
)
# A past prospective ("were about to turn around", "was going to close"): told after the fact.
PAST_PROSPECTIVE = Cue(r"\b(?:was|were)\s+(?:about|going|poised|due)\s+to\b", _I)
# A modal inside a relative clause about a plan, possibly as someone's past prediction: "a policy that
# critics said would empty the city", "upgrades that it could not justify" (past inability).
RELATIVE_REPORT = Cue(
    r"\b(?:that|which)\s+(?:[\w’'-]+\s+){1,2}(?:said|says|predicted|warned|feared|claimed|argued)\s+"
    r"(?:would|will|could|might)\b[^,;—–]*"
    r"|\b(?:that|which|who)\s+(?:[\w’'-]+\s+)?(?:could\s+not|couldn[’']t|would\s+not|wouldn[’']t)\b[^,;—–]*",
    _I,
)
# The content of a document someone filed or issued ("filed a notice saying it will close the plant"):
# what the filing says is the fact reported, not the writer's forecast.
DOCUMENT_CONTENT = Cue(
    r"\b(?:filed|issued|published|released|sent|submitted|posted)\s+(?:a|an|the|its|their|his|her)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:notice|statement|letter|report|filing|order|memo|plan|warning)\b[^,;]{0,80}?"
    r"\b(?:saying|stating|announcing|that)\b.*",
    _I,
)
# A forecast or prediction as a thing someone has ("cut its forecast", "the predictions"): a noun.
FORECAST_NOUN = Cue(
    r"\b(?:its|their|his|her|our|the|a|an|earlier|annual|own|previous|new)\s+(?:[\w-]+\s+)?$", _I
)
# An embedded question's modal belongs to the question ("asks whether the sheriff should be recalled").
EMBEDDED_QUESTION = Cue(
    r"\b(?:asks?|asked|asking|decides?|decided|deciding|considers?|considered|wonders?|wondered|debates?"
    r"|debated|weighs?|weighed)\s+whether\b[^,;]*",
    _I,
)
# An official act whose name holds an evaluative word: "declared a disaster", "a disaster declaration".
OFFICIAL_DISASTER = Cue(
    r"\bdeclared?\s+(?:a\s+)?(?:major\s+)?disaster\b|\bdisaster\s+(?:declaration|area|zone)\b", _I
)
# "It was the right call.", "This is one romance that ...": a sentence whose subject only points back
# and whose predicate is a bare noun phrase is the writer characterising what was just told.
POINTER_FRAME = Cue(
    r"^\W*(?:(?:but|and|still|yet|so|whatever\s+the\s+truth,)\s+)?(?:it|this|that)\s+(?:is|was)\s+"
    r"(?:(?:really|simply|just|also|truly|surely|still)\s+)?(?:the|a|an|one)\s+(?!(?:first|second|third|last"
    r"|latest|only|same|\d)\b)",
    _I,
)
