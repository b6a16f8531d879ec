"""Classify: sentence splitting and labels against the annotated Cambridgeshire sentences."""
from __future__ import annotations

from collections import Counter

import pytest

from pipeline.classify import build_nlp, split_sentences
from pipeline.evaluate import Scores, prf, score_sentences
from pipeline.model import LABELS


def _split(text: str) -> list[str]:
    (spans,) = split_sentences(build_nlp("rules"), [text])
    return [text[start:end] for start, end in spans]


def test_pipeline_components_are_registered_and_visible():
    assert build_nlp().pipe_names == ["peel_sentencizer", "span_ruler", "textcat", "peel_labeller"]
    assert build_nlp("rules").pipe_names == ["peel_sentencizer", "span_ruler", "peel_labeller"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Forces such as Kent, e.g. in Medway, do well. The force should act.",
         ["Forces such as Kent, e.g. in Medway, do well.", "The force should act."]),
        ("It was led by Mr. Smith and Dr. Jones. Officers agreed.",
         ["It was led by Mr. Smith and Dr. Jones.", "Officers agreed."]),
        ("Victims said ‘we were not told.’ The force has since changed this.",
         ["Victims said ‘we were not told.’", "The force has since changed this."]),
        ("See para. 4 of the report. There are 3.5 million people in the area.",
         ["See para. 4 of the report.", "There are 3.5 million people in the area."]),
        ("the use of domestic violence protection orders to safeguard victims; and",
         ["the use of domestic violence protection orders to safeguard victims; and"]),
    ],
    ids=["e.g.", "titles", "quote", "numbers", "list-item"],
)
def test_sentence_splitter_keeps_abbreviations_and_list_items_whole(text, expected):
    assert _split(text) == expected


def test_every_annotated_sentence_is_found_exactly_once(cambridgeshire, cambridgeshire_sentences):
    text = cambridgeshire.report.source.text
    got = [s.text for s in cambridgeshire.sentences]
    assert got == [s["text"] for s in cambridgeshire_sentences]
    assert Counter(got)["HMIC judges that overall Cambridgeshire Constabulary requires improvement in the way it "
                        "keeps people safe and reduces crime."] == 2
    for sentence in cambridgeshire.sentences:
        assert text[sentence.char_start:sentence.char_end] == sentence.text
    assert len({s.sentence_id for s in cambridgeshire.sentences}) == len(got)


def test_labels_agree_with_annotation(cambridgeshire, cambridgeshire_sentences):
    scores = Scores()
    score_sentences(cambridgeshire, cambridgeshire_sentences, scores, "cambridgeshire")
    f1 = {label: prf(scores.labels[label])[2] for label in LABELS}
    assert sum(f1.values()) / len(f1) >= 0.95, f1
    assert min(f1.values()) >= 0.9, f1


def test_section_context_decides_list_items(cambridgeshire):
    by_section = {}
    for s in cambridgeshire.sentences:
        by_section.setdefault(s.section, set()).add((s.label, s.method))
    assert by_section["recommendation"] == {("recommendation", "section")}
    assert by_section["cause_of_concern"] == {("concern", "section")}
    assert by_section["area_for_improvement"] == {("improvement", "section")}


@pytest.mark.parametrize(
    "sentence, label",
    [
        ("HMIC recommends that the force should immediately review its approach.", "recommendation"),
        ("However, HMIC is concerned that a lack of positive action is putting victims at risk.", "concern"),
        ("HMIC judges that overall Kent Police requires improvement in the way it keeps people safe.", "grade"),
        ("Essex Police is good at preventing crime and keeping people safe.", "grade"),
        ("This is a worse position than in 2014 when HMIC judged the constabulary as good.", "grade"),
        ("The force needs to improve its approach to investigations.", "improvement"),
        ("Officers and staff work well with other organisations.", "finding"),
    ],
)
def test_rule_cues_label_prose(sentence, label):
    doc = build_nlp("rules")(sentence)
    assert doc._.peel_label == label
    assert doc._.method == ("default" if label == "finding" else "rule")
    assert 0 < doc._.confidence <= 1
