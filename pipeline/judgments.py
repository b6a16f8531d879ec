"""Graded judgments stated in prose: a small grammar.

The reports state grades in sentences as often as on grade lines. ``find`` returns
every judgment a block of prose states, with what is graded (the subject, in the
report's words), whether the subject is a whole pillar, and where the sentence stating
it lies. Comparisons with an earlier grade ("the same as last year", "when HMIC judged
the constabulary as good") are returned as ``Comparison``s for the caller to attach to
the judgment they refer to.

The grammar has two levels. **Parts** are the words a judgment is built from:

- ``GRADE``     a grade in prose: "good", "requires improvement", "requiring improvement",
                "not yet graded", "not being graded";
- ``DOER``      who is judged: "the force", "the constabulary", "it", "Kent Police";
- ``INSPECTOR`` who judges: "we", "HMIC", "HMICFRS";
- ``COPULA``    "is", "remains", "continues to be", "has been", ...; ``ADVERB`` ("also",
                "generally", ...) and ``JUDGED`` ("judged to be", "assessed as", "judged
                as being") may follow it;
- ``PREP``      what joins a grade to its subject: "at", "in", "for" ("in respect of its
                efficiency" is "in" + the subject "respect of its efficiency");
- ``OPENER``    words before the doer that do not change the judgment: "Although",
                "However,", "Overall,", "We found that", "In terms of its effectiveness,";
- ``LINK``      what joins a further judgment to the one before in the same sentence:
                "; ", ", and ", " and is ", ", however it ".

**Shapes** compose the parts into the sentences real pages use; each has a docstring
example from the corpus. A sentence is tried against the shapes in this order:

1. ``pillar line``      "The extent to which the force is effective at ... is good."
2. ``earlier judgment`` "In 2017, we judged the force to be good at preventing crime."
3. ``we judge``         "We judge Dorset Police to be good in terms of its legitimacy."
4. ``by reference``     "The force continues to be outstanding in this area."
   ``areas listed``     "The inadequate areas included preventing crime and use of
                        resources." (the inspectorate's news of a 2021+ report)
5. then clause by clause (a sentence split at semicolons):
   ``subject first``    "The way the force prevents crime ... is inadequate.", else
   ``force first``      "The force is good at encouraging ethical decision-making."
                        (several per clause, joined by LINKs), or with
                        the subject before the doer (``TOPIC_FIRST``): "In relation
                        to ethical and lawful workforce behaviour, the force
                        requires improvement."

"Not graded" is a grade like the others ("... is not graded", "is not yet graded"); a
grade line "To be graded" / "Not being graded" is read by ``wordings.grade_line``, and
"This question has not been inspected or graded" by ``NOT_INSPECTED``. Two judgments
outside the shapes are left to the caller, which knows where a sentence sits:
``adjectival`` ("makes good use of its resources", only the first sentence under an
ungraded question) and ``improvement_topics`` ("needs to improve how it ...", after which a
graded judgment of the same topic is an aspect, not a question's grade).

To accept a new wording, add it to the part it belongs to, in ``pipeline/wordings.py``
(a new opener to ``OPENER``, a new verb of judging to ``JUDGED``); a new sentence shape is a new shape function,
tried in ``_sentence_judgments``, with a test in tests/test_judgments.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import FORCES, forces_named
from .wordings import (ADVERB, COPULA, DOER, GRADE, INSPECTOR, JUDGED, JUDGING, OPENER,  # the grammar's words
                       PILLAR_SUBJECTS, PREP, TOPIC_FIRST, grade_code)

# --------------------------------------------------------------------------- parts

# The words (GRADE, DOER, INSPECTOR, COPULA, ADVERB, JUDGED, PREP, OPENER) are the
# reports' wordings and live in ``wordings``; the parts below are built from them.

#: Where the subject of a judgment ends: the next clause starts.
_SUBJECT_END = (r"(?=$|[.;:]|,\s*(?:but|and\s+(?:it|its|the\s+force|has|works|is)|which|while|although|however|having)\b"
                r"|\s+but\b|\s+because\b|\s+since\b|\s+and\s+(?:has|works|it|is|makes|uses|needs|there|we)\b)")
#: A further judgment in the same sentence: ", and good at", " and is good at", ", however it requires improvement in",
#: " but is judged to require improvement in", " but judged as good at"
LINK = (r"(?:,\s*(?:and\s+|but\s+|however,?\s+)?|\s+and\s+|\s+but\s+)"
        r"(?:(?:it\s+)?(?:is\s+)?(?:also\s+)?(?:judged|assessed)\s+(?:to\s+(?:be\s+)?|as\s+(?:being\s+)?)|it\s+|is\s+)?"
        r"(?=(?:" + GRADE + r")\s+" + PREP + r"\b)")
# "...; its use of resources is judged to be good", and with commas: "The force has
# maintained a good understanding of demand, its use of resources to manage demand is judged
# to be good and its planning for future demand is also judged to be good" (derbyshire 2017).
_JUDGED_CLAUSE = r"its\s+[^,;]{3,80}?\s+(?:is|are|was)\s+(?:also\s+)?(?:judged|assessed)\b"
# "The force is committed to neighbourhood policing and its approach to tackling serious and
# organised crime is outstanding" (greater-manchester 2016), "..., although its approach to
# crime prevention requires improvement" (west-mercia 2016), "..., but the way it supports
# some vulnerable victims requires improvement" (nottinghamshire 2015): a clause of its own.
_GRADED_CLAUSE = (r"its\s+[^,;]{3,100}?\s+(?:(?:is|are)\s+(?:now\s+|also\s+)?" + GRADE + r"|requires?\s+improvement)"
                  r"\s*(?:[.;]|$)")
_CLAUSE_BREAK = re.compile(r";|,\s+(?=(?:and|but)\s+(?:its|it\s+is|the\s+force|the\s+way\s+(?:in\s+which\s+)?(?:it|the\s+force)\b))|\s+(?=and\s+how\s+the\s+force\b)"
                           r"|,\s+(?=" + _JUDGED_CLAUSE + r")|\s+(?=and\s+(?:" + _JUDGED_CLAUSE + r"|" + _GRADED_CLAUSE + r"))"
                           r"|,\s+(?=(?:although|though|while|whilst)\s+" + _GRADED_CLAUSE + r")",
                           re.I)

# --------------------------------------------------------------------------- shapes' patterns

# 1. "The extent to which the force is efficient at keeping people safe and reducing crime is good."
_PILLAR_LINE = re.compile(
    r"the\s+extent\s+to\s+which\s+.{0,60}?\b(?:is|operates|treats)\s+(?P<what>.{0,80}?)"
    r"(?:\s+is)?\s*:?\s*(?:is:?\s*)?(?P<g>" + GRADE + r")\b",
    re.IGNORECASE,
)
# 2. Earlier inspections. Their shared start: "[In 2017[/18][,]] we [also] judged ", the year
# being the earlier inspection's.
_IN_YEAR_WE = r"^(?:in\s+(?P<year>20\d\d)(?:/\d\d)?,?\s+)?" + INSPECTOR + r"\s+(?:also\s+)?" + JUDGING + r"\s+"
# ... and, of the force's pillar at an activity, "the force's effectiveness at ".
_PILLAR_AT = r"(?:the\s+(?:force|constabulary)[’']s|its)\s+(?:effectiveness|efficiency|legitimacy)\s+(?:at|in)\s+"
# 2. "In 2017[/18][,] we [also] judged the force|it|Kent Police to be|as [being] GRADE at|in SUBJECT".
_EARLIER = re.compile(
    _IN_YEAR_WE +
    r"(?P<doer>.{0,60}?)\b(?:to\s+be|as(?:\s+being)?)\s+(?P<g>" + GRADE + r")\s+(?P<tail>" + PREP + r"\b.*)$",
    re.IGNORECASE,
)
# 2. "In 2017, we judged that the force’s approach to meeting current demand and using resources was good."
_EARLIER_THAT = re.compile(
    _IN_YEAR_WE + r"that\s+"
    r"(?P<subject>.{3,160}?)\s+(?:was|were)\s+(?:judged\s+(?:to\s+be\s+|as\s+)?)?(?P<g>" + GRADE + r")\s*[.;]?$",
    re.IGNORECASE,
)
# 2. "In 2016, we judged the force’s effectiveness at preventing and tackling anti-social
# behaviour to be good." (north-wales 2018): the force's pillar at an activity.
_EARLIER_OF = re.compile(
    _IN_YEAR_WE + _PILLAR_AT +
    r"(?P<subject>.{3,160}?)\s+(?:to\s+be|as(?:\s+being)?)\s+(?P<g>" + GRADE + r")\s*[.;]?$",
    re.IGNORECASE,
)
# 2. "In 2017, we judged the force’s approach to meeting current demand and using resources
# as good." (north-wales 2018): what the force does, judged without "that".
_EARLIER_OWN = re.compile(
    _IN_YEAR_WE + r"(?P<subject>(?:the\s+(?:force|constabulary)[’']s|its)\s+.{3,160}?)\s+"
    r"(?:to\s+be|as(?:\s+being)?)\s+(?P<g>" + GRADE + r")\s*[.;]?$",
    re.IGNORECASE,
)
# 2. "In 2017, we judged as good the force’s effectiveness at investigating crime." (north-wales
# 2018): the grade first.
_EARLIER_GRADE_FIRST = re.compile(
    _IN_YEAR_WE + r"as\s+(?P<g>" + GRADE + r")\s+" + _PILLAR_AT +
    r"(?P<subject>.{3,160}?)\s*[.;]?$",
    re.IGNORECASE,
)
# 3. "We judge Dorset Police to be good in terms of its legitimacy"
_WE_JUDGE = re.compile(
    r"\b" + INSPECTOR + r"\s+judges?\s+.{0,60}?\bto\s+be\s+(?P<g>" + GRADE + r")\s+(?P<tail>(?:in|at)\b.*)$",
    re.IGNORECASE,
)
# 4. "<doer> is [judged to be] good at|in|for <subject>" and "<doer> requires improvement in <subject>"
_FORCE_FIRST = re.compile(
    r"\b" + DOER + r"\s+(?:" + COPULA + r"\s+" + ADVERB + JUDGED + r"?(?:to\s+be\s+)?" + r"|" + ADVERB + r"(?=requires?\s)|"
    r"(?:(?:is|was|has\s+been|have\s+been)\s+)?" + JUDGED + r"(?:to\s+)?(?=require\s))"
    r"(?P<g>" + GRADE + r")(?P<tail>\b.*)$",
    re.IGNORECASE,
)
# 4. "The force works well with partner organisations and is good at preventing crime", "The
# force provides information ... about how to make a complaint, and is good at keeping
# complainants updated" (gwent 2017)
_COORDINATED = re.compile(
    r"^(?:the\s+(?:force|constabulary)|it|(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*\s+(?:police|constabulary|police\s+service))"
    r"\s+[^,;]*?,?\s+and\s+is\s+" + ADVERB + r"(?P<g>" + GRADE + r")(?P<tail>\s+(?:at|in)\b.*)$",
    re.IGNORECASE,
)
# 5. "<subject> is [judged to be] good", the subject an activity of the force.
_SUBJECT_FIRST = re.compile(
    r"^(?P<subject>(?:its|their|the\s+(?:force|constabulary)[’']s|[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*[’']s|the|how)\b.{3,140}?)\s+"
    r"(?:(?:" + COPULA + r"|also)\s+" + ADVERB + JUDGED + r"?(?:to\s+be\s+|to\s+)?|(?:also\s+)?(?=requires\s))"
    r"(?P<g>" + GRADE + r"|require\s+improvement)(?P<tail>\b.*)$",
    re.IGNORECASE,
)
# 5. What a subject-first judgment grades: the force's own activity, said as an activity
# ("the way it ...", "how ...") or as a noun the force owns ("its management of ...",
# "the constabulary's accuracy ...", "the quality of crime investigation").
_ACTIVITY = re.compile(
    r"^(?:(?:its|their|the\s+(?:force|constabulary)[’']s|[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*[’']s)\s+\w+"
    r"|the\s+(?:way|manner)\s+(?:in\s+which\s+)?(?:it|the\s+(?:force|constabulary))\b"
    r"|how\s+(?:well\s+)?(?:it|the\s+(?:force|constabulary))\b"
    r"|the\s+(?:quality|effectiveness|efficiency|legitimacy)\s+(?:of|with\s+which)\b"
    r"|the\s+\w+(?:\s+and\s+\w+)?\s+of\s+(?:crime|vulnerab|serious|anti-social|its|the\s+force))",
    re.IGNORECASE,
)
# 6. "The force continues to be outstanding in this area." (the subject was named before)
_BY_REFERENCE = re.compile(
    r"^(?:the\s+(?:force|constabulary)|it)\s+(?:continues\s+to\s+be|remains|is\s+(?:also\s+)?)\s*(?P<g>" + GRADE + r")"
    r"\s+(?:in|at)\s+(?:this|that)\s+(?:area|respect|regard)\b",
    re.IGNORECASE,
)
# 7. "HMICFRS said the areas requiring improvement included how the force investigates crime
# and how it protects vulnerable people." / "The inadequate area was its use of resources."
# (the inspectorate's news of a 2021+ report): the areas graded so, listed.
_AREAS_LISTED = re.compile(
    r"^(?:.{0,60}?\b(?:said|found|says)\s+(?:that\s+)?)?the\s+(?:(?P<g>" + GRADE + r")\s+areas?"
    r"|areas?\s+(?:that\s+)?(?:requiring|requires?)\s+improvement)\s+"
    r"(?:was|were|is|are|included?|includes)\s+(?P<list>[^.;:]+(?:;[^.;:]+)*)\.?$",
    re.IGNORECASE,
)
#: Where a list of areas parts: commas and semicolons, and "and" before a new "how" or "its".
_LIST_PARTS = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+(?=(?:how|its|the\s+way)\b)", re.IGNORECASE)
# 8. "has not been inspected or graded", "has not yet been graded"
NOT_INSPECTED = re.compile(r"\b(?:has|was|have|were)\s+not\s+(?:yet\s+)?(?:been\s+)?(?:inspected\s+or\s+)?graded\b", re.IGNORECASE)
_NARRATIVE_ONLY = re.compile(r"narrative\s+rather\s+than\s+(?:a\s+)?graded\s+judgment", re.IGNORECASE)

_COMPARISON = re.compile(
    r"same\s+as\s+last\s+year|worse\s+position|better\s+position|change\s+of\s+grade|consistent\s+with\s+last\s+year|"
    r"similar\s+judgment|in\s+line\s+with\s+last\s+year|where\s+the\s+(?:force|constabulary)\s+was\s+(?:also\s+)?(?:graded|judged|assessed)|decline\s+(?:from|since)|improvement\s+(?:from|on)\s+last\s+year|"
    r"when\s+(?:hmic|hmicfrs|we)\s+(?:judged|assessed)|in\s+which\s+(?:we\s+judged|the\s+(?:force|constabulary)\s+was)|"
    r"when\s+the\s+(?:force|constabulary)\s+was\s+(?:also\s+)?(?:judged|assessed)",
    re.IGNORECASE,
)
_EARLIER_GRADE = re.compile(
    r"(?:judged|assessed|considered|graded|be|as)\s+(?:to\s+be\s+|as\s+)?(?P<g>" + GRADE + r")\b", re.IGNORECASE
)
_QUOTED_GRADE = re.compile(r"[‘'\"“](" + GRADE + r")[’'\"”]", re.IGNORECASE)
#: A grade word anywhere: what every shape needs.
_ANY_GRADE = re.compile(GRADE, re.IGNORECASE)
# "good, with elements of outstanding, in ...": the aside does not change the grade.
_ASIDE = re.compile(r",\s*with\s+(?:some\s+)?elements\s+of\s+" + GRADE + r",", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+[\"'’”)]*|$)")


@dataclass
class Judgment:
    grade: str
    subject: str  # what is graded; "" when the sentence grades the force as a whole
    pillar: str | None  # the pillar when the subject is a whole pillar
    start: int  # the sentence stating it, as offsets into the block text
    end: int
    carried_year: str | None = None  # "In 2017, we judged ...": an earlier inspection's judgment
    shape: str = ""  # the grammar's shape that read it ("force first", "earlier judgment", ...)


@dataclass
class Comparison:
    grade: str | None  # the earlier grade when the sentence names it
    year: str | None  # "2014", or None for "last year"
    start: int
    end: int
    same: bool = False  # "the same as last year": the earlier grade is the current one


def grade_code_of(phrase: str, modern: bool = False) -> str | None:
    """The grade code of a grade phrase as prose writes it ("requiring improvement")."""
    return _code(phrase, modern)


def sentences(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans of ``text`` (enough to quote the sentence stating a judgment)."""
    spans = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        if sentence.strip():
            lead = len(sentence) - len(sentence.lstrip())
            spans.append((match.start() + lead, match.start() + len(sentence.rstrip())))
    return spans


