"""The classifier reads a sentence in its context; reviewers' corrected labels train it."""
from __future__ import annotations

import shutil

import pytest
import spacy
from spacy.tokens import DocBin

from pipeline import readers, structure, training
from pipeline.classify import CONTEXT_PREFIX, build_nlp, report_units
from pipeline.runner import process

from conftest import CAMBRIDGESHIRE

HEADER = "report_id,table,key,field,value,reviewer,reason\n"


def _units(text: str, tmp_path):
    path = tmp_path / "essex-peel-2016-effectiveness.txt"
    path.write_text(text, "utf-8")
    report = structure.parse(readers.read(path))
    return {u.words: u.context for u in report_units(build_nlp("rules"), report)}


def test_context_says_section_list_lead_in_and_place_under_the_heading(tmp_path):
    (cambridgeshire,) = [f for f in training.annotated_files() if f.source == CAMBRIDGESHIRE]
    report = structure.parse(readers.read(CAMBRIDGESHIRE))
    units = report_units(build_nlp("rules"), report)
    assert all(word.startswith(CONTEXT_PREFIX) for u in units for word in u.context)
    items = [u for u in units if u.block.section == "recommendation" and u.block.kind == "list_item"]
    assert items and all({"ctx_sec_recommendation", "ctx_list_item", "ctx_leadin_recommend"} <= set(u.context)
                         for u in items)
    assert sum("ctx_first_item" in u.context for u in items) >= 1
    firsts = [u for u in units if "ctx_first_under_heading" in u.context]
    assert firsts and all("ctx_prev_none" in u.context for u in firsts)
    assert all(u.context[0] == f"ctx_sec_{u.block.section}" for u in units)


def test_training_reads_each_sentence_as_the_pipeline_does(corpus):
    """Training examples are the Docs classify gives the classifier, context and all."""
    for annotated in [f for f in training.annotated_files() if f.force == "wiltshire"][:3]:
        report = structure.parse(readers.read(annotated.source))
        runtime = {(u.block.char_start + u.start, u.block.char_start + u.end): u.classifier_text
                   for u in report_units(build_nlp("rules"), report)}
        text = report.source.text
        pos = 0
        for (example, label), sentence in zip(annotated.examples(), annotated.sentences()):
            start = text.find(sentence["text"], pos)
            pos = start + len(sentence["text"])
            assert runtime[(start, pos)] == example
            assert label == sentence["label"]


@pytest.fixture(scope="module")
def trained_force_input(tmp_path_factory, corpus):
    """An input folder holding one corpus text of a force that trains the model, processed."""
    annotated = next(f for f in training.files_in("train") if f.path.parent.name == "annotated")
    folder = tmp_path_factory.mktemp("inputs")
    shutil.copy(annotated.source, folder / annotated.source.name)
    (labelled,) = process([folder]).reports
    return folder, labelled


def _correct(path, labelled, sentence, label):
    path.write_text(HEADER + f"{labelled.report.report_id},sentences,{sentence.key},label,{label},ann,wrong\n",
                    "utf-8")
    return path


def _docs(folder):
    nlp = spacy.blank("en")
    return [(doc.text, max(doc.cats, key=doc.cats.get)) for doc in
            DocBin().from_disk(folder / "train.spacy").get_docs(nlp.vocab)]


def test_a_corrected_label_changes_the_next_training_data(tmp_path, trained_force_input):
    folder, labelled = trained_force_input
    sentence = next(s for s in labelled.sentences if s.label == "finding")
    corrections = _correct(tmp_path / "corrections.csv", labelled, sentence, "improvement")
    examples = training.correction_examples(corrections, (folder,))
    assert len(examples) == 1
    text, label = examples[0]
    assert label == "improvement" and text.startswith(" ".join(sentence.text.split()) + " ctx_sec_")

    before = training.write_docbins(tmp_path / "before", corrections=None, inputs=(folder,))
    after = training.write_docbins(tmp_path / "after", corrections=corrections, inputs=(folder,))
    assert after == {**before, "train": before["train"] + 1}
    old = set(_docs(tmp_path / "before"))
    assert [doc for doc in _docs(tmp_path / "after") if doc not in old] == [(text, "improvement")]
    # The same file gives the same data.
    assert training.correction_examples(corrections, (folder,)) == examples


def test_corrections_never_train_a_model_scored_on_them(tmp_path, trained_force_input):
    folder, labelled = trained_force_input
    sentence = labelled.sentences[0]
    corrections = _correct(tmp_path / "corrections.csv", labelled, sentence, "concern")
    force = training.force_of(labelled.report.report_id)
    assert training.correction_examples(corrections, (folder,), held_out=frozenset({force})) == []
    # The test forces' reports (Cambridgeshire in raw/) are never corrected into training.
    (cambridgeshire,) = process([CAMBRIDGESHIRE]).reports
    corrections = _correct(tmp_path / "test.csv", cambridgeshire, cambridgeshire.sentences[0], "concern")
    assert training.correction_examples(corrections, (CAMBRIDGESHIRE,)) == []


def test_unusable_or_unmatched_corrections_add_nothing(tmp_path, trained_force_input):
    folder, labelled = trained_force_input
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + f"{labelled.report.report_id},sentences,s-0000000000,label,concern,ann,gone\n"
                    f"{labelled.report.report_id},sentences,{labelled.sentences[0].key},label,nonsense,ann,typo\n",
                    "utf-8")
    assert training.correction_examples(path, (folder,)) == []
    assert training.correction_examples(tmp_path / "missing.csv", (folder,)) == []
