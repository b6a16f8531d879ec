"""The reports' own vocabulary: forces, pillars and grade words."""
from __future__ import annotations

import re

#: The forces PEEL inspects: the 43 territorial forces of England and Wales and, in PEEL
#: 2023-25, British Transport Police. (short name, full name as the inspectorate writes it.)
FORCES = (
    ("Avon and Somerset", "Avon and Somerset Constabulary"),
    ("Bedfordshire", "Bedfordshire Police"),
    ("Cambridgeshire", "Cambridgeshire Constabulary"),
    ("Cheshire", "Cheshire Constabulary"),
    ("City of London", "City of London Police"),
    ("Cleveland", "Cleveland Police"),
    ("Cumbria", "Cumbria Constabulary"),
    ("Derbyshire", "Derbyshire Constabulary"),
    ("Devon and Cornwall", "Devon and Cornwall Police"),
    ("Dorset", "Dorset Police"),
    ("Durham", "Durham Constabulary"),
    ("Dyfed-Powys", "Dyfed-Powys Police"),
    ("Essex", "Essex Police"),
    ("Gloucestershire", "Gloucestershire Constabulary"),
    ("Greater Manchester", "Greater Manchester Police"),
    ("Gwent", "Gwent Police"),
    ("Hampshire", "Hampshire Constabulary"),
    ("Hertfordshire", "Hertfordshire Constabulary"),
    ("Humberside", "Humberside Police"),
    ("Kent", "Kent Police"),
    ("Lancashire", "Lancashire Constabulary"),
    ("Leicestershire", "Leicestershire Police"),
    ("Lincolnshire", "Lincolnshire Police"),
    ("Merseyside", "Merseyside Police"),
    ("Metropolitan", "Metropolitan Police Service"),
    ("Norfolk", "Norfolk Constabulary"),
    ("North Wales", "North Wales Police"),
    ("North Yorkshire", "North Yorkshire Police"),
    ("Northamptonshire", "Northamptonshire Police"),
    ("Northumbria", "Northumbria Police"),
    ("Nottinghamshire", "Nottinghamshire Police"),
    ("South Wales", "South Wales Police"),
    ("South Yorkshire", "South Yorkshire Police"),
    ("Staffordshire", "Staffordshire Police"),
    ("Suffolk", "Suffolk Constabulary"),
    ("Surrey", "Surrey Police"),
    ("Sussex", "Sussex Police"),
    ("Thames Valley", "Thames Valley Police"),
    ("Warwickshire", "Warwickshire Police"),
    ("West Mercia", "West Mercia Police"),
    ("West Midlands", "West Midlands Police"),
    ("West Yorkshire", "West Yorkshire Police"),
    ("Wiltshire", "Wiltshire Police"),
    ("British Transport", "British Transport Police"),
)

#: Other names the pages use for a force, mapped to its short name: official names of
#: 2014-2025 besides "<short> Police" / "<short> Constabulary" / "<short> Police Service"
#: (renames: Hampshire Constabulary became Hampshire and Isle of Wight Constabulary in
#: 2022; Avon and Somerset Constabulary calls itself Avon and Somerset Police), the Welsh
#: forces' Welsh names, and the short forms the reports use ("the MPS", "GMP", "BTP").
FORCE_ALIASES = {
    "Hampshire and Isle of Wight": "Hampshire",
    "Metropolitan Police": "Metropolitan",
    "MPS": "Metropolitan",
    "Devon & Cornwall": "Devon and Cornwall",
    "Dyfed Powys": "Dyfed-Powys",
}
#: Whole names that are a force's without "Police" or "Constabulary" after them.
FORCE_NAMES = {
    "Metropolitan Police Service": "Metropolitan",
    "Metropolitan Police": "Metropolitan",
    "the Met": "Metropolitan",
    "MPS": "Metropolitan",
    "GMP": "Greater Manchester",
    "BTP": "British Transport",
    "Heddlu Dyfed-Powys": "Dyfed-Powys",
    "Heddlu Dyfed Powys": "Dyfed-Powys",
    "Heddlu Gwent": "Gwent",
    "Heddlu De Cymru": "South Wales",
    "Heddlu Gogledd Cymru": "North Wales",
}
#: Police services HMICFRS's PEEL programme does not inspect: a page about one of them is
#: not a PEEL report of a force (Northern Ireland's and Scotland's police are inspected by
#: others, or outside PEEL).
NOT_PEEL_FORCES = re.compile(r"\bPolice\s+Service\s+of\s+Northern\s+Ireland\b|\bPSNI\b|\bPolice\s+Scotland\b")

