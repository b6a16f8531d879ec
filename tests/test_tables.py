"""The registry of tables: the CSV, JSON and README agree with it, and the types hold."""
from __future__ import annotations

import json
from dataclasses import fields

import pandas as pd
import pytest

from pipeline import export, model
from pipeline import tables as registry

from conftest import CAMBRIDGESHIRE, ROOT

# Columns export adds to a row's own fields.
ADDED = {"report_id", "page", "question_key"}
ROW_TYPES = {"questions": model.Question, "grades": model.Grade, "areas_for_improvement": model.AreaForImprovement,
             "causes_of_concern": model.CauseOfConcern, "recommendations": model.Recommendation,
             "sentences": model.Sentence}


@pytest.fixture(scope="module")
def written(tmp_path_factory, cambridgeshire):
    out = tmp_path_factory.mktemp("tables") / "processed"
    export.write([cambridgeshire], out)
    return out


def _read(out, name):
    return pd.read_csv(out / name, encoding="utf-8-sig", keep_default_na=False, dtype=str)


def test_every_field_of_every_row_is_a_column_of_the_registry():
    for table, row_type in ROW_TYPES.items():
        names = {{"number": "question_number"}.get(f.name, f.name) for f in fields(row_type)}
        assert set(registry.TABLES[table].names) == names | ADDED, table


def test_keys_name_columns_and_foreign_keys_point_at_keys():
    for table in registry.TABLES.values():
        assert set(table.primary_key) <= set(table.names), table.name
        for column in table.primary_key:
            assert table.column(column).null is None, (table.name, column)  # a key is never empty
        for fk in table.foreign_keys:
            target = registry.TABLES[fk.table]
            assert set(fk.fields) <= set(table.names) and set(fk.reference) <= set(target.names)
            assert tuple(fk.reference) in (target.primary_key, *target.unique), (table.name, fk)
        assert list(registry.TABLES).index(table.name) > max(
            (list(registry.TABLES).index(fk.table) for fk in table.foreign_keys if fk.table != table.name), default=-1)


def test_csv_columns_are_the_registry_s_in_order(written):
    for table in registry.TABLES.values():
        path = written / table.file
        if table.data:
            assert path.is_file(), table.file
        if path.is_file():
            assert list(_read(written, table.file).columns) == table.names, table.file


def test_booleans_integers_and_nulls_are_written_as_such(written):
    sentences = _read(written, "sentences.csv")
    assert set(sentences["truncated"]) == {"false"}
    assert set(_read(written, "recommendations.csv")["truncated"]) == {"false"}
    for table in registry.TABLES.values():
        if not (written / table.file).is_file():
            continue
        frame = _read(written, table.file)
        for column in table.columns:
            values = set(frame[column.name]) - {""}
            if column.type == "integer":
                assert all(v.isdigit() for v in values), (table.name, column.name, values)
            if column.type == "boolean":
                assert values <= {"true", "false"}, (table.name, column.name)
            if column.enum:
                assert values <= set(column.enum), (table.name, column.name, values - set(column.enum))
            if column.null is None:
                assert "" not in set(frame[column.name]), (table.name, column.name)


def test_items_and_sentences_join_their_question_on_its_key(written):
    questions = _read(written, "questions.csv")
    assert list(questions["question_key"]) == [f"{r}/{k}" for r, k in zip(questions["report_id"], questions["key"])]
    for name in ("areas_for_improvement.csv", "causes_of_concern.csv", "recommendations.csv"):
        items = _read(written, name)
        joined = items.merge(questions, on="question_key", suffixes=("", "_q"))
        # The key finds the question the wording names, for every item: none is left out.
        assert len(joined) == len(items) and (joined["question"] == joined["question_q"]).all(), name
    sentences = _read(written, "sentences.csv")
    under = sentences[sentences["question_number"] != ""]
    joined = under.merge(questions, on="question_key", suffixes=("", "_q"))
    assert len(joined) == len(under) and (joined["question_number"] == joined["question_number_q"]).all()
    assert set(sentences[sentences["question_number"] == ""]["question_key"]) == {""}  # the summary
    grades = _read(written, "grades.csv")
    graded = grades[grades["scope"] == "question"].merge(questions, on="question_key", suffixes=("", "_q"))
    assert len(graded) == 4 and (graded["grade"] == graded["grade_q"]).all()


def test_json_rows_have_the_registry_columns(written):
    doc = json.loads((written / "json" / "cambridgeshire-2015-effectiveness.json").read_text("utf-8"))
    assert list(doc["report"]) == registry.REPORTS.names
    assert list(doc["sentences"][0]) == [n for n in registry.SENTENCES.names if n != "report_id"]
    question = doc["questions"][0]
    assert [k for k in question if k not in ("areas_for_improvement", "causes_of_concern", "recommendations")] == \
        [{"question_number": "number"}.get(n, n) for n in registry.QUESTIONS.names if n != "report_id"]
    assert doc["report"]["corrected"] is None and doc["report"]["page"] is None  # empty is null


def test_readme_column_tables_are_the_registry_s():
    readme = (ROOT / "README.md").read_text("utf-8")
    for table in registry.TABLES.values():
        assert registry.README_START.format(name=table.name) in readme, f"README has no column table for {table.name}"
    assert registry.readme_with_tables(readme) == readme, \
        "README's column tables differ from pipeline/tables.py: run `python -m pipeline.tables README.md`"


def test_a_changed_registry_shows_in_the_readme_tables():
    readme = (ROOT / "README.md").read_text("utf-8")
    changed = registry.markdown(registry.GRADES_TABLE).replace("| grade code", "| a grade code")
    assert changed not in readme and registry.markdown(registry.GRADES_TABLE) in readme


def test_the_review_stage_names_the_registry_s_tables_and_columns():
    from pipeline import review

    assert set(review.TABLE_ROWS) == set(registry.ROW_TABLES)
    assert registry.UNMATCHED_CORRECTIONS.names == ["line", *review.CORRECTION_COLUMNS]
    for table, correctable in review.CORRECTABLE.items():
        assert set(correctable) <= set(registry.TABLES[table].names), table
    assert registry.CHANGES.names == ["run_time", *[f.name for f in fields(review.Change)]]
