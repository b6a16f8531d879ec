"""Graded judgments stated in prose.

The reports state grades in sentences as often as on grade lines: "Essex Police is
good at preventing crime", "its use of resources to manage demand is judged to be
good", "The extent to which the force is efficient at keeping people safe and
reducing crime is good.", "it requires improvement in the way it investigates
offending". ``find`` returns every such judgment in a block of prose, with what is
graded (the subject, in the report's words), whether the subject is a whole pillar,
and where the sentence stating it lies. Comparisons with an earlier grade ("the same
as last year", "when HMIC judged the constabulary as good") are returned as
``Comparison``s for the caller to attach to the judgment they refer to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import FORCES, forces_named, grade_code

_G = r"(?:outstanding|good|adequate|inadequate|requires?\s+improvement|requiring\s+improvement|not\s+yet\s+graded)"
_ADVERBS = r"(?:(?:also|now|still|generally|currently|therefore|overall|again|consistently|broadly)\s+)*"
_JUDGED = r"(?:(?:judged|assessed|considered|graded|rated|found)\s+(?:to\s+be\s+|as\s+)?)"
_COPULA = r"(?:is|are|was|remains|continues\s+to\s+be|has\s+been|have\s+been|be)"
_DOER = r"(?:force|constabulary|police|service|it|mps)(?:[’']s)?"
_SUBJECT_END = r"(?=$|[.;:]|,\s*(?:but|and\s+(?:it|its|the\s+force|has|works|is)|which|while|although|however)\b|\s+but\b|\s+because\b|\s+since\b|\s+and\s+(?:has|works|it|is|makes|uses|needs|there|we)\b)"

# "The extent to which the force is efficient at keeping people safe and reducing crime is good."
_PILLAR_LINE = re.compile(
    r"the\s+extent\s+to\s+which\s+.{0,60}?\b(?:is|operates|treats)\s+(?P<what>.{0,80}?)"
    r"(?:\s+is)?\s*:?\s*(?:is:?\s*)?(?P<g>" + _G + r")\b",
    re.IGNORECASE,
)
# "<doer> is [judged to be] good at|in|for <subject>" and "<doer> requires improvement in <subject>"
_DOER_JUDGMENT = re.compile(
    r"\b" + _DOER + r"\s+(?:" + _COPULA + r"\s+" + _ADVERBS + _JUDGED + r"?(?:to\s+be\s+)?" + r"|" + _ADVERBS + r"(?=requires?\s)|"
    r"(?:(?:is|was|has\s+been|have\s+been)\s+)?" + _JUDGED + r"(?:to\s+)?(?=require\s))"
    r"(?P<g>" + _G + r")(?P<tail>\b.*)$",
    re.IGNORECASE,
)
# "The force works well with partner organisations and is good at preventing crime"
_COORDINATED = re.compile(
    r"^(?:the\s+(?:force|constabulary)|it|(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*\s+(?:police|constabulary|police\s+service))"
    r"\s+[^,;]*?\s+and\s+is\s+" + _ADVERBS + r"(?P<g>" + _G + r")(?P<tail>\s+(?:at|in)\b.*)$",
    re.IGNORECASE,
)
# "<subject> is [judged to be] good" where the subject is the force's own activity.
_SUBJECT_FIRST = re.compile(
    r"^(?P<subject>(?:its|their|the\s+(?:force|constabulary)[’']s|[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*[’']s|the|how)\b.{3,140}?)\s+"
    r"(?:(?:" + _COPULA + r"|also)\s+" + _ADVERBS + _JUDGED + r"?(?:to\s+be\s+|to\s+)?|(?:also\s+)?(?=requires\s))"
    r"(?P<g>" + _G + r"|require\s+improvement)(?P<tail>\b.*)$",
    re.IGNORECASE,
)
# What a subject-first judgment may grade: the questions PEEL asks, in their usual words.
_GRADED_SUBJECT = re.compile(
    r"\b(?:understanding\s+of\s+(?:\w+\s+){0,3}demand|use\s+of\s+(?:its\s+)?resources|uses\s+its\s+resources|"
    r"plan(?:ning|s)\s+for\s+(?:the\s+)?future|approach\s+to\s+preventing|effectiveness\s+at|"
    r"efficiency\s+with\s+which|quality\s+of\s+(?:crime\s+)?investigation|investigation\s+of\s+crime)",
    re.IGNORECASE,
)
# What a "<force> is good at ..." judgment in a summary may grade.
GRADED_TOPIC = re.compile(
    r"^(?:(?:its|their|the\s+(?:force|constabulary)[’']s|[A-Z][\w ]*[’']s)\s+)?(?:the\s+)?(?:approach\s+to\s+)?(?:preventing|prevention|tackling|reducing|investigating|"
    r"investigation|the\s+way\s+it\s+(?:investigates|protects|treats)|quality\s+of\s+crime\s+investigation|protecting|"
    r"supporting|identifying\s+(?:at\s+the\s+earliest\s+opportunity\s+)?people\s+who\s+may|identifying,\s+understanding|managing|"
    r"understanding|use\s+of\s+resources|using\s+(?:its\s+)?resources|targeting\s+its\s+resources|planning|"
    r"how\s+(?:well\s+)?(?:it|the\s+force)\s+(?:plans|uses|understands|ensures|meets)|meeting|treating|"
    r"ensuring\s+(?:that\s+)?its\s+workforce|behaving|keeping\s+people\s+safe|effectiveness\s+at|efficiency|"
    r"some\s+(?:aspects|elements)|how\s+it\s+(?:keeps|meets))",
    re.IGNORECASE,
)
# "In 2017, we judged Nottinghamshire Police as good at treating the public fairly."
_CARRIED = re.compile(
    r"^in\s+(?P<year>20\d\d),\s+(?:we|hmic|hmicfrs)\s+(?:judged|assessed|found)\s+.{0,60}?\bas\s+(?P<g>" + _G + r")\s+(?:at|in)\b\s*(?P<tail>.*)$",
    re.IGNORECASE,
)
# "We judge Dorset Police to be good in terms of its legitimacy"
_WE_JUDGE = re.compile(
    r"\b(?:we|hmic|hmicfrs)\s+judges?\s+.{0,60}?\bto\s+be\s+(?P<g>" + _G + r")\s+(?P<tail>(?:in|at)\b.*)$",
    re.IGNORECASE,
)
_NEXT_GRADE = re.compile(
    r"(?:,\s*(?:and\s+|but\s+)?|\s+and\s+|\s+but\s+)(?:(?:it\s+)?(?:is\s+)?(?:also\s+)?(?:judged|assessed)\s+to\s+be\s+|it\s+|is\s+)?"
    r"(?=(?:" + _G + r")\s+(?:at|in|for)\b)",
    re.IGNORECASE,
)
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
    r"(?:judged|assessed|considered|graded|be|as)\s+(?:to\s+be\s+|as\s+)?(?P<g>" + _G + r")\b", re.IGNORECASE
)
_QUOTED_GRADE = re.compile(r"[‘'\"“](" + _G + r")[’'\"”]", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+[\"'’”)]*|$)")

# Subjects that are a whole pillar rather than a question or area.
_PILLAR_SUBJECTS = (
    ("effectiveness", re.compile(r"^(?:(?:in\s+)?(?:respect\s+of\s+)?the\s+effectiveness\s+with\s+which\b.*|how\s+it\s+keeps\s+people\s+safe\b.*|(?:in\s+)?(?:the\s+way\s+it\s+)?keep(?:ing|s)?\s+people\s+safe\s+and\s+reduc(?:ing|es)\s+crime|reducing\s+crime\s+and\s+keeping\s+people\s+safe|(?:in\s+)?respect\s+of\s+(?:its\s+)?effectiveness\b.*|effective\s+at\s+(?:keeping|reducing)\b.*|(?:in\s+terms\s+of\s+)?its\s+effectiveness(?:\s+at\s+keeping\s+people\s+safe.*)?)$", re.I)),
    ("efficiency", re.compile(r"^(?:(?:in\s+)?its\s+efficiency\b.*|how\s+efficient\s+it\s+is\b.*|working\s+efficiently\b.*|(?:in\s+)?(?:respect\s+of\s+)?the\s+efficiency\s+with\s+which\b.*|efficien(?:t|tly)\b.*|operates\s+efficiently\b.*|(?:in\s+)?respect\s+of\s+(?:its\s+)?efficiency\b.*)$", re.I)),
    ("legitimacy", re.compile(r"^(?:(?:in\s+)?(?:respect\s+of\s+)?the\s+legitimacy\s+with\s+which\b.*|legitimate\s+at\b.*|(?:at\s+)?how\s+legitimately\b.*|treat(?:ing|s)\s+the\s+public\s+and\s+its\s+workforce\s+legitimately|(?:in\s+)?(?:terms|respect)\s+of\s+its\s+legitimacy\b.*|legitimacy)$", re.I)),
)


_TOPIC_WORDS = ("preventing", "tackling", "investigating", "protecting", "supporting", "managing",
                "understanding", "planning", "meeting", "treating", "reducing")


def graded_topic(subject: str) -> bool:
    """Whether a summary judgment grades one of PEEL's questions (a cut-off word may start one)."""
    if GRADED_TOPIC.match(subject):
        return True
    word = subject.strip().lower()
    return 0 < len(word) < 12 and " " not in word and any(t.startswith(word) for t in _TOPIC_WORDS)


