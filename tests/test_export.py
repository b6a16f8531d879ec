"""Export: tables and JSON trace to the source, load cleanly and are deterministic."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline import export
from pipeline.runner import process_file

from conftest import CAMBRIDGESHIRE, ROOT


@pytest.fixture(scope="module")
def written(tmp_path_factory, cambridgeshire):
    out = tmp_path_factory.mktemp("out") / "processed"
    export.write([cambridgeshire], out)
    return out


def _read(out, name):
    return pd.read_csv(out / name, encoding="utf-8-sig", keep_default_na=False, dtype=str)


def test_writes_every_table_and_the_json(written):
    from pipeline import publish

    names = sorted(p.name for p in written.iterdir())
    assert names == sorted(["reports.csv", *export.TABLES, "grades_by_force.csv", *publish.FILES, "json"])
    assert [p.name for p in (written / "json").iterdir()] == ["cambridgeshire-2015-effectiveness.json"]


def test_reports_table(written, cambridgeshire_gold):
    (row,) = _read(written, "reports.csv").to_dict("records")
    gold = cambridgeshire_gold["report"]
    assert row["report_id"] == "cambridgeshire-2015-effectiveness"
    for key in ("force", "peel_year", "pillar", "title", "headline_question", "last_updated", "overall_grade"):
        assert row[key] == gold[key]
    assert row["source_file"] == CAMBRIDGESHIRE.name
    assert len(row["source_sha256"]) == 64


def test_every_row_traces_to_its_source_text(written):
    source = CAMBRIDGESHIRE.read_text("utf-8")
    for name in export.TABLES:
        frame = _read(written, name)
        assert len(frame), name
        for row in frame.to_dict("records"):
            stated = row["question"] if name == "questions.csv" else row["text"]
            assert source[int(row["char_start"]):int(row["char_end"])] == stated, (name, row)
    for row in _read(written, "recommendations.csv").to_dict("records"):
        assert source[int(row["lead_in_char_start"]):int(row["lead_in_char_end"])] == row["lead_in"]


def test_question_numbers_are_integers_or_empty(written):
    sentences = _read(written, "sentences.csv")
    assert set(sentences["question_number"]) == {"", "1", "2", "3", "4"}
    assert set(sentences["label"]) <= {"recommendation", "concern", "grade", "improvement", "finding"}
    grades = _read(written, "grades.csv")
    assert list(grades["question_number"]) == ["", "1", "2", "3", "4", "4"]  # (the last, an aspect of question 4)


def test_json_nests_items_under_their_questions(written, cambridgeshire):
    doc = json.loads((written / "json" / "cambridgeshire-2015-effectiveness.json").read_text("utf-8"))
    assert doc["report"]["overall_grade"] == "requires_improvement"
    q3 = doc["questions"][2]
    assert q3["number"] == 3 and q3["grade"] == "requires_improvement"
    # Items carry their question's key: the join needs no wording.
    assert {r["question_key"] for r in q3["recommendations"]} == {q3["question_key"]}
    assert q3["question_key"] == f"cambridgeshire-2015-effectiveness/{q3['key']}"
    assert len(q3["recommendations"]) == 4 and len(q3["causes_of_concern"]) == 1
    assert sum(len(q["areas_for_improvement"]) for q in doc["questions"]) == 5
    assert len(doc["sentences"]) == len(cambridgeshire.sentences)


def test_second_run_writes_identical_bytes(written, tmp_path):
    again = tmp_path / "again"
    export.write([process_file(CAMBRIDGESHIRE)], again)
    for path in written.rglob("*"):
        if path.is_file():
            assert (again / path.relative_to(written)).read_bytes() == path.read_bytes(), path.name


def test_replaces_previous_outputs_whole(tmp_path, cambridgeshire):
    out = tmp_path / "processed"
    out.mkdir()
    (out / "stale.csv").write_text("old")
    export.write([cambridgeshire], out)
    assert not (out / "stale.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]  # no staging folders left


def test_committed_outputs_are_what_the_pipeline_writes_now(tmp_path):
    """processed/ is what `make pipeline` writes from raw/ (the change log and manifest aside)."""
    from click.testing import CliRunner

    from pipeline.cli import main

    fresh = tmp_path / "processed"
    result = CliRunner().invoke(main, ["run", str(ROOT / "raw"), "--out", str(fresh),
                                       "--corrections", str(ROOT / "corrections.csv")])
    assert result.exit_code == 0, result.stderr
    history = {"changes.csv", ".manifest.json"}  # a log of earlier runs, and their fingerprint
    committed = ROOT / "processed"
    ours = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file() and p.name not in history)
    theirs = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file() and p.name not in history)
    assert theirs == ours, "processed/ has other files than a run writes: run `make pipeline`"
    for rel in ours:
        assert (committed / rel).read_bytes() == (fresh / rel).read_bytes(), (
            f"processed/{rel} is stale: run `make pipeline` and commit processed/"
        )


def test_published_files_are_ours_and_a_rerun_mends_them(tmp_path):
    """The database, workbook and data package go through the same staging and manifest as the tables."""
    from pipeline import publish, runner

    out = tmp_path / "processed"
    runner.run([CAMBRIDGESHIRE], out)
    manifest = json.loads((out / ".manifest.json").read_text("utf-8"))
    assert set(publish.FILES) | {"grades_by_force.csv"} <= set(manifest["outputs"])
    before = {name: (out / name).read_bytes() for name in publish.FILES}
    assert runner.run([CAMBRIDGESHIRE], out).unchanged
    (out / publish.WORKBOOK).unlink()
    (out / publish.DATABASE).write_bytes(b"edited by hand")
    assert not runner.run([CAMBRIDGESHIRE], out).unchanged
    assert {name: (out / name).read_bytes() for name in publish.FILES} == before
    assert not list(tmp_path.glob(".processed.new-*"))  # no staging folder left behind


def test_json_documents_are_written_as_json_dumps_writes_them(cambridgeshire, corpus):
    # export.indented_json stands in for json.dumps(indent=1), whose Python encoder is slow.
    documents = [export.document(cambridgeshire)]
    documents += [export.document(process_file(p)) for p in sorted((corpus / "texts").glob("*.txt"))[::25]]
    tricky = {"text": ["", "\u2028’é\t\"\\", "\x00\x1f\x7f", "\ud800"], "numbers": [0, -3, 10**20, 0.1, 1e-05,
              1e22, 0.9541, float("nan"), float("inf"), -float("inf")], "flags": [True, False, None],
              "empty": [{}, [], ()], "nested": {"a": {"b": [{"c": 1}]}}}
    for value in [*documents, tricky]:
        assert export.indented_json(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_csv_cells_defuse_formulas_on_every_line_and_quote_line_ends():
    cells = ["=1+1", " -2", "\t@x", "plain", "a\n=b", "a\r+b", "x\u2028@y", "1,2", 'say "hi"', "", None, True, 7, 0.5]
    assert export.csv_lines([cells]) == (
        "'=1+1,' -2,'\t@x,plain,\"a\n'=b\",\"a\r'+b\",x\u2028'@y,\"1,2\",\"say \"\"hi\"\"\",,,true,7,0.5\n")