def pillar_of(subject: str) -> str | None:
    """The pillar a judgment's subject names, when it names a whole pillar."""
    subject = " ".join(subject.split()).strip(" ,.")
    if subject in ("effectiveness", "efficiency", "legitimacy"):
        return subject  # a pillar line names its pillar
    # "The force’s effectiveness at keeping people safe ..." names the pillar too.
    subject = re.sub(r"^(?:the\s+(?:force|constabulary)[’']s|[A-Z][\w ]*?(?:police|constabulary|service)[’']s)\s+"
                     r"(?=effectiveness|efficiency|legitimacy)", "its ", subject, flags=re.I)
    for pillar, pattern in PILLAR_SUBJECTS:
        if pattern.match(subject):
            return pillar
    return None


def is_activity(subject: str) -> bool:
    """Whether a subject-first judgment's subject is something the force does or has."""
    return bool(_ACTIVITY.match(subject.strip())) and not re.match(DOER + r"$", subject.strip(), re.I)


def _clean_subject(text: str) -> str:
    text = re.split(_SUBJECT_END, text, maxsplit=1, flags=re.IGNORECASE)[0]
    return " ".join(text.split()).strip(" ,;:")


def _code(phrase: str, modern: bool) -> str | None:
    code = grade_code(re.sub(r"^require\b", "requires", " ".join(phrase.lower().split())))
    if code == "adequate" and not modern:
        return None  # "adequate" is not a grade before 2021: it describes
    return code