# A force named in prose: "Essex Police", "Hampshire and Isle of Wight Constabulary", "the MPS",
# "Heddlu Dyfed-Powys".
_FORCE_MENTION = re.compile(
    r"\b(?:(?P<name>" + "|".join(re.escape(name) for name in sorted(
        [short for short, _ in FORCES] + [a for a in FORCE_ALIASES if a != "MPS"], key=len, reverse=True))
    + r")\s+(?:Constabulary|Police\s+Service|Police)(?!\s+(?:and\s+Crime\s+Commissioner|Federation|Scotland))"
    + r"|(?P<other>" + "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in sorted(
        [n for n in FORCE_NAMES if n[0].isupper() and not n.startswith("Metropolitan")], key=len, reverse=True))
    + r")|(?P<met>\bthe\s+Met)(?!\s+Office))\b"
)


def force_mentions(text: str) -> list[tuple[int, str, str]]:
    """The forces ``text`` names, in reading order: (offset, short name, the name as written).

    "Essex Police" -> "Essex"; "Heddlu Dyfed-Powys", "the MPS", "GMP" name their forces too.
    """
    out = []
    for match in _FORCE_MENTION.finditer(text):
        if match["name"]:
            short = FORCE_ALIASES.get(match["name"], match["name"])
        else:
            written = " ".join((match["other"] or "the Met").split())
            short = FORCE_NAMES[written]
        out.append((match.start(), short, match.group()))
    return out


def forces_named(text: str) -> set[str]:
    """Short names of the forces ``text`` names ("Essex Police" -> "Essex")."""
    return {short for _, short, _ in force_mentions(text)}


PILLARS = ("effectiveness", "efficiency", "legitimacy", "leadership")

# A grade as a whole line or phrase, mapped to its code.
_GRADE_WORDS = {
    "outstanding": "outstanding",
    "good": "good",
    "adequate": "adequate",
    "requires improvement": "requires_improvement",
    "require improvement": "requires_improvement",
    "requiring improvement": "requires_improvement",
    "inadequate": "inadequate",
    "not yet graded": "not_graded",
    "not graded": "not_graded",
    "to be graded": "not_graded",
    "not being graded": "not_graded",  # greater-manchester_2017_overview_part1
    "ungraded": "not_graded",
}

_GRADE_LINE = re.compile(
    r"^[\s'\"‘’“”Â]*(" + "|".join(sorted(_GRADE_WORDS, key=len, reverse=True)) + r")[\s'\"‘’“”.Â]*$",
    re.IGNORECASE,
)


def grade_code(phrase: str) -> str | None:
    """The grade code for a grade phrase ("Requires improvement" -> requires_improvement)."""
    return _GRADE_WORDS.get(" ".join(phrase.lower().split()).strip("'\"‘’“”. "))


def grade_line(line: str) -> str | None:
    """The grade code when ``line`` is nothing but a grade, else None."""
    match = _GRADE_LINE.match(line)
    return grade_code(match.group(1)) if match else None


def force_by_short(short: str) -> tuple[str, str] | None:
    """The (short, full) force names for a short name, alias or other name ("GMP"), case-insensitive."""
    key = " ".join(short.split())
    key = FORCE_ALIASES.get(key) or FORCE_NAMES.get(key) or key
    for force in FORCES:
        if force[0].lower() == key.lower():
            return force
    return None


