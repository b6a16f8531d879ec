"""The PEEL framework as data, and which framework question each grade judges.

``data/peel_framework.csv`` lists, for every PEEL year and pillar, the inspectorate's
questions (and the 2021+ areas of policing) with their numbers and wordings, one row per
wording; its header says where each year's rows come from. A question keeps one id in
every year that asks it (``effectiveness.preventing-crime``), so the same question can
be compared across forces and years however a page words it.

``assign`` names the framework question of every grade of a report: by the question's
number where the page numbers its questions, else by how many of the grade subject's
content words a wording of one of that year's (and pillar's) questions shares (its
wording of any year of the same framework), weighted by how rare each word is.
Nothing close enough gives None: no framework question is better than a wrong one.
"""
from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import Report
from .vocabulary import PILLARS

FRAMEWORK_CSV = Path(__file__).resolve().parent / "data" / "peel_framework.csv"

#: A subject is a framework question's when its weighted overlap (Dice) with one of the
#: question's wordings reaches this. Chosen on the gold question wordings of the corpus's
#: original 16 forces only (tests/test_framework.py): every right best match there scores
#: 0.48 or more, and the best match of a subject that names no question 0.21 or less
#: (the two subjects that join two questions, 0.46 and 0.75, are caught by the rule in ``match``).
#: Chosen on all 29 forces, each force's own wordings held out (``choose_threshold``), it is 0.4 too.
MATCH_THRESHOLD = 0.4
#: ... and beats the next question's best score by this much; a near tie is no match.
MATCH_MARGIN = 0.1

#: Grade scopes judged against questions and areas; "aspect" is a narrower part of a question.
_QUESTION_SCOPES = ("question", "area", "aspect")


@dataclass(frozen=True)
class Wording:
    """One row of the framework table: one wording of one question in one year."""

    framework_question: str
    peel_year: str
    pillar: str | None
    number: int | None
    kind: str  # "pillar", "question" or "area"
    graded: bool
    wording: str
    source: str


#: What the source of a wording seen on a corpus page starts with ("corpus: NAME").
CORPUS_SOURCE = "corpus: "

#: Corpus texts (names without ".txt") whose wordings ``table`` leaves out: while a
#: leave-forces-out fold is scored (``held_out``), the pages of the fold's own forces.
_HELD_OUT: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _read() -> tuple[Wording, ...]:
    with FRAMEWORK_CSV.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return tuple(
            Wording(row["framework_question"], row["peel_year"], row["pillar"] or None,
                    int(row["number"]) if row["number"] else None, row["kind"], row["graded"] == "true",
                    row["wording"], row["source"])
            for row in rows
        )


@lru_cache(maxsize=4)
def _without(held_out: frozenset[str]) -> tuple[Wording, ...]:
    return tuple(w for w in _read() if not (w.source.startswith(CORPUS_SOURCE)
                                             and w.source.removeprefix(CORPUS_SOURCE) in held_out))


def table() -> tuple[Wording, ...]:
    """The framework table, read once (less the wordings of any texts held out)."""
    return _without(_HELD_OUT) if _HELD_OUT else _read()


@contextmanager
def held_out(texts: Iterable[str]):
    """Within the block, the table lacks the wordings seen on the corpus texts ``texts``
    (names without ".txt"; as well as those held out already), so pages are not matched
    on their own words."""
    global _HELD_OUT
    before = _HELD_OUT
    _HELD_OUT = before | frozenset([texts] if isinstance(texts, str) else texts)
    _forget()
    try:
        yield
    finally:
        _HELD_OUT = before
        _forget()


def _forget() -> None:
    """Clear what was worked out from the table: how rare a word is depends on its wordings."""
    _weights.cache_clear()
    _weigh.cache_clear()


def years() -> list[str]:
    """The PEEL years the table covers, in order."""
    return sorted({w.peel_year for w in table()})


