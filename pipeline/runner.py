"""Run the stages over many input files: ingest -> structure -> classify -> export.

Runs are incremental. A report is processed once per version of the pipeline: its
result is kept in a cache beside the output folder (``.processed-cache/`` for
``processed/``), keyed by the SHA-256 of its bytes and the pipeline's version (its
code, model and the versions of the libraries it runs on), so an unchanged report is
read back, not processed again. The cache is JSON data: whatever cannot be read back
is processed again. When nothing at all has changed since the last run (the same
inputs, corrections and pipeline), the run stops after hashing the inputs, before
loading spaCy. Each run that changes anything appends what changed to
``changes.csv``; reviewers' corrections (``corrections.csv``) are applied on every run.

A run over some of the inputs updates those reports and keeps the others the output
folder holds: a report goes only when its file has left a folder the run reads. A
report whose file cannot be read this time keeps its previous results. One run at a
time writes an output folder (a lock in the cache folder).
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable

from . import __version__
from .fetch import SOURCES, Source, provenance
from .model import LabelledReport, PipelineError, dump, load
from .readers import SUFFIXES, repaired
from .readers import listing as suffix_list
from .vocabulary import slug

DEFAULT_MAX_PAGES = 1000  # as pipeline.pdf, without importing it

#: File types a folder is searched for: those the readers read (pipeline.readers).
SUPPORTED_SUFFIXES = SUFFIXES
MANIFEST = ".manifest.json"
CHANGES = "changes.csv"
UNMATCHED = "unmatched_corrections.csv"
LOCK = ".lock"
from .atomic import STAGING_MARK  # noqa: E402 - marks a folder this pipeline is writing
#: The libraries whose versions a cached result depends on.
LIBRARIES = ("spacy", "thinc", "numpy", "pdfplumber", "pdfminer.six", "pandas", "ftfy")

@dataclass
class RunResult:
    # The reports: whole from ``process``; from ``run``, slim (export.slim: no text,
    # sentences or items; the outputs hold those), so a run's memory does not grow with them.
    reports: list[LabelledReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each, naming the file
    changes: list = field(default_factory=list)  # review.Change
    unmatched: list[str] = field(default_factory=list)  # corrections that match nothing, by name
    problems: list[str] = field(default_factory=list)  # corrections that cannot be used
    skipped: list[str] = field(default_factory=list)  # what folders hold that is not read, one line a folder
    warnings: list[str] = field(default_factory=list)  # worth saying, but every input was processed
    unchanged: bool = False  # nothing to do: outputs already match the inputs
    report_count: int = 0
    reused: int = 0  # reports read back from the cache
    kept: int = 0  # reports not in this run (or unreadable this time), kept from the last run


def _kind(path: Path) -> str | None:
    """What a path is, for a file that will not be read ("a FIFO"); None for a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return "a name too long for the file system"
        if path.is_symlink():
            return "a symbolic link loop" if exc.errno == errno.ELOOP else "a dangling symbolic link"
        return None if exc.errno == errno.ENOENT else f"unreadable ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long for the file system
        return False


def _plural(count: int, thing: str, things: str | None = None) -> str:
    return f"{count} {thing if count == 1 else things or thing + 's'}"


def collect_inputs(paths: list[Path]) -> tuple[list[Path], list[str], list[str]]:
    """Report files named by ``paths`` (files as given, folders searched), errors and what was skipped.

    Only regular files are read: a FIFO or device would block, a link loop never ends.
    """
    files: list[Path] = []
    errors: list[str] = []
    skipped: list[str] = []
    for path in paths:
        kind = _kind(path)
        if kind == "a folder":
            found, passed = [], Counter()
            for entry in sorted(path.iterdir()):
                what = _kind(entry)
                if entry.name.startswith(".") or entry.name == SOURCES:  # hidden, or the fetch manifest
                    continue
                if what is None and entry.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append(entry)
                elif what is None:
                    passed[f"{entry.suffix.lower() or 'extension-less'} file"] += 1
                else:
                    passed[{"a folder": "subfolder"}.get(what, what.removeprefix("a "))] += 1
            if passed:
                listing = ", ".join(_plural(n, what, what.replace(" (", "s (") if " (" in what else what + "s")
                                    for what, n in sorted(passed.items()))
                skipped.append(f"{path}: skipped {listing} (only {suffix_list().replace(' or ', ' and ')} files are read)")
            if not found:
                errors.append(f"{path}: no report files ({', '.join(SUPPORTED_SUFFIXES)}) in this folder")
            had = {_absolute(g) for g in files}  # once, not once a file: a folder may hold thousands
            files.extend(f for f in found if _absolute(f) not in had)
        elif kind is None and _exists(path):
            if _absolute(path) not in {_absolute(g) for g in files}:  # named twice: read once
                files.append(path)
        elif kind is None:
            errors.append(f"{path}: no such file or folder")
        else:
            errors.append(f"{path}: {kind}, not a report file")
    return files, errors, skipped


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """The package version plus a digest of its code, model and libraries: what a cached result depends on."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}=={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _sha256(path: Path) -> str | None:
    """Digest of a regular file's bytes; None when it cannot be read (or is no regular file)."""
    try:
        # Non-blocking open: a FIFO put in place of a file must not hang the run.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None
            digest = hashlib.sha256()
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        except OSError:
            return None
    return digest.hexdigest()


