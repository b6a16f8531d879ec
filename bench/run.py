"""Speed figures for the pipeline (printed, never asserted): `make bench`.

Reads the Cambridgeshire report and, when present, the annotated corpus
($PEEL_CORPUS or ../shared/corpus), and prints words per second on one core for the
bare spaCy tokenizer, for classification (sentence split, cue rules, trained
classifier, labeller) and for the whole run (ingest, structure, classify) per file.
Each figure is CPU time of this process (one core), the best of several rounds, so
other work on the machine disturbs it little. A file that cannot be processed stops
the benchmark with its error: the figures are always over every file.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the figures claim

import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from pipeline import readers, structure  # noqa: E402
from pipeline.classify import build_nlp, classify  # noqa: E402
from pipeline.model import PipelineError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 5


def best(fn) -> float:
    """Least CPU time of ROUNDS runs of ``fn``, in seconds."""
    times = []
    for _ in range(ROUNDS):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    corpus = Path(os.environ.get("PEEL_CORPUS", ROOT.parent / "shared" / "corpus"))
    files = [ROOT / "raw" / "cambridgeshire-peel-2015-effectiveness.txt"]
    files += sorted((corpus / "texts").glob("*.txt")) if (corpus / "texts").is_dir() else []
    reports = []
    failed = []
    for path in files:
        try:
            reports.append(structure.parse(readers.read(path)))
        except PipelineError as exc:
            failed.append(str(exc))
    if failed:
        sys.exit("bench: these files cannot be processed, so nothing is timed:\n" + "\n".join(failed))
    texts = [block.text for report in reports for block in report.blocks]
    words = sum(len(t.split()) for t in texts)
    nlp = build_nlp()
    classify(reports[0])  # load the model before timing

    def whole_run():
        for path in files:
            classify(structure.parse(readers.read(path)))

    tokenizer = best(lambda: [nlp.make_doc(t) for t in texts])
    classified = best(lambda: [classify(r) for r in reports])
    whole = best(whole_run)
    print(f"texts: {len(reports)} reports, {words:,} words of prose; CPU time, best of {ROUNDS} rounds, one core")
    print(f"bare tokenizer     {words / tokenizer:>12,.0f} words/s")
    print(f"classification     {words / classified:>12,.0f} words/s")
    print(f"whole run per file {words / whole:>12,.0f} words/s  ({len(files) / whole:,.1f} files/s)")
    print(f"peak memory        {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>12,.0f} MB")


if __name__ == "__main__":
    main()
