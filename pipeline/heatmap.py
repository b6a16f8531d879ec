"""The grade heatmap: forces by pillar (or area of policing), one panel per PEEL year.

Written as ``grades_heatmap.png`` and ``grades_heatmap.svg`` by every run that holds
more than one force. Each cell is the grade that stands for that force, year and
pillar (or area), as ``grades_by_force.csv`` gives it (``pipeline.resolve``). The same reports give the same
bytes: the SVG's ids are salted with a fixed string, and neither file records a date or
the program that wrote it.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from .model import GRADES, LabelledReport
from .vocabulary import PILLARS, slug

PNG = "grades_heatmap.png"
SVG = "grades_heatmap.svg"

#: Grade colours, best to worst: ColorBrewer's RdYlBu in five classes, a scale that stays
#: ordered for the common colour-vision deficiencies; every cell also names its grade.
COLOURS = {
    "outstanding": "#2c7bb6",
    "good": "#abd9e9",
    "adequate": "#ffffbf",
    "requires_improvement": "#fdae61",
    "inadequate": "#d7191c",
    "not_graded": "#969696",
}
#: A force, year and pillar with no grade stated in the reports of the run.
MISSING = "#ffffff"
NAMES = {grade: grade.replace("_", " ").capitalize() for grade in GRADES}
ABBREVIATIONS = {"outstanding": "O", "good": "G", "adequate": "A", "requires_improvement": "RI",
                 "inadequate": "I", "not_graded": "NG"}
_DARK = {"outstanding", "inadequate"}  # white text on these


@dataclass(frozen=True)
class Standing:
    """The grade that stands for one force, PEEL year and pillar (or area), and the row stating it."""

    force: str  # the short name ("Cambridgeshire")
    peel_year: str
    column: str  # a pillar ("effectiveness") or an area ("area.investigating-crime", else its subject)
    grade: str
    report_id: str
    key: str  # the grades.csv key of the row it came from


def standing_grades(rows: list[dict]) -> list[Standing]:
    """The grade that stands for each force, year and pillar (or 2021+ area), of the rows of
    ``grades_by_force.csv`` (``pipeline.resolve``, which documents the rule): its pillars and areas."""
    cells = []
    for row in rows:
        if row["level"] == "pillar":
            column = row["pillar"]
        elif row["level"] == "area":  # by its framework area, else its wording
            column = row["framework_question"] or " ".join((row["subject"] or "").lower().split())
        else:
            continue
        if row["force_short"] and row["peel_year"] and column and row["grade"] in COLOURS:
            cells.append(Standing(row["force_short"], row["peel_year"], column, row["grade"], row["report_id"],
                                  row["key"]))
    return cells


def forces(reports: list[LabelledReport]) -> list[str]:
    """The forces the reports are about, by short name."""
    return sorted({r.report.force_short for r in reports if r.report.force_short})


def _area_order(column: str) -> tuple:
    from .framework import table

    numbers = {w.framework_question: w.number for w in table() if w.kind == "area" and w.number is not None}
    return (column not in numbers, numbers.get(column, 0), column)


def _label(column: str) -> str:
    """A column's heading: the pillar, or the area's id in words ("investigating crime")."""
    return column.removeprefix("area.").replace("-", " ").capitalize()


def cell_id(force: str, peel_year: str, column: str) -> str:
    """The SVG id of a cell, so its colour can be checked against the grade it shows."""
    return f"cell--{slug(force)}--{slug(peel_year)}--{slug(column)}"


def draw(by_force: list[dict], rows: list[str]) -> dict[str, bytes]:
    """``{PNG: ..., SVG: ...}`` for reports of more than one force (empty for one or none),
    from what it needs of them, so another process can draw it: the rows of
    ``resolve.grades_by_force`` and the forces (``forces``), one row of the heatmap each."""
    if len(rows) < 2:
        return {}
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    standing = standing_grades(by_force)
    by_cell = {(s.force, s.peel_year, s.column): s.grade for s in standing}
    years = sorted({s.peel_year for s in standing})
    columns = {}
    for year in years:
        found = {s.column for s in standing if s.peel_year == year}
        pillars = [p for p in PILLARS if p in found]
        columns[year] = pillars + sorted(found - set(pillars), key=_area_order)
    widths = [len(columns[y]) for y in years] or [1]
    with matplotlib.rc_context({"svg.hashsalt": "peel-grades-heatmap", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans", "font.size": 8}):
        # Margins (inches) from the longest force name and column heading, at 8 points; wide
        # enough for the legend's one row.
        labels = [_label(c) for year in years for c in columns[year]] or [""]
        left, bottom, top = 0.3 + 0.07 * max(map(len, rows)), 0.6 + 0.055 * max(map(len, labels)), 0.6
        width = max(left + 0.42 * sum(widths) + 0.25 * len(widths) + 0.2, 9.5)
        figure = Figure(figsize=(width, top + bottom + 0.22 * len(rows)))
        axes = figure.subplots(1, len(widths), sharey=True, squeeze=False,
                               gridspec_kw={"width_ratios": widths, "wspace": 0.08})[0]
        for ax, year in zip(axes, years or [""]):
            for x, column in enumerate(columns.get(year, [])):
                for y, force in enumerate(rows):
                    grade = by_cell.get((force, year, column))
                    cell = Rectangle((x, y), 1, 1, facecolor=COLOURS.get(grade, MISSING),
                                     edgecolor="#d9d9d9" if grade is None else "white", linewidth=0.8)
                    cell.set_gid(cell_id(force, year, column))
                    ax.add_patch(cell)
                    if grade is not None:
                        ax.text(x + 0.5, y + 0.5, ABBREVIATIONS[grade], ha="center", va="center", fontsize=6,
                                color="white" if grade in _DARK else "black")
            ax.set_xlim(0, max(len(columns.get(year, [])), 1))
            ax.set_ylim(len(rows), 0)
            ax.set_xticks([x + 0.5 for x in range(len(columns.get(year, [])))])
            ax.set_xticklabels([_label(c) for c in columns.get(year, [])], rotation=60, ha="right",
                               rotation_mode="anchor")
            ax.set_title(f"PEEL {year}" if year else "No pillar or area grades", fontsize=9)
            ax.tick_params(length=0)
            for side in ax.spines.values():
                side.set_visible(False)
        axes[0].set_yticks([y + 0.5 for y in range(len(rows))])
        axes[0].set_yticklabels(rows)
        legend = [Patch(facecolor=COLOURS[g], edgecolor="#808080", label=f"{NAMES[g]} ({ABBREVIATIONS[g]})")
                  for g in GRADES]
        legend.append(Patch(facecolor=MISSING, edgecolor="#808080", label="No grade stated"))
        figure.legend(handles=legend, loc="lower center", ncol=len(legend), frameon=False, fontsize=7,
                      bbox_to_anchor=(0.5, 0))
        figure.suptitle("PEEL grades by force: the grade that stands for each pillar or area", fontsize=10)
        figure.subplots_adjust(left=left / width, right=1 - 0.2 / width, top=1 - top / figure.get_figheight(),
                               bottom=bottom / figure.get_figheight())
        out = {}
        for name, kind, metadata in ((PNG, "png", {"Software": None}),
                                     (SVG, "svg", {"Date": None, "Creator": None,
                                                   "Title": "PEEL grades by force"})):
            buffer = io.BytesIO()
            figure.savefig(buffer, format=kind, dpi=150, metadata=metadata)
            out[name] = buffer.getvalue()
    return out
