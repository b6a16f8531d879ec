"""Report layouts beyond the fixtures: the same report written in other ways gives the same data."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.runner import process_file, run

from conftest import CAMBRIDGESHIRE
from pdfmaker import make_pdf

TEXT = CAMBRIDGESHIRE.read_text("utf-8")


def _report(tmp_path: Path, text: str, name: str = "variant.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return process_file(path)


def _same_extraction(a, b) -> None:
    assert a.report.overall_grade == b.report.overall_grade
    assert [(q.number, q.grade) for q in a.report.questions] == [(q.number, q.grade) for q in b.report.questions]
    for kind in ("areas_for_improvement", "causes_of_concern", "recommendations"):
        assert [" ".join(i.text.split()) for i in getattr(a.report, kind)] == [
            " ".join(i.text.split()) for i in getattr(b.report, kind)], kind
    assert [r.cause_of_concern_id for r in a.report.recommendations] == [
        r.cause_of_concern_id for r in b.report.recommendations]


def test_recommendations_right_after_the_cause_of_concern(tmp_path, cambridgeshire):
    """West Mercia 2018 layout: no "Recommendations" heading before the lead-in."""
    text = TEXT.replace("\nRecommendations\n\nTo address", "\nTo address")
    _same_extraction(_report(tmp_path, text), cambridgeshire)


def test_two_causes_of_concern_each_with_its_recommendations(tmp_path):
    second = ("The constabulary’s response to missing children is also a cause of concern to HMIC.\n\n"
              "Recommendations\n\n"
              "To address this cause of concern, HMIC recommends that the constabulary should immediately:\n\n"
              "  • risk assess every missing child; and\n  • review how it responds to repeat missing episodes.\n\n")
    text = TEXT.replace("\nAreas for improvement\n\n  • The constabulary should improve its compliance",
                        "\n" + second + "Areas for improvement\n\n  • The constabulary should improve its compliance")
    report = _report(tmp_path, text).report
    assert [c.text[:40] for c in report.causes_of_concern] == [
        "The constabulary’s response to the inves", "The constabulary’s response to missing c"]
    assert [r.cause_of_concern_id for r in report.recommendations] == ["coc-01"] * 4 + ["coc-02"] * 2
    assert report.recommendations[-1].lead_in.startswith("To address this cause of concern, HMIC recommends")


@pytest.mark.parametrize("space", ["  ", "\u00a0", "\u00c2\u00a0", " \u00c2\u00a0"],
                         ids=["double", "no-break", "mojibake", "space-mojibake"])
def test_sentences_split_after_any_space(tmp_path, cambridgeshire, space):
    text = TEXT.replace(". The constabulary", "." + space + "The constabulary")
    variant = _report(tmp_path, text)
    assert len(variant.sentences) == len(cambridgeshire.sentences)
    assert [s.label for s in variant.sentences] == [s.label for s in cambridgeshire.sentences]
    assert not [s.text for s in variant.sentences if s.text[:1] in ("Â", " ", "\u00a0")]


def test_grade_lines_and_headings_with_odd_spaces(tmp_path, cambridgeshire):
    text = (TEXT.replace("\nRequires improvement\n", "\nRequires\u00a0improvement\n")
            .replace("Areas for improvement\n", "Areas for\u00a0 improvement\u00c2\n")
            .replace("Cause of concern\n", "Cause of\u00a0concern\n"))
    _same_extraction(_report(tmp_path, text), cambridgeshire)


def test_list_items_wrapped_onto_indented_lines_and_other_bullets(tmp_path):
    text = TEXT.replace(
        "  • The constabulary should ensure that there is regular and active supervision of investigations to check "
        "quality and progress.",
        "  ■ The constabulary should ensure that there is regular and active supervision of\n"
        "    Investigations to check quality and progress.",
    ).replace("  • The constabulary should improve its ability", "  o The constabulary should improve its ability")
    report = _report(tmp_path, text).report
    texts = [" ".join(a.text.split()) for a in report.areas_for_improvement]
    assert len(texts) == 5
    assert texts[1] == ("The constabulary should ensure that there is regular and active supervision of "
                        "Investigations to check quality and progress.")
    assert texts[2].startswith("The constabulary should improve its ability")


REPORT_TABLE = """Cheshire PEEL 2021/22