_FORCE_NAME_END = re.compile(
    r"(?:\b[Tt]he\s+)?(?:" + "|".join(re.escape(short) for short, _ in FORCES) + r")\s*$"
)


def _before_doer(before: str) -> str:
    """The words of a clause before its doer, less the force's own name ("The Metropolitan
    Police") and a leading "the"."""
    before = _FORCE_NAME_END.sub("", before)
    return re.sub(r"(?:\b[Tt]he\s+)?(?:[A-Z][\w&-]*\s*)*$", "", before).strip()


def _doer_starts_clause(before: str, pronoun: bool = False) -> bool:
    """The force is the clause's subject: at most an OPENER (or a topic) comes before it."""
    before = _before_doer(before).lower()
    if not before or TOPIC_FIRST.match(before) or before.endswith(("that", "that overall")) or before.strip(" ,") in OPENER:
        return True
    if pronoun and re.search(r"(?:,\s*|\s)and$", before):
        return True  # "... protect vulnerable people and it is now good at ..."
    # "In terms of its effectiveness, in general, the force ..." / "Overall, the force ..."
    return before.endswith(",") and len(before.split()) <= 10 and not re.search(
        r"\b(?:is|are|was|were|has|have|and)\b", before)


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """A sentence split at semicolons, with a leading 'and'/'but' dropped."""
    out, pos = [], 0
    for part in _CLAUSE_BREAK.split(sentence):
        lead = re.match(r"\s*(?:(?:and|but|however|whereas|although|though|while|whilst),?\s+)?", part)
        out.append((pos + lead.end(), part[lead.end():]))
        pos += len(part) + 1
    return out