def slug(text: str) -> str:
    """A lower-case id fragment: letters and digits joined by single hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_STOPWORDS = frozenset(
    "a an the and or of in on at to for with its it is are be by as how well does do force constabulary "
    "police service that this which what whether from their there".split()
)


def content_words(text: str) -> set[str]:
    """Content words, crudely stemmed, for comparing what two phrases talk about."""
    out = set()
    for word in re.findall(r"[a-z0-9-]+", text.lower().replace("’", "'")):
        if word in _STOPWORDS:
            continue
        for suffix in ("ing", "es", "s"):
            if word.endswith(suffix) and len(word) > len(suffix) + 3:
                word = word[: -len(suffix)]
                if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
                    word = word[:-1]  # planning -> plan
                break
        out.add(word)
    return out


def same_subject(a: str, b: str) -> bool:
    """True when one phrase's content words are all in the other's."""
    wa, wb = content_words(a), content_words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


#: How prose names the subject of one of PEEL's questions (2014-2018/19), at the start of a
#: judgment's subject ("the force is good at <subject>"). A summary judgment whose subject
#: starts otherwise judges a narrower aspect ("good at prioritising its use of resources"),
#: which is not a question's grade (LABELS.md, "Narrower aspects"). This is the stand-in
#: for the PEEL framework table until the framework's question wordings replace it.
QUESTION_SUBJECTS = (
    # effectiveness: preventing crime and anti-social behaviour
    r"preventing|prevention|(?:the\s+way|how)\s+(?:it|the\s+force)\s+prevents|reducing|keeping\s+people\s+safe",
    # effectiveness: investigating crime, reducing re-offending, recording crime
    # ("its crime-recording", devon-and-cornwall_2016_effectiveness; "accuracy in terms of
    # recording crime", lancashire_2018_overview; "recording crime", kent_2018_effectiveness)
    r"investigating|investigation|quality\s+of\s+crime\s+investigation|(?:the\s+way|how)\s+it\s+investigates|"
    r"crime[\s-]recording|recording\s+crime|accuracy\s+(?:in\s+terms\s+of\s+|of\s+)?(?:its\s+)?(?:crime\s+)?recording",
    # effectiveness: protecting vulnerable people and supporting victims ("identifying and
    # responding to the most vulnerable people", lincolnshire_2015_overview; "management of
    # vulnerability", devon-and-cornwall_2016_effectiveness)
    r"protecting|(?:the\s+way|how)\s+it\s+protects|supporting|identifying\s+(?:at\s+the\s+earliest\s+opportunity\s+)?people\s+who\s+(?:may|can)|"
    r"identifying,\s+understanding|identifying\s+and\s+responding|management\s+of\s+vulnerab",
    # effectiveness: serious and organised crime, specialist capabilities, managing offenders
    r"tackling|managing|serious\s+and\s+organised\s+crime",
    # efficiency: demand, resources, planning ("its ability to understand demand", "use its
    # resources well", merseyside_2016_overview_part1)
    # ("its understanding of organised crime groups", staffordshire_2017_effectiveness, is an aspect)
    r"understanding(?!\s+of\b)|understanding\s+of\s+(?:[\w-]+\s+){0,4}?(?:demand|the\s+people|its\s+communities)|(?:its\s+)?ability\s+to\s+understand\s+demand|use\s+(?:of\s+)?(?:its\s+)?resources|using\s+(?:its\s+)?resources|"
    r"targeting\s+its\s+resources|planning|how\s+(?:well\s+)?(?:it|the\s+force)\s+(?:plans|uses|understands|ensures|meets)|"
    r"meeting|efficiency|effectiveness\s+at|how\s+it\s+(?:keeps|meets)",
    # legitimacy: fairness and respect, ethics, the workforce ("treating the public and each
    # other with fairness and respect", kent_2018_overview; "how fairly it treats its
    # workforce", "encouraging ethical decision-making", "looking after its workforce’s
    # wellbeing", dyfed-powys_2018_legitimacy)
    r"treating|(?:the\s+way|how)\s+(?:it|the\s+force)\s+treats|how\s+fairly\s+it\s+treats|ensuring\s+(?:that\s+)?its\s+workforce|"
    r"behaving|encouraging\s+ethical|looking\s+after\s+its\s+workforce",
    # parts of a question graded together ("some aspects of ...")
    r"some\s+(?:aspects|elements)",
)

_QUESTION_SUBJECT = re.compile(
    r"^(?:(?:its|their|the\s+(?:force|constabulary)[’']s|[A-Z][\w ]*[’']s)\s+)?(?:the\s+)?(?:approach\s+to\s+)?(?:"
    + "|".join(QUESTION_SUBJECTS) + r")",
    re.IGNORECASE,
)
_QUESTION_WORDS = ("preventing", "tackling", "investigating", "protecting", "supporting", "managing",
                   "understanding", "planning", "meeting", "treating", "reducing")


def question_subject(subject: str) -> bool:
    """Whether a judgment's subject names one of PEEL's questions (a cut-off word may start one)."""
    if _QUESTION_SUBJECT.match(subject):
        return True
    word = subject.strip().lower()
    return 0 < len(word) < 12 and " " not in word and any(t.startswith(word) for t in _QUESTION_WORDS)


# The inspectorate's letters (cause-of-concern and revisit letters) and recommendation
# trackers introduce their causes of concern, recommendations and areas for improvement in
# running text rather than under headings.

#: "During our inspection, we identified three causes of concern:", "Our inspection found:"
CONCERN_LEAD_IN = re.compile(
    r"\b(?:identified|found|reported|raised)\s+(?:the\s+following\s+)?(?:[\w-]+\s+)?causes?\s+(?:of|for)\s+concern\s*:$"
    r"|^(?:Our\s+(?:\w+\s+)?inspection|We|HMIC|HMICFRS|Inspectors)\s+(?:also\s+)?found:$",
    re.IGNORECASE,
)
#: "We made the following recommendations:"
RECOMMENDATION_LEAD_IN = re.compile(
    r"^(?:We|HMIC|HMICFRS|The\s+inspectorate)\s+(?:also\s+)?made\s+the\s+following\s+(?:[\w-]+\s+)?recommendations?\s*:$",
    re.IGNORECASE,
)
#: A lead-in that reads like a title, without a colon: "The 2017 inspection identified the
#: following Areas for improvement" (a tracker). Its list follows.
ITEMS_TITLE = re.compile(
    r"^(?:The|Our|In\s+the)\b.{0,60}\b(?:identified|found|made|set\s+out)\s+the\s+following\s+"
    r"(?P<what>areas?\s+for\s+improvement|causes?\s+(?:of|for)\s+concern|recommendations?)\s*:?$",
    re.IGNORECASE,
)
#: A letter's title: "Greater Manchester Police: PEEL Cause of concern revisit letter".
LETTER_TITLE = re.compile(
    r"^(?P<force>[A-Z][\w&'’ -]+?)\s*(?::|\s[–-])\s+(?:PEEL\s*:?\s+)?(?P<kind>[\w ,-]*\bletter)$", re.IGNORECASE
)
#: A recommendation tracker's title: "PEEL: police effectiveness 2016 – Bedfordshire Police (8770)".
TRACKER_TITLE = re.compile(
    r"^PEEL:\s+police\s+(?P<pillar>effectiveness|efficiency|legitimacy|leadership)\s+"
    r"(?P<year>20\d\d(?:/\d\d)?)\s+[–-]\s+(?P<force>.+?)\s*\((?P<number>\d+)\)$",
    re.IGNORECASE,
)
#: A tracker's status markup, a line of its own: "[on]3rd November 2016
#: [status]awaiting-review[/status][/on]...[comment]". Furniture, never a sentence.
TRACKER_STATUS = re.compile(r"^(?:\[on\].*?(?:\[/on\]|\[comment\]|\[/comment\])\s*)+$", re.IGNORECASE)
#: The dates a tracker's status lines record.
TRACKER_DATE = re.compile(r"\[on\]\s*(?P<date>[^\[]+?)\s*\[", re.IGNORECASE)
#: A letter's dates: "Published on: 28 October 2022", "Sent on:" and the date on the next line.
LETTER_DATE = re.compile(r"^(?P<what>Published|Sent|Updated|Last\s+updated)\s+on:\s*(?P<date>.*)$", re.IGNORECASE)
_MONTHS = ("january february march april may june july august september october november december").split()
_LONG_DATE = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>" + "|".join(_MONTHS) + r")\s+(?P<y>(?:19|20)\d\d)$", re.IGNORECASE
)


def long_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date written out ("28 October 2022", "3rd November 2016"), else None."""
    match = _LONG_DATE.match(" ".join(text.split()))
    if match is None:
        return None
    return int(match["y"]), _MONTHS.index(match["m"].lower()) + 1, int(match["d"])


