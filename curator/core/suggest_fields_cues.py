"""The cue lexicons behind field suggestions, and the one way they are matched.

Cues are regular expressions matched case-insensitively at word boundaries on a folded copy of the
text (hyphens, NBSP and curly apostrophes made plain one for one, so offsets stay the text's own).
The lists name the wording of research prose in general, not of any one passage: a cue belongs here
when it means the same thing in most sentences that use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One-for-one replacements, so an offset in the folded text is an offset in the original.
_FOLD = str.maketrans(
    {"\u2010": "-", "\u2011": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2019": "'", "\u2032": "'"}
)


def fold(text: str) -> str:
    """`text` with typographic hyphens, spaces and apostrophes made plain, at the same offsets."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Hit:
    cue: str  # the lexicon entry's name
    start: int
    end: int
    words: str  # the text's own words at [start, end)
    negated: bool = False


def lexicon(**entries: str | list[str]) -> dict[str, re.Pattern]:
    """Compile named cue patterns; each alternative must match whole words."""
    compiled = {}
    for name, patterns in entries.items():
        alternatives = [patterns] if isinstance(patterns, str) else patterns
        compiled[name] = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)
    return compiled


# Negation reaches back over at most three words inside the clause: "no significant benefit", "did
# not improve", "without meta-analysis", "failed to reduce". "not only" is emphasis, not negation.
_NEGATOR = re.compile(
    r"(?<![\w-])(?:no|not(?!\s+only)|without|never|neither|nor|cannot|lack(?:ing|ed|s)?\s+of|absence\s+of|"
    r"fail(?:ed|s)?\s+to|\w+n't|non)(?![\w])(?:[\s-]+[\w-]+){0,3}?[\s-]*$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[;:()\[\]]|,\s*(?=but|however|whereas|while|although|though|yet)|\b(?:but|however|whereas|while|although|though|yet)\b",
    re.IGNORECASE,
)


