"""The review pages: static HTML for reviewing a run's results in a browser, from ``file://``.

``review/index.html`` lists the reports; ``review/<report_id>.html`` shows one report's
text, every sentence a span coloured by its label and shaded by its confidence, with
its grades, causes of concern, recommendations and areas for improvement beside it,
each linked to its source span (and page, for PDFs). The page's script (``review.js``
beside the pages, as is its style ``review.css``: relative links, so no server and no
request beyond the folder) filters sentences by label and low confidence and
turns a reviewer's change of a label or grade into ``corrections.csv`` lines to copy or
download; every control's ``data-`` attributes carry what its line is made of.

The text shown is the text the offsets index (a PDF's rebuilt text, a repaired text),
escaped, so a report cannot put markup into the page. The same reports give the same bytes.
"""
from __future__ import annotations

import bisect
import html
from dataclasses import dataclass
from pathlib import Path

from .model import GRADES, LABELS, LabelledReport
from .review import CORRECTION_COLUMNS

FOLDER = "review"
INDEX = f"{FOLDER}/index.html"
#: Below this confidence a sentence's label counts as low: the filter's "low confidence".
LOW_CONFIDENCE = 0.7
#: From this confidence a label's colour is at its deepest.
HIGH_CONFIDENCE = 0.9
_ASSETS = Path(__file__).resolve().parent / "data"
_GRADE_NAMES = {grade: grade.replace("_", " ").capitalize() for grade in GRADES}
#: The item tables beside the text, in the order the page shows them: (attribute, id field, heading).
ITEMS = (
    ("causes_of_concern", "cause_of_concern_id", "Causes of concern"),
    ("recommendations", "recommendation_id", "Recommendations"),
    ("areas_for_improvement", "area_for_improvement_id", "Areas for improvement"),
)


def page_name(report_id: str) -> str:
    return f"{FOLDER}/{report_id}.html"


def _escape(text: str) -> str:
    """Text as HTML text: markup escaped, and carriage returns as references, which an HTML
    parser would otherwise turn into line feeds (the offsets count every character)."""
    return html.escape(text, quote=False).replace("\r", "&#13;")


def _attr(value) -> str:
    return html.escape("" if value is None else str(value), quote=True).replace("\r", "&#13;")


def _band(confidence: float) -> str:
    return "high" if confidence >= HIGH_CONFIDENCE else "mid" if confidence >= LOW_CONFIDENCE else "low"


@dataclass
class _Span:
    start: int
    end: int
    order: int  # at the same range, the lower one is the outer element
    opening: str  # the start tag
    element_id: str


def _placeable(start: int, end: int, placed: list[_Span]) -> bool:
    """Whether a span of [start, end) nests with every span placed: inside it, around it or apart."""
    return all(end <= s.start or s.end <= start or (s.start <= start and end <= s.end)
               or (start <= s.start and s.end <= end) for s in placed)


