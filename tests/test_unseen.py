"""Measuring on pages the pipeline was not written against: the forces added to the
corpus later, and leave-forces-out folds whose classifier never saw their forces."""
from __future__ import annotations

from pipeline import evaluate, training
from pipeline.evaluate import ADDED_FORCES, corpus_pairs, folds, force_of_text, split_by_added


def test_folds_deal_every_force_into_exactly_one_fold(corpus):
    pairs = corpus_pairs(corpus)
    dealt = folds(pairs, 5)
    forces = [force for fold in dealt for force in fold]
    assert len(dealt) == 5 and len(forces) == len(set(forces))
    assert set(forces) == {force_of_text(p[0]) for p in pairs}
    assert folds(pairs, 5) == dealt  # the same folds every run
    assert max(map(len, dealt)) - min(map(len, dealt)) <= 1


def test_a_folds_classifier_is_trained_without_its_forces(corpus):
    for fold in folds(corpus_pairs(corpus), 5):
        parts = training.parts(frozenset(fold))
        seen = {f.force for files in parts.values() for f in files}
        assert not seen & set(fold), fold
        assert parts["train"] and parts["dev"]
        # Every annotated force outside the fold is used, the split's test forces included.
        assert seen == {f.force for f in training.annotated_files()} - set(fold)


def test_the_shipped_split_is_unchanged_without_a_fold():
    parts = training.parts()
    assert parts["train"] == training.files_in("train") and parts["dev"] == training.files_in("dev")


def test_the_added_forces_are_the_corpus_readme_s(corpus):
    readme = (corpus / "README.md").read_text("utf-8")
    original, added = split_by_added(corpus_pairs(corpus))
    assert {force_of_text(p[0]) for p in added} == set(ADDED_FORCES)
    assert len(added) == 98 and len(original) == 137
    for force in ADDED_FORCES:
        assert force.replace("-", " ").split()[0] in readme.lower()


def test_headline_figures_say_n_a_where_nothing_was_scored():
    empty = evaluate.headline(evaluate.Scores())
    assert set(empty.values()) == {None}
    scores = evaluate.Scores()
    scores.check("question_grades", True)
    scores.check("question_grades", False)
    assert evaluate.headline(scores)["question_grades"] == 0.5
    both = evaluate.combine([scores, scores])
    assert (both.totals["question_grades"], both.fields["question_grades"]) == (4, 2)


def test_annotations_not_yet_trained_on_are_exact_and_labelled(corpus):
    """train/pending: every corpus text that had no sentence annotation, annotated by LABELS.md."""
    from pipeline.model import LABELS

    pending = sorted(training.PENDING_DIR.glob("*.jsonl"))
    annotated = {p.stem for p in pending} | {f.name for f in training.annotated_files()} | \
        {p.stem for p in (corpus / "gold_sentences").glob("*.jsonl")}
    assert annotated >= {p.stem for p in (corpus / "texts").glob("*.txt")}  # every corpus text has one
    assert not {p.stem for p in pending} & {f.name for f in training.annotated_files()}  # never trained on
    for path in pending:
        source = (corpus / "texts" / f"{path.stem}.txt").read_text("utf-8")
        pos = 0
        for line in path.read_text("utf-8").splitlines():
            sentence = __import__("json").loads(line)
            assert sentence["label"] in LABELS, (path.name, sentence)
            found = source.find(sentence["text"], pos)
            assert found >= 0 and sentence["text"] == sentence["text"].strip(), (path.name, sentence["text"][:60])
            pos = found + len(sentence["text"])


def test_reliability_bins_confidence_against_accuracy():
    pairs = [(0.95, True)] * 9 + [(0.95, False)] + [(0.55, True)] * 2 + [(0.55, False)] * 2 + [(1.0, True)]
    rows, error = evaluate.reliability(pairs)
    by_bin = {name: (n, c, a) for name, n, c, a in rows}
    assert by_bin["0.9-1.0"][0] == 11 and by_bin["0.5-0.6"] == (4, 0.55, 0.5)
    assert by_bin["0.0-0.5"] == (0, None, None)
    expected = 11 / 15 * abs(10 / 11 - (0.95 * 10 + 1.0) / 11) + 4 / 15 * abs(0.5 - 0.55)
    assert abs(error - expected) < 1e-12
    assert evaluate.reliability([]) == ([(n, 0, None, None) for n, *_ in rows], None)
