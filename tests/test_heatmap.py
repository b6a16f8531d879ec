"""The grade heatmap: written for runs over several forces, the same bytes each time, and
every cell the colour of the grade the reports state for it."""
from __future__ import annotations

import csv
import io
import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from lxml import etree

from pipeline import heatmap
from pipeline.runner import run
from pipeline.vocabulary import slug

from conftest import CAMBRIDGESHIRE

# Pillar pages, overviews (some saying "To be graded" where the pillar page grades) and
# 2021+ reports of four forces.
TEXTS = ("bedfordshire_2016_effectiveness", "bedfordshire_2016_overview_part1", "bedfordshire_2015_overview",
         "bedfordshire_2021-22_integrated_part1", "durham_2016_overview_part1", "durham_2017_overview",
         "cambridgeshire_2016_overview_part1", "cambridgeshire_2017_overview_part1", "kent_2017_overview",
         "kent_2017_effectiveness_part1", "lancashire_2014_effectiveness", "lancashire_2015_overview")


def _table(out: Path, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / name).read_text("utf-8-sig"))))


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory):
    """The corpus texts run twice, into two output folders (the second from a cold cache too)."""
    root = tmp_path_factory.mktemp("heatmap")
    raw = root / "raw"
    raw.mkdir()
    for name in TEXTS:
        shutil.copy(corpus / "texts" / f"{name}.txt", raw)
    outs = []
    for attempt in ("first", "second"):
        out = root / attempt / "processed"
        result = run([raw], out, corrections=None)
        assert not result.errors, result.errors
        outs.append(out)
    return outs


def test_written_for_a_run_over_several_forces_and_listed_as_an_output(runs):
    out = runs[0]
    assert len({r["force_short"] for r in _table(out, "reports.csv")}) > 1
    for name in (heatmap.PNG, heatmap.SVG):
        assert (out / name).stat().st_size > 1000
    assert (out / heatmap.PNG).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    outputs = json.loads((out / ".manifest.json").read_text("utf-8"))["outputs"]
    assert heatmap.PNG in outputs and heatmap.SVG in outputs  # so reruns and partial runs keep them right


def test_not_written_for_one_force(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    out = tmp_path / "processed"
    run([raw], out, corrections=None)
    assert (out / "reports.csv").is_file()
    assert not (out / heatmap.PNG).exists() and not (out / heatmap.SVG).exists()


def test_same_input_same_bytes(runs):
    first, second = runs
    for name in (heatmap.PNG, heatmap.SVG):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    svg = (first / heatmap.SVG).read_text("utf-8")
    assert "<dc:date>" not in svg and "Matplotlib" not in svg.split("<defs>")[0].split("<metadata>")[-1]
    assert b"Software" not in (first / heatmap.PNG).read_bytes()[:2000]


def _cells(svg: Path) -> dict[str, str]:
    """SVG cell id -> its fill colour."""
    tree = etree.parse(str(svg))
    cells = {}
    for group in tree.iter("{http://www.w3.org/2000/svg}g"):
        name = group.get("id") or ""
        if name.startswith("cell--"):
            style = group.find("{http://www.w3.org/2000/svg}path").get("style")
            fill = dict(part.strip().split(": ") for part in style.split(";") if ": " in part)["fill"]
            cells[name] = fill.lower()
    return cells


def test_cells_show_the_grades_the_reports_state(runs):
    """Each cell's colour is a grade grades.csv states for that force, year and pillar: the
    one grade where the reports agree, a stated grade over "not graded", and a pillar
    page's grade over an overview's; a pillar no report grades is left white."""
    out = runs[0]
    reports = {r["report_id"]: r for r in _table(out, "reports.csv")}
    stated = defaultdict(list)  # (force, year, pillar) -> [(grade, page type)]
    for row in _table(out, "grades.csv"):
        if row["scope"] in ("overall", "pillar") and row["framework_question"]:
            report = reports[row["report_id"]]
            stated[(report["force_short"], report["peel_year"], row["framework_question"])].append(
                (row["grade"], report["page_type"]))
    cells = _cells(out / heatmap.SVG)
    colour_grade = {colour.lower(): grade for grade, colour in heatmap.COLOURS.items()}
    assert stated, "the texts state pillar grades"
    conflicts = 0
    for (force, year, pillar), found in stated.items():
        fill = cells[f"cell--{slug(force)}--{slug(year)}--{slug(pillar)}"]
        shown = colour_grade[fill]
        grades = {g for g, _ in found}
        assert shown in grades, (force, year, pillar, found)
        real = {g for g in grades if g != "not_graded"}
        if real:
            assert shown != "not_graded", (force, year, pillar)
        from_pillar_page = {g for g, page in found if page == "pillar" and g != "not_graded"}
        if len(from_pillar_page) == 1:
            assert shown in from_pillar_page, (force, year, pillar)
        conflicts += len(grades) > 1
    assert conflicts, "the texts hold a force, year and pillar with two grades (the rule is tested)"
    # Every cell with no grade row is the missing colour, and every cell is one of the legend's.
    drawn = {name for name in cells}
    graded = {f"cell--{slug(f)}--{slug(y)}--{slug(p)}" for f, y, p in stated}
    for name in drawn - graded:
        if "--area-" not in name:
            assert cells[name] == heatmap.MISSING, name
    assert set(cells.values()) <= set(colour_grade) | {heatmap.MISSING}


def test_cells_are_the_rows_of_grades_by_force(runs):
    """The picture and the resolved grades table say the same."""
    out = runs[0]
    cells = _cells(out / heatmap.SVG)
    rows = [r for r in _table(out, "grades_by_force.csv") if r["level"] in ("pillar", "area")]
    assert rows
    for row in rows:
        column = row["pillar"] if row["level"] == "pillar" else row["framework_question"] or row["subject"].lower()
        assert cells[heatmap.cell_id(row["force_short"], row["peel_year"], column)] == \
            heatmap.COLOURS[row["grade"]], row


def test_2021_areas_are_columns_of_their_year(tmp_path):
    """2021+ reports grade areas of policing: each area a column of its year's panel (the
    corpus's 2021+ excerpts state no area grade, so a report in the 2021/22 layout for two forces)."""
    from test_structure import REPORT_2021

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "cheshire_2021-22.txt").write_text(REPORT_2021, encoding="utf-8")
    kent = REPORT_2021.replace("Cheshire Constabulary", "Kent Police").replace("Cheshire", "Kent")
    (raw / "kent_2021-22.txt").write_text(kent.replace("Outstanding", "Good", 1), encoding="utf-8")
    out = tmp_path / "processed"
    run([raw], out, corrections=None)
    rows = [r for r in _table(out, "grades_by_force.csv") if r["level"] == "area"]
    assert {r["force_short"] for r in rows} == {"Cheshire", "Kent"} and len(rows) == 6
    cells = _cells(out / heatmap.SVG)
    for row in rows:
        column = row["framework_question"] or row["subject"].lower()
        assert cells[heatmap.cell_id(row["force_short"], "2021/22", column)] == heatmap.COLOURS[row["grade"]], row
    grades = {(r["force_short"], r["subject"]): r["grade"] for r in rows}
    assert grades[("Kent", "Developing a positive workplace")] == "good"
    assert grades[("Cheshire", "Developing a positive workplace")] == "outstanding"
    svg = (out / heatmap.SVG).read_text("utf-8")
    assert "PEEL 2021/22" in svg and "Investigating crime" in svg  # the panel and an area's heading