@dataclass
class Judgment:
    grade: str
    subject: str  # what is graded; "" when the sentence grades the force as a whole
    pillar: str | None  # the pillar when the subject is a whole pillar
    start: int  # the sentence stating it, as offsets into the block text
    end: int
    carried_year: str | None = None  # "In 2017, we judged ..." restated this year


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
    # "The force’s effectiveness at keeping people safe ..." names the pillar too.
    subject = re.sub(r"^(?:the\s+(?:force|constabulary)[’']s|[A-Z][\w ]*?(?:police|constabulary|service)[’']s)\s+"
                     r"(?=effectiveness|efficiency|legitimacy)", "its ", subject, flags=re.I)
    for pillar, pattern in _PILLAR_SUBJECTS:
        if pattern.match(subject):
            return pillar
    return None


def _clean_subject(text: str) -> str:
    text = re.split(_SUBJECT_END, text, maxsplit=1, flags=re.IGNORECASE)[0]
    return " ".join(text.split()).strip(" ,;:")


def _code(phrase: str, modern: bool) -> str | None:
    code = grade_code(re.sub(r"^require\b", "requires", phrase.lower()))
    if code == "adequate" and not modern:
        return None  # "adequate" is not a grade before 2021: it describes
    return code


_CLAUSE_BREAK = re.compile(r";|,\s+(?=(?:and|but)\s+(?:its|it\s+is|the\s+force)\b)|\s+(?=and\s+how\s+the\s+force\b)", re.I)


