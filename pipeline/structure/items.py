"""Items: areas for improvement, causes of concern and recommendations, from the blocks.

``read_items`` reads the blocks in order: items under their headings, lists after a
lead-in (``wordings``: a cause of concern's recommendations, a letter's "we identified
three causes of concern:"), causes of concern stated in prose, and recommendations an
earlier inspection made (recalled, with the year and to whom). Each recommendation is
linked to the cause of concern before it under the same question.
"""
from __future__ import annotations

from .. import judgments
from ..model import AreaForImprovement, Block, CauseOfConcern, Recommendation, Report
from ..vocabulary import content_words
from ..wordings import (ALL_FORCES, AREAS_LEAD_IN, CAUSE_OF_CONCERN, CONCERN_BACK_REFERENCE, CONCERN_LEAD_IN,
                        CONCERN_RECOMMENDATIONS_LEAD_IN, ITEMS_TITLE, RECALLED_RECOMMENDATION)
from .lines import _words


def read_items(report: Report, blocks) -> None:
    """Fill areas for improvement, causes of concern and recommendations from the blocks."""
    afi, rec = report.areas_for_improvement, report.recommendations
    concerns: list[tuple[CauseOfConcern, bool]] = []  # (item, stated under a heading)
    lead_in: Block | None = None
    previous: Block | None = None
    pending_lead_in: Block | None = None
    concern_lead: Block | None = None  # a lead-in of causes of concern in running text, before them

    def flush_lead_in() -> None:
        # A lead-in with no items after it (the text stops) stands for its recommendations.
        nonlocal pending_lead_in
        if pending_lead_in is not None:
            rec.append(_recommendation(len(rec), pending_lead_in, None))
            pending_lead_in = None

    def open_lead_in() -> None:
        # A new lead-in; one straight after another lead-in is introduced by it ("... had
        # eight recommendations:" then "The force should immediately:"), no row of its own.
        nonlocal pending_lead_in
        if previous is not None and previous is pending_lead_in:
            pending_lead_in = None
        flush_lead_in()

    # Where the walker put each block (before recommendations are moved out of a cause of
    # concern), and whether the blocks before were a recommendation list.
    previous_place: tuple | None = None
    recalled: Block | None = None  # "In 2017, we recommended that all forces should:", before its list
    in_list = False  # after a lead-in: its list items are recommendations
    after_list = False  # a recommendation list just ended: the next paragraph is a new concern
    for block, _, _ in blocks:
        place = (block.section, block.question_number)
        new_section = place != previous_place
        previous_place = place
        if new_section and block.section != "recommendation":
            lead_in, in_list, after_list = None, False, False
        if block.section != "cause_of_concern":
            concern_lead = None
        elif block.kind == "paragraph" and CONCERN_LEAD_IN.search(_words(block.text)):
            # "we identified three causes of concern:", "Our inspection found:": its list,
            # or the concern it quotes, follows; the lead-in itself is not a concern.
            flush_lead_in()
            concern_lead, in_list, after_list, previous = block, False, False, block
            continue
        elif concern_lead is not None:
            if block.kind == "list_item" or _words(concern_lead.text).endswith("found:") \
                    or block.text[:1] in "“\"‘'":
                concerns.append((CauseOfConcern("", block.question_number, block.question, block.text,
                                                block.char_start, block.char_end, block.truncated), True))
            if block.kind != "list_item":
                concern_lead = None  # one quoted concern, or a paragraph that tells of them
            previous = block
            continue
        if block.section in ("cause_of_concern", "recommendation") and CONCERN_RECOMMENDATIONS_LEAD_IN.match(_words(block.text)) \
                and block.kind == "paragraph" and (block.text.endswith(":") or block.truncated):
            open_lead_in()
            block.section = "recommendation"
            lead_in = pending_lead_in = block
            in_list, previous = True, block
            continue
        if in_list and block.kind == "list_item" and block.section in ("cause_of_concern", "recommendation"):
            block.section = "recommendation"  # "To address this cause of concern, we recommend ...:" and its list
            pending_lead_in = None
            rec.append(_recommendation(len(rec), block, lead_in))
            after_list, previous = True, block
            continue
        if in_list and block.section == "cause_of_concern":
            in_list = False
        if block.kind == "list_item" and block.section in ("summary", "narrative") and previous is not None \
                and (previous.section == "area_for_improvement" or (previous.kind == "paragraph"
                                                                    and AREAS_LEAD_IN.search(_words(previous.text)))):
            block.section = "area_for_improvement"  # "One area for improvement remained ...:" and its list
        if block.section == "area_for_improvement":
            if block.kind == "list_item" or not (block.text.endswith(":") or ITEMS_TITLE.match(_words(block.text))):
                afi.append(AreaForImprovement(
                    f"afi-{len(afi) + 1:02d}", block.question_number, block.question, block.text,
                    block.char_start, block.char_end, block.truncated))
        elif block.section == "cause_of_concern":
            # The first paragraph states the concern, and so does the first after a list
            # of its recommendations; the paragraphs between describe it.
            if new_section or after_list:
                flush_lead_in()
                concerns.append((CauseOfConcern("", block.question_number, block.question, block.text,
                                                block.char_start, block.char_end, block.truncated), True))
                after_list = False
        elif block.section == "recommendation":
            if block.kind == "paragraph" and block.text.endswith(":"):
                open_lead_in()
                lead_in = pending_lead_in = block
                in_list = True
            elif block.kind == "paragraph" and after_list and CAUSE_OF_CONCERN.search(block.text):
                # The next cause of concern, after the recommendations of the one before.
                block.section = "cause_of_concern"
                concerns.append((CauseOfConcern("", block.question_number, block.question, block.text,
                                                block.char_start, block.char_end, block.truncated), True))
                after_list = in_list = False
            else:
                pending_lead_in = None
                rec.append(_recommendation(len(rec), block, lead_in))
        elif recalled is not None and block.kind == "list_item":
            rec.append(_recommendation(len(rec), block, recalled, _recalled_by(recalled.text)))
        else:
            recalled = None
            before = None  # the sentence before, in this block
            for match in judgments.sentences(block.text):
                sentence = block.text[match[0]:match[1]]
                earlier = _recalled_by(sentence)
                if earlier and block.kind == "paragraph" and match[1] == len(block.text) and sentence.endswith(":"):
                    recalled = block  # its list items are the recommendations it recalls
                elif earlier:
                    rec.append(Recommendation(
                        "", block.question_number, block.question, None, None, None, None, sentence,
                        block.char_start + match[0], block.char_start + match[1],
                        block.truncated and match[1] == len(block.text), *earlier))
                if CAUSE_OF_CONCERN.search(sentence):
                    if before is not None and CONCERN_BACK_REFERENCE.match(sentence.strip()):
                        # "The force needs to improve the quality of its investigations. This is a
                        # cause of concern.": the concern is what the sentence before says, with it.
                        match = (before[0], match[1])
                        sentence = block.text[match[0]:match[1]]
                    concerns.append((CauseOfConcern(
                        "", block.question_number, block.question, sentence, block.char_start + match[0],
                        block.char_start + match[1], block.truncated and match[1] == len(block.text)), False))
                before = match
        previous = block
    flush_lead_in()
    rec.sort(key=lambda r: r.char_start)  # recalled ones, found in prose, in reading order too
    for number, recommendation in enumerate(rec, start=1):
        recommendation.recommendation_id = f"rec-{number:02d}"

    # A sentence that names a cause of concern stated again under its heading is the same concern.
    headed = [c for c, under_heading in concerns if under_heading]
    kept = [c for c, under_heading in concerns
            if under_heading or not any(_restates(c.text, h.text) for h in headed)]
    for number, concern in enumerate(kept, start=1):
        concern.cause_of_concern_id = f"coc-{number:02d}"
    report.causes_of_concern = kept
    for recommendation in rec:
        if recommendation.cause_of_concern_id is None:
            linked = next((c for c in reversed(kept) if c.question_number == recommendation.question_number
                           and c.char_start < recommendation.char_start), None)
            recommendation.cause_of_concern_id = linked.cause_of_concern_id if linked else None


def _restates(sentence: str, item: str) -> bool:
    words = content_words(sentence)
    return bool(words) and len(words & content_words(item)) >= 0.7 * len(words)


def _recalled_by(sentence: str) -> tuple[str, str] | None:
    """(year it was made, to whom) of a recommendation an earlier inspection made, else None."""
    match = RECALLED_RECOMMENDATION.match(sentence)
    if match is None:
        return None
    return match["year"], "all forces" if ALL_FORCES.search(sentence) else "this force"


def _recommendation(index: int, block: Block, lead_in: Block | None,
                    recalled: tuple[str, str] | None = None) -> Recommendation:
    return Recommendation(
        f"rec-{index + 1:02d}",
        block.question_number,
        block.question,
        None,  # linked to its cause of concern once all concerns are known
        lead_in.text if lead_in else None,
        lead_in.char_start if lead_in else None,
        lead_in.char_end if lead_in else None,
        block.text,
        block.char_start,
        block.char_end,
        block.truncated,
        *(recalled or (None, None)),
    )

