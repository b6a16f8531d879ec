"""Classify: split prose blocks into sentences and label each one with spaCy.

The pipeline is ``spacy.blank("en")`` plus three registered components:

- ``peel_sentencizer``: sentence boundaries that keep abbreviations and list items whole;
- ``span_ruler`` (spaCy's own), loaded with the label cue patterns of ``RULE_PATTERNS``;
- ``peel_labeller``: one label per sentence from the section the block sits in, the
  cues found in it, or ``finding`` when nothing else fits (LABELS.md's order).

Each block of the report is one ``Doc`` whose ``_.section`` says where it sits.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .model import LABELS, LabelledReport, Report, Sentence

# Fixed confidences for decisions that are not a model's probability.
SECTION_CONFIDENCE = 0.95
RULE_CONFIDENCE = {"recommendation": 0.9, "concern": 0.85, "grade": 0.85, "improvement": 0.8}
DEFAULT_CONFIDENCE = 0.6

# A label that a section implies for every sentence in it (LABELS.md: "Labels judge a
# sentence in its context").
SECTION_LABELS = {
    "recommendation": "recommendation",
    "cause_of_concern": "concern",
    "area_for_improvement": "improvement",
}

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "nos", "para", "paras", "fig", "cf", "vs", "v", "approx", "e.g", "i.e"}
_CLOSERS = {'"', "'", "’", "”", ")", "]"}

_GRADE_WORDS = ["outstanding", "good", "adequate", "inadequate"]
_IS = ["is", "was", "remains", "are", "be", "been", "being"]
_FORCE_NOUNS = ["constabulary", "police", "service", "force"]
_JUDGED = ["judge", "judges", "judged", "assessed", "graded", "grade", "judgment", "judgement", "rated", "considered"]


def _p(*words: str | list[str]) -> list[dict]:
    """A token pattern: each argument one token, a list meaning any of its words."""
    return [{"LOWER": {"IN": word} if isinstance(word, list) else word} for word in words]


# Cue patterns per label, matched on lower-cased tokens anywhere in a sentence.
RULE_PATTERNS: dict[str, list[list[dict]]] = {
    "recommendation": [
        _p(["recommend", "recommends"]),
        _p(["must", "should"], "immediately"),
        _p("within", ["one", "two", "three", "six", "twelve", "3", "6", "12"], ["month", "months"]),
    ],
    "concern": [
        _p(["cause", "causes"], "of", "concern"),
        _p("cause", "for", "concern"),
        _p("concerned", "that"),
        _p(["is", "are", "remain", "remains"], "concerned"),
        _p(["concern", "concerns"], ["about", "that"]),
        _p(["serious", "significant"], ["concern", "concerns"]),
    ],
    "grade": [
        _p(["requires", "require", "requiring"], "improvement"),
        [{"LOWER": {"IN": _JUDGED}}, {"OP": "{0,6}"}, {"LOWER": {"IN": ["as", "to", "be"]}}, {"LOWER": {"IN": ["be"]}, "OP": "?"}, {"LOWER": {"IN": _GRADE_WORDS}}],
        [{"LOWER": {"IN": _FORCE_NOUNS + ["it"]}}, {"LOWER": {"IN": _IS}}, {"LOWER": {"IN": ["generally", "now", "still", "also"]}, "OP": "?"}, {"LOWER": {"IN": _GRADE_WORDS}}, {"LOWER": {"IN": ["at", "in", "."]}}],
        _p("worse", "position"),
        _p("better", "position"),
        _p("change", "of", "grade"),
        _p("same", "as", "last", "year"),
        _p("graded", "judgment"),
    ],
    "improvement": [
        _p(["should", "must"]),
        _p(["needs", "need", "needed"], "to"),
        _p(["could", "can"], ["improve", "do"]),
        _p("improvement", ["is", "was", "are"], ["needed", "required"]),
        _p("room", "for", "improvement"),
        _p(["area", "areas"], "for", "improvement"),
        _p("more", "needs", "to", "be", "done"),
    ],
}


def _register_extensions() -> None:
    if not Doc.has_extension("section"):
        Doc.set_extension("section", default=None)
        Doc.set_extension("question_number", default=None)
    for name in ("peel_label", "confidence", "method"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


_register_extensions()


@Language.component("peel_sentencizer")
def peel_sentencizer(doc: Doc) -> Doc:
    """Start a sentence after ., ! or ? (and any closing quote) before a capital or digit."""
    for i, token in enumerate(doc):
        token.is_sent_start = i == 0
    for i in range(1, len(doc)):
        prev, token = doc[i - 1], doc[i]
        if not prev.whitespace_:
            continue
        j = i - 1
        while j > 0 and doc[j].text in _CLOSERS:
            j -= 1
        if doc[j].text not in {".", "!", "?"}:
            continue
        before = doc[j - 1].text.lower() if j > 0 else ""
        if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
            continue
        first = token.text[0]
        if first.isupper() or first.isdigit() or first in "‘“'\"(":
            token.is_sent_start = True
    return doc


@Language.component("peel_labeller")
def peel_labeller(doc: Doc) -> Doc:
    """Label each sentence: section context first, then rule cues, then ``finding``."""
    cues = doc.spans.get("peel_rules", [])
    implied = SECTION_LABELS.get(doc._.section)
    for sent in doc.sents:
        if implied:
            sent._.peel_label, sent._.confidence, sent._.method = implied, SECTION_CONFIDENCE, "section"
            continue
        found = {cue.label_ for cue in cues if cue.start >= sent.start and cue.end <= sent.end}
        label = next((name for name in LABELS if name in found), None)
        if label:
            sent._.peel_label, sent._.confidence, sent._.method = label, RULE_CONFIDENCE[label], "rule"
        else:
            sent._.peel_label, sent._.confidence, sent._.method = "finding", DEFAULT_CONFIDENCE, "default"
    return doc


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The spaCy pipeline used to label sentences (built once per process)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("peel_sentencizer")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "peel_rules", "overwrite": False})
    ruler.add_patterns(
        [{"label": label, "pattern": pattern} for label, patterns in RULE_PATTERNS.items() for pattern in patterns]
    )
    nlp.add_pipe("peel_labeller")
    return nlp


def classify(report: Report) -> LabelledReport:
    """Split every prose block of ``report`` into sentences and label them."""
    nlp = build_nlp()
    docs = []
    for block in report.blocks:
        doc = nlp.make_doc(block.text)
        doc._.section, doc._.question_number = block.section, block.question_number
        docs.append(doc)
    sentences: list[Sentence] = []
    for block, doc in zip(report.blocks, nlp.pipe(docs)):
        sents = list(doc.sents)
        for k, sent in enumerate(sents):
            start = block.char_start + sent.start_char
            end = block.char_start + sent.end_char
            text = sent.text
            # Whitespace between sentences belongs to neither.
            while text and text[-1].isspace():
                text, end = text[:-1], end - 1
            sentences.append(
                Sentence(
                    sentence_id=f"s-{len(sentences) + 1:04d}",
                    question_number=block.question_number,
                    section=block.section,
                    label=sent._.peel_label,
                    confidence=sent._.confidence,
                    method=sent._.method,
                    text=text,
                    char_start=start,
                    char_end=end,
                    truncated=block.truncated and k == len(sents) - 1,
                )
            )
    return LabelledReport(report, sentences)
