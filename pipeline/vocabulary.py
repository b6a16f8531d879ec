"""The reports' own vocabulary: forces, pillars and grade words."""
from __future__ import annotations

import re

#: The 43 territorial forces of England and Wales: (short name, full name).
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
)

#: Other names the pages use for a force, mapped to its short name.
FORCE_ALIASES = {
    "Hampshire and Isle of Wight": "Hampshire",
    "Metropolitan Police": "Metropolitan",
    "MPS": "Metropolitan",
}

# A force named in prose: "Essex Police", "Hampshire and Isle of Wight Constabulary", "the MPS".
_FORCE_MENTION = re.compile(
    r"\b(?:(?P<name>" + "|".join(re.escape(name) for name in sorted(
        [short for short, _ in FORCES] + [a for a in FORCE_ALIASES if a != "MPS"], key=len, reverse=True))
    + r")\s+(?:Constabulary|Police\s+Service|Police)|(?P<mps>MPS))\b"
)


def forces_named(text: str) -> set[str]:
    """Short names of the forces ``text`` names ("Essex Police" -> "Essex")."""
    return {FORCE_ALIASES.get(m["name"] or m["mps"], m["name"] or m["mps"]) for m in _FORCE_MENTION.finditer(text)}


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
    """The (short, full) force names for a short name or alias, case-insensitive."""
    key = FORCE_ALIASES.get(short, short).lower()
    for force in FORCES:
        if force[0].lower() == key:
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
