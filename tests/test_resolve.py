"""grades_by_force.csv: the grade that stands, on a corpus run and on two versions of a page."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline import resolve
from pipeline.review import assign_keys
from pipeline.runner import process_file

from conftest import CAMBRIDGESHIRE


def _read(folder, name):
    return pd.read_csv(folder / name, encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def corpus_tables(corpus_run):
    grades = _read(corpus_run, "grades.csv").merge(_read(corpus_run, "reports.csv"), on="report_id",
                                                   suffixes=("", "_report"))
    return grades, _read(corpus_run, "grades_by_force.csv")


def test_a_pillar_page_s_grade_stands_over_the_overview_s_to_be_graded(corpus_tables):
    grades, resolved = corpus_tables
    # Each force-year-pillar's own grade, from grades.csv: a pillar page's overall grade
    # or an overview's judgment of the pillar.
    own = grades[((grades["scope"] == "overall") & (grades["page_type"] == "pillar")) |
                 ((grades["scope"] == "pillar") & (grades["page_type"] == "overview"))].copy()
    own["cell_pillar"] = own["framework_question"].where(own["framework_question"] != "", own["pillar"])
    cells = own.groupby(["force_short", "peel_year", "cell_pillar"])
    two = [(cell, rows) for cell, rows in cells if rows["grade"].nunique() > 1]
    assert len(two) >= 20, "the corpus has force-year-pillar cells graded twice"
    standing = resolved[resolved["level"] == "pillar"].set_index(["force_short", "peel_year", "pillar"])
    for cell, rows in two:
        row = standing.loc[cell]
        stated = rows[rows["grade"] != "not_graded"]
        assert row["grade"] != "not_graded" and row["grade"] in set(stated["grade"]), cell
        on_pillar_page = stated[stated["page_type"] == "pillar"]
        if len(on_pillar_page):
            assert row["grade"] in set(on_pillar_page["grade"]) and row["report_id"] in set(on_pillar_page["report_id"])
        # Every row it came from is listed, the standing one first.
        assert sorted(row["report_ids"].split(",")) == sorted(rows["report_id"])
        assert row["report_ids"].split(",")[0] == row["report_id"]
        assert row["grades"].split(",") == [
            dict(zip(rows["report_id"], rows["grade"]))[r] for r in row["report_ids"].split(",")]


def test_one_row_per_cell_and_each_names_its_grade_row(corpus_tables):
    grades, resolved = corpus_tables
    cells = resolved[["force_short", "peel_year", "pillar", "level", "framework_question", "question_number",
                      "subject"]]
    assert not cells.duplicated().any()
    by_key = grades.set_index(["report_id", "key"])
    for row in resolved.to_dict("records"):
        stated = by_key.loc[(row["report_id"], row["key"])]
        assert stated["grade"] == row["grade"] and stated["force_short"] == row["force_short"]
        assert stated["scope"] != "aspect"


def _version(tmp_path, name: str, date: str, overall: str):
    text = CAMBRIDGESHIRE.read_text("utf-8")
    text = text.replace("Last updated 18/02/2016\nRequires improvement\n", f"Last updated {date}\n{overall}\n", 1)
    path = tmp_path / name
    path.write_text(text, "utf-8")
    labelled = process_file(path)
    assign_keys(labelled)
    return labelled


def test_the_later_version_of_a_page_stands(tmp_path):
    first = _version(tmp_path, "first.txt", "18/02/2016", "Requires improvement")
    later = _version(tmp_path, "later.txt", "03/03/2016", "Good")
    assert later.report.overall_grade == "good" and later.report.last_updated == "2016-03-03"
    later.report.report_id += "-v2"
    for order in ([first, later], [later, first]):
        (pillar,) = [r for r in resolve.grades_by_force(order) if r["level"] == "pillar"]
        assert pillar["grade"] == "good" and pillar["report_id"] == later.report.report_id
        assert pillar["grades"] == "good,requires_improvement"
    # Undated counts as earliest: the dated version stands.
    later.report.last_updated = None
    (pillar,) = [r for r in resolve.grades_by_force([later, first]) if r["level"] == "pillar"]
    assert pillar["report_id"] == first.report.report_id
