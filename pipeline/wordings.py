"""The reports' wordings: the phrases HMIC and HMICFRS pages use, in one place.

What a page says, as patterns and word lists, for every stage that reads it: ingest
(page furniture), structure (titles, headings, grade lines, lead-ins) and the judgments
grammar (its words). A new wording of the reports is added here, in the section of its
kind, and nowhere else; the code that reads it (``structure``, ``judgments``) does not
change. Names are the reports' own.

Sections, in order:

- **Grades**: grade words on a line of their own (``GRADE_WORDS``, ``grade_line``) and in
  prose (``GRADE`` and the judgments grammar's other words: ``ADVERB``, ``JUDGED``,
  ``COPULA``, ``DOER``, ``INSPECTOR``, ``PREP``, ``OPENER``), a list carried under an
  earlier grade (``CARRIED_LIST``);
- **Pillars and questions**: ``PILLARS``, the question a pillar page asks as a whole
  (``PILLAR_QUESTIONS``), a judgment's subject that is a whole pillar
  (``PILLAR_SUBJECTS``) or restates the effectiveness pillar (``EFFECTIVENESS_RESTATED``),
  the usual wordings of PEEL's questions (``QUESTION_SUBJECTS``);
- **Titles, headings and dates**: page titles, "Questions for ...", "Areas for
  improvement", "Our judgments", "Last updated", how a question or heading starts,
  letters' and trackers' titles and dates;
- **Page types**: an overview's and a 2021+ report's own wording;
- **Lead-ins and items**: what introduces causes of concern, recommendations and areas
  for improvement, and what states a cause of concern in prose;
- **The inspectorate's language**: how a page without a title is known for a PEEL page
  (``inspectorate_signs``), and the words before a force's name that make it another
  force than the page's (``OTHER_FORCE_BEFORE``);
- **Page furniture**: web-page lines that are not the report's text.

- **Sentence-label cues**: the phrases that suggest a sentence's label (``CUES``, built
  with ``phrases``) and the words of a lead-in or previous sentence that give the
  classifier its context (``CONTEXT_CUES``).

The forces' names are in ``vocabulary``.

This module imports nothing of the pipeline's: every stage may import it.
"""
from __future__ import annotations

import re
from itertools import product

# =========================================================================== grades
# A new grade word goes into GRADE_WORDS (a grade line), GRADE (prose) and, when a list
# may be carried under it, CARRIED_LIST; classify's grade cues still list their own.