class _Text:
    """A report's text as HTML: sentence spans, and spans for what the panel links to."""

    def __init__(self, labelled: LabelledReport):
        self.source = labelled.report.source
        self.sentences: list[_Span] = []
        self.marks: list[_Span] = []
        for sentence in labelled.sentences:
            page = self.source.page_of(sentence.char_start)
            confidence = round(sentence.confidence, 4)
            tag = (f'<span id="{_attr(sentence.sentence_id)}" class="s l-{_attr(sentence.label)} '
                   f'c-{_band(confidence)}" data-label="{_attr(sentence.label)}" data-confidence="{confidence}" '
                   f'data-method="{_attr(sentence.method)}" data-section="{_attr(sentence.section)}" '
                   f'data-key="{_attr(sentence.key)}"' + (f' data-page="{page}"' if page else "") +
                   f' title="{_attr(sentence.label)}, confidence {confidence}">')
            self.sentences.append(_Span(sentence.char_start, sentence.char_end, 1, tag, sentence.sentence_id))
        self._starts = [s.start for s in self.sentences]
        self._mark_starts: list[int] = []  # the marks placed, by start, to find those near a range
        self._by_start: list[_Span] = []
        self._longest = 0

    def mark(self, element_id: str, start: int, end: int, kind: str) -> str | None:
        """Give [start, end) a span of its own where it nests; the id of the span to link to."""
        if end <= start:
            return None
        if _placeable(start, end, self._around(start, end) + self._marks_near(start, end)):
            standalone = not any(s.start < end and start < s.end for s in self._around(start, end))
            classes = "mark" + (" grade-line" if kind == "grade" and standalone else "")
            # At a sentence's own range the mark is the outer span.
            span = _Span(start, end, 0, f'<span id="{_attr(element_id)}" class="{classes}">', element_id)
            self.marks.append(span)
            index = bisect.bisect_right(self._mark_starts, start)
            self._mark_starts.insert(index, start)
            self._by_start.insert(index, span)
            self._longest = max(self._longest, end - start)
            return element_id
        # It crosses a span already placed: link to the sentence where it starts.
        index = max(bisect.bisect_right(self._starts, start) - 1, 0)
        return self.sentences[index].element_id if self.sentences else None

    def _around(self, start: int, end: int) -> list[_Span]:
        """The sentences overlapping [start, end) (sentences never overlap one another)."""
        index = max(bisect.bisect_right(self._starts, start) - 1, 0)
        found = []
        for sentence in self.sentences[index:]:
            if sentence.start >= end:
                break
            if sentence.end > start:
                found.append(sentence)
        return found

    def _marks_near(self, start: int, end: int) -> list[_Span]:
        """The marks placed that may overlap [start, end)."""
        low = bisect.bisect_left(self._mark_starts, start - self._longest)
        return self._by_start[low:bisect.bisect_left(self._mark_starts, end)]

    def html(self) -> str:
        text = self.source.text
        spans = self.sentences + self.marks
        pages = [_Span(offset, offset, -1, f'<span id="page-{page}" class="page-start" data-page="page {page}">',
                       f"page-{page}") for offset, page in (self.source.page_starts or [])]
        # By start; at one offset a page's start first, then the longer span, which holds the shorter.
        events = sorted(pages + spans, key=lambda s: (s.start, s.end > s.start, -s.end, s.order))
        out, stack, cursor = [], [], 0
        for span in events:
            while stack and stack[-1].end <= span.start:
                closing = stack.pop()
                out.append(_escape(text[cursor:closing.end]) + "</span>")
                cursor = closing.end
            out.append(_escape(text[cursor:span.start]) + span.opening)
            cursor = span.start
            if span.end == span.start:
                out.append("</span>")
            else:
                stack.append(span)
        while stack:
            closing = stack.pop()
            out.append(_escape(text[cursor:closing.end]) + "</span>")
            cursor = closing.end
        out.append(_escape(text[cursor:]))
        return "".join(out)


#: The files every page links to, copied beside the pages.
ASSETS = ("review.css", "review.js")


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text("utf-8")


def _head(title: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_escape(title)}</title>\n<link rel=\"stylesheet\" href=\"review.css\">\n</head>\n")


def _where(report) -> str:
    parts = [report.force, report.peel_year and f"PEEL {report.peel_year}", report.pillar or report.page_type]
    return " · ".join(_escape(p) for p in parts if p)


def _page_note(source, offset: int) -> str:
    page = source.page_of(offset)
    return f", page {page}" if page else ""


def _grade_item(number: int, grade, target: str | None, source) -> str:
    control = f"grade-fix-{number}"
    options = "".join(f'<option value="{g}"{" selected" if g == grade.grade else ""}>{_GRADE_NAMES[g]}</option>'
                      for g in GRADES)
    name = _GRADE_NAMES.get(grade.grade, grade.grade)
    link = f'<a class="source" href="#{_attr(target)}">{_escape(name)}</a>' if target else \
        f"{_escape(name)} <span class=\"meta\">(no source text: a reviewer's grade)</span>"
    question = f"question {grade.question_number}: " if grade.question_number is not None else ""
    return (f'<li data-table="grades" data-key="{_attr(grade.key)}" data-field="grade" '
            f'data-grade="{_attr(grade.grade)}" data-target="{_attr(target)}">{link} '
            f'<span class="meta">{_escape(grade.scope)}{_page_note(source, grade.char_start) if target else ""}'
            f'</span><br>{_escape(question + grade.subject)}'
            f'<span class="field" data-needs-script hidden><label for="{control}">Correct to</label> '
            f'<select id="{control}" data-table="grades" data-key="{_attr(grade.key)}" data-field="grade">'
            f'{options}</select> <button type="button" class="correct-grade" data-select="{control}">'
            "Make correction line</button></span></li>")