def _linked_judgments(first_grade: str, tail: str, modern: bool) -> list[tuple[str, str]]:
    """(grade, subject) for 'good at X, good at Y, however it requires improvement in Z'."""
    out = []
    for piece in re.split(LINK, first_grade + tail, flags=re.IGNORECASE):
        match = re.match(r"(?P<g>" + GRADE + r")\s+(?:(?:still|also|now)\s+)?" + PREP + r"\b\s*(?P<subject>.*)$",
                         piece.strip(), re.I | re.S)
        if match and (code := _code(match["g"], modern)):
            # "good at ensuring the ethical and lawful behaviour of its workforce, and at
            # treating its workforce fairly": one grade, two subjects (north-wales 2018).
            out.extend((code, _clean_subject(part)) for part in _SAME_GRADE.split(match["subject"]))
    return out


#: Where one grade's subjects part: ", and at treating ...", ", and in how it ...". Only
#: after a comma: "good at prioritising its use of resources and at making sure it has the
#: right staff" (cambridgeshire_2018_overview) is one observation, no question's grade.
_SAME_GRADE = re.compile(r",\s+and\s+(?:also\s+)?" + PREP + r"\s+(?=\w+ing\b|how\b)", re.IGNORECASE)


# --------------------------------------------------------------------------- shapes

