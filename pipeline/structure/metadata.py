"""A report's metadata: its page type, force, PEEL year and dates.

The page type (pillar, overview, report, letter, tracker) is told from the page's own
signs; the force from its title, else the first force the text names that is not
another force than the page's ("its alliance with Warwickshire Police"); the year as
the inspectorate names PEEL years; a letter's or tracker's date from what it states.
"""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from ..model import Line
from ..vocabulary import FORCES, force_by_short, force_mentions, forces_named
from ..wordings import (AREAS_OF_POLICING, DASHES, LETTER_TITLE, OTHER_FORCE_BEFORE, OVERVIEW_WORDING, PILLAR_TITLE, PILLARS,
                        QUESTIONS_FOR, REPORT_MARKERS, TRACKER_STATUS, TRACKER_TITLE, pillar_question)
from .lines import _ENDS_SENTENCE, _HEADING_WORDS

if TYPE_CHECKING:
    from .walker import _State

_FORCE_NAMES = "|".join(re.escape(short) for short, _ in FORCES)
# A force's overview page: "Essex 2016" (its title is the force's short name and the year).
_OVERVIEW_TITLE = re.compile(r"^(?P<force>" + _FORCE_NAMES + r")\s+(?P<year>20\d\d(?:\s*/\s*\d\d)?)$")

#: How many kinds of the inspectorate's language a page without a PEEL title, question,
#: grade line or heading must speak to be taken for a PEEL page (a news story speaks none
#: or one).
_TITLELESS_SIGNS = 2


def _page_type(lines, text: str) -> str:
    """pillar, overview, report, letter or tracker, from the page's own signs.

    A page titled "Surrey PEEL 2014" is one pillar's page when it names its pillar (a line
    "Effectiveness", "Questions for Effectiveness", the pillar's own question); without one,
    and in an overview's words, it is the force's overview of that year.
    """
    bodies = [" ".join(line.text.split()) for line in lines]
    first = next((b for b in bodies if b), "")
    if TRACKER_TITLE.match(first) or any(TRACKER_STATUS.match(b) for b in bodies):
        return "tracker"
    if LETTER_TITLE.match(first) or "Letter information" in bodies:
        return "letter"
    titles = [m for m in map(PILLAR_TITLE.match, bodies) if m]
    if titles and titles[0]["year"][:4] >= "2021":
        return "report"
    if titles:
        names_pillar = any(b.lower() in PILLARS or QUESTIONS_FOR.match(b) or pillar_question(b) for b in bodies)
        return "overview" if not names_pillar and OVERVIEW_WORDING.search(text) else "pillar"
    if any(_OVERVIEW_TITLE.match(b) for b in bodies):
        return "overview"
    if any(REPORT_MARKERS.match(b) for b in bodies) or AREAS_OF_POLICING.search(text):
        return "report"
    if OVERVIEW_WORDING.search(text):
        return "overview"
    # An excerpt without its title: a page that asks two pillars' questions, or heads two
    # pillars' sections, is the force's overview of them.
    if len({pillar_question(b) or (b.lower() if b.lower() in PILLARS else None) for b in bodies} - {None}) >= 2:
        return "overview"
    return "pillar"


def _peel_year(raw: str) -> str:
    """Normalise a year as the inspectorate names PEEL years: 2015, 2018/19, 2021/22, 2023-25."""
    parts = re.split(rf"\s*[/{DASHES}]\s*", raw.strip())
    first = parts[0]
    if len(parts) > 1:
        sep = "-" if int(first) >= 2023 else "/"
        return f"{first}{sep}{parts[1][-2:]}"
    if first == "2018":
        return "2018/19"  # "Cheshire PEEL 2018" is the 2018/19 inspection year
    return first


def _iso_date(match: re.Match) -> str | None:
    """YYYY-MM-DD of a "Last updated" date, or None for a date no calendar has (31/02/2016)."""
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return None


def _stated_date(state: _State) -> str | None:
    """A letter's or tracker's date: when it was published (else sent); a tracker's latest status."""
    for what in ("published", "updated", "last updated", "sent"):
        if state.dates.get(what):
            return state.dates[what][0]
    return max(state.dates.get("status", []), default=None)


def _add_date(state: _State, what: str, when: tuple[int, int, int] | None) -> None:
    try:
        day = date(*when).isoformat() if when else None
    except ValueError:
        return  # a date no calendar has
    if day:
        state.dates.setdefault(" ".join(what.lower().split()), []).append(day)


_MONTHS = ("january february march april may june july august september october november december").split()
_LONG_DATE = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>" + "|".join(_MONTHS) + r")\s+(?P<y>(?:19|20)\d\d)$", re.IGNORECASE
)


def long_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date written out ("28 October 2022", "3rd November 2016"), else None."""
    match = _LONG_DATE.match(" ".join(text.split()))
    if match is None:
        return None
    return int(match["y"]), _MONTHS.index(match["m"].lower()) + 1, int(match["d"])


def _headline_force(lines: list[Line]) -> str | None:
    """The force a page's first line names when that line is a title ("Inspectors praise
    Cambridgeshire Constabulary"): the page is about it, whatever other forces it quotes."""
    first = next((" ".join(line.text.split()) for line in lines if line.text.strip()), "")
    if not first or len(first.split()) > _HEADING_WORDS or _ENDS_SENTENCE.search(first):
        return None
    named = forces_named(first) or {short for short, _ in FORCES if re.search(rf"\b{re.escape(short)}\b", first)}
    return named.pop() if len(named) == 1 else None


def _find_force(text: str, title_force: str | None) -> tuple[str, str] | None:
    """(short, full) name of the force: from the title, else the first force the text names."""
    if title_force:
        known = force_by_short(title_force) or next(((s, f) for s, f in FORCES if f == title_force), None)
        short = known[0] if known else title_force
        # Prefer the name as the report writes it ("Cambridgeshire Constabulary").
        match = re.search(re.escape(short) + r" (?:Constabulary|Police Service|Police)\b", text)
        if match:
            return short, match.group()
        return short, known[1] if known else title_force
    for at, short, written in force_mentions(text):
        known = force_by_short(short)
        if known is None or OTHER_FORCE_BEFORE.search(text[max(0, at - 40):at]):
            continue  # "its alliance with Warwickshire Police": another force than the page's
        # The name as the report writes it ("Wiltshire Constabulary"), but the official name
        # for a short form or the Welsh name ("GMP", "Heddlu Dyfed-Powys").
        if re.fullmatch(r".+\s(?:Constabulary|Police\s+Service|Police)", written) and not written.startswith("Heddlu"):
            return short, " ".join(written.split())
        return known
    return None