def process_file(path: Path, max_pages: int | None = None, warnings: list[str] | None = None) -> LabelledReport:
    """All stages but export for one file; raises PipelineError for bad input.

    What is worth a warning (a repaired decoding, the PDF reader's complaints) is
    added to ``warnings``, one line each naming the file.
    """
    from . import classify, readers, structure  # spaCy loads only when something is processed

    return classify.classify(structure.parse(readers.read(path, max_pages, warnings)))


def default_workers() -> int:
    """The cores this process may run on: ``--workers``' default."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return count() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def process_in_worker(path: str, max_pages: int | None, entry: str | None = None, cache: str | None = None,
                      context=None) -> tuple[object, BaseException | None, list[str]]:
    """``process_file`` for a worker process: (result, error, warnings), the error a value
    so that the warnings said before it still reach the run. The result is also written
    to the cache ``entry`` (in the folder ``cache``), here rather than by the run. Given a
    ``finish.Context``, the result is the report finished (``finish.Finished``)."""
    import pickle

    warnings: list[str] = []
    try:
        labelled = process_file(Path(path), max_pages, warnings)
        if entry is not None:
            _store(Path(entry), Path(cache), labelled, warnings)
        if context is not None:
            from .finish import finish

            return finish(labelled, context), None, warnings
        return labelled, None, warnings
    except Exception as exc:  # noqa: BLE001 - the run turns it into the file's error line
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001 - an exception that cannot cross processes: its words do
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        return None, exc, warnings


def _worker_start(parent: int) -> None:
    """In each worker: end when the run that started it is gone (killed), not work on for nobody."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


