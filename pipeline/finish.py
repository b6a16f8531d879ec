"""A report's last step of a run, done where it was processed (a worker, or the run).

Once a report is processed, everything the outputs need of it is made at once: its
id, provenance and row keys set, the reviewers' corrections applied, its parts of
every output made (``export.parts``) and spooled to disk, and its changes since the
last run found by comparing its JSON document with the last run's. What the run
keeps of it is a ``Finished``: the report ``slim`` (metadata and grades), the
changes, which corrections matched, and where its parts are. So memory does not
grow with the reports, and the work runs on every core.

A worker does this before the run knows every report's id: it assumes the id the
report will have (its id from the last run, else its own, ``assumed_id``), and a
report whose id the run gives otherwise (two files of the same report) only has its
id put in: its parts hold ``export.ID_MARK`` where the id goes, and take the id when
they are loaded (``renamed``, ``Finished.load``), so it is not finished again. Only a
report that reviewers' corrections apply to, under either id, is finished again
(``runner._finished``). ``Finished.context`` says what a report was finished for.
"""
from __future__ import annotations

import json
import os
import pickle
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import export
from .model import LabelledReport


@dataclass(frozen=True, slots=True)
class Context:
    """What finishing a report depends on besides the report, for the files of one run."""

    previous_id: str | None  # the id the last run gave this file
    source_url: str | None  # provenance of the bytes fetched (pipeline.fetch), else None
    retrieved_at: str | None
    corrections: tuple = ()  # review.Correction, all of the run's: those of the report's id apply
    previous_out: str | None = None  # the output folder of the last run (its json/ documents)
    spool: str | None = None  # the folder for parts; None: kept in memory


@dataclass(slots=True)
class Finished:
    slim: LabelledReport  # the report, slim (export.slim), under the id it was processed with
    context: tuple  # (report id, source_url, retrieved_at) it was finished for
    changes: list  # review.Change since the last run
    matched: list[int]  # lines of the corrections that matched a row of it
    spooled: str | None = None  # the file holding its parts
    parts: export.Parts | None = field(default=None, repr=False)  # or the parts themselves
    marked: bool = False  # its parts hold export.ID_MARK for its id (so any id can be put in)

    def load(self) -> export.Parts:
        """Its parts, under the id it was finished for."""
        if self.parts is None:
            return export.spooled_parts(self.spooled, self.put_in)
        return export.with_id(self.parts, self.put_in) if self.put_in else self.parts

    @property
    def put_in(self) -> str | None:
        """The id its parts take when loaded (None: they hold it already)."""
        return self.context[0] if self.marked else None


def assumed_id(labelled: LabelledReport, previous_id: str | None) -> str:
    """The id a report will have: the one it had, where that still names it, else its own
    (as ``runner._keep`` decides, for all but reports that share an id)."""
    own = labelled.report.report_id
    if previous_id and (previous_id == own or previous_id.startswith(own + "-")):
        return previous_id
    return own


def finish(labelled: LabelledReport, context: Context, report_id: str | None = None) -> Finished:
    """Finish ``labelled`` (changed in place) under ``report_id`` (default: ``assumed_id``)."""
    from .review import apply_corrections, assign_keys

    own = labelled.report.report_id
    report_id = report_id or assumed_id(labelled, context.previous_id)
    report, source = labelled.report, labelled.report.source
    report.report_id = report_id
    source.source_url, source.retrieved_at = context.source_url, context.retrieved_at
    assign_keys(labelled)
    mine = [c for c in context.corrections if c.report_id == report_id]
    unmatched = {id(c) for c in apply_corrections([labelled], mine)}
    # The parts are made with the mark for the id, where no correction made them this
    # id's and the mark is nowhere else in what they are made of.
    marked = not mine and not any(export.ID_MARK in (value or "") for value in (
        source.text, str(source.path), source.source_url, source.retrieved_at))
    if marked:
        report.report_id = export.ID_MARK
    made, document = export.parts(labelled)
    report.report_id = report_id
    changes = _changes(report_id, context.previous_out, report.title,
                       lambda: export.document_with_id(document, report_id) if marked else document)
    slim = export.slim(labelled)
    slim.report.report_id = own  # as the run's id assignment expects; the parts hold report_id
    finished = Finished(slim, (report_id, source.source_url, source.retrieved_at), changes,
                        [c.line for c in mine if id(c) not in unmatched], marked=marked)
    if context.spool is None:
        finished.parts = made
    else:
        handle, name = tempfile.mkstemp(suffix=".pickle", dir=context.spool)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(made, stream, protocol=pickle.HIGHEST_PROTOCOL)
        finished.spooled = name
    return finished


def renamed(done: Finished, report_id: str, previous_out: str | None, corrections=()) -> Finished | None:
    """``done`` under ``report_id`` without finishing it again: its parts take the id when
    loaded and its changes are found again against the last run's document of that id.
    None where it cannot be (parts made under their id, or ``corrections`` for that id:
    ``finish`` it again)."""
    if not done.marked or any(c.report_id == report_id for c in corrections):
        return None
    moved = replace(done, context=(report_id, *done.context[1:]))
    moved.changes = _changes(report_id, previous_out, done.slim.report.title, lambda: json.loads(moved.load().document))
    return moved


def _changes(report_id: str, previous_out: str | None, title: str | None, document) -> list:
    """The changes to ``report_id`` since the last run's document of it; ``document`` gives
    this run's, with its id, only where the last run had one (a report the last run did
    not have is added, and of its document that needs only its title)."""
    from .review import diff

    old = previous_document(previous_out, report_id)
    if old is None:
        return diff({}, {report_id: {"report": {"title": title}}})
    return diff({report_id: old}, {report_id: document()})


def previous_document(out: str | None, report_id: str) -> dict | None:
    """The last run's JSON document of ``report_id``, or None (none, or unreadable: the report shows as added)."""
    if out is None:
        return None
    try:
        doc = json.loads((Path(out) / "json" / f"{report_id}.json").read_text("utf-8"))
        return doc if doc["report"]["report_id"] == report_id else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
