"""Classify: split prose blocks into sentences and label each one with spaCy.

The pipeline is ``spacy.blank("en")`` plus four registered components:

- ``peel_sentencizer``: sentence boundaries that keep abbreviations and list items whole;
- ``span_ruler`` (spaCy's own), loaded with the label cue phrases of ``wordings.CUES``;
- ``peel_sentence_classifier``: the trained text classifier (``pipeline/model/textcat``,
  built by ``make train``), scoring each sentence;
- ``peel_labeller``: one label per sentence. In its default ``combined`` mode the
  section the block sits in decides first, then a cue for recommendation, concern or
  grade, then the classifier; ``rules`` and ``model`` modes use one source alone (for
  ``make evaluate``).

Each sentence is one ``Doc``: its words, then context pseudo-tokens (``context_words``:
the section, whether it is a list item and what its list's lead-in asks, whether it is
the first sentence under a question's heading and that question's grade line, the cues
of the sentence before, and the scope of any grade the structure stage's judgments
grammar read in the sentence). The classifier is trained on the same Docs (``make train``),
so it reads a sentence in its context; the labeller reads the context from
``Doc._.context``.
"""
from __future__ import annotations

import gc
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from spacy.attrs import IDX, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.util import compile_prefix_regex, compile_suffix_regex
from spacy.tokens import Doc

from .model import LABELS, Block, LabelledReport, PipelineError, Report, Sentence
from .wordings import (AREAS_DEALT_WITH, CLAUSE_BEFORE_DOER, CONTEXT_CUES, CUES, NEED_AS_NOUN, SHOULD_BE_PRAISED,
                       SHOULD_FOLLOWS, SHOULD_FOLLOWS_FORCE, SUBORDINATORS)

MODEL_DIR = Path(__file__).resolve().parent / "model" / "textcat"
MODES = ("combined", "rules", "model")

# Fixed confidences for decisions that are not a model's probability.
SECTION_CONFIDENCE = 0.95
RULE_CONFIDENCE = {"recommendation": 0.9, "concern": 0.85, "grade": 0.85, "improvement": 0.8}
DEFAULT_CONFIDENCE = 0.6
# How sure the classifier must be of "finding" to overrule an improvement hint
# ("should"): chosen by the leave-forces-out figure (make evaluate --folds 5), each
# fold's classifier trained without its forces.
FINDING_OVERRULES = 0.95

# Labels a list's lead-in gives its items (``Labeller.decide``).
LEAD_IN_LABELS = ("recommendation", "concern", "grade", "improvement")

# Where a sentence the classifier calls a grade without a grade cue may state one: the
# first under a question's heading, an item or clause of a list of judgments (after a
# sentence that grades or judges), an overview's judgments, an ungraded question
# (``Labeller.decide``; chosen by the leave-forces-out figure).
GRADE_PLACES = frozenset({"ctx_first_under_heading", "ctx_prev_none", "ctx_list_item", "ctx_page_overview",
                          "ctx_q_ungraded", "ctx_prev_grade", "ctx_prev_judge"})

#: The context pseudo-token of a grade the judgments grammar read in a sentence, before its
#: scope ("ctx_states_question").
STATES_PREFIX = "ctx_states_"

# A label that a section implies for every sentence in it (LABELS.md: "Labels judge a
# sentence in its context").
SECTION_LABELS = {
    "recommendation": "recommendation",
    "cause_of_concern": "concern",
    "area_for_improvement": "improvement",
    "about_inspection": "finding",
}

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "nos", "para", "paras", "fig", "cf", "vs", "v", "approx", "e.g", "i.e"}
_CLOSERS = {'"', "'", "’", "”", ")", "]"}
_ENDS = {".", "!", "?"}

# Context (its cue words are ``wordings.CONTEXT_CUES``) ------------------------------
_WORD = re.compile(r"[a-z]+")
#: What every context pseudo-token starts with: no word of a report does.
CONTEXT_PREFIX = "ctx_"


def _cues(text: str) -> list[str]:
    words = set(_WORD.findall(text.lower()))
    return [name for name, cue in CONTEXT_CUES.items() if words & cue]