# The inspectorate's language, by which a page that starts part-way down (no title, no
# heading of its own) is still known for a PEEL page: what it says and how it says it.
# A news story naming a force has at most one of these kinds.
INSPECTORATE_SIGNS = {
    # the inspectorate speaking: "we found", "our inspection", the HMI's "I am pleased with"
    "voice": re.compile(
        r"\b(?:we|HMIC|HMICFRS|HMI|inspectors)\s+(?:also\s+)?(?:found|judged|assessed|inspected|examined|reviewed|"
        r"identified|recommend(?:ed|s)?|expect(?:ed|s)?|considered|looked\s+at|set\s+out)\b"
        r"|\bour\s+(?:\w+\s+)?(?:inspection|findings|judgments?|assessment|fieldwork)\b"
        r"|\bI\s+(?:am|was)\s+(?:\w+\s+)?(?:pleased|satisfied|encouraged|disappointed|concerned)\b"
        r"|\bI\s+congratulate\b|\bI\s+have\s+(?:\w+\s+){0,3}concerns?\b|\bIn\s+making\s+this\s+(?:first\s+)?PEEL\b"
        r"|\b(?:HMIC|HMICFRS|we)\s+(?:has|have)\s+(?:\w+\s+)?concerns?\b|\bI\s+am\s+(?:\w+\s+)?concerned\s+that\b",
        re.IGNORECASE),
    # a graded judgment of the force, in the reports' shape
    "judgment": re.compile(
        r"\b(?:the\s+force|it|constabulary|police|police\s+service)\s+(?:is|was|remains|continues\s+to\s+be)\s+"
        r"(?:\w+\s+)?(?:outstanding|good|adequate|inadequate)\s+(?:at|in)\b|\brequires?\s+improvement\b",
        re.IGNORECASE),
    # what the force should do
    "should": re.compile(r"\bthe\s+(?:force|constabulary)\s+(?:still\s+|also\s+)?(?:should|must|needs\s+to|could)\b",
                         re.IGNORECASE),
}
#: The force as the subject of the report's sentences ("The force has ...", not "the force said").
_FORCE_SUBJECT = re.compile(
    r"(?:^|[.!?]\s+)(?:The\s+(?:force|constabulary)|(?:[A-Z][\w-]+\s+){1,2}(?:and\s+[A-Z][\w-]+\s+)?(?:Police|Constabulary))"
    r"\s+(?!said\b|says\b|told\b|spokes|and\s+Crime\b)(?:also\s+|still\s+)?[a-z]+",
    re.MULTILINE)