_Found = list[tuple[str, str, "str | None"]]  # (grade, subject, year of an earlier inspection)


def _pillar_line(sentence: str, modern: bool) -> _Found | None:
    """"The extent to which the force is efficient at keeping people safe and reducing crime is good."

    Also "... operates efficiently and sustainably is outstanding" (kent_2018_overview) and
    "... is not graded" (greater-manchester_2017_overview_part1).
    """
    if match := _PILLAR_LINE.search(sentence):
        code = _code(match["g"], modern)
        what = match["what"].lower()
        pillar = next((p for key, p in (("effective", "effectiveness"), ("efficien", "efficiency"),
                                         ("legitima", "legitimacy")) if key in what), None)
        if code and pillar:
            return [(code, pillar, None)]
    return None


def _earlier_judgment(sentence: str, modern: bool) -> _Found | None:
    """An earlier inspection's judgment, which the page carries over.

    "In 2017, we judged the force to be good at preventing crime and tackling anti-social
    behaviour." / "We also judged it to be good at tackling serious and organised crime."
    (devon-and-cornwall_2018_effectiveness_part1); "In 2017 we judged the force as good at
    investigating crime. In 2016 we judged it to be good at tackling serious and organised
    crime." (dyfed-powys_2018_effectiveness_part1); "In 2017, we judged that the force’s
    approach to meeting current demand and using resources was good."
    (south-wales_2018_efficiency); "In 2016, we judged the force’s effectiveness at preventing
    and tackling anti-social behaviour to be good." and "In 2017, we judged as good the force’s
    effectiveness at investigating crime." (north-wales 2018); "HMIC judged the force to be inadequate in its
    crime-recording." (devon-and-cornwall_2016_effectiveness). The year is the caller's
    when the sentence names none (``""``).
    """
    if match := _EARLIER.match(sentence):
        doer = match["doer"].strip()
        if doer and not re.match(r"^(?:the\s+)?(?:force|constabulary|it|[A-Z][\w\s&-]*?(?:police|constabulary|service))$",
                                 doer, re.I):
            return None  # "we judged most forces to be good at ..."
        code = _code(match["g"], modern)
        found = _linked_judgments(match["g"], " " + match["tail"], modern)
        year = match["year"] or ""
        return [(g, s, year) for g, s in found if s] or ([(code, "", year)] if code else [])
    if match := (_EARLIER_THAT.match(sentence) or _EARLIER_OF.match(sentence) or _EARLIER_OWN.match(sentence)
                 or _EARLIER_GRADE_FIRST.match(sentence)):
        code = _code(match["g"], modern)
        subject = _clean_subject(match["subject"])
        return [(code, subject, match["year"] or "")] if code and subject else []
    return None


