"""Hard-wrapped text (a browser's "Save Page As, Text") gives the same tables as the unwrapped page.

A page saved as text by a browser breaks its lines at 72 to 80 columns. The walker joins
the wrapped lines back into their paragraphs, headings, questions and list items, for
every line-end style, and every offset still points at the row's text in the file (line
breaks inside).
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pipeline import readers, structure
from pipeline.runner import process_file

from conftest import CAMBRIDGESHIRE

WIDTHS = (60, 72, 80)
LINE_ENDS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}
# Corpus texts of several page families wrapped too: packed paragraphs without blank lines
# (cumbria_2018_effectiveness, west-mercia_2014_efficiency), an overview with pillar lines,
# a 2023-25 report with its judgments table, an area for improvement introduced in prose.
CORPUS_TEXTS = ("cumbria_2018_effectiveness", "west-mercia_2014_efficiency", "avon-and-somerset_2016_overview_part1",
                "cheshire_2023-25_integrated_part1", "staffordshire_2018_effectiveness", "kent_2018_effectiveness",
                "south-wales_2017_efficiency_part2")


def wrap(text: str, width: int, line_end: str) -> str:
    """``text`` as a browser saves it: each paragraph line broken at ``width`` columns."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    wrapped = ["\n".join(textwrap.wrap(line, width, break_on_hyphens=False)) if len(line) > width else line
               for line in lines]
    return "\n".join(wrapped).replace("\n", line_end)


def _words(text):
    return " ".join(text.split()) if isinstance(text, str) else text


def tables(labelled) -> dict:
    """What a report's tables say, texts compared on their words alone."""
    r = labelled.report
    return {
        "report": (r.report_id, r.page_type, r.force, r.peel_year, r.pillar, _words(r.title),
                   _words(r.headline_question), r.last_updated, r.overall_grade),
        "questions": [(q.number, _words(q.question), q.grade) for q in r.questions],
        "grades": [(g.scope, _words(g.subject), g.question_number, g.grade, _words(g.text), g.previous_grade,
                    g.previous_year) for g in r.grades],
        "areas_for_improvement": [(a.question_number, _words(a.text)) for a in r.areas_for_improvement],
        "causes_of_concern": [(c.question_number, _words(c.text)) for c in r.causes_of_concern],
        "recommendations": [(x.question_number, _words(x.text), _words(x.lead_in)) for x in r.recommendations],
        "sentences": [(s.question_number, s.section, s.label, _words(s.text)) for s in labelled.sentences],
    }


def offsets_are_exact(labelled) -> list:
    """The rows whose text is not ``text[char_start:char_end]`` of the file."""
    text = labelled.report.source.text
    r = labelled.report
    rows = [*r.grades, *r.areas_for_improvement, *r.causes_of_concern, *r.recommendations, *labelled.sentences]
    bad = [row for row in rows if text[row.char_start:row.char_end] != row.text]
    bad += [q for q in r.questions if text[q.char_start:q.char_end] != q.question]
    return bad


@pytest.fixture(scope="module")
def unwrapped(cambridgeshire):
    return tables(cambridgeshire)


@pytest.mark.parametrize("line_end", LINE_ENDS.values(), ids=LINE_ENDS.keys())
@pytest.mark.parametrize("width", WIDTHS)
def test_wrapped_cambridgeshire_gives_the_same_tables(tmp_path, unwrapped, width, line_end):
    path = tmp_path / CAMBRIDGESHIRE.name
    path.write_bytes(wrap(CAMBRIDGESHIRE.read_text("utf-8"), width, line_end).encode("utf-8"))
    labelled = process_file(path)
    got = tables(labelled)
    for table, rows in unwrapped.items():
        assert got[table] == rows, table
    assert len(labelled.sentences) == 78
    assert sum(len(s.text.split()) for s in labelled.sentences) == sum(
        len(s[3].split()) for s in unwrapped["sentences"])
    assert offsets_are_exact(labelled) == []
    # a wrapped question heading is the whole question, its line break inside
    question = labelled.report.questions[3]
    assert question.question.startswith("How effective is the force at tackling serious")
    assert line_end in question.question


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", CORPUS_TEXTS)
def test_wrapped_corpus_texts_give_the_same_tables(corpus, tmp_path, name, width):
    source = corpus / "texts" / f"{name}.txt"
    path = tmp_path / source.name
    path.write_bytes(wrap(source.read_text("utf-8"), width, "\r\n").encode("utf-8"))
    labelled = process_file(path)
    assert tables(labelled) == tables(process_file(source))
    assert offsets_are_exact(labelled) == []


def test_text_that_is_not_wrapped_keeps_its_lines(corpus):
    for path in sorted((corpus / "texts").glob("*.txt")):
        source = readers.read(path)
        assert structure._join_wrapped(source.text, source.lines) == source.lines, path.name


def test_a_line_break_that_ends_a_block_is_kept():
    text = wrap("Essex PEEL 2016\n\nEffectiveness\n\n" + "The force works well with its partners to keep "
                "people safe and to reduce crime in every part of the county, and it plans well. " * 3
                + "\nHow effective is the force at preventing crime and keeping people safe?\nGood\n"
                "  • The force should improve how it records the outcomes of the crimes that it investigates.\n"
                "  • The force should improve how it supervises the investigations of its officers.\n", 72, "\n")
    lines = structure._join_wrapped(text, readers.split_lines(text))
    bodies = [" ".join(line.text.split()) for line in lines if line.text.strip()]
    assert bodies[3] == "How effective is the force at preventing crime and keeping people safe?"
    assert bodies[4] == "Good"
    assert [b[:24] for b in bodies[5:]] == ["• The force should impro"] * 2
