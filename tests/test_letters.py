"""The inspectorate's letters and recommendation trackers, on the corpus's real texts.

Both introduce their causes of concern, recommendations and areas for improvement in
running text ("we identified three causes of concern:", "Our inspection found:", "We made
the following recommendations:"); they have a page type of their own and their rows are
rows like any others, each traced to its source.
"""
from __future__ import annotations

import json

import pytest

from pipeline.runner import process_file

LETTER = "greater-manchester_2021-22_cause-of-concern-revisit-letter"
TRACKER = "bedfordshire_2016_effectiveness_rectracker"


@pytest.fixture(scope="module")
def letter(corpus):
    return process_file(corpus / "texts" / f"{LETTER}.txt")


@pytest.fixture(scope="module")
def tracker(corpus):
    return process_file(corpus / "texts" / f"{TRACKER}.txt")


def _traced(labelled) -> None:
    """Every row's text is the source between its offsets."""
    report, text = labelled.report, labelled.report.source.text
    rows = [*report.causes_of_concern, *report.recommendations, *report.areas_for_improvement, *labelled.sentences]
    for row in rows:
        assert text[row.char_start:row.char_end] == row.text, row
    for rec in report.recommendations:
        if rec.lead_in is not None:
            assert text[rec.lead_in_char_start:rec.lead_in_char_end] == rec.lead_in


def test_letter_page_type_and_metadata(letter):
    report = letter.report
    assert (report.page_type, report.force, report.force_short, report.peel_year) == (
        "letter", "Greater Manchester Police", "Greater Manchester", "2021/22")
    assert report.title == "Greater Manchester Police: PEEL Cause of concern revisit letter"
    assert report.last_updated == "2022-10-28"  # "Published on: 28 October 2022" (and "Sent on:")
    assert report.report_id == "greater-manchester-2021-22-letter"
    assert report.grades == [] and report.overall_grade is None and report.pillar is None


def test_letter_concern_and_its_recommendations(letter):
    report = letter.report
    (concern,) = report.causes_of_concern  # the one the letter quotes after "Our inspection found:"
    assert concern.cause_of_concern_id == "coc-01"
    assert concern.text.startswith("“Greater Manchester Police is failing to respond appropriately")
    assert concern.text.endswith("public safety in Greater Manchester.”")
    recs = report.recommendations
    assert [r.recommendation_id for r in recs] == ["rec-01", "rec-02", "rec-03"]
    assert [r.cause_of_concern_id for r in recs] == ["coc-01"] * 3
    assert {r.lead_in for r in recs} == {"We made the following recommendations:"}
    assert recs[0].text.startswith("The force should immediately develop a plan")
    assert recs[1].text.startswith("Within three months, the force should review its graded response policy")
    assert recs[2].text.endswith("in a timely manner to") and recs[2].truncated
    assert not any(r.truncated for r in recs[:2])
    assert [r.char_start for r in recs] == sorted(r.char_start for r in recs) and concern.char_end < recs[0].char_start
    _traced(letter)


def test_letter_sentences_follow_gold(letter, corpus):
    """Dates, names and headings are structure; the lead-ins are sentences of their own."""
    gold = [json.loads(line) for line in
            (corpus / "gold_sentences" / f"{LETTER}.jsonl").read_text("utf-8").splitlines() if line.strip()]
    assert [s.text for s in letter.sentences] == [g["text"] for g in gold]
    labels = {s.text: s.label for s in letter.sentences}
    assert labels["Between 6 and 17 September 2021, we inspected Greater Manchester Police as part of our "
                  "PEEL programme."] == "finding"  # before the lead-in in its paragraph: not a concern
    assert labels["During our inspection, we identified three causes of concern:"] == "concern"
    assert labels["Our inspection found:"] == "concern"
    assert labels["We made the following recommendations:"] == "recommendation"


def test_tracker_page_type_and_metadata(tracker):
    report = tracker.report
    assert (report.page_type, report.force, report.peel_year, report.pillar) == (
        "tracker", "Bedfordshire Police", "2016", "effectiveness")
    assert report.title == "PEEL: police effectiveness 2016 – Bedfordshire Police (8770)"
    # its status lines: "[on]3rd November 2016 ...[on]15th March 2018": the latest
    assert report.last_updated == "2018-03-15"
    assert report.report_id == "bedfordshire-2016-effectiveness-tracker"  # not the pillar page's id
    assert report.grades == []