@contextmanager
def worker_results(files: list[tuple[Path, str | None]], cache: Path | None, max_pages: int | None,
                   workers: int | None, stream: "Stream | None" = None):
    """Start processing, in ``workers`` processes, each file of ``files`` the cache has no
    result for (each text once); yields what gives, by index in files, the future of its
    ``process_in_worker`` (``get``; taken in input order, each once: ``_Ahead``).

    With one file to process, or one worker and less than ``WORK_PER_WORKER`` bytes
    to process, nothing is started: the run processes in its own process. Each worker
    loads spaCy once, for all the files it gets.
    ``workers`` None: the machine's cores, as many as the files keep busy.
    With a ``Stream``, workers finish the reports too (each file's ``Stream.context``),
    and the pool is the stream's, for the work after (``_finished``, the workbook),
    closed with it.
    """
    todo, seen = [], set()
    for index, (path, sha) in enumerate(files):
        if sha is not None and sha not in seen and not (cache is not None and _entry(cache, sha).is_file()):
            todo.append(index)
        seen.add(sha)
    size = sum(_size(files[index][0]) for index in todo)
    if workers is None:
        workers = min(default_workers(), max(1, size // WORK_PER_WORKER))
    # One worker is this process, but for more work than that keeps busy: then a process
    # of its own, so that labelling's passing memory is let go report by report rather
    # than left around what the run keeps of each report (its memory would grow with them).
    if len(todo) <= 1 or (workers <= 1 and size < WORK_PER_WORKER):
        yield {}
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a worker starts afresh, with no state of this process (locks, open files).
    workers = min(workers, len(todo))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_start, initargs=(os.getpid(),))
    if stream is not None:
        stream.pool = pool
    try:
        futures = _Ahead(todo, lambda index: pool.submit(
            process_in_worker, str(files[index][0]), max_pages,
            *((str(_entry(cache, files[index][1])), str(cache)) if cache else (None, None)),
            stream.context(files[index][0]) if stream else None), AHEAD * workers)
        try:
            yield futures
        finally:
            futures.cancel()
    finally:
        if stream is None:
            pool.shutdown()


#: Files submitted to each worker ahead of the one the run takes next: enough that no
#: worker waits while one long report is taken, few enough that results do not pile up.
AHEAD = 8


class _Ahead:
    """The futures of the files to process (``todo``: their indexes), submitted as the run
    takes results in input order, at most ``ahead`` beyond the one taken: so the run holds
    a few results at a time, not one per file, and a worker is never idle for want of one."""

    def __init__(self, todo: list[int], submit: Callable[[int], object], ahead: int):
        self.todo, self.submit, self.ahead = todo, submit, ahead
        self.waiting: dict[int, object] = {}  # index -> future, submitted and not yet taken
        self.submitted = 0  # of todo
        self._fill(-1)

    def _fill(self, index: int) -> None:
        while self.submitted < len(self.todo) and (len(self.waiting) < self.ahead
                                                   or self.todo[self.submitted] <= index):
            at = self.todo[self.submitted]
            self.waiting[at] = self.submit(at)
            self.submitted += 1

    def __iter__(self):
        return iter(self.todo)

    def get(self, index: int):
        """The future of the file at ``index`` (None: not one to process), let go of here."""
        self._fill(index)
        future = self.waiting.pop(index, None)
        self._fill(index)
        return future

    def cancel(self) -> None:
        for future in self.waiting.values():
            future.cancel()


#: Bytes of input that keep a worker busy about as long as starting it takes (spaCy and
#: the model load in a few seconds; text is processed at about half a megabyte a second,
#: a PDF at a few pages a second): fewer, and another worker costs more than it saves.
WORK_PER_WORKER = 1_000_000


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def cache_dir_for(out: Path) -> Path:
    return out.parent / f".{out.name}-cache"


def _entry(cache: Path, sha: str, version: str | None = None) -> Path:
    return cache / f"{sha}-{version or pipeline_version()}.json"


#: A cached result is a few times the size of its text; anything far larger is not one.
MAX_ENTRY = 40 * 20_000_000


def _read_entry(entry: Path) -> LabelledReport | None:
    """A cached result, or None for anything that is not one (a cache miss, never an error)."""
    try:
        if not entry.is_file() or entry.stat().st_size > MAX_ENTRY:
            return None
        return load(json.loads(entry.read_bytes()))
    except Exception:  # noqa: BLE001 - whatever is in the cache folder, it is only a miss
        return None


def _placed(labelled: LabelledReport, path: Path) -> LabelledReport:
    source = labelled.report.source
    source.path, source.source_file = path, path.name
    return labelled


def _cached(path: Path, sha: str | None, max_pages: int | None, cache: Path | None,
            warn: list[str] | None = None, future=None) -> tuple[LabelledReport, bool]:
    """The processed report, from the cache when this version has seen these bytes
    (else from ``future``, a worker's ``process_in_worker``, when given)."""
    entry = _entry(cache, sha) if cache and sha else None
    labelled = _read_entry(entry) if future is None and entry is not None and entry.is_file() else None
    if labelled is not None:
        source = _placed(labelled, path).report.source
        limit = max_pages or DEFAULT_MAX_PAGES
        if source.page_count and source.page_count > limit:
            raise PipelineError(f"{path}: {source.page_count} pages, over the limit of {limit} (--max-pages)")
        if warn is not None and repaired(source.encoding):
            warn.append(f"{path}: decoded as {source.encoding}")  # as the first reading said
        return labelled, True
    if future is None:
        labelled = process_file(path, max_pages, warn)
        if entry is not None:
            _store(entry, cache, labelled, warn)
        return labelled, False
    labelled, error, said = future.result()  # the worker has written the cache entry
    if warn is not None:
        warn += [line for line in said if line not in warn or "cache not written" not in line]
    if error is not None:
        raise error
    return labelled, False


def _store(entry: Path, cache: Path, labelled: LabelledReport, warn: list[str] | None) -> None:
    """Write ``labelled`` to the cache; if it cannot be, say so once in ``warn``."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(entry, json.dumps(dump(labelled)).encode("ascii"))
    except OSError as exc:  # the cache only saves time: the run goes on without it
        message = f"{cache}: cache not written ({exc.strerror}); the next run processes these reports again"
        if warn is not None and message not in warn:
            warn.append(message)


def _previous_result(path: Path, sha: str | None, cache: Path | None, max_pages: int | None) -> LabelledReport | None:
    """What the last run made of the file ``path`` with bytes ``sha``, however it can be had back."""
    if not sha:
        return None
    if cache is not None and _entry(cache, sha).is_file():
        labelled = _read_entry(_entry(cache, sha))
        if labelled is not None:
            return _placed(labelled, path)
    if _sha256(path) == sha:  # the same bytes are still there: process them with this version
        try:
            return _cached(path, sha, max_pages, cache)[0]
        except Exception:  # noqa: BLE001 - fall back on an earlier version's result
            pass
    for entry in sorted(cache.glob(f"{sha}-*.json")) if cache is not None and cache.is_dir() else []:
        labelled = _read_entry(entry)
        if labelled is not None:
            return _placed(labelled, path)
    return None


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _distinct_id(report_id: str, path: Path, seen: dict) -> str:
    """``report_id`` plus what this file's name adds to the first one's ("...-part2", "...-txt")."""
    first = seen[report_id].report.source.path
    taken = set(report_id.split("-")) | set(slug(first.name).split("-"))
    extra = "-".join(t for t in slug(path.name).split("-") if t not in taken)
    if len(extra) > 60:  # the id names a file (json/<id>.json): keep it short, and still distinct
        extra = f"{extra[:50].rstrip('-')}-{hashlib.sha1(extra.encode()).hexdigest()[:8]}"
    candidate = f"{report_id}-{extra}" if extra else report_id
    number = 2
    while candidate in seen:
        candidate = f"{report_id}-{extra}-{number}" if extra else f"{report_id}-{number}"
        number += 1
    return candidate


def _absolute(path: Path | str) -> str:
    return os.path.abspath(path)


def _searched(name: str) -> bool:
    """Whether a folder's search reads a file of this name."""
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES


def _covered(absolute: str, paths: list[Path]) -> bool:
    """Whether a run over ``paths`` answers for the file at ``absolute``: one a named folder's
    search would read (not in a subfolder, not hidden), or a named file that is there.

    A named file that is missing keeps its report: only leaving a folder removes one.
    """
    for path in paths:
        named = _absolute(path)
        if os.path.isdir(path) and os.path.dirname(absolute) == named and _searched(os.path.basename(absolute)):
            return True
        if absolute == named and os.path.lexists(path):
            return True
    return False


@dataclass
class Plan:
    """What a run reads: the files it was given and the reports it keeps from the last run."""

    files: list[tuple[Path, str | None]]  # (file, sha) to read
    kept: list[tuple[Path, str]]  # (file, sha at the last run) of reports not in this run
    previous: dict[str, dict]  # absolute path -> {"path", "sha", "id"} of the last run's reports
    errors: list[str]
    skipped: list[str]
    base: str = ""  # the output folder's parent: the manifest names files relative to it
    # absolute path -> its row in its folder's sources.csv (pipeline.fetch), for fetched files
    # whose bytes are still those fetched
    sources: dict[str, Source] = field(default_factory=dict)

    def name(self, path: Path | str) -> str:
        """How the manifest names a file: relative to the output folder's parent, so a
        project moved or cloned elsewhere keeps its outputs' bookkeeping."""
        return os.path.relpath(_absolute(path), self.base) if self.base else _absolute(path)


def plan(paths: list[Path], previous: dict | None = None, out: Path | None = None) -> Plan:
    """The run over ``paths`` into the output folder ``out`` whose manifest is ``previous``."""
    files, errors, skipped = collect_inputs(paths)
    base = _absolute(Path(out).parent) if out is not None else ""
    last = (previous or {}).get("files") or {}
    last = {os.path.normpath(os.path.join(base, name)): info for name, info in last.items()
            if isinstance(info, dict) and info.get("sha") and info.get("path")} if isinstance(last, dict) else {}
    found = {_absolute(p) for p in files}
    kept = []
    for absolute, info in sorted(last.items()):
        # A kept report's file by the name it was given, where that still names it from here.
        path = Path(info["path"]) if _absolute(info["path"]) == absolute else Path(absolute)
        if not _covered(absolute, paths):
            kept.append((path, info["sha"]))
        elif absolute not in found and os.path.lexists(absolute):
            # Still in its folder but not a file that can be read (a dangling link, a FIFO):
            # not gone, so its report stays.
            kept.append((path, info["sha"]))
            errors.append(f"{path}: {_kind(path) or 'cannot be read'}; its results from the last run are kept")
    hashed = [(p, _sha256(p)) for p in files]
    return Plan(hashed, kept, last, errors, skipped, base, _sources(hashed + kept))


def _sources(files: list[tuple[Path, str | None]]) -> dict[str, Source]:
    """The sources.csv row of each file its folder's manifest lists with these bytes."""
    manifests: dict[str, dict] = {}
    found = {}
    for path, sha in files:
        folder = os.path.dirname(_absolute(path))
        if folder not in manifests:
            manifests[folder] = provenance(Path(folder))
        row = manifests[folder].get(os.path.basename(path))
        if row is not None and sha and row.sha256 == sha:
            found[_absolute(path)] = row
    return found


def process(paths: list[Path] | Plan, max_pages: int | None = None, cache: Path | None = None,
            previous_ids: dict[str, str] | None = None,
            progress: Callable[[int, int, Path], None] | None = None, workers: int | None = 1,
            stream: "Stream | None" = None) -> RunResult:
    """Process every input; a bad input becomes an error line and the others go on.

    ``previous_ids`` (file -> report id from the last run) keeps ids stable when two
    files hold one report and files come or go. Given a ``Plan``, the reports it keeps
    are read back from the last run, and a file that cannot be read this time keeps
    its last results. Files are processed in ``workers`` processes (None: as many as
    the machine has and the files keep busy), and their results taken in input order,
    so the outputs are the same whatever the number.

    With a ``Stream``, each report is finished (``pipeline.finish``) as it is had, and
    the result holds it slim.
    """
    work = paths if isinstance(paths, Plan) else plan(paths)
    result = RunResult(errors=list(work.errors), skipped=list(work.skipped))
    seen: dict[str, LabelledReport] = {}
    by_content: dict[str, Path] = {}
    previous_ids = previous_ids or {}
    loaded: list[tuple[Path, LabelledReport]] = []
    warnings: list[str] = []
    total = len(work.files)
    had = stream.had if stream is not None else (lambda path, labelled: labelled)
    with worker_results(work.files, cache, max_pages, workers, stream) as futures:
        _take(work, futures, max_pages, cache, progress, result, by_content, loaded, warnings, total, had)
    _keep(work, max_pages, cache, result, by_content, loaded, warnings, seen, previous_ids, had)
    return result


def _take(work: Plan, futures: dict, max_pages, cache, progress, result: RunResult, by_content: dict,
          loaded: list, warnings: list[str], total: int, had) -> None:
    """Each file's result, in input order: processed (here or by a worker), or from the cache."""
    for done, (path, sha) in enumerate(work.files, start=1):
        if progress is not None:
            progress(done, total, path)
        if sha is not None and sha in by_content:
            result.errors.append(f"{path}: same text as {by_content[sha]}; skipped")
            continue
        try:
            labelled, reused = _cached(path, sha, max_pages, cache, warnings, futures.get(done - 1))
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            message = str(exc) if isinstance(exc, PipelineError) else \
                f"{path}: could not be processed ({type(exc).__name__}: {exc}); please report this"
            last = work.previous.get(_absolute(path))
            earlier = _previous_result(path, last.get("sha"), cache, max_pages) if isinstance(last, dict) else None
            if earlier is not None and earlier.report.source.sha256 not in by_content:
                message += "; its results from the last run are kept"
                loaded.append((path, had(path, earlier)))
                by_content[earlier.report.source.sha256] = path
                result.kept += 1
            result.errors.append(message)
            continue
        result.reused += reused
        labelled = had(path, labelled)
        by_content[labelled.report.source.sha256] = path
        loaded.append((path, labelled))


def _keep(work: Plan, max_pages, cache, result: RunResult, by_content: dict, loaded: list, warnings: list[str],
          seen: dict, previous_ids: dict, had) -> None:
    """The reports kept from the last run; then ids, provenance and keys for every report."""
    from .review import assign_keys

    for path, sha in work.kept:
        if sha in by_content:
            continue  # the same text is in this run under another name
        earlier = _previous_result(path, sha, cache, max_pages)
        if earlier is None:
            result.errors.append(f"{path}: not in this run, and its results from the last run cannot be read "
                                 "back; run again over its file to keep it")
            continue
        by_content[sha] = path
        loaded.append((path, had(path, earlier)))
        result.kept += 1
    result.warnings += warnings
    # Files keep the id they had, where it still names the same report; then the others
    # take the report's id or, if taken, one with what their file name adds.
    for path, labelled in loaded:
        old = previous_ids.get(work.name(path)) or previous_ids.get(str(path))
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
    for path, labelled in loaded:
        source = labelled.report.source
        # Provenance holds only for the bytes fetched: a file edited since has none.
        row = work.sources.get(_absolute(path))
        held = row is not None and row.sha256 == source.sha256
        source.source_url, source.retrieved_at = (row.url, row.retrieved_at) if held else (None, None)
        if labelled.report.source.text:  # a slim report (pipeline.finish) has its keys already
            assign_keys(labelled)
        result.reports.append(labelled)
    result.reports.sort(key=lambda r: r.report.report_id)


def _prune(cache: Path, reports: list[LabelledReport]) -> None:
    """Drop cached results no report of the outputs needs: other texts, other versions of the same."""
    if not cache.is_dir():
        return
    wanted = {r.report.source.sha256 for r in reports}
    current = {name for name in (f"{sha}-{pipeline_version()}.json" for sha in wanted) if (cache / name).is_file()}
    try:
        for entry in cache.glob("*.json"):
            sha = entry.name.split("-", 1)[0]
            if entry.name in current or (sha in wanted and not any(n.startswith(sha) for n in current)):
                continue
            entry.unlink(missing_ok=True)
        for entry in cache.glob("*.pickle"):  # the format of earlier versions: never read, only removed
            entry.unlink(missing_ok=True)
        for spool in cache.glob(f"{SPOOL}*"):  # a killed run's parts (this run holds the lock)
            shutil.rmtree(spool, ignore_errors=True)
    except OSError:
        pass  # a cache that cannot be tidied only takes more room


def _state(work: Plan, max_pages: int | None, corrections: Path | None) -> dict:
    """What the outputs depend on: inputs, their bytes, corrections, settings and version."""
    return {
        "version": pipeline_version(),
        "inputs": sorted([work.name(p), sha] for p, sha in work.files + work.kept),
        "missing": work.errors,
        "corrections": _sha256(corrections) if corrections and corrections.is_file() else None,
        "max_pages": max_pages,
        # A file fetched again with the same bytes has a new retrieval time to show.
        "sources": sorted([work.name(p), row.url, row.retrieved_at] for p, row in work.sources.items()),
    }


def output_folder(out: Path) -> Path:
    """Where the outputs go: a symbolic link is written through to its target."""
    out = Path(out)
    return Path(os.path.realpath(out)) if out.is_symlink() else out


@contextmanager
def output_lock(out: Path, wait: bool = False):
    """Hold the output folder's lock for a run; another run gets a one-line error (or waits)."""
    cache = cache_dir_for(out)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        handle = os.open(cache / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PipelineError(f"--out {out}: cannot write {cache / LOCK} ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise PipelineError(f"another run is writing {out}; try again when it has finished "
                                "(or use --wait)") from None
        yield
    finally:
        os.close(handle)  # closing releases the lock


def run(paths: list[Path], out: Path, max_pages: int | None = None, corrections: Path | None = None,
        now: datetime | None = None, wait: bool = False,
        progress: Callable[[int, int, Path], None] | None = None, workers: int | None = None) -> RunResult:
    """Process ``paths`` into ``out``: only what changed, corrections applied, changes logged.

    Reports ``out`` holds from files not among ``paths`` are kept as they were. Files
    are processed in ``workers`` processes (default: ``default_workers()``, as many as
    the files to process keep busy); the outputs are the same bytes whatever the number.
    """
    from .atomic import recover

    out = output_folder(out)
    _check_out(out, paths)
    _check_ours(out)  # before making anything beside it; again once the folder is ours to change
    with output_lock(out, wait):
        recover(out)
        _check_ours(out)
        _check_writable(out)
        previous = _manifest(out)
        work = plan(paths, previous, out)
        state = _state(work, max_pages, corrections)
        if previous.get("state") == state and previous.get("outputs") == _output_hashes(out):
            return RunResult(errors=previous.get("errors", []), unmatched=previous.get("unmatched", []),
                             problems=previous.get("problems", []), warnings=previous.get("warnings", []),
                             skipped=work.skipped, unchanged=True, report_count=previous.get("reports", 0))
        return _run_changed(work, out, max_pages, corrections, now, state, previous.get("ids", {}),
                            previous.get("unmatched", []), progress, workers)


def _check_out(out: Path, paths: list[Path]) -> None:
    """The output folder must be a folder of its own: it is replaced as a whole."""
    try:
        resolved, here = out.resolve(), Path.cwd().resolve()
        inputs = [p.resolve() for p in paths if _exists(p)]
    except FileNotFoundError:
        raise PipelineError("the current folder no longer exists; cd to the project folder") from None
    except (OSError, RuntimeError) as exc:  # a link loop, a name too long
        raise PipelineError(f"--out {out}: {getattr(exc, 'strerror', None) or exc}") from None
    if resolved == here or resolved in here.parents:
        raise PipelineError(f"--out {out}: the output folder is replaced as a whole; name a folder of its own")
    if any(resolved == p or resolved in p.parents for p in inputs):
        raise PipelineError(f"--out {out}: the output folder must not hold the input reports")
    if out.exists() and not out.is_dir():
        raise PipelineError(f"--out {out}: is a file, not a folder")
    parent = resolved.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise PipelineError(f"--out {out}: {parent} is a file, not a folder")


def _check_ours(out: Path) -> None:
    """Refuse a folder holding anything this pipeline did not write: the run replaces it whole.

    Ours are the files its manifest lists, in the folder itself, json/, text/ and review/; any
    other file, folder or link is the user's.
    """
    try:
        if not out.is_dir() or not any(out.iterdir()):
            return
        manifest = _manifest(out)
        if not manifest:
            raise PipelineError(f"--out {out}: this folder holds files this pipeline did not write (no {MANIFEST}); "
                                "name a new or empty folder, or one this pipeline wrote")
        ours = set(manifest.get("outputs") or {}) | {MANIFEST, STAGING_MARK}
        foreign = []
        for folder, folders, files in os.walk(out):
            relative = os.path.relpath(folder, out)
            for name in folders:
                path = os.path.join(folder, name)
                if os.path.islink(path) or relative != "." or name not in ("json", "text", "review"):
                    foreign.append(os.path.normpath(os.path.join(relative, name)) + ("" if os.path.islink(path) else "/"))
            folders[:] = [n for n in folders if relative == "." and n in ("json", "text", "review")
                          and not os.path.islink(os.path.join(folder, n))]
            for name in files:
                name = os.path.normpath(os.path.join(relative, name))
                if name not in ours or os.path.islink(os.path.join(out, name)):
                    foreign.append(name)
    except OSError as exc:
        raise PipelineError(f"--out {out}: cannot read it ({exc.strerror})") from None
    if foreign:
        foreign.sort()
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise PipelineError(f"--out {out}: holds {shown}, not written by this pipeline; move "
                            f"{'it' if len(foreign) == 1 else 'them'} out first (the folder is replaced as a whole)")


def _mount_point(folder: Path) -> bool:
    """Whether a file system is mounted at ``folder`` (a bind mount too, which ismount misses)."""
    if os.path.ismount(folder):
        return True
    try:
        table = Path("/proc/self/mountinfo").read_text("utf-8", errors="replace")
    except OSError:
        return False
    where = os.path.realpath(folder)
    # Field 5 is the mount point, with spaces and the like written as octal escapes.
    points = {line.split()[4].encode().decode("unicode_escape") for line in table.splitlines() if len(line.split()) > 4}
    return where in points


def _check_writable(out: Path) -> None:
    """Fail before any work when the outputs could not be written."""
    parent = out.parent
    if out.is_dir() and _mount_point(out):
        raise PipelineError(f"--out {out}: is a mount point, and the output folder is replaced as a whole; "
                            "name a folder inside it")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=parent)).rmdir()
    except OSError as exc:
        raise PipelineError(f"--out {out}: cannot write in {parent} ({exc.strerror})") from None