def _areas_listed(sentence: str, modern: bool) -> _Found | None:
    """The areas of a 2021+ report graded alike, as the inspectorate's news lists them.

    "HMICFRS said the areas requiring improvement included responding to the public,
    investigating crime, protecting vulnerable people, and building and developing its
    workforce." and "The inadequate area was its use of resources." (north-yorkshire
    2021/22 news, held out); "HMICFRS said the ‘inadequate’ areas included how the force
    protects vulnerable people and how it investigates crime." Parts joined by a plain
    "and" ("preventing crime and use of resources") are one subject here; the structure
    parts them where each names an area of the framework. Only of 2021+ reports, which
    grade areas: before, "the areas requiring improvement are ..." may say what is to improve.
    """
    if not modern or not (match := _AREAS_LISTED.match(sentence)):
        return None
    code = _code(match["g"], modern) if match["g"] else "requires_improvement"
    parts = [" ".join(part.split()).strip(" ,;") for part in _LIST_PARTS.split(match["list"])]
    return [(code, part, None) for part in parts if part] if code else []


def _we_judge(sentence: str, modern: bool) -> _Found | None:
    """"We judge Dorset Police to be good in terms of its legitimacy"."""
    if match := _WE_JUDGE.search(sentence):
        subject = _clean_subject(re.sub(r"^(?:in|at)\s+", "", match["tail"]))
        code = _code(match["g"], modern)
        return [(code, subject, None)] if code else []
    return None


def _subject_first(clause: str, modern: bool) -> _Found | None:
    """The activity first, then its grade.

    "The way the force prevents crime, tackles anti-social behaviour, keeps people safe and
    protects vulnerable people, is inadequate." (bedfordshire_2016_effectiveness); "Its
    management of vulnerability and serious and organised crime is good."
    (devon-and-cornwall_2016_effectiveness); "The constabulary’s accuracy in terms of
    recording crime is assessed as good" (lancashire_2018_overview). Also after "that":
    "I am reassured that the quality of crime investigation is generally good".
    """
    starts = [clause] + [clause[m.end():] for m in re.finditer(r"\bthat\s+", clause)]
    if (opened := _OPENED.match(clause)) and opened["opener"].lower() in OPENER:
        starts.insert(1, clause[opened.end():])  # "By contrast, the force’s approach to ... requires improvement."
    match = next((m for m in map(_SUBJECT_FIRST.match, starts) if m), None)
    if match:
        subject = _clean_subject(re.split(r"\bthat\s+", match["subject"])[-1])
        if (code := _code(match["g"], modern)) and (is_activity(subject) or pillar_of(subject)):
            return [(code, subject, None)]
    return None


#: An opener and its comma before a clause: "By contrast, ".
_OPENED = re.compile(r"^(?P<opener>[A-Za-z]+(?:\s+[a-z]+){0,3}),\s+")


def _force_first(clause: str, modern: bool) -> _Found | None:
    """The force first, then its grade and the subject; more judgments may follow.

    "The force is good at encouraging ethical decision-making." and "Dyfed-Powys Police
    requires improvement in how fairly it treats its workforce." (dyfed-powys_2018_legitimacy);
    "Although the force is good at investigating crime, ..." (kent_2018_effectiveness);
    "Merseyside Police is judged as being good, with elements of outstanding, in its ability
    to understand demand, use its resources well" (merseyside_2016_overview_part1); "in terms
    of its effectiveness, in general, the force is good at reducing crime and preventing
    offending and is good at tackling anti-social behaviour, however it requires improvement
    in the way it investigates offending" (surrey_2014_overview). A grade with no subject
    ("Essex Police is good.") grades the force as a whole.
    """
    clause = _ASIDE.sub("", clause)
    match = next((m for m in _FORCE_FIRST.finditer(clause)
                  if _doer_starts_clause(clause[: m.start()], pronoun=m.group().lower().startswith("it "))), None)
    if match is None:
        match = _COORDINATED.match(clause)  # "The force works well with partners and is good at ..."
    if match is None:
        return None
    if re.match(r"\s*(?:(?:still|also|now)\s+)?" + PREP + r"\b", match["tail"], re.I):
        if re.match(r"\s*(?:although|though|while|whilst)\b", clause, re.I):
            # "Although the force is good at X, Y needs to improve": the subject ends at the comma.
            return [(g, s.split(",")[0], None) for g, s in _linked_judgments(match["g"], match["tail"], modern)]
        return [(g, s, None) for g, s in _linked_judgments(match["g"], match["tail"], modern)]
    if not match["tail"].strip(" .,") and (code := _code(match["g"], modern)):
        topic = TOPIC_FIRST.match(_before_doer(clause[: match.start()]))
        return [(code, _clean_subject(topic["topic"]) if topic else "", None)]
    return []