def test_tracker_rows(tracker):
    report = tracker.report
    (concern,) = report.causes_of_concern
    assert concern.text == ("Community policing teams in Bedfordshire are not well enough resourced to prevent "
                            "crime and anti-social behaviour effectively.")
    # "• a; and • b" on one line: two items
    assert [(r.recommendation_id, r.cause_of_concern_id, r.text) for r in report.recommendations] == [
        ("rec-01", "coc-01", "increase the number of officers and staff carrying out active preventative policing "
                             "and problem-solving activity; and"),
        ("rec-02", "coc-01", "monitor the effect of this increase to ensure that it improves the quality of service "
                             "provided to the public."),
    ]
    assert {r.lead_in for r in report.recommendations} == {
        "To address this cause of concern the force must immediately take steps to:"}
    # "The 2017 inspection identified the following Areas for improvement" then "•The force should ..."
    (area,) = report.areas_for_improvement
    assert (area.area_for_improvement_id, area.text, area.truncated) == (
        "afi-01", "The force should ensure that local teams are sufficien", True)
    _traced(tracker)


def test_tracker_status_markup_is_never_a_sentence(tracker, corpus):
    texts = [s.text for s in tracker.sentences]
    assert not [t for t in texts if "[on]" in t or "[status]" in t or "[comment]" in t]
    gold = [json.loads(line) for line in
            (corpus / "gold_sentences" / f"{TRACKER}.jsonl").read_text("utf-8").splitlines() if line.strip()]
    assert texts == [g["text"] for g in gold]
    labels = {s.text: (s.label, s.section) for s in tracker.sentences}
    # the comment after the status line is not part of the recommendations list before it
    assert labels["At the time of the inspection the force was ahead of schedule for its resourcing plans."] == (
        "finding", "summary")
    # a title-like lead-in without a full stop: its own sentence, not merged into the item after it
    assert labels["The 2017 inspection identified the following Areas for improvement"] == (
        "improvement", "area_for_improvement")
    assert not [t for t in texts if t.startswith("PEEL: police effectiveness")]  # the title is structure


# A revisit letter in the shapes later letters use (staffordshire, cleveland, nottinghamshire
# and devon-and-cornwall letters of 2023-25): lead-ins with words between "causes of
# concern" and the colon, "We recommended that ...:", a lead-in that introduces another,
# the PEEL year written before "PEEL", and prose straight after a lead-in's list.
LATER_LETTER = """Cleveland Police: PEEL causes of concern revisit letter
Sent on:
20 September 2023
Background
Between 17 and 28 October 2022, we inspected Cleveland Police. During our inspection, we identified two accelerated causes of concern, which were that the force:
- was failing to identify and assess vulnerability at first point of contact; and
- wasn’t carrying out effective investigations.
On 6 July 2022, we moved the force to the engage phase of our monitoring process.
On 17 March 2023, we published these causes of concern in our 2021-22 PEEL assessment of Cleveland Police.
Preventing crime
We recommended that the force take immediate steps to:
- provide strategic direction and co-ordination of all prevention activity; and
- integrate preventative practice across the organisation.
Investigations
Our cause of concern regarding investigations had two recommendations:
The force should immediately:
- review how it manages crimes; and
- allocate crimes for investigation on the basis of seriousness and risk.
We found that crime data integrity remained a cause of concern.
"""


@pytest.fixture(scope="module")
def later_letter(tmp_path_factory):
    path = tmp_path_factory.mktemp("letter") / "cleveland-letter.txt"
    path.write_text(LATER_LETTER, encoding="utf-8")
    return process_file(path)