def _manifest(out: Path) -> dict:
    try:
        manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _output_hashes(out: Path) -> dict[str, str]:
    """Digests of the files a run wrote, so a hand-edited or deleted output is noticed."""
    if not out.is_dir():
        return {}
    return {str(p.relative_to(out)): _sha256(p) for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in (MANIFEST, STAGING_MARK)}


class Stream:
    """A run's reports finished one by one (``pipeline.finish``), each kept slim, with its
    parts spooled in a folder of the cache (removed with ``close``)."""

    def __init__(self, work: Plan, out: Path, cache: Path, corrections: list, previous_ids: dict):
        self.work, self.out = work, out
        self.corrections, self.previous_ids = tuple(corrections), previous_ids
        self.finished: dict[str, object] = {}  # source sha256 -> finish.Finished
        self.pool = None  # the workers' pool, where workers processed reports
        try:
            cache.mkdir(parents=True, exist_ok=True)
            self.spool = tempfile.mkdtemp(prefix=SPOOL, dir=cache)
        except OSError:  # parts are kept in memory instead
            self.spool = None

    def context(self, path: Path):
        """The ``finish.Context`` of the file ``path``: its id and provenance as the run will
        most likely give them (``_finished`` checks)."""
        from .finish import Context

        previous_id = self.previous_ids.get(self.work.name(path)) or self.previous_ids.get(str(path))
        row = self.work.sources.get(_absolute(path))  # only where the bytes are still those fetched
        url, retrieved = (row.url, row.retrieved_at) if row is not None else (None, None)
        return Context(previous_id, url, retrieved, self.corrections, str(self.out), self.spool)

    def had(self, path: Path, labelled) -> LabelledReport:
        """The report ``labelled`` (or finished by a worker), finished and slim."""
        from .finish import Finished, finish

        if not isinstance(labelled, Finished):
            labelled = finish(labelled, self.context(path))
        self.finished[labelled.slim.report.source.sha256] = labelled
        return labelled.slim

    def close(self, failed: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=failed)
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)


