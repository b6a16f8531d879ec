"""What the speed benchmarks share: one core, the report texts they time, best-of timing.

Imported first by each script (``import common``, the scripts' own folder being first on
sys.path), so the thread limits are set before numpy and spaCy load.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the figures claim

ROOT = Path(__file__).resolve().parent.parent
CAMBRIDGESHIRE = ROOT / "raw" / "cambridgeshire-peel-2015-effectiveness.txt"


def corpus_dir() -> Path:
    """The annotated corpus: $PEEL_CORPUS or ../shared/corpus."""
    return Path(os.environ.get("PEEL_CORPUS", ROOT.parent / "shared" / "corpus"))


def report_files() -> list[Path]:
    """The Cambridgeshire report and, when present, every corpus text."""
    texts = corpus_dir() / "texts"
    return [CAMBRIDGESHIRE, *(sorted(texts.glob("*.txt")) if texts.is_dir() else [])]


def parsed(files: list[Path]) -> list:
    """Each file read and structured, or the benchmark stopped with every file that cannot
    be: a figure is always over every file."""
    from pipeline import readers, structure
    from pipeline.model import PipelineError

    reports, failed = [], []
    for path in files:
        try:
            reports.append(structure.parse(readers.read(path)))
        except PipelineError as exc:
            failed.append(str(exc))
    if failed:
        sys.exit("bench: these files cannot be processed, so nothing is timed:\n" + "\n".join(failed))
    return reports


def best(fn, rounds: int) -> float:
    """Least CPU time of ``rounds`` runs of ``fn``, in seconds (CPU time: other work on the
    machine disturbs it little)."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)