Overall summary

Our judgments

Our inspection assessed how good Cheshire Constabulary is in three areas of policing. We make graded judgments in these three as follows:

Good

Preventing crime

Developing a positive workplace

Requires improvement

Protecting vulnerable people

We set out our detailed findings in the rest of this report.

Protecting vulnerable people

Requires improvement

The constabulary does not always assess risk quickly enough.
"""


def test_judgments_table_of_a_2021_report(tmp_path):
    report = _report(tmp_path, REPORT_TABLE).report
    assert [(g.subject, g.grade) for g in report.grades] == [
        ("Preventing crime", "good"), ("Developing a positive workplace", "good"),
        ("Protecting vulnerable people", "requires_improvement")]
    assert [q.question for q in report.questions] == ["Protecting vulnerable people"]


def test_report_ids_stay_with_their_files(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    run([raw], out)
    make_pdf(TEXT, raw / CAMBRIDGESHIRE.with_suffix(".pdf").name, "Cambridgeshire Constabulary")
    run([raw], out)
    ids = dict(pd.read_csv(out / "reports.csv", encoding="utf-8-sig")[["source_file", "report_id"]].values)
    assert ids[CAMBRIDGESHIRE.name] == "cambridgeshire-2015-effectiveness"  # the text keeps its id
    assert ids[CAMBRIDGESHIRE.with_suffix(".pdf").name] == "cambridgeshire-2015-effectiveness-pdf"
    (raw / CAMBRIDGESHIRE.name).unlink()
    run([raw], out)
    log = pd.read_csv(out / "changes.csv", encoding="utf-8-sig").iloc[-1]
    assert (log["report_id"], log["change"]) == ("cambridgeshire-2015-effectiveness", "report removed")
    assert list(pd.read_csv(out / "reports.csv", encoding="utf-8-sig")["report_id"]) == [
        "cambridgeshire-2015-effectiveness-pdf"]


def test_page_limit_holds_for_a_pdf_read_before(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    make_pdf(TEXT, raw / "cambridgeshire.pdf", "Cambridgeshire Constabulary")
    assert run([raw], out).errors == []
    result = run([raw], out, max_pages=2)
    assert len(result.errors) == 1 and "over the limit of 2" in result.errors[0]


def test_an_edited_or_deleted_output_is_rewritten(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    run([raw], out)
    original = (out / "grades.csv").read_bytes()
    (out / "grades.csv").write_bytes(original.replace(b"good", b"outstanding"))
    shutil.rmtree(out / "json")
    result = run([raw], out)
    assert not result.unchanged
    assert (out / "grades.csv").read_bytes() == original and (out / "json").is_dir()
    assert run([raw], out).unchanged


def test_output_folder_errors_are_one_line(tmp_path, monkeypatch):
    (tmp_path / "raw").mkdir()
    shutil.copy(CAMBRIDGESHIRE, tmp_path / "raw")
    (tmp_path / "a-file").write_text("x")
    monkeypatch.chdir(tmp_path)
    for out, message in ((".", "name a folder of its own"), ("raw", "must not hold the input reports"),
                         ("a-file/out", "is a file, not a folder")):
        result = CliRunner().invoke(main, ["run", "raw", "--out", out])
        assert result.exit_code == 1 and message in result.stderr, (out, result.stderr)
        assert "Traceback" not in result.output


def test_change_log_saved_by_a_spreadsheet_in_windows_1252(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    run([raw], out)
    log = out / "changes.csv"
    log.write_bytes(log.read_text("utf-8-sig").replace("Cambridgeshire", "Cambridgeshire – é").encode("cp1252"))
    (raw / CAMBRIDGESHIRE.name).write_text(TEXT.replace("\nGood\n\nCambridgeshire Constabulary is good at "
                                                        "identifying", "\nOutstanding\n\nCambridgeshire "
                                                        "Constabulary is good at identifying"), encoding="utf-8")
    result = run([raw], out)
    assert [c.change for c in result.changes] == ["grade changed"]
    assert "Cambridgeshire – é" in log.read_text("utf-8-sig")


def test_pdf_line_starting_with_a_dash_is_not_a_list_item(tmp_path):
    sentence = ("The force’s approach to vulnerability is improving, and its work with partners to protect "
                "children at risk of exploitation – which is extensive – is improving outcomes for them.")
    text = TEXT.replace("Protecting vulnerable people is a priority", sentence + " Protecting vulnerable people is a priority")
    path = tmp_path / "dash.pdf"
    make_pdf(text, path, "Cambridgeshire Constabulary")
    labelled = process_file(path)
    assert any(sentence in s.text for s in labelled.sentences)


def test_items_under_an_ungraded_area_are_not_filed_under_the_area_before(tmp_path):
    text = REPORT_TABLE + (
        "\nArea for improvement 1\n\nThe constabulary should assess risk when calls are first received.\n\n"
        "Victim service assessment\n\nWe do not make a graded judgment for this area.\n\n"
        "Area for improvement 2\n\nThe constabulary should tell victims how their case is progressing.\n"
    )
    report = _report(tmp_path, text).report
    assert [(a.question, a.text[:40]) for a in report.areas_for_improvement] == [
        ("Protecting vulnerable people", "The constabulary should assess risk when"),
        (None, "The constabulary should tell victims how"),
    ]


@pytest.mark.parametrize("lead_in", [
    "To address this cause of concern, the force must immediately take steps to:",
    "HMIC recommends that the force should immediately:",
    "Within three months, the constabulary should:",
])
def test_recommendation_lead_ins_of_several_kinds(tmp_path, cambridgeshire, lead_in):
    old = cambridgeshire.report.recommendations[0].lead_in
    report = _report(tmp_path, TEXT.replace(old, lead_in)).report
    assert [r.lead_in for r in report.recommendations] == [lead_in] * 4
    assert [r.text for r in report.recommendations] == [r.text for r in cambridgeshire.report.recommendations]
    assert {r.cause_of_concern_id for r in report.recommendations} == {"coc-01"}


def test_json_nests_items_under_their_own_area(tmp_path):
    text = REPORT_TABLE.replace("Protecting vulnerable people\n\nRequires improvement\n\nThe constabulary does not",
                                "Preventing crime\n\nGood\n\nThe constabulary works with schools.\n\n"
                                "Area for improvement 1\n\nThe constabulary should evaluate its prevention work.\n\n"
                                "Protecting vulnerable people\n\nRequires improvement\n\nThe constabulary does not")
    text += "\nArea for improvement 2\n\nThe constabulary should assess risk when calls are first received.\n"
    from pipeline.export import document

    doc = document(_report(tmp_path, text))
    areas = {q["question"]: [a["text"][:40] for a in q["areas_for_improvement"]] for q in doc["questions"]}
    assert areas == {"Preventing crime": ["The constabulary should evaluate its pre"],
                     "Protecting vulnerable people": ["The constabulary should assess risk when"]}
    assert doc["areas_for_improvement"] == []


def test_a_national_recommendation_recalled_with_its_list_gives_one_row_per_item(tmp_path):
    """"In our 2017 national legitimacy report, we recommended that all forces should:" and its items."""
    recalled = ("In our 2017 national legitimacy report, we recommended that all forces should:\n\n"
                "  • review how they record stop and search encounters; and\n"
                "  • publish the results of that review.\n\n"
                "The constabulary has complied with part of this recommendation.\n\n")
    anchor = "The constabulary identifies vulnerable offenders"
    assert TEXT.count(anchor) == 1
    labelled = _report(tmp_path, TEXT.replace(anchor, recalled + anchor))
    rows = [r for r in labelled.report.recommendations if r.year_made]
    assert [(r.text, r.year_made, r.made_to) for r in rows] == [
        ("review how they record stop and search encounters; and", "2017", "all forces"),
        ("publish the results of that review.", "2017", "all forces")]
    assert {r.lead_in for r in rows} == {"In our 2017 national legitimacy report, we recommended that all forces should:"}
    # The report's own four recommendations are still there, numbered in reading order with them.
    ids = [r.recommendation_id for r in labelled.report.recommendations]
    assert len(ids) == 6 and ids == [f"rec-{n:02d}" for n in range(1, 7)]
    labels = {s.text: s.label for s in labelled.sentences}
    assert labels["The constabulary has complied with part of this recommendation."] == "finding"
