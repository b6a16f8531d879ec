"""Pages without a title: corpus texts with their top cut off, and the forces' names.

An excerpt that starts part-way down a page is still a PEEL page when it names a force
and speaks the inspectorate's language; it keeps its force, states no grade its text
does not, and still gives the grades its text states. A text that names a force but does
not speak that language (a news story) is refused, and so is a page about a police
service PEEL does not inspect.
"""
from __future__ import annotations

import json
import re

import pytest

from pipeline.evaluate import Scores, normalise_gold, score_structure
from pipeline.model import PipelineError
from pipeline.runner import process_file
from pipeline.vocabulary import force_by_short, force_mentions
from pipeline.wordings import inspectorate_signs

# Texts of each family (overviews of 2015-2018, pillar pages of 2018/19), cut before a
# paragraph a third of the way down or further.
CUT = [
    "avon-and-somerset_2017_overview",
    "cambridgeshire_2016_overview_part1",
    "cheshire_2016_overview",
    "devon-and-cornwall_2018_effectiveness_part1",
    "dyfed-powys_2017_overview_part1",
    "dyfed-powys_2018_effectiveness_part1",
    "dyfed-powys_2018_legitimacy",
    "essex_2017_overview_part1",
    "merseyside_2016_overview_part2",
    "metropolitan_2015_overview",
    "nottinghamshire_2017_legitimacy",
    "sussex_2016_overview_part2",
    "surrey_2018_effectiveness_part2",
    "west-mercia_2016_overview_part2",
]


def _cut_at(text: str) -> int:
    """The start of the first prose paragraph (a long line ending a sentence) past a third of the text."""
    for match in re.finditer(r"(?:^|\n\s*\n)([A-Z][^\n]{60,}[.!?:]\s*\n)", text):
        if match.start(1) >= len(text) // 3:
            return match.start(1)
    raise AssertionError("no paragraph to cut at")


@pytest.mark.parametrize("name", CUT)
def test_a_page_cut_part_way_down_keeps_its_force_and_grades(corpus, tmp_path, name):
    source = corpus / "texts" / f"{name}.txt"
    text = source.read_text("utf-8")
    cut = _cut_at(text)
    path = tmp_path / f"{name}.txt"
    path.write_text(text[cut:], "utf-8")
    excerpt, full = process_file(path).report, process_file(source).report
    assert excerpt.title is None and text[:cut].strip()  # the title and the lines after it are gone
    gold = normalise_gold(json.loads((corpus / "gold" / f"{name}.json").read_text("utf-8")))
    assert excerpt.force_short == gold["force"] == full.force_short

    # No grade the text does not state: every grade reported is in the page's gold.
    scores = Scores()
    score_structure(process_file(path), gold, scores, name)
    invented = [f for f in scores.failures if "not in gold" in f
                or (f.startswith("pillar_grades") and "gold None" in f)
                or (f.startswith("overall_grade") and "got None" not in f)]
    assert invented == []
    # The grades still stated (the sentence, and the heading it sits under, are in the
    # excerpt) are found, with the same grade and words.
    got = {(g.grade, g.char_start + cut, g.text) for g in excerpt.grades}
    headings = {(q.question, q.number): q.char_start for q in full.questions}
    still = {(g.grade, g.char_start, g.text) for g in full.grades if g.char_start >= cut
             and headings.get((g.subject, g.question_number), cut) >= cut}
    assert still <= got
    for grade in excerpt.grades:
        assert text[cut:][grade.char_start:grade.char_end] == grade.text


def test_the_cut_pages_state_grades_to_find(corpus):
    """The cuts above are not empty of judgments: the check above checks something."""
    found = 0
    for name in CUT:
        text = (corpus / "texts" / f"{name}.txt").read_text("utf-8")
        cut = _cut_at(text)
        found += sum(1 for g in process_file(corpus / "texts" / f"{name}.txt").report.grades if g.char_start >= cut)
    assert found >= 2 * len(CUT)


NEWS = ("The chief constable of Essex Police thanked volunteers at a ceremony on Friday, saying their work had "
        "made a difference to local communities. The force said it was proud of them.\n")


@pytest.mark.parametrize("text, why", [
    (NEWS, "not a PEEL inspection report"),
    ("Essex Police has been told it must get better at investigating crime, after a report published on Thursday. "
     "A spokesperson for the constabulary said it welcomed the findings.\n", "not a PEEL inspection report"),
    ("We found that the Police Service of Northern Ireland is good at preventing crime, and the force should "
     "improve how it supports victims. The Metropolitan Police Service was inspected too.\n",
     "not a force the PEEL inspections cover"),
], ids=["news", "news-quoting-a-finding", "psni"])
def test_a_text_naming_a_force_without_the_inspectorate_s_language_is_refused(tmp_path, text, why):
    path = tmp_path / "page.txt"
    path.write_text(text, "utf-8")
    with pytest.raises(PipelineError, match=why):
        process_file(path)


def test_an_excerpt_in_the_inspectorate_s_language_is_a_peel_page(tmp_path):
    path = tmp_path / "excerpt.txt"
    path.write_text("We found that Heddlu Dyfed-Powys has improved the way it protects vulnerable people. "
                    "The force should ensure that its neighbourhood teams have the training they need.\n", "utf-8")
    report = process_file(path).report
    assert (report.force_short, report.force) == ("Dyfed-Powys", "Dyfed-Powys Police")
    assert {"voice", "should"} <= inspectorate_signs(path.read_text("utf-8"))


@pytest.mark.parametrize("written, short", [
    ("Dyfed-Powys Police", "Dyfed-Powys"),
    ("Heddlu Dyfed-Powys", "Dyfed-Powys"),
    ("Heddlu De Cymru", "South Wales"),
    ("Heddlu Gogledd Cymru", "North Wales"),
    ("Heddlu Gwent", "Gwent"),
    ("Devon and Cornwall Police", "Devon and Cornwall"),
    ("Devon & Cornwall Police", "Devon and Cornwall"),
    ("Metropolitan Police Service", "Metropolitan"),
    ("the MPS", "Metropolitan"),
    ("the Met", "Metropolitan"),
    ("Avon and Somerset Constabulary", "Avon and Somerset"),
    ("Avon and Somerset Police", "Avon and Somerset"),
    ("Thames Valley Police", "Thames Valley"),
    ("Hampshire Constabulary", "Hampshire"),
    ("Hampshire and Isle of Wight Constabulary", "Hampshire"),
    ("GMP", "Greater Manchester"),
    ("British Transport Police", "British Transport"),
    ("BTP", "British Transport"),
])
def test_every_name_of_a_force_is_known(written, short):
    assert [m[1] for m in force_mentions(f"In 2019, {written} was inspected.")] == [short]
    assert force_by_short(short) is not None


@pytest.mark.parametrize("text", ["the Police Service of Northern Ireland", "Police Scotland", "the Met Office",
                                  "Essex Police and Crime Commissioner"])
def test_what_is_not_a_peel_force(text):
    assert force_mentions(f"In 2019, {text} said so.") == []


def test_forty_three_territorial_forces_and_british_transport_police():
    from pipeline.vocabulary import FORCES
    assert len(FORCES) == 44 and len({s for s, _ in FORCES}) == 44
    assert ("British Transport", "British Transport Police") in FORCES