# Words that say nothing about which question is meant.
_STOPWORDS = frozenset(
    "a an the and or of in on at to for with its it is are be by as how well does do force forces constabulary "
    "police that this which what whether from their there extent effective effectively efficient efficiently "
    "legitimate legitimately good way approach some aspects all re overall".split()
)
# Suffixes stripped, longest first, so "investigation", "investigates", "investigating" meet.
# "iour": "behaviour" and "behaves" one word (legitimacy's "behaves ethically and lawfully").
_SUFFIXES = ("ability", "iours", "iour", "ations", "ation", "ments", "ment", "ness", "able", "ions", "ion", "ing",
             "ers", "ies", "es", "ly", "ed", "er", "s", "e")


@lru_cache(maxsize=65536)  # each word is stemmed many times over: every wording it is compared with
def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]  # planning -> plan
    word = word.removesuffix("e")
    if len(word) > 6 and word.endswith("at"):
        word = word[:-2]  # investigating, investigation, investigate -> investig
    return word


@lru_cache(maxsize=16384)  # the framework's wordings, and each subject, are compared many times
def stems(text: str) -> frozenset[str]:
    """The content words of ``text``, stemmed ("anti-social" is two words)."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'s", ""))
    return frozenset(_stem(w) for w in words if w not in _STOPWORDS and len(w) > 1)


@lru_cache(maxsize=1)
def _weights() -> dict[str, float]:
    """How rare each word is among the framework's questions: rare words decide a match."""
    by_question: dict[str, set[str]] = {}
    for row in table():
        by_question.setdefault(row.framework_question, set()).update(stems(row.wording))
    df = Counter(word for words in by_question.values() for word in words)
    return {word: math.log(1 + len(by_question) / count) for word, count in df.items()}


@lru_cache(maxsize=65536)  # a wording's words are weighed once per table, not per comparison
def _weigh(words: frozenset[str]) -> float:
    weights = _weights()
    default = max(weights.values(), default=1.0)  # a word the framework never uses is rare
    return math.fsum(weights.get(w, default) for w in words)  # exact: the same whatever a set's order


def similarity(a: str, b: str) -> float:
    """Weighted Dice overlap of two phrases' content words: 1 for the same words, 0 for none shared."""
    wa, wb = stems(a), stems(b)
    if not wa or not wb:
        return 0.0
    shared = wa & wb
    return 2 * _weigh(shared) / (_weigh(wa) + _weigh(wb)) if shared else 0.0


def candidates(peel_year: str | None, pillar: str | None = None, kinds=("question",)) -> list[Wording]:
    """The wordings of one year's questions (of one pillar when given) or areas."""
    return [w for w in table() if w.peel_year == peel_year and w.kind in kinds
            and (pillar is None or w.pillar == pillar)]


def scores(subject: str, rows: list[Wording]) -> list[tuple[float, str]]:
    """Each framework question's best score for ``subject``, best first."""
    best: dict[str, float] = {}
    for row in rows:
        score = similarity(subject, row.wording)
        if row.framework_question not in best or score > best[row.framework_question]:
            best[row.framework_question] = score
    return sorted(((score, fq) for fq, score in best.items()), key=lambda r: (-r[0], r[1]))


def _era(peel_year: str | None) -> str:
    """The framework a PEEL year belongs to: 2014's questions were scoped unlike the
    same ids' later ("reducing crime and preventing offending" was preventing crime's,
    "reducing re-offending" is investigating crime's from 2015), and 2021 brought areas."""
    year = peel_year or ""
    return "2014" if year == "2014" else "2015-2019" if year < "2021" else "2021-"


def _other_years(rows: list[Wording], peel_year: str | None) -> list[Wording]:
    """The wordings of ``rows``' questions in the other years of ``peel_year``'s framework."""
    asked = {w.framework_question for w in rows}
    return [w for w in table() if w.framework_question in asked and w.peel_year != peel_year
            and _era(w.peel_year) == _era(peel_year)]


def _vocabulary(framework_question: str, peel_year: str | None) -> frozenset[str]:
    """Every content word of a framework question's wordings in the years of ``peel_year``'s framework."""
    return frozenset(w for row in table() if row.framework_question == framework_question
                     and _era(row.peel_year) == _era(peel_year) for w in stems(row.wording))