@dataclass(frozen=True)
class Unit:
    """One sentence of a report to be labelled: where it is and its context."""

    block: Block
    start: int  # offsets in block.text
    end: int
    last: bool  # the block's last sentence
    context: tuple[str, ...]
    # The sentence's tokens as its block's Doc has them (whitespace tokens dropped), each
    # with whether a space follows it in ``words``: the tokens ``words`` gives, without
    # tokenizing it again. None where the sentence starts or ends inside a word.
    tokens: tuple[tuple[str, bool], ...] | None = None

    @property
    def words(self) -> str:
        """The sentence on its words alone (a line break of hard-wrapped text is a space)."""
        return " ".join(self.block.text[self.start:self.end].split())

    @property
    def classifier_text(self) -> str:
        """What the classifier reads: the sentence's words, then its context."""
        return " ".join((self.words, *self.context))


def context_words(report: Report, block_index: int, sentence_index: int, previous: str | None,
                  lead_in_rules: dict[int, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """Context pseudo-tokens of sentence ``sentence_index`` of block ``block_index``;
    ``previous`` is the sentence before it under the same heading (None if first);
    ``lead_in_rules`` the cue rules found in each lead-in block (by its index)."""
    blocks = report.blocks
    block = blocks[block_index]
    out = [f"ctx_sec_{block.section}", f"ctx_{block.kind}", f"ctx_page_{report.page_type}"]
    before = blocks[block_index - 1] if block_index else None
    heading_start = before is None or (before.question, before.question_number) != (block.question, block.question_number)
    if heading_start and sentence_index == 0:
        out.append("ctx_first_under_heading")
    if block.question is not None or block.question_number is not None:
        question = next((q for q in report.questions if (block.question_number is not None
                         and q.number == block.question_number) or q.question == block.question), None)
        out.append("ctx_q_graded" if question is not None and question.grade else "ctx_q_ungraded")
    if block.kind == "list_item":
        if before is None or before.kind != "list_item":
            out.append("ctx_first_item")
        lead = _lead_in(blocks, block_index)
        if lead is not None:
            lead_text = blocks[lead].text.rstrip()
            if lead_text.endswith(":"):
                last = _WORD.findall(lead_text[-40:].lower())
                out += ["ctx_leadin_colon", *(f"ctx_leadin_last_{w}" for w in last[-1:])]
                out += [f"ctx_leadin_rule_{rule}" for rule in (lead_in_rules or {}).get(lead, ())]
            out += [f"ctx_leadin_{cue}" for cue in _cues(lead_text[-300:])]
    if previous is None:
        out.append("ctx_prev_none")
    else:
        out += [f"ctx_prev_{cue}" for cue in _cues(previous)]
    return tuple(out)


def _lead_in(blocks: list[Block], index: int) -> int | None:
    """The index of the paragraph a list item's list follows (its lead-in), if any."""
    while index > 0 and blocks[index].kind == "list_item":
        index -= 1
    return None if blocks[index].kind == "list_item" else index


def report_units(nlp: Language, report: Report) -> list[Unit]:
    """Every sentence of ``report``'s prose blocks with its context, in reading order."""
    blocks = report.blocks
    split = _split(nlp, [block.text for block in blocks])
    spans = [block_spans for block_spans, _ in split]
    # The cue rules of each lead-in that ends in ":" (its last sentence): a list takes
    # its role from what its lead-in says ("HMIC recommends ...:", "it needs to:").
    leads = sorted({lead for i, b in enumerate(blocks) if b.kind == "list_item"
                    for lead in [_lead_in(blocks, i)] if lead is not None and blocks[lead].text.rstrip().endswith(":")})
    lead_in_rules = {}
    if leads and "span_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("span_ruler")
        for lead in leads:
            tokens = split[lead][1][-1] if spans[lead] else None
            if tokens is None:
                start, end = spans[lead][-1] if spans[lead] else (0, len(blocks[lead].text))
                doc = ruler(nlp.make_doc(" ".join(blocks[lead].text[start:end].split())))
            else:
                doc = ruler(Doc(nlp.vocab, words=[word for word, _ in tokens]))
            lead_in_rules[lead] = tuple(name for name in CUES
                                        if any(cue.label_ == name for cue in doc.spans.get("peel_rules", [])))
    units: list[Unit] = []
    previous: str | None = None
    stated = [(g.char_start, g.char_end, g.scope) for g in report.grades]
    for i, (block, (block_spans, block_tokens)) in enumerate(zip(blocks, split)):
        if i and (blocks[i - 1].question, blocks[i - 1].question_number) != (block.question, block.question_number):
            previous = None
        for k, ((start, end), tokens) in enumerate(zip(block_spans, block_tokens)):
            a, b = block.char_start + start, block.char_start + end
            # What the judgments grammar read in the sentence: a grade of this scope
            # (chosen by the leave-forces-out figure: grade and improvement gain most).
            states = sorted({f"{STATES_PREFIX}{scope}" for g_start, g_end, scope in stated if g_start < b and a < g_end})
            unit = Unit(block, start, end, k == len(block_spans) - 1,
                        context_words(report, i, k, previous, lead_in_rules) + tuple(states), tokens)
            previous = unit.words
            units.append(unit)
    return units


def _register_extensions() -> None:
    if not Doc.has_extension("section"):
        Doc.set_extension("section", default=None)
        Doc.set_extension("question_number", default=None)
    if not Doc.has_extension("context"):
        Doc.set_extension("context", default=())
    for name in ("peel_label", "confidence", "method", "asks"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


_register_extensions()


def _joined_sentences(before: str, after: str) -> bool:
    """Whether a stop with no space after it still ends a sentence: a typo joining two
    ("... abandoned calls.This has been addressed."), a word of three or more lower-case
    letters before it and a capitalised word after (not "e.g.The", a web address or "2.5")."""
    return len(before) >= 3 and before.isalpha() and before.islower() and len(after) >= 2 and after.istitle() \
        and after.isalpha()


@Language.component("peel_sentencizer")
def peel_sentencizer(doc: Doc) -> Doc:
    """Start a sentence after ., ! or ? (and any closing quote) before a capital or digit."""
    if not len(doc):
        return doc
    strings = doc.vocab.strings
    orth, space = doc.to_array([ORTH, SPACY]).T
    starts = numpy.full(len(doc), -1, dtype="int64")
    starts[0] = 1
    stops = numpy.zeros(len(doc), dtype=bool)
    for end in _ENDS:  # three comparisons cost less than numpy.isin's sorting
        stops |= orth == strings.add(end)
    for j in numpy.flatnonzero(stops):
        i = j + 1
        while i < len(doc) and not space[i - 1] and strings[int(orth[i])] in _CLOSERS:
            i += 1
        # Spaces after the stop: a plain space, or tokens of their own (a double space,
        # a no-break space, the "Â" of a no-break space read as Windows-1252).
        spaced = i < len(doc) and bool(space[i - 1])
        while i < len(doc) and (strings[int(orth[i])].isspace() or strings[int(orth[i])] == "Â"):
            spaced = True
            i += 1
        if j == 0 or i >= len(doc):
            continue
        if not spaced and not _joined_sentences(strings[int(orth[j - 1])], strings[int(orth[i])]):
            continue
        before = strings[int(orth[j - 1])].lower()
        if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
            continue
        first = strings[int(orth[i])][0]
        if first.isupper() or first.isdigit() or first in "‘“'\"(":
            starts[i] = 1
    doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
    return doc


def _cue_label(doc: Doc, cue) -> str:
    """The label a cue span gives: "... should" in a subordinate clause ("where the force
    should improve") or saying what is to follow ("The constabulary should see the
    benefits", "It should be noted") is only a hint; a bare "should" saying what a change
    should bring ("This should help it ..."), "the need to" (a noun) and "should be
    commended" (praise) give none."""
    after = doc[cue.end].lower_ if cue.end < len(doc) else ""
    if cue.label_ == "improvement" and cue[0].lower_ in ("need", "needs") and cue.start > 0 \
            and doc[cue.start - 1].lower_ in NEED_AS_NOUN \
            and not (cue[0].lower_ == "needs" and doc[cue.start - 1].lower_ in ("this", "that")):
        return "noun"  # no label: "the need to respond quickly" (but "this needs to be updated" asks)
    if cue[-1].lower_ == "should" and after == "be" and cue.end + 1 < len(doc) \
            and doc[cue.end + 1].lower_ in SHOULD_BE_PRAISED:
        return "praise"  # no label: "The force should be commended for ..."
    if cue.label_ == "improvement_hint" and cue.text.lower() == "should" and after in SHOULD_FOLLOWS:
        return "consequence"  # no label: what a change should bring
    if cue.text.lower() == "should" and after in ("they", "it", "there", "this", "these"):
        return "conditional"  # no label: "..., should they be approved"
    if cue.text.lower() == "should" and cue.start > 1 and doc[cue.start - 1].lower_ in ("that", "which", "who") \
            and _ends_noun(doc[cue.start - 2]):
        return "relative"  # no label: "nine policing principles that should be applied by all officers"
    if cue.label_ == "improvement_hint" and cue[-1].lower_ == "improvement" and any(
            token.lower_.startswith(AREAS_DEALT_WITH) for token in _clause_before(doc, cue.start, 4)):
        return "dealt_with"  # no label: earlier areas for improvement, addressed
    needs = cue[0].lower_ in ("need", "needs", "must")
    modal = cue[-1].lower_ == "should" or needs
    if cue.label_ == "improvement" and needs and _describes_thing(doc, cue.start):
        return "relative"  # no label: "the services it needs to provide"
    if cue.label_ == "recommendation" and cue[-1].lower_ == "recommended" and cue.start > 0 \
            and _ends_noun(doc[cue.start - 1]):
        return "relative"  # no label: "failed to make the improvements we recommended in ..."
    if cue.label_ == "improvement" and modal:
        if cue[-1].lower_ == "should" and after in SHOULD_FOLLOWS_FORCE:
            return "improvement_hint"
        # A subordinator up to three words before, within the clause ("where the force
        # should", "which crimes it should", "what skills it needs to", "what it must do"):
        # the sentence describes what is needed, it need not ask for it.
        if any(token.lower_ in SUBORDINATORS for token in _clause_before(doc, cue.start, 3)):
            return "improvement_hint"
    return cue.label_


def _clause_before(doc: Doc, start: int, size: int) -> list:
    """Up to ``size`` tokens before token ``start``, nearest first, stopping at punctuation."""
    out = []
    for token in reversed(doc[max(0, start - size):start]):
        if token.is_punct:
            break
        out.append(token)
    return out


def _describes_thing(doc: Doc, start: int) -> bool:
    """Whether the "it/they [will] need(s) to" or "it must" at token ``start`` is a clause
    describing the noun before it ("the skills they need to ..."), not the force's own."""
    at = start - 1
    if at > 0 and doc[at].lower_ in ("will", "would", "may", "might"):
        at -= 1
    if at > 1 and doc[at].lower_ in ("workforce", "staff", "officers") and doc[at - 1].lower_ in ("its", "their"):
        at -= 1  # "the skills its workforce will need to meet that future demand"
    elif at < 1 or doc[at].lower_ not in ("it", "they"):
        return False
    return _ends_noun(doc[at - 1])


def _ends_noun(before) -> bool:
    """Whether the word before a clause's doer can be the noun the clause describes (not a
    conjunction, adverb or verb of saying whose object the clause is)."""
    return before.is_alpha and before.is_lower and before.lower_ not in CLAUSE_BEFORE_DOER


class Labeller:
    """One label per sentence from section context, cue rules and the classifier."""

    def __init__(self, mode: str):
        if mode not in MODES:
            raise ValueError(f"peel_labeller mode must be one of {MODES}, not {mode!r}")
        self.mode = mode

    def __call__(self, doc: Doc) -> Doc:
        cues = doc.spans.get("peel_rules", [])
        # The inspectorate on its own work ("we can state ... where ... improvement is
        # needed", "we link our judgments to causes of concern"): the words of improvement
        # or concern after it in the sentence decide nothing.
        own_work = min((cue.start for cue in cues if cue.label_ == "inspection"), default=len(doc))
        found = {label for cue in cues for label in [_cue_label(doc, cue)]
                 if not ((label.startswith("improvement") or label == "concern") and cue.start >= own_work)}
        cats = doc.cats if doc.cats else None
        ext = doc._  # each ``doc._`` makes an object: once per Doc
        ext.peel_label, ext.confidence, ext.method = self.decide(
            SECTION_LABELS.get(ext.section), found, cats, ext.context,
            asks=_asks(doc) if ext.asks is None else ext.asks)
        if own_work < len(doc) and cats and ext.method == "model" and ext.peel_label in ("concern", "improvement"):
            # Nor do they for the classifier: the sentence says what the inspection does.
            ext.peel_label, ext.confidence = "finding", cats["finding"]
        return doc

    def decide(self, implied: str | None, found: set[str], cats: dict | None,
               context: tuple[str, ...] = (), asks: bool = False) -> tuple[str, float, str]:
        """(label, confidence, method) for one sentence; ``asks``: it is a question."""
        if self.mode == "model":
            label = max(LABELS, key=lambda name: cats[name])
            return label, cats[label], "model"
        if implied:
            return implied, SECTION_CONFIDENCE, "section"
        # An item of a list whose lead-in recommends, is concerned, grades or asks for
        # improvement ("it needs to:") says what its lead-in says.
        lead = next((name for name in LEAD_IN_LABELS if f"ctx_leadin_rule_{name}" in context), None)
        if lead and "ctx_list_item" in context and not found & {"recommendation", "concern"}:
            return lead, RULE_CONFIDENCE[lead], "rule"
        # An item with no cue of its own after a lead-in that has none ("The constabulary
        # introduced a framework to manage and monitor:", "This allows it to:") says what
        # its lead-in says: a finding.
        plain_list = "ctx_list_item" in context and "ctx_leadin_colon" in context and not found \
            and not any(word.startswith("ctx_leadin_rule_") for word in context)
        hint = "improvement_hint" in found
        rule = next((name for name in LABELS if name in found), None)
        if self.mode == "rules" or cats is None:
            rule = rule or ("improvement" if hint else None)
            if rule:
                return rule, RULE_CONFIDENCE[rule], "rule"
            return "finding", DEFAULT_CONFIDENCE, "default"
        label = max(LABELS, key=lambda name: cats[name])
        if plain_list and label == "improvement":
            return "finding", cats["finding"], "model"
        if rule in ("recommendation", "concern"):
            return rule, RULE_CONFIDENCE[rule], "rule"
        if label == "grade":
            # A judgment with no grade cue ("has a good understanding of demand") is a
            # grade only where a judgment is stated (LABELS.md, adjectival judgments), or
            # where the judgments grammar read one in it ("In 2017, we judged South
            # Yorkshire Police as good at ...").
            # A question ("How good is the force at protecting vulnerable people?") states none.
            if rule == "grade" or (not asks and (not GRADE_PLACES or set(context) & GRADE_PLACES
                                                 or any(word.startswith(STATES_PREFIX) for word in context))):
                return label, cats[label], "model"
            label = max((name for name in LABELS if name != "grade"), key=lambda name: cats[name])
        if rule in ("grade", "improvement"):
            return rule, RULE_CONFIDENCE[rule], "rule"
        # "should" often describes what a change should bring: the classifier may
        # overrule that hint when it is sure of a finding.
        if hint and not (label == "finding" and cats[label] > FINDING_OVERRULES):
            return "improvement", RULE_CONFIDENCE["improvement"], "rule"
        return label, cats[label], "model"


def _asks(doc: Doc) -> bool:
    """Whether the sentence's words (before its context pseudo-tokens) end in a question
    mark: for a Doc made without ``Doc._.asks`` (``classify`` sets it from the text)."""
    last = None
    for token in doc:
        if token.text.startswith(CONTEXT_PREFIX):
            break
        last = token
    return last is not None and last.text == "?"


@Language.factory("peel_labeller", default_config={"mode": "combined"})
def make_labeller(nlp: Language, name: str, mode: str) -> Labeller:
    return Labeller(mode)


def load_classifier(path: Path = MODEL_DIR) -> Language:
    """The trained sentence classifier (``make train`` builds it), loaded by path."""
    if not (path / "config.cfg").is_file():
        raise PipelineError(f"sentence classifier not found at {path}: run `make train`")
    return spacy.load(path)


@lru_cache(maxsize=4)
def build_nlp(mode: str = "combined", model: Path = MODEL_DIR) -> Language:
    """The spaCy pipeline used to label sentences (built once per process and mode).

    ``peel_sentencizer`` splits a block into sentences; the other components label one
    sentence per Doc (``classify`` runs the two steps).
    """
    nlp = spacy.blank("en")
    # A stray "Â" (a no-break space read as Windows-1252) is split off like punctuation,
    # so "HMIC.Â" still ends a sentence.
    nlp.tokenizer.suffix_search = compile_suffix_regex([*nlp.Defaults.suffixes, "Â"]).search
    nlp.tokenizer.prefix_search = compile_prefix_regex([*nlp.Defaults.prefixes, "Â"]).search
    nlp.add_pipe("peel_sentencizer")
    ruler = nlp.add_pipe(
        "span_ruler", config={"spans_key": "peel_rules", "overwrite": False, "phrase_matcher_attr": "LOWER"}
    )
    ruler.add_patterns(
        [{"label": label, "pattern": pattern} for label, patterns in CUES.items() for pattern in patterns]
    )
    if mode != "rules":
        nlp.add_pipe("textcat", source=load_classifier(model))
    nlp.add_pipe("peel_labeller", config={"mode": mode})
    _BUILT_WITH[nlp] = len(nlp.vocab.strings)
    return nlp


#: Each built pipeline's vocabulary size as built, for ``_pipeline`` (not in ``nlp.meta``,
#: which works out every component's labels each time it is read).
_BUILT_WITH: "weakref.WeakKeyDictionary[Language, int]" = weakref.WeakKeyDictionary()


#: New strings a pipeline may learn (each with its lexeme and tokenizer cache entries,
#: about a kilobyte) before it is built afresh: spaCy's vocabulary only grows, so a
#: long run of distinct reports would otherwise grow by some kilobytes a report.
#: Labels do not depend on it: every feature is a hash of a token's text.
VOCABULARY_GROWTH = 8_000


def _pipeline(mode: str, model: Path) -> Language:
    """``build_nlp``'s pipeline, built afresh once its vocabulary has grown by
    ``VOCABULARY_GROWTH`` strings."""
    nlp = build_nlp(mode, model)
    if len(nlp.vocab.strings) - _BUILT_WITH.get(nlp, 0) > VOCABULARY_GROWTH:
        del nlp
        build_nlp.cache_clear()
        # Its parts hold each other: collected now, its memory serves the next one.
        gc.collect()
        nlp = build_nlp(mode, model)
    return nlp


def split_sentences(nlp: Language, texts: list[str]) -> list[list[tuple[int, int]]]:
    """Sentence (start, end) offsets for each text, trailing whitespace excluded."""
    return [spans for spans, _ in _split(nlp, texts)]


Tokens = tuple[tuple[str, bool], ...]


def _split(nlp: Language, texts: list[str]) -> list[tuple[list[tuple[int, int]], list[Tokens | None]]]:
    """Each text's sentences: their (start, end) offsets, trailing whitespace excluded,
    and their tokens (``Unit.tokens``), from one tokenization of the text."""
    out = []
    vocab = nlp.vocab
    strings = vocab.strings
    with nlp.select_pipes(enable=["peel_sentencizer"]):
        for text, doc in zip(texts, nlp.pipe(texts)):
            # Read the boundaries as arrays: iterating doc.sents (or doc.text) makes every
            # token an object.
            starts, offsets, orths = doc.to_array([SENT_START, IDX, ORTH]).T
            first = [int(i) for i in numpy.flatnonzero(starts == 1)]
            words = [strings[int(orth)] for orth in orths]
            # A word the vocabulary lacks the tokenizer makes afresh for each Doc it is in
            # (and does not cache its text): kept, it is made once, for the sentence Docs
            # and every later text. Its attributes are the same either way.
            for word in set(words):
                if word not in vocab:
                    vocab[word]  # noqa: B018 - adds it
            offsets = [int(offset) for offset in offsets]
            spans, tokens = [], []
            for a, b in zip(first, first[1:] + [len(doc)]):
                start, end = offsets[a], offsets[b] if b < len(doc) else len(text)
                while end > start and (text[end - 1].isspace() or text[end - 1] == "Â"):
                    end -= 1
                spans.append((start, end))
                tokens.append(_tokens(text, start, end, words[a:b], offsets[a:b]))
            out.append((spans, tokens))
    return out


def _tokens(text: str, start: int, end: int, words: list[str], offsets: list[int]) -> Tokens | None:
    """The tokens of ``text[start:end]`` on its words alone, from its block's tokens.

    spaCy tokenizes each run of non-space characters on its own, so the words of a
    sentence that starts and ends at such a run's edges are the block's tokens there,
    whitespace tokens dropped. None otherwise (a stop run into the next word, a trailing
    "Â" trimmed off), for the caller to tokenize the words.
    """
    if (start and not text[start - 1].isspace()) or (end < len(text) and not text[end].isspace()):
        return None
    out = []
    for word, offset in zip(words, offsets):
        after = offset + len(word)
        if after > end or word.isspace():
            continue
        out.append((word, after == end or text[after].isspace()))
    return tuple(out)


def sentence_doc(nlp: Language, unit: Unit, context_tokens: dict[str, list[str]]) -> Doc:
    """The Doc the classifier reads for ``unit``: the tokens of ``unit.classifier_text``,
    built from the block's tokens where it has them; ``context_tokens`` memoizes how
    the tokenizer splits each context pseudo-token."""
    if unit.tokens is None or not unit.tokens:
        return nlp.make_doc(unit.classifier_text)
    words = [word for word, _ in unit.tokens]
    spaces = [space for _, space in unit.tokens]
    spaces[-1] = True  # the context follows
    for name in unit.context:
        split = context_tokens.get(name)
        if split is None:
            split = context_tokens[name] = [token.text for token in nlp.tokenizer(name)]
        words += split
        spaces += [False] * (len(split) - 1) + [True]
    spaces[-1] = False
    return Doc(nlp.vocab, words=words, spaces=spaces)


def classify(report: Report, mode: str = "combined", model: Path = MODEL_DIR) -> LabelledReport:
    """Split every prose block of ``report`` into sentences and label them (with the
    classifier at ``model``: the shipped one, or one trained for an evaluation)."""
    nlp = _pipeline(mode, model)
    units = report_units(nlp, report)
    docs = []
    context_tokens: dict[str, list[str]] = {}
    for unit in units:
        doc = sentence_doc(nlp, unit, context_tokens)
        ext = doc._
        ext.section, ext.question_number = unit.block.section, unit.block.question_number
        ext.context = unit.context
        ext.asks = unit.block.text[unit.start:unit.end].rstrip().endswith("?")
        docs.append(doc)
    sentences: list[Sentence] = []
    with nlp.select_pipes(disable=["peel_sentencizer"]):
        for unit, doc in zip(units, nlp.pipe(docs)):
            block, start, end, last = unit.block, unit.start, unit.end, unit.last
            ext = doc._
            sentences.append(
                Sentence(
                    sentence_id=f"s-{len(sentences) + 1:04d}",
                    question_number=block.question_number,
                    section=block.section,
                    label=ext.peel_label,
                    confidence=ext.confidence,
                    method=ext.method,
                    text=block.text[start:end],
                    char_start=block.char_start + start,
                    char_end=block.char_start + end,
                    truncated=block.truncated and last,
                )
            )
    return LabelledReport(report, sentences)