#: A grade as a whole line or phrase, mapped to its code.
GRADE_WORDS = {
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

GRADE_LINE = re.compile(
    r"^[\s'\"‘’“”Â]*(" + "|".join(sorted(GRADE_WORDS, key=len, reverse=True)) + r")[\s'\"‘’“”.Â]*$",
    re.IGNORECASE,
)


def grade_code(phrase: str) -> str | None:
    """The grade code for a grade phrase ("Requires improvement" -> requires_improvement)."""
    return GRADE_WORDS.get(" ".join(phrase.lower().split()).strip("'\"‘’“”. "))


def grade_line(line: str) -> str | None:
    """The grade code when ``line`` is nothing but a grade, else None."""
    match = GRADE_LINE.match(line)
    return grade_code(match.group(1)) if match else None


# The judgments grammar's words (``judgments`` composes them into its shapes).

#: A grade in prose. "not yet graded" and "not being graded" say that no grade is given.
GRADE = (r"(?:outstanding|good|adequate|inadequate|requires?\s+improvement|requiring\s+improvement|"
         r"not\s+(?:yet\s+|being\s+)?graded)")
ADVERB = r"(?:(?:also|now|still|generally|currently|therefore|overall|again|consistently|broadly)\s+)*"
#: "judged to be", "assessed as", "judged as being", "considered", "found to be"
JUDGED = r"(?:(?:judged|assessed|considered|graded|rated|found)\s+(?:to\s+be\s+|as\s+being\s+|as\s+)?)"
#: What the inspectorate did when it judged an earlier inspection: "In 2017, we graded the
#: constabulary as good at ...".
JUDGING = r"(?:judged|assessed|graded|rated|found)"
COPULA = r"(?:is|are|was|remains|continues\s+to\s+be|has\s+been|have\s+been|be)"
#: Who is judged, as the subject of a clause ("Kent Police" is matched as "Police"), with
#: its people beside it: "Surrey Police and its workforce are good at ...".
DOER = (r"(?:force|constabulary|police|service|it|mps|workforce)(?:[’']s)?"
        r"(?:\s+and\s+its\s+(?:workforce|staff|officers(?:\s+and\s+staff)?))?")
INSPECTOR = r"(?:we|hmic|hmicfrs)"
PREP = r"(?:at|in|for)"
#: Opening words before the doer; the clause is still the force's judgment.
OPENER = ("however", "overall", "but", "and", "also", "so", "although", "though", "while", "whilst",
          "in addition", "by contrast", "in contrast", "similarly", "likewise", "furthermore", "moreover",
          "we found that", "we found", "hmic found that", "hmicfrs found that")
#: A topic named before the doer, which is then what the grade judges: "In relation to
#: ethical and lawful workforce behaviour, the force requires improvement." (city-of-london 2018)
TOPIC_FIRST = re.compile(r"^(?:in\s+relation\s+to|with\s+regards?\s+to|in\s+respect\s+of|as\s+regards|regarding"
                         r"|when\s+it\s+comes\s+to)\s+(?P<topic>[^,;]{3,100}?),\s*$", re.IGNORECASE)


# "In 2017, we assessed the force as good at:": the list that follows is graded so.
CARRIED_LIST = re.compile(
    r"^In (?P<year>20\d\d),\s+(?:we|HMIC|HMICFRS)\s+(?:judged|assessed)\s+.{0,60}?\bas\s+(?P<g>outstanding|good|inadequate|requiring improvement)\s+(?:at|in):$",
    re.IGNORECASE,
)


# =========================================================================== pillars and questions

PILLARS = ("effectiveness", "efficiency", "legitimacy", "leadership")

# The question a pillar page asks as a whole, and the pillar it names.
PILLAR_QUESTIONS = (
    ("effectiveness", re.compile(r"^How (?:effective is the force at keeping people safe and reducing crime|effectively does the force reduce crime and keep people safe|well the force tackles crime)\??$", re.I)),
    ("efficiency", re.compile(r"^How (?:efficient is the force at keeping people safe and reducing crime|efficiently does the force operate and how sustainable are its services to the public|well the force delivers value for money)\??$", re.I)),
    # "inadequate in the way it treats the public and its workforce" (2018/19's pillar question)
    ("legitimacy", re.compile(r"^How (?:legitimate is the force at keeping people safe and reducing crime|legitimately does the force treat the public and its workforce)\??$", re.I)),
    ("leadership", re.compile(r"^How well led is the force\b.*$", re.I)),
)


def pillar_question(text: str) -> str | None:
    """The pillar whose question ``text`` asks as a whole ("How well led is the force?" -> leadership)."""
    for pillar, pattern in PILLAR_QUESTIONS:
        if pattern.match(text):
            return pillar
    return None


# Subjects that are a whole pillar rather than a question or area.
PILLAR_SUBJECTS = (
    ("effectiveness", re.compile(r"^(?:(?:in\s+)?(?:respect\s+of\s+)?the\s+effectiveness\s+with\s+which\b.*|how\s+it\s+keeps\s+people\s+safe\b.*|(?:in\s+)?(?:the\s+way\s+it\s+)?keep(?:ing|s)?\s+people\s+safe\s+and\s+(?:at\s+)?reduc(?:ing|es)\s+crime|reduc(?:ing|es)\s+crime\s+and\s+(?:at\s+)?keep(?:ing|s)?\s+people\s+safe|(?:in\s+)?respect\s+of\s+(?:its\s+)?effectiveness\b.*|effective\s+at\s+(?:keeping|reducing)\b.*|(?:in\s+terms\s+of\s+)?its\s+effectiveness(?:\s+at\s+(?:keeping\s+people\s+safe|reducing\s+crime\s+and\s+keeping)\b.*)?)$", re.I)),
    # "good at operating efficiently and sustainably" (south-wales_2018_efficiency), "good in
    # the efficient way it operates and provides sustainable services" (leicestershire 2018)
    # "requires improvement in the efficiency of its operation and the sustainability of
    # its services" (greater-manchester 2018)
    ("efficiency", re.compile(r"^(?:(?:in\s+)?its\s+efficiency\b.*|(?:in\s+)?the\s+efficient\s+way\s+it\s+operates\b.*|(?:in\s+)?the\s+efficiency\s+of\s+its\s+operations?\b.*|how\s+efficient\s+it\s+is\b.*|working\s+efficiently\b.*|(?:in\s+)?(?:respect\s+of\s+)?the\s+efficiency\s+with\s+which\b.*|efficien(?:t|tly)\b.*|operat(?:es|ing)\s+efficiently\b.*|(?:in\s+)?respect\s+of\s+(?:its\s+)?efficiency\b.*)$", re.I)),
    ("legitimacy", re.compile(r"^(?:(?:in\s+)?(?:respect\s+of\s+)?the\s+legitimacy\s+with\s+which\b.*|legitimate\s+at\b.*|(?:at\s+)?how\s+legitimately\b.*|(?:in\s+)?(?:(?:the\s+way|how)\s+(?:it|the\s+force|the\s+constabulary)\s+)?treat(?:ing|s)\s+the\s+public\s+and\s+its\s+workforce(?:\s+legitimately)?|(?:in\s+)?(?:terms|respect)\s+of\s+its\s+legitimacy\b.*|legitimacy)$", re.I)),
)

#: A summary judgment of keeping people safe and reducing crime restates the
#: effectiveness pillar's judgment; before a titleless page's first heading it is not an aspect.
EFFECTIVENESS_RESTATED = re.compile(r"keeping people safe|reducing crime and keep", re.IGNORECASE)
EFFECTIVENESS_SUBJECT = re.compile(r"keeping\s+people\s+safe|reducing\s+crime", re.IGNORECASE)


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
    r"protecting|(?:the\s+way|how)\s+it\s+(?:protects|supports)|supporting|identifying\s+(?:at\s+the\s+earliest\s+opportunity\s+)?people\s+who\s+(?:may|can)|"
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
    # ("its approach to making sure it treats its workforce with fairness and respect", city-of-london 2016)
    r"making\s+sure\s+(?:that\s+)?(?:it\s+treats|its\s+workforce)|"
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


# =========================================================================== titles, headings and dates

#: The dashes a year range is written with: hyphen, non-breaking hyphen ("2023‑25", a
#: 2025 letter), figure dash, en and em dash, hyphen-minus (last, for a character class).
DASHES = "‐‑‒–—-"
#: A pillar page's or a 2021+ report's title: "Essex PEEL 2016", "Kent PEEL 2021/22".
PILLAR_TITLE = re.compile(rf"^(?P<force>[A-Z][A-Za-z&' -]+?)\s+PEEL\s+(?P<year>20\d\d(?:\s*[/{DASHES}]\s*\d{{2,4}})?)$")
#: The PEEL year a 2021+ report or a letter names in its text: "PEEL Assessment Framework
#: 2021/22", "PEEL 2023–25", "our 2021-22 PEEL assessment", "our 2021–22 police
#: effectiveness, efficiency and legitimacy (PEEL) inspection", "our 2023‑25 police
#: efficiency, effectiveness and legitimacy (PEEL) inspection".
_CYCLE = rf"20(?:21\s*/\s*22|2[1-9]\s*[{DASHES}]\s*(?:20)?\d\d)"
REPORT_YEAR = re.compile(
    rf"\bPEEL\s+(?:Assessment\s+Framework\s+)?(?P<year>{_CYCLE})\b"
    rf"|\b(?P<before>{_CYCLE})\s+(?:PEEL|police\s+(?:effectiveness,\s+efficiency|efficiency,\s+effectiveness)\s+and\s+legitimacy)\b"
)
#: "Last updated: 12/03/2019", and the same line cut off by the end of the text.
LAST_UPDATED = re.compile(r"^Last updated:?\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$", re.IGNORECASE)
LAST_UPDATED_CUT = re.compile(r"^Last updated\b", re.IGNORECASE)
#: A question's number on a line of its own, and "1. How effective ...?" on one line.
QUESTION_NUMBER = re.compile(r"^\d{1,2}$")
NUMBERED_QUESTION = re.compile(r"^(?P<number>\d{1,2})[.)]?\s+(?P<question>(?:How|To what extent|What)\b.+\?)$")
#: How a question heading starts: a question after a paragraph cut off before it is a
#: heading of its own; after a line break that wrapping made, "What" is not looked for.
QUESTION_START = re.compile(r"(?:How|To what extent|What)\b")
QUESTION_AFTER_BREAK = re.compile(r"(?:How|To what extent)\b")
#: How a heading starts, for a line cut off by the end of the text.
HEADING_START = re.compile(r"(?:How|What|To what extent|HM\b|HMI|Questions|Areas?|Causes?|Recommendations?|Last)\b")
#: The heading above a pillar page's questions.
QUESTIONS_FOR = re.compile(r"^Questions for (?P<pillar>\w+)$", re.IGNORECASE)
#: The headings of the sections items are listed under, and the section each opens.
SECTION_HEADING = re.compile(
    r"^(?P<name>areas? for improvement|causes? (?:of|for) concern|recommendations?)(?:\s+\d+)?:?$", re.IGNORECASE
)
SECTION_NAMES = {"area": "area_for_improvement", "caus": "cause_of_concern", "reco": "recommendation"}
#: A short line with no full stop that says what the force is or does: under an items
#: heading it states the item, it heads nothing ("Cause of concern" then "The constabulary
#: is failing to record reports of crime correctly", a 2025 closure letter).
FORCE_STATEMENT = re.compile(
    r"^(?:The\s+)?(?:[A-Z][\w&-]*\s+)*(?:force|[Cc]onstabulary|Police|[Ss]ervice)\s+(?:is|are|was|needs?|must|should"
    r"|has|have|does|do|doesn[’']t|isn[’']t|hasn[’']t|fails|failed)\b")
#: The headings of what a report says about the inspection itself (2021+ reports): its
#: sentences describe the inspectorate's approach, not the force, so none of them grades
#: the force or asks it to improve ("we can state more precisely where we consider
#: improvement is needed").
ABOUT_INSPECTION_HEADING = re.compile(
    r"^(?:Important changes to PEEL|Terminology in this report|PEEL 20\d\d\s*[–-]\s*20\d\d)$", re.IGNORECASE)
#: The headings of the 2021+ reports' own.
REPORT_MARKERS = re.compile(r"^(?:Overall summary|Our judgments|PEEL 20\d\d\s*[–-]\s*20\d\d)$")
#: A judgments table read as text a row to a line: "Area Grade" over its rows, each the
#: area then its grade ("Protecting vulnerable people Good"; british-transport-police 2024).
TABLE_HEADER = re.compile(r"^Areas?\s+Grades?$", re.IGNORECASE)
TABLE_ROW = re.compile(
    r"^(?P<area>[A-Z][^.:;?!]{2,150}?)\s+(?P<grade>Outstanding|Good|Adequate|Requires\s+improvement|Inadequate"
    r"|Not\s+graded|Ungraded)$"
)
#: What ends the lead-in of a 2021+ report's judgments table ("... as follows:").
AS_FOLLOWS = re.compile(r"as follows:?$")

#: A letter's title: "Greater Manchester Police: PEEL Cause of concern revisit letter", and
#: its page's: "Cleveland Police cause of concern revisit – Public engagement and scrutiny",
#: and a cause of concern's own page.
LETTER_TITLE = re.compile(
    r"^(?:PEEL\s*:\s+(?=[\w&'’ -]+?\s(?:Police|Constabulary)\s+causes?\s+of\s+concern\b))?"
    r"(?P<force>[A-Z][\w&'’ -]+?)(?:\s*(?::|\s[–-])\s+(?:PEEL\s*:?\s+)?(?P<kind>[\w ,-]*\bletter)"
    r"|\s+(?P<revisit>causes?\s+of\s+concern\s+revisit)\b.*"
    # a cause of concern published on its own page: "PEEL: Greater Manchester Police cause of
    # concern – Responding to vulnerable people" (an accelerated cause of concern, 2021)
    r"|(?:(?<=Police)|(?<=Constabulary))\s+(?P<notice>causes?\s+of\s+concern)\s+[–-]\s+\S.*)$", re.IGNORECASE
)
#: A letter page's title without the word: "West Midlands Police: Enhanced monitoring
#: decision", "Lincolnshire Police: move to enhanced phase of monitoring" (a force, a colon,
#: its subject), or "Letter from ... to ...", the title of a page already known for a letter
#: ("Letter information").
LETTER_PAGE_TITLE = re.compile(
    r"^(?P<force>[A-Z][\w&'’ -]+?\s(?:Police(?:\s+Service)?|Constabulary))\s*:\s+\S.{0,150}$"
    # ... or who wrote to whom: "Letter from HM Chief Inspector to Humberside Police and Crime
    # Commissioner" (2024), the force being the one whose commissioner or chief it is
    r"|^Letter\s+from\s+\S.{0,100}?\s+to\s+(?:the\s+)?(?P<to>[A-Z][\w&'’ -]+?)\s+(?:Police(?:,)?\s+(?:Fire\s+)?and\s+Crime"
    r"\s+Commissioner|Police\s+Service|Police|Constabulary|Chief\s+Constable)\b.{0,100}$"
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
#: A letter's dates: "Published on: 28 October 2022", "Sent on:" (or "Sent on") and the date
#: on the next line.
LETTER_DATE = re.compile(r"^(?P<what>Published|Sent|Updated|Last\s+updated)\s+on:?\s*(?P<date>.*)$", re.IGNORECASE)


# =========================================================================== page types

# The inspectorate's own wording, which a report without headings still uses.
REPORT_WORDING = re.compile(
    r"\bareas of policing\b|the extent to which .{0,60}\bis (?:effective|efficient|legitimate)\b|HMI[’']s observations|"
    r"narrative rather than (?:a )?graded judgment|^PEEL Assessment$|"
    r"^PEEL: police (?:effectiveness|efficiency|legitimacy|leadership) 20\d\d\b",
    re.IGNORECASE | re.MULTILINE,
)
#: A 2021+ report's own words for what it grades.
AREAS_OF_POLICING = re.compile(r"\bareas\s+of\s+policing\b")
#: The 2016 leadership inspection's account of itself, on a pillar page headed "Other
#: inspections" that names no pillar: "Police leadership is crucial in enabling a force to
#: be effective, efficient and legitimate. This inspection focused on how a force
#: understands, develops and displays leadership ..." (nine held-out pages of 2016).
LEADERSHIP_INSPECTION = re.compile(
    r"\bPolice\s+leadership\s+is\s+crucial\s+in\s+enabling\b|\bunderstands,\s+develops\s+and\s+displays\s+leadership\b")


# An overview's own words: a judgment per pillar ("the extent to which ... is effective"),
# the HMI's assessment of the force ("This is the first PEEL Assessment of Surrey Police",
# 2014), leadership's narrative judgment.
OVERVIEW_WORDING = re.compile(
    r"the\s+extent\s+to\s+which\s.{0,60}\bis\s+(?:effective|efficient|legitimate)\b|HMI[’']s\s+observations|"
    r"narrative\s+rather\s+than\s+(?:a\s+)?graded\s+judgment|PEEL\s+Assessment$|\bPEEL\s+Assessment\s+of\b|"
    # the HMI's letter that opens an overview ("I am pleased with the performance of ...")
    r"\bI\s+am\s+(?:\w+\s+)?(?:pleased|satisfied|encouraged)\s+(?:with|by)\b|\bI\s+congratulate\b|"
    r"\bI\s+have\s+(?:\w+\s+){0,3}concerns\s+about\b|"
    # 2016: "The effectiveness, efficiency and legitimacy inspection findings are published below."
    r"\binspection\s+findings\s+are\s+published\s+below\b|\bMy\s+overall\s+assessment\s+of\b",
    re.IGNORECASE | re.MULTILINE,
)


# =========================================================================== lead-ins and items

# The inspectorate's letters (cause-of-concern and revisit letters) and recommendation
# trackers introduce their causes of concern, recommendations and areas for improvement in
# running text rather than under headings.

#: "During our inspection, we identified three causes of concern:", "Our inspection found:"
CONCERN_LEAD_IN = re.compile(
    r"\b(?:identified|found|reported|raised|issued)\s+(?:the\s+following\s+)?(?:[\w-]+\s+){0,2}"
    r"causes?\s+(?:of|for)\s+concern"
    # "..., which were that the force:", "... in respect of:"
    r"(?:,?\s+(?:which\s+(?:were|was|are|is)\s+that\s+the\s+(?:force|constabulary)|in\s+respect\s+of"
    r"|relating\s+to|about|regarding|on))?\s*:$"
    # "Three of these causes of concern were as follows:" (not "To address this cause of
    # concern, we recommend that the force:", a recommendations lead-in)
    r"|\bcauses?\s+(?:of|for)\s+concern\b(?:(?!recommend)[^.:;]){0,40}:$"
    r"|^(?:Our\s+(?:\w+\s+)?inspection|We|HMIC|HMICFRS|Inspectors)\s+(?:also\s+)?found:$",
    re.IGNORECASE,
)
#: "We made the following recommendations:", "We made the following recommendations, stating
#: that the force should make sure that:", "We recommended that the force take immediate
#: steps to:", "Our cause of concern regarding investigations had eight recommendations:",
#: and a lead-in that opens with its deadline.
RECOMMENDATION_LEAD_IN = re.compile(
    r"(?:^|[.!?]\s+)(?:We|HMIC|HMICFRS|The\s+inspectorate)\s+(?:also\s+)?"
    r"(?:made\s+the\s+following\s+(?:[\w-]+\s+)?recommendations?|recommended\s+that\b)[^.;:]*:$"
    r"|\bhad\s+(?:[\w-]+\s+){1,2}recommendations?\s*:$"
    # "By 30 September 2024, the force should:", "Within three months, Devon and Cornwall Police should:"
    r"|(?:^|[.!?]\s+)(?:By\s+\d{1,2}\s+\w+\s+\d{4}|Within\s+\w+\s+months?),?\s+[^.;:]{0,60}\b(?:should|must)\b[^.;:]*:$",
    re.IGNORECASE,
)
#: A lead-in that reads like a title, without a colon: "The 2017 inspection identified the
#: following Areas for improvement" (a tracker). Its list follows.
ITEMS_TITLE = re.compile(
    r"^(?:The|Our|In\s+the)\b.{0,60}\b(?:identified|found|made|set\s+out)\s+the\s+following\s+"
    r"(?P<what>areas?\s+for\s+improvement|causes?\s+(?:of|for)\s+concern|recommendations?)\s*:?$",
    re.IGNORECASE,
)
#: A sentence that states a cause of concern in prose: "This is a cause of concern." (Not
#: the monitoring letters' account of what the inspectorate does "when there are causes of
#: concern about" a force.)
CAUSE_OF_CONCERN = re.compile(
    r"(?<!when\sthere\s)(?<!if\sthere\s)\b(?:is|are|was|were|remain(?:s|ed)?|represents?)\s+(?:also\s+|still\s+)?"
    r"(?:(?:a|an|the)\s+(?:\w+\s+)?cause|causes)\s+(?:of|for)\s+concern\b"
    r"|\bit\s+is\s+a\s+cause\s+(?:of|for)\s+concern\s+that\b"
    # an accelerated cause of concern's own page: "We have issued this accelerated cause of
    # concern to Greater Manchester Police because ..."
    r"|\bissued\s+(?:this|an?)\s+(?:accelerated\s+)?cause\s+of\s+concern\s+to\b",
    re.IGNORECASE,
)
#: A sentence that only calls what the sentence before says a cause of concern ("This is a
#: cause of concern.", "This is a cause of concern to HMIC.").
CONCERN_BACK_REFERENCE = re.compile(
    r"^(?:this|that|these|it)\s+(?:is|are|was|were|remains?)\s+(?:also\s+|still\s+)?(?:a|an)\s+(?:\w+\s+)?"
    r"causes?\s+(?:of|for)\s+concern(?:\s+(?:to|for)\s+(?:us|hmic|hmicfrs|the\s+inspectorate))?[.!]?$",
    re.IGNORECASE,
)
#: The lead-in of a cause of concern's recommendations: "To address this cause of concern,
#: we recommend that ...:", "The force should immediately:".
CONCERN_RECOMMENDATIONS_LEAD_IN = re.compile(
    r"^(?:to address th(?:is|ese) causes? (?:of|for) concern|.{0,80}\brecommends?\b|within \w+ months\b|"
    r".{0,60}\b(?:must|should) immediately\b)",
    re.IGNORECASE,
)

#: How a recommendation's lead-in opens with its deadline ("By 30 September 2024, the force
#: should:", "Within three months, the force should:"): after a recommendations list, a
#: paragraph so opening is the next of them, not the prose after the list.
DEADLINE_OPENING = re.compile(r"^(?:By\s+\d{1,2}\b|Within\s+\w+\s+(?:months?|weeks?)\b|Immediately\b)",
                              re.IGNORECASE)

#: "In 2016, we recommended that ...", "In our 2017 national legitimacy report, we
#: recommended that all forces should:": a recommendation of an earlier inspection.
RECALLED_RECOMMENDATION = re.compile(
    r"^(?:In|During|Following)\s+(?:our\s+|the\s+|its\s+)?(?P<year>(?:19|20)\d\d)(?:/\d\d)?\b[^.;:]{0,80}?,?\s+"
    r"(?:we|HMIC|HMICFRS|the\s+inspectorate)\s+(?:also\s+)?(?:made\s+(?:a|the\s+following|\w+)\s+recommendations?"
    r"|recommended)\b(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
#: A recalled recommendation made to every force, not this force alone.
ALL_FORCES = re.compile(r"\b(?:all|every)\s+(?:police\s+)?forces?\b|\bnational\b", re.IGNORECASE)
#: A paragraph whose list is areas for improvement: "One area for improvement remained ...:".
AREAS_LEAD_IN = re.compile(r"\bareas? for improvement\b[^.]*[.:]$", re.IGNORECASE)


# =========================================================================== the inspectorate's language

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


#: A PEEL question asks of the force ("How well does the force ...?", "How effective is the
#: constabulary ...?"); other inspectorates' headings ask of no one ("What needs to improve?").
ASKS_OF_FORCE = re.compile(r"\b(?:force|constabulary|police|policing)\b", re.IGNORECASE)


#: Words before a force's name that make it another force than the page's own
#: ("its alliance with Warwickshire Police").
OTHER_FORCE_BEFORE = re.compile(r"\b(?:with|alongside|than|from|between|and|to|like)\s+(?:the\s+)?$", re.IGNORECASE)


# =========================================================================== page furniture

# Page furniture: whole lines that belong to the web page, not to the report.
FURNITURE = re.compile(
    r"""^(?:
        skip\ to\ (?:main\ )?content
      | back\ to\ top
      | (?:print|share)\ this\ page
      | read\ the\ transcript\ of\ the\ video
      | download\ the\ (?:full\ report|letter|report)
      | .{3,200}\ \((?:pdf|word|odt)\ document\)   # a download link: "... revisit – Public engagement (PDF document)"
      | this\ page\ is\ (?:also\ )?available\ in\ welsh.*
      | cymraeg
      | (?:accept|reject)\ (?:all\ |additional\ |analytics\ )?cookies
      | (?:we\ use|this\ site\ uses)\ (?:some\ )?(?:essential\ )?cookies.*
      | cookies?\ (?:on|settings|policy).*
      | page\ \d+\ of\ \d+
      | read\ more\ about\ .*
      | contact\ \S+(?:\ \S+){0,3}
      | contact\ (?:him|her|them)\ (?:via|through|at)\ .{0,60}
      | view\ the\ \w+\ questions\ for\ \w+
      | .{3,60},\ (?:her|his)\ majesty[’']s\ inspector\ of\ constabulary(?:\ and\ fire\ &\ rescue\ services)?
      | (?:hmicfrs|hmic)\ is\ consulting\ on\ .*
      | please\ give\ us\ your\ views\ .*
      | we\ would\ like\ your\ views\ .*
      | proposed\ policing\ inspection\ programme\ .*:\ for\ consultation
      | planned\ website\ downtime
      | the\ hmicfrs\ website\ will\ be\ unavailable\ .*
      | os\ hoffech\ chi\ ddarllen\ .*
      | english\ cymraeg
      | promoting\ improvements(?:\ in\ policing.*)?
      | in\ policing\ and\ fire\ &\ rescue
      | services\ to\ make\ everyone\ safer
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


# "Read more about West MerciaThis is ...": a link glued to the prose after it.
GLUED_LINK = re.compile(r"^Read more about [^\n]*?[a-z0-9](?=[A-Z][a-z])")


# =========================================================================== sentence-label cues
# classify loads CUES into spaCy's span_ruler and derives context pseudo-tokens from
# CONTEXT_CUES; a new cue phrase goes here, in its label's list. The classifier is trained
# with these cues in place (make train), so a change here calls for make train and make
# evaluate.

# One-word grades in prose ("not graded" is no judgment of the force).
_ONE_WORD_GRADES = [w for w, code in GRADE_WORDS.items() if " " not in w and code != "not_graded"]
_IS = ["is", "was", "remains", "are", "be", "been", "being"]
_ADVERBS = ["", "generally", "now", "still", "also"]
_FORCE_NOUNS = ["constabulary", "police", "service", "force", "it"]
_JUDGED = ["judge", "judges", "judged", "assessed", "graded", "rated", "considered"]
_WHOM = ["", "the force", "the constabulary", "it"]


def phrases(*parts: str | list[str]) -> list[str]:
    """Phrases: each argument one slot, a list meaning any of its words ("" for none)."""
    slots = [[part] if isinstance(part, str) else part for part in parts]
    return [" ".join(w for w in words if w) for words in product(*slots)]


# Cue phrases per label, matched on lower-cased tokens anywhere in a sentence (spaCy's
# PhraseMatcher: fast, and every cue readable as the words it matches).
CUES: dict[str, list[str]] = {
    "recommendation": [
        *phrases(["recommend", "recommends"]),
        *phrases(["we", "hmic", "hmicfrs"], ["", "also"], "recommended"),  # recalled from an earlier inspection
        *phrases(["must", "should"], "immediately"),
        *phrases("within", ["one", "two", "three", "six", "twelve", "3", "6", "12"], ["month", "months"]),
    ],
    "concern": [
        # The noun names the force's causes of concern wherever it stands ("we identified
        # two causes of concern", "we closed the cause of concern regarding ...", "CDI
        # remained a cause of concern"); the inspectorate's words on its method ("we link
        # our judgments to causes of concern") come after an "inspection" cue.
        *phrases(["cause", "causes"], ["of", "for"], "concern"),
        *phrases(["area", "areas"], "of", "concern"),
        *phrases(["concerns", "concerned"], "us"),  # "It concerns us that ..."
        # of concern to the inspectorate, not to whoever else: "tackling matters of concern to
        # local communities" (hampshire 2015) is a finding
        *phrases("of", "particular", "concern"),
        *phrases("of", ["concern", "particular concern"], "to", ["me", "us", "hmic", "hmicfrs", "the hmic", "the inspectorate"]),
        *phrases("concerned", "that"),
        # Who is concerned matters: the inspectorate, not "officers and staff are concerned
        # about the extra pressures" (north-yorkshire 2018, a finding).
        *phrases(["inspectors", "inspectorate"], ["is", "are", "was", "were", "remain", "remains"], "concerned"),
        # "I am also concerned about", "I am especially worried about", "I have concerns"
        *phrases(["i", "we", "hmic", "hmicfrs"], ["am", "are", "is", "was", "were", "remain", "remains"],
                 ["also", "particularly", "especially", "still", "very", "deeply", "seriously", "greatly",
                  "similarly", "equally"],
                 ["concerned", "worried"]),
        *phrases(["i", "we", "hmic", "hmicfrs"], ["am", "are", "is", "was", "were", "remain", "remains"], "worried"),
        *phrases(["i", "we", "hmic", "hmicfrs"], ["have", "has", "had"], ["", "also"], "concerns"),
        *phrases(["concern", "concerns"], ["about", "that"]),
        *phrases(["serious", "significant"], ["concern", "concerns"]),
        *phrases(["i", "we", "hmic", "hmicfrs"], ["am", "are", "is", "was", "remain", "remains"], "concerned"),
        *phrases(["has", "have", "had"], ["concerns", "some"], ["about", "regarding", "concerns"]),
        *phrases("of", "concern", ["is", "are", "was"]),
    ],
    "grade": [
        *phrases(["requires", "require", "requiring"], "improvement"),
        *phrases(_JUDGED, _WHOM, ["as", "to be"], _ONE_WORD_GRADES),
        *phrases(_FORCE_NOUNS, _IS, _ADVERBS, _ONE_WORD_GRADES, ["at", "in", "across", "."]),
        # the force's second predicate: "The force investigates serious crime well, and is
        # good at protecting the public from dangerous offenders" (hampshire 2017)
        *phrases("and", "is", _ADVERBS, _ONE_WORD_GRADES, ["at", "in"]),
        # the force named in an earlier judgment: "we judged Merseyside Police to be good at"
        *phrases(_FORCE_NOUNS, ["to be", "as", "as being"], _ONE_WORD_GRADES, ["at", "in"]),
        *phrases(["worse", "better"], "position"),
        *phrases("decline", ["from", "since"], ["the", "last", "our"]),  # "This is a decline from the judgment of ‘good’ ..."
        # the inspectorate's news of a 2021+ report: "the inadequate areas included ...",
        # "the areas requiring improvement are ...", "found the force was ‘inadequate’ in one area"
        *phrases("the", ["", "‘", "'"], _ONE_WORD_GRADES, ["", "’", "'"], ["area", "areas"],
                 ["was", "were", "is", "are", "included", "include", "includes"]),
        *phrases(["area", "areas"], ["requiring", "needing"], "improvement", ["was", "were", "is", "are", "included",
                                                                           "include", "includes"]),
        *phrases(_FORCE_NOUNS, _IS, ["‘", "'"], _ONE_WORD_GRADES, ["’", "'"], ["at", "in"]),
        *phrases("change", "of", "grade"),
        *phrases("same", "as", "last", "year"),
        *phrases("graded", "judgment"),
        *phrases(["n’t", "n't", "not"], "make", "graded", "judgments"),  # "We don’t make graded judgments in these areas"
        # A grade carried over without naming it (LABELS.md hard cases).
        *phrases(["still", "now"], ["stand", "stands"]),
        *phrases(["been", "have", "has", "we"], "carried", "over"),
        *phrases("carried", ["this", "that", "the", "our", "its"], ["judgment", "grade"], "over"),  # "We have carried this judgment over from ..."
        *phrases(["remain", "remains"], "valid"),
        *phrases(["grade", "grades", "judgment", "judgments"], "forward"),  # "We have carried last year’s grade forward."
    ],
    # Saying plainly that the force has to improve.
    "improvement": [
        *phrases(["needs", "need"], "to"),
        *phrases("must"),
        *phrases(["could", "can"], "do", "more"),
        *phrases(["improvement", "improvements"], ["is", "was", "are", "were"], ["", "also", "still"],
                 ["needed", "required"]),  # "..., although some improvements were also needed."
        *phrases(["work", "action", "attention", "progress"], ["is", "was"], ["required", "needed"]),
        *phrases("room", "for", "improvement"),
        # "While there are a few areas for improvement, including ...", "There remain some areas for improvement."
        *phrases("there", ["are", "remain", "were"], ["", "a few", "some", "several", "still", "still some",
                                                      "still the same", "also"], "areas", "for", "improvement"),
        *phrases("more", ["to", "needs"], ["do", "to"]),
        *phrases("still", "some", "work", "to", "do"),
        *phrases("would", "like", "to", "see"),
        *phrases("could", "be", "improved"),
        *phrases("could", "be", ["better", "more"]),  # "But there could be better external scrutiny."
        *phrases(["would", "could"], "be", ["", "further"], ["enhanced", "strengthened"]),
        *phrases("more", "could", "be", "done"),  # "..., although more could be done to identify ..."
        *phrases(["needs", "need"], ["improvement", "improving"]),  # "Technology needs improvement"
        # the force's own view of what it needs: "It recognises it needs effective internal
        # scrutiny of use of force" (cambridgeshire_2017_legitimacy, held-out set 10)
        *phrases(["recognises", "recognizes", "knows", "accepts", "acknowledges"], ["", "that"], "it", "needs"),
        *phrases("more", "work", "to", "do"),
        *phrases(["needs", "need", "requires", "require"], "a", "more"),  # "needs a more effective approach"
        *phrases("could", ["improve", "better"]),
        *phrases("would", "benefit"),
        # The force saying what it should do ("The force should ensure ...", "It should also
        # check ..."); after "where", "as", "how" (SUBORDINATORS) it only describes: a hint.
        *phrases(["force", "constabulary", "it"], ["", "also", "therefore", "now", "still", "urgently", "further"],
                 "should"),
    ],
    # Words that often, not always, say so ("should lead to", "areas for improvement
    # identified in 2016"): the classifier may overrule them.
    "improvement_hint": [
        *phrases("should"),
        *phrases("can", "improve"),
        *phrases(["area", "areas"], "for", "improvement"),
        *phrases("needed", "to"),
    ],
    # The inspectorate on its own work ("We set out ... where the force should improve in
    # the rest of this report", "we can state more precisely where we consider improvement
    # is needed", "We will revisit this area for improvement"): its words of improvement
    # (and of concern: "we link our judgments to causes of concern") after it say what the
    # inspection looks at, not what the force is to do, so they decide nothing
    # (``classify.Labeller``).
    "inspection": [
        *phrases("we", "set", "out"),
        *phrases("we", ["can", "will"], ["state", "revisit", "assess"]),
        *phrases("we", ["", "just", "also"], "focused", "on"),
        *phrases("we", "did", ["n’t", "n't", "not"], ["", "fully"], "inspect"),
        *phrases("link", "our", ["judgments", "judgements"]),
        # a letter's revisit ("we revisited the force to review progress against this cause
        # of concern"), and "... and will revisit this area for improvement"
        *phrases("we", "revisited"),
        *phrases("will", "revisit"),
        *phrases("we", "reviewed", "progress"),
        # the monitoring letters' account of the process ("Scan is the default phase of
        # monitoring", "HMCI may place forces into Engage when there are causes of concern",
        # "In Engage, we provide additional accountability and support to forces")
        *phrases("monitoring", ["process", "approach", "phase"]),
        *phrases("phase", "of", "monitoring"),
        *phrases("place", "forces", "into"),
        *phrases("we", "provide", "additional"),
        # the inspectorate's account of what a cause of concern is, on every page that
        # publishes one ("If our inspection identifies a serious or critical shortcoming ...,
        # it will be reported as a cause of concern. A cause of concern will always be
        # accompanied by one or more recommendations. When we identify causes of concern
        # during our inspections, we normally ... This is called an accelerated cause of concern.")
        *phrases(["if", "when"], "our", ["inspection", "inspections"], ["identifies", "identify", "finds", "find"]),
        *phrases(["if", "when"], "we", ["identify", "find"], ["causes", "a"]),
        *phrases(["a", "each", "every"], "cause", "of", "concern", "will", "always"),
        *phrases(["is", "are"], "called", ["a", "an"]),
    ],
}

#: Words that make the clause after them subordinate ("where the force should improve"):
#: a cue there describes rather than asks.
SUBORDINATORS = frozenset({"where", "as", "how", "what", "whether", "than", "when", "which", "why", "if"})
#: Verbs after "should" that say what is to follow, not what the force is to do: "This
#: should help it develop clear plans", "which should lead to a more consistent approach"
#: (no hint at all), and after "the force / it should" ("The constabulary should see the
#: benefits", "It should be noted") only a hint; "it should help its managers" still asks.
SHOULD_FOLLOWS = frozenset({"see", "help", "enable", "allow", "lead", "mean", "result", "benefit"})
SHOULD_FOLLOWS_FORCE = (SHOULD_FOLLOWS - {"help"}) | {"be"}
#: After "should be", praise rather than a demand: "The force should be commended for its
#: commitment to neighbourhood policing" (hampshire 2016).
SHOULD_BE_PRAISED = frozenset({"commended", "congratulated", "praised", "proud", "pleased"})
#: How words before "area(s) for improvement" tell of earlier ones dealt with ("the steps it
#: has taken to address the areas for improvement identified in our 2016 effectiveness
#: inspection", "responded well in the areas for improvement", "progress on this area for
#: improvement"): their start, a few words before, within the clause.
AREAS_DEALT_WITH = ("address", "respond", "progress", "discharg", "dealt", "review")
#: Words before "need to" that make it a noun ("recognises the need to increase diversity",
#: "The need to respond quickly means ..."): a finding's words, not the force told to act.
NEED_AS_NOUN = frozenset({"the", "a", "an", "its", "this", "their", "that"})
#: Words before "it/they [will] need(s) to", "it must" that leave the clause the force's
#: own ("but it needs to", "The force recognises it needs to do more"). After any other
#: word the clause describes a thing, the force's needs no demand ("the services it needs
#: to provide", "the skills they need to treat people fairly", "the further savings it
#: will need to make"): no label.
CLAUSE_BEFORE_DOER = SUBORDINATORS | frozenset({
    "and", "but", "or", "so", "yet", "although", "though", "while", "whilst", "because", "since", "that",
    "also", "now", "still", "then", "therefore", "thus", "hence", "however", "additionally", "instead",
    "first", "next", "finally", "overall", "already", "clearly",
    # verbs of knowing, saying and showing, whose object the clause is
    "knows", "knew", "know", "recognises", "recognised", "recognizes", "recognized", "accepts", "accepted",
    "acknowledges", "acknowledged", "understands", "understood", "believes", "believed", "agrees", "agreed",
    "realises", "realised", "means", "meant", "shows", "showed", "suggests", "suggested", "indicates",
    "found", "finds", "decided", "decides", "feels", "felt", "thinks", "says", "said", "told", "appreciates",
    "identified", "identifies", "sees", "saw", "concluded", "considers", "considered", "accept", "recognise",
})



#: Words of a list's lead-in or of the sentence before that say what it is about; each
#: found gives a context pseudo-token ("ctx_leadin_recommend", "ctx_prev_grade").
CONTEXT_CUES: dict[str, frozenset[str]] = {
    "recommend": frozenset({"recommend", "recommends", "recommended", "recommendation", "recommendations"}),
    "concern": frozenset({"concern", "concerns", "concerned"}),
    "improve": frozenset({"improve", "improvement", "improvements", "improved", "improving"}),
    "should": frozenset({"should", "must", "needs", "need", "could"}),
    "grade": frozenset({"outstanding", "good", "adequate", "inadequate"}),
    "judge": frozenset({"judge", "judges", "judged", "judgment", "judgments", "judgement", "graded", "grade"}),
}