def report_page(labelled: LabelledReport) -> str:
    """One report's review page."""
    report, source = labelled.report, labelled.report.source
    text = _Text(labelled)
    grade_items = []
    for number, grade in enumerate(report.grades, start=1):
        target = text.mark(f"grade-{number}", grade.char_start, grade.char_end, "grade")
        grade_items.append(_grade_item(number, grade, target, source))
    panels = [f'<section aria-labelledby="grades-heading"><h2 id="grades-heading">Grades</h2>'
              + (f'<ol class="grades">{"".join(grade_items)}</ol>' if grade_items else "<p>None stated.</p>")
              + "</section>"]
    for attribute, id_field, heading in ITEMS:
        entries = []
        for item in getattr(report, attribute):
            item_id = getattr(item, id_field)
            target = text.mark(item_id, item.char_start, item.char_end, "item")
            where = f"question {item.question_number}" if item.question_number is not None else ""
            if item.question:
                where = f"{where}: {item.question}" if where else item.question
            cut = " (cut off where the text stops)" if item.truncated else ""
            link = f'<a class="source" href="#{_attr(target)}">{_escape(item_id)}</a>' if target else _escape(item_id)
            entries.append(f'<li data-target="{_attr(target)}">{link} <span class="meta">{_escape(where)}'
                           f'{_page_note(source, item.char_start)}{cut}</span><br>{_escape(item.text)}</li>')
        slug = attribute.replace("_", "-")
        panels.append(f'<section aria-labelledby="{slug}-heading"><h2 id="{slug}-heading">{heading}</h2>'
                      + (f'<ol class="{slug}">{"".join(entries)}</ol>' if entries else "<p>None.</p>")
                      + "</section>")
    label_options = "".join(f'<option value="{label}">{label}</option>' for label in LABELS)
    legend = "".join(f'<li><span class="swatch l-{label} c-high">{label}</span></li>' for label in LABELS)
    title = report.title or report.report_id
    pages = f" ({source.page_count} pages)" if source.page_count else ""
    correct = f"""<section id="correct" aria-labelledby="correct-heading" data-needs-script hidden>
<h2 id="correct-heading">Correct a label or a grade</h2>
<p class="meta">Choose a sentence by clicking it, by following a link beside the text, or with Previous and Next
(which step through the sentences the filter shows); pick its label and make the line. A grade is corrected in
the list of grades. Paste the lines under the header of <code>corrections.csv</code> (or download them) and run
the pipeline again.</p>
<label class="field">Reviewer <input id="reviewer" type="text" autocomplete="name"></label>
<label class="field">Reason <input id="reason" type="text"></label>
<div class="current"><p><strong>Sentence:</strong> <span id="sentence-id">none chosen yet</span></p>
<p id="sentence-text"></p><p class="meta" id="sentence-label"></p></div>
<label class="field">Correct its label to <select id="new-label">{label_options}</select></label>
<button type="button" id="correct-sentence" data-table="sentences" data-field="label" disabled>Make correction line</button>
<label class="field" for="correction-lines">Lines for <code>corrections.csv</code></label>
<textarea id="correction-lines" readonly data-header="{",".join(CORRECTION_COLUMNS)}"></textarea>
<div class="stepper"><button type="button" id="copy" hidden>Copy the lines</button>
<a id="download" download="corrections-{_attr(report.report_id)}.csv" href="#correction-lines" hidden>Download them as a CSV file</a></div>
<p id="correction-status" aria-live="polite"></p>
</section>"""
    return (_head(f"Review: {title}")
            + f'<body data-report-id="{_attr(report.report_id)}" data-low-confidence="{LOW_CONFIDENCE}">\n'
            '<a class="skip" href="#report-text">Skip to the report text</a>\n'
            f'<header><p><a href="index.html">All reports</a></p><h1>{_escape(title)}</h1>'
            f"<p>{_where(report)}</p><p>Report <code>{_escape(report.report_id)}</code>, from "
            f"<code>{_escape(source.source_file)}</code>{pages}</p></header>\n"
            '<main class="layout">\n<section aria-labelledby="text-heading">\n'
            '<h2 id="text-heading">Report text</h2>\n'
            f'<p class="meta">Each sentence is coloured by its label; the paler, the less sure the label '
            f"(dashed: below {LOW_CONFIDENCE}).</p>\n"
            f'<ul class="legend" aria-label="Labels">{legend}</ul>\n'
            '<div id="filters" class="filters" role="group" aria-label="Filter the sentences" data-needs-script hidden>'
            f'<label>Show <select id="filter-label"><option value="">every label</option>{label_options}</select></label>'
            f'<label><input type="checkbox" id="filter-low"> only low confidence (below {LOW_CONFIDENCE})</label>'
            '<span class="stepper"><button type="button" id="previous">Previous sentence</button>'
            '<button type="button" id="next">Next sentence</button></span>'
            '<p id="filter-count" aria-live="polite"></p></div>\n'
            f'<div id="report-text" class="report-text" tabindex="-1">{text.html()}</div>\n</section>\n'
            f'<aside aria-label="What the report states">\n{correct}\n' + "\n".join(panels) + "\n</aside>\n</main>\n"
            "<script src=\"review.js\"></script>\n</body>\n</html>\n")