def _by_reference(sentence: str, previous: str, modern: bool) -> _Found | None:
    """A grade for a subject the sentence before named.

    "Senior leaders make sure that the workforce understands the importance of treating the
    public and each other with fairness and respect. The force continues to be outstanding
    in this area." (kent_2018_overview): the subject is the last activity ("-ing ...") the
    sentence before names.
    """
    match = _BY_REFERENCE.match(sentence)
    if not match or not (code := _code(match["g"], modern)):
        return None
    named = re.search(r"\b(?:of|at|in|on|for|to)\s+(?P<activity>\w+ing\b[^.;]*)", previous)
    return [(code, _clean_subject(named["activity"]) if named else "", None)]


_ADJECTIVAL = re.compile(
    r"^[^,.;]{0,80}?\b(?:has|have|makes|make)\s+(?:a\s+|an\s+)?(?P<g>good|outstanding|inadequate)\s+"
    r"(?:understanding|use|grasp)\s+of\b",
    re.IGNORECASE,
)


def adjectival(sentence: str, modern: bool = False) -> str | None:
    """The grade of an adjectival judgment, which grades a question only where it answers it.

    "South Wales Police makes good use of its resources." (south-wales_2017_efficiency_part2);
    "The MPS has a good understanding of the people it serves." (metropolitan_2015_legitimacy).
    LABELS.md ("Adjectival judgments"): the caller uses it only for the first sentence under
    a question's heading when no grade line states the question's grade.
    """
    match = _ADJECTIVAL.match(sentence.strip())
    return _code(match["g"], modern) if match else None


# Only "needs to improve how it ...": "needs to improve its understanding of demand" names a
# weakness, not a question (cambridgeshire_2016_overview_part1).
_IMPROVE = re.compile(r"\bneeds?\s+to\s+improve\s+how\s+(?:well\s+)?(?:it|the\s+force)\s+(?P<topic>[^.;]+)", re.IGNORECASE)


# "Overall, Surrey Police supports vulnerable victims well." (surrey_2018_effectiveness_part1)
_OVERALL_WELL = re.compile(
    r"\boverall,?\s+(?:the\s+(?:force|constabulary)|it|[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*\s+(?:Police|Constabulary))\s+"
    r"(?P<topic>[a-z]+s\s+[^.;,]+?)\s+well\b", re.IGNORECASE)


def improvement_topics(text: str) -> list[tuple[int, str]]:
    """(offset, topic) of each summary judgment of a question without a grade word in ``text``.

    "needs to improve how it protects vulnerable people", "Overall, Surrey Police supports
    vulnerable victims well": a graded judgment of the same topic after it judges an aspect
    of that question (dyfed-powys_2018_effectiveness_part1: "... needs to improve how it
    protects vulnerable people." then "The force is good at supporting vulnerable victims.").
    """
    found = [(m.start(), m["topic"]) for m in _IMPROVE.finditer(text)]
    found += [(m.start(), m["topic"]) for m in _OVERALL_WELL.finditer(text)]
    return sorted(found)


def _clause_judgments(sentence: str, modern: bool) -> _Found:
    """Judgments of the clauses of a sentence: subject first or force first, each clause;
    in a list of such judgments, an adjectival clause ("has maintained a good understanding
    of demand") is one too (LABELS.md, "Adjectival judgments")."""
    out: list[tuple[str, str, str | None, str]] = []
    adjectival: list[tuple[int, tuple[str, str, None, str]]] = []
    for _, clause in _clauses(sentence):
        if re.search(r"\bnot\s+(?:yet\s+)?(?:good|outstanding|adequate)\b", clause, re.I):
            continue
        shape, found = "subject first", _subject_first(clause, modern)
        if found is None:
            shape, found = "force first", _force_first(clause, modern)
        if not found and (listed := _LISTED_ADJECTIVAL.match(clause.strip())) and (code := _code(listed["g"], modern)):
            adjectival.append((len(out), (code, _clean_subject(listed["subject"]), None, "adjectival")))
        out.extend((g, s, y, shape) for g, s, y in found or [])
    if out:
        for at, judgment in reversed(adjectival):
            out.insert(at, judgment)
    return out