def test_later_letters_lead_ins_and_their_lists(later_letter):
    report = later_letter.report
    assert (report.page_type, report.force_short, report.peel_year) == ("letter", "Cleveland", "2021/22")
    assert [c.text for c in report.causes_of_concern] == [
        "was failing to identify and assess vulnerability at first point of contact; and",
        "wasn’t carrying out effective investigations.",
        "We found that crime data integrity remained a cause of concern.",
    ]
    # the list items are the recommendations; neither lead-in of the nested pair is a row
    assert [r.text for r in report.recommendations] == [
        "provide strategic direction and co-ordination of all prevention activity; and",
        "integrate preventative practice across the organisation.",
        "review how it manages crimes; and",
        "allocate crimes for investigation on the basis of seriousness and risk.",
    ]
    assert [r.lead_in for r in report.recommendations] == [
        "We recommended that the force take immediate steps to:"] * 2 + ["The force should immediately:"] * 2
    _traced(later_letter)


def test_later_letters_sentences(later_letter):
    labels = {s.text: (s.label, s.section) for s in later_letter.sentences}
    assert labels["During our inspection, we identified two accelerated causes of concern, which were that the "
                  "force:"] == ("concern", "cause_of_concern")
    # straight after the lead-in's list the letter goes on: not part of the concern's section
    moved = labels["On 6 July 2022, we moved the force to the engage phase of our monitoring process."]
    assert moved == ("finding", "summary")
    # ... though a sentence naming the causes of concern is a concern wherever it stands
    assert labels["On 17 March 2023, we published these causes of concern in our 2021-22 PEEL assessment of "
                  "Cleveland Police."][0] == "concern"
    assert labels["Our cause of concern regarding investigations had two recommendations:"][0] == "recommendation"
    assert labels["review how it manages crimes; and"] == ("recommendation", "recommendation")


def test_prose_after_a_recommendations_list_is_not_a_recommendation(tmp_path):
    """Under a "Recommendations" heading, the paragraph after the list goes on with the letter
    (west-mercia 2023 letter), unless it opens with the next recommendations' deadline
    (nottinghamshire 2025 letter: "By 30 September 2024, the force should:")."""
    path = tmp_path / "west-mercia-letter.txt"
    path.write_text(
        "West Mercia Police: PEEL cause of concern revisit letter\nPublished on: 31 October 2023\n"
        "Cause of concern\nThe force needs to improve how it investigates crimes.\nRecommendations\n"
        "West Mercia Police should, within three months:\n  • make sure investigation plans are created; and\n"
        "  • make sure victims are regularly updated.\n"
        "Between 3 and 8 July 2023, we revisited the force to review progress against this cause of concern.\n"
        "As part of this assessment, we reviewed 100 case files.\n"
        "By 30 September 2024, the force should:\n  • review all crimes where victims haven’t received an update.\n",
        encoding="utf-8")
    labelled = process_file(path)
    recs = [r.text for r in labelled.report.recommendations]
    assert recs == ["make sure investigation plans are created; and", "make sure victims are regularly updated.",
                    "review all crimes where victims haven’t received an update."]
    labels = {s.text: s.label for s in labelled.sentences}
    assert labels["As part of this assessment, we reviewed 100 case files."] == "finding"
    assert labels["By 30 September 2024, the force should:"] == "recommendation"
    _traced(labelled)


def test_a_letter_s_causes_listed_as_follows_and_its_date_without_a_colon(tmp_path):
    """"Three of these causes of concern were as follows:" and its list (west-midlands 2024
    letter); "Sent on" on a line of its own, no colon, the date on the next."""
    path = tmp_path / "west-midlands-letter.txt"
    path.write_text(
        "West Midlands Police: PEEL causes of concern revisit letter\nSent on\n23 July 2024\nBackground\n"
        "In September 2023, we inspected West Midlands Police. During our inspection, we identified four causes "
        "of concern. Three of these causes of concern were as follows:\n"
        "- The force doesn’t manage the risk posed to the public by registered sex offenders effectively.\n"
        "- The force doesn’t manage the risk posed by online child abuse offenders effectively.\n"
        "In May and June 2024, we revisited the force to scrutinise the progress made.\n", encoding="utf-8")
    labelled = process_file(path)
    report = labelled.report
    assert report.last_updated == "2024-07-23"
    assert [c.text for c in report.causes_of_concern] == [
        "The force doesn’t manage the risk posed to the public by registered sex offenders effectively.",
        "The force doesn’t manage the risk posed by online child abuse offenders effectively."]
    _traced(labelled)