def index_row(labelled: LabelledReport) -> str:
    """A report's row of the index page."""
    report = labelled.report
    low = sum(1 for s in labelled.sentences if s.confidence < LOW_CONFIDENCE)
    items = sum(len(getattr(report, attribute)) for attribute, _, _ in ITEMS)
    cells = [(_escape(report.force or ""), "Force", ""), (_escape(report.peel_year or ""), "PEEL year", ""),
             (_escape(report.pillar or report.page_type), "Pillar or page", ""),
             (len(labelled.sentences), "Sentences", "number"),
             (low, f"Below {LOW_CONFIDENCE} confidence", "number"), (len(report.grades), "Grades", "number"),
             (items, "Items", "number")]
    # data-column names a cell where the narrow layout shows no header row
    return (f'<tr><td><a href="{_attr(report.report_id)}.html">{_escape(report.title or report.report_id)}</a>'
            f'<br><code>{_escape(report.report_id)}</code></td>'
            + "".join(f'<td data-column="{name}"' + (f' class="{kind}"' if kind else "") + f">{value}</td>"
                      for value, name, kind in cells) + "</tr>")


def index_page(rows: list[str], heatmap: str | None = None) -> str:
    """The list of every report (``rows``: their ``index_row``, by report id), each linking
    to its page; ``heatmap`` names an image beside the folder."""
    picture = (f'<h2>Grades by force</h2><p><img src="../{_attr(heatmap)}" style="max-width: 100%; height: auto" '
               'alt="Heatmap of the grade that stands for each force, PEEL year and pillar or area"></p>'
               if heatmap else "")
    return (_head("Review: PEEL reports")
            + '<body>\n<a class="skip" href="#reports">Skip to the reports</a>\n'
            f"<header><h1>PEEL reports for review</h1><p>{len(rows)} report{'s' if len(rows) != 1 else ''}: "
            "each page shows the report's text with its sentences coloured by label, and what it states beside it."
            "</p></header>\n<main>\n"
            '<h2 id="reports-heading">Reports, by id</h2>'
            '<table id="reports" aria-labelledby="reports-heading"><thead><tr><th scope="col">Report</th>'
            '<th scope="col">Force</th><th scope="col">PEEL year</th><th scope="col">Pillar or page</th>'
            '<th scope="col" class="number">Sentences</th>'
            f'<th scope="col" class="number">Below {LOW_CONFIDENCE} confidence</th><th scope="col" class="number">Grades</th>'
            '<th scope="col" class="number">Items</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table>\n"
            f"{picture}</main>\n</body>\n</html>\n")


def index_files(rows: list[str], heatmap: str | None = None) -> dict[str, bytes]:
    """The index page and the style and script every page shares, by name in the output folder."""
    # The style and script are files beside the pages (a relative link works from file://),
    # not inlined: 11 KB a page would be 110 MB over 10,000 reports.
    return {INDEX: index_page(rows, heatmap).encode("utf-8"),
            **{f"{FOLDER}/{name}": _asset(name).encode("utf-8") for name in ASSETS}}
