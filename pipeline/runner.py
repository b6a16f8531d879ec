"""Run the stages over many input files: ingest -> structure -> classify -> export."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import classify, export, ingest, structure
from .model import LabelledReport, PipelineError
from .vocabulary import slug

#: File types a folder is searched for.
SUPPORTED_SUFFIXES = (".txt", ".pdf")


@dataclass
class RunResult:
    reports: list[LabelledReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each, naming the file


def collect_inputs(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Report files named by ``paths`` (files as given, folders searched), and errors."""
    files: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                errors.append(f"{path}: no report files ({', '.join(SUPPORTED_SUFFIXES)}) in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or folder")
    return files, errors


def process_file(path: Path, max_pages: int | None = None) -> LabelledReport:
    """All stages but export for one file; raises PipelineError for bad input."""
    return classify.classify(structure.parse(ingest.read(path, max_pages)))


def _distinct_id(report_id: str, path: Path, seen: dict) -> str:
    """``report_id`` plus what this file's name adds to the first one's ("...-part2", "...-txt")."""
    first = seen[report_id].report.source.path
    taken = set(report_id.split("-")) | set(slug(first.name).split("-"))
    extra = "-".join(t for t in slug(path.name).split("-") if t not in taken)
    candidate = f"{report_id}-{extra}" if extra else report_id
    number = 2
    while candidate in seen:
        candidate = f"{report_id}-{extra}-{number}" if extra else f"{report_id}-{number}"
        number += 1
    return candidate


def process(paths: list[Path], max_pages: int | None = None) -> RunResult:
    """Process every input; a bad input becomes an error line and the others go on."""
    files, errors = collect_inputs(paths)
    result = RunResult(errors=errors)
    seen: dict[str, LabelledReport] = {}
    by_content: dict[str, Path] = {}
    for path in files:
        try:
            labelled = process_file(path, max_pages)
        except PipelineError as exc:
            result.errors.append(str(exc))
            continue
        source = labelled.report.source
        if source.sha256 in by_content:
            result.errors.append(f"{path}: same text as {by_content[source.sha256]}; skipped")
            continue
        by_content[source.sha256] = path
        report_id = labelled.report.report_id
        if report_id in seen:
            # Another text of the same report (a part, an excerpt): named after its file.
            labelled.report.report_id = report_id = _distinct_id(report_id, path, seen)
        seen[report_id] = labelled
        result.reports.append(labelled)
    result.reports.sort(key=lambda r: r.report.report_id)
    return result


def run(paths: list[Path], out: Path, max_pages: int | None = None) -> RunResult:
    """Process ``paths`` and write the outputs into ``out`` (unless nothing could be read)."""
    result = process(paths, max_pages)
    if result.reports:
        export.write(result.reports, out)
    return result
