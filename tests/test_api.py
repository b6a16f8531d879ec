"""pipeline.load: an output folder as typed DataFrames, as the README shows it."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from pipeline import load
from pipeline import tables as registry

from conftest import ROOT


@pytest.fixture(scope="module")
def loaded(corpus_run):
    return load(corpus_run)


def test_every_table_with_the_registry_s_columns_and_types(loaded):
    assert set(loaded) == set(registry.TABLES)
    for table in registry.TABLES.values():
        frame = loaded[table.name]
        assert list(frame.columns) == table.names
        for column in table.columns:
            dtype = frame[column.name].dtype
            if column.type == "boolean":
                assert dtype == bool or dtype == "boolean", (table.name, column.name, dtype)
            elif column.type == "integer":
                assert dtype == "Int64", (table.name, column.name, dtype)
            elif column.enum:
                assert isinstance(dtype, pd.CategoricalDtype) and list(dtype.categories) == list(column.enum)
            elif column.type == "string":
                assert dtype == "string", (table.name, column.name, dtype)
    assert loaded["sentences"]["truncated"].dtype == bool
    assert loaded["sentences"]["truncated"].any()  # corpus excerpts stop mid-sentence
    assert loaded["reports"]["last_updated"].dtype.kind == "M"


def test_the_same_rows_as_the_csv_files(loaded, corpus_run):
    for table in registry.TABLES.values():
        csv = pd.read_csv(corpus_run / table.file, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        frame = loaded[table.name]
        assert len(frame) == len(csv), table.name
        if "key" in table.names and "report_id" in table.names:
            assert list(zip(frame["report_id"], frame["key"])) == list(zip(csv["report_id"], csv["key"]))
    numbers = loaded["grades"]["question_number"].dropna()
    assert len(numbers) and set(numbers.astype(str)) == set(
        pd.read_csv(corpus_run / "grades.csv", encoding="utf-8-sig", dtype=str)["question_number"].dropna())


def test_the_readme_analysis_runs(loaded, corpus_run):
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("### In Python: `load`"):]
    code = re.search(r"```python\n(.*?)```", section, re.S)[1]
    lines = [line for line in code.splitlines() if line.strip()]
    assert len(lines) == 3
    namespace = {}
    exec("\n".join(lines[:-1]).replace('"processed"', repr(str(corpus_run))), namespace)
    result = eval(lines[-1], namespace)
    grades = pd.read_csv(corpus_run / "grades_by_force.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert int(result.sum()) == len(grades[grades["peel_year"] != ""])
    assert result[("2016", "good")] == ((grades["peel_year"] == "2016") & (grades["grade"] == "good")).sum()