def test_a_revisit_letters_page_and_the_monitoring_process(tmp_path):
    """The page of a cause-of-concern revisit letter (cleveland, held out) is a letter, its
    download link is furniture; and a monitoring letter's account of the process (lincolnshire
    2024, held out: "HMCI may place forces into Engage when there are causes of concern about
    ...") states no cause of concern and is a finding, rules or classifier."""
    page = tmp_path / "cleveland-revisit.txt"
    page.write_text(
        "Cleveland Police cause of concern revisit – Public engagement and scrutiny\n"
        "During our PEEL inspection of Cleveland, between 20 and 31 May 2019, we identified six causes of "
        "concern. One of them was about engaging with the public and external scrutiny of the force.\n"
        "We reviewed progress against this cause of concern between 7 June and 29 July 2021.\n"
        "This letter summarises our findings.\n"
        "Download the letter\n"
        "Cleveland Police cause of concern revisit – Public engagement and scrutiny (PDF document)\n"
        "There are two stages in the monitoring process: Scan and Engage. Scan is the default phase of "
        "monitoring, for which we use a range of data and information to identify potential areas of concern. "
        "HMCI may place forces into Engage when there are causes of concern about their efficiency, "
        "effectiveness or legitimacy that appear to need closer scrutiny.\n", encoding="utf-8")
    labelled = process_file(page)
    assert labelled.report.page_type == "letter"
    assert labelled.report.causes_of_concern == []
    labels = {s.text[:30]: s.label for s in labelled.sentences}
    assert not [t for t in labels if "PDF document" in t or t.startswith("Download")]
    assert labels["During our PEEL inspection of C"[:30]] == "concern"
    for start in ("We reviewed progress against t", "Scan is the default phase of m", "HMCI may place forces into Eng"):
        assert labels[start] == "finding", start


def test_a_letter_page_titled_without_the_word_letter(tmp_path):
    """"West Midlands Police: Enhanced monitoring decision" (held out, set 6): a page known
    for a letter by its "Letter information" takes its first line, a force and a colon, for
    its title, and is read, not refused for want of one."""
    page = tmp_path / "west-midlands-engage.txt"
    page.write_text(
        "West Midlands Police: Enhanced monitoring decision\n\nPublished on: 29 November 2023\n\n"
        "Letter information\n\nFrom:\nAndy Cooke QPM DL\nHis Majesty’s Chief Inspector of Constabulary\n\n"
        "To:\nSimon Foster\nWest Midlands Police and Crime Commissioner\n\nSent on:\n23 November 2023\n\n"
        "Engage – West Midlands Police\n\nThank you for your letter of 23 November to HMI Wendy Williams. She has "
        "passed the letter to me, as in the circumstances it appears I am the most appropriate person to "
        "respond.\n", encoding="utf-8")
    report = process_file(page).report
    assert (report.page_type, report.title, report.force_short, report.last_updated) == (
        "letter", "West Midlands Police: Enhanced monitoring decision", "West Midlands", "2023-11-29")


def test_a_cause_of_concern_published_on_its_own_page(tmp_path):
    """An accelerated cause of concern's page (greater-manchester, held out, set 7): a letter
    by its title; its one cause of concern is the one "issued ... because ..."; the
    inspectorate's account of what a cause of concern is states none, nor does a relative
    clause that recalls "the improvements we recommended"."""
    page = tmp_path / "gmp-accelerated-cause-of-concern.txt"
    page.write_text(
        "PEEL: Greater Manchester Police cause of concern – Responding to vulnerable people\n\n"
        "Published on: 30 September 2021\n\n\n"
        "If our inspection identifies a serious or critical shortcoming in a force’s practice, policy or "
        "performance, it will be reported as a cause of concern. A cause of concern will always be accompanied "
        "by one or more recommendations. When we identify causes of concern during our inspections, we normally "
        "provide details in the subsequent force report.\n\n"
        "In some cases, such as when we discover significant service failures or risks to public safety, we "
        "report our concerns and recommendations earlier. This is called an accelerated cause of concern.\n\n"
        "We have issued this accelerated cause of concern to Greater Manchester Police because the force’s "
        "response to some vulnerable victims is inadequate. It has also failed to make the improvements we "
        "recommended in previous inspections.\n", encoding="utf-8")
    labelled = process_file(page)
    report = labelled.report
    assert (report.page_type, report.force_short, report.last_updated) == ("letter", "Greater Manchester",
                                                                          "2021-09-30")
    assert [c.text[:40] for c in report.causes_of_concern] == ["We have issued this accelerated cause of"]
    labels = {s.text[:30]: s.label for s in labelled.sentences}
    assert labels == {
        "If our inspection identifies a": "finding",
        "A cause of concern will always": "finding",
        "When we identify causes of con": "finding",
        "In some cases, such as when we": "finding",
        "This is called an accelerated ": "finding",
        "We have issued this accelerate": "concern",
        "It has also failed to make the": labels["It has also failed to make the"],
    }
    # (its gold is concern, a sentence describing the cause; it is no recommendation)
    assert labels["It has also failed to make the"] != "recommendation"