#: An adjectival clause of a list of judgments: "The force has maintained a good
#: understanding of demand", "it makes good use of its resources".
_LISTED_ADJECTIVAL = re.compile(
    r"^[^,.;]{0,80}?\b(?:has|have|makes|make)\s+(?:(?:maintained|developed|kept|retained)\s+)?(?:a\s+|an\s+)?"
    r"(?P<g>good|outstanding|inadequate)\s+(?P<subject>(?:understanding|use|grasp)\s+of\b.+)$",
    re.IGNORECASE,
)


def _sentence_judgments(sentence: str, modern: bool, previous: str = "") -> list[tuple[str, str, str | None, str]]:
    """(grade, subject, earlier year, shape) of each judgment of one sentence: the first shape that reads it."""
    if _NARRATIVE_ONLY.search(sentence):
        return [("not_graded", "leadership", None, "not graded")]
    if not _ANY_GRADE.search(sentence):
        return []  # every shape reads a grade word: most sentences need not be tried
    for shape, read in (("pillar line", _pillar_line), ("earlier judgment", _earlier_judgment),
                        ("we judge", _we_judge),
                        ("by reference", lambda text, modern: _by_reference(text, previous, modern)),
                        ("areas listed", _areas_listed)):
        found = read(sentence, modern)
        if found is not None:
            return [(g, s, y, shape) for g, s, y in found]
    return _clause_judgments(sentence, modern)


def find(text: str, modern: bool = False, force: str | None = None) -> tuple[list[Judgment], list[Comparison]]:
    """Judgments and comparisons in a block of prose ``text`` (offsets into it).

    ``modern`` allows the 2021-on grade ``adequate``. ``force`` is the report's force
    (short name): a sentence that names other forces and not this one ("Essex Police
    was judged to be inadequate at ...") states no judgment of this report.
    """
    judgments: list[Judgment] = []
    comparisons: list[Comparison] = []
    # Read on the words alone (a hard-wrapped line break is a space); offsets are mapped
    # back to ``text`` at the end.
    text, origin = _flatten(text)
    # Quoted grades ("assessed as ‘good’") read as plain words; offsets are unchanged.
    text = _QUOTED_GRADE.sub(lambda m: " " + m.group(1) + " ", text)
    previous, year = "", None  # the sentence before; the year of the earlier judgment before
    for start, end in sentences(text):
        sentence = text[start:end]
        if force is not None and (named := forces_named(sentence)) and force not in named:
            previous = sentence
            continue  # about another force
        found = _sentence_judgments(sentence.strip(), modern, previous)
        if marker := _COMPARISON.search(sentence):
            # A comparison grades the past; only what comes before it grades the present.
            found = _sentence_judgments(sentence[: marker.start()].strip(), modern) if marker.start() > 40 else []
            earlier = _EARLIER_GRADE.search(sentence, marker.start())
            stated = re.search(r"\b(20\d\d)\b", sentence)
            code = _code(earlier["g"], modern) if earlier else None
            same = bool(re.search(r"same\s+as|(?<!not\s)consistent\s+with|in\s+line\s+with|similar\s+judgment",
                                  sentence, re.I))
            comparisons.append(Comparison(code, stated.group(1) if stated else None, start, end, same))
        for grade, subject, carried, shape in found:
            if carried == "":
                carried = year  # "We also judged it to be ...": the year of the sentence before
            elif carried:
                year = carried
            judgments.append(Judgment(grade, subject, pillar_of(subject) if subject else None, start, end,
                                      carried, shape))
        previous = sentence
    for item in (*judgments, *comparisons):
        item.start, item.end = origin[item.start], origin[item.end - 1] + 1
    return judgments, comparisons


#: Whitespace that is not a single space: what ``_flatten`` changes.
_UNFLAT = re.compile(r"[^\S ]|  ")


def _flatten(text: str) -> tuple[str, list[int] | range]:
    """``text`` with each run of whitespace one space, and where each of its characters was in ``text``."""
    if not _UNFLAT.search(text):  # most blocks: already so, each character where it was
        return text, range(len(text))
    out, origin = [], []
    for match in re.finditer(r"\s+|\S+", text):
        if match.group()[0].isspace():
            out.append(" ")
            origin.append(match.start())
        else:
            out.append(match.group())
            origin.extend(range(match.start(), match.end()))
    return "".join(out), origin