def clause_start(text: str, at: int) -> int:
    """Where the clause holding offset `at` starts: after the last contrast word or bracket before it."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, at):
        start = m.end()
    return start


def contrast_between(text: str, a: int, b: int) -> bool:
    """True when a contrast ("but", "however", "while"...) stands between offsets a and b."""
    lo, hi = min(a, b), max(a, b)
    return _CLAUSE_BREAK.search(text, lo, hi) is not None


def is_negated(folded: str, start: int) -> bool:
    lo = max(clause_start(folded, start), start - 40)
    return _NEGATOR.search(folded, lo, start) is not None


def find(folded: str, text: str, patterns: dict[str, re.Pattern], negation: bool = True) -> list[Hit]:
    """Every cue of `patterns` in the folded text, in order, with its negation."""
    hits = []
    for name, pattern in patterns.items():
        for m in pattern.finditer(folded):
            negated = negation and is_negated(folded, m.start())
            hits.append(Hit(name, m.start(), m.end(), text[m.start() : m.end()], negated))
    return sorted(hits, key=lambda h: (h.start, -h.end))


# --- claim type --------------------------------------------------------------------------------
GAP = lexicon(
    needed=[
        r"(?:is|are|was|were|be|remains?)\s+(?:still\s+|urgently\s+|also\s+|clearly\s+)?(?:needed|required|warranted|necessary)",
        r"needs?\s+(?:for|to\s+be)",
        r"warrants?",
        r"call(?:s|ed)?\s+for",
    ],
    future=[
        r"future\s+(?:research|studies|trials|work|investigations?)",
        r"(?:further|more|additional|larger|longer-term)\s+(?:research|studies|trials|investigations?|evidence|work)",
        # where the work could lead next: "could pave the way for personalised treatments"
        r"pav(?:e|es|ed|ing)\s+the\s+way\s+(?:for|to(?:wards?)?)",
        r"open(?:s|ed|ing)?\s+(?:the\s+door|(?:new\s+)?avenues)\s+(?:for|to)",
    ],
    unclear=[
        r"remains?\s+(?:largely\s+|still\s+)?(?:unclear|unknown|uncertain|limited|poorly\s+understood|to\s+be\s+\w+)",
        r"(?:is|are)\s+(?:still\s+|also\s+|largely\s+)?(?:unclear|unknown|uncertain|not\s+(?:well\s+)?understood)",
        r"unanswered\s+questions?",
        r"(?:limited|insufficient|scarce|sparse)\s+(?:evidence|data)",
        r"evidence\s+(?:is|remains)\s+(?:limited|scarce|sparse|insufficient|lacking)",
        # evidence said to be still arriving is evidence not yet there: "the evidence is still emerging"
        r"(?:evidence|research|data|literature)\s+(?:(?:for|on|about|in)\s+(?:[\w'-]+\s+){1,4}?)?"
        r"(?:is|are|remains?)\s+(?:still\s+|only\s+)?"
        r"(?:emerging|preliminary|in\s+(?:its|their)\s+infancy)",
    ],
    gap=[r"(?:evidence|knowledge|research)\s+gaps?", r"gaps?\s+in\s+(?:the\s+)?(?:evidence|knowledge|literature)"],
)
NULL = lexicon(
    no_significant=[
        r"no\s+(?:statistically\s+)?significant",
        r"not\s+(?:statistically\s+)?significant(?:ly)?",
        r"non-?significant",
        r"insignificant",
    ],
    did_not=[
        r"did\s+not\s+(?:significantly\s+)?(?:differ|improve|reduce|change|affect|alter|show|find|increase|decrease|lower|"
        r"prevent|influence|predict|benefit)",
        r"(?:was|were)\s+not\s+(?:significantly\s+)?(?:different|associated|related|improved|reduced|effective|changed)",
        r"failed\s+to",
        r"no\s+(?:clear\s+|measurable\s+|meaningful\s+)?(?:effect|effects|difference|differences|association|benefit|improvement|"
        r"change|evidence\s+of)",
        r"(?:not|un)\s*associated",
        r"ineffective",
    ],
)
MECHANISM = lexicon(
    via=[
        r"via",
        r"(?:acts?|acting|works?|working|operates?|signals?)\s+(?:\w+\s+)?through",
        r"through\s+(?:the\s+)?\w+tion",
    ],
    mediated=[r"mediat(?:ed|es|ing|ion|or|ors)"],
    pathway=[
        r"pathways?",
        r"mechanis(?:m|ms|tic|tically)",
        r"signal(?:l)?ing",
        r"cascades?",
        r"pathophysiolog\w*",  # how a disease comes about is its mechanism
        r"pathogenesis",
        # a biological process named as such: "increase the production of short-chain fatty acids"
        r"(?:production|synthesis|secretion|expression)\s+of",
    ],
    modulates=[
        r"modulat\w*",
        r"by\s+(?:\w+ing)",
        r"(?:leads?|leading|contribut(?:es?|ing))\s+to",
        r"plays?\s+an?\s+\w*\s*role",
    ],
)
ASSOCIATION = lexicon(
    associated=[r"associated\s+with", r"associations?(?:\s+(?:between|with|of))?", r"relationship\s+between"],
    linked=[r"linked(?:\s+(?:to|with))?", r"links?\s+between", r"co-occurrence"],
    correlated=[r"correlat\w*", r"risk\s+factors?"],
)
# A difference between groups stated as such ("higher levels of X in patients with Y", "a reduction in
# butyrate in MS patients", "depletion of beneficial genera"): an association, with the change's direction.
# Read only where no treatment is named ("probiotics reduced X in patients" is an intervention's effect).
_MORE = r"(?:higher|increased|elevated|greater|enriched|increases?|elevations?|enrichment)"
_LESS = r"(?:lower|decreased|reduced|diminished|depleted|reductions?|decreases?|depletion)"
_IN_GROUP = (
    r"\s+(?:levels?\s+of\s+|in\s+|of\s+)?(?:[\w,'-]+\s+){0,12}?(?:in|among)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:patients|individuals|people|persons|subjects|participants|cases|those\s+with)"
)
DIFFERENCE = lexicon(
    difference_up=[_MORE + _IN_GROUP, r"enrich(?:ment|ed)\s+(?:of|in)"],
    difference_down=[_LESS + _IN_GROUP, r"deplet(?:ion|ed)\s+(?:of|in)"],
    # changed, in no stated direction: "the microbiome is altered in MS", "the balance … is disturbed"
    difference=[r"(?:is|are|was|were|be|been)\s+(?:\w+\s+)?(?:altered|disturbed|disrupted|dysregulated|imbalanced)"],
)
# Words that say something was given or tested; the codebook's intervention terms are added to these.
INTERVENTION = lexicon(
    intervention=[
        r"treatments?",
        r"therap(?:y|ies)",
        r"supplementation",
        r"interventions?",
        r"administ(?:ered|ration)",
        r"given",
        r"received",
        r"placebo",
        r"treated\s+with",
        r"trials?",
        r"RCTs?",
        r"drugs?",
        r"medications?",
        r"dos(?:e|es|ing)",
    ]
)
# A work or a field describing its own scope ("This review explores how …", "a field that examines the
# relationship between …"): what it is about, not a finding, whatever links or pathways it names.
SCOPE = lexicon(
    scope=[
        r"(?:this|the|a|an|our)\s+(?:[\w-]+\s+){0,2}?(?:review|article|paper|chapter|overview|field|discipline)"
        r"\s+(?:[\w\u2013-]+\s+){0,8}?(?:explores?|examines?|synthesi[sz]es|summari[sz]es|discusses|outlines|surveys|"
        r"investigates)",
        r"(?:field|discipline)\s+that\s+(?:examines|studies|explores|investigates)",
        # what the authors did, not what they found: "conducted a review and meta-analysis of 59 studies",
        # "95 studies fulfilled the inclusion criteria"
        r"(?:conducted|performed|carried\s+out|undertook)\s+an?\s+(?:[\w-]+\s+){0,4}?"
        r"(?:review|meta-?analys[ie]s|search|survey)",
        r"(?:inclusion|eligibility)\s+criteria",
    ]
)
BACKGROUND = lexicon(
    background=[
        r"(?:is|are)\s+an?\s+(?:[\w-]+\s+){0,4}?(?:disease|disorder|condition|syndrome|field|process|community|term|"
        r"group|system|organ|molecule|type|class|family)",
        r"characteri[sz]ed\s+by",
        r"(?:is|are)\s+(?:also\s+)?(?:known|defined|described)\s+as",
        r"refers?\s+to",
        r"(?:is|are)\s+home\s+to",
        r"multifactorial",  # what a condition's causes are like: a description, not a finding
        r"includes?\s+(?:[\w-]+\s+){0,3}?such\s+as",  # a class and its members
    ]
)

# --- direction ---------------------------------------------------------------------------------
BENEFIT = lexicon(
    improves=[r"improv\w*", r"alleviat\w*", r"ameliorat\w*", r"reliev\w*", r"relief", r"benefits?"],
    effective=[r"effective(?:ness)?", r"efficacy", r"efficacious", r"protect\w*", r"prevent\w*", r"favou?rable"],
    positive=[
        r"positive\s+effects?",
        r"helps?(?:\s+to)?\s+(?:manage|reduce|relieve|prevent|improve|restore)",
        # a tentative benefit ("interventions … are promising as adjunct approaches"); hedged as well
        r"(?:is|are|appears?|seems?|looks?|remains?)\s+(?:\w+\s+)?promising",
        r"shows?\s+(?:some\s+)?promise",
    ],
)
HARM = lexicon(
    worsens=[r"worsen\w*", r"exacerbat\w*", r"aggravat\w*", r"deteriorat\w*", r"detrimental", r"harmful"],
    risk=[
        r"(?:increas\w*|rais\w*|higher|greater|elevated)\s+(?:the\s+)?risks?",
        r"at\s+(?:higher|greater|increased)\s+risk",
        r"adverse\s+effects?",
        r"negative\s+effects?",
    ],
)
DOWN = lexicon(
    down=[
        r"reduc\w*",
        r"decreas\w*",
        r"lower\w*",
        r"fewer",
        r"less",
        r"declin\w*",
        r"diminish\w*",
        r"attenuat\w*",
        r"suppress\w*",
        r"inhibit\w*",
        r"deplet\w*",
        r"drops?",
    ]
)
UP = lexicon(
    up=[
        r"increas\w*",
        r"rais\w*",
        r"higher",
        r"elevat\w*",
        r"enhanc\w*",
        r"boost\w*",
        r"greater",
        r"expan\w*",
        r"restor\w*",
        r"strengthen\w*",
        r"stimulat\w*",
    ]
)
# What a reduction is good news for, and what an increase is.
BAD_THINGS = re.compile(
    r"(?<![\w-])(?:symptoms?|pain|severity|risks?|relapses?|fatigue|inflammation|inflammatory|pro-inflammatory|"
    r"frequency|disability|mortality|deaths?|depressi\w*|anxiety|stress|permeability|attacks?|burden|deficits?|damage|"
    r"dysfunction|dysbiosis|disease|cytokines?|hospitali[sz]\w*|adverse|side\s+effects|complications?|progression|"
    r"lesions?|incidence|recurrence|migraines?|headaches?|infections?|toxicity|morbidity|exacerbations?|impairment|"
    r"weight|obesity|blood\s+pressure|cholesterol)(?![\w-])",
    re.IGNORECASE,
)
GOOD_THINGS = re.compile(
    r"(?<![\w-])(?:quality\s+of\s+life|function(?:ing)?|well-?being|resilience|survival|remission|integrity|diversity|"
    r"beneficial|regulatory|scfas?|short-chain\s+fatty\s+acids?|butyrate|cognition|mood|sleep|anti-inflammatory)(?![\w-])",
    re.IGNORECASE,
)
MIXED = lexicon(
    mixed=[
        r"mixed\s+(?:results|findings|evidence|effects)",
        r"(?:is|are|was|were|as|remains?|remained)\s+(?:largely\s+|somewhat\s+|still\s+)?mixed(?!\s+(?:with|into))",
        r"(?:inconsistent|conflicting|contradictory|heterogeneous|variable)\s*(?:results|findings|evidence|effects)?",
    ]
)
UNCLEAR = lexicon(unclear=[r"inconclusive", r"(?:unclear|uncertain)\s+whether"])
INVERSE = lexicon(inverse=[r"inversely", r"negatively"])
POSITIVE = lexicon(positive=[r"positively"])

# --- certainty as worded -----------------------------------------------------------------------
HEDGE = lexicon(
    modal=[r"may(?!\s+\d)", r"might", r"could"],
    suggests=[r"suggest(?:s|ed|ing|ive|ion|ions)?", r"indicat(?:e|es|ed|ing)", r"points?\s+to"],
    potential=[
        r"potential(?:ly)?",
        r"possibl[ey]",
        r"likely",
        r"probabl[ey]",
        r"perhaps",
        r"plausibl[ey]",
        r"putative",
    ],
    preliminary=[r"preliminary", r"emerging", r"tentative(?:ly)?", r"promising", r"encouraging", r"proposed"],
    appears=[r"appears?", r"appeared", r"seems?", r"seemed", r"(?:is|are)\s+(?:thought|believed)\s+to"],
    warrant=[r"warrants?"],
)
SPECULATION = lexicon(
    hypothesis=[
        r"hypothes[ie][sz]\w*",
        r"speculat\w*",
        r"conceivabl[ey]",
        r"theoretical(?:ly)?",
        r"it\s+is\s+tempting",
    ],
    stacked=[r"(?:may|might|could)\s+(?:potentially|possibly|perhaps|conceivably|theoretically|plausibly)"],
    # a future promise, not a result: "could pave the way for", "opens new avenues", "holds promise for"
    promise=[
        r"pav(?:e|es|ed|ing)\s+the\s+way",
        r"open(?:s|ed|ing)?\s+(?:the\s+door|(?:new\s+)?avenues)",
        r"holds?\s+(?:great\s+|much\s+)?promise",
    ],
    # an open question or a plan under study: "are exploring whether", "are being considered"
    open_question=[
        r"(?:explor|investigat|examin|test|stud(?:y|i))\w*\s+whether",
        r"(?:is|are)\s+being\s+(?:considered|explored|investigated|evaluated|tested)",
    ],
    # the source itself denies the claim certainty: "plausible links rather than definitive causes"
    not_definitive=[
        r"rather\s+than\s+(?:definitive|conclusive|established|proven)",
        r"(?:not|yet\s+to\s+be)\s+(?:yet\s+)?(?:definitive|conclusive|established|proven)(?!\s+that)",
    ],
)
# A passage states a finding when it reports, shows or measures something; only then does the
# absence of a hedge mean "asserted".
FINDING = lexicon(
    reports=[
        r"show(?:s|ed|n)?",
        r"found",
        r"demonstrat\w*",
        r"reported",
        r"reports?(?=\s+(?:that|an?|the|modest|significant|no|some|improv\w*|reduc\w*|increas\w*|\w+ly)\b)",
        r"observed",
        r"revealed",
        r"confirm(?:s|ed)",
        r"identified",
        r"resulted\s+in",
        r"plays?\s+an?\s+\w*\s*role",
    ]
)

# --- study design and population ---------------------------------------------------------------
# Most specific first: a meta-analysis of RCTs is a meta-analysis; a pilot RCT is a pilot trial.
DESIGN = lexicon(
    meta_analysis=[r"meta-?analys[ie]s", r"meta-?analytic", r"pooled\s+analys[ie]s"],
    systematic_review=[r"systematic\s+(?:literature\s+)?reviews?", r"umbrella\s+reviews?"],
    narrative_review=[r"narrative\s+(?:reviews?|synthesis)", r"literature\s+reviews?"],
    pilot_trial=[
        r"pilot\s+(?:randomi[sz]ed\s+)?(?:trials?|stud(?:y|ies)|RCTs?)",
        r"feasibility\s+(?:trials?|stud(?:y|ies))",
    ],
    rct=[
        r"RCTs?",
        r"randomi[sz]ed(?:\s+(?:controlled|clinical|placebo-controlled|double-blind))?\s+(?:trials?|stud(?:y|ies))",
        r"randomi[sz]ed\s+controlled",
        r"double-?blind(?:ed)?",
        r"placebo-?controlled",
        r"randomly\s+(?:assigned|allocated)",
    ],
    observational=[
        r"observational",
        r"cohort\s+(?:stud(?:y|ies)|analys[ie]s|data)",
        r"(?:prospective|retrospective|population-based|birth)\s+(?:cohorts?|stud(?:y|ies))",
        r"case-?control",
        r"cross-?sectional",
        r"registry",
        r"longitudinal\s+(?:stud(?:y|ies)|analys[ie]s)",
    ],
    in_vitro=[r"in\s+vitro", r"cell\s+(?:cultures?|lines?)", r"cultured\s+cells", r"organoids?"],
    animal_study=[
        r"mice",
        r"mouse",
        r"murine",
        r"rats?",
        r"rodents?",
        r"animals?(?:\s+(?:models?|stud(?:y|ies)|experiments?|research|subjects))?",
        r"preclinical\s+(?:stud(?:y|ies)|models?|research|work|evidence)",
        r"zebrafish",
        r"in\s+vivo",
    ],
    expert_opinion=[r"expert\s+opinion", r"consensus\s+statement", r"expert\s+panel"],
)
# Words that place the evidence in people ("human and preclinical studies", "clinical trials"); an animal
# design or population is then not the whole story. ("Transplants from patients into mice" is still animal work.)
HUMAN = re.compile(r"\b(?:humans?|clinical\s+(?:trials?|stud(?:y|ies)))\b", re.I)
POPULATION = lexicon(
    children=[
        r"child(?:ren|hood)?",
        r"paediatric",
        r"pediatric",
        r"adolescen(?:ts?|ce)",
        r"infants?",
        r"kids",
        r"neonat\w*",
        r"toddlers?",
        r"schoolchildren",
        r"youths?",
        r"boys",
        r"girls",
    ],
    adults=[r"adults?", r"elderly", r"older\s+(?:people|persons|patients)", r"women", r"men", r"postmenopausal"],
    animal_model=[
        r"mice",
        r"mouse",
        r"murine",
        r"rats?",
        r"rodents?",
        r"animals?",
        r"preclinical\s+models?",
        r"zebrafish",
    ],
    in_vitro=[r"in\s+vitro", r"cell\s+(?:cultures?|lines?)", r"cultured\s+cells", r"organoids?"],
    mixed=[r"all\s+ages", r"(?:children|adolescents)\s+and\s+adults", r"adults\s+and\s+(?:children|adolescents)"],
)
