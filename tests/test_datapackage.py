"""datapackage.json and report.schema.json: processed/ and a corpus run validate, bad rows do not."""
from __future__ import annotations

import json
import shutil

import pytest

from pipeline import publish

from conftest import ROOT

frictionless = pytest.importorskip("frictionless", reason="frictionless is in the test extra: pip install -e .[test]")
jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra: pip install -e .[test]")


def _errors(folder) -> list:
    report = frictionless.validate(str(folder / publish.DATAPACKAGE))
    return report.flatten(["type", "rowNumber", "fieldName", "note"])


def _documents_invalid(folder) -> list[str]:
    schema = json.loads((folder / publish.JSON_SCHEMA).read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for path in sorted((folder / "json").glob("*.json")):
        problems += [f"{path.name}: {e.message}" for e in validator.iter_errors(json.loads(path.read_text("utf-8")))]
    return problems


def test_processed_validates():
    processed = ROOT / "processed"
    assert _errors(processed) == []
    assert _documents_invalid(processed) == []


def test_the_package_describes_every_csv_file_with_keys_and_licence():
    package = json.loads((ROOT / "processed" / publish.DATAPACKAGE).read_text("utf-8"))
    assert sorted(r["path"] for r in package["resources"]) == sorted(p.name for p in (ROOT / "processed").glob("*.csv"))
    assert package["licenses"][0]["title"] == "Open Government Licence v3.0"
    resources = {r["name"]: r for r in package["resources"]}
    grade = next(f for f in resources["grades"]["schema"]["fields"] if f["name"] == "grade")
    assert "requires_improvement" in grade["constraints"]["enum"]
    assert {"fields": ["question_key"], "reference": {"resource": "questions", "fields": ["question_key"]}} in \
        resources["sentences"]["schema"]["foreignKeys"]


def test_a_corpus_run_validates(corpus_run):
    assert _errors(corpus_run) == []
    assert _documents_invalid(corpus_run) == []


@pytest.fixture()
def copy(corpus_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(corpus_run, out)
    return out


def _edit_row(path, match, old, new):
    """Replace ``old`` by ``new`` in the first line of a CSV file that holds ``match``."""
    lines = path.read_text("utf-8-sig").split("\n")
    index = next(i for i, line in enumerate(lines) if match in line and i > 0)
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    path.write_text("\ufeff" + "\n".join(lines), "utf-8")
    return lines[index]


def test_a_grade_that_is_not_a_grade_is_caught(copy):
    _edit_row(copy / "grades.csv", ",requires_improvement,", ",requires_improvement,", ",needs_work,")
    errors = _errors(copy)
    assert any(e[0] == "constraint-error" and e[2] == "grade" for e in errors), errors


def test_a_sentence_whose_question_is_not_there_is_caught(copy):
    sentences = copy / "sentences.csv"
    row = next(line for line in sentences.read_text("utf-8-sig").split("\n")[1:] if "/q-" in line)
    key = row.split(",")[3]
    _edit_row(sentences, key, key, key.split("/")[0] + "/q-0000000000")
    errors = _errors(copy)
    assert [e[0] for e in errors] == ["foreign-key"], errors


def test_a_repeated_key_and_a_boolean_in_words_are_caught(copy):
    sentences = copy / "sentences.csv"
    lines = sentences.read_text("utf-8-sig").split("\n")
    lines.insert(2, lines[1])  # the first row twice
    sentences.write_text("\ufeff" + "\n".join(lines), "utf-8")
    _edit_row(copy / "areas_for_improvement.csv", ",false,", ",false,", ",False,")
    types = {e[0] for e in _errors(copy)}
    assert {"primary-key", "type-error"} <= types, types


def test_a_document_with_a_label_that_is_not_a_label_is_caught(copy):
    path = next(p for p in sorted((copy / "json").glob("*.json")))
    doc = json.loads(path.read_text("utf-8"))
    doc["sentences"][0]["label"] = "opinion"
    doc["report"]["page"] = "1"
    path.write_text(json.dumps(doc), "utf-8")
    problems = _documents_invalid(copy)
    assert len(problems) == 2 and any("'opinion'" in p for p in problems), problems
