"""Run the stages over many input files: ingest -> structure -> classify -> export.

Runs are incremental. A report is processed once per version of the pipeline: its
result is kept in a cache beside the output folder (``.processed-cache/`` for
``processed/``), keyed by the SHA-256 of its bytes and the pipeline's version, so an
unchanged report is read back, not processed again. When nothing at all has changed
since the last run (the same inputs, corrections and pipeline), the run stops after
hashing the inputs, before loading spaCy. Each run that changes anything appends
what changed to ``changes.csv``; reviewers' corrections (``corrections.csv``) are
applied on every run.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from . import __version__
from .model import LabelledReport, PipelineError
from .vocabulary import slug

DEFAULT_MAX_PAGES = 1000  # as pipeline.pdf, without importing it

#: File types a folder is searched for.
SUPPORTED_SUFFIXES = (".txt", ".pdf")
MANIFEST = ".manifest.json"
CHANGES = "changes.csv"
UNMATCHED = "unmatched_corrections.csv"


@dataclass
class RunResult:
    reports: list[LabelledReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each, naming the file
    changes: list = field(default_factory=list)  # review.Change
    unmatched: list[str] = field(default_factory=list)  # corrections that match nothing, by name
    problems: list[str] = field(default_factory=list)  # corrections that cannot be used
    unchanged: bool = False  # nothing to do: outputs already match the inputs
    report_count: int = 0
    reused: int = 0  # reports read back from the cache


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


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """The package version plus a digest of its code and model: what a cached result depends on."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def process_file(path: Path, max_pages: int | None = None) -> LabelledReport:
    """All stages but export for one file; raises PipelineError for bad input."""
    from . import classify, ingest, structure  # spaCy loads only when something is processed

    return classify.classify(structure.parse(ingest.read(path, max_pages)))


def cache_dir_for(out: Path) -> Path:
    return out.parent / f".{out.name}-cache"


def _cached(path: Path, sha: str | None, max_pages: int | None, cache: Path | None) -> tuple[LabelledReport, bool]:
    """The processed report, from the cache when this version has seen these bytes."""
    entry = cache / f"{sha}-{pipeline_version()}.pickle" if cache and sha else None
    if entry is not None and entry.is_file():
        try:
            labelled = pickle.loads(entry.read_bytes())
        except Exception:  # noqa: BLE001 - a damaged cache entry is only a cache miss
            labelled = None
        if labelled is not None:
            source = labelled.report.source
            source.path, source.source_file = path, path.name
            limit = max_pages or DEFAULT_MAX_PAGES
            if source.page_count and source.page_count > limit:
                raise PipelineError(f"{path}: {source.page_count} pages, over the limit of {limit} (--max-pages)")
            return labelled, True
    labelled = process_file(path, max_pages)
    if entry is not None:
        entry.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(entry, pickle.dumps(labelled, protocol=pickle.HIGHEST_PROTOCOL))
    return labelled, False


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


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