def test_a_letter_titled_by_who_wrote_to_whom(tmp_path):
    """"Letter from HM Chief Inspector to Humberside Police and Crime Commissioner" (held out,
    set 7): a page known for a letter takes that line for its title, and the force whose
    commissioner it is for its force; it was refused before."""
    page = tmp_path / "humberside-letter.txt"
    page.write_text(
        "Letter from HM Chief Inspector to Humberside Police and Crime Commissioner\nContents\n"
        "Print this document\nLetter information\nFrom\nAndy Cooke QPM DL\n"
        "His Majesty’s Chief Inspector of Constabulary\nTo\nJonathan Evison\n"
        "Police and Crime Commissioner for Humberside\nSent on\n2 October 2024\n"
        "I am writing to you ahead of the publication of the latest PEEL assessment of Humberside Police to "
        "express my concerns about the situation the force currently finds itself in.\n", encoding="utf-8")
    labelled = process_file(page)
    report = labelled.report
    assert (report.page_type, report.force_short, report.last_updated) == ("letter", "Humberside", "2024-10-02")
    assert report.title.startswith("Letter from HM Chief Inspector to Humberside")
    assert [s.label for s in labelled.sentences] == ["concern"]


def test_a_closure_letter_states_its_cause_of_concern_without_a_full_stop(tmp_path):
    """A 2025 letter closing a cause of concern (held-out set 9, hertfordshire): under the
    heading "Cause of concern" its first line states the concern with no full stop; the
    paragraphs after it describe the concern. Its PEEL year is named with a non-breaking
    hyphen ("2023‑25") and the pillars in another order ("police efficiency, effectiveness
    and legitimacy"). Before, the statement was read as a heading and the year was not read."""
    page = tmp_path / "hertfordshire-closure.txt"
    page.write_text(
        "Hertfordshire Constabulary: closure of cause of concern\nContents\nPrint this document\n"
        "Letter information\nFrom\nRoy Wilsher OBE QFSM\nHis Majesty’s Inspector of Constabulary\nTo\n"
        "Chief Constable Andy Prophet\nHertfordshire Constabulary\nSent on\n11 July 2025\n"
        "Closure of cause of concern\nI am writing to you to confirm we are closing the cause of concern we "
        "raised in our 2023\u201125 police efficiency, effectiveness and legitimacy (PEEL) inspection.\n"
        "Cause of concern\nThe constabulary is failing to record reports of crime correctly\n"
        "We estimate that Hertfordshire Constabulary is only recording 82.6 percent of all reported crime. Its "
        "performance is even worse for offences of violence against the person.\n"
        "The constabulary must improve how it records reports of rape. We found it hadn’t recorded 14 rape "
        "crimes correctly.\n", encoding="utf-8")
    labelled = process_file(page)
    report = labelled.report
    assert (report.page_type, report.peel_year, report.last_updated) == ("letter", "2023-25", "2025-07-11")
    assert [c.text for c in report.causes_of_concern] == ["The constabulary is failing to record reports of crime "
                                                          "correctly"]
    assert [s.label for s in labelled.sentences] == ["concern"] * 6
    assert {s.section for s in labelled.sentences[1:]} == {"cause_of_concern"}