_FORCE_NAME_END = re.compile(
    r"(?:\b[Tt]he\s+)?(?:" + "|".join(re.escape(short) for short, _ in FORCES) + r")\s*$"
)


def _doer_starts_clause(before: str, pronoun: bool = False) -> bool:
    """The force is the clause's subject: at most an opening phrase comes before it."""
    # Drop the force's own name ("The Metropolitan Police") and a leading "the".
    before = _FORCE_NAME_END.sub("", before)
    before = re.sub(r"(?:\b[Tt]he\s+)?(?:[A-Z][\w&-]*\s*)*$", "", before).strip().lower()
    if not before or before.endswith(("that", "that overall")) or before in ("however", "overall", "but", "and",
                                                                             "also", "so"):
        return True
    if pronoun and re.search(r"(?:,\s*|\s)and$", before):
        return True  # "... protect vulnerable people and it is now good at ..."
    # "In terms of its effectiveness, in general, the force ..." / "Overall, the force ..."
    return before.endswith(",") and len(before.split()) <= 10 and not re.search(
        r"\b(?:is|are|was|were|has|have|and)\b", before)


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """A sentence split at semicolons, with leading 'and'/'but' dropped."""
    out, pos = [], 0
    for part in _CLAUSE_BREAK.split(sentence):
        lead = re.match(r"\s*(?:(?:and|but|however|whereas),?\s+)?", part)
        out.append((pos + lead.end(), part[lead.end():]))
        pos += len(part) + 1
    return out


def _tail_judgments(first_grade: str, tail: str, modern: bool) -> list[tuple[str, str]]:
    """(grade, subject) for 'good at X, good at Y but requiring improvement in Z'."""
    pieces = _NEXT_GRADE.split(first_grade + tail)
    out = []
    for piece in pieces:
        match = re.match(r"(?P<g>" + _G + r")\s+(?:(?:still|also|now)\s+)?(?:at|in|for)\b\s*(?P<subject>.*)$", piece.strip(), re.I | re.S)
        if match and (code := _code(match["g"], modern)):
            out.append((code, _clean_subject(match["subject"])))
    return out