#: The prefix of the folders in the cache folder that a run spools parts to.
SPOOL = "spool-"


def refinish(path: str, sha: str, cache: str | None, max_pages: int | None, context, report_id: str):
    """A report finished again under ``report_id`` (in a worker, or the run): from the
    cache, or processed again; ``_finished``'s work for one report."""
    from .finish import finish

    labelled = _previous_result(Path(path), sha, Path(cache) if cache else None, max_pages)
    if labelled is None:
        raise PipelineError(f"{path}: its result cannot be had again; run again")
    done = finish(labelled, context, report_id)
    done.slim.report.report_id = report_id
    return done


def _finished(stream: Stream, result: RunResult, max_pages, cache: Path) -> list:
    """Each report's ``Finished``, by id: those whose final id differs from what they
    were finished for (two files of one report, which the run names apart) take it
    (``finish.renamed``); those that cannot, or whose provenance differs, are finished
    again (in the workers, where there are)."""
    from .finish import renamed

    again = {}
    for index, slim in enumerate(result.reports):
        source = slim.report.source
        done = stream.finished[source.sha256]
        wanted = (slim.report.report_id, source.source_url, source.retrieved_at)
        if done.context != wanted and done.context[1:] == wanted[1:]:
            moved = renamed(done, wanted[0], str(stream.out), stream.corrections)
            if moved is not None:
                done = stream.finished[source.sha256] = moved
        if done.context != wanted:
            if done.spooled:
                Path(done.spooled).unlink(missing_ok=True)
            context = replace(stream.context(source.path), source_url=source.source_url,
                              retrieved_at=source.retrieved_at)
            task = (str(source.path), source.sha256, str(cache), max_pages, context, slim.report.report_id)
            again[index] = stream.pool.submit(refinish, *task) if stream.pool is not None else task
    out = []
    for index, slim in enumerate(result.reports):
        done = stream.finished[slim.report.source.sha256]
        if index in again:
            task = again[index]
            done = task.result() if stream.pool is not None else refinish(*task)
            stream.finished[slim.report.source.sha256] = done
            result.reports[index] = done.slim
        out.append(done)
    return out