#: What PEEL asks about, in the reports' words.
PEEL_TERMS = re.compile(
    r"\bkeeping\s+people\s+safe\b|\breducing\s+crime\b|\banti-social\s+behaviour\b|\bvulnerable\s+(?:people|victims)\b|"
    r"\bareas?\s+for\s+improvement\b|\bcauses?\s+of\s+concern\b|\b(?:effectiveness|efficiency|legitimacy)\b|"
    r"\bfairness\s+and\s+respect\b|\bthe\s+workforce\b|\bdemand\s+(?:for|on)\s+(?:its\s+)?services\b|"
    r"\bneighbourhood\s+(?:policing|teams?)\b|\bserious\s+and\s+organised\s+crime\b|\bcrime[\s-]recording\b|"
    r"\bproblem[\s-]solving\b|\bsafeguarding\b|\bpartner\s+organisations\b|\bethical\b|\bwellbeing\b",
    re.IGNORECASE)


def inspectorate_signs(text: str) -> set[str]:
    """The kinds of the inspectorate's language ``text`` speaks: "voice", "judgment", "should",
    "force subject" (two sentences or more about the force), "terms" (three of PEEL's terms or more)."""
    kinds = {kind for kind, pattern in INSPECTORATE_SIGNS.items() if pattern.search(text)}
    if len(_FORCE_SUBJECT.findall(text)) >= 2:
        kinds.add("force subject")
    if len({" ".join(m.group().lower().split()) for m in PEEL_TERMS.finditer(text)}) >= 3:
        kinds.add("terms")
    return kinds