def find(text: str, modern: bool = False, force: str | None = None) -> tuple[list[Judgment], list[Comparison]]:
    """Judgments and comparisons in a block of prose ``text`` (offsets into it).

    ``modern`` allows the 2021-on grade ``adequate``. ``force`` is the report's force
    (short name): a sentence that names other forces and not this one ("Essex Police
    was judged to be inadequate at ...") states no judgment of this report.
    """
    judgments: list[Judgment] = []
    comparisons: list[Comparison] = []
    # Quoted grades ("assessed as ‘good’") read as plain words; offsets are unchanged.
    text = _QUOTED_GRADE.sub(lambda m: " " + m.group(1) + " ", text)
    for start, end in sentences(text):
        sentence = text[start:end]
        if force is not None and (named := forces_named(sentence)) and force not in named:
            continue  # about another force
        found = _sentence_judgments(sentence.strip(), modern)
        if marker := _COMPARISON.search(sentence):
            # A comparison grades the past; only what comes before it grades the present.
            found = _sentence_judgments(sentence[: marker.start()].strip(), modern) if marker.start() > 40 else []
            earlier = _EARLIER_GRADE.search(sentence, marker.start())
            year = re.search(r"\b(20\d\d)\b", sentence)
            code = _code(earlier["g"], modern) if earlier else None
            same = bool(re.search(r"same\s+as|(?<!not\s)consistent\s+with|in\s+line\s+with|similar\s+judgment",
                                  sentence, re.I))
            comparisons.append(Comparison(code, year.group(1) if year else None, start, end, same))
        for grade, subject, carried in found:
            judgments.append(Judgment(grade, subject, pillar_of(subject) if subject else None, start, end, carried))
    return judgments, comparisons


def _sentence_judgments(sentence: str, modern: bool) -> list[tuple[str, str, str | None]]:
    """(grade, subject, carried year) for each judgment one sentence states."""
    if _NARRATIVE_ONLY.search(sentence):
        return [("not_graded", "leadership", None)]
    if match := _PILLAR_LINE.search(sentence):
        code = _code(match["g"], modern)
        what = match["what"].lower()
        pillar = next((p for key, p in (("effective", "effectiveness"), ("efficien", "efficiency"),
                                         ("legitima", "legitimacy")) if key in what), None)
        if code and pillar:
            return [(code, pillar, None)]
    if match := _CARRIED.match(sentence):
        code = _code(match["g"], modern)
        subject = _clean_subject(match["tail"])
        return [(code, subject, match["year"])] if code and subject else []
    if match := _WE_JUDGE.search(sentence):
        subject = _clean_subject(re.sub(r"^(?:in|at)\s+", "", match["tail"]))
        code = _code(match["g"], modern)
        return [(code, subject, None)] if code else []
    out: list[tuple[str, str, str | None]] = []
    for _, clause in _clauses(sentence):
        if re.search(r"\bnot\s+(?:yet\s+)?(?:good|outstanding|adequate)\b", clause, re.I):
            continue
        # "I am reassured that the quality of crime investigation is generally good"
        starts = [clause] + [clause[m.end():] for m in re.finditer(r"\bthat\s+", clause)]
        match = next((m for m in map(_SUBJECT_FIRST.match, starts) if m), None)
        if match:
            subject = _clean_subject(re.split(r"\bthat\s+", match["subject"])[-1])
            if (code := _code(match["g"], modern)) and not re.match(_DOER + r"$", subject, re.I) \
                    and (_GRADED_SUBJECT.search(subject) or pillar_of(subject)):
                out.append((code, subject, None))
                continue
        match = next((m for m in _DOER_JUDGMENT.finditer(clause)
                      if _doer_starts_clause(clause[: m.start()], pronoun=m.group().lower().startswith("it "))), None)
        if match is None and (coordinated := _COORDINATED.match(clause)):
            match = coordinated  # "The force works well with partners and is good at ..."
        if match:
            if re.match(r"\s*(?:(?:still|also|now)\s+)?(?:at|in|for)\b", match["tail"], re.I) or not match["tail"].strip(" .,"):
                found = _tail_judgments(match["g"], match["tail"], modern)
                if found:
                    out.extend((g, s, None) for g, s in found)
                elif (code := _code(match["g"], modern)) and not match["tail"].strip(" .,"):
                    out.append((code, "", None))
    return out