def process(paths: list[Path], max_pages: int | None = None, cache: Path | None = None,
            previous_ids: dict[str, str] | None = None) -> RunResult:
    """Process every input; a bad input becomes an error line and the others go on.

    ``previous_ids`` (file -> report id from the last run) keeps ids stable when two
    files hold one report and files come or go.
    """
    from .review import assign_keys

    files, errors = collect_inputs(paths)
    result = RunResult(errors=errors)
    seen: dict[str, LabelledReport] = {}
    by_content: dict[str, Path] = {}
    used = set()
    previous_ids = previous_ids or {}
    loaded: list[tuple[Path, LabelledReport]] = []
    for path in files:
        sha = _sha256(path)
        if sha is not None and sha in by_content:
            result.errors.append(f"{path}: same text as {by_content[sha]}; skipped")
            continue
        try:
            labelled, reused = _cached(path, sha, max_pages, cache)
        except PipelineError as exc:
            result.errors.append(str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            result.errors.append(f"{path}: could not be processed ({type(exc).__name__}: {exc}); please report this")
            continue
        result.reused += reused
        used.add(f"{sha}-{pipeline_version()}.pickle")
        by_content[labelled.report.source.sha256] = path
        loaded.append((path, labelled))
    # Files keep the id they had, where it still names the same report; then the others
    # take the report's id or, if taken, one with what their file name adds.
    for path, labelled in loaded:
        old = previous_ids.get(str(path))
        if old and old not in seen and (old == labelled.report.report_id or old.startswith(labelled.report.report_id + "-")):
            labelled.report.report_id = old
            seen[old] = labelled
    for path, labelled in loaded:
        if seen.get(labelled.report.report_id) is labelled:
            continue
        report_id = labelled.report.report_id
        if report_id in seen:
            # Another text of the same report (a part, its PDF): named after its file.
            report_id = _distinct_id(report_id, path, seen)
        labelled.report.report_id = report_id
        seen[report_id] = labelled
    for _, labelled in loaded:
        assign_keys(labelled)
        result.reports.append(labelled)
    result.reports.sort(key=lambda r: r.report.report_id)
    # A run over whole folders sees every report: results of texts no longer there go.
    if cache is not None and cache.is_dir() and used and all(p.is_dir() for p in paths):
        for entry in cache.glob("*.pickle"):
            if entry.name not in used:
                entry.unlink(missing_ok=True)
    return result


def _state(paths: list[Path], max_pages: int | None, corrections: Path | None) -> dict:
    """What the outputs depend on: inputs, their bytes, corrections, settings and version."""
    files, errors = collect_inputs(paths)
    return {
        "version": pipeline_version(),
        "inputs": [[str(p), _sha256(p)] for p in files],
        "missing": errors,
        "corrections": _sha256(corrections) if corrections and corrections.is_file() else None,
        "max_pages": max_pages,
    }


def run(paths: list[Path], out: Path, max_pages: int | None = None, corrections: Path | None = None,
        now: datetime | None = None) -> RunResult:
    """Process ``paths`` into ``out``: only what changed, corrections applied, changes logged."""
    from .atomic import recover

    out = Path(out)
    _check_out(out, paths)
    recover(out)
    state = _state(paths, max_pages, corrections)
    previous = _manifest(out)
    if previous.get("state") == state and previous.get("outputs") == _output_hashes(out):
        return RunResult(errors=previous.get("errors", []), unmatched=previous.get("unmatched", []),
                         problems=previous.get("problems", []), unchanged=True,
                         report_count=previous.get("reports", 0))
    return _run_changed(paths, out, max_pages, corrections, now, state, previous.get("ids", {}),
                        previous.get("unmatched", []))


def _check_out(out: Path, paths: list[Path]) -> None:
    """The output folder must be a folder of its own: it is replaced as a whole."""
    resolved = out.resolve()
    if resolved == Path.cwd().resolve() or resolved in Path.cwd().resolve().parents:
        raise PipelineError(f"--out {out}: the output folder is replaced as a whole; name a folder of its own")
    if any(resolved == p.resolve() or resolved in p.resolve().parents for p in paths if p.exists()):
        raise PipelineError(f"--out {out}: the output folder must not hold the input reports")
    parent = resolved.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise PipelineError(f"--out {out}: {parent} is a file, not a folder")


def _manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _output_hashes(out: Path) -> dict[str, str]:
    """Digests of the files a run wrote, so a hand-edited or deleted output is noticed."""
    if not out.is_dir():
        return {}
    return {str(p.relative_to(out)): _sha256(p) for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def _run_changed(paths, out: Path, max_pages, corrections, now, state, previous_ids,
                 previous_unmatched) -> RunResult:
    from . import export, review

    result = process(paths, max_pages, cache_dir_for(out), previous_ids)
    result.report_count = len(result.reports)
    items, problems = review.read_corrections(corrections) if corrections else ([], [])
    result.problems = problems
    result.unmatched = [c.name() for c in review.apply_corrections(result.reports, items)]
    if not result.reports:
        return result
    documents = {r.report.report_id: export.document(r) for r in result.reports}
    result.changes = review.diff(export.previous_documents(out), documents)
    # A correction that stopped matching (its sentence was edited) is a change to log too.
    result.changes += [
        review.Change(c.report_id, c.table, c.key, "correction unmatched", c.field, c.value, "")
        for c in items if c.name() in set(result.unmatched) and c.name() not in set(previous_unmatched)
    ]
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    extra = {
        CHANGES: export.changes_csv(out / CHANGES, result.changes, stamp),
        UNMATCHED: export.unmatched_csv([c for c in items if c.name() in set(result.unmatched)]),
    }

    def manifest(outputs: dict[str, str]) -> bytes:
        # ASCII escapes: file names that are not valid UTF-8 still write.
        return (json.dumps({"state": state, "errors": result.errors, "unmatched": result.unmatched,
                            "problems": problems, "reports": len(result.reports),
                            "ids": {str(r.report.source.path): r.report.report_id for r in result.reports},
                            "outputs": outputs}, indent=1) + "\n").encode("ascii")

    export.write(result.reports, out, extra, documents, manifest=(MANIFEST, manifest))
    return result