def _run_changed(work: Plan, out: Path, max_pages, corrections, now, state, previous_ids,
                 previous_unmatched, progress=None, workers: int | None = 1) -> RunResult:
    from . import review

    cache = cache_dir_for(out)
    # Corrections first: a file that cannot be read stops the run before any work.
    items, problems = review.read_corrections(corrections) if corrections else ([], [])
    stream = Stream(work, out, cache, items, previous_ids)
    try:
        result = _stream_run(work, out, max_pages, now, state, previous_unmatched, progress, workers,
                             cache, items, problems, stream)
    except BaseException:
        stream.close(failed=True)
        raise
    stream.close()
    return result


def _stream_run(work: Plan, out: Path, max_pages, now, state, previous_unmatched, progress, workers,
                cache: Path, items: list, problems: list, stream: Stream) -> RunResult:
    from . import export, review
    from .finish import previous_document

    result = process(work, max_pages, cache, previous_ids=stream.previous_ids, progress=progress,
                     workers=workers, stream=stream)
    result.report_count = len(result.reports)
    result.problems = problems
    finished = _finished(stream, result, max_pages, cache)
    matched = {line for done in finished for line in done.matched}
    unmatched = [c for c in items if c.line not in matched]
    result.unmatched = [c.name() for c in unmatched]
    if result.kept == len(result.reports):
        # No input of this run could be processed: the outputs stay exactly as they are
        # (a folder that is suddenly empty may be one that is not mounted).
        result.report_count, result.reports = len(result.reports), []
        return result
    by_id = {done.context[0]: done for done in finished}
    for report_id in sorted(set(by_id) | set(_previous_ids(out))):
        if report_id in by_id:
            result.changes += by_id[report_id].changes
            continue
        old = previous_document(str(out), report_id)
        if old is not None:
            result.changes.append(review.Change(report_id, "reports", report_id, "report removed", "",
                                                old["report"]["title"] or "", ""))
    # A correction that stopped matching (its sentence was edited) is a change to log too.
    names = {c.name() for c in unmatched}
    result.changes += [
        review.Change(c.report_id, c.table, c.key, "correction unmatched", c.field, c.value, "")
        for c in items if c.name() in names and c.name() not in set(previous_unmatched)
    ]
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    extra = {
        CHANGES: export.changes_csv(out / CHANGES, result.changes, stamp),
        UNMATCHED: export.unmatched_csv(unmatched),
    }
    files = {work.name(r.report.source.path): {"path": str(r.report.source.path), "sha": r.report.source.sha256,
                                                "id": r.report.report_id} for r in result.reports}

    def manifest(outputs: dict[str, str]) -> bytes:
        # ASCII escapes: file names that are not valid UTF-8 still write.
        return (json.dumps({"state": state, "errors": result.errors, "unmatched": result.unmatched,
                            "problems": problems, "reports": len(result.reports),
                            # said again by a run with nothing to do; how the cache fared is this run's own
                            "warnings": [w for w in result.warnings if "cache not written" not in w],
                            "ids": {work.name(r.report.source.path): r.report.report_id for r in result.reports},
                            "files": files, "outputs": outputs}, indent=1) + "\n").encode("ascii")

    # Where workers ran, one of them writes peel.xlsx (the slowest output) and another draws
    # the heatmap (matplotlib's import and drawing) while the run writes the rest.
    workbook = drawing = None
    if stream.pool is not None:
        from . import heatmap

        drawing = lambda rows, forces: stream.pool.submit(heatmap.draw, rows, forces)  # noqa: E731
        if all(done.spooled for done in finished):
            spooled = [(done.spooled, done.put_in) for done in finished]
            workbook = lambda path, standing: stream.pool.submit(export.write_workbook, str(path), spooled, standing)  # noqa: E731
    export.assemble((done.load() for done in finished), result.reports, out, extra,
                    manifest=(MANIFEST, manifest), review=True, workbook=workbook, drawing=drawing)
    _prune(cache, result.reports)
    return result


def _previous_ids(out: Path) -> list[str]:
    """The ids of the reports the output folder holds (its json/ documents)."""
    return [p.stem for p in sorted((Path(out) / "json").glob("*.json"))]