def match(subject: str, peel_year: str | None, pillar: str | None = None, number: int | None = None,
          threshold: float | None = None) -> str | None:
    """The framework question a question or area subject of ``peel_year`` names, or None.

    ``pillar`` narrows the search to a pillar page's questions; ``number`` (a numbered
    question of that pillar) decides when the year's framework has that number, unless
    the subject's words are all another question's.
    """
    threshold = MATCH_THRESHOLD if threshold is None else threshold
    modern = bool(peel_year and peel_year[:4] >= "2021")
    rows = candidates(peel_year, None if modern else pillar, ("area",) if modern else ("question",))
    if not rows:
        return None
    by_number = {w.framework_question for w in rows if number is not None and pillar is not None and w.number == number}
    if len(by_number) == 1:  # read on the year's own wordings: its numbers are that year's
        numbered = by_number.pop()
        own = scores(subject, rows)
        top_score, top = own[0]
        if top == numbered or top_score < threshold or dict((q, s) for s, q in own)[numbered] > 0:
            return numbered
    # A question's wordings of the other years of its framework count for it too: pages
    # word it as other years did.
    ranked = scores(subject, rows + _other_years(rows, peel_year))
    top_score, top = ranked[0]
    if top_score < threshold:
        return None
    if len(ranked) > 1:
        second_score, _ = ranked[1]
        if top_score - second_score < MATCH_MARGIN:
            return None  # a near tie: which question is meant cannot be told
        # "preventing and investigating crime": words the best question never uses (in
        # any year of its framework) and another question has mean the subject joins two
        # questions, and is neither alone. ("tackling" is preventing crime's in 2017 and
        # serious and organised crime's in 2015: in a 2015 subject it joins none.)
        others = {w for row in rows if row.framework_question != top for w in stems(row.wording)}
        if (stems(subject) - _vocabulary(top, peel_year)) & others:
            return None
    return top


#: The thresholds ``choose_threshold`` tries.
THRESHOLDS = tuple(round(0.2 + 0.05 * k, 2) for k in range(11))


def choose_threshold(examples: list[tuple[str, str | None, str | None, int | None, str | None]],
                     texts: list[frozenset[str]] | None = None) -> float:
    """The threshold that serves ``examples`` (subject, year, pillar, number, the framework
    question it names or None) best: most right answers, a wrong one costing three, the
    highest threshold among equals (a question left unnamed is better than a wrong one).
    ``texts``: for each example, the corpus texts whose wordings are held out while it
    is matched (``held_out``): its own page's, or its force's, so that no page is
    matched on its own words.

    ``MATCH_THRESHOLD`` was chosen so on the corpus's original 16 forces; the
    leave-forces-out evaluation chooses it again for each fold without the fold's forces.
    """
    got: dict[float, list[tuple[str | None, str | None]]] = {t: [] for t in THRESHOLDS}
    by_text: dict[frozenset[str], list] = {}
    for index, example in enumerate(examples):
        by_text.setdefault(texts[index] if texts else frozenset(), []).append(example)
    for text, group in by_text.items():
        with held_out(text):
            for subject, year, pillar, number, want in group:
                for threshold in THRESHOLDS:
                    got[threshold].append((match(subject, year, pillar, number, threshold), want))

    def worth(threshold: float) -> int:
        pairs = got[threshold]
        return sum(g == w for g, w in pairs if w is not None) - 3 * sum(g is not None and g != w for g, w in pairs)

    return max(reversed(THRESHOLDS), key=worth)


def pillar_id(pillar: str | None, peel_year: str | None) -> str | None:
    """The framework id of a pillar judged in ``peel_year`` (its name), or None."""
    if pillar not in PILLARS:
        return None
    if peel_year is None or any(w.kind == "pillar" and w.framework_question == pillar
                                for w in table() if w.peel_year == peel_year):
        return pillar
    return None


def assign(report: Report) -> Report:
    """Set ``framework_question`` on every grade of ``report`` that a framework question fits."""
    for grade in report.grades:
        if grade.scope in _QUESTION_SCOPES:
            grade.framework_question = match(grade.subject, report.peel_year, report.pillar, grade.question_number)
        elif grade.scope == "pillar":
            grade.framework_question = pillar_id(grade.subject.strip().lower(), report.peel_year)
        elif grade.scope == "overall":
            grade.framework_question = pillar_id(report.pillar, report.peel_year)
    return report
