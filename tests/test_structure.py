"""Structure: the Cambridgeshire report reproduces its gold extraction exactly."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import ingest, structure
from pipeline.model import PipelineError

from conftest import CAMBRIDGESHIRE


@pytest.fixture(scope="module")
def report():
    return structure.parse(ingest.read(CAMBRIDGESHIRE))


def test_metadata_matches_gold(report, cambridgeshire_gold):
    gold = cambridgeshire_gold["report"]
    assert report.report_id == "cambridgeshire-2015-effectiveness"
    assert report.page_type == "pillar"
    assert report.force == gold["force"] == "Cambridgeshire Constabulary"
    assert report.force_short == gold["force_short"]
    assert report.peel_year == gold["peel_year"]
    assert report.pillar == gold["pillar"]
    assert report.title == gold["title"]
    assert report.headline_question == gold["headline_question"]
    assert report.last_updated == gold["last_updated"] == "2016-02-18"
    assert report.overall_grade == gold["overall_grade"] == "requires_improvement"


def test_questions_and_grades_match_gold(report, cambridgeshire_gold):
    got = [{"number": q.number, "question": q.question, "grade": q.grade} for q in report.questions]
    assert got == cambridgeshire_gold["questions"]
    assert [g.grade for g in report.grades] == ["requires_improvement", "good", "requires_improvement",
                                                 "requires_improvement", "good"]
    assert [g.scope for g in report.grades] == ["overall"] + ["question"] * 4
    text = report.source.text
    for grade in report.grades:
        assert text[grade.char_start:grade.char_end] == grade.text
    for question in report.questions:
        assert text[question.char_start:question.char_end] == question.question


@pytest.mark.parametrize("kind", ["areas_for_improvement", "causes_of_concern", "recommendations"])
def test_items_match_gold(report, cambridgeshire_gold, kind):
    got = [{"question": i.question_number, "text": i.text} for i in getattr(report, kind)]
    assert got == cambridgeshire_gold[kind]
    for item in getattr(report, kind):
        assert report.source.text[item.char_start:item.char_end] == item.text
        assert not item.truncated


def test_recommendations_keep_lead_in_and_cause_of_concern(report, cambridgeshire_gold):
    (concern,) = report.causes_of_concern
    for rec in report.recommendations:
        assert rec.cause_of_concern_id == concern.cause_of_concern_id
        assert rec.lead_in == cambridgeshire_gold["recommendations_lead_in"]
        assert report.source.text[rec.lead_in_char_start:rec.lead_in_char_end] == rec.lead_in


def test_repeated_summary_paragraph_kept_twice_with_own_offsets(report):
    opening = "HMIC judges that overall Cambridgeshire Constabulary requires improvement"
    repeats = [b for b in report.blocks if b.text.startswith(opening)]
    assert len(repeats) == 2
    assert repeats[0].char_start < repeats[1].char_start
    assert all(b.section == "summary" and b.question_number is None for b in repeats)


def test_structure_lines_are_not_prose(report):
    prose = {b.text for b in report.blocks}
    for line in ["Skip to content", "Cambridgeshire PEEL 2015", "Effectiveness", "Good", "Requires improvement",
                 "Questions for Effectiveness", "1", "Areas for improvement", "Cause of concern", "Recommendations",
                 "Last updated 18/02/2016", report.headline_question, *[q.question for q in report.questions]]:
        assert line not in prose
    assert all(b.char_start < b.char_end for b in report.blocks)


def _parse_text(tmp_path: Path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return structure.parse(ingest.read(path))


def test_hard_wrapped_paragraph_is_one_block_and_bullet_styles(tmp_path):
    report = _parse_text(tmp_path, (
        "Essex PEEL 2016\n\nEffectiveness\n\nHow effective is the force at keeping people safe and reducing crime?\n\n"
        "Essex Police is good at preventing crime, tackling anti-social behaviour and\n"
        "keeping people safe. The force has a satisfactory understanding.\n"
        "Areas for improvement\n"
        "- The force should evaluate and share effective practice routinely.\n"
        "•The force should improve its use of data.\n"
    ))
    assert [b.kind for b in report.blocks] == ["paragraph", "list_item", "list_item"]
    assert report.blocks[0].text.endswith("satisfactory understanding.")
    assert [a.text for a in report.areas_for_improvement] == [
        "The force should evaluate and share effective practice routinely.",
        "The force should improve its use of data.",
    ]


def test_text_cut_mid_sentence_marks_last_block_truncated(tmp_path):
    report = _parse_text(tmp_path, CAMBRIDGESHIRE.read_text("utf-8")[:2000])
    assert report.blocks[-1].truncated
    assert not any(b.truncated for b in report.blocks[:-1])


@pytest.mark.parametrize(
    "text",
    [
        "Council announces new bin collection days\n\nResidents will have their bins emptied on Tuesdays from May.",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    ],
)
def test_text_that_is_not_a_peel_report_is_refused(tmp_path, text):
    with pytest.raises(PipelineError, match="not a PEEL inspection report"):
        _parse_text(tmp_path, text)
